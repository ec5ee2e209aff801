/**
 * The type of an uploaded file, decided by its leading bytes ("magic numbers") only: the
 * file name and the Content-Type the browser sends are chosen by the uploader and prove nothing.
 */

export type SniffedMime = "application/pdf" | "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/tiff" | "image/heic";

export interface SniffedType {
  mime: SniffedMime;
  /** the file name extension we store the file under, without the dot */
  ext: string;
  /** German name for pages and messages, e.g. "PDF-Dokument" */
  label: string;
}

/** How many leading bytes callers must pass to sniffType (a PDF header may start anywhere in the first 1024). */
export const SNIFF_BYTES = 1024;

interface KnownType extends SniffedType {
  /** short German name for lists of allowed types, e.g. "PDF" */
  short: string;
  matches(head: Buffer): boolean;
}

const ascii = (head: Buffer, offset: number, text: string): boolean =>
  head.length >= offset + text.length && head.toString("latin1", offset, offset + text.length) === text;

const bytes = (head: Buffer, offset: number, ...expected: number[]): boolean =>
  head.length >= offset + expected.length && expected.every((b, i) => head[offset + i] === b);

/** "%PDF-1.7": PDF readers accept the header anywhere in the first 1024 bytes (PDF 1.7, note 13). */
function isPdf(head: Buffer): boolean {
  return /%PDF-\d\.\d/.test(head.toString("latin1", 0, Math.min(head.length, SNIFF_BYTES)));
}

const HEIF_BRANDS = new Set(["heic", "heix", "heif", "mif1"]);
/** AVIF shares the HEIF container (and often the mif1 brand) but is no HEIC image. */
const AVIF_BRANDS = new Set(["avif", "avis"]);

/** ISO base media file: box size, "ftyp", major brand, minor version, compatible brands. */
function isHeic(head: Buffer): boolean {
  if (!ascii(head, 4, "ftyp") || head.length < 12) return false;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [head.toString("latin1", 8, 12)];
  for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(head.toString("latin1", at, at + 4));
  return brands.some((b) => HEIF_BRANDS.has(b)) && !brands.some((b) => AVIF_BRANDS.has(b));
}

const TYPES: KnownType[] = [
  { mime: "image/jpeg", ext: "jpg", label: "JPEG-Bild", short: "JPEG", matches: (h) => bytes(h, 0, 0xff, 0xd8, 0xff) },
  { mime: "image/png", ext: "png", label: "PNG-Bild", short: "PNG", matches: (h) => bytes(h, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  { mime: "image/gif", ext: "gif", label: "GIF-Bild", short: "GIF", matches: (h) => ascii(h, 0, "GIF87a") || ascii(h, 0, "GIF89a") },
  { mime: "image/webp", ext: "webp", label: "WebP-Bild", short: "WebP", matches: (h) => ascii(h, 0, "RIFF") && ascii(h, 8, "WEBP") },
  { mime: "image/tiff", ext: "tif", label: "TIFF-Bild", short: "TIFF", matches: (h) => bytes(h, 0, 0x49, 0x49, 0x2a, 0x00) || bytes(h, 0, 0x4d, 0x4d, 0x00, 0x2a) },
  { mime: "image/heic", ext: "heic", label: "HEIC-Bild", short: "HEIC", matches: isHeic },
  // last: it searches a window, the others check fixed offsets
  { mime: "application/pdf", ext: "pdf", label: "PDF-Dokument", short: "PDF", matches: isPdf },
];

/** The type of a file from its first SNIFF_BYTES bytes; undefined when it is none of the types we accept anywhere. */
export function sniffType(head: Buffer): SniffedType | undefined {
  const found = TYPES.find((t) => t.matches(head));
  return found && { mime: found.mime, ext: found.ext, label: found.label };
}

const essence = (mime: string): string => mime.split(";")[0]!.trim().toLowerCase();

function acceptMatches(entry: string, mime: string): boolean {
  const pattern = essence(entry);
  if (pattern === "*/*" || pattern === "*") return true;
  if (pattern.endsWith("/*")) return mime.startsWith(pattern.slice(0, -1));
  return pattern === mime;
}

/** Whether a (sniffed) MIME type is allowed by a field's `file.accept` list ("application/pdf", "image/*", …). */
export function acceptsType(accept: string[], mime: string): boolean {
  const m = essence(mime);
  return accept.some((entry) => acceptMatches(entry, m));
}

/**
 * The allowed types in German for hints and errors: ["application/pdf", "image/jpeg", "image/png"]
 * → "PDF, JPEG oder PNG". Wildcards name the sniffable types they allow, since only those pass.
 */
export function describeAccept(accept: string[]): string {
  const names: string[] = [];
  for (const entry of accept) {
    const known = TYPES.filter((t) => acceptMatches(entry, t.mime)).map((t) => t.short);
    const entryNames = known.length > 0 ? known : [essence(entry).split("/").pop()!.toUpperCase()];
    for (const name of entryNames) if (!names.includes(name)) names.push(name);
  }
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} oder ${names.at(-1)}`;
}
