import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PDFBool, PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { PAGE, renderTextDocument, type TextDocument } from "./document.js";

const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

/** The text of each page as pdf.js extracts it, with positions. */
async function pdfText(data: Buffer): Promise<{ str: string; x: number; y: number; width: number }[][]> {
  const doc = await getDocument({ data: new Uint8Array(data), standardFontDataUrl }).promise;
  const pages = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    pages.push(content.items.flatMap((i) => ("str" in i && i.str.trim() ? [{ str: i.str, x: i.transform[4] as number, y: i.transform[5] as number, width: i.width }] : [])));
  }
  await doc.destroy();
  return pages;
}

const createdAt = new Date("2026-11-27T13:03:00Z");

const sample: TextDocument = {
  title: "Bescheinigung über die Anmeldung – Ä",
  header: "Stadt Usingen",
  author: "Stadt Usingen",
  createdAt,
  blocks: [
    { kind: "heading", text: "Bescheinigung" },
    { kind: "paragraph", text: "Frau Łucja Nowak-Ștefănescu wohnt in der Weilburger Straße 3 – seit dem 1. Mai 😀." },
    { kind: "heading", text: "Angaben", level: 2 },
    { kind: "rows", rows: [{ label: "Anschrift", value: "Weilburger Straße 3\n61250 Usingen" }, { label: "Größe", value: "12 €" }] },
    { kind: "spacer" },
    { kind: "paragraph", text: `Link: https://usingen.example/${"x".repeat(300)}` },
  ],
};

test("metadata: title shown in the window, language, creator and the injected dates", async () => {
  const pdf = await PDFDocument.load(await renderTextDocument(sample), { updateMetadata: false });
  assert.equal(pdf.getTitle(), sample.title);
  assert.equal(pdf.getAuthor(), "Stadt Usingen");
  assert.equal(pdf.getCreator(), "Digitales Rathaus");
  assert.equal(pdf.getCreationDate()?.toISOString(), createdAt.toISOString());
  assert.equal(pdf.getModificationDate()?.toISOString(), createdAt.toISOString());
  assert.equal(pdf.catalog.lookup(PDFName.of("Lang"))?.toString(), "(de-DE)");
  const prefs = pdf.catalog.lookup(PDFName.of("ViewerPreferences"), PDFDict);
  assert.equal(prefs.lookup(PDFName.of("DisplayDocTitle")), PDFBool.True);

  const english = await PDFDocument.load(await renderTextDocument({ ...sample, lang: "en-GB", creator: "Test" }));
  assert.equal(english.catalog.lookup(PDFName.of("Lang"))?.toString(), "(en-GB)");
  assert.equal(english.getCreator(), "Test");
});

test("the text is real text: extractable, in reading order, unencodable letters transliterated", async () => {
  const [page] = await pdfText(await renderTextDocument(sample));
  const text = page!.map((i) => i.str).join("\n");
  assert.match(text, /^Stadt Usingen\nBescheinigung\n/, "header first, then the heading");
  assert.match(text, /Frau Lucja Nowak-Stefanescu wohnt in der Weilburger Straße 3 – seit dem 1\. Mai \?\./);
  assert.match(text, /Anschrift\nWeilburger Straße 3\n61250 Usingen\nGröße\n12 €/);
  assert.match(text, /Seite 1 von 1$/);
  // the label and value columns: the value starts at 40 % of the text width
  const label = page!.find((i) => i.str === "Anschrift")!;
  const lines = page!.filter((i) => i.str === "Weilburger Straße 3" || i.str === "61250 Usingen");
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => Math.abs(l.x - (label.x + (PAGE.width - 2 * PAGE.margin) * 0.4)) < 0.5));
  assert.ok(lines[0]!.y > lines[1]!.y, "a multi-line value is written on two lines");
});

test("long words are broken hard inside the margins", async () => {
  const [page] = await pdfText(await renderTextDocument(sample));
  const xs = page!.filter((i) => i.str.includes("xxxx"));
  assert.ok(xs.length >= 3, "300 characters without a space need several lines");
  for (const item of page!) {
    assert.ok(item.x >= PAGE.margin - 0.5, `"${item.str}" starts left of the margin`);
    assert.ok(item.x + item.width <= PAGE.width - PAGE.margin + 0.5, `"${item.str}" runs into the right margin`);
  }
});

test("pagination: every page has the header and 'Seite X von Y'", async () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ label: `Angabe ${i + 1}`, value: i % 10 === 0 ? "Erste Zeile\nZweite Zeile\nDritte Zeile" : `Wert ${i + 1}` }));
  const pages = await pdfText(await renderTextDocument({ ...sample, blocks: [{ kind: "heading", text: "Viele Angaben" }, { kind: "rows", rows }] }));
  assert.ok(pages.length >= 3, `expected at least 3 pages, got ${pages.length}`);
  pages.forEach((items, i) => {
    assert.equal(items[0]!.str, "Stadt Usingen");
    assert.equal(items.at(-1)!.str, `Seite ${i + 1} von ${pages.length}`);
    for (const item of items.slice(1, -1)) assert.ok(item.y >= PAGE.margin - 1 && item.y <= PAGE.height - PAGE.margin, `"${item.str}" lies in the margin`);
  });
  const all = pages.flat().map((i) => i.str);
  for (let i = 1; i <= 120; i++) assert.ok(all.includes(`Angabe ${i}`), `row ${i} is missing`);
});

test("the same input gives the same bytes", async () => {
  assert.deepEqual(await renderTextDocument(sample), await renderTextDocument(sample));
});
