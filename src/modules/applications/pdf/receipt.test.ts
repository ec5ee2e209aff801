import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PDFDocument, PDFName } from "pdf-lib";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { formatFileSize, receiptPdf, type ReceiptInput } from "./receipt.js";

const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

/** The text of every page as pdf.js extracts it, white space collapsed. */
async function pageTexts(data: Buffer): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(data), standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const items = (await (await doc.getPage(p)).getTextContent()).items;
    pages.push(items.map((i) => ("str" in i ? i.str : "")).join(" ").replace(/\s+/g, " "));
  }
  await doc.destroy();
  return pages;
}

const input: ReceiptInput = {
  municipality: "Stadt Usingen",
  serviceTitle: "Sperrmüll anmelden",
  reference: "USI-2026-000123",
  submittedAt: new Date("2026-11-27T13:03:00Z"),
  definitionVersion: 3,
  sections: [
    { title: "Ihre Angaben", rows: [{ label: "Familienname", value: "Weiß" }, { label: "Straße und Hausnummer", value: "Hattsteiner Allee 5, 61250 Usingen" }] },
    { title: "Gegenstände", rows: [{ label: "Gegenstand 1: Art", value: "Schrank" }, { label: "Größe in Kubikmetern", value: "2,5" }] },
    { title: "Leerer Schritt", rows: [] },
  ],
  files: [
    { name: "foto-schrank.jpg", size: 1_258_291 },
    { name: "vollmacht.pdf", size: 12_800 },
  ],
  statusUrl: "https://usingen.example/usingen/mein-rathaus/antraege/0193a0c4-7b1e-7c3d-9f00-1234567890ab",
  department: { name: "Fachbereich Bürgerservice", contact: "buergerservice@usingen.example, 06081 1024-0" },
};

test("the receipt's text is real text with the reference, the time in Berlin and every answer", async () => {
  const pages = await pageTexts(await receiptPdf(input));
  assert.equal(pages.length, 1);
  const text = pages[0]!;
  assert.match(text, /^Stadt Usingen Eingangsbestätigung /);
  assert.match(text, /Ihr Antrag „Sperrmüll anmelden“ ist am 27\.11\.2026 um 14:03 Uhr bei der Stadt Usingen eingegangen\./);
  assert.match(text, /Vorgangsnummer USI-2026-000123/);
  assert.match(text, /Formularversion 3/);
  assert.match(text, /Zuständig Fachbereich Bürgerservice buergerservice@usingen\.example, 06081 1024-0/);
  assert.match(text, /Ihre Angaben Familienname Weiß Straße und Hausnummer Hattsteiner Allee 5, 61250 Usingen/);
  assert.match(text, /Gegenstände Gegenstand 1: Art Schrank Größe in Kubikmetern 2,5/);
  assert.doesNotMatch(text, /Leerer Schritt/);
  assert.match(text, /Beigefügte Dateien foto-schrank\.jpg 1,2 MB vollmacht\.pdf 12,5 KB/);
  assert.match(text, /Den Stand der Bearbeitung können Sie jederzeit hier nachsehen: https:\/\/usingen\.example\/usingen\/mein-rathaus\/antraege\//);
  assert.match(text, /automatisch erstellt/);
  assert.match(text, /Seite 1 von 1$/);

  // summer time: UTC+2
  const summer = await pageTexts(await receiptPdf({ ...input, submittedAt: new Date("2026-07-01T21:59:00Z"), statusUrl: undefined, department: undefined }));
  assert.match(summer[0]!, /am 01\.07\.2026 um 23:59 Uhr/);
  assert.doesNotMatch(summer[0]!, /Zuständig|Stand der Bearbeitung/);
});

test("title and language are in the metadata", async () => {
  const bytes = await receiptPdf(input);
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  assert.equal(pdf.getTitle(), "Eingangsbestätigung Sperrmüll anmelden – USI-2026-000123");
  assert.equal(pdf.catalog.lookup(PDFName.of("Lang"))?.toString(), "(de-DE)");
  assert.equal(pdf.getCreationDate()?.toISOString(), input.submittedAt.toISOString());
  const doc = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl }).promise;
  const info = (await doc.getMetadata()).info as Record<string, unknown>;
  await doc.destroy();
  assert.equal(info.Title, "Eingangsbestätigung Sperrmüll anmelden – USI-2026-000123");
  assert.equal(info.Language, "de-DE");
});

test("a long application runs over several pages, nothing lost", async () => {
  const rows = Array.from({ length: 90 }, (_, i) => ({ label: `Kind ${i + 1}: Vorname`, value: `Vorname Nummer ${i + 1}` }));
  const pages = await pageTexts(await receiptPdf({ ...input, sections: [{ title: "Kinder", rows }] }));
  assert.ok(pages.length > 1);
  pages.forEach((p, i) => assert.match(p, new RegExp(`^Stadt Usingen .* Seite ${i + 1} von ${pages.length}$`)));
  const all = pages.join(" ");
  for (let i = 1; i <= 90; i++) assert.match(all, new RegExp(`Kind ${i}: Vorname Vorname Nummer ${i} `));
  assert.match(pages.at(-1)!, /automatisch erstellt/);
});

test("file sizes in German notation", () => {
  assert.equal(formatFileSize(830), "830 Byte");
  assert.equal(formatFileSize(12_800), "12,5 KB");
  assert.equal(formatFileSize(1_258_291), "1,2 MB");
  assert.equal(formatFileSize(20 * 1024 * 1024), "20 MB");
});
