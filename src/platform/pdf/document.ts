import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { winAnsiSafe, wrapText } from "./text.js";

/**
 * Text documents as PDF (receipts, letters), as accessible as pdf-lib allows: real text in the
 * standard fonts (selectable, searchable, read aloud), title and language in the metadata, the
 * title shown in the viewer's window. pdf-lib cannot write a tag structure; reading order is the
 * drawing order, which is the order of the blocks.
 */

export interface DocumentMeta {
  /** PDF Title; viewers show it instead of the file name (DisplayDocTitle) */
  title: string;
  /** default "de-DE" */
  lang?: string;
  author?: string;
  subject?: string;
  /** default "Digitales Rathaus" */
  creator?: string;
  /** CreationDate and ModDate; without it pdf-lib stamps the current time */
  createdAt?: Date;
}

export type Block =
  | { kind: "heading"; text: string; level?: 1 | 2 }
  | { kind: "paragraph"; text: string }
  | { kind: "rows"; rows: { label: string; value: string }[] }
  | { kind: "spacer" };

export interface TextDocument extends DocumentMeta {
  /** a small line on top of every page, e.g. the municipality's name */
  header?: string;
  createdAt: Date;
  blocks: Block[];
}

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** A4 portrait, in points. */
export const PAGE = { width: 595.28, height: 841.89, margin: 56 };
export const GREY = rgb(0.33, 0.33, 0.33);
const BLACK = rgb(0, 0, 0);

/** An empty PDF with its metadata set and the two standard fonts embedded. */
export async function createPdf(meta: DocumentMeta): Promise<{ pdf: PDFDocument; fonts: Fonts }> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(meta.title, { showInWindowTitleBar: true });
  pdf.setLanguage(meta.lang ?? "de-DE");
  if (meta.author) pdf.setAuthor(meta.author);
  if (meta.subject) pdf.setSubject(meta.subject);
  pdf.setCreator(meta.creator ?? "Digitales Rathaus");
  if (meta.createdAt) {
    pdf.setCreationDate(meta.createdAt);
    pdf.setModificationDate(meta.createdAt);
  }
  const fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  return { pdf, fonts };
}

export interface TextStyle {
  font: PDFFont;
  size: number;
  /** distance between baselines; default 1.35 × size */
  lineHeight?: number;
  color?: RGB;
}

/**
 * Writes top to bottom and starts a new page when the next thing does not fit. `y` is the top
 * of the free space on the current page. Call `finish()` once at the end for the page numbers.
 */
export class PageFlow {
  readonly left = PAGE.margin;
  readonly width = PAGE.width - 2 * PAGE.margin;
  page!: PDFPage;
  y = 0;

  constructor(
    readonly pdf: PDFDocument,
    readonly fonts: Fonts,
    private readonly header?: string,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    // The header is drawn first, so it also comes first in the reading order.
    if (this.header) this.page.drawText(this.fit(this.header, this.fonts.regular, 8), { x: this.left, y: PAGE.height - 36, size: 8, font: this.fonts.regular, color: GREY });
    this.y = PAGE.height - PAGE.margin;
  }

  /** Starts a new page unless `height` points still fit (and the page is not empty anyway). */
  ensure(height: number): void {
    if (this.y - height < PAGE.margin && this.y < PAGE.height - PAGE.margin) this.newPage();
  }

  wrap(text: string, style: TextStyle, width = this.width): string[] {
    return wrapText(text, width, (s) => style.font.widthOfTextAtSize(s, style.size));
  }

  lineHeight(style: TextStyle): number {
    return style.lineHeight ?? style.size * 1.35;
  }

  /** Writes lines at `x` (relative to the left margin), breaking pages between lines. */
  write(lines: string[], style: TextStyle, x = 0): void {
    const lh = this.lineHeight(style);
    for (const line of lines) {
      this.ensure(lh);
      this.y -= lh;
      if (line) this.page.drawText(line, { x: this.left + x, y: this.y + (lh - style.size) / 2 + style.size * 0.22, size: style.size, font: style.font, color: style.color ?? BLACK });
    }
  }

  /** A bold heading, kept on one page with the first `keepWith` points of what follows. */
  heading(text: string, size: number, keepWith = 50): void {
    const style = { font: this.fonts.bold, size };
    const lines = this.wrap(text, style);
    this.ensure(lines.length * this.lineHeight(style) + size * 0.6 + keepWith);
    if (this.y < PAGE.height - PAGE.margin) this.y -= size * 0.6;
    this.write(lines, style);
    this.y -= 4;
  }

  paragraph(text: string, style: TextStyle): void {
    this.write(this.wrap(text, style), style);
    this.y -= 6;
  }

  /** "Seite X von Y" at the bottom of every page. */
  finish(): void {
    const pages = this.pdf.getPages();
    pages.forEach((page, i) => {
      const text = `Seite ${i + 1} von ${pages.length}`;
      const width = this.fonts.regular.widthOfTextAtSize(text, 8);
      page.drawText(text, { x: PAGE.width - PAGE.margin - width, y: 30, size: 8, font: this.fonts.regular, color: GREY });
    });
  }

  /** One line, cut with "…" when too wide (the header). */
  private fit(text: string, font: PDFFont, size: number): string {
    let line = winAnsiSafe(text);
    if (font.widthOfTextAtSize(line, size) <= this.width) return line;
    while (line && font.widthOfTextAtSize(`${line}…`, size) > this.width) line = line.slice(0, -1);
    return `${line}…`;
  }
}

const HEADING: Record<1 | 2, number> = { 1: 16, 2: 12.5 };
const BODY = 10.5;
const ROW = 10;

function drawBlock(flow: PageFlow, block: Block): void {
  const { regular, bold } = flow.fonts;
  switch (block.kind) {
    case "heading":
      return flow.heading(block.text, HEADING[block.level ?? 1]);
    case "paragraph":
      return flow.paragraph(block.text, { font: regular, size: BODY });
    case "rows": {
      const labelWidth = flow.width * 0.4;
      const labelStyle = { font: bold, size: ROW };
      const valueStyle = { font: regular, size: ROW };
      const lh = flow.lineHeight(valueStyle);
      for (const row of block.rows) {
        const labels = flow.wrap(row.label, labelStyle, labelWidth - 10);
        const values = flow.wrap(row.value, valueStyle, flow.width - labelWidth);
        const count = Math.max(labels.length, values.length);
        // A short row stays on one page; a very long one continues on the next.
        flow.ensure(Math.min(count * lh, PAGE.height - 2 * PAGE.margin));
        for (let i = 0; i < count; i++) {
          flow.ensure(lh);
          const top = flow.y;
          flow.write([labels[i] ?? ""], labelStyle);
          flow.y = top;
          flow.write([values[i] ?? ""], valueStyle, labelWidth);
        }
        flow.y -= 4;
      }
      flow.y -= 4;
      return;
    }
    case "spacer":
      flow.y -= 12;
      return;
  }
}

export async function renderTextDocument(doc: TextDocument): Promise<Buffer> {
  const { pdf, fonts } = await createPdf(doc);
  const flow = new PageFlow(pdf, fonts, doc.header);
  for (const block of doc.blocks) drawBlock(flow, block);
  flow.finish();
  return Buffer.from(await pdf.save());
}
