/**
 * An acknowledged application survives a killed process: a server takes complete applications
 * (5 steps and the submit, as in the benchmark) from 16 concurrent applicants, is killed with
 * SIGKILL in the middle of it, and started again on the same database. Every application whose
 * submit was answered with the confirmation redirect is there, with its reference number.
 * Real processes, real HTTP, the real OIDC login; SQLite in WAL mode (PostgreSQL under test:pg).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, testDialect, type TestDatabase } from "../src/test-support/db.js";
import { prepareApplications, runApplications } from "../src/test-support/application-load.js";
import { appEnv, CliProcess, freePort, runCli, sleep, waitReady } from "./support/processes.js";

let database: TestDatabase;
let port: number;
let env: NodeJS.ProcessEnv;
const procs: CliProcess[] = [];

before(async () => {
  database = await createTestDatabase();
  port = await freePort();
  env = appEnv({ DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, PORT: String(port), HOST: "127.0.0.1", BASE_URL: `http://127.0.0.1:${port}`, DEMO: "true", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "1000000", RUN_JOBS: "true" });
  await runCli("seed", ["seed", "--demo"], env);
});
after(async () => {
  for (const p of procs) await p.kill();
  await database.dispose();
});

test(`every acknowledged application survives SIGKILL (${testDialect})`, { timeout: 120_000 }, async () => {
  const first = new CliProcess("server", ["serve"], env);
  procs.push(first);
  await waitReady(first, port);
  const base = `http://127.0.0.1:${port}`;
  const prepared = await prepareApplications(base);
  const acknowledged: string[] = [];
  const load = runApplications(base, prepared, 20, 16, { acknowledged, stopOnError: true });
  // Kill once a fair number of applications went through, in the middle of the traffic.
  for (let i = 0; i < 200 && acknowledged.length < 40; i++) await sleep(50);
  first.child.kill("SIGKILL");
  const run = await load;
  assert.ok(acknowledged.length >= 40, `applications acknowledged before the kill: ${acknowledged.length}`);
  assert.ok(run.failures > 0, "applications in flight failed when the process died");

  const second = new CliProcess("server (restarted)", ["serve"], env);
  procs.push(second);
  await waitReady(second, port);
  const references = new Set<string>();
  for (const url of acknowledged) {
    const res = await fetch(`${base}${url.replace(/\?neu=1$/, "")}`, { headers: { cookie: prepared.cookie }, redirect: "manual" });
    const html = await res.text();
    assert.equal(res.status, 200, `${url} after the restart`);
    const ref = /USI-\d{4}-\d{6}/.exec(html)?.[0];
    assert.ok(ref, `${url}: reference number shown`);
    references.add(ref!);
  }
  assert.equal(references.size, acknowledged.length, "each acknowledged application has its own reference number");
  console.log(`# ${testDialect}: ${acknowledged.length} acknowledged before SIGKILL, all present after the restart; ${run.failures} in flight failed`);
});
