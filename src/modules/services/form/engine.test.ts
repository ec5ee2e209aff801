import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFINITIONS_DIR, validateDefinition, type ServiceDefinition } from "../definitions.js";
import { readStep, summarise, visibleSteps, type Answers } from "./engine.js";
import { formatIban, isValidIban, parseDate, resolveDateBound } from "./validators.js";

const melde = JSON.parse(readFileSync(join(DEFINITIONS_DIR, "meldebescheinigung.json"), "utf8")) as ServiceDefinition;
const step = (def: ServiceDefinition, id: string) => def.steps.find((s) => s.id === id)!;
const ctx = { today: "2026-11-27" };

test("a valid step becomes typed answers; dates typed the German way are understood", () => {
  const r = readStep(melde, step(melde, "person"), { vorname: " Erika ", nachname: "Mustermann", geburtsdatum: "12.08.1964", "anschrift.strasse": "Heidestraße 17", "anschrift.plz": "61250", "anschrift.ort": "Usingen" }, {}, ctx);
  assert.deepEqual(r.errors, {});
  assert.deepEqual(r.values, { vorname: "Erika", nachname: "Mustermann", geburtsdatum: "1964-08-12", anschrift: { street: "Heidestraße 17", postalCode: "61250", city: "Usingen" } });
});

test("every invalid field gets a German message keyed by its input name", () => {
  const r = readStep(melde, step(melde, "person"), { vorname: "", nachname: "x".repeat(101), geburtsdatum: "31.02.2000", "anschrift.strasse": "Weg 1", "anschrift.plz": "612", "anschrift.ort": "Usingen" }, {}, ctx);
  assert.equal(r.errors.vorname, "Bitte füllen Sie das Feld „Vorname(n)“ aus.");
  assert.match(r.errors.nachname!, /höchstens 100 Zeichen/);
  assert.match(r.errors.geburtsdatum!, /gültiges Datum/);
  assert.match(r.errors["anschrift.plz"]!, /5 Ziffern/);
  const future = readStep(melde, step(melde, "person"), { vorname: "A", nachname: "B", geburtsdatum: "2030-01-01", "anschrift.strasse": "W", "anschrift.plz": "61250", "anschrift.ort": "U" }, {}, ctx);
  assert.match(future.errors.geburtsdatum!, /nicht nach dem 27\.11\.2026/);
});

test("rules: a field shown and required by another answer in the same step; hidden fields' values are dropped", () => {
  const s = step(melde, "bescheinigung");
  const needsText = readStep(melde, s, { art: "einfach", zweck: "sonstiges", fuerAnderePerson: "nein" }, {}, ctx);
  assert.match(needsText.errors.zweckSonstiges!, /Zweck/);
  const tampered = readStep(melde, s, { art: "einfach", zweck: "bank", zweckSonstiges: "untergeschoben", fuerAnderePerson: "nein" }, {}, ctx);
  assert.deepEqual(tampered.errors, {});
  assert.equal(tampered.values.zweckSonstiges, undefined, "a value for a hidden field is not taken");
  const needsUpload = readStep(melde, s, { art: "erweitert", zweck: "bank", fuerAnderePerson: "ja" }, {}, ctx);
  assert.equal(needsUpload.errors.vollmacht, "Bitte laden Sie „Vollmacht der anderen Person“ hoch.");
  const withUpload = readStep(melde, s, { art: "erweitert", zweck: "bank", fuerAnderePerson: "ja" }, {}, { ...ctx, files: { vollmacht: [{ id: "f1", name: "vollmacht.pdf", size: 1000, type: "application/pdf" }] } });
  assert.deepEqual(withUpload.errors, {});
});

test("tampered choices are refused; the declaration must be confirmed", () => {
  const r = readStep(melde, step(melde, "bescheinigung"), { art: "gefaelscht", zweck: "bank", fuerAnderePerson: "vielleicht" }, {}, ctx);
  assert.match(r.errors.art!, /ungültig/);
  assert.match(r.errors.fuerAnderePerson!, /ungültig/);
  const d = readStep(melde, step(melde, "zustellung"), { zustellweg: "post" }, {}, ctx);
  assert.equal(d.errors.richtigkeit, "Bitte bestätigen Sie: Ich versichere, dass meine Angaben richtig und vollständig sind.");
  assert.deepEqual(readStep(melde, step(melde, "zustellung"), { zustellweg: "post", richtigkeit: "ja" }, {}, ctx).errors, {});
});

const hunde: ServiceDefinition = {
  ...melde,
  id: "hunde-test",
  steps: [
    {
      id: "hunde",
      title: "Ihre Hunde",
      fields: [
        {
          id: "hunde",
          type: "group",
          label: "Hunde",
          repeat: { min: 1, max: 3, itemLabel: "Hund" },
          fields: [
            { id: "name", type: "text", label: "Name des Hundes", required: true },
            { id: "gefaehrlich", type: "yesno", label: "Gefährlicher Hund?", required: true },
            { id: "wesenstest", type: "date", label: "Datum des Wesenstests", visibleIf: { "==": [{ var: "hunde.gefaehrlich" }, true] }, required: { "==": [{ var: "hunde.gefaehrlich" }, true] } },
          ],
        },
        { id: "iban", type: "iban", label: "IBAN für die Hundesteuer", required: true },
      ],
    },
    { id: "extra", title: "Nur für gefährliche Hunde", visibleIf: { some: [{ var: "hunde" }, { "==": [{ var: "gefaehrlich" }, true] }] }, fields: [{ id: "sachkunde", type: "declaration", label: "Sachkunde", text: "Ich habe die Sachkunde nachgewiesen.", required: true }] },
  ],
};

test("repeatable groups: items, rules inside an item, the minimum count, and a step shown by an item's answer", () => {
  assert.deepEqual(validateDefinition(hunde), []);
  const s = hunde.steps[0]!;
  const none = readStep(hunde, s, { iban: "DE89 3704 0044 0532 0130 00" }, {}, ctx);
  assert.match(none.errors["hunde[0]"]!, /mindestens 1-mal „Hund“/);
  const r = readStep(hunde, s, { "hunde[0].name": "Bello", "hunde[0].gefaehrlich": "nein", "hunde[1].name": "Rex", "hunde[1].gefaehrlich": "ja", "hunde[0].wesenstest": "2026-01-01", iban: "de89370400440532013000" }, {}, ctx);
  assert.equal(r.errors["hunde[1].wesenstest"], "Bitte füllen Sie das Feld „Datum des Wesenstests“ aus.");
  assert.equal(Object.keys(r.errors).length, 1);
  const items = r.values.hunde as Record<string, unknown>[];
  assert.equal(items[0]!.wesenstest, undefined, "hidden in the first item: dropped");
  assert.equal(r.values.iban, "DE89 3704 0044 0532 0130 00");
  const answers: Answers = { ...r.values };
  assert.deepEqual(visibleSteps(hunde, answers).map((x) => x.id), ["hunde", "extra"]);
  assert.deepEqual(visibleSteps(hunde, { hunde: [{ name: "Bello", gefaehrlich: false }] }).map((x) => x.id), ["hunde"]);
  const tooMany = readStep(hunde, s, { "hunde[0].name": "A", "hunde[0].gefaehrlich": "nein", "hunde[7].name": "B", iban: "DE89370400440532013000" }, {}, ctx);
  assert.ok((tooMany.values.hunde as unknown[]).length <= 3, "never more items than the definition allows");
  const badIban = readStep(hunde, s, { "hunde[0].name": "A", "hunde[0].gefaehrlich": "nein", iban: "DE89370400440532013001" }, {}, ctx);
  assert.match(badIban.errors.iban!, /IBAN .* nicht gültig/);
});

test("the summary shows labels and readable values per visible step", () => {
  const rows = summarise(melde, { vorname: "Erika", geburtsdatum: "1964-08-12", art: "erweitert", zweck: "bank", fuerAnderePerson: false, anschrift: { street: "Heidestraße 17", postalCode: "61250", city: "Usingen" } });
  const flat = rows.flatMap((s) => s.rows);
  assert.deepEqual(flat.find((r) => r.label === "Geburtsdatum"), { label: "Geburtsdatum", value: "12.08.1964" });
  assert.equal(flat.find((r) => r.label.startsWith("Welche Bescheinigung"))?.value, "Erweiterte Meldebescheinigung (10,00 Euro)");
  assert.equal(flat.find((r) => r.label.startsWith("Wofür"))?.value, "Vorlage bei Bank oder Versicherung");
  assert.equal(flat.find((r) => r.label.startsWith("Beantragen Sie"))?.value, "Nein");
  assert.equal(flat.find((r) => r.label.startsWith("Anschrift"))?.value, "Heidestraße 17, 61250 Usingen");
});

test("validators: IBAN checksum, German dates, relative date bounds", () => {
  assert.ok(isValidIban("DE89 3704 0044 0532 0130 00"));
  assert.ok(!isValidIban("DE89 3704 0044 0532 0130 01"));
  assert.ok(!isValidIban("DE89 3704 0044 0532 0130"), "a German IBAN has 22 characters");
  assert.ok(isValidIban("AT611904300234573201"));
  assert.equal(formatIban("de89370400440532013000"), "DE89 3704 0044 0532 0130 00");
  assert.equal(parseDate("1.2.2026"), "2026-02-01");
  assert.equal(parseDate("2026-02-29"), undefined);
  assert.equal(parseDate("29.02.2028"), "2028-02-29");
  assert.equal(resolveDateBound("today-18y", "2026-11-27"), "2008-11-27");
  assert.equal(resolveDateBound("today+3d", "2026-11-29"), "2026-12-02");
});
