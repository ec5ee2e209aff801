import { Encodings, Font } from "@pdf-lib/standard-fonts";

/**
 * The two standard fonts the PDF uses (Helvetica, Helvetica-Bold), not embedded, with
 * WinAnsiEncoding — every viewer has them and text stays real text. The limit: WinAnsi
 * (Windows-1252) holds German letters, „“ ‚‘ – — € … but nothing beyond; text is passed through
 * platform/pdf/text.ts (`wrapText` → `winAnsiSafe`) first, which transliterates what it can and
 * writes "?" for the rest (e.g. Greek or Cyrillic letters). Widths are the fonts' AFM metrics.
 */

export interface PdfFont {
  /** resource name in the page's /Font dictionary */
  resource: "F1" | "F2";
  baseFont: "Helvetica" | "Helvetica-Bold";
  /** advance width per WinAnsi code, in 1/1000 em */
  widths: Float64Array;
}

const WIN_ANSI = Encodings.WinAnsi;

/** WinAnsi code per UTF-16 code unit (−1: not encodable). */
const CODE_OF = new Int16Array(0x10000).fill(-1);
for (const cp of WIN_ANSI.supportedCodePoints) if (cp < 0x10000) CODE_OF[cp] = WIN_ANSI.encodeUnicodeCodePoint(cp).code;
const QUESTION_MARK = 0x3f;

function load(baseFont: PdfFont["baseFont"], resource: PdfFont["resource"]): PdfFont {
  const metrics = Font.load(baseFont);
  const widths = new Float64Array(256);
  for (const cp of WIN_ANSI.supportedCodePoints) {
    const { code, name } = WIN_ANSI.encodeUnicodeCodePoint(cp);
    widths[code] = metrics.getWidthOfGlyph(name) ?? 0;
  }
  return { resource, baseFont, widths };
}

export const HELVETICA = load("Helvetica", "F1");
export const HELVETICA_BOLD = load("Helvetica-Bold", "F2");

/** Width of `text` in points at `size` (no kerning — the content stream does not kern either). */
export function widthOf(font: PdfFont, text: string, size: number): number {
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const code = CODE_OF[text.charCodeAt(i)]!;
    units += font.widths[code < 0 ? QUESTION_MARK : code]!;
  }
  return (units * size) / 1000;
}

/**
 * `text` as a PDF literal string of WinAnsi bytes, e.g. "(Gr\374\337e)" — returned as a
 * "binary" JavaScript string (one char per byte) for Buffer.from(…, "latin1").
 */
export function pdfLiteral(text: string): string {
  let out = "(";
  for (let i = 0; i < text.length; i++) {
    let code = CODE_OF[text.charCodeAt(i)]!;
    if (code < 0) code = QUESTION_MARK;
    if (code === 0x28 || code === 0x29 || code === 0x5c) out += "\\";
    out += String.fromCharCode(code);
  }
  return `${out})`;
}
