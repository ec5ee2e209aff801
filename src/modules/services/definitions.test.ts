import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allFields, DEFINITIONS_DIR, loadDefinitions, logicVariables, validateDefinition, type ServiceDefinition } from "./definitions.js";

const model = JSON.parse(readFileSync(join(DEFINITIONS_DIR, "meldebescheinigung.json"), "utf8")) as ServiceDefinition;
const clone = (): ServiceDefinition => JSON.parse(JSON.stringify(model));

test("every shipped service definition validates against the published schema and the semantic checks", () => {
  const { definitions, problems } = loadDefinitions();
  assert.deepEqual(problems, [], JSON.stringify(problems, null, 2));
  assert.ok(definitions.length >= 1);
  for (const d of definitions) assert.ok(d.steps.at(-1)!.fields.some((f) => f.type === "declaration"), `${d.id}: the last step ends with a declaration`);
});

test("the schema is really enforced: broken definitions are refused with precise problems", () => {
  assert.deepEqual(validateDefinition(model), []);
  const noTitle = clone() as Partial<ServiceDefinition>;
  delete noTitle.title;
  assert.match(validateDefinition(noTitle).join("\n"), /must have required property 'title'/);
  const badLeika = clone();
  badLeika.leikaKey = "123";
  assert.match(validateDefinition(badLeika).join("\n"), /leikaKey must match pattern/);
  const badArea = clone();
  badArea.area = "gibt-es-nicht";
  assert.match(validateDefinition(badArea).join("\n"), /area must be equal to one of the allowed values/);
  const extra = clone() as ServiceDefinition & { unbekannt?: boolean };
  extra.unbekannt = true;
  assert.match(validateDefinition(extra).join("\n"), /must NOT have additional properties/);
  const selectWithoutOptions = clone();
  delete allFields(selectWithoutOptions).find((f) => f.id === "zweck")!.codeList;
  assert.notDeepEqual(validateDefinition(selectWithoutOptions), [], "a select needs options or a code list");
  const fileWithoutLimits = clone();
  delete allFields(fileWithoutLimits).find((f) => f.id === "vollmacht")!.file;
  assert.match(validateDefinition(fileWithoutLimits).join("\n"), /must have required property 'file'/);
});

test("semantic checks: duplicate ids, rules on unknown fields, missing code lists, repeat on a non-group", () => {
  const dup = clone();
  dup.steps[1]!.fields.push({ id: "vorname", type: "text", label: "Noch ein Vorname" });
  assert.match(validateDefinition(dup).join("\n"), /field id "vorname" is used 2 times/);
  const unknownVar = clone();
  allFields(unknownVar).find((f) => f.id === "zweckSonstiges")!.visibleIf = { "==": [{ var: "zweckx" }, "sonstiges"] };
  assert.match(validateDefinition(unknownVar).join("\n"), /rule reads unknown field "zweckx"/);
  const missingList = clone();
  allFields(missingList).find((f) => f.id === "zweck")!.codeList = "fehlt";
  assert.match(validateDefinition(missingList).join("\n"), /code list "fehlt" is not defined/);
  const repeatText = clone();
  allFields(repeatText).find((f) => f.id === "vorname")!.repeat = { min: 1, max: 2, itemLabel: "x" };
  assert.match(validateDefinition(repeatText).join("\n"), /only groups repeat/);
  const notDigital = clone();
  notDigital.fullyDigital = false;
  assert.match(validateDefinition(notDigital).join("\n"), /onlineParts/);
});

test("rule variables are found in nested JSON Logic", () => {
  assert.deepEqual(logicVariables({ and: [{ "==": [{ var: "a" }, 1] }, { in: ["x", { var: ["b", []] }] }, { "!": { var: "c.d" } }] }), ["a", "b", "c.d"]);
});

test("every shipped definition can be completed with valid answers (both branches of every choice), and its summary lists them", async () => {
  const { completeWithExamples } = await import("../../test-support/form-filler.js");
  const { summarise } = await import("./form/engine.js");
  const { definitions } = loadDefinitions();
  for (const def of definitions) {
    for (const choice of ["first", "last"] as const) {
      const r = completeWithExamples(def, "2026-11-27", choice);
      assert.deepEqual(r.errors, [], `${def.id} (${choice}): ${JSON.stringify(r.errors)}`);
      assert.ok(r.steps.length >= 1);
      const rows = summarise(def, r.answers).flatMap((s) => s.rows);
      assert.ok(rows.length >= 3, `${def.id}: the summary shows the answers`);
    }
  }
});

test("the catalogue content meets the issue's depth: at least 35 services, 5 in each of the five named areas, and enough rules, uploads, repeatable groups and prefill", () => {
  const { definitions } = loadDefinitions();
  assert.ok(definitions.length >= 35, `${definitions.length} services`);
  for (const area of ["meldewesen", "pass-ausweis", "ordnungsamt", "friedhof", "abfall"]) {
    assert.ok(definitions.filter((d) => d.area === area).length >= 5, `at least 5 services in ${area}`);
  }
  const uses = (pred: (d: ServiceDefinition) => boolean) => definitions.filter(pred).length;
  const fieldsOf = (d: ServiceDefinition) => allFields(d);
  assert.ok(uses((d) => d.steps.some((s) => s.visibleIf) || fieldsOf(d).some((f) => f.visibleIf || typeof f.required === "object")) >= 10, "rules");
  assert.ok(uses((d) => fieldsOf(d).some((f) => f.type === "file")) >= 10, "uploads");
  assert.ok(uses((d) => fieldsOf(d).some((f) => f.repeat)) >= 5, "repeatable groups");
  assert.ok(uses((d) => fieldsOf(d).some((f) => f.prefill)) >= 10, "prefill");
  const leika = definitions.map((d) => d.leikaKey);
  assert.equal(new Set(leika).size, leika.length, "every service has its own LeiKa key");
});
