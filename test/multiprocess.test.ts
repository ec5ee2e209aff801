/**
 * Two server processes against one database behave as one system (docs: "Several processes",
 * "Scale path"): the render cache of one process follows changes made through the other,
 * every job runs exactly once although both processes claim jobs, and SIGTERM finishes the
 * request in flight and leaves queued work to the other process.
 *
 * Real processes (`rathaus serve`), real HTTP, a real SMTP server. Runs on PostgreSQL under
 * `npm run test:pg` (the main target) and on one shared SQLite file in WAL mode otherwise.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agent, request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createTestDatabase, testDialect, type TestDatabase } from "../src/test-support/db.js";
import { csrfFrom, DEMO_ACCOUNTS, form } from "../src/test-support/app.js";
import { appEnv, CliProcess, freePort, refusesConnections, runCli, sleep, waitReady } from "./support/processes.js";
import { startRecordingSmtp, type ReceivedMail, type RecordingSmtp } from "./support/smtp.js";
import { formFields } from "./support/html.js";

const TENANT = "usingen";
const SETTINGS_PATH = `/${TENANT}/verwaltung/einstellungen`;
const REPORT_PATH = `/${TENANT}/barrierefreiheit/melden`;
const REPORTS = 20;
const REF_RE = /[A-Z]{3}-B\d{4}-\d{5}/;
const ADMIN = DEMO_ACCOUNTS.find((a) => a.tenants.includes(TENANT))!;

interface Server {
  name: "A" | "B";
  port: number;
  base: string;
  proc: CliProcess;
}

describe("Two server processes against one database behave as one system", { timeout: 120_000 }, () => {
  let database: TestDatabase | undefined;
  let smtp: RecordingSmtp | undefined;
  const servers: Server[] = [];
  let A: Server;
  let B: Server;
  /** reference number → reporter address of every accepted report */
  const reports = new Map<string, string>();
  let townAddress: string | undefined;
  const started = performance.now();
  const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

  const failureOutput = () => servers.map((s) => s.proc.output()).join("\n");

  before(async () => {
    let t0 = performance.now();
    database = await createTestDatabase();
    const env = (extra: Record<string, string>) => appEnv({ DATA_DIR: database!.dataDir, DATABASE_URL: database!.databaseUrl, ...extra });
    await runCli("seed", ["seed", "--demo"], env({ LOG_LEVEL: "warn" }));
    const seedMs = ms(t0);

    smtp = await startRecordingSmtp(() => servers.map((s) => s.proc.pid));
    t0 = performance.now();
    for (const name of ["A", "B"] as const) {
      const port = await freePort();
      const proc = new CliProcess(
        name,
        ["serve"],
        env({
          PORT: String(port),
          HOST: "127.0.0.1",
          DEMO: "true",
          LOG_LEVEL: "warn",
          RATE_LIMIT_PER_MINUTE: "100000",
          SMTP_URL: smtp.url,
          RUN_JOBS: "true",
        }),
      );
      servers.push({ name, port, base: `http://127.0.0.1:${port}`, proc });
    }
    [A, B] = servers as [Server, Server];
    await Promise.all(servers.map((s) => waitReady(s.proc, s.port, 30_000)));
    console.log(`# ${testDialect}: seeded in ${seedMs}, both servers ready in ${ms(t0)}`);
  });

  after(async () => {
    for (const s of servers) await s.proc.kill();
    await smtp?.close();
    await database?.dispose();
    console.log(`# multiprocess test on ${testDialect} took ${ms(started)}`);
  });

  it("a change saved on A is served by B at once (render cache keyed by the database's content version)", async () => {
    const t0 = performance.now();
    // B and A render and cache the home page; a conditional GET with its ETag is a 304.
    const homeB1 = await get(B, `/${TENANT}/`);
    assert.equal(homeB1.status, 200);
    const etagB1 = homeB1.headers.get("etag");
    assert.ok(etagB1, "the cached home page has an ETag");
    assert.equal((await get(B, `/${TENANT}/`, { "if-none-match": etagB1 })).status, 304, "B answers its own ETag with 304");
    const homeA1 = await get(A, `/${TENANT}/`);
    const etagA1 = homeA1.headers.get("etag");
    assert.ok(etagA1);

    // A staff member logs in on A through the real login form.
    const cookie = await login(A, ADMIN.email, ADMIN.password);
    const settings = await get(A, SETTINGS_PATH, { cookie });
    assert.equal(settings.status, 200, "the Usingen administration may open the settings");
    const fields = formFields(settings.body, SETTINGS_PATH);
    assert.equal(fields._csrf, csrfFrom(settings.body));
    assert.ok(fields.welcome && fields.impressum && fields.accessibilityEmail, "the settings form's fields were read");
    townAddress = fields.accessibilityEmail!.toLowerCase();
    const welcome = `Willkommen zum Mehrprozesstest ${randomBytes(8).toString("hex")}`;
    assert.ok(!homeB1.body.includes(welcome));

    // Sessions live in the database: B knows A's session too.
    assert.equal((await get(B, SETTINGS_PATH, { cookie })).status, 200, "B accepts the session started on A");

    const saved = await post(A, SETTINGS_PATH, { ...fields, welcome }, { cookie });
    assert.equal(saved.status, 303, `saving the settings redirects (got ${saved.status}: ${saved.body.slice(0, 300)})`);
    assert.equal(saved.headers.get("location"), `${SETTINGS_PATH}?gespeichert=1`);
    // The form was submitted as read, but for the welcome text: nothing else changed.
    const audit = await database!.db.kysely.selectFrom("audit_log").select("fields").where("action", "=", "tenant.settings.update").execute();
    assert.deepEqual(audit.map((a) => JSON.parse(a.fields) as unknown), [["welcome"]], "only the welcome text changed");

    // Immediately: B serves the new text under a new ETag.
    const homeB2 = await get(B, `/${TENANT}/`);
    assert.equal(homeB2.status, 200);
    assert.ok(homeB2.body.includes(welcome), "B shows the welcome text saved on A");
    const etagB2 = homeB2.headers.get("etag");
    assert.ok(etagB2);
    assert.notEqual(etagB2, etagB1, "the new page has a new ETag");
    // The old ETag no longer matches: 200 with the new page, not 304.
    const conditional = await get(B, `/${TENANT}/`, { "if-none-match": etagB1 });
    assert.equal(conditional.status, 200, "a conditional GET with the old ETag is answered with the new page");
    assert.ok(conditional.body.includes(welcome));
    assert.equal(conditional.headers.get("etag"), etagB2);
    assert.equal((await get(B, `/${TENANT}/`, { "if-none-match": etagB2 })).status, 304, "the new ETag gives 304");
    // A's cache entry is stale as well, even for a conditional request that reaches it first.
    const conditionalA = await get(A, `/${TENANT}/`, { "if-none-match": etagA1 });
    assert.equal(conditionalA.status, 200);
    assert.ok(conditionalA.body.includes(welcome), "A shows the new welcome text too");
    console.log(`# cache coherence checked in ${ms(t0)}`);
  });

  it("every job runs exactly once while both processes claim jobs", async () => {
    const t0 = performance.now();
    assert.ok(townAddress, "runs after the settings test (reads the town's address)");
    // Each process serves the cached form page with a stateless token (signed with the
    // installation's key from the database, so a token from either process is valid on both).
    const tokens = new Map<Server, string>();
    for (const s of servers) {
      const page = await get(s, REPORT_PATH);
      assert.equal(page.status, 200);
      tokens.set(s, csrfFrom(page.body));
    }
    const submissions = Array.from({ length: REPORTS }, (_, i) => {
      const s = i % 2 === 0 ? A : B;
      const email = `melder${String(i).padStart(2, "0")}.${randomBytes(3).toString("hex")}@example.org`;
      return post(s, REPORT_PATH, {
        _csrf: tokens.get(s)!,
        pageUrl: `/${TENANT}/kontakt`,
        description: `Testmeldung ${i}: Der Kontrast der Schaltflächen ist zu gering.`,
        name: `Melder ${i}`,
        email,
      }).then((res) => ({ res, email, server: s.name }));
    });
    for (const { res, email, server } of await Promise.all(submissions)) {
      assert.equal(res.status, 200, `report to ${server} accepted (got ${res.status}: ${res.body.slice(0, 300)})`);
      const ref = REF_RE.exec(res.body)?.[0];
      assert.ok(ref, "the thank-you page names the reference number");
      assert.ok(!reports.has(ref), `reference ${ref} is given once`);
      reports.set(ref, email.toLowerCase());
    }
    assert.equal(reports.size, REPORTS);
    const submittedMs = ms(t0);

    const expected = expectedMails(reports, townAddress);
    assert.equal(expected.size, 2 * REPORTS);
    await waitForMails(smtp!, expected.size, 30_000, failureOutput);
    await sleep(2000); // a duplicate would arrive now
    assertExactlyOnce(smtp!.received, expected);

    // In the database: every mail job done at its first attempt (none was claimed twice), every outbox row sent.
    const kysely = database!.db.kysely;
    const jobs = await kysely.selectFrom("jobs").select(["status", "attempts"]).where("type", "=", "mail.send").execute();
    assert.equal(jobs.length, 2 * REPORTS);
    assert.deepEqual(jobs.filter((j) => j.status !== "done" || Number(j.attempts) !== 1), [], "each mail job ran once and succeeded");
    const outbox = await kysely.selectFrom("mail_outbox").select("status").execute();
    assert.equal(outbox.length, 2 * REPORTS);
    assert.ok(outbox.every((m) => m.status === "sent"));

    // Both processes run a job worker (RUN_JOBS=true) and compete for the same jobs; which
    // one wins a claim is up to timing, so the distribution is reported, not asserted.
    console.log(`# ${REPORTS} reports submitted in ${submittedMs}, ${smtp!.received.length} mails delivered exactly once in ${ms(t0)}; ${distribution(smtp!.received, servers)}`);
    for (const s of servers) assert.ok(s.proc.alive, `${s.name} still runs\n${failureOutput()}`);
  });

  it("SIGTERM finishes the request in flight, exits 0, and the other process delivers its mails", async () => {
    const t0 = performance.now();
    assert.ok(townAddress && reports.size === REPORTS, "runs after the jobs test");
    const before = smtp!.received.length;
    const token = csrfFrom((await get(A, REPORT_PATH)).body);
    const email = `inflight.${randomBytes(3).toString("hex")}@example.org`;
    const body = form({ _csrf: token, pageUrl: `/${TENANT}/`, description: "Meldung während des Herunterfahrens.", name: "Letzte Meldung", email });

    // A request over a keep-alive connection (as from a proxy) is being handled by A — A has
    // asked for its body — when A gets SIGTERM.
    const agent = new Agent({ keepAlive: true });
    const inflight = startHeldPost(agent, A.port, REPORT_PATH, body);
    await inflight.accepted;
    assert.ok(A.proc.alive);
    A.proc.child.kill("SIGTERM");
    // Once A stops listening it is shutting down; the request is still open.
    const deadline = Date.now() + 5000;
    while (!(await refusesConnections(A.port)) && Date.now() < deadline) await sleep(25);
    assert.ok(await refusesConnections(A.port), "A stops accepting connections after SIGTERM");
    assert.ok(A.proc.alive, "A waits for the request in flight");
    inflight.finish();
    const res = await inflight.response;
    // The client keeps its idle keep-alive connection open (like a proxy's upstream pool):
    // A must answer with "connection: close" while draining, or its shutdown would hang.
    assert.equal(res.connection, "close", "a draining server closes the connection");
    assert.equal(res.status, 200, `the request in flight completes (got ${res.status}: ${res.body.slice(0, 300)})`);
    const ref = REF_RE.exec(res.body)?.[0];
    assert.ok(ref && !reports.has(ref));

    const exitA = await A.proc.waitForExit(10_000);
    assert.deepEqual(exitA, { code: 0, signal: null }, `A exits with 0 within 10 s\n${A.proc.output()}`);
    const stopMsA = ms(t0);

    // A's worker stopped before it finished; the report's two mails are queued in the database and B sends them.
    reports.set(ref, email.toLowerCase());
    const expected = expectedMails(reports, townAddress);
    await waitForMails(smtp!, expected.size, 30_000, failureOutput);
    await sleep(1000);
    assertExactlyOnce(smtp!.received, expected);
    for (const m of smtp!.received.slice(before)) {
      if (m.senderPid !== undefined) assert.equal(m.senderPid, B.proc.pid, "mails queued after A stopped are sent by B");
    }

    const t1 = performance.now();
    B.proc.child.kill("SIGTERM");
    const exitB = await B.proc.waitForExit(10_000);
    assert.deepEqual(exitB, { code: 0, signal: null }, `B exits with 0 within 10 s\n${B.proc.output()}`);
    console.log(`# A stopped ${stopMsA} after the in-flight request began; B stopped in ${ms(t1)}`);

    // Nothing went wrong on the way (pino level ≥ 50).
    for (const s of servers) assert.deepEqual(s.proc.errorLogs(), [], `${s.name} logged no errors`);
  });

  it("the audit log both processes appended to is one intact hash chain", async () => {
    const verify = await runCli("audit verify", ["audit", "verify"], appEnv({ DATA_DIR: database!.dataDir, DATABASE_URL: database!.databaseUrl, LOG_LEVEL: "warn" }));
    assert.match(verify.stdout, /chain intact/);
    console.log(`# ${verify.stdout.trim()}`);
  });
});

// --- HTTP ------------------------------------------------------------------------------------

interface Res {
  status: number;
  headers: Headers;
  body: string;
}

async function get(s: Server, path: string, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(`${s.base}${path}`, { headers, redirect: "manual", signal: AbortSignal.timeout(15_000) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function post(s: Server, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(`${s.base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form(fields),
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Logs in through the real login form; returns the session cookie. */
async function login(s: Server, email: string, password: string): Promise<string> {
  const page = await get(s, "/verwaltung/anmelden");
  assert.equal(page.status, 200);
  assert.equal(page.headers.getSetCookie().length, 0, "the login page sets no cookie");
  const res = await post(s, "/verwaltung/anmelden", { _csrf: csrfFrom(page.body), email, password });
  assert.equal(res.status, 303, `login succeeds (got ${res.status})`);
  const sid = res.headers.getSetCookie().find((c) => c.startsWith("rathaus_sid="));
  assert.ok(sid, "login sets the session cookie");
  return sid.split(";")[0]!;
}

/**
 * A POST sent with "Expect: 100-continue": `accepted` resolves when the server has answered
 * "100 Continue", i.e. it has parsed the headers and the request is being handled; the body
 * follows on finish().
 */
function startHeldPost(agent: Agent, port: number, path: string, body: string) {
  const bytes = Buffer.from(body);
  const req = httpRequest({
    host: "127.0.0.1",
    port,
    method: "POST",
    path,
    agent,
    headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(bytes.length), expect: "100-continue" },
  });
  const response = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
      res.once("error", reject);
    });
  });
  response.catch(() => undefined); // awaited by the caller; no unhandled rejection meanwhile
  const accepted = new Promise<void>((resolve, reject) => {
    req.once("error", reject);
    req.once("continue", () => resolve());
    req.once("response", () => reject(new Error("the server answered before it asked for the body")));
  });
  accepted.catch(() => undefined);
  req.flushHeaders();
  return { accepted, response, finish: () => req.end(bytes) };
}

// --- Mail ------------------------------------------------------------------------------------

/** "recipient|subject" of every mail the reports must cause: one to the town, one confirmation to the reporter. */
function expectedMails(reports: Map<string, string>, town: string): Set<string> {
  const set = new Set<string>();
  for (const [ref, reporter] of reports) {
    set.add(`${town}|Neue Meldung zur Barrierefreiheit ${ref}`);
    set.add(`${reporter}|Ihre Meldung zur Barrierefreiheit ${ref}`);
  }
  return set;
}

async function waitForMails(smtp: RecordingSmtp, count: number, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (smtp.received.length < count && Date.now() < deadline) await sleep(100);
  assert.ok(smtp.received.length >= count, `expected ${count} mails within ${timeoutMs} ms, got ${smtp.received.length}\n${output()}`);
}

function assertExactlyOnce(received: ReceivedMail[], expected: Set<string>): void {
  const counts = new Map<string, number>();
  for (const m of received) {
    assert.equal(m.to.length, 1, "one recipient per mail");
    const key = `${m.to[0]}|${m.subject}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const duplicates = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(duplicates, [], "no mail was sent twice");
  assert.deepEqual([...counts.keys()].sort(), [...expected].sort(), "exactly the expected mails were sent");
  assert.equal(received.length, expected.size);
}

function distribution(received: ReceivedMail[], servers: Server[]): string {
  const by = new Map<string, number>();
  for (const m of received) {
    const k = servers.find((s) => s.proc.pid === m.senderPid)?.name ?? "unattributed";
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return `deliveries by process: ${[...by].map(([k, n]) => `${k}: ${n}`).join(", ")}`;
}
