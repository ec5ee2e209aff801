/**
 * Participation benchmark (issue 8): a procedure with 5,000 statements —
 * - the planning office's processing list (`/{slug}/verwaltung/beteiligung/{id}/stellungnahmen`)
 *   in < 100 ms measured inside the server (target on p95),
 * - the Abwägungstabelle of the 5,000 as PDF in < 30 s,
 * - with peak memory during that export < 1.5× the peak during an export of 500 (streaming),
 * on SQLite and on PostgreSQL.
 *
 * Per database: a fresh DATA_DIR (and on PostgreSQL a fresh database in a throwaway cluster,
 * scripts/pg.mjs), migrated and seeded (DEMO_SIZE=small). In Usingen a procedure is created through
 * the participation service (createProcedure, addDocument with links), and its formal phase
 * (§ 3 Abs. 2 / § 4 Abs. 2, public and agencies, all agencies of the town invited) is scheduled
 * through a ParticipationService whose clock stands 50 days back — as the demo seed does — so that
 * the whole period lies in the past. 5,000 statements are then written directly into
 * `participation_statements` (multi-row inserts of 200 in one transaction), each row as
 * submitStatement would write it: UUIDv7 ids of the time of entry, references ST-{year}-{n} from
 * the town's counter (which is advanced as nextStatementNumber would), online statements of the
 * public (with and without name and e-mail) and of agencies through their invitation, and letters
 * entered by staff (channel verwaltung, received date at 00:00 Berlin, a few after the period:
 * late), texts of 300–2,500 characters, references to plan documents and places, and the
 * processing state as saveWeighing would leave it (neu / in_bearbeitung with a draft /
 * abgewogen with verdict and response, assignees, two groups of form letters, six topics via
 * participation_topics / participation_statement_topics). Not written: the audit entries and
 * confirmation mails of submitStatement (neither the list nor the export reads them). A second
 * procedure gets 500 statements the same way. PostgreSQL gets VACUUM ANALYZE afterwards (the
 * state autovacuum reaches by itself after a bulk load).
 *
 * Processing list: a planning-office member (role stadtplanung) logs in through the real login
 * form; GETs with app.inject (routing, session, guard, queries, rendering — no sockets) of the
 * first page, `?status=neu`, `?q=Baum` and `?seite=50`; 5 warm-up rounds, then 30 timed rounds
 * (the four pages in turn). Every answer must be 200 and list exactly the references expected
 * from the generated data (so a broken or empty page cannot pass). Afterwards the same pages'
 * store.listStatements calls alone are timed (30 each), to show where the time goes.
 *
 * PDF: `writeWeighingPdf(await weighing.table(tenantId, procedureId), sink)` for the 5,000 in this
 * process, into a counting Writable that acknowledges writes asynchronously; the bytes must start
 * with %PDF-, end with %%EOF and be more than 1 MB.
 *
 * Memory: each export (500, then 5,000) once more in its own fresh process
 * (bench/participation-export.ts) against the same database. Reported: the peak RSS of that
 * process during the export (VmHWM after resetting it at the start of the export) — the target
 * measure, since it is what the machine must provide for the process doing the export —, the RSS
 * growth over the baseline right before the export, and the peak heapUsed (sampled every 20 ms).
 * Both exports run a second time with a full GC before every 100 ms sample (BENCH_LIVE_HEAP=1):
 * the peak live heap, i.e. what the export keeps reachable (streaming: independent of the size).
 *
 * From bench/run.ts (BENCH_PARTICIPATION=0 skips it). Standalone:
 * `node --import tsx bench/participation.ts [sqlite|postgres ...]`.
 * Env: BENCH_PARTICIPATION_STATEMENTS (5000), BENCH_PARTICIPATION_SMALL (500).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { CompiledQuery } from "kysely";
import { loadConfig } from "../src/config.js";
import { openPlatform, type Platform } from "../src/server.js";
import type { AppContext } from "../src/platform/context.js";
import type { DialectName } from "../src/platform/db/index.js";
import { newId } from "../src/platform/ids.js";
import { berlinDateTime } from "../src/platform/clock.js";
import { loginStaff } from "../src/test-support/app.js";
import { statementSearchText } from "../src/modules/participation/migrations.js";
import { participation, PLANNING_ROLE } from "../src/modules/participation/index.js";
import { ParticipationService } from "../src/modules/participation/service.js";
import { addDays, minimumLastDay, periodInstants } from "../src/modules/participation/periods.js";
import { VERDICTS, type PhaseRow, type StatementRow, type StatementStatus, type Verdict } from "../src/modules/participation/store.js";
import { writeWeighingPdf } from "../src/modules/participation/export/pdf.js";
import { PAGE_SIZE } from "../src/modules/participation/views/processing/filter.js";
import { CountingSink, type ExportChildResult } from "./participation-export.js";

export interface ListTiming {
  name: string;
  url: string;
  /** statements on the page (checked against the generated data) */
  rows: number;
  /** statements matching the page's filter */
  total: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** the page's store.listStatements call alone (count + page query), p50 of 30 — where the time goes */
  queryP50Ms: number;
}

export interface ParticipationDialectResult {
  dialect: DialectName;
  statements: number;
  smallStatements: number;
  data: { insertMs: number; minTextChars: number; avgTextChars: number; maxTextChars: number; textMb: number; byStatus: Record<StatementStatus, number>; toeb: number; staffEntered: number; late: number; withTopics: number; grouped: number };
  list: ListTiming[];
  pdf: { statements: number; ms: number; bytes: number; writes: number };
  memory: {
    small: ExportChildResult;
    large: ExportChildResult;
    /** the target: peak RSS of the exporting process, 5,000 / 500 */
    peakRssRatio: number;
    /** (peak − baseline) 5,000 / (peak − baseline) 500; null when the 500 grew the process by less than 1 MB */
    rssGrowthRatio: number | null;
    /** peak heapUsed 5,000 / 500 */
    heapRatio: number;
    /** the same exports again with a full GC before every sample (BENCH_LIVE_HEAP=1): what stays reachable */
    liveSmall: ExportChildResult;
    liveLarge: ExportChildResult;
    /** peak live heap 5,000 / 500 */
    liveHeapRatio: number;
  };
}

export interface ParticipationBenchResult {
  results: ParticipationDialectResult[];
  targets: { name: string; target: string; measured: number; unit: string; met: boolean }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const ROWS = 200;
const WARMUP = 5;
const TIMED = 30;
const DAY = 86_400_000;
const BENCH_LOGIN = { email: "planung.bench@usingen.example", password: "Planung-Bench-2026!", name: "Bea Bench (Stadtplanung)" };
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

export async function benchParticipation(opts: { dialects?: DialectName[]; statements?: number; small?: number; log?: (l: string) => void } = {}): Promise<ParticipationBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const results: ParticipationDialectResult[] = [];
  let pgServer: { adminUrl: string; stop(): Promise<void> } | undefined;
  try {
    for (const dialect of opts.dialects ?? ["sqlite", "postgres"]) {
      let adminUrl: string | undefined;
      if (dialect === "postgres") {
        const { startPostgres } = (await import(pathToFileURL(join(repo, "scripts", "pg.mjs")).href)) as { startPostgres(o: { log(...a: unknown[]): void }): Promise<{ adminUrl: string; stop(): Promise<void> }> };
        pgServer = await startPostgres({ log: (...a) => log(a.join(" ")) });
        adminUrl = pgServer.adminUrl;
      }
      results.push(await benchOne(dialect, adminUrl, opts.statements ?? 5000, opts.small ?? 500, log));
    }
  } finally {
    await pgServer?.stop();
  }
  const targets = results.flatMap((r) => {
    const worst = r.list.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
    return [
      { name: `processing list of ${r.statements} statements on ${r.dialect}, worst p95 of 4 pages (${worst.name})`, target: "< 100", measured: worst.p95Ms, unit: "ms", met: r.list.every((l) => l.p95Ms < 100) },
      { name: `weighing table of ${r.pdf.statements} statements as PDF on ${r.dialect}`, target: "< 30000", measured: r.pdf.ms, unit: "ms", met: r.pdf.ms < 30_000 },
      { name: `peak RSS of the export process, ${r.statements} vs. ${r.smallStatements} statements, on ${r.dialect}`, target: "< 1.5", measured: r.memory.peakRssRatio, unit: "×", met: r.memory.peakRssRatio < 1.5 },
    ];
  });
  return { results, targets };
}

export function formatParticipationResult(r: ParticipationBenchResult): string {
  const lines: string[] = [];
  for (const d of r.results) {
    const s = d.data;
    lines.push(`\nParticipation on ${d.dialect}: two procedures created, ${d.statements} + ${d.smallStatements} statements inserted in ${Math.round(s.insertMs)} ms (texts ${s.minTextChars}–${s.maxTextChars} chars, avg ${s.avgTextChars}, ${s.textMb} MB; neu ${s.byStatus.neu}, in Bearbeitung ${s.byStatus.in_bearbeitung}, abgewogen ${s.byStatus.abgewogen}; TöB ${s.toeb}, entered by staff ${s.staffEntered}, late ${s.late}, with topics ${s.withTopics}, grouped ${s.grouped})`);
    lines.push(`  processing list (${TIMED} requests each after ${WARMUP} warm-ups, inside the server):`);
    for (const l of d.list) lines.push(`    ${l.name.padEnd(22)} ${String(l.rows).padStart(3)} of ${String(l.total).padStart(5)}: p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms, max ${l.maxMs} ms (store.listStatements alone: p50 ${l.queryP50Ms} ms)`);
    lines.push(`  PDF of ${d.pdf.statements}: ${d.pdf.ms} ms, ${(d.pdf.bytes / 1024 / 1024).toFixed(1)} MB`);
    const m = d.memory;
    for (const [label, c] of [[`${d.smallStatements}`, m.small], [`${d.statements}`, m.large]] as const) {
      lines.push(`  export of ${label.padStart(5)} in its own process: ${c.ms} ms, ${(c.bytes / 1024 / 1024).toFixed(1)} MB; RSS baseline ${c.baselineRssMb} MB, peak ${c.peakRssMb} MB${c.peakReset ? "" : " (whole process)"} (+${round1(c.peakRssMb - c.baselineRssMb)} MB); heap baseline ${c.baselineHeapMb} MB, peak ${c.peakHeapMb} MB (${c.samples} samples)`);
    }
    lines.push(`  live heap (full GC before each 100 ms sample, separate runs): ${d.smallStatements}: baseline ${m.liveSmall.baselineHeapMb} MB, peak ${m.liveSmall.peakHeapMb} MB (${m.liveSmall.samples} samples); ${d.statements}: baseline ${m.liveLarge.baselineHeapMb} MB, peak ${m.liveLarge.peakHeapMb} MB (${m.liveLarge.samples} samples)`);
    lines.push(`  ratios ${d.statements}/${d.smallStatements}: peak RSS ${m.peakRssRatio}× (target < 1.5), RSS growth over baseline ${m.rssGrowthRatio === null ? `n/a (the ${d.smallStatements} grew it by < 1 MB)` : `${m.rssGrowthRatio}×`}, peak heap ${m.heapRatio}×, peak live heap ${m.liveHeapRatio}×`);
  }
  lines.push("\nTargets (participation):");
  for (const t of r.targets) lines.push(`  ${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.measured} ${t.unit} (target ${t.target} ${t.unit})`);
  return lines.join("\n");
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

async function benchOne(dialect: DialectName, adminUrl: string | undefined, count: number, smallCount: number, log: (l: string) => void): Promise<ParticipationDialectResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "rathaus-bench-participation-"));
  let databaseUrl: string | undefined;
  const dbName = `bench_participation_${randomBytes(4).toString("hex")}`;
  if (adminUrl) {
    await adminQuery(adminUrl, `create database ${dbName}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const env: Record<string, string> = { DATA_DIR: dataDir, DEMO: "true", DEMO_SIZE: "small", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000000", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  let p: Platform | undefined;
  try {
    const o0 = performance.now();
    p = await openPlatform({ config: loadConfig(env as NodeJS.ProcessEnv), logger: false, seed: true });
    await p.ctx.jobs.stop();
    log(`${dialect}: platform migrated and seeded in ${Math.round(performance.now() - o0)} ms`);
    const tenant = p.ctx.tenants.bySlug("usingen")!;
    const plannerId = await ensurePlanner(p.ctx, tenant.id);

    const t0 = performance.now();
    const large = await createProcedure(p.ctx, tenant.id, plannerId, "Bench Wohnquartier Am Hasenberg", "46");
    const largeData = generate({ ...large, tenantId: tenant.id, plannerId, count, seed: 20261127, now: p.ctx.clock.now() });
    await insertStatements(p, tenant.id, largeData);
    const small = await createProcedure(p.ctx, tenant.id, plannerId, "Bench Ortsrand Eschbach", "47");
    const smallData = generate({ ...small, tenantId: tenant.id, plannerId, count: smallCount, seed: 4711, now: p.ctx.clock.now() });
    await insertStatements(p, tenant.id, smallData);
    if (dialect === "postgres") await p.db.kysely.executeQuery(CompiledQuery.raw("vacuum analyze"));
    const insertMs = performance.now() - t0;
    log(`${dialect}: two procedures created, ${count} + ${smallCount} statements inserted in ${Math.round(insertMs)} ms`);

    // ---- the processing list
    const { cookie } = await loginStaff(p.app, BENCH_LOGIN.email, BENCH_LOGIN.password);
    const base = `/${tenant.slug}/verwaltung/beteiligung/${large.procedureId}/stellungnahmen`;
    const ordered = [...largeData.rows].sort((a, b) => (a.submitted_at < b.submitted_at ? -1 : a.submitted_at > b.submitted_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const neu = ordered.filter((s) => s.status === "neu");
    const baum = ordered.filter((s) => s.text.toLowerCase().includes("baum") || s.reference.toLowerCase().includes("baum"));
    // page 50 of 100 at 5,000 statements (the last page when there are fewer)
    const deepPage = Math.min(50, Math.ceil(count / PAGE_SIZE));
    const pages = [
      { name: "first page", url: base, matching: ordered, offset: 0, filter: {} },
      { name: "status=neu", url: `${base}?status=neu`, matching: neu, offset: 0, filter: { status: "neu" as const } },
      { name: "q=Baum", url: `${base}?q=Baum`, matching: baum, offset: 0, filter: { q: "Baum" } },
      { name: `seite=${deepPage}`, url: `${base}?seite=${deepPage}`, matching: ordered, offset: (deepPage - 1) * PAGE_SIZE, filter: {} },
    ].map((x) => ({ ...x, expected: x.matching.slice(x.offset, x.offset + PAGE_SIZE).map((s) => s.reference), times: [] as number[] }));
    for (const page of pages) if (page.expected.length === 0) throw new Error(`${page.name}: the generated data has no statements for this page`);
    const fetchPage = async (page: (typeof pages)[number]): Promise<number> => {
      const s = performance.now();
      const res = await p!.app.inject({ url: page.url, headers: { cookie } });
      const ms = performance.now() - s;
      if (res.statusCode !== 200) throw new Error(`${page.url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      const listed = [...res.body.matchAll(/<th[^>]*scope="row"[^>]*>\s*<a[^>]*>(ST-\d{4}-\d{5})<\/a>/g)].map((m) => m[1]!);
      if (listed.join(" ") !== page.expected.join(" ")) {
        throw new Error(`${page.url}: lists ${listed.length} statements (${listed.slice(0, 3).join(", ")} …), expected ${page.expected.length} (${page.expected.slice(0, 3).join(", ")} …)`);
      }
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) for (const page of pages) await fetchPage(page);
    for (let i = 0; i < TIMED; i++) for (const page of pages) page.times.push(await fetchPage(page));
    // the store's query alone, for the same pages (after the requests, so it cannot warm them up)
    const { service } = participation(p.ctx);
    const queryTimes = pages.map(() => [] as number[]);
    for (let i = 0; i < TIMED; i++) {
      for (const [k, x] of pages.entries()) {
        const s = performance.now();
        const r = await service.store.listStatements(tenant.id, large.procedureId, x.filter, { offset: x.offset, limit: PAGE_SIZE });
        queryTimes[k]!.push(performance.now() - s);
        if (r.total !== x.matching.length) throw new Error(`${x.name}: store.listStatements counts ${r.total}, expected ${x.matching.length}`);
      }
    }
    const list: ListTiming[] = pages.map((x, k) => ({ name: x.name, url: x.url, rows: x.expected.length, total: x.matching.length, p50Ms: round2(pct(x.times, 50)), p95Ms: round2(pct(x.times, 95)), maxMs: round2(Math.max(...x.times)), queryP50Ms: round2(pct(queryTimes[k]!, 50)) }));
    log(`${dialect}: processing list timed (${list.map((l) => `${l.name} p95 ${l.p95Ms} ms`).join(", ")})`);

    // ---- the PDF of the 5,000, in this process
    const { weighing } = participation(p.ctx);
    const sink = new CountingSink();
    const e0 = performance.now();
    const table = await weighing.table(tenant.id, large.procedureId);
    await writeWeighingPdf(table, sink);
    const pdfMs = performance.now() - e0;
    const problem = sink.problem(1024 * 1024);
    if (problem) throw new Error(`PDF of ${count} statements: ${problem}`);
    if (table.summary.total !== count) throw new Error(`the weighing table counts ${table.summary.total} statements, expected ${count}`);
    log(`${dialect}: PDF of ${count} statements in ${Math.round(pdfMs)} ms (${sink.bytes} bytes)`);

    // ---- memory: each export in a fresh process
    const childEnv = { ...env, BENCH_TENANT_ID: tenant.id };
    const smallRun = await exportChild({ ...childEnv, BENCH_PROCEDURE_ID: small.procedureId, BENCH_MIN_BYTES: String(100 * 1024) });
    const largeRun = await exportChild({ ...childEnv, BENCH_PROCEDURE_ID: large.procedureId, BENCH_MIN_BYTES: String(1024 * 1024) });
    const liveSmall = await exportChild({ ...childEnv, BENCH_PROCEDURE_ID: small.procedureId, BENCH_MIN_BYTES: String(100 * 1024), BENCH_LIVE_HEAP: "1" });
    const liveLarge = await exportChild({ ...childEnv, BENCH_PROCEDURE_ID: large.procedureId, BENCH_MIN_BYTES: String(1024 * 1024), BENCH_LIVE_HEAP: "1" });
    for (const [c, n] of [[smallRun, smallCount], [largeRun, count], [liveSmall, smallCount], [liveLarge, count]] as const) {
      if (c.pdfProblem) throw new Error(`export child (${n} statements): ${c.pdfProblem}`);
      if (c.statements !== n) throw new Error(`export child exported ${c.statements} statements, expected ${n}`);
    }
    log(`${dialect}: export processes: ${smallCount} peak RSS ${smallRun.peakRssMb} MB, ${count} peak RSS ${largeRun.peakRssMb} MB`);

    const s = largeData.stats;
    return {
      dialect,
      statements: count,
      smallStatements: smallCount,
      data: { insertMs: Math.round(insertMs), ...s },
      list,
      pdf: { statements: count, ms: Math.round(pdfMs), bytes: sink.bytes, writes: sink.writes },
      memory: {
        small: smallRun,
        large: largeRun,
        peakRssRatio: round2(largeRun.peakRssMb / smallRun.peakRssMb),
        // not meaningful when the small export grew the process by less than 1 MB (it fit into memory the process already had)
        rssGrowthRatio: smallRun.peakRssMb - smallRun.baselineRssMb >= 1 ? round2((largeRun.peakRssMb - largeRun.baselineRssMb) / (smallRun.peakRssMb - smallRun.baselineRssMb)) : null,
        heapRatio: round2(largeRun.peakHeapMb / smallRun.peakHeapMb),
        liveSmall,
        liveLarge,
        liveHeapRatio: round2(liveLarge.peakHeapMb / liveSmall.peakHeapMb),
      },
    };
  } finally {
    await p?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => undefined);
  }
}

/** A member of the planning office (role stadtplanung) for the list requests and as assignee. */
async function ensurePlanner(ctx: AppContext, tenantId: string): Promise<string> {
  let id = await ctx.accounts.idByEmail(BENCH_LOGIN.email);
  if (!id) {
    id = await ctx.accounts.create({ email: BENCH_LOGIN.email, name: BENCH_LOGIN.name, password: BENCH_LOGIN.password });
    await ctx.accounts.grantRole(id, tenantId, PLANNING_ROLE);
  }
  return id;
}

interface BenchProcedure {
  procedureId: string;
  phase: PhaseRow;
  documentIds: string[];
  invitations: { id: string; agency_id: string; agency_email: string }[];
}

/**
 * A procedure through the service, and its formal phase scheduled by the service as it was 50 days
 * ago (the period must begin after the day of the announcement), so that it has ended by now.
 */
async function createProcedure(ctx: AppContext, tenantId: string, plannerId: string, name: string, number: string): Promise<BenchProcedure> {
  const { service } = participation(ctx);
  const actor = { id: plannerId };
  const proc = await service.createProcedure(tenantId, { planType: "bebauungsplan", name, number, areaDescription: "nördlich der Weilburger Straße, Gemarkung Usingen, Flur 7", description: "Wohnbauflächen für etwa 120 Wohnungen mit öffentlicher Grünfläche und Regenrückhaltung." }, actor);
  const documentIds: string[] = [];
  for (const [kind, title] of [["planzeichnung", "Planzeichnung mit textlichen Festsetzungen"], ["begruendung", "Begründung"], ["umweltbericht", "Umweltbericht"]] as const) {
    documentIds.push(await service.addDocument(tenantId, proc.id, { kind, title, url: `https://www.usingen.example/bauleitplanung/${number}/${kind}.pdf` }, actor));
  }
  const past = new ParticipationService({ ...ctx, clock: { now: () => new Date(ctx.clock.now().getTime() - 50 * DAY) } } as AppContext);
  const start = addDays(past.today(), 7);
  const phase = await past.schedulePhase(tenantId, proc.id, { stage: "foermlich", publicParticipation: true, agencyParticipation: true, start, end: minimumLastDay("foermlich", start)!, place: "Rathaus Usingen, Fachbereich Stadtplanung" }, actor);
  const invitations = (await service.store.invitations(tenantId, phase.id)).map((i) => ({ id: i.id, agency_id: i.agency_id, agency_email: i.agency_email }));
  if (!invitations.length) throw new Error("no agencies were invited (the demo seed should have created some)");
  return { procedureId: proc.id, phase, documentIds, invitations };
}

// ---------------------------------------------------------------- data

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

const PUBLIC_SENTENCES = [
  "Ich wende mich gegen die geplante Bebauung am nördlichen Rand des Plangebiets, weil dort die alte Baumreihe aus Eichen und Linden steht.",
  "Die Bäume prägen seit Jahrzehnten das Ortsbild und bieten Fledermäusen und Vögeln Lebensraum; ein Baumgutachten liegt den ausgelegten Unterlagen nicht bei.",
  "Die geplante Zufahrt über den Mühlweg ist zu schmal, schon heute kommt es morgens zu Rückstaus bis zur Kreisstraße.",
  "Bitte prüfen Sie eine zweite Erschließung von der Weilburger Straße aus, damit der Verkehr nicht vollständig durch das bestehende Wohngebiet geführt wird.",
  "Die zulässige Gebäudehöhe von zwölf Metern passt nicht zur Nachbarbebauung mit zwei Geschossen und Satteldach.",
  "Ich rege an, höchstens zwei Vollgeschosse zuzulassen und die Traufhöhe an die Umgebung anzupassen.",
  "Bei Starkregen läuft das Wasser schon heute vom Feld in unsere Keller; das Entwässerungskonzept in der Begründung halte ich für unzureichend.",
  "Wie wird das Niederschlagswasser im neuen Baugebiet zurückgehalten, und wer haftet, wenn die Rückhaltebecken überlaufen?",
  "Bitte planen Sie einen sicheren Fuß- und Radweg zur Grundschule ein, baulich getrennt von der Fahrbahn.",
  "Die Verkehrszählung in der Begründung stammt aus dem Jahr 2015 und ist veraltet; seitdem sind zwei Baugebiete hinzugekommen.",
  "Ich begrüße, dass bezahlbarer Wohnraum entstehen soll, und bitte darum, einen Anteil geförderter Wohnungen verbindlich festzusetzen.",
  "Photovoltaik sollte auf allen geeigneten Dachflächen verbindlich vorgeschrieben und Schottergärten sollten ausgeschlossen werden.",
  "Für Jugendliche fehlt im Ort ein Treffpunkt; die öffentliche Grünfläche an der Usa könnte einen Bolzplatz aufnehmen.",
  "Die Lärmschutzwand zur Bundesstraße sollte begrünt werden, damit sie sich in die Landschaft einfügt.",
  "Durch die neuen Gebäude wird unser Grundstück im Winter nachmittags vollständig verschattet; ich bitte um eine Verschattungsstudie.",
  "Der Abstand der Baugrenze zu unserer Grundstücksgrenze ist mit drei Metern zu gering.",
  "Ich befürchte eine Wertminderung meines Hauses, weil der freie Blick ins Usatal verloren geht.",
  "Während der Bauzeit muss der Baustellenverkehr über die Kreisstraße und nicht durch die Anliegerstraßen geführt werden.",
  "Die Stellplatzzahl von einem Platz je Wohnung reicht im ländlichen Raum nicht aus; schon heute sind die Gehwege zugeparkt.",
  "Im Umweltbericht fehlt eine Untersuchung der Zauneidechsen am Bahndamm, die ich dort mehrfach beobachtet habe.",
  "Der Bebauungsplan sollte für jeden Baum, der gefällt wird, mindestens zwei Ersatzpflanzungen im Plangebiet festsetzen.",
  "Ein Kinderspielplatz ist im Plan nicht vorgesehen, obwohl etwa sechzig Wohnungen für Familien entstehen sollen.",
  "Die Kapazität der Kanäle in der Obergasse ist nach meiner Kenntnis bereits heute erschöpft.",
  "Ich bitte darum, die Planung in einer Bürgerversammlung vorzustellen, bevor der Rat über den Entwurf entscheidet.",
  "Die Straßenbäume entlang der Planstraße sollten standortgerechte, heimische Arten sein, damit sie längere Trockenheit überstehen.",
  "Auf Seite 23 der Begründung wird die Lärmbelastung durch die Bahnstrecke nur für den Tag, nicht aber für die Nacht betrachtet.",
  "Die Feldwege, die wir täglich mit dem Hund und den Kindern nutzen, müssen auch nach der Bebauung durchgängig erhalten bleiben.",
  "Ich rege an, die Dachbegrünung für Flachdächer und Carports verbindlich festzusetzen.",
];
const PUBLIC_OPENERS = ["zum ausgelegten Entwurf nehme ich wie folgt Stellung:", "als Anwohnerin und Anwohner des Plangebiets tragen wir folgende Bedenken vor:", "hiermit erhebe ich Einwendungen gegen den Entwurf des Bebauungsplans.", "ich bitte, die folgenden Anregungen bei der Abwägung zu berücksichtigen."].map((x) => `Sehr geehrte Damen und Herren,\n${x}`);
const PUBLIC_CLOSERS = ["Ich bitte um Berücksichtigung meiner Einwendungen und um Mitteilung des Ergebnisses der Abwägung.", "Für Rückfragen stehe ich gern zur Verfügung.", "Vielen Dank für die Möglichkeit, Stellung zu nehmen."];
const TOEB_SENTENCES = [
  "Aus Sicht der Regionalplanung bestehen gegen die Planung keine grundsätzlichen Bedenken; das Plangebiet ist im Regionalplan als Vorranggebiet Siedlung, Planung dargestellt.",
  "Die untere Naturschutzbehörde weist darauf hin, dass die artenschutzrechtliche Prüfung für Fledermäuse und Brutvögel vor dem Satzungsbeschluss zu ergänzen ist.",
  "Der Baumbestand entlang der Usa ist als gesetzlich geschütztes Biotop nach § 30 BNatSchG zu behandeln und nachrichtlich in den Plan zu übernehmen.",
  "Gegen die Anbindung an die Kreisstraße 732 bestehen keine Bedenken, wenn eine Linksabbiegespur nach den Richtlinien für die Anlage von Landstraßen hergestellt wird.",
  "Im Plangebiet verlaufen Mittelspannungskabel und eine Gasleitung; vor Beginn der Bauarbeiten ist eine Leitungsauskunft einzuholen.",
  "Die Trinkwasserversorgung ist gesichert; für den Löschwasserbedarf von 96 m³/h über zwei Stunden ist im weiteren Verfahren ein Nachweis zu führen.",
  "Bodendenkmäler sind im Geltungsbereich nicht bekannt; bei Erdarbeiten zutage tretende Funde sind nach § 21 HDSchG unverzüglich zu melden.",
  "Wir bitten, den Hinweis auf eine mögliche Kampfmittelbelastung des Gebiets in die textlichen Festsetzungen aufzunehmen.",
  "Die Festsetzungen zur Versickerung des Niederschlagswassers sind grundsätzlich geeignet; die Versickerungsfähigkeit des Bodens ist jedoch durch ein Gutachten nachzuweisen.",
  "Die Ausgleichsflächen sind dinglich zu sichern und im städtebaulichen Vertrag mit einer Pflegeverpflichtung von 25 Jahren zu versehen.",
  "Zu den Belangen des Immissionsschutzes verweisen wir auf die Schallimmissionsprognose; die Orientierungswerte der DIN 18005 werden nachts um bis zu 4 dB überschritten.",
  "Wir regen an, die Baumpflanzungen entlang der Planstraße mit einem Mindestabstand von 2,5 Metern zu den Versorgungsleitungen festzusetzen.",
];
const RESPONSE_SENTENCES = [
  "Die Anregung wird berücksichtigt: Der Baumbestand am nördlichen Rand wird als zu erhalten festgesetzt, die Baugrenze wird um fünf Meter zurückgenommen.",
  "Die Verkehrsuntersuchung (Anlage 3 zur Begründung) weist nach, dass das zusätzliche Verkehrsaufkommen über die bestehenden Straßen abgewickelt werden kann.",
  "Die Stellplatzsatzung der Stadt gilt unverändert; sie verlangt für Wohnungen über 50 m² zwei Stellplätze.",
  "Der Hinweis wird zur Kenntnis genommen. Er betrifft die Ausführungsplanung und nicht die Festsetzungen des Bebauungsplans; er wird an die zuständige Stelle weitergegeben.",
  "Die Anregung betrifft keinen Regelungsgegenstand des Bebauungsplans (§ 9 BauGB). Eine Änderung der Planung ist daher nicht veranlasst.",
  "Das Entwässerungskonzept wird um einen Überflutungsnachweis für ein hundertjährliches Regenereignis ergänzt; die Rückhaltung wird auf 1.200 m³ vergrößert.",
  "Die zulässige Höhe baulicher Anlagen wird im Übergang zur Bestandsbebauung auf 9,5 Meter begrenzt.",
  "Die artenschutzrechtliche Prüfung wird vor dem Satzungsbeschluss ergänzt; vorgezogene Ausgleichsmaßnahmen (CEF) werden festgesetzt.",
  "Ein Spielplatz ist in der öffentlichen Grünfläche vorgesehen und wird in der Planzeichnung ergänzt.",
  "Die Abwägung der betroffenen Belange führt zu dem Ergebnis, dass das öffentliche Interesse an der Schaffung von Wohnraum überwiegt.",
];
const FIRST_NAMES = ["Anna", "Bernd", "Claudia", "Dieter", "Elke", "Frank", "Gabriele", "Heiko", "Ines", "Jürgen", "Katrin", "Lars", "Monika", "Norbert", "Petra", "Ralf", "Sabine", "Thomas", "Ursula", "Volker"];
const LAST_NAMES = ["Becker", "Fischer", "Hofmann", "Jung", "Keller", "Lang", "Meyer", "Neumann", "Richter", "Schäfer", "Schmitt", "Wagner", "Weber", "Wolf", "Zimmermann"];
const STREETS = ["Mühlweg", "Obergasse", "Kreuzgasse", "Hattsteiner Allee", "Schlossplatz", "Zitzergasse", "Am Riedborn"];
const TOPICS = ["Verkehr", "Grün und Umwelt", "Entwässerung", "Städtebau und Gestaltung", "Lärmschutz", "Leitungen und Versorgung"];
const FORM_LETTERS = [
  {
    title: "Sammeleinwendung Lärmschutz Bahnstrecke",
    text: "Wir, die Unterzeichnenden, wenden uns gegen den Entwurf in der ausgelegten Fassung. Die Schallimmissionsprognose betrachtet den Güterverkehr auf der Bahnstrecke nur am Tag. Nachts fahren nach unserer Zählung bis zu zwölf Güterzüge. Wir fordern eine Lärmschutzwand entlang der gesamten Bahnstrecke, passiven Schallschutz für die bestehende Bebauung und eine erneute Auslegung mit einer vollständigen Prognose.",
    share: 0.016,
  },
  {
    title: "Unterschriftenaktion Erhalt der Eichen am Mühlweg",
    text: "Ich unterstütze die Unterschriftenaktion zum Erhalt der Eichen am Mühlweg. Die Baumreihe ist über 150 Jahre alt und prägt den Ortseingang. Der Bebauungsplan muss sie als zu erhalten festsetzen und die Baugrenze so weit zurücknehmen, dass der Wurzelraum nicht beschädigt wird. Auch während der Bauzeit sind die Bäume durch einen festen Bauzaun zu schützen.",
    share: 0.008,
  },
];

interface Generated {
  rows: StatementRow[];
  topics: { id: string; tenant_id: string; procedure_id: string; name: string }[];
  statementTopics: { tenant_id: string; statement_id: string; topic_id: string }[];
  groups: { id: string; tenant_id: string; procedure_id: string; title: string; created_at: string }[];
  stats: Omit<ParticipationDialectResult["data"], "insertMs">;
}

/**
 * `count` statements of a procedure, as submitStatement and then the processing (saveWeighing,
 * assign, group) would leave them. References are assigned in insertStatements (from the counter).
 */
function generate(o: BenchProcedure & { tenantId: string; plannerId: string; count: number; seed: number; now: Date }): Generated {
  const random = rng(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const opens = Date.parse(o.phase.opens_at);
  const closes = Date.parse(o.phase.closes_at);
  const latest = o.now.getTime() - DAY;
  const topicRows = TOPICS.map((name, i) => ({ id: newId({ now: () => new Date(closes + i) }), tenant_id: o.tenantId, procedure_id: o.procedureId, name }));
  const groupRows = FORM_LETTERS.map((f, i) => ({ id: newId({ now: () => new Date(closes + DAY + i) }), tenant_id: o.tenantId, procedure_id: o.procedureId, title: f.title, created_at: new Date(closes + DAY + i).toISOString() }));
  const formLetterCounts = FORM_LETTERS.map((f) => Math.max(2, Math.round(o.count * f.share)));
  const rows: StatementRow[] = [];
  const statementTopics: Generated["statementTopics"] = [];
  const usedMs = new Set<number>();
  const person = () => `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;

  const textOf = (sentences: readonly string[], opener: string, closer: string, name: string | null, address: string | null): string => {
    const target = 300 + Math.floor(random() ** 1.6 * 2200);
    const parts = [opener];
    if (address) parts.push(`Ich wohne in der ${address} und bin von der Planung unmittelbar betroffen.`);
    let paragraph: string[] = [];
    let length = parts.join("\n\n").length;
    while (length < target) {
      const s = pick(sentences);
      paragraph.push(s);
      length += s.length + 1;
      if (paragraph.length >= 3 || random() < 0.3) {
        parts.push(paragraph.join(" "));
        paragraph = [];
        length += 1;
      }
    }
    if (paragraph.length) parts.push(paragraph.join(" "));
    parts.push(name ? `${closer}\n\nMit freundlichen Grüßen\n${name}` : closer);
    let text = parts.join("\n\n");
    if (text.length > 2500) text = text.slice(0, text.lastIndexOf(" ", 2490)) + " …";
    return text.trim();
  };
  const responseOf = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(RESPONSE_SENTENCES)).join(" ");

  for (let i = 0; i < o.count; i++) {
    const formLetter = i < formLetterCounts[0]! ? 0 : i < formLetterCounts[0]! + formLetterCounts[1]! ? 1 : -1;
    const r = random();
    // public online 70 %, public by letter 12 %, agencies online 12 %, agency letters 6 %; form letters: public, half online
    const kind = formLetter >= 0 ? (random() < 0.5 ? "public-online" : "public-letter") : r < 0.7 ? "public-online" : r < 0.82 ? "public-letter" : r < 0.94 ? "agency-online" : "agency-letter";
    const staff = kind.endsWith("letter");
    const agency = kind.startsWith("agency");
    let submitted: number;
    let created: number;
    let late = false;
    if (staff) {
      // received on a day of the period (2 % of the letters after it); entered 1–3 days later; submitted_at = 00:00 Berlin of the received day
      late = random() < 0.02;
      const receivedAt = late ? closes + Math.floor(random() * 5 * DAY) : opens + Math.floor(random() * (closes - opens));
      const received = berlinDateTime(new Date(receivedAt)).date;
      submitted = periodInstants(received, received).opensAt.getTime();
      created = Math.min(latest, receivedAt + DAY + Math.floor(random() * 2 * DAY));
    } else {
      submitted = opens + Math.floor(random() * (closes - opens));
      created = submitted;
    }
    if (!staff) {
      while (usedMs.has(submitted)) submitted++;
      created = submitted;
    }
    usedMs.add(submitted);
    const invitation = agency ? pick(o.invitations) : undefined;
    // form letters are signed; other online statements of the public carry a name in 60 %
    const name = agency ? (random() < 0.5 ? `${pick(["Herr", "Frau"])} ${pick(LAST_NAMES)}` : null) : staff || formLetter >= 0 || random() < 0.6 ? person() : null;
    const address = !agency && (staff || random() < 0.25) ? `${pick(STREETS)} ${1 + Math.floor(random() * 40)}` : null;
    const text =
      formLetter >= 0
        ? `${FORM_LETTERS[formLetter]!.text}${name ? `\n\n${name}${address ? `, ${address}, 61250 Usingen` : ""}` : ""}`
        : agency
          ? textOf(TOEB_SENTENCES, "Sehr geehrte Damen und Herren,\nvielen Dank für die Beteiligung. Zu dem Entwurf nehmen wir wie folgt Stellung:", "Wir bitten um Beteiligung im weiteren Verfahren.", null, null)
          : textOf(PUBLIC_SENTENCES, pick(PUBLIC_OPENERS), pick(PUBLIC_CLOSERS), name, address);

    // processing: 40 % new, 25 % in progress (a draft), 35 % weighed
    const p = random();
    const status: StatementStatus = p < 0.4 ? "neu" : p < 0.65 ? "in_bearbeitung" : "abgewogen";
    const verdict: Verdict | null = status === "abgewogen" || (status === "in_bearbeitung" && random() < 0.5) ? pick(VERDICTS) : null;
    const response = status === "neu" ? "" : responseOf();
    const weighedAt = status === "neu" ? created : Math.min(latest, Math.max(created, closes) + Math.floor(random() * 7 * DAY));
    const assigned = status !== "neu" ? random() < 0.6 : random() < 0.1;
    const id = newId({ now: () => new Date(created) });
    const createdIso = new Date(created).toISOString();
    const docIndex = random() < 0.3 ? Math.floor(random() * o.documentIds.length) : -1;
    const locationText = !agency && random() < 0.15 ? pick(["Mühlweg, Höhe der alten Eichen", "Einmündung Weilburger Straße", "Feldweg am Bahndamm", "Grünfläche an der Usa"]) : null;
    const point = !agency && !staff && random() < 0.1 ? JSON.stringify({ type: "Point", coordinates: [round6(8.531 + random() * 0.02), round6(50.329 + random() * 0.01)] }) : null;
    rows.push({
      id,
      tenant_id: o.tenantId,
      procedure_id: o.procedureId,
      phase_id: o.phase.id,
      reference: "",
      source: agency ? "toeb" : "oeffentlichkeit",
      channel: staff ? "verwaltung" : "online",
      account_id: null,
      agency_id: invitation?.agency_id ?? null,
      invitation_id: agency && !staff ? invitation!.id : null,
      submitter_name: name,
      submitter_email: agency && !staff ? invitation!.agency_email : !agency && !staff && random() < 0.5 ? `buerger${i + 1}@mail.example` : null,
      submitter_address: staff && address ? `${address}, 61250 Usingen` : null,
      text,
      document_id: docIndex >= 0 ? o.documentIds[docIndex]! : null,
      document_page: docIndex >= 0 && random() < 0.7 ? String(2 + Math.floor(random() * 60)) : null,
      location_text: locationText,
      location_geojson: point,
      consent_at: staff ? null : createdIso,
      submitted_at: new Date(submitted).toISOString(),
      late: late ? 1 : 0,
      entered_by: staff ? o.plannerId : null,
      status,
      assignee_id: assigned ? o.plannerId : null,
      group_id: formLetter >= 0 ? groupRows[formLetter]!.id : null,
      verdict,
      response,
      published_text: null,
      weighing_id: null,
      search_text: null,
      feedback_token_hash: null,
      feedback_sent_at: null,
      created_at: createdIso,
      modified_at: new Date(weighedAt).toISOString(),
    });
    if (status !== "neu" || random() < 0.1) {
      const first = Math.floor(random() * TOPICS.length);
      const ids = new Set([first, ...(random() < 0.3 ? [Math.floor(random() * TOPICS.length)] : [])]);
      for (const t of ids) statementTopics.push({ tenant_id: o.tenantId, statement_id: id, topic_id: topicRows[t]!.id });
    }
  }
  const textChars = rows.reduce((a, s) => a + s.text.length, 0);
  const lengths = rows.map((s) => s.text.length);
  const minTextChars = Math.min(...lengths);
  const maxTextChars = Math.max(...lengths);
  if (minTextChars < 300 || maxTextChars > 2500) throw new Error(`statement texts of ${minTextChars}–${maxTextChars} characters, expected 300–2,500`);
  const byStatus = { neu: 0, in_bearbeitung: 0, abgewogen: 0 } as Record<StatementStatus, number>;
  for (const s of rows) byStatus[s.status]++;
  return {
    rows,
    topics: topicRows,
    statementTopics,
    groups: groupRows,
    stats: {
      minTextChars,
      avgTextChars: Math.round(textChars / rows.length),
      maxTextChars,
      textMb: round1(Buffer.byteLength(rows.map((s) => s.text).join(""), "utf8") / 1024 / 1024),
      byStatus,
      toeb: rows.filter((s) => s.source === "toeb").length,
      staffEntered: rows.filter((s) => s.channel === "verwaltung").length,
      late: rows.filter((s) => s.late).length,
      withTopics: new Set(statementTopics.map((t) => t.statement_id)).size,
      grouped: rows.filter((s) => s.group_id).length,
    },
  };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The rows in one transaction: references numbered in order of entry from the town's counter per
 * year (as nextStatementNumber hands them out), the counter advanced past them, then the
 * statements, groups, topics and topic links in multi-row inserts.
 */
async function insertStatements(p: Platform, tenantId: string, g: Generated): Promise<void> {
  const byEntry = [...g.rows].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  await p.db.tx(async (trx) => {
    const counters = new Map<number, number>();
    for (const s of byEntry) {
      const year = Number(berlinDateTime(new Date(s.created_at)).date.slice(0, 4));
      if (!counters.has(year)) {
        const row = await trx.selectFrom("participation_counters").select("next").where("tenant_id", "=", tenantId).where("year", "=", year).executeTakeFirst();
        counters.set(year, row ? Number(row.next) : 0);
      }
      const n = counters.get(year)! + 1;
      counters.set(year, n);
      s.reference = `ST-${year}-${String(n).padStart(5, "0")}`;
      s.search_text = statementSearchText(s.reference, s.text);
    }
    for (const [year, next] of counters) {
      await trx
        .insertInto("participation_counters")
        .values({ tenant_id: tenantId, year, next })
        .onConflict((oc) => oc.columns(["tenant_id", "year"]).doUpdateSet({ next }))
        .execute();
    }
    if (g.groups.length) await trx.insertInto("participation_groups").values(g.groups).execute();
    await trx.insertInto("participation_topics").values(g.topics).execute();
    for (let j = 0; j < g.rows.length; j += ROWS) await trx.insertInto("participation_statements").values(g.rows.slice(j, j + ROWS)).execute();
    for (let j = 0; j < g.statementTopics.length; j += ROWS * 2) await trx.insertInto("participation_statement_topics").values(g.statementTopics.slice(j, j + ROWS * 2)).execute();
  });
}

// ---------------------------------------------------------------- export process

function exportChild(env: Record<string, string>): Promise<ExportChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", join(here, "participation-export.ts")], { cwd: repo, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (err = (err + c.toString("utf8")).slice(-4000)));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const line = /^RESULT (.+)$/m.exec(out)?.[1];
      if (code !== 0 || !line) return reject(new Error(`export process ended with ${code ?? signal}:\n${err || out.slice(-2000)}`));
      resolve(JSON.parse(line) as ExportChildResult);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dialects = process.argv.slice(2).filter((a): a is DialectName => a === "sqlite" || a === "postgres");
  const statements = process.env.BENCH_PARTICIPATION_STATEMENTS ? Number(process.env.BENCH_PARTICIPATION_STATEMENTS) : undefined;
  const small = process.env.BENCH_PARTICIPATION_SMALL ? Number(process.env.BENCH_PARTICIPATION_SMALL) : undefined;
  try {
    const r = await benchParticipation({ ...(dialects.length ? { dialects } : {}), ...(statements ? { statements } : {}), ...(small ? { small } : {}) });
    console.log(formatParticipationResult(r));
  } catch (err) {
    console.error(`participation bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
}
