import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "./test-support/db.js";
import { loadConfig } from "./config.js";
import { openPlatform } from "./server.js";
import { verifyPassword } from "./platform/auth/accounts.js";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
  await database.db.close(); // the CLI processes open their own connections
});
after(() => database.dispose());

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: database.dataDir, DEMO: "false", DEMO_SIZE: "small", LOG_LEVEL: "warn" };
  if (database.databaseUrl) e.DATABASE_URL = database.databaseUrl;
  else delete e.DATABASE_URL;
  return { ...e, ...extra };
}

async function rathaus(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), ...args], { env: env(extra), cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

test("outside demo mode there are no municipalities and no default accounts; the CLI creates them", { timeout: 120_000 }, async () => {
  const migrated = await rathaus(["migrate"]);
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, /applied \d+ migrations/);
  assert.match((await rathaus(["migrate"])).stdout, /up to date/);

  const empty = await rathaus(["tenant", "list", "--json"]);
  assert.deepEqual(JSON.parse(empty.stdout), []);

  const reserved = await rathaus(["tenant", "add", "--slug", "verwaltung", "--name", "X", "--ags", "06434012"]);
  assert.equal(reserved.code, 1);
  assert.match(reserved.stderr, /reserviert/);
  const badAgs = await rathaus(["tenant", "add", "--slug", "wehrheim", "--name", "Wehrheim", "--ags", "123"]);
  assert.equal(badAgs.code, 1);
  assert.match(badAgs.stderr, /8 Ziffern/);
  const added = await rathaus(["tenant", "add", "--slug", "wehrheim", "--name", "Wehrheim", "--ags", "06434012", "--kind", "Gemeinde"]);
  assert.equal(added.code, 0, added.stderr);
  const list = JSON.parse((await rathaus(["tenant", "list", "--json"])).stdout) as { slug: string; ags: string }[];
  assert.deepEqual(list.map((t) => [t.slug, t.ags]), [["wehrheim", "06434012"]]);

  const weak = await rathaus(["admin", "create", "--email", "it@wehrheim.example", "--name", "IT", "--password", "kurz"]);
  assert.equal(weak.code, 1);
  assert.match(weak.stderr, /mindestens 12 Zeichen/);
  const created = await rathaus(["admin", "create", "--email", "it@wehrheim.example", "--name", "IT-Administration"]);
  assert.equal(created.code, 0, created.stderr);
  const password = /initial password[^:]*: (\S+)/.exec(created.stdout)?.[1];
  assert.ok(password, "a generated password is shown once");

  const p = await openPlatform({ config: loadConfig(env()), logger: false, seed: false });
  try {
    assert.equal(await p.ctx.accounts.count(), 1, "exactly the one account the CLI created");
    const row = await p.ctx.db.kysely.selectFrom("staff_accounts").selectAll().executeTakeFirstOrThrow();
    assert.equal(row.platform_admin, 1);
    assert.equal(row.must_change_password, 1, "a generated password must be changed at the first login");
    assert.ok(await verifyPassword(password, row.password_hash));
  } finally {
    await p.close();
  }
});

test("audit verify: intact chain exits 0; deleting the newest entries after the head was written exits 1", { timeout: 120_000 }, async () => {
  const seeded = await rathaus(["seed", "--demo"], { DEMO: "true" });
  assert.equal(seeded.code, 0, seeded.stderr);
  const p = await openPlatform({ config: loadConfig(env()), logger: false, seed: false });
  try {
    await p.ctx.audit.writeHead();
  } finally {
    await p.close();
  }
  const ok = await rathaus(["audit", "verify"]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /chain intact, head file checked/);

  const q = await openPlatform({ config: loadConfig(env()), logger: false, seed: false });
  try {
    const newest = await q.ctx.db.kysely.selectFrom("audit_log").select("seq").orderBy("seq", "desc").limit(2).execute();
    await q.ctx.db.kysely.deleteFrom("audit_log").where("seq", ">=", newest[1]!.seq).execute();
  } finally {
    await q.close();
  }
  const broken = await rathaus(["audit", "verify"]);
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /BROKEN/);
});

test("an unreachable database at start: one clear log line and a non-zero exit code", { timeout: 60_000 }, async () => {
  const res = await rathaus(["serve"], { DATABASE_URL: "postgres://rathaus:geheim@127.0.0.1:1/rathaus", PORT: "0" });
  assert.notEqual(res.code, 0);
  const lines = res.stderr.trim().split("\n");
  assert.equal(lines.length, 1, res.stderr);
  assert.match(lines[0]!, /cannot start: PostgreSQL is not reachable/);
  assert.doesNotMatch(res.stderr, /geheim/, "no password in the log");
});

test("invalid configuration is refused with a clear message", { timeout: 60_000 }, async () => {
  const res = await rathaus(["serve"], { PORT: "einhundert" });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /configuration error: PORT must be an integer/);
});

test("services validate: the shipped definitions pass; a broken file is refused with its problems and exit code 1", { timeout: 60_000 }, async () => {
  const ok = await rathaus(["services", "validate"]);
  assert.equal(ok.code, 0, ok.stderr);
  const m = /(\d+) of (\d+) service definitions valid/.exec(ok.stdout);
  assert.ok(m && m[1] === m[2] && Number(m[1]) >= 1, ok.stdout);
  const bad = join(database.dataDir, "kaputt.json");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(bad, JSON.stringify({ id: "kaputt", version: 1 }));
  const res = await rathaus(["services", "validate", bad]);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /must have required property 'title'/);
});
