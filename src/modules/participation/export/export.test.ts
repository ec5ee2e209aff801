import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { DOMParser } from "@xmldom/xmldom";
import { unzipSync } from "fflate";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { writeWeighingCsv } from "./csv.js";
import { writeWeighingOdt } from "./odt.js";
import { writeWeighingPdf } from "./pdf.js";
import { generateRows } from "./sample-rows.js";
import { VERDICT_LABELS, type Verdict, type WeighingRow, type WeighingTable, type WeighingWriter } from "./types.js";

/** The three weighing-table exports, read back with independent readers (pdfjs, unzip + DOM, a CSV parser). */

const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

const LAST_WORD = "Zauneidechsenpopulation";
const LONG_PARAGRAPH = "Die Größe der Baufenster – „so die Begründung“ – überschreitet das Maß der Umgebung; die Straße trägt 450 € Ausbaukosten je Meter. ";
/** 5,000 characters in paragraphs: umlauts, ß, „“, –, €, and a Greek letter that WinAnsi cannot show */
const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `${i + 1}. Absatz: ${LONG_PARAGRAPH}${i === 7 ? "Δ-Wert " : ""}`)
  .join("\n\n")
  .padEnd(5000, " Ende.")
  .slice(0, 5000);

function specialRows(count: number): WeighingRow[] {
  const verdicts: (Verdict | null)[] = ["beruecksichtigt", "teilweise", "nicht_beruecksichtigt", "kenntnis", null];
  return Array.from({ length: count }, (_, i) => {
    const position = i + 1;
    const last = position === count;
    return {
      position,
      reference: `ST-2026-${String(position).padStart(5, "0")}`,
      submitter: position === 2 ? "-Bürger mit Minus" : position % 4 === 0 ? "Hessen Mobil – Straßen- und Verkehrsmanagement" : `Bürgerin/Bürger ${position}`,
      submitterKind: position % 4 === 0 ? "Träger öffentlicher Belange" : "Öffentlichkeit",
      receivedOn: `2026-12-${String((position % 28) + 1).padStart(2, "0")}`,
      late: position === 3,
      documentReference: position % 2 ? `Begründung, S. ${position}` : null,
      topics: position === 5 ? "@Lärm, +Verkehr" : position % 3 ? "Verkehr, Lärmschutz" : null,
      statement: position === 2 ? '=HYPERLINK("http://example.org";"Klick")' : position % 3 === 1 ? LONG_TEXT : `Kurze Stellungnahme Nr. ${position} mit „Anführungszeichen“ und "geraden; Zeichen"\nzweite Zeile  mit zwei Leerzeichen\tund Tab.`,
      response: last ? `Die ${LAST_WORD} am Mühlbach wird durch eine Ausgleichsfläche geschützt.` : `Abwägung zu Nr. ${position}: Der Anregung wird gefolgt.\r\nBegründung folgt.`,
      verdict: verdicts[i % verdicts.length]!,
    };
  });
}

async function* iterate(rows: WeighingRow[]): AsyncIterable<WeighingRow> {
  for (const row of rows) yield row;
}

function tableOf(rows: AsyncIterable<WeighingRow>, total: number): WeighingTable {
  return {
    title: "Abwägungstabelle – Bebauungsplan Nr. 42 „Am Mühlbach“",
    subtitle: "Förmliche Beteiligung nach § 3 Abs. 2 und § 4 Abs. 2 BauGB, 01.12.2026 – 15.01.2027",
    municipality: "Stadt Usingen",
    generatedAt: new Date("2027-01-20T13:05:00Z"),
    summary: { total, byVerdict: { beruecksichtigt: 3, teilweise: 2, nicht_beruecksichtigt: 2, kenntnis: 2 }, late: 1 },
    rows,
  };
}

/** A Writable that keeps what it gets; `delay` makes it slow, `highWaterMark` small. */
class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  /** the most bytes ever waiting in the stream's buffer: grows without bound if a writer ignores backpressure */
  maxBuffered = 0;
  constructor(options: { highWaterMark?: number; slow?: boolean; failAfter?: number } = {}) {
    super({ highWaterMark: options.highWaterMark ?? 16384 });
    this.slow = options.slow ?? false;
    this.failAfter = options.failAfter ?? Infinity;
  }
  private readonly slow: boolean;
  private readonly failAfter: number;
  private received = 0;
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    this.received += chunk.length;
    if (this.received > this.failAfter) return callback(new Error("Verbindung abgebrochen"));
    this.chunks.push(chunk);
    if (this.slow) setImmediate(callback);
    else callback();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** `blocks` chained SHA-256 digests in base64: text that does not deflate much */
function noise(seed: number, blocks: number): string {
  let digest = String(seed);
  let out = "";
  for (let i = 0; i < blocks; i++) out += (digest = createHash("sha256").update(digest).digest("base64")) + " ";
  return out.trimEnd();
}

async function exportTo(writer: WeighingWriter, rows: WeighingRow[], out = new Collector()): Promise<Buffer> {
  await writer(tableOf(iterate(rows), rows.length), out);
  assert.ok(out.writableFinished, "the writer ended the stream and waited for 'finish'");
  return out.bytes;
}

async function pdfText(bytes: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) pages.push((await (await doc.getPage(p)).getTextContent()).items.map((i) => ("str" in i ? i.str : "")).join("\n"));
  return { doc, pages };
}

test("PDF: pdfjs reads a multi-page landscape table with metadata, German text and tags", async () => {
  const rows = specialRows(12);
  const bytes = await exportTo(writeWeighingPdf, rows);
  assert.equal(bytes.subarray(0, 8).toString("latin1"), "%PDF-1.7");
  const { doc, pages } = await pdfText(bytes);
  try {
    assert.ok(doc.numPages > 1, `a long table runs over several pages (got ${doc.numPages})`);
    const info = (await doc.getMetadata()).info as Record<string, unknown>;
    assert.equal(info.Title, "Abwägungstabelle – Bebauungsplan Nr. 42 „Am Mühlbach“");
    assert.equal(info.Language, "de-DE");
    assert.equal(info.Producer, "Digitales Rathaus");
    const page1 = await doc.getPage(1);
    const [x0, y0, x1, y1] = page1.view as [number, number, number, number];
    assert.ok(x1 - x0 > y1 - y0, "landscape");
    assert.equal(Math.round(x1 - x0), 842);

    const all = pages.join("\n");
    assert.match(pages[0]!, /Abwägungstabelle – Bebauungsplan Nr\. 42 „Am Mühlbach“/);
    assert.match(pages[0]!, /12 Stellungnahmen, davon 1 verspätet/);
    assert.match(pages[0]!, /Stadt Usingen · Stand: 20\.01\.2027, 14:05 Uhr/, "generatedAt in Europe/Berlin");
    for (const word of [LAST_WORD, "Größe", "Straße", "„so die Begründung“", "–", "€", "verspätet", "ST-2026-00012", "zur Kenntnis genommen", "Bezug: Begründung, S. 1", '=HYPERLINK("http://example.org";"Klick")']) {
      assert.ok(all.includes(word), `the PDF text contains ${word}`);
    }
    assert.ok(all.includes("?-Wert"), "a character outside WinAnsi becomes ?");
    for (const [i, text] of pages.entries()) {
      assert.ok(text.includes("Abwägungsvorschlag"), `header row on page ${i + 1}`);
      assert.ok(text.includes(`Seite ${i + 1} von`) && text.includes(String(doc.numPages)), `page number on page ${i + 1}`);
    }
    assert.ok(all.includes("Forts."), "a row of 5,000 characters continues on the next page");

    const roles = new Set<string>();
    const walk = (node: { role?: string; children?: unknown[] }) => {
      if (node.role) roles.add(node.role);
      for (const child of node.children ?? []) walk(child as typeof node);
    };
    type StructNode = { role?: string; children?: StructNode[] };
    const tree = (await page1.getStructTree()) as unknown as StructNode;
    walk(tree);
    for (const role of ["Document", "H1", "P", "Table", "THead", "TBody", "TR", "TH", "TD"]) assert.ok(roles.has(role), `struct tree has ${role}`);
    const tbody = tree.children![0]!.children!.find((c) => c.role === "Table")!.children!.find((c) => c.role === "TBody")!;
    assert.equal(tbody.children!.length, rows.length, "one TR per statement");
    assert.ok(tbody.children!.every((tr) => tr.children!.map((c) => c.role).join() === "TH,TD,TD,TD,TD"));
    const markInfo = await doc.getMarkInfo();
    assert.equal(markInfo?.Marked, true);
  } finally {
    await doc.destroy();
  }
});

test("PDF: 150 generated rows, the last one's text is found on the last pages", async () => {
  const rows: WeighingRow[] = [];
  for await (const row of generateRows(150, 3)) rows.push(row);
  rows[149] = { ...rows[149]!, response: `${rows[149]!.response} ${LAST_WORD}` };
  const { doc, pages } = await pdfText(await exportTo(writeWeighingPdf, rows));
  try {
    assert.ok(doc.numPages > 50, `${doc.numPages} pages`);
    assert.ok(pages.at(-1)!.includes(LAST_WORD) || pages.at(-2)!.includes(LAST_WORD));
    assert.ok(pages.join("\n").includes("ST-2026-00150"));
  } finally {
    await doc.destroy();
  }
});

/** The text of an ODF paragraph: text:s and text:tab expanded, spans flattened. */
function odfParagraph(node: Node): string {
  let out = "";
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) out += child.nodeValue;
    else if (child.nodeName === "text:s") out += " ".repeat(Number((child as Element).getAttribute("text:c") || "1"));
    else if (child.nodeName === "text:tab") out += "\t";
    else out += odfParagraph(child);
  }
  return out;
}

/** xmldom's node lists are not iterable */
function elements(parent: Document | Element, name: string): Element[] {
  const list = parent.getElementsByTagName(name);
  return Array.from({ length: list.length }, (_, i) => list.item(i)!);
}

function parseXml(xml: string): Document {
  return new DOMParser({
    errorHandler: {
      warning: () => {},
      error: (m: string) => assert.fail(`XML error: ${m}`),
      fatalError: (m: string) => assert.fail(`XML fatal error: ${m}`),
    },
  }).parseFromString(xml, "text/xml") as unknown as Document;
}

test("ODT: mimetype first and stored, well-formed XML, the texts in a table with a repeated header row", async () => {
  const rows = specialRows(9);
  const bytes = await exportTo(writeWeighingOdt, rows);
  // The first local file header: signature, no data descriptor, method "stored", name "mimetype", then the type.
  assert.equal(bytes.readUInt32LE(0), 0x04034b50);
  assert.equal(bytes.readUInt16LE(6) & 0x08, 0, "no data descriptor on mimetype");
  assert.equal(bytes.readUInt16LE(8), 0, "stored");
  assert.equal(bytes.readUInt16LE(28), 0, "no extra field");
  assert.equal(bytes.subarray(30, 38).toString("ascii"), "mimetype");
  assert.equal(bytes.subarray(38, 38 + 39).toString("ascii"), "application/vnd.oasis.opendocument.text");

  const files = unzipSync(new Uint8Array(bytes));
  assert.deepEqual(Object.keys(files).sort(), ["META-INF/manifest.xml", "content.xml", "meta.xml", "mimetype", "styles.xml"]);
  const text = (name: string) => Buffer.from(files[name]!).toString("utf8");
  const manifest = parseXml(text("META-INF/manifest.xml"));
  assert.equal(manifest.getElementsByTagName("manifest:file-entry").length, 4);
  const meta = parseXml(text("meta.xml"));
  assert.equal(meta.getElementsByTagName("dc:title")[0]!.textContent, "Abwägungstabelle – Bebauungsplan Nr. 42 „Am Mühlbach“");
  assert.equal(meta.getElementsByTagName("dc:language")[0]!.textContent, "de-DE");
  const styles = parseXml(text("styles.xml"));
  const layout = styles.getElementsByTagName("style:page-layout-properties")[0]!;
  assert.equal(layout.getAttribute("style:print-orientation"), "landscape");
  assert.equal(layout.getAttribute("fo:page-width"), "29.7cm");

  const content = parseXml(text("content.xml"));
  const headerRows = content.getElementsByTagName("table:table-header-rows");
  assert.equal(headerRows.length, 1);
  assert.equal(odfParagraph(headerRows[0]!.getElementsByTagName("table:table-cell")[3]!), "Abwägungsvorschlag");
  const tableRows = elements(content, "table:table-row").filter((r) => r.parentNode?.nodeName === "table:table");
  assert.equal(tableRows.length, rows.length);
  for (const [i, row] of rows.entries()) {
    const cells = elements(tableRows[i]!, "table:table-cell").map((c) => elements(c, "text:p").map(odfParagraph));
    assert.deepEqual(cells[0], [String(row.position)]);
    assert.deepEqual(cells[1], [row.reference, `${row.receivedOn.slice(8, 10)}.${row.receivedOn.slice(5, 7)}.${row.receivedOn.slice(0, 4)}`, ...(row.late ? ["verspätet"] : []), row.submitter, row.submitterKind]);
    const notes = [...(row.documentReference ? [`Bezug: ${row.documentReference}`] : []), ...(row.topics ? [`Themen: ${row.topics}`] : [])];
    assert.deepEqual(cells[2], [...notes, ...row.statement.split(/\r?\n/)], `statement of row ${row.position}`);
    assert.deepEqual(cells[3], row.response.split(/\r?\n/));
    assert.deepEqual(cells[4], [row.verdict ? VERDICT_LABELS[row.verdict] : "offen"]);
  }
});

/** RFC 4180 with ";" and CRLF only: a bare CR or LF outside quotes is an error. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"' && field === "") (quoted = true), i++;
    else if (c === ";") record.push(field), (field = ""), i++;
    else if (c === "\r" && text[i + 1] === "\n") record.push(field), records.push(record), (record = []), (field = ""), (i += 2);
    else if (c === "\r" || c === "\n" || c === '"') throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
    else (field += c), i++;
  }
  assert.equal(field, "", "the file ends with CRLF");
  assert.equal(record.length, 0);
  return records;
}

test("CSV: BOM, ';', CRLF, quoting, formula cells defused — parsed back it equals the rows", async () => {
  const rows = specialRows(9);
  const bytes = await exportTo(writeWeighingCsv, rows);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte order mark");
  const [header, ...records] = parseCsv(bytes.subarray(3).toString("utf8"));
  assert.deepEqual(header, ["Nr.", "Stellungnahme-Nr.", "Eingang", "Verspätet", "Einreichende", "Art", "Bezug", "Themen", "Stellungnahme", "Abwägungsvorschlag", "Votum"]);
  assert.equal(records.length, rows.length);
  const defused = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  for (const [i, row] of rows.entries()) {
    const [d, m, y] = records[i]![2]!.split(".");
    assert.equal(`${y}-${m}-${d}`, row.receivedOn);
    assert.deepEqual(records[i], [
      String(row.position),
      row.reference,
      records[i]![2],
      row.late ? "ja" : "nein",
      defused(row.submitter),
      row.submitterKind,
      row.documentReference ?? "",
      defused(row.topics ?? ""),
      defused(row.statement),
      row.response,
      row.verdict ? VERDICT_LABELS[row.verdict] : "offen",
    ]);
  }
  assert.equal(records[1]![8], `'=HYPERLINK("http://example.org";"Klick")`);
  assert.equal(records[1]![4], "'-Bürger mit Minus");
  assert.equal(records[4]![7], "'@Lärm, +Verkehr");
});

for (const [name, writer] of [
  ["PDF", writeWeighingPdf],
  ["ODT", writeWeighingOdt],
  ["CSV", writeWeighingCsv],
] as const) {
  test(`${name}: a slow stream with a small buffer gets every byte, and the writer waits for it`, async () => {
    // Base64 noise in every statement, so that the deflated ODT is as large as the others.
    const rows: WeighingRow[] = [];
    for await (const row of generateRows(300, 11)) rows.push({ ...row, statement: `${row.statement}\n${noise(row.position, 40)}` });
    const fast = await exportTo(writer, rows);
    const slowOut = new Collector({ highWaterMark: 64, slow: true });
    const slow = await exportTo(writer, rows, slowOut);
    assert.ok(slow.equals(fast), `same ${fast.length} bytes through the slow stream`);
    // Honouring backpressure, at most about one chunk waits in the stream; ignoring it, the whole file would.
    assert.ok(slowOut.maxBuffered <= 100_000, `at most ${slowOut.maxBuffered} of ${fast.length} bytes waited in the stream`);
    assert.ok(fast.length > 400_000, `the file (${fast.length} bytes) is much larger than that`);
  });

  test(`${name}: an error of the row source rejects and destroys the stream; so does a broken stream`, async () => {
    let closed = false;
    async function* failing(): AsyncIterable<WeighingRow> {
      try {
        yield* specialRows(3);
        throw new Error("Datenbankverbindung verloren");
      } finally {
        closed = true;
      }
    }
    const out = new Collector();
    await assert.rejects(writer(tableOf(failing(), 3), out), /Datenbankverbindung verloren/);
    assert.ok(out.destroyed && !out.writableFinished);

    // A caller that listens for 'error' gets the error on the stream as well.
    const listened = new Collector();
    const seen: Error[] = [];
    listened.on("error", (e) => seen.push(e));
    await assert.rejects(writer(tableOf(failing(), 3), listened), /Datenbankverbindung verloren/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(seen[0]?.message, "Datenbankverbindung verloren");

    // The client goes away: the writer rejects and the row source is closed (its finally runs).
    closed = false;
    async function* many(): AsyncIterable<WeighingRow> {
      try {
        yield* generateRows(400, 5);
      } finally {
        closed = true;
      }
    }
    const broken = new Collector({ failAfter: 20_000, highWaterMark: 1024 });
    await assert.rejects(writer(tableOf(many(), 400), broken), /Verbindung abgebrochen/);
    assert.ok(closed, "the row iterator was closed");
    assert.ok(broken.destroyed);
  });
}

test("all three: a procedure without statements still gives a valid file", async () => {
  const { doc, pages } = await pdfText(await exportTo(writeWeighingPdf, []));
  assert.equal(doc.numPages, 1);
  assert.match(pages[0]!, /0 Stellungnahmen/);
  await doc.destroy();
  const files = unzipSync(new Uint8Array(await exportTo(writeWeighingOdt, [])));
  parseXml(Buffer.from(files["content.xml"]!).toString("utf8"));
  assert.equal((await exportTo(writeWeighingCsv, [])).subarray(3).toString("utf8").split("\r\n").length, 2, "header and final CRLF");
});

test("sample rows: deterministic, realistic lengths", async () => {
  const collect = async (seed: number) => {
    const rows: WeighingRow[] = [];
    for await (const row of generateRows(200, seed)) rows.push(row);
    return rows;
  };
  const a = await collect(9);
  assert.deepEqual(await collect(9), a);
  assert.notDeepEqual(await collect(10), a);
  assert.deepEqual(a.map((r) => r.position), Array.from({ length: 200 }, (_, i) => i + 1));
  for (const row of a) {
    assert.ok(row.statement.length >= 590 && row.statement.length <= 2500, `statement ${row.statement.length}`);
    assert.ok(row.response.length >= 290 && row.response.length <= 1200, `response ${row.response.length}`);
  }
  assert.ok(a.some((r) => r.late) && a.some((r) => !r.late));
  assert.ok(a.some((r) => r.submitterKind === "Träger öffentlicher Belange"));
});
