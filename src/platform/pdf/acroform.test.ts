import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PDFDocument, PDFHexString, PDFName, PDFString } from "pdf-lib";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { buildFillablePdf, pdfFieldName, PdfFormError, readPdfForm, type FormSpec } from "./acroform.js";
import { PAGE, renderTextDocument } from "./document.js";

const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

const many = Array.from({ length: 9 }, (_, i) => ({ value: `geraet-${i}`, label: `Gerät Nummer ${i}` }));

const spec: FormSpec = {
  title: "Testformular",
  header: "Stadt Usingen",
  intro: ["Bitte füllen Sie das Formular aus."],
  createdAt: new Date("2026-11-27T13:03:00Z"),
  sections: [
    {
      heading: "Anschrift",
      note: "Nur auszufüllen, wenn Sie umziehen.",
      fields: [
        { kind: "text", name: "anschrift.strasse", label: "Straße und Hausnummer" },
        // with "." as hierarchy separator, "anschrift" could not be a field and a parent at once
        { kind: "text", name: "anschrift", label: "Anschrift in einer Zeile" },
        { kind: "text", name: "anschrift.plz", label: "Postleitzahl", maxLength: 5 },
        { kind: "text", name: "kinder[1].vorname", label: "Vorname des Kindes" },
        { kind: "text", name: "bemerkung", label: "Bemerkung", multiline: true, hint: "Was wir noch wissen sollten" },
        { kind: "text", name: "leer", label: "Bleibt leer" },
        { kind: "text", name: "nur.leerzeichen", label: "Nur Leerzeichen" },
        { kind: "text", name: "100%.sicher#1", label: "Name mit Sonderzeichen" },
      ],
    },
    {
      heading: "Auswahl",
      fields: [
        { kind: "info", text: "Wählen Sie aus." },
        { kind: "checkboxGroup", name: "arten[0].wahl", label: "Schnittgut", options: [{ value: "hecke", label: "Hecke" }, { value: "baum", label: "Baum" }, { value: "strauch", label: "Strauch" }] },
        { kind: "choice", name: "antwort.ja", label: "Ja oder nein?", options: [{ value: "ja", label: "Ja" }, { value: "nein", label: "Nein" }] },
        { kind: "choice", name: "geraet", label: "Gerät (Liste)", options: many },
        { kind: "choice", name: "geraet2", label: "Gerät (Liste, Exportwert)", options: many },
        { kind: "checkbox", name: "erklaerung.ok", label: "Ich versichere, dass meine Angaben stimmen." },
        { kind: "checkbox", name: "nicht.angekreuzt", label: "Nicht angekreuzt" },
      ],
    },
  ],
};

/** A citizen filling the form in a PDF reader: pdf-lib's form API on the downloaded bytes. */
async function fill(pdfBytes: Buffer, act: (form: ReturnType<PDFDocument["getForm"]>) => void): Promise<Buffer> {
  const pdf = await PDFDocument.load(pdfBytes);
  act(pdf.getForm());
  return Buffer.from(await pdf.save());
}

test("a form filled with pdf-lib reads back under our field names", async () => {
  const filled = await fill(await buildFillablePdf(spec), (form) => {
    form.getTextField(pdfFieldName("anschrift.strasse")).setText("  Weilburger Straße 3 ");
    form.getTextField(pdfFieldName("anschrift.plz")).setText("61250");
    form.getTextField(pdfFieldName("anschrift")).setText("Weilburger Straße 3, 61250 Usingen");
    form.getTextField(pdfFieldName("kinder[1].vorname")).setText("Maja");
    form.getTextField(pdfFieldName("bemerkung")).setText("Erste Zeile\r\nZweite Zeile");
    form.getTextField(pdfFieldName("nur.leerzeichen")).setText("   ");
    form.getTextField(pdfFieldName("100%.sicher#1")).setText("ok");
    form.getCheckBox(pdfFieldName("arten[0].wahl", 0)).check();
    form.getCheckBox(pdfFieldName("arten[0].wahl", 2)).check();
    form.getRadioGroup(pdfFieldName("antwort.ja")).select("nein");
    // pdf-lib stores the label a person sees …
    form.getDropdown(pdfFieldName("geraet")).select("Gerät Nummer 4");
    // … Acrobat stores the export value
    form.getDropdown(pdfFieldName("geraet2")).acroField.dict.set(PDFName.of("V"), PDFHexString.fromText("geraet-7"));
    form.getCheckBox(pdfFieldName("erklaerung.ok")).check();
  });
  assert.deepEqual(await readPdfForm(filled), {
    "anschrift.strasse": "Weilburger Straße 3",
    "anschrift.plz": "61250",
    anschrift: "Weilburger Straße 3, 61250 Usingen",
    "kinder[1].vorname": "Maja",
    bemerkung: "Erste Zeile\nZweite Zeile",
    "100%.sicher#1": "ok",
    "arten[0].wahl": ["hecke", "strauch"],
    "antwort.ja": "nein",
    geraet: "geraet-4",
    geraet2: "geraet-7",
    "erklaerung.ok": "ja",
  });
});

test("an empty form reads as no answers; names in the PDF carry no hierarchy dots", async () => {
  const bytes = await buildFillablePdf(spec);
  assert.deepEqual(await readPdfForm(bytes), {});
  const names = (await PDFDocument.load(bytes)).getForm().getFields().map((f) => f.getName());
  assert.ok(names.length > 10);
  for (const name of names) assert.ok(!name.includes("."), `"${name}" would become a field hierarchy`);
  assert.ok(names.includes("arten[0]%2Ewahl#1"));
});

test("fields it does not know (a push button) are ignored", async () => {
  const filled = await fill(await buildFillablePdf(spec), (form) => {
    form.createButton("drucken");
    form.getTextField(pdfFieldName("anschrift.plz")).setText("61250");
  });
  assert.deepEqual(await readPdfForm(filled), { "anschrift.plz": "61250" });
});

test("every field has a visible label and a tooltip, also for readers that look at the widget only", async () => {
  const bytes = await buildFillablePdf(spec);
  const doc = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl }).promise;
  const widgets: { subtype: string; fieldName: string; alternativeText: string }[] = [];
  const lines: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    widgets.push(...(await page.getAnnotations()).filter((a) => a.subtype === "Widget"));
    lines.push(...(await page.getTextContent()).items.map((i) => ("str" in i ? i.str : "")));
  }
  await doc.destroy();
  assert.equal(widgets.length, 8 + 3 + 2 + 2 + 2);
  for (const w of widgets) assert.ok(w.alternativeText, `${w.fieldName} has no tooltip`);
  const tip = (name: string) => widgets.filter((w) => w.fieldName === name).map((w) => w.alternativeText);
  assert.deepEqual(tip(pdfFieldName("anschrift.strasse")), ["Straße und Hausnummer"]);
  assert.deepEqual(tip(pdfFieldName("arten[0].wahl", 1)), ["Schnittgut: Baum"]);
  assert.deepEqual(tip(pdfFieldName("antwort.ja")), ["Ja oder nein?: Ja", "Ja oder nein?: Nein"]);
  for (const label of ["Straße und Hausnummer", "Postleitzahl", "Bemerkung", "Was wir noch wissen sollten", "Schnittgut", "Hecke", "Ja oder nein?", "Nein", "Gerät (Liste)", "Ich versichere, dass meine Angaben stimmen."]) {
    assert.ok(lines.includes(label), `label "${label}" is not on the page`);
  }
  const field = (await PDFDocument.load(bytes)).getForm().getField(pdfFieldName("bemerkung"));
  assert.equal(field.acroField.dict.lookup(PDFName.of("TU"), PDFString, PDFHexString).decodeText(), "Bemerkung");
});

test("a long form flows over pages; no two fields overlap and none lies in the margins", async () => {
  const fields = Array.from({ length: 45 }, (_, i) => ({ kind: "text" as const, name: `feld.${i}`, label: `Angabe ${i + 1}`, multiline: i % 5 === 0 }));
  const bytes = await buildFillablePdf({ title: "Lang", sections: [{ heading: "Viele Felder", fields }] });
  const pdf = await PDFDocument.load(bytes);
  assert.ok(pdf.getPageCount() >= 3);
  const rects = pdf.getForm().getFields().map((f) => {
    const widget = f.acroField.getWidgets()[0]!;
    return { page: pdf.getPages().findIndex((p) => p.ref === widget.P()), ...widget.getRectangle() };
  });
  assert.equal(rects.length, 45);
  for (const r of rects) {
    assert.ok(r.page >= 0);
    assert.ok(r.y >= PAGE.margin - 2 && r.y + r.height <= PAGE.height - PAGE.margin, "field in the margin");
  }
  for (const a of rects) for (const b of rects) if (a !== b && a.page === b.page) assert.ok(a.y >= b.y + b.height || b.y >= a.y + a.height, "fields overlap");
});

async function rejects(data: Buffer, code: string, message: RegExp) {
  await assert.rejects(readPdfForm(data), (err: unknown) => {
    assert.ok(err instanceof PdfFormError);
    assert.equal(err.code, code);
    assert.match(err.userMessage, message);
    return true;
  });
}

test("refuses what is not a readable PDF form, with a German message", async () => {
  await rejects(randomBytes(4000), "not-pdf", /kein PDF-Dokument/);
  await rejects(Buffer.from("Hallo, ich bin eine Textdatei."), "not-pdf", /kein PDF-Dokument/);
  const receipt = await renderTextDocument({ title: "Ohne Formular", createdAt: new Date(), blocks: [{ kind: "paragraph", text: "Nur Text." }] });
  await rejects(receipt, "no-form", /keine ausfüllbaren Formularfelder/);
  await rejects(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(3000)]), "damaged", /beschädigt/);

  // an encrypted PDF: the trailer names an /Encrypt dictionary
  const pdf = await PDFDocument.load(await buildFillablePdf(spec));
  pdf.context.trailerInfo.Encrypt = pdf.context.register(pdf.context.obj({ Filter: "Standard", V: 1, R: 2, P: -4, O: PDFString.of("x".repeat(32)), U: PDFString.of("y".repeat(32)) }));
  await rejects(Buffer.from(await pdf.save({ useObjectStreams: false })), "encrypted", /Kennwort/);
  // … also when its (encrypted) objects cannot be parsed
  await rejects(Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(3000), Buffer.from("\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R >>\n%%EOF")]), "encrypted", /Kennwort/);
});
