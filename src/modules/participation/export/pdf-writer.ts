import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { ByteSink } from "./sink.js";

/**
 * A minimal PDF file writer that streams: objects are written as soon as they are complete, object
 * numbers can be reserved before an object is written (a page's struct elements, the page tree),
 * and only each object's byte offset is kept for the cross-reference table at the end.
 */
export class PdfFileWriter {
  /** byte offset per object number; index 0 is the free-list head, −1 = reserved, not yet written */
  private readonly offsets: number[] = [0];

  constructor(private readonly sink: ByteSink) {}

  async header(): Promise<void> {
    // The comment with bytes above 127 tells transfer tools the file is binary.
    await this.sink.write(Buffer.from("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n", "latin1"));
  }

  reserve(): number {
    this.offsets.push(-1);
    return this.offsets.length - 1;
  }

  /** Writes object `num` (reserved before); `body` is PDF syntax with bytes as latin1 chars. */
  async object(num: number, body: string): Promise<void> {
    this.offsets[num] = this.sink.offset;
    await this.sink.write(Buffer.from(`${num} 0 obj\n${body}\nendobj\n`, "latin1"));
  }

  /** Writes a stream object; `data` is deflated unless `compress` is false (XMP must stay readable). */
  async stream(num: number, dict: string, data: string | Buffer, compress = true): Promise<void> {
    const raw = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    const bytes = compress ? deflateSync(raw) : raw;
    const filter = compress ? " /Filter /FlateDecode" : "";
    this.offsets[num] = this.sink.offset;
    await this.sink.write(Buffer.from(`${num} 0 obj\n<< ${dict} /Length ${bytes.length}${filter} >>\nstream\n`, "latin1"));
    await this.sink.write(bytes);
    await this.sink.write(Buffer.from("\nendstream\nendobj\n", "latin1"));
  }

  /** The cross-reference table and trailer; every reserved object must have been written. */
  async finish(root: number, info: number, idSeed: string): Promise<void> {
    const missing = this.offsets.findIndex((o, i) => i > 0 && o < 0);
    if (missing > 0) throw new Error(`PDF object ${missing} was reserved but never written`);
    const xrefAt = this.sink.offset;
    const entry = (o: number, i: number) => (i === 0 ? "0000000000 65535 f \n" : `${String(o).padStart(10, "0")} 00000 n \n`);
    await this.sink.write(`xref\n0 ${this.offsets.length}\n`);
    // In slices, so that a document of many thousand objects never becomes one huge string.
    for (let i = 0; i < this.offsets.length; i += 4096) await this.sink.write(this.offsets.slice(i, i + 4096).map((o, j) => entry(o, i + j)).join(""));
    const id = createHash("md5").update(idSeed).digest("hex");
    await this.sink.write(`trailer\n<< /Size ${this.offsets.length} /Root ${root} 0 R /Info ${info} 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  }
}

/** A reference "12 0 R". */
export const ref = (num: number): string => `${num} 0 R`;

/** A number in content streams: at most two decimals, no trailing zeros. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A PDF text string (metadata, struct attributes): UTF-16BE with byte order mark, as hex. */
export function textString(text: string): string {
  let hex = "<FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `${hex}>`;
}

/** A PDF date "D:20261203140500+01'00'" for an instant shown in Europe/Berlin. */
export function pdfDate(wall: { date: string; hour: number; minute: number; second: number }, at: Date): string {
  const [y, m, d] = wall.date.split("-");
  const wallMs = Date.UTC(Number(y), Number(m) - 1, Number(d), wall.hour, wall.minute, wall.second);
  const offsetMinutes = Math.round((wallMs - Math.floor(at.getTime() / 1000) * 1000) / 60000);
  const two = (n: number) => String(n).padStart(2, "0");
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  return `D:${y}${m}${d}${two(wall.hour)}${two(wall.minute)}${two(wall.second)}${sign}${two(Math.floor(abs / 60))}'${two(abs % 60)}'`;
}
