import type { Writable } from "node:stream";
import { berlinDateTime, formatDateTime } from "../../../platform/clock.js";
import { wrapText } from "../../../platform/pdf/text.js";
import { HELVETICA, HELVETICA_BOLD, pdfLiteral, widthOf, type PdfFont } from "./fonts.js";
import { COLUMN_LABELS, LATE_LABEL, germanDate, statementNotes, summaryLine, verdictLabel } from "./format.js";
import { PdfFileWriter, num, pdfDate, ref, textString } from "./pdf-writer.js";
import { runExport } from "./sink.js";
import type { WeighingRow, WeighingTable } from "./types.js";

/**
 * The Abwägungstabelle as a PDF for the council's Beschlussvorlage: A4 landscape, a table whose
 * rows may run across pages, the header row repeated on every page, "Seite X von Y".
 *
 * Streaming: each page is written as soon as it is full; of the rows already written only object
 * numbers are kept (pages, table rows, the parent tree's per-page arrays, xref offsets). The total
 * page count is a form XObject that every page draws and that is written last.
 *
 * Tagged PDF: Document → H1, P… , Table → THead/TBody → TR → TH/TD, with marked content on the
 * pages; repeated header rows, page footers and grid lines are pagination artifacts. Struct
 * elements of a row are written when the row is complete (their numbers are reserved earlier).
 */
export async function writeWeighingPdf(table: WeighingTable, out: Writable): Promise<void> {
  await runExport(out, async (sink) => {
    const writer = new PdfFileWriter(sink);
    await writer.header();
    const layout = new TableLayout(writer, table);
    await layout.start();
    for await (const row of table.rows) await layout.row(row);
    await layout.finish();
  });
}

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = { x: 36, top: 36, bottom: 40 };
const FOOTER_BASELINE = 20;
const SIZE = 8.5;
const LEADING = 10.5;
const PAD = { x: 4, y: 4 };
/** a row starts on a page only when this many of its lines fit there (or all of them) */
const MIN_LINES = 4;
const COLUMN_WIDTHS = [30, 120, 300, 240];
const WIDTHS = [...COLUMN_WIDTHS, PAGE.width - 2 * MARGIN.x - COLUMN_WIDTHS.reduce((a, b) => a + b, 0)];
const COLUMN_X = WIDTHS.map((_, i) => MARGIN.x + WIDTHS.slice(0, i).reduce((a, b) => a + b, 0));
const GRID = "0.6 G 0.5 w";
const HEADER_FILL = "0.9 g";

interface Line {
  text: string;
  bold?: boolean;
}

interface MarkedRef {
  page: number;
  mcid: number;
}

const wrap = (text: string, width: number, font: PdfFont = HELVETICA, size = SIZE): string[] =>
  wrapText(text, width, (s) => widthOf(font, s, size));

class TableLayout {
  private readonly obj: Record<
    "catalog" | "pages" | "info" | "metadata" | "fontRegular" | "fontBold" | "resources" | "totalPages" | "structRoot" | "parentTree" | "document" | "table" | "thead" | "tbody" | "headerRow",
    number
  >;
  private readonly pages: number[] = [];
  private readonly parentTreeArrays: number[] = [];
  private readonly bodyRows: number[] = [];
  private readonly documentKids: number[] = [];
  private page = { num: 0, content: 0, ops: [] as string[], nextMcid: 0, parents: [] as number[], y: 0 };

  constructor(
    private readonly w: PdfFileWriter,
    private readonly table: WeighingTable,
  ) {
    const names = ["catalog", "pages", "info", "metadata", "fontRegular", "fontBold", "resources", "totalPages", "structRoot", "parentTree", "document", "table", "thead", "tbody", "headerRow"] as const;
    this.obj = Object.fromEntries(names.map((n) => [n, w.reserve()])) as TableLayout["obj"];
  }

  async start(): Promise<void> {
    const { obj, w } = this;
    await w.object(obj.fontRegular, fontDict(HELVETICA));
    await w.object(obj.fontBold, fontDict(HELVETICA_BOLD));
    await w.object(obj.resources, `<< /Font << /F1 ${ref(obj.fontRegular)} /F2 ${ref(obj.fontBold)} >> /XObject << /Tot ${ref(obj.totalPages)} >> >>`);
    this.beginPage();
    await this.titleBlock();
    await this.headerRow(true);
  }

  /** Title, subtitle, municipality and date, summary — tagged H1 and P. */
  private async titleBlock(): Promise<void> {
    const width = PAGE.width - 2 * MARGIN.x;
    const t = this.table;
    const blocks: { tag: "H1" | "P"; font: PdfFont; size: number; leading: number; text: string; gapAfter: number }[] = [
      { tag: "H1", font: HELVETICA_BOLD, size: 15, leading: 19, text: t.title, gapAfter: 4 },
      { tag: "P", font: HELVETICA, size: 10, leading: 13, text: t.subtitle, gapAfter: 2 },
      { tag: "P", font: HELVETICA, size: 10, leading: 13, text: `${t.municipality} · Stand: ${formatDateTime(t.generatedAt)}`, gapAfter: 6 },
      { tag: "P", font: HELVETICA, size: 9, leading: 12, text: summaryLine(t.summary), gapAfter: 10 },
    ];
    for (const b of blocks) {
      const lines = wrap(b.text, width, b.font, b.size).map((text) => ({ text, bold: b.font === HELVETICA_BOLD }));
      const element = this.w.reserve();
      const marked = this.mark(b.tag, element, textOps(MARGIN.x, this.page.y, lines, b.size, b.leading));
      await this.w.object(element, structElem(b.tag, this.obj.document, [marked]));
      this.documentKids.push(element);
      this.page.y -= lines.length * b.leading + b.gapAfter;
    }
    this.documentKids.push(this.obj.table);
  }

  /** The header row: tagged TH on the first page, a pagination artifact on the pages after it. */
  private async headerRow(tagged: boolean): Promise<void> {
    const top = this.page.y;
    const height = LEADING + 2 * PAD.y;
    this.artifact(`${HEADER_FILL} ${num(MARGIN.x)} ${num(top - height)} ${num(PAGE.width - 2 * MARGIN.x)} ${num(height)} re f 0 g\n${gridOps(top, height)}`);
    const cells: number[] = [];
    for (const [i, label] of COLUMN_LABELS.entries()) {
      const ops = textOps(COLUMN_X[i]! + PAD.x, top - PAD.y, [{ text: label, bold: true }], SIZE, LEADING);
      if (!tagged) {
        this.artifact(ops, true);
        continue;
      }
      const th = this.w.reserve();
      const marked = this.mark("TH", th, ops);
      await this.w.object(th, structElem("TH", this.obj.headerRow, [marked], "/A << /O /Table /Scope /Column >>"));
      cells.push(th);
    }
    if (tagged) await this.w.object(this.obj.headerRow, `<< /Type /StructElem /S /TR /P ${ref(this.obj.thead)} /K [${cells.map(ref).join(" ")}] >>`);
    this.page.y -= height;
  }

  /** One statement: its cells wrapped, then written in slices as long as pages have room. */
  async row(row: WeighingRow): Promise<void> {
    const cells = rowCells(row);
    const tr = this.w.reserve();
    const elements = cells.map(() => this.w.reserve());
    const marked: MarkedRef[][] = cells.map(() => []);
    const cursor = cells.map(() => 0);
    let continued = false;
    for (;;) {
      const remaining = Math.max(...cells.map((c, i) => c.length - cursor[i]!));
      const fit = Math.floor((this.page.y - MARGIN.bottom - 2 * PAD.y) / LEADING);
      if (fit < Math.min(remaining, MIN_LINES)) {
        await this.newPage();
        continue;
      }
      const n = Math.min(fit, remaining);
      const top = this.page.y;
      for (const [i, lines] of cells.entries()) {
        const slice = lines.slice(cursor[i], cursor[i]! + n);
        cursor[i]! += slice.length;
        if (slice.length === 0) continue;
        const tag = i === 0 ? "TH" : "TD";
        marked[i]!.push(this.mark(tag, elements[i]!, textOps(COLUMN_X[i]! + PAD.x, top - PAD.y, slice, SIZE, LEADING)));
      }
      // On a page where the row continues, its number is repeated for the reader (not for the tags).
      if (continued) this.artifact(textOps(COLUMN_X[0]! + PAD.x, top - PAD.y, [{ text: String(row.position) }, { text: "Forts." }], 7, LEADING), true);
      const height = n * LEADING + 2 * PAD.y;
      this.artifact(gridOps(top, height));
      this.page.y -= height;
      if (remaining <= n) break;
      await this.newPage();
      continued = true;
    }
    for (const [i, element] of elements.entries()) {
      const attributes = i === 0 ? "/A << /O /Table /Scope /Row >>" : "";
      await this.w.object(element, structElem(i === 0 ? "TH" : "TD", tr, marked[i]!, attributes));
    }
    await this.w.object(tr, `<< /Type /StructElem /S /TR /P ${ref(this.obj.tbody)} /K [${elements.map(ref).join(" ")}] >>`);
    this.bodyRows.push(tr);
  }

  async finish(): Promise<void> {
    await this.endPage();
    const { obj, w, table } = this;
    const at = table.generatedAt;
    const date = pdfDate(berlinDateTime(at), at);
    await w.stream(obj.totalPages, `/Type /XObject /Subtype /Form /BBox [0 -3 100 10] /Resources << /Font << /F1 ${ref(obj.fontRegular)} >> >>`, `BT /F1 7.5 Tf 0 0 Td ${pdfLiteral(String(this.pages.length))} Tj ET`);
    await w.object(obj.pages, `<< /Type /Pages /Count ${this.pages.length} /Kids [${this.pages.map(ref).join(" ")}] >>`);
    await w.object(obj.thead, `<< /Type /StructElem /S /THead /P ${ref(obj.table)} /K [${ref(obj.headerRow)}] >>`);
    await w.object(obj.tbody, `<< /Type /StructElem /S /TBody /P ${ref(obj.table)} /K [${this.bodyRows.map(ref).join(" ")}] >>`);
    await w.object(obj.table, `<< /Type /StructElem /S /Table /P ${ref(obj.document)} /K [${ref(obj.thead)} ${ref(obj.tbody)}] >>`);
    await w.object(obj.document, `<< /Type /StructElem /S /Document /P ${ref(obj.structRoot)} /K [${this.documentKids.map(ref).join(" ")}] >>`);
    await w.object(obj.parentTree, `<< /Nums [${this.parentTreeArrays.map((a, i) => `${i} ${ref(a)}`).join(" ")}] >>`);
    await w.object(obj.structRoot, `<< /Type /StructTreeRoot /K [${ref(obj.document)}] /ParentTree ${ref(obj.parentTree)} /ParentTreeNextKey ${this.pages.length} >>`);
    await w.stream(obj.metadata, "/Type /Metadata /Subtype /XML", Buffer.from(xmp(table, at), "utf8"), false);
    await w.object(
      obj.info,
      `<< /Title ${textString(table.title)} /Subject ${textString(table.subtitle)} /Author ${textString(table.municipality)} /Creator ${textString("Digitales Rathaus")} /Producer ${textString("Digitales Rathaus")} /CreationDate (${date}) /ModDate (${date}) >>`,
    );
    await w.object(
      obj.catalog,
      `<< /Type /Catalog /Pages ${ref(obj.pages)} /Lang (de-DE) /ViewerPreferences << /DisplayDocTitle true >> /MarkInfo << /Marked true >> /StructTreeRoot ${ref(obj.structRoot)} /Metadata ${ref(obj.metadata)} >>`,
    );
    await w.finish(obj.catalog, obj.info, `${table.title}\n${at.toISOString()}`);
  }

  private beginPage(): void {
    this.page = { num: this.w.reserve(), content: this.w.reserve(), ops: [], nextMcid: 0, parents: [], y: PAGE.height - MARGIN.top };
    this.pages.push(this.page.num);
    const pageLabel = `Seite ${this.pages.length} von `;
    const labelX = PAGE.width - MARGIN.x - widthOf(HELVETICA, "Seite 00000 von 00000", 7.5);
    const title = fitOneLine(this.table.title, labelX - MARGIN.x - 20, 7.5);
    this.artifact(
      `BT /F1 7.5 Tf ${num(MARGIN.x)} ${FOOTER_BASELINE} Td ${pdfLiteral(title)} Tj ET\n` +
        `BT /F1 7.5 Tf ${num(labelX)} ${FOOTER_BASELINE} Td ${pdfLiteral(pageLabel)} Tj ET\n` +
        `q 1 0 0 1 ${num(labelX + widthOf(HELVETICA, pageLabel, 7.5))} ${FOOTER_BASELINE} cm /Tot Do Q`,
      true,
    );
  }

  private async endPage(): Promise<void> {
    const { w, page, obj } = this;
    const structParents = this.parentTreeArrays.length;
    const parents = w.reserve();
    this.parentTreeArrays.push(parents);
    await w.stream(page.content, "", page.ops.join(""));
    await w.object(
      page.num,
      `<< /Type /Page /Parent ${ref(obj.pages)} /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources ${ref(obj.resources)} /Contents ${ref(page.content)} /StructParents ${structParents} /Tabs /S >>`,
    );
    await w.object(parents, `[${page.parents.map(ref).join(" ")}]`);
  }

  private async newPage(): Promise<void> {
    await this.endPage();
    this.beginPage();
    await this.headerRow(false);
  }

  /** Content tagged for struct element `element`; returns its marked-content reference. */
  private mark(tag: string, element: number, ops: string): MarkedRef {
    const mcid = this.page.nextMcid++;
    this.page.parents.push(element);
    this.page.ops.push(`/${tag} << /MCID ${mcid} >> BDC\n${ops}EMC\n`);
    return { page: this.page.num, mcid };
  }

  /** Drawing that is not content: grid lines, repeated headers, page footers. */
  private artifact(ops: string, pagination = false): void {
    this.page.ops.push(pagination ? `/Artifact << /Type /Pagination >> BDC\n${ops}\nEMC\n` : `/Artifact BMC\n${ops}\nEMC\n`);
  }
}

/** The five cells of a row as lines that fit their columns. */
function rowCells(row: WeighingRow): Line[][] {
  const inner = (i: number) => WIDTHS[i]! - 2 * PAD.x;
  const plain = (text: string, i: number): Line[] => wrap(text, inner(i)).map((t) => ({ text: t }));
  const bold = (text: string, i: number): Line[] => wrap(text, inner(i), HELVETICA_BOLD).map((t) => ({ text: t, bold: true }));
  return [
    plain(String(row.position), 0),
    [...bold(row.reference, 1), ...plain(germanDate(row.receivedOn), 1), ...(row.late ? bold(LATE_LABEL, 1) : []), ...plain(row.submitter, 1), ...plain(row.submitterKind, 1)],
    [...statementNotes(row).flatMap((note) => bold(note, 2)), ...plain(row.statement, 2)],
    plain(row.response, 3),
    plain(verdictLabel(row.verdict), 4),
  ];
}

/** Lines of text from the top-left corner (x, top), one BT block, switching fonts where needed. */
function textOps(x: number, top: number, lines: Line[], size: number, leading: number): string {
  let font: PdfFont | undefined;
  let ops = `BT ${num(leading)} TL ${num(x)} ${num(top - size * 0.8)} Td\n`;
  for (const [i, line] of lines.entries()) {
    if (i > 0) ops += "T* ";
    if (!line.text) continue;
    const wanted = line.bold ? HELVETICA_BOLD : HELVETICA;
    if (wanted !== font) {
      font = wanted;
      ops += `/${font.resource} ${num(size)} Tf `;
    }
    ops += `${pdfLiteral(line.text)} Tj\n`;
  }
  return `${ops}ET\n`;
}

/** The cell borders of one row (or of its part on this page). */
function gridOps(top: number, height: number): string {
  const y = num(top - height);
  return `${GRID} ${COLUMN_X.map((x, i) => `${num(x)} ${y} ${num(WIDTHS[i]!)} ${num(height)} re`).join(" ")} S 0 G`;
}

function structElem(tag: string, parent: number, marked: MarkedRef[], attributes = ""): string {
  const kids = marked.map((m) => `<< /Type /MCR /Pg ${ref(m.page)} /MCID ${m.mcid} >>`).join(" ");
  return `<< /Type /StructElem /S /${tag} /P ${ref(parent)} ${attributes} /K [${kids}] >>`;
}

function fontDict(font: PdfFont): string {
  return `<< /Type /Font /Subtype /Type1 /BaseFont /${font.baseFont} /Encoding /WinAnsiEncoding >>`;
}

/** The text cut to one line of `width`, with "…" when cut. */
function fitOneLine(text: string, width: number, size: number): string {
  const [first = "", ...rest] = wrap(text, width, HELVETICA, size);
  if (rest.length === 0) return first;
  let cut = first;
  while (cut && widthOf(HELVETICA, `${cut} …`, size) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()} …`;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** XMP metadata: title and language where PDF/UA checkers look for them. */
function xmp(table: WeighingTable, at: Date): string {
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(table.title)}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>de-DE</rdf:li></rdf:Bag></dc:language>
<dc:creator><rdf:Seq><rdf:li>${xmlEscape(table.municipality)}</rdf:li></rdf:Seq></dc:creator>
<pdf:Producer>Digitales Rathaus</pdf:Producer>
<xmp:CreatorTool>Digitales Rathaus</xmp:CreatorTool>
<xmp:CreateDate>${at.toISOString()}</xmp:CreateDate>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
}
