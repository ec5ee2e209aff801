/**
 * Back-office benchmark (issue 5): with 100,000 cases, inbox pages are served in < 100 ms and
 * caseworkers take >= 500 state transitions per second — on SQLite and on PostgreSQL.
 *
 * Per database:
 * 1. A fresh temp DATA_DIR (and, on PostgreSQL, a fresh database in a throwaway cluster started
 *    with scripts/pg.mjs) is migrated and seeded with the demo municipalities.
 * 2. 100,000 cases are written directly into the database in transactions of 5,000, each with its
 *    submission and history (created, and a status event when it moved on): 65 % Usingen, 35 %
 *    Neu-Anspach; services weighted so five departments per municipality carry the load
 *    (35/25/15/15/10 %); created_at spread evenly over two years; status by age (younger cases
 *    are more often open; ~50 % open overall); deadlines as the default workflow sets them;
 *    40 % of the cases in processing or closed are assigned. A closed case was closed within its
 *    service's retention (the steady state: the retention job would have deleted it otherwise,
 *    and would do so in the middle of the transition measurement). PostgreSQL gets ANALYZE afterwards
 *    (what autovacuum does after a bulk load); SQLite is used as the app leaves it.
 * 3. Inbox pages, measured inside the server: the real app (openPlatform, same wiring as
 *    `rathaus serve`) runs in this process and each page is requested with app.inject(); the time
 *    is from inject() to the complete response — routing, session, guard, store query, JSX
 *    render — without sockets or the client. 3 warm-up requests, then `requests` timed ones;
 *    median and p95. The store query alone is timed as well, to tell query from render.
 *    Page 501 is the page the 500th "next" link leads to: its cursor is the row at offset
 *    500 × 50 − 1 of the same ordered, filtered query; the page's first row is checked against it.
 * 4. Transitions over HTTP: a real server process (`rathaus serve`, jobs on, so the mail job each
 *    transition queues runs too) on the same database; the Usingen administration, logged in
 *    through the login form, moves each open case one step on by POSTing the status form with the
 *    case's version (eingegangen and Rückfrage → In Bearbeitung; In Bearbeitung → Rückfrage, with
 *    the question: a message and a mail) from `concurrency` clients on keep-alive connections;
 *    2 s warm-up, then `seconds` measured. A transition counts when answered 303; afterwards every
 *    counted transition must be in its case's history. Reported with the server's CPU time per
 *    transition (the rate depends on what else the machine runs) and, on PostgreSQL, what the
 *    server's connections waited for (pg_stat_activity sampled every 20 ms).
 *
 * From bench/run.ts:  `const r = await benchCases({ server: "dist" }); console.log(formatCasesResult(r));`
 * Standalone:         `node --import tsx bench/cases.ts [sqlite|postgres ...]`
 * Env (standalone): BENCH_CASES (100000), BENCH_CASES_REQUESTS (20), BENCH_CASES_SECONDS (10),
 * BENCH_CASES_CONCURRENCY (16), BENCH_CASES_EXPLAIN=1 (print every query plan).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { CompiledQuery, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from "kysely";
import { loadConfig } from "../src/config.js";
import { openPlatform, type Platform } from "../src/server.js";
import type { Db, DialectName } from "../src/platform/db/index.js";
import type { Database } from "../src/platform/db/schema.js";
import { newId } from "../src/platform/ids.js";
import { TENANT_ADMIN_ROLE } from "../src/platform/auth/permissions.js";
import { DEMO_ACCOUNTS, loginStaff } from "../src/test-support/app.js";
import { serviceCatalogue } from "../src/modules/services/index.js";
import { referencePrefix } from "../src/modules/applications/service.js";
import type { SubmissionRow } from "../src/modules/applications/store.js";
import { DEFAULT_WORKFLOW, PROCESSING_ROLE } from "../src/modules/cases/index.js";
import { CaseStore, type CaseEventRow, type CaseRow, type InboxFilter } from "../src/modules/cases/store.js";
import { dueAt } from "../src/modules/cases/workflow.js";

export interface CasesBenchOptions {
  /** default both */
  dialects?: DialectName[];
  /** default 100,000 */
  cases?: number;
  /** timed requests per inbox page (default 20) */
  requests?: number;
  /** seconds of measured transitions (default 10; plus 2 s warm-up) */
  seconds?: number;
  /** concurrent HTTP clients posting transitions (default 16) */
  concurrency?: number;
  /** the server process for transitions: "dist" (node dist/cli.js, after npm run build) or "tsx" (src, default) */
  server?: "dist" | "tsx";
  /** a running PostgreSQL's admin URL; otherwise one is started with scripts/pg.mjs */
  pgAdminUrl?: string;
  /** print the query plan of every measured inbox query (always printed for a missed target) */
  explain?: boolean;
  log?: (line: string) => void;
}

export interface PageTiming {
  name: string;
  viewer: string;
  url: string;
  rows: number;
  p50Ms: number;
  p95Ms: number;
  /** the store query alone (CaseStore.inbox), median */
  queryP50Ms: number;
  plan: string;
}

export interface TransitionRun {
  perSec: number;
  completed: number;
  failures: number;
  firstFailure?: string;
  p50Ms: number;
  p99Ms: number;
  serverCpuPercent: number;
  /** server CPU time per counted transition (HTTP, transaction, audit, the mail job it queues): less sensitive to a busy machine than the rate */
  serverCpuMsPerTransition: number;
  concurrency: number;
  /** counted transitions whose status event is in the history afterwards */
  inHistory: number;
}

export interface CasesDialectResult {
  dialect: DialectName;
  cases: number;
  insertMs: number;
  pages: PageTiming[];
  transitions: TransitionRun;
}

export interface CasesBenchResult {
  results: CasesDialectResult[];
  targets: { name: string; target: string; measured: number; unit: string; met: boolean }[];
}

const PAGE_SIZE = 50; // routes-staff.tsx
const DEEP_PAGE = 501;
const BATCH = 5000;
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function benchCases(opts: CasesBenchOptions = {}): Promise<CasesBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const dialects = opts.dialects ?? ["sqlite", "postgres"];
  const results: CasesDialectResult[] = [];
  let pgServer: { adminUrl: string; stop(): Promise<void> } | undefined;
  try {
    for (const dialect of dialects) {
      let adminUrl: string | undefined;
      if (dialect === "postgres") {
        if (opts.pgAdminUrl) adminUrl = opts.pgAdminUrl;
        else {
          // scripts/pg.mjs is plain JavaScript without types; its API is documented at its top.
          const { startPostgres } = (await import(pathToFileURL(join(repo, "scripts", "pg.mjs")).href)) as { startPostgres(o: { log(...a: unknown[]): void }): Promise<{ adminUrl: string; stop(): Promise<void> }> };
          pgServer = await startPostgres({ log: (...a) => log(a.join(" ")) });
          adminUrl = pgServer.adminUrl;
        }
      }
      results.push(await benchOne(dialect, adminUrl, opts, log));
    }
  } finally {
    await pgServer?.stop();
  }
  const targets = results.flatMap((r) => [
    ...r.pages.map((p) => ({ name: `inbox ${p.name} (${p.viewer}) on ${r.dialect}, p95 inside the server`, target: "< 100", measured: p.p95Ms, unit: "ms", met: p.p95Ms < 100 })),
    { name: `state transitions over HTTP on ${r.dialect} (${r.transitions.concurrency} clients)`, target: ">= 500", measured: r.transitions.perSec, unit: "transitions/s", met: r.transitions.perSec >= 500 && r.transitions.failures === 0 && r.transitions.inHistory === r.transitions.completed },
  ]);
  return { results, targets };
}

/** A human-readable report of a result (what run.ts prints). */
export function formatCasesResult(r: CasesBenchResult): string {
  const lines: string[] = [];
  for (const d of r.results) {
    lines.push(`\ncases on ${d.dialect}: ${d.cases} cases inserted in ${Math.round(d.insertMs)} ms`);
    for (const p of d.pages) lines.push(`  ${`${p.name} (${p.viewer})`.padEnd(52)} p50 ${String(p.p50Ms).padStart(6)} ms  p95 ${String(p.p95Ms).padStart(6)} ms  (store query p50 ${p.queryP50Ms} ms, ${p.rows} rows)`);
    const t = d.transitions;
    lines.push(`  transitions over HTTP (${t.concurrency} clients): ${t.perSec}/s, p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, server CPU ${t.serverCpuPercent} % (${t.serverCpuMsPerTransition} ms per transition), ${t.completed} done, ${t.inHistory} in history${t.failures ? `  !! ${t.failures} failed: ${t.firstFailure}` : ""}`);
  }
  lines.push("\nTargets (cases):");
  for (const t of r.targets) lines.push(`  ${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.measured} ${t.unit} (target ${t.target} ${t.unit})`);
  return lines.join("\n");
}

async function benchOne(dialect: DialectName, adminUrl: string | undefined, opts: CasesBenchOptions, log: (l: string) => void): Promise<CasesDialectResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "rathaus-bench-cases-"));
  let databaseUrl: string | undefined;
  const dbName = `bench_cases_${randomBytes(4).toString("hex")}`;
  if (adminUrl) {
    await adminQuery(adminUrl, `create database ${dbName}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO: "true", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000000" };
  let platform: Platform | undefined;
  try {
    platform = await openPlatform({ config: loadConfig(env as NodeJS.ProcessEnv), logger: false, seed: true });
    const count = opts.cases ?? 100_000;
    const t0 = performance.now();
    await insertCases(platform, count);
    if (dialect === "postgres") await platform.db.kysely.executeQuery(CompiledQuery.raw("analyze"));
    const insertMs = performance.now() - t0;
    log(`${dialect}: ${count} cases inserted in ${Math.round(insertMs)} ms`);
    const pages = await measureInbox(platform, opts, log);
    await platform.close();
    platform = undefined;
    const transitions = await measureTransitions(env, opts, log);
    return { dialect, cases: count, insertMs, pages, transitions };
  } finally {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => undefined);
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------- data

/** A deterministic pseudo-random source, so runs insert the same distribution. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Lena", "Max", "Nora", "Paul", "Sophie", "Tim"];
const LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf"];
const DEPARTMENT_WEIGHTS = [0.35, 0.25, 0.15, 0.15, 0.1];
const DAY = 86_400_000;
/** The records module's retention of closed cases when a definition names none. */
const DEFAULT_RETENTION_DAYS = 365;

interface TenantPlan {
  id: string;
  slug: string;
  share: number;
  /** five departments with their services and weights */
  departments: { id: string; weight: number; services: { id: string; version: number; title: string; retentionDays: number }[] }[];
  processors: string[];
}

async function planTenants(p: Platform): Promise<TenantPlan[]> {
  const plans: TenantPlan[] = [];
  for (const [slug, share] of [["usingen", 0.65], ["neu-anspach", 0.35]] as const) {
    const t = p.ctx.tenants.bySlug(slug);
    if (!t) throw new Error(`demo municipality ${slug} missing`);
    const byDept = new Map<string, { id: string; version: number; title: string; retentionDays: number }[]>();
    for (const s of await serviceCatalogue(p.ctx).enabledServices(t.id)) {
      const d = await serviceCatalogue(p.ctx).department(t.id, s.id);
      if (d) byDept.set(d.id, [...(byDept.get(d.id) ?? []), { id: s.id, version: s.version, title: s.title, retentionDays: s.retentionDays ?? DEFAULT_RETENTION_DAYS }]);
    }
    const top = [...byDept].sort((a, b) => b[1].length - a[1].length).slice(0, DEPARTMENT_WEIGHTS.length);
    if (top.length < 2) throw new Error(`${slug}: too few departments with services`);
    const processors = (await p.ctx.accounts.listForTenant(t.id)).filter((s) => s.grants.some((g) => g.role === PROCESSING_ROLE || g.role === TENANT_ADMIN_ROLE)).map((s) => s.id);
    plans.push({ id: t.id, slug, share, departments: top.map(([id, services], i) => ({ id, services, weight: DEPARTMENT_WEIGHTS[i]! })), processors });
  }
  return plans;
}

function pick<T extends { weight: number }>(items: T[], r: number): T {
  const total = items.reduce((n, i) => n + i.weight, 0);
  let x = r * total;
  for (const i of items) if ((x -= i.weight) < 0) return i;
  return items.at(-1)!;
}

/** Status by age: the younger a case, the more likely it is still open (~50 % open overall). */
function statusFor(ageDays: number, r: number, r2: number): string {
  const open = ageDays < 30 ? 0.9 : ageDays < 180 ? 0.6 : 0.45;
  if (r < open) return r2 < 0.35 ? "eingegangen" : r2 < 0.8 ? "in-bearbeitung" : "rueckfrage";
  return r2 < 0.8 ? "abgeschlossen" : "abgelehnt";
}

async function insertCases(p: Platform, count: number): Promise<void> {
  const random = rng(20261127);
  const plans = await planTenants(p);
  const now = Date.now();
  const times = Array.from({ length: count }, () => now - Math.floor(random() * 730 * DAY)).sort((a, b) => a - b);
  const counters = new Map<string, number>();
  const at = (ms: number) => new Date(ms).toISOString();
  for (let start = 0; start < count; start += BATCH) {
    const cases: CaseRow[] = [];
    const submissions: SubmissionRow[] = [];
    const events: CaseEventRow[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const created = times[i]!;
      const tenant = random() < plans[0]!.share ? plans[0]! : plans[1]!;
      const dept = pick(tenant.departments, random());
      const service = dept.services[Math.floor(random() * dept.services.length)]!;
      const status = statusFor((now - created) / DAY, random(), random());
      const state = DEFAULT_WORKFLOW.states.find((s) => s.key === status)!;
      let stateSince = status === "eingegangen" ? created : Math.min(now, created + Math.floor(random() * 40 * DAY) + 3600_000);
      // Steady state under retention: a case closed longer ago than its retention would be gone already.
      const keptSince = now - (service.retentionDays - 5) * DAY;
      if (state.final && stateSince < keptSince) stateSince = Math.max(created, keptSince + Math.floor(random() * (now - keptSince)));
      const year = new Date(created).getUTCFullYear();
      const counterKey = `${tenant.id}|${year}`;
      const n = (counters.get(counterKey) ?? 0) + 1;
      counters.set(counterKey, n);
      const reference = `${referencePrefix(tenant)}-${year}-${String(n).padStart(6, "0")}`;
      const applicant = `${FIRST[Math.floor(random() * FIRST.length)]} ${LAST[Math.floor(random() * LAST.length)]}`;
      const assigned = status !== "eingegangen" && random() < 0.4 ? tenant.processors[Math.floor(random() * tenant.processors.length)] ?? null : null;
      const caseId = newId({ now: () => new Date(created) });
      const submissionId = newId({ now: () => new Date(created) });
      const hasAccount = random() < 0.5;
      submissions.push({
        id: submissionId, tenant_id: tenant.id, draft_id: newId({ now: () => new Date(created) }), service_id: service.id, definition_version: service.version, reference,
        account_id: hasAccount ? newId({ now: () => new Date(created) }) : null, answers: "{}", contact_email: `antrag-${i}@example.org`, contact_name: applicant,
        status, link_salt: randomBytes(8).toString("hex"), receipt_key: null, submitted_at: at(created),
      });
      cases.push({
        id: caseId, tenant_id: tenant.id, submission_id: submissionId, service_id: service.id, definition_version: service.version, reference,
        department_id: dept.id, account_id: submissions.at(-1)!.account_id, applicant, status, assignee_id: assigned, version: status === "eingegangen" ? 1 : 2,
        state_since: at(stateSince), due_at: dueAt(DEFAULT_WORKFLOW, status, new Date(stateSince))?.toISOString() ?? null,
        search_text: [reference, applicant, service.title].join(" ").toLowerCase(), created_at: at(created), updated_at: at(stateSince), closed_at: state.final ? at(stateSince) : null,
      });
      events.push({ id: newId({ now: () => new Date(created) }), tenant_id: tenant.id, case_id: caseId, at: at(created), actor_type: "system", actor_id: null, actor_name: null, kind: "created", from_status: null, to_status: "eingegangen", text: "Zuständig", public: 1 });
      if (status !== "eingegangen") {
        events.push({ id: newId({ now: () => new Date(stateSince) }), tenant_id: tenant.id, case_id: caseId, at: at(stateSince), actor_type: "staff", actor_id: assigned, actor_name: "Sachbearbeitung", kind: "status", from_status: status === "in-bearbeitung" ? "eingegangen" : "in-bearbeitung", to_status: status, text: "Bearbeitung", public: 1 });
      }
    }
    await p.db.tx(async (trx) => {
      for (let j = 0; j < cases.length; j += 500) {
        await trx.insertInto("submissions").values(submissions.slice(j, j + 500)).execute();
        await trx.insertInto("cases").values(cases.slice(j, j + 500)).execute();
      }
      for (let j = 0; j < events.length; j += 500) await trx.insertInto("case_events").values(events.slice(j, j + 500)).execute();
    });
  }
  // Real submissions continue the numbering after the bench's.
  await p.db.tx(async (trx) => {
    for (const [key, last] of counters) {
      const [tenantId, year] = key.split("|") as [string, string];
      await trx.insertInto("application_counters").values({ tenant_id: tenantId, year: Number(year), last }).onConflict((oc) => oc.columns(["tenant_id", "year"]).doUpdateSet({ last })).execute();
    }
  });
}

// ---------------------------------------------------------------- inbox pages

function percentile(sorted: number[], q: number): number {
  return sorted.length ? round1(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!) : 0;
}

/** The SQL the store sends for an inbox query, captured on a driver that runs nothing. */
async function inboxSql(dialect: DialectName, tenantId: string, filter: InboxFilter, cursor: { createdAt: string; id: string } | undefined): Promise<CompiledQuery> {
  let captured: CompiledQuery | undefined;
  const kysely = new Kysely<Database>({
    dialect: {
      createAdapter: () => (dialect === "postgres" ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (dialect === "postgres" ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (dialect === "postgres" ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
    log: (e) => {
      captured = e.query;
    },
  });
  await new CaseStore({ kysely, dialect } as unknown as Db).inbox(tenantId, filter, cursor, PAGE_SIZE);
  await kysely.destroy();
  if (!captured) throw new Error("no inbox query captured");
  return captured;
}

async function queryPlan(db: Db, q: CompiledQuery): Promise<string> {
  const prefix = db.dialect === "postgres" ? "explain (analyze, buffers) " : "explain query plan ";
  const r = await db.kysely.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + q.sql, [...q.parameters]));
  return r.rows.map((row) => String(row["QUERY PLAN"] ?? row.detail)).join("\n");
}

async function measureInbox(p: Platform, opts: CasesBenchOptions, log: (l: string) => void): Promise<PageTiming[]> {
  const n = opts.requests ?? 20;
  const usingen = p.ctx.tenants.bySlug("usingen")!;
  const admin = DEMO_ACCOUNTS.find((a) => a.tenants.includes("usingen"))!;
  const store = new CaseStore(p.db);
  const plan = (await planTenants(p)).find((t) => t.id === usingen.id)!;
  const dept = plan.departments[0]!;
  // A caseworker of the busiest department (a bench account: the demo caseworkers sit in fixed departments).
  const clerkEmail = `bench-${randomBytes(3).toString("hex")}@usingen.example`;
  const clerkPassword = "Bench-Sachbearbeitung-2026";
  const clerkId = await p.ctx.accounts.create({ email: clerkEmail, name: "Bench Sachbearbeitung", password: clerkPassword });
  await p.ctx.accounts.grantRole(clerkId, usingen.id, PROCESSING_ROLE, dept.id);
  const viewers = {
    clerk: { label: "one department", departments: [dept.id] as InboxFilter["departments"], login: await loginStaff(p.app, clerkEmail, clerkPassword) },
    admin: { label: "Usingen administration, all departments", departments: "all" as const, login: await loginStaff(p.app, admin.email, admin.password) },
  };
  const service = dept.services[0]!.id;
  const now = new Date().toISOString();
  const base = `/usingen/verwaltung/vorgaenge`;
  // The cursor behind the 500th "next" link: the last row of page 500 in the open-cases order
  // (with fewer cases, e.g. BENCH_CASES=10000 while developing: the last page there is).
  const open = Number((await p.db.kysely.selectFrom("cases").select((eb) => eb.fn.countAll().as("n")).where("tenant_id", "=", usingen.id).where("closed_at", "is", null).executeTakeFirstOrThrow()).n);
  const deepPage = Math.min(DEEP_PAGE, Math.ceil(open / PAGE_SIZE));
  if (deepPage < 2) throw new Error(`too few open cases in Usingen (${open}) for a second page`);
  const deep = await p.db.kysely.selectFrom("cases").select(["created_at", "id"]).where("tenant_id", "=", usingen.id).where("closed_at", "is", null)
    .orderBy("created_at", "desc").orderBy("id", "desc").offset((deepPage - 1) * PAGE_SIZE - 1).limit(2).execute();
  const cursor = { createdAt: deep[0]!.created_at, id: deep[0]!.id };
  const scenarios: { name: string; viewer: keyof typeof viewers; query: string; filter: Omit<InboxFilter, "departments" | "now">; cursor?: typeof cursor; firstId?: string }[] = [
    { name: "first page", viewer: "clerk", query: "", filter: { openOnly: true } },
    { name: "first page", viewer: "admin", query: "", filter: { openOnly: true } },
    { name: `page ${deepPage} (after ${deepPage - 1} next links)`, viewer: "admin", query: `?nach=${cursor.createdAt}_${cursor.id}`, filter: { openOnly: true }, cursor, firstId: deep[1]!.id },
    { name: "filtered: status + service + overdue", viewer: "clerk", query: `?status=eingegangen&dienst=${service}&ueberfaellig=1`, filter: { status: "eingegangen", serviceId: service, overdue: true } },
    { name: "filtered: status + service + overdue", viewer: "admin", query: `?status=eingegangen&dienst=${service}&ueberfaellig=1`, filter: { status: "eingegangen", serviceId: service, overdue: true } },
  ];
  const out: PageTiming[] = [];
  for (const s of scenarios) {
    const v = viewers[s.viewer];
    const url = base + s.query;
    const filter: InboxFilter = { ...s.filter, departments: v.departments, now };
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < n + 3; i++) {
      const t0 = performance.now();
      const res = await p.app.inject({ url, headers: { cookie: v.login.cookie } });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
      const ids = [...res.body.matchAll(/name="ids" value="([^"]+)"/g)].map((m) => m[1]!);
      rows = ids.length;
      if (s.firstId && ids[0] !== s.firstId) throw new Error(`${s.name}: first row ${ids[0]} is not the expected ${s.firstId}`);
      if (i >= 3) times.push(ms);
    }
    if (rows === 0) throw new Error(`${s.name} (${v.label}) shows no cases: the measurement would prove nothing`);
    const queryTimes: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await store.inbox(usingen.id, filter, s.cursor, PAGE_SIZE);
      queryTimes.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    queryTimes.sort((a, b) => a - b);
    const timing: PageTiming = { name: s.name, viewer: v.label, url, rows, p50Ms: percentile(times, 0.5), p95Ms: percentile(times, 0.95), queryP50Ms: percentile(queryTimes, 0.5), plan: await queryPlan(p.db, await inboxSql(p.db.dialect, usingen.id, filter, s.cursor)) };
    log(`${p.db.dialect}: ${s.name} (${v.label}): p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms, store query p50 ${timing.queryP50Ms} ms, ${rows} rows`);
    if (opts.explain || timing.p95Ms >= 100) log(timing.plan.replace(/^/gm, "    "));
    out.push(timing);
  }
  return out;
}

// ---------------------------------------------------------------- transitions over HTTP

function httpPost(agent: Agent, url: string, cookie: string, body: string, origin: string): Promise<{ status: number; location: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { cookie, origin, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Samples pg_stat_activity every 20 ms: where the server's database connections wait (lock, client, CPU). */
function sampleWaits(url: string): { stop(): Promise<string[]> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const done = (async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      while (running) {
        const r = await c.query<{ state: string; wait: string | null; query: string }>("select state, wait_event_type || ':' || wait_event as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'");
        samples++;
        for (const row of r.rows) {
          const key = row.state === "active" ? `active ${row.wait ?? "on CPU"}: ${row.query}` : `${row.state}${row.wait && row.state !== "idle" ? ` ${row.wait}` : ""}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await c.end();
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${(n / Math.max(1, samples)).toFixed(2)} connections  ${k}`);
    },
  };
}

async function staffLoginOverHttp(base: string, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${base}/verwaltung/anmelden`);
  const csrf0 = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf0) throw new Error("login page without CSRF field");
  const res = await fetch(`${base}/verwaltung/anmelden`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: base }, body: new URLSearchParams({ _csrf: csrf0, email, password }).toString() });
  const cookie = res.headers.getSetCookie().filter((c) => c.startsWith("rathaus_sid=")).at(-1)?.split(";")[0];
  if (res.status !== 303 || !cookie) throw new Error(`staff login answered ${res.status}`);
  const overview = await fetch(`${base}/verwaltung/`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await overview.text())?.[1];
  if (!csrf) throw new Error("staff overview without CSRF field");
  return { cookie, csrf };
}

async function measureTransitions(env: Record<string, string | undefined>, opts: CasesBenchOptions, log: (l: string) => void): Promise<TransitionRun> {
  const seconds = opts.seconds ?? 10;
  const concurrency = opts.concurrency ?? 16;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", BASE_URL: base, RUN_JOBS: "true" };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  // The transaction guard costs async hooks on every promise: off, as in production.
  delete childEnv.RATHAUS_TX_GUARD;
  delete childEnv.NODE_TEST_CONTEXT;
  // BENCH_CASES_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_CASES_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const args = [...nodeArgs, ...(opts.server === "dist" ? [join(repo, "dist", "cli.js"), "serve"] : ["--import", "tsx", join(repo, "src", "cli.ts"), "serve"])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: repo, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const platform = await openPlatform({ config: loadConfig(env as NodeJS.ProcessEnv), logger: false, seed: false });
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`server exited before it was ready:\n${output}`);
      const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (i > 600) throw new Error(`server not ready after 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const admin = DEMO_ACCOUNTS.find((a) => a.tenants.includes("usingen"))!;
    const login = await staffLoginOverHttp(base, admin.email, admin.password);
    const usingen = await platform.db.kysely.selectFrom("tenants").select("id").where("slug", "=", "usingen").executeTakeFirstOrThrow();
    // Every open Usingen case moves one step on: eingegangen and Rückfrage → In Bearbeitung, In Bearbeitung → Rückfrage (with the question).
    const queue = await platform.db.kysely.selectFrom("cases").select(["id", "version", "status"]).where("tenant_id", "=", usingen.id).where("closed_at", "is", null).orderBy("created_at", "desc").execute();
    let next = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const done: string[] = [];
    const run = async (ms: number, record: boolean) => {
      const latencies: number[] = [];
      let failures = 0;
      let firstFailure: string | undefined;
      const until = performance.now() + ms;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (performance.now() < until && next < queue.length) {
          const c = queue[next++]!;
          const to = c.status === "in-bearbeitung" ? "rueckfrage" : "in-bearbeitung";
          const body = new URLSearchParams({ _csrf: login.csrf, to, version: String(c.version), text: to === "rueckfrage" ? "Bitte reichen Sie den Nachweis nach." : "" }).toString();
          const t0 = performance.now();
          const res = await httpPost(agent, `${base}/usingen/verwaltung/vorgaenge/${c.id}/status`, login.cookie, body, base).catch((err: Error) => ({ status: 0, location: "", body: err.message }));
          if (res.status === 303) {
            latencies.push(performance.now() - t0);
            if (record) done.push(c.id);
          } else {
            failures++;
            firstFailure ??= `${res.status} ${res.body.slice(0, 200)}`;
          }
        }
      }));
      return { latencies, failures, firstFailure };
    };
    await run(2000, false);
    const cpu0 = cpuTicks(child.pid!);
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const waits = env.DATABASE_URL ? sampleWaits(env.DATABASE_URL) : undefined;
    const r = await run(seconds * 1000, true);
    const elapsed = (performance.now() - t0) / 1000;
    const cpuSeconds = (cpuTicks(child.pid!) - cpu0) / 100;
    if (waits) log(`postgres: what the server's connections were doing during the transitions (share of samples):\n${(await waits.stop()).map((w) => `    ${w}`).join("\n")}`);
    const serverCpuPercent = Math.round((cpuSeconds / elapsed) * 100);
    agent.destroy();
    if (next >= queue.length) log(`!! the queue of ${queue.length} cases ran out before the time was up`);
    let inHistory = 0;
    for (let i = 0; i < done.length; i += 500) {
      const rows = await platform.db.kysely.selectFrom("case_events").select("case_id").where("tenant_id", "=", usingen.id).where("case_id", "in", done.slice(i, i + 500)).where("kind", "=", "status").where("at", ">=", startedAt).execute();
      inHistory += new Set(rows.map((x) => x.case_id)).size;
    }
    r.latencies.sort((a, b) => a - b);
    const result: TransitionRun = { perSec: Math.round(r.latencies.length / elapsed), completed: r.latencies.length, failures: r.failures, ...(r.firstFailure ? { firstFailure: r.firstFailure } : {}), p50Ms: percentile(r.latencies, 0.5), p99Ms: percentile(r.latencies, 0.99), serverCpuPercent, serverCpuMsPerTransition: r.latencies.length ? Math.round((cpuSeconds * 100_000) / r.latencies.length) / 100 : 0, concurrency, inHistory };
    log(`${platform.db.dialect}: transitions over HTTP (${concurrency} clients, ${opts.server ?? "tsx"} server): ${result.perSec}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, server CPU ${serverCpuPercent} % (${result.serverCpuMsPerTransition} ms per transition), ${result.completed} done, ${inHistory} in history${result.failures ? `, ${result.failures} FAILED: ${result.firstFailure}` : ""}`);
    return result;
  } finally {
    await platform.close();
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

// ---------------------------------------------------------------- standalone

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const dialects = process.argv.slice(2).filter((a): a is DialectName => a === "sqlite" || a === "postgres");
  try {
    const r = await benchCases({
      ...(dialects.length ? { dialects } : {}),
      cases: int("BENCH_CASES", 100_000),
      requests: int("BENCH_CASES_REQUESTS", 20),
      seconds: int("BENCH_CASES_SECONDS", 10),
      concurrency: int("BENCH_CASES_CONCURRENCY", 16),
      explain: process.env.BENCH_CASES_EXPLAIN === "1",
    });
    console.log(formatCasesResult(r));
  } catch (err) {
    console.error(`bench cases failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
}
