import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { tenantService } from "../tenants/index.js";
import { serviceCatalogue } from "./index.js";
import { DEFINITIONS_DIR, loadDefinitions, type ServiceDefinition } from "./definitions.js";
import { ShippedDefinitionConflict, applyOverrides, parseFeeLines, feeLines } from "./service.js";
import { formatEuro, parseEuro } from "./labels.js";

let t: TestApp;
let dir: string;
before(async () => {
  t = await createTestApp();
  dir = mkdtempSync(join(tmpdir(), "rathaus-defs-"));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const model = JSON.parse(readFileSync(join(DEFINITIONS_DIR, "meldebescheinigung.json"), "utf8")) as ServiceDefinition;
function writeDef(patch: Partial<ServiceDefinition>): void {
  const def = { ...structuredClone(model), id: "testdienst-sync", ...patch };
  writeFileSync(join(dir, `${def.id}.json`), JSON.stringify(def, null, 2));
}

test("start-up sync stored every shipped definition; syncing again changes nothing", async () => {
  const catalogue = serviceCatalogue(t.ctx);
  const shipped = loadDefinitions().definitions;
  const installed = await catalogue.installed();
  for (const d of shipped) assert.ok(installed.some((s) => s.id === d.id && s.version >= d.version && s.source === "shipped"), d.id);
  const again = await catalogue.syncShipped();
  assert.deepEqual(again.inserted, []);
  assert.equal(again.unchanged, shipped.length);
});

test("sync is idempotent, refuses changed content under the same version, accepts a raised version; old versions stay", async () => {
  const catalogue = serviceCatalogue(t.ctx);
  writeDef({ title: "Testdienst Version 1" });
  writeFileSync(join(dir, "kaputt.json"), "{ not json");
  const first = await catalogue.syncShipped(loadDefinitions(dir));
  assert.deepEqual(first.inserted, ["testdienst-sync@1"]);
  assert.deepEqual(first.skipped, ["kaputt.json"], "invalid files are logged and skipped");
  const second = await catalogue.syncShipped(loadDefinitions(dir));
  assert.deepEqual(second.inserted, []);
  assert.equal(second.unchanged, 1);

  // Two processes starting at once: both insert-or-ignore, neither fails.
  const [a, b] = await Promise.all([catalogue.syncShipped(loadDefinitions(dir)), catalogue.syncShipped(loadDefinitions(dir))]);
  assert.deepEqual([...a.inserted, ...b.inserted], []);

  writeDef({ title: "Testdienst geändert, Version nicht erhöht" });
  await assert.rejects(catalogue.syncShipped(loadDefinitions(dir)), (err: Error) => err instanceof ShippedDefinitionConflict && /testdienst-sync version 1/.test(err.message) && /raise the version/.test(err.message));

  writeDef({ title: "Testdienst Version 2", version: 2 });
  assert.deepEqual((await catalogue.syncShipped(loadDefinitions(dir))).inserted, ["testdienst-sync@2"]);
  assert.equal((await catalogue.definitionVersion("testdienst-sync", 1))?.title, "Testdienst Version 1", "a submission keeps its version");
  assert.equal((await catalogue.definitionVersion("testdienst-sync", 2))?.title, "Testdienst Version 2");
  assert.equal(await catalogue.definitionVersion("testdienst-sync", 3), undefined);
  const current = (await catalogue.installed()).find((s) => s.id === "testdienst-sync");
  assert.equal(current?.version, 2);
  assert.ok(Object.isFrozen(current?.definition), "cached definitions cannot be changed by accident");
});

test("public API: enabled services with overrides; a disabled service is undefined; department by mapping or override", async () => {
  const catalogue = serviceCatalogue(t.ctx);
  const usingen = t.ctx.tenants.bySlug("usingen")!;
  const neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!;
  const enabled = await catalogue.enabledServices(usingen.id);
  assert.ok(enabled.some((s) => s.id === "meldebescheinigung"));
  assert.ok(!enabled.some((s) => s.id === "testdienst-sync"), "new services are not enabled by themselves");
  assert.equal(await catalogue.service(usingen.id, "testdienst-sync"), undefined);
  assert.deepEqual((await catalogue.service(usingen.id, "meldebescheinigung"))?.fees, model.fees);
  const na = await catalogue.service(neuAnspach.id, "meldebescheinigung");
  assert.ok(na?.fees.some((f) => f.label === "Versand per Post" && f.amountCents === 150 && f.note), "Neu-Anspach's fee override");
  assert.equal((await catalogue.department(usingen.id, "meldebescheinigung"))?.key, "buergerbuero");
  assert.equal((await catalogue.department(neuAnspach.id, "meldebescheinigung"))?.key, "fb3-buergerservice-ordnung");

  const result = await catalogue.updateOverrides(usingen.id, "meldebescheinigung", { departmentKey: "ordnungsamt", processingTime: "Sofort" }, { type: "system" });
  assert.ok(result.ok);
  assert.equal((await catalogue.department(usingen.id, "meldebescheinigung"))?.key, "ordnungsamt");
  assert.equal((await catalogue.service(usingen.id, "meldebescheinigung"))?.processingTime, "Sofort");
  assert.ok(tenantService(t.ctx));
  const bad = await catalogue.updateOverrides(usingen.id, "meldebescheinigung", { departmentKey: "fb3-buergerservice-ordnung" }, { type: "system" });
  assert.ok(!bad.ok && /Amt Ihrer Kommune/.test(bad.errors.departmentKey!), "another municipality's department is refused");
  assert.ok((await catalogue.updateOverrides(usingen.id, "meldebescheinigung", {}, { type: "system" })).ok);
  assert.equal((await catalogue.department(usingen.id, "meldebescheinigung"))?.key, "buergerbuero", "empty fields return to the definition");
});

test("fees: German amounts, lines with notes, free of charge, precise errors", () => {
  assert.equal(formatEuro(800), "8,00\u00a0€");
  assert.equal(formatEuro(123450), "1.234,50\u00a0€");
  assert.equal(parseEuro("12,50"), 1250);
  assert.equal(parseEuro("12"), 1200);
  assert.equal(parseEuro("12.50 €"), 1250);
  assert.equal(parseEuro("1.234,50"), 123450);
  assert.equal(parseEuro("1.234"), 123400);
  assert.equal(parseEuro("zwölf"), undefined);
  assert.equal(parseEuro("-3"), undefined);
  const parsed = parseFeeLines("Einfache Meldebescheinigung = 9,00\nVersand = 1,50 | nur bei Post");
  assert.deepEqual(parsed, { ok: true, value: [{ label: "Einfache Meldebescheinigung", amountCents: 900 }, { label: "Versand", amountCents: 150, note: "nur bei Post" }] });
  assert.equal(feeLines(parsed.ok ? parsed.value : undefined), "Einfache Meldebescheinigung = 9,00\nVersand = 1,50 | nur bei Post");
  assert.deepEqual(parseFeeLines("gebührenfrei"), { ok: true, value: [] });
  assert.deepEqual(parseFeeLines("  \n"), { ok: true, value: undefined });
  const wrong = parseFeeLines("Gebühr = 9,00\nohne Betrag");
  assert.ok(!wrong.ok && /Zeile 2/.test(wrong.error));
  const noAmount = parseFeeLines("Gebühr = neun Euro");
  assert.ok(!noAmount.ok && /kein Betrag/.test(noAmount.error));
  assert.equal(applyOverrides(model, {}), model);
  assert.equal(applyOverrides(model, { summary: "Kurz" }).summary, "Kurz");
});
