import { crc32 } from "node:zlib";
import { Deflate } from "fflate";
import type { ByteSink } from "./sink.js";

/**
 * A streaming ZIP writer for OpenDocument files. A file of known content is written "stored" with
 * its CRC and sizes in the local header — ODF wants `mimetype` first, uncompressed and without a
 * data descriptor (Java's ZipInputStream refuses stored entries that have one). A file produced
 * piece by piece is deflated as it comes and followed by a data descriptor. Only the entries'
 * names, CRCs, sizes and offsets are kept for the central directory. No ZIP64: up to 4 GiB.
 */
export class ZipWriter {
  private readonly entries: Entry[] = [];
  private readonly dosTime: number;
  private readonly dosDate: number;

  /** `modified`: the wall time (e.g. Europe/Berlin) stamped on every entry */
  constructor(
    private readonly sink: ByteSink,
    modified: { date: string; hour: number; minute: number; second: number },
  ) {
    const [y, m, d] = modified.date.split("-").map(Number) as [number, number, number];
    this.dosDate = ((y - 1980) << 9) | (m << 5) | d;
    this.dosTime = (modified.hour << 11) | (modified.minute << 5) | (modified.second >> 1);
  }

  async stored(name: string, data: Uint8Array): Promise<void> {
    const entry: Entry = { name: Buffer.from(name, "utf8"), method: 0, flags: 0, crc: crc32(data), compressed: data.length, size: data.length, offset: this.sink.offset };
    await this.sink.write(this.localHeader(entry));
    await this.sink.write(data);
    this.entries.push(entry);
  }

  /** A deflated entry whose content `produce` writes piece by piece (each piece is waited for). */
  async deflated(name: string, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
    const entry: Entry = { name: Buffer.from(name, "utf8"), method: 8, flags: DATA_DESCRIPTOR, crc: 0, compressed: 0, size: 0, offset: this.sink.offset };
    await this.sink.write(this.localHeader(entry));
    let pending: Uint8Array[] = [];
    const deflate = new Deflate({ level: 6 }, (chunk) => {
      pending.push(chunk);
    });
    const flush = async () => {
      const chunks = pending;
      pending = [];
      for (const chunk of chunks) {
        entry.compressed += chunk.length;
        await this.sink.write(chunk);
      }
    };
    await produce(async (text) => {
      const bytes = Buffer.from(text, "utf8");
      entry.crc = crc32(bytes, entry.crc);
      entry.size += bytes.length;
      deflate.push(bytes);
      await flush();
    });
    deflate.push(new Uint8Array(0), true);
    await flush();
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeUInt32LE(checked(entry.compressed), 8);
    descriptor.writeUInt32LE(checked(entry.size), 12);
    await this.sink.write(descriptor);
    this.entries.push(entry);
  }

  /** The central directory and its end record. */
  async finish(): Promise<void> {
    const start = this.sink.offset;
    for (const e of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4); // made by: MS-DOS, spec 2.0
      header.writeUInt16LE(20, 6); // needed: 2.0
      header.writeUInt16LE(e.flags, 8);
      header.writeUInt16LE(e.method, 10);
      header.writeUInt16LE(this.dosTime, 12);
      header.writeUInt16LE(this.dosDate, 14);
      header.writeUInt32LE(e.crc >>> 0, 16);
      header.writeUInt32LE(checked(e.compressed), 20);
      header.writeUInt32LE(checked(e.size), 24);
      header.writeUInt16LE(e.name.length, 28);
      // extra field, comment, disk number, internal and external attributes: all 0
      header.writeUInt32LE(checked(e.offset), 42);
      await this.sink.write(Buffer.concat([header, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(checked(this.sink.offset - start), 12);
    end.writeUInt32LE(checked(start), 16);
    await this.sink.write(end);
  }

  private localHeader(e: Entry): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(e.flags, 6);
    header.writeUInt16LE(e.method, 8);
    header.writeUInt16LE(this.dosTime, 10);
    header.writeUInt16LE(this.dosDate, 12);
    // with a data descriptor, CRC and sizes follow the data and stay 0 here
    header.writeUInt32LE(e.crc >>> 0, 14);
    header.writeUInt32LE(e.compressed, 18);
    header.writeUInt32LE(e.size, 22);
    header.writeUInt16LE(e.name.length, 26);
    return Buffer.concat([header, e.name]);
  }
}

interface Entry {
  name: Buffer;
  method: 0 | 8;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** general purpose flag bit 3: CRC and sizes are in a data descriptor after the data */
const DATA_DESCRIPTOR = 0x08;

function checked(value: number): number {
  if (value > 0xffffffff) throw new Error("ZIP entry or archive larger than 4 GiB (ZIP64 is not supported)");
  return value;
}
