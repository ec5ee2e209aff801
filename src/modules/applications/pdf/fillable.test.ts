import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { loadDefinitions, type ServiceDefinition } from "../../services/definitions.js";
import { readStep, visibleSteps, type Answers, type FileRef } from "../../services/form/engine.js";
import { readPdfForm } from "../../../platform/pdf/acroform.js";
import { completeWithExamples, exampleInput } from "../../../test-support/form-filler.js";
import { fillLikeCitizen } from "../../../test-support/pdf-citizen.js";
import { bodyFromPdfForm, fillablePdfFor } from "./fillable.js";

const { definitions } = loadDefinitions();
const definition = (id: string) => definitions.find((d) => d.id === id)!;
const today = "2026-11-27";
const opts = { municipality: "Stadt Usingen", createdAt: new Date("2026-11-27T13:03:00Z") };

/** Generates, fills, reads back and runs every applicable step through the engine, as the online form does. */
async function throughPdf(def: ServiceDefinition, body: Record<string, unknown>, files: Record<string, FileRef[]> = {}) {
  const submitted = bodyFromPdfForm(def, await readPdfForm(await fillLikeCitizen(await fillablePdfFor(def, opts), body)));
  let answers: Answers = {};
  const done: string[] = [];
  for (;;) {
    const step = visibleSteps(def, answers).find((s) => !done.includes(s.id));
    if (!step) break;
    const r = readStep(def, step, submitted, answers, { today, files });
    assert.deepEqual(r.errors, {}, `${def.id}, step ${step.id}`);
    answers = { ...answers, ...r.values };
    done.push(step.id);
  }
  return { submitted, answers, steps: done };
}

test("Elektroschrott: a repeatable group — filled blocks 1 and 3 become items 0 and 1", async () => {
  const { submitted, answers } = await throughPdf(definition("elektroschrott-abholung"), {
    vorname: "Erika",
    nachname: "Mustermann",
    email: "erika.mustermann@example.org",
    telefon: "06081 1024-0",
    "abholadresse.strasse": "Weilburger Straße 3",
    "abholadresse.plz": "61250",
    "abholadresse.ort": "Usingen",
    zugang: "Hinterhaus,\nbitte klingeln",
    "geraete[0].geraetArt": "kuehlschrank",
    "geraete[0].geraetAnzahl": "1",
    "geraete[0].geraetBeschaedigt": "nein",
    "geraete[2].geraetArt": "sonstiges",
    "geraete[2].geraetBeschreibung": "Alter Heizlüfter",
    "geraete[2].geraetAnzahl": "2",
    "geraete[2].geraetBeschaedigt": "ja",
    erklaerung: "ja",
  });
  assert.equal(submitted["geraete[1].geraetBeschreibung"], "Alter Heizlüfter");
  assert.ok(!Object.keys(submitted).some((k) => k.startsWith("geraete[2]")));
  assert.deepEqual(answers.geraete, [
    { geraetArt: "kuehlschrank", geraetAnzahl: 1, geraetBeschaedigt: false },
    { geraetArt: "sonstiges", geraetBeschreibung: "Alter Heizlüfter", geraetAnzahl: 2, geraetBeschaedigt: true },
  ]);
  assert.deepEqual(answers.abholadresse, { street: "Weilburger Straße 3", postalCode: "61250", city: "Usingen" });
  assert.equal(answers.zugang, "Hinterhaus,\nbitte klingeln");
  assert.equal(answers.telefon, "06081 1024-0");
  assert.equal(answers.erklaerung, true);
});

test("Grünschnitt: checkboxes, a radio choice and a German date", async () => {
  const { answers } = await throughPdf(definition("gruenschnitt-abholung"), {
    vorname: "Jörg",
    nachname: "Weiß",
    email: "joerg.weiss@example.org",
    "abholadresse.strasse": "Am Rosenhang 12",
    "abholadresse.plz": "61267",
    "abholadresse.ort": "Neu-Anspach",
    schnittArten: ["hecke", "baum"],
    anzahlBuendel: "12",
    terminArt: "wunschdatum",
    wunschdatum: "11.12.2026",
    bemerkung: "Die Bündel liegen an der Garage.",
    erklaerung: "ja",
  });
  assert.deepEqual(answers.schnittArten, ["hecke", "baum"]);
  assert.equal(answers.anzahlBuendel, 12);
  assert.equal(answers.terminArt, "wunschdatum");
  assert.equal(answers.wunschdatum, "2026-12-11");
  assert.equal(answers.nachname, "Weiß");
  assert.equal(answers.bereitstellungsort, undefined);
});

test("Meldebescheinigung: address, yes/no, a choice with a conditional follow-up", async () => {
  const { answers, steps } = await throughPdf(definition("meldebescheinigung"), {
    vorname: "Anna",
    nachname: "Schäfer",
    geburtsdatum: "03.04.1985",
    "anschrift.strasse": "Hattsteiner Allee 5",
    "anschrift.plz": "61250",
    "anschrift.ort": "Usingen",
    art: "erweitert",
    zweck: "sonstiges",
    zweckSonstiges: "Wohnungsgenossenschaft",
    fuerAnderePerson: "nein",
    zustellweg: "post",
    richtigkeit: "ja",
  });
  assert.deepEqual(steps, ["person", "bescheinigung", "zustellung"]);
  assert.deepEqual(answers.anschrift, { street: "Hattsteiner Allee 5", postalCode: "61250", city: "Usingen" });
  assert.equal(answers.geburtsdatum, "1985-04-03");
  assert.equal(answers.fuerAnderePerson, false);
  assert.equal(answers.zweck, "sonstiges");
  assert.equal(answers.zweckSonstiges, "Wohnungsgenossenschaft");
  assert.equal(answers.richtigkeit, true);
});

test("every shipped definition: the PDF holds every input, and its answers equal the online form's", async () => {
  assert.ok(definitions.length > 30);
  for (const def of definitions) {
    for (const choice of ["first", "last"] as const) {
      const body: Record<string, unknown> = {};
      const files: Record<string, FileRef[]> = {};
      for (const step of def.steps) {
        const example = exampleInput(def, step.fields, today, choice);
        Object.assign(body, example.body);
        Object.assign(files, example.files);
      }
      const online = completeWithExamples(def, today, choice);
      const { answers, steps } = await throughPdf(def, body, files);
      assert.deepEqual(steps, online.steps, def.id);
      assert.deepEqual(answers, online.answers, `${def.id} (${choice})`);
    }
  }
});

test("bodyFromPdfForm: only the definition's inputs; empty blocks dropped, the rest numbered from 0", () => {
  const def = definition("elektroschrott-abholung");
  assert.deepEqual(
    bodyFromPdfForm(def, {
      vorname: "Erika",
      "abholadresse.plz": "61250",
      unbekannt: "weg damit",
      "geraete[0].unbekannt": "auch weg",
      "geraete[1].geraetArt": "herd",
      "geraete[2].geraetAnzahl": "3",
    }),
    { vorname: "Erika", "abholadresse.plz": "61250", "geraete[0].geraetArt": "herd", "geraete[1].geraetAnzahl": "3" },
  );
  assert.deepEqual(bodyFromPdfForm(definition("gruenschnitt-abholung"), { schnittArten: ["baum"] }), { schnittArten: ["baum"] });
});

test("the PDF says which fields and sections apply only in some cases, and where proofs go", async () => {
  const text = async (def: ServiceDefinition) => {
    const doc = await getDocument({
      data: new Uint8Array(await fillablePdfFor(def, opts)),
      standardFontDataUrl: join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/"),
    }).promise;
    const lines: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) lines.push(...(await (await doc.getPage(p)).getTextContent()).items.map((i) => ("str" in i ? i.str : "")));
    await doc.destroy();
    return lines.join(" ").replace(/\s+/g, " ");
  };
  const melde = definition("meldebescheinigung");
  const conditional: ServiceDefinition = {
    ...melde,
    steps: melde.steps.map((s) =>
      s.id === "zustellung" ? { ...s, visibleIf: { "==": [{ var: "art" }, "erweitert"] } } : s.id === "bescheinigung" ? { ...s, visibleIf: { "!!": [{ var: "fuerAnderePerson" }] } } : s,
    ),
  };
  const all = await text(conditional);
  assert.match(all, /Stadt Usingen/);
  assert.match(all, /Nur auszufüllen, wenn bei „Welche Bescheinigung brauchen Sie\?“ „Erweiterte Meldebescheinigung \(10,00 Euro\)“ gewählt ist\./);
  assert.match(all, /Dieser Abschnitt gilt nur in bestimmten Fällen; das Online-Formular prüft das\./);
  assert.match(all, /Nur auszufüllen, wenn bei „Wofür brauchen Sie die Bescheinigung\?“ „Sonstiger Zweck“ gewählt ist\./);
  assert.match(all, /Nachweis „Vollmacht der anderen Person“: bitte nach dem Hochladen dieses Formulars online beifügen\./);
  assert.match(all, /Geburtsdatum Format: TT\.MM\.JJJJ/);
  assert.match(await text(definition("elektroschrott-abholung")), /Gerät 1 .* Gerät 2 .* Gerät 3 /);
});
