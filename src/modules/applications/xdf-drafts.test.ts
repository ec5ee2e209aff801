import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { ApplicationClient } from "../../test-support/applications.js";
import { importXdf } from "../services/xdf.js";
import { serviceCatalogue } from "../services/index.js";

/**
 * The XDatenfelder samples become drafts that render: imported, installed like any definition
 * (`rathaus services import`), switched on for a municipality, and filled over HTTP — every
 * step page renders and the application can be submitted.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SAMPLES = join(root, "..", "shared", "standards", "xdatenfelder", "samples");

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

test("every XDatenfelder sample with fields imports into a draft whose steps render and can be submitted", async (ctx) => {
  if (!existsSync(SAMPLES)) return ctx.skip("../shared/standards/xdatenfelder/samples not present (shared/ is laid next to the repo by CI)");
  const files = readdirSync(SAMPLES).filter((f) => /^v[23]-.*\.xml$/.test(f));
  assert.ok(files.length >= 4);
  const catalogue = serviceCatalogue(t.ctx);
  const tenantId = t.ctx.tenants.bySlug("usingen")!.id;
  const actor = { type: "system" as const };
  for (const file of files) {
    const { definition } = importXdf(readFileSync(join(SAMPLES, file), "utf8"), { fileName: file, today: "2026-11-27" });
    definition.id = `xdf-${file.replace(/\.xml$/, "")}`; // one service per sample
    definition.trustLevel = "none"; // drafts ask for a login by default; rendering is what this test is about
    const imported = await catalogue.importDefinition(definition);
    assert.equal(imported.status, "inserted", `${file}: ${JSON.stringify(imported)}`);
    await catalogue.setEnabled(tenantId, definition.id, true, actor);
    const c = new ApplicationClient(t.app, "usingen");
    const start = await c.start(definition.id);
    assert.equal(start.statusCode, 303, `${file}: start`);
    assert.match(c.location, /\/schritt\//, `${file}: start → ${c.location}`);
    const steps = await c.fillAll(definition, "2026-11-27");
    assert.deepEqual(steps, definition.steps.map((s) => s.id), `${file}: every step rendered and was sent`);
    const submitted = await c.submit();
    assert.equal(submitted.statusCode, 303, `${file}: submitted`);
  }
});
