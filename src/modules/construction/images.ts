import { crc32, deflateSync } from "node:zlib";

/**
 * Photos of construction updates: their pixel size read from the file itself (so pages can give
 * every <img> its width and height), and small PNGs drawn in code for the demo data.
 */

export interface Dimensions {
  width: number;
  height: number;
}

/** Width and height as a viewer shows them (JPEG: after its EXIF orientation); undefined when the file is broken. */
export function imageDimensions(data: Buffer, mime: string): Dimensions | undefined {
  const d = mime === "image/png" ? pngSize(data) : mime === "image/jpeg" ? jpegSize(data) : mime === "image/webp" ? webpSize(data) : undefined;
  return d && d.width > 0 && d.height > 0 && d.width <= 100_000 && d.height <= 100_000 ? d : undefined;
}

function pngSize(b: Buffer): Dimensions | undefined {
  if (b.length < 24 || b.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function webpSize(b: Buffer): Dimensions | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString("latin1", 12, 16);
  if (chunk === "VP8 ") {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    if (b[20] !== 0x2f) return undefined;
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}

/** Start-of-frame markers carry the size (not DHT C4, JPG C8, DAC CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(b: Buffer): Dimensions | undefined {
  let at = 2;
  let orientation = 1;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    const length = b.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > b.length) return undefined;
    if (marker === 0xe1) orientation = exifOrientation(b.subarray(at + 4, at + 2 + length)) ?? orientation;
    if (SOF.has(marker)) {
      if (length < 7) return undefined;
      const height = b.readUInt16BE(at + 5);
      const width = b.readUInt16BE(at + 7);
      // orientations 5–8 turn the picture by 90°: the viewer shows it the other way round
      return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
    }
    at += 2 + length;
  }
  return undefined;
}

/** The Orientation tag (0x0112) of an APP1 Exif segment, if present. */
function exifOrientation(seg: Buffer): number | undefined {
  if (seg.length < 14 || seg.toString("latin1", 0, 6) !== "Exif\0\0") return undefined;
  const tiff = seg.subarray(6);
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return undefined;
  const le = order === "II";
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) === 0x0112) return u16(entry + 8);
  }
  return undefined;
}

/** The size to render a photo at: its own, or scaled down (keeping the proportions) to fit into a box. */
export function fitInto(d: Dimensions, maxWidth: number, maxHeight: number): Dimensions {
  const scale = Math.min(1, maxWidth / d.width, maxHeight / d.height);
  return { width: Math.max(1, Math.round(d.width * scale)), height: Math.max(1, Math.round(d.height * scale)) };
}

// ---- PNGs drawn in code (demo data, tests) -----------------------------------------------------

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of the given size; `paint` gives the colour of each pixel. */
export function drawPng(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, bl] = paint(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = bl;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

type Rgb = [number, number, number];

/**
 * A symbolic picture of a building site (no photograph): sky, ground, a building in the given
 * colour, a crane. `variant` moves the parts so the demo's pictures differ.
 */
export function constructionSiteGraphic(width: number, height: number, building: Rgb, variant = 0): Buffer {
  const horizon = Math.round(height * (0.62 + (variant % 3) * 0.04));
  const bx0 = Math.round(width * (0.18 + (variant % 4) * 0.06));
  const bx1 = bx0 + Math.round(width * 0.34);
  const bTop = Math.round(height * (0.3 + (variant % 2) * 0.08));
  const craneX = Math.round(width * (0.72 - (variant % 3) * 0.03));
  const craneTop = Math.round(height * 0.12);
  const jibY = craneTop + 6;
  return drawPng(width, height, (x, y) => {
    // crane: mast and jib in signal orange
    if (x >= craneX && x < craneX + 6 && y >= craneTop && y < horizon) return [233, 120, 20];
    if (y >= jibY && y < jibY + 5 && x >= craneX - Math.round(width * 0.28) && x < craneX + Math.round(width * 0.1)) return [233, 120, 20];
    // hook rope
    if (x === craneX - Math.round(width * 0.2) && y >= jibY && y < jibY + Math.round(height * 0.2)) return [60, 60, 60];
    // building with window rows
    if (x >= bx0 && x < bx1 && y >= bTop && y < horizon) {
      const win = (x - bx0) % 24 >= 8 && (x - bx0) % 24 < 18 && (y - bTop) % 28 >= 10 && (y - bTop) % 28 < 20;
      return win ? [200, 225, 240] : building;
    }
    if (y >= horizon) return (x + y) % 16 < 8 ? [121, 96, 70] : [110, 86, 62];
    const t = y / horizon;
    return [Math.round(120 + 80 * t), Math.round(170 + 60 * t), 235];
  });
}
