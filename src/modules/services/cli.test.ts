import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { servicesCli } from "./cli.js";
import { serviceCatalogue } from "./index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
let source: TestApp;
let target: TestApp;
let dir: string;
before(async () => {
  [source, target] = await Promise.all([createTestApp(), createTestApp()]);
  dir = mkdtempSync(join(tmpdir(), "rathaus-export-"));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([source.close(), target.close()]);
});

async function cli(t: TestApp, sub: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await servicesCli(t.ctx, sub, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("services list: a municipality's catalogue as text and JSON; unknown municipality refused", async () => {
  const json = await cli(source, "list", ["--tenant", "usingen", "--json"]);
  assert.equal(json.code, 0, json.err);
  const rows = JSON.parse(json.out) as { id: string; version: number; title: string; area: string; enabled: boolean }[];
  assert.deepEqual(rows.find((r) => r.id === "meldebescheinigung"), { id: "meldebescheinigung", version: 1, title: "Meldebescheinigung beantragen", area: "meldewesen", enabled: true, source: "shipped" });
  const text = await cli(source, "list", ["--tenant", "usingen"]);
  assert.match(text.out, /meldebescheinigung\s+v1\s+aktiv/);
  assert.equal((await cli(source, "list", ["--tenant", "gibt-es-nicht"])).code, 1);
  assert.equal((await cli(source, "list", [])).code, 2);
});

test("export → import moves a definition between installations; same content is a no-op, changed content under the same version is refused", async () => {
  // A municipality-made service only the source installation has.
  const def = JSON.parse(readFileSync(join(root, "definitions/services/meldebescheinigung.json"), "utf8"));
  const own = { ...def, id: "efa-testdienst", title: "EfA-Testdienst", version: 3 };
  delete own.$schema;
  const ownFile = join(dir, "own.json");
  writeFileSync(ownFile, JSON.stringify(own));
  const first = await cli(source, "import", [ownFile]);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /imported efa-testdienst version 3/);

  const exported = join(dir, "efa-testdienst.json");
  const exp = await cli(source, "export", ["efa-testdienst", "--out", exported]);
  assert.equal(exp.code, 0, exp.err);
  assert.equal((await cli(source, "export", ["efa-testdienst", "--version", "9"])).code, 1);
  const stdout = await cli(source, "export", ["efa-testdienst", "--version", "3"]);
  assert.deepEqual(JSON.parse(stdout.out), JSON.parse(readFileSync(exported, "utf8")), "stdout and file carry the same definition");

  const imported = await cli(target, "import", [exported]);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /imported efa-testdienst version 3 \(now the current version\)/);
  const stored = await serviceCatalogue(target.ctx).definitionVersion("efa-testdienst", 3);
  assert.deepEqual(JSON.parse(JSON.stringify(stored)), JSON.parse(readFileSync(exported, "utf8")), "the round trip keeps the definition exactly");
  const row = await target.ctx.db.kysely.selectFrom("service_definition_versions").select("source").where("service_id", "=", "efa-testdienst").executeTakeFirstOrThrow();
  assert.equal(row.source, "imported");
  const usingen = target.ctx.tenants.bySlug("usingen")!;
  assert.equal(await serviceCatalogue(target.ctx).service(usingen.id, "efa-testdienst"), undefined, "an import is not enabled by itself");

  const again = await cli(target, "import", [exported]);
  assert.equal(again.code, 0);
  assert.match(again.out, /already installed with the same content/);

  writeFileSync(exported, JSON.stringify({ ...own, title: "Geändert ohne neue Version" }));
  const conflict = await cli(target, "import", [exported]);
  assert.equal(conflict.code, 1);
  assert.match(conflict.err, /already installed with different content; raise the version/);

  writeFileSync(exported, JSON.stringify({ ...own, leikaKey: "12" }));
  const invalid = await cli(target, "import", [exported]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.err, /leikaKey must match pattern/);
  assert.equal((await cli(target, "import", [join(dir, "fehlt.json")])).code, 1);
});

test("the rathaus command runs services list and export", { timeout: 120_000 }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: source.database.dataDir, DEMO: "false", LOG_LEVEL: "warn" };
  if (source.database.databaseUrl) env.DATABASE_URL = source.database.databaseUrl;
  else delete env.DATABASE_URL;
  const run = promisify(execFile);
  const list = await run(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), "services", "list", "--tenant", "neu-anspach", "--json"], { env, cwd: root, timeout: 60_000 });
  assert.ok((JSON.parse(list.stdout) as { id: string }[]).some((r) => r.id === "meldebescheinigung"));
  const exp = await run(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), "services", "export", "meldebescheinigung"], { env, cwd: root, timeout: 60_000 });
  assert.equal(JSON.parse(exp.stdout).id, "meldebescheinigung");
});
