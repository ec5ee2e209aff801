import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { allFields, validateDefinition } from "./definitions.js";
import { importXdf, XdfImportError } from "./xdf.js";
import { completeWithExamples } from "../../test-support/form-filler.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SAMPLES = join(root, "..", "shared", "standards", "xdatenfelder", "samples");
const SKIP = "../shared/standards/xdatenfelder/samples not present (shared/ is laid next to the repo by CI)";
const TODAY = "2026-11-27";
const sample = (name: string) => readFileSync(join(SAMPLES, `${name}.xml`), "utf8");

/** Expectations read off the samples: content steps (without "Abschluss") and their fields. */
const EXPECTED: Record<string, { steps: string[]; fields: Record<string, string> }> = {
  "v2-minimal": { steps: ["abschluss"], fields: { erklaerung: "declaration" } },
  "v2-rule": { steps: ["abschluss"], fields: { erklaerung: "declaration" } },
  "v2-select": { steps: ["angaben", "abschluss"], fields: { f123: "select", erklaerung: "declaration" } },
  "v2-simple": { steps: ["g00000082", "abschluss"], fields: { f60000227: "text", erklaerung: "declaration" } },
  "v3-input": { steps: ["angaben", "abschluss"], fields: { f60000000243: "select", erklaerung: "declaration" } },
  "v3-simple": { steps: ["g60000000086", "abschluss"], fields: { f60000000243: "text", erklaerung: "declaration" } },
};

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`XDatenfelder sample ${name}: a valid draft that the form engine can complete`, (t) => {
    if (!existsSync(SAMPLES)) return t.skip(SKIP);
    const { definition, notes } = importXdf(sample(name), { fileName: `${name}.xml`, today: TODAY });
    assert.deepEqual(validateDefinition(definition), []);
    assert.deepEqual(definition.steps.map((s) => s.id), expected.steps);
    assert.deepEqual(Object.fromEntries(allFields(definition).map((f) => [f.id, f.type])), expected.fields);
    assert.equal(definition.leikaKey, "00000000000000");
    assert.equal(definition.provenance.reviewedAt, TODAY);
    assert.match(definition.provenance.source, new RegExp(`Version .* \\(${name}\\.xml\\)`));
    assert.equal(definition.steps.at(-1)!.fields[0]!.text, "Ich versichere, dass meine Angaben richtig und vollständig sind.");
    assert.ok(notes.length >= 1);
    for (const choice of ["first", "last"] as const) {
      const run = completeWithExamples(definition, TODAY, choice);
      assert.deepEqual(run.errors, [], `${choice}: ${JSON.stringify(run.errors)}`);
      assert.deepEqual(run.steps, expected.steps);
    }
  });
}

test("v2-simple: group → step, field with length limits, help text and required from the cardinality", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const { definition } = importXdf(sample("v2-simple"), { today: TODAY, area: "meldewesen", responsibilityKey: "meldewesen" });
  assert.equal(definition.id, "test-entwurf");
  assert.equal(definition.title, "Test");
  assert.equal(definition.area, "meldewesen");
  assert.deepEqual(definition.legalBasis, [{ label: "Bezug" }]);
  assert.equal(definition.steps[0]!.title, "Natürliche Person");
  assert.deepEqual(definition.steps[0]!.fields[0], { id: "f60000227", type: "text", label: "Familienname", hint: "Hilfe Eingabe", validation: { minLength: 1, maxLength: 120 }, required: true });
});

test("v2-rule / v3-simple: free-text rules become notes naming what they concern", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const v2 = importXdf(sample("v2-rule"), { today: TODAY }).notes.join("\n");
  assert.match(v2, /Regel R60000037 „MindestEineAngabe“.*Eine Definition/);
  const v3 = importXdf(sample("v3-simple"), { today: TODAY }).notes.join("\n");
  assert.match(v3, /Regel R60000000019 .*Feld f60000000243 „Straße“.*Es muss entweder Feldgruppe G60000086/);
  assert.equal(v3.match(/Regel R60000000019/g)!.length, 1, "a rule attached twice is reported once");
});

const GENERICODE = `<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification><ShortName>example</ShortName><CanonicalUri>urn:de:example</CanonicalUri><CanonicalVersionUri>urn:de:example_1</CanonicalVersionUri></Identification>
  <ColumnSet>
    <Column Id="code" Use="required"><ShortName>Code</ShortName><Data Type="string"/></Column>
    <Column Id="beschreibung" Use="required"><ShortName>Beschreibung</ShortName><Data Type="string"/></Column>
    <Key Id="codeKey"><ShortName>codeKey</ShortName><ColumnRef Ref="code"/></Key>
  </ColumnSet>
  <SimpleCodeList>
    <Row><Value ColumnRef="code"><SimpleValue>01</SimpleValue></Value><Value ColumnRef="beschreibung"><SimpleValue>Ledig</SimpleValue></Value></Row>
    <Row><Value ColumnRef="code"><SimpleValue>VH</SimpleValue></Value><Value ColumnRef="beschreibung"><SimpleValue>Verheiratet</SimpleValue></Value></Row>
    <Row><Value><SimpleValue>Gesch ieden</SimpleValue></Value><Value><SimpleValue>Geschieden</SimpleValue></Value></Row>
  </SimpleCodeList>
</gc:CodeList>`;

test("v2-select: options from a genericode list (codes made safe, originals noted); without it a marked placeholder", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const withList = importXdf(sample("v2-select"), { today: TODAY, codelists: [GENERICODE] });
  const field = withList.definition.steps[0]!.fields[0]!;
  assert.equal(field.type, "radio");
  assert.deepEqual(field.options, [
    { value: "01", label: "Ledig" },
    { value: "vh", label: "Verheiratet" },
    { value: "gesch-ieden", label: "Geschieden" },
  ]);
  assert.match(withList.notes.join("\n"), /„VH“ → vh, „Gesch ieden“ → gesch-ieden/);
  for (const choice of ["first", "last"] as const) assert.deepEqual(completeWithExamples(withList.definition, TODAY, choice).errors, []);

  const without = importXdf(sample("v2-select"), { today: TODAY });
  assert.deepEqual(without.definition.steps[0]!.fields[0]!.options, [{ value: "todo", label: "TODO: Codeliste urn:de:example ergänzen" }]);
  assert.match(without.notes.join("\n"), /Codeliste urn:de:example wurde nicht mitgegeben/);
});

const wrap = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"><xdf:stammdatenschema>
<xdf:identifikation><xdf:id>S1234</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
<xdf:name>Hundesteuer Anmeldung</xdf:name><xdf:bezeichnungEingabe>Anmeldung zur Hundesteuer</xdf:bezeichnungEingabe>${inner}
</xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>`;
const field = (id: string, datentyp: string, anzahl = "1:1", extra = "") =>
  `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt><xdf:datenfeld><xdf:identifikation><xdf:id>${id}</xdf:id></xdf:identifikation><xdf:name>Feld ${id}</xdf:name><xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>${datentyp}</code></xdf:datentyp>${extra}</xdf:datenfeld></xdf:enthaelt></xdf:struktur>`;
const group = (id: string, anzahl: string, inner: string) =>
  `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt><xdf:datenfeldgruppe><xdf:identifikation><xdf:id>${id}</xdf:id></xdf:identifikation><xdf:name>Gruppe ${id}</xdf:name>${inner}</xdf:datenfeldgruppe></xdf:enthaelt></xdf:struktur>`;

test("data types, praezisierung, repeatable and deeper nested groups", () => {
  const xml = wrap(
    group("G1", "1:1",
      field("F1", "num_int", "1:1", `<xdf:praezisierung>{"minValue":"1","maxValue":"5"}</xdf:praezisierung>`) +
      field("F2", "num_currency", "0:1") +
      field("F3", "bool") +
      field("F4", "date") +
      field("F5", "file") +
      field("F6", "text", "0:1", `<xdf:praezisierung>{"maxLength":"1000","pattern":"[0-9]{5}"}</xdf:praezisierung>`) +
      field("F7", "text", "0:1", `<xdf:praezisierung>{"pattern":"[a-z"}</xdf:praezisierung>`) +
      group("G2", "0:n", field("F8", "text") + group("G3", "1:1", field("F9", "date")))) +
    field("F10", "text"),
  );
  const { definition, notes } = importXdf(xml, { today: TODAY });
  assert.equal(definition.id, "hundesteuer-anmeldung-entwurf");
  assert.equal(definition.title, "Anmeldung zur Hundesteuer");
  assert.deepEqual(definition.steps.map((s) => s.id), ["g1", "angaben", "abschluss"]);
  const byId = Object.fromEntries(allFields(definition).map((f) => [f.id, f]));
  assert.deepEqual(byId.f1!.validation, { integer: true, min: 1, max: 5 });
  assert.equal(byId.f1!.required, true);
  assert.equal(byId.f2!.type, "number");
  assert.equal(byId.f2!.required, undefined);
  assert.equal(byId.f3!.type, "yesno");
  assert.equal(byId.f4!.type, "date");
  assert.deepEqual(byId.f5!.file, { accept: ["application/pdf", "image/jpeg", "image/png"], maxSizeMb: 10, maxFiles: 1 });
  assert.equal(byId.f6!.type, "textarea");
  assert.deepEqual(byId.f6!.validation, { maxLength: 1000, pattern: "[0-9]{5}" });
  assert.equal(byId.f7!.validation, undefined);
  assert.deepEqual(byId.g2!.repeat, { min: 0, max: 10, itemLabel: "Gruppe G2" });
  assert.deepEqual(byId.g2!.fields!.map((f) => f.id), ["f8", "f9"], "G3 is flattened into G2");
  const text = notes.join("\n");
  assert.match(text, /Betrag in Euro/);
  assert.match(text, /Muster \[a-z ist kein gültiger regulärer Ausdruck/);
  assert.match(text, /Gruppe G3 .* stehen direkt in der Gruppe g2/);
  for (const choice of ["first", "last"] as const) assert.deepEqual(completeWithExamples(definition, TODAY, choice).errors, []);
});

test("broken or unsupported XML is refused with a clear German error", () => {
  assert.throws(() => importXdf("<xdf:kaputt", { fileName: "kaputt.xml" }), (err: unknown) => err instanceof XdfImportError && /kaputt\.xml ist kein lesbares XML/.test(err.message));
  assert.throws(() => importXdf(""), XdfImportError);
  assert.throws(() => importXdf(`<?xml version="1.0"?><html><body/></html>`), /Nicht unterstützt: html ist keine XDatenfelder-Nachricht/);
});

test("a draft that would not validate is never returned", () => {
  assert.throws(() => importXdf(wrap(field("F1", "text")), { area: "gibt-es-nicht" }), /keine gültige Leistungsdefinition:[\s\S]*area/);
});
