import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "../../test-support/db.js";
import { loadConfig } from "../../config.js";
import { openPlatform } from "../../server.js";

/**
 * `rathaus audit verify` — the operator's command — exits 1 and names the broken place after a row
 * was altered and after a row in the middle was deleted (AuditLog.verify itself is tested in
 * audit.test.ts; deleting the newest rows, caught through the head file, in src/cli.test.ts).
 */

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
let database: TestDatabase;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: database.dataDir, DEMO: "true", DEMO_SIZE: "small", LOG_LEVEL: "warn" };
  if (database.databaseUrl) e.DATABASE_URL = database.databaseUrl;
  else delete e.DATABASE_URL;
  return e;
}

async function verify(): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(root, "src/cli.ts"), "audit", "verify"], { env: env(), cwd: root, timeout: 60_000 });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** Runs `fn` on the database with the platform's own connection (closed again before the CLI runs). */
async function withDb<T>(fn: (p: Awaited<ReturnType<typeof openPlatform>>) => Promise<T>, seed = false): Promise<T> {
  const p = await openPlatform({ config: loadConfig(env()), logger: false, seed });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

before(async () => {
  database = await createTestDatabase();
  await database.db.close(); // the platform and the CLI open their own connections
});
after(() => database.dispose());

test("audit verify exits 1 after a row was altered and after a row in the middle was deleted", { timeout: 120_000 }, async () => {
  // The demo seed writes the first entries of the chain (accounts, municipalities).
  const seqs = await withDb(async (p) => (await p.db.kysely.selectFrom("audit_log").select("seq").orderBy("seq").execute()).map((r) => r.seq), true);
  assert.ok(seqs.length >= 5, `audit entries after the seed: ${seqs.length}`);
  const middle = seqs[Math.floor(seqs.length / 2)]!;

  const intact = await verify();
  assert.equal(intact.code, 0, intact.stdout);
  assert.match(intact.stdout, new RegExp(`audit log: ${seqs.length} entries, chain intact`));

  // An altered row: the action of one entry is changed in place.
  await withDb((p) => sql`update audit_log set action = 'tampered.action' where seq = ${middle}`.execute(p.db.kysely));
  const altered = await verify();
  assert.equal(altered.code, 1, altered.stdout);
  assert.match(altered.stdout, /chain BROKEN/);
  assert.match(altered.stdout, new RegExp(`seq ${middle}: .*changed`));

  // A deleted row in the middle (the altered one: nothing else is wrong then): its successor no longer links to its predecessor.
  await withDb((p) => sql`delete from audit_log where seq = ${middle}`.execute(p.db.kysely));
  const deleted = await verify();
  assert.equal(deleted.code, 1, deleted.stdout);
  assert.match(deleted.stdout, /chain BROKEN/);
  const next = seqs[seqs.indexOf(middle) + 1]!;
  const prev = seqs[seqs.indexOf(middle) - 1]!;
  assert.match(deleted.stdout, new RegExp(`seq ${next}: prev_hash does not match the hash of seq ${prev}`));
});
