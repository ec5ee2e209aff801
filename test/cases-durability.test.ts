/**
 * A killed process leaves the back office consistent and loses nothing it acknowledged: a server
 * takes complete applications (as in the benchmark) and, at the same time, caseworkers' state
 * transitions over HTTP; it is killed with SIGKILL in the middle of both and started again on the
 * same database. Cases are made from submissions by a job: after the restart the server runs the
 * pending ones; jobs the killed process had claimed are leased to it for LEASE_MS, so they are run
 * here with a clock past the lease. Then the database must show
 * - no half-written case: each has its submission, exactly one "created" event, the status its
 *   submission shows, a history whose last status is the case's status, and a version that counts
 *   its changes;
 * - nothing acknowledged lost: every application answered with the confirmation redirect has its
 *   case; every transition answered 303 is in its case's history;
 * - an intact audit chain.
 * Real processes, real HTTP, the real OIDC login; SQLite in WAL mode (PostgreSQL under test:pg).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { createTestDatabase, testDialect, type TestDatabase } from "../src/test-support/db.js";
import { prepareApplications, runApplications } from "../src/test-support/application-load.js";
import { loadConfig } from "../src/config.js";
import { openPlatform } from "../src/server.js";
import { ManualClock } from "../src/platform/clock.js";
import { LEASE_MS } from "../src/platform/jobs/queue.js";
import { DEMO_CASEWORKERS } from "../src/modules/cases/seeds.js";
import { appEnv, CliProcess, freePort, runCli, sleep, waitReady } from "./support/processes.js";

let database: TestDatabase;
let port: number;
let base: string;
let env: NodeJS.ProcessEnv;
const procs: CliProcess[] = [];

before(async () => {
  database = await createTestDatabase();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = appEnv({ DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl, PORT: String(port), HOST: "127.0.0.1", BASE_URL: base, DEMO: "true", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "1000000", RUN_JOBS: "true" });
  await runCli("seed", ["seed", "--demo"], env);
});
after(async () => {
  for (const p of procs) await p.kill();
  await database.dispose();
});

function post(agent: Agent, path: string, cookie: string, fields: Record<string, string>): Promise<{ status: number; location: string }> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: "POST", agent, headers: { cookie, origin: base, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? "") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function staffLogin(email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${base}/verwaltung/anmelden`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${base}/verwaltung/anmelden`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: base }, body: new URLSearchParams({ _csrf: token, email, password }).toString() });
  const cookie = res.headers.getSetCookie().filter((c) => c.startsWith("rathaus_sid=")).at(-1)!.split(";")[0]!;
  assert.equal(res.status, 303, "staff login");
  const overview = await fetch(`${base}/verwaltung/`, { headers: { cookie } });
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(await overview.text())![1]! };
}

const draftOf = (confirmation: string) => /\/antrag\/([^/]+)\/eingang/.exec(confirmation)![1]!;

/** Polls until `done()` or the time is up; returns whether it got done. */
async function until(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await done()) return true;
    await sleep(200);
  }
  return done();
}

const t0 = Date.now();
const phase = (name: string) => console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);

test(`no half-written case and no lost acknowledgement after SIGKILL during submissions and transitions (${testDialect})`, { timeout: 120_000 }, async () => {
  const db = database.db.kysely;
  const first = new CliProcess("server", ["serve"], env);
  procs.push(first);
  await waitReady(first, port);
  const prepared = await prepareApplications(base);
  phase("first server ready, citizen logged in");

  // Cases to work on: applications of a first round, made into cases by the server's job.
  const earlier: string[] = [];
  await runApplications(base, prepared, 2, 8, { acknowledged: earlier, stopOnError: true });
  assert.ok(earlier.length >= 8, `applications before the transitions: ${earlier.length}`);
  const drafts = earlier.map(draftOf);
  const made = await until(async () => (await db.selectFrom("cases").innerJoin("submissions", "submissions.id", "cases.submission_id").select("cases.id").where("submissions.draft_id", "in", drafts).execute()).length === drafts.length, 30_000);
  assert.ok(made, "the job made a case of every application of the first round");
  phase("cases of the first round made");
  const work = await db.selectFrom("cases").innerJoin("submissions", "submissions.id", "cases.submission_id").select(["cases.id", "cases.version"]).where("submissions.draft_id", "in", drafts).execute();

  // Then both at once: new applications, and caseworkers moving the cases along.
  const clerk = DEMO_CASEWORKERS.find((w) => w.email === "buergerbuero@usingen.example")!;
  const staff = await staffLogin(clerk.email, clerk.password);
  const acknowledged: string[] = [];
  const transitions: { caseId: string; to: string; version: number }[] = [];
  let transitionErrors = 0;
  let stop = false;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  // Each case is moved by one caseworker (so its version is known): eingegangen → in-bearbeitung, then
  // Rückfrage and back, round after round, until the process dies.
  const statusAfter = (n: number) => (n === 0 ? "eingegangen" : n % 2 === 1 ? "in-bearbeitung" : "rueckfrage");
  const CASEWORKERS = 4;
  const caseworkers = Promise.all(
    Array.from({ length: CASEWORKERS }, async (_, w) => {
      const mine = work.filter((_, i) => i % CASEWORKERS === w).map((c) => ({ ...c, done: 0 }));
      while (!stop) {
        for (const c of mine) {
          const to = statusAfter(c.done + 1);
          const res = await post(agent, `/usingen/verwaltung/vorgaenge/${c.id}/status`, staff.cookie, { _csrf: staff.csrf, to, version: String(c.version), text: to === "rueckfrage" ? "Bitte reichen Sie ein Lichtbild nach." : "" }).catch(() => ({ status: 0, location: "" }));
          if (res.status !== 303) {
            transitionErrors++;
            return; // the process is gone (or refused): this caseworker stops
          }
          transitions.push({ caseId: c.id, to, version: c.version });
          c.version++;
          c.done++;
        }
      }
    }),
  );
  const applicants = runApplications(base, prepared, 20, 4, { acknowledged, stopOnError: true });
  for (let i = 0; i < 400 && (acknowledged.length < 8 || transitions.length < 30); i++) await sleep(25);
  first.child.kill("SIGKILL");
  phase("killed");
  const run = await applicants;
  await caseworkers;
  stop = true;
  agent.destroy();
  assert.ok(acknowledged.length >= 8 && transitions.length >= 30, `acknowledged before the kill: ${acknowledged.length} applications, ${transitions.length} transitions`);
  assert.ok(run.failures > 0 && transitionErrors > 0, "applications and transitions were under way when the process died");

  // Restart: the server runs the submissions' jobs that were still waiting.
  const second = new CliProcess("server (restarted)", ["serve"], env);
  procs.push(second);
  await waitReady(second, port);
  phase("restarted");
  const pendingSubmitted = async () => Number((await db.selectFrom("jobs").select((eb) => eb.fn.countAll<number>().as("n")).where("type", "=", "applications.submitted").where("status", "=", "pending").executeTakeFirstOrThrow()).n);
  assert.ok(await until(async () => (await pendingSubmitted()) === 0, 30_000), "the restarted server ran the waiting jobs");
  second.child.kill("SIGTERM");
  assert.ok(await second.waitForExit(15_000), "the second server stops");

  // Jobs the killed process had claimed are leased to it for LEASE_MS: run them with a clock past the lease.
  let leased = 0;
  const later = new ManualClock(new Date(Date.now() + LEASE_MS + 60_000).toISOString());
  const p = await openPlatform({ config: loadConfig(env), clock: later, logger: false, seed: false });
  try {
    for (let n = await p.ctx.jobs.runDue(100); n > 0; n = await p.ctx.jobs.runDue(100)) leased += n;
    const audit = await p.ctx.audit.verify();
    assert.deepEqual(audit.problems, [], "the audit chain is intact");
  } finally {
    await p.close();
  }

  // Nothing acknowledged is lost.
  phase("jobs done");
  const all = [...earlier, ...acknowledged].map(draftOf);
  const acked = await db.selectFrom("submissions").leftJoin("cases", "cases.submission_id", "submissions.id").select(["submissions.draft_id", "cases.id as case_id"]).where("submissions.draft_id", "in", all).execute();
  assert.equal(acked.length, all.length, "every acknowledged application is stored");
  assert.deepEqual(acked.filter((r) => !r.case_id).map((r) => r.draft_id), [], "every acknowledged application has its case");
  const history = await db.selectFrom("case_events").select(["case_id", "to_status"]).where("kind", "=", "status").where("case_id", "in", work.map((c) => c.id)).execute();
  for (const tr of transitions) {
    const n = transitions.filter((x) => x.caseId === tr.caseId && x.to === tr.to).length;
    assert.ok(history.filter((h) => h.case_id === tr.caseId && h.to_status === tr.to).length >= n, `transition of ${tr.caseId} to ${tr.to} (version ${tr.version}) is in the history`);
  }

  // No half-written case, anywhere in the database.
  const cases = await db.selectFrom("cases").leftJoin("submissions", "submissions.id", "cases.submission_id").select(["cases.id", "cases.status", "cases.version", "submissions.id as submission_id", "submissions.status as submission_status"]).execute();
  const events = await db.selectFrom("case_events").select(["case_id", "kind", "to_status"]).execute();
  for (const c of cases) {
    const mine = events.filter((e) => e.case_id === c.id);
    assert.ok(c.submission_id, `case ${c.id} has its submission`);
    assert.equal(c.submission_status, c.status, `case ${c.id}: the submission shows the case's status`);
    assert.equal(mine.filter((e) => e.kind === "created").length, 1, `case ${c.id} has exactly one created event`);
    const statusEvents = mine.filter((e) => e.kind === "status");
    assert.equal(statusAfter(statusEvents.length), c.status, `case ${c.id}: the history leads to the case's status`);
    assert.equal(c.version, 1 + statusEvents.length, `case ${c.id}: the version counts its transitions`);
  }
  const orphans = await db.selectFrom("submissions").leftJoin("cases", "cases.submission_id", "submissions.id").select("submissions.id").where("cases.id", "is", null).execute();
  assert.deepEqual(orphans, [], "no submission without its case once the jobs ran");
  console.log(`# ${testDialect}: killed after ${acknowledged.length + earlier.length} acknowledged applications and ${transitions.length} transitions; ${cases.length} cases consistent, none lost; ${leased} jobs of the killed process run after their lease`);
});
