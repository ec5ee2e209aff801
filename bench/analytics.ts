/**
 * Usage statistics benchmark (issue 9):
 * - the counting pipeline absorbs >= 10,000 page views per second fed directly,
 * - serving pages with counting on reaches >= 90 % of the req/s with counting off (one run),
 * - a report over 10 million page views (from the roll-ups) in < 300 ms (p95),
 * the pipeline and the report on SQLite and on PostgreSQL, the serving on SQLite (as bench/run.ts).
 *
 * 1. Pipeline. Per database a fresh platform (openPlatform, migrated, demo seed DEMO_SIZE=small;
 *    on PostgreSQL a fresh database in a throwaway cluster, scripts/pg.mjs), the seed's own jobs run
 *    first. Then N = 100,000 PageViews of one Berlin day (yesterday) are handed to
 *    `analyticsService(ctx).recorder.record(...)` — as the platform's onResponse hook does — in
 *    chunks of 1,000 with a turn of the event loop in between (so the recorder's flushes reach the job
 *    queue while views keep coming, as in a server): ~400 paths over all areas of the demo (home,
 *    every service and service area, news, announcements, council, participation, construction,
 *    contact and offices, search, Mein Rathaus, legal pages, unknown paths → Sonstige) with skewed
 *    weights, 9,000 visitors (IP + one of 8 browser user agents), referrers, hours after a daily
 *    curve. Then `recorder.flush()`, `ctx.jobs.runDue` until nothing is due, and `rollUp()`.
 *    Wall time from the first record to the aggregates written → views/s; split into record (the
 *    synchronous record calls), queue (the rest until every batch is in the job queue), write
 *    (claiming and running the write jobs; of which the write handler `writeEvents`, timed by wrapping
 *    the service instance's method) and roll-up. Checked: the recorder counted N (no bot, no failure),
 *    no job failed, N raw events, and the aggregates of the day hold exactly N views (site row, pages,
 *    areas, the report) — nothing dropped silently.
 *
 * 2. Serving with counting on and off, in one run. Two server processes of the built app
 *    (`node dist/cli.js serve`, as bench/run.ts), each on a fresh temporary DATA_DIR (SQLite, demo
 *    seed, jobs on), one with ANALYTICS_COUNTING=false (config.analyticsCounting; the analytics
 *    module then sets no ctx.pageViews). After the first start each server is left until it is idle
 *    (the seed's jobs done). autocannon (50 connections, browser user agent — autocannon sends none by
 *    default, and the recorder treats a missing user agent as a bot) against `/usingen/` and a service
 *    page; a warm-up per target, then rounds alternating on/off (the order flips every round); after
 *    every load the bench waits until the loaded server is idle again, so the write jobs of an "on"
 *    round never run during an "off" round. Medians of req/s; ratio on/off. Also the server's CPU time
 *    per request during the load and including the tail until idle (the deferred writes). Checked after
 *    SIGTERM (which flushes the buffer into the queue): the "on" server counted every answered page
 *    (raw events + views still in queued write jobs; at most 50 more per load, requests in flight when
 *    autocannon stopped), the "off" server none.
 *
 * 3. Report over 10 million page views. In the same platform (after the pipeline, Usingen's analytics
 *    tables emptied) the aggregates of two years up to yesterday are written directly:
 *    `analytics_daily_pages` (the same ~400 paths, classified by the module's rules; news articles
 *    appear on their publication day and fade), `analytics_daily_areas` (areas, sub-areas and the site
 *    row "*", as rollUpDay writes them), `analytics_daily_dimensions` (referrers, devices, browsers);
 *    daily totals with growth, weekdays, seasons, noise and a few peaks, summing to exactly
 *    10,000,000. `analytics_hourly` is not written (no report reads it). PostgreSQL gets VACUUM ANALYZE.
 *    Then `service.report(tenantId, from, to)` over the whole range and over the last 30 days: 3
 *    warm-ups, 20 timed runs each, p50/p95; the report's total must be 10,000,000 (and the 30 days'
 *    total what was generated). Afterwards each store query of the report alone (p50 of 5), to show
 *    where the time goes.
 *
 * From bench/run.ts (BENCH_ANALYTICS=0 skips it). Standalone (needs `npm run build` for part 2):
 * `node --import tsx bench/analytics.ts [sqlite|postgres]` (the argument limits parts 1 and 3).
 * Env: BENCH_ANALYTICS_VIEWS (100000), BENCH_ANALYTICS_REPORT_VIEWS (10000000),
 * BENCH_ANALYTICS_DURATION (5 s per load), BENCH_ANALYTICS_ROUNDS (3), BENCH_ANALYTICS_SERVE=0 skips part 2.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import SQLite from "better-sqlite3";
import pg from "pg";
import { CompiledQuery, sql } from "kysely";
import { loadConfig } from "../src/config.js";
import { openPlatform, type Platform } from "../src/server.js";
import type { DialectName, Executor } from "../src/platform/db/index.js";
import { berlinToInstant } from "../src/platform/clock.js";
import type { PageView } from "../src/platform/page-views.js";
import { analyticsService } from "../src/modules/analytics/index.js";
import { WRITE_JOB } from "../src/modules/analytics/recorder.js";
import { addDays } from "../src/modules/analytics/service.js";
import { classify, storedPath, type AreaRule } from "../src/modules/analytics/classify.js";
import { isBot } from "../src/modules/analytics/ua.js";
import { SITE, type DailyAreaRow, type DailyPageRow, type Dimension } from "../src/modules/analytics/store.js";

// ---------------------------------------------------------------- results

export interface BenchTarget {
  name: string;
  target: string;
  measured: number;
  unit: string;
  met: boolean;
}

export interface PipelineResult {
  dialect: DialectName;
  day: string;
  views: number;
  paths: number;
  visitors: number;
  /** wall time from the first record to the aggregates written */
  totalMs: number;
  viewsPerSec: number;
  /** the synchronous record() calls (bot check, hashing, classification of the path, buffer) */
  recordMs: number;
  /** the rest of the time until every batch was in the job queue (enqueue of the batches) */
  queueMs: number;
  /** runDue until nothing was due: claiming, the write handler, marking done */
  writeMs: number;
  /** of writeMs: inside AnalyticsService.writeEvents (settings, rules, classify, insert events, mark the day dirty) */
  writeHandlerMs: number | null;
  rollupMs: number;
  jobs: number;
  avgPayloadKb: number;
  /** the checks: all equal to `views` */
  counted: { recorded: number; flushed: number; failedToQueue: number; bots: number; failedJobs: number; rawEvents: number; siteViews: number; pageViews: number; areaViews: number; reportViews: number };
  exact: boolean;
}

export interface ServingRun {
  counting: "on" | "off";
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  /** CPU of the server process during the load, % of one core */
  serverCpuPercent: number;
  /** CPU of this process (autocannon) during the load, % of one core */
  clientCpuPercent: number;
  /** user+system CPU of every other process on the machine during the load, % of one core: should be near 0 */
  otherCpuPercent: number;
  serverCpuUsPerRequest: number;
  /** CPU time per request including the tail after the load until the server was idle (deferred writes) */
  serverCpuUsPerRequestWithTail: number;
  tailMs: number;
}

export interface ServingSummary {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuPercent: number;
  otherCpuPercent: number;
  cpuUsPerRequest: number;
  cpuUsPerRequestWithTail: number;
}

export interface ServingScenario {
  name: string;
  path: string;
  on: ServingSummary;
  off: ServingSummary;
  /** the target: median req/s on ÷ median req/s off */
  ratio: number;
  /** server CPU per request off ÷ on (with the deferred writes): what the ratio would be if the server's CPU were the only limit */
  cpuRatio: number;
  runs: ServingRun[];
}

export interface ServingResult {
  durationSeconds: number;
  rounds: number;
  connections: number;
  userAgent: string;
  scenarios: ServingScenario[];
  /** pages answered 200 by the "on" server (autocannon 2xx + the checks) and what it counted */
  onAnswered: number;
  onCounted: number;
  onCountedInQueue: number;
  offCounted: number;
  /** max views counted but not seen by autocannon (in flight at the end of a load): connections × loads */
  slack: number;
  countingOk: boolean;
  failedRequests: number;
}

export interface QueryTiming {
  name: string;
  p50Ms: number;
}

export interface ReportTiming {
  name: string;
  from: string;
  to: string;
  views: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  queries: QueryTiming[];
}

export interface ReportResult {
  dialect: DialectName;
  views: number;
  days: number;
  rows: { pages: number; areas: number; dimensions: number };
  insertMs: number;
  timings: ReportTiming[];
}

export interface AnalyticsBenchResult {
  results: { date: string; machine: { cpus: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] }; pipeline: PipelineResult[]; serving?: ServingResult; report: ReportResult[] };
  targets: BenchTarget[];
}

// ---------------------------------------------------------------- settings

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const CONNECTIONS = 50;
const CHUNK = 1000;
const VISITORS = 9000;
const REPORT_DAYS = 730;
const REPORT_WARMUP = 3;
const REPORT_RUNS = 20;
const QUERY_RUNS = 5;
const SLUG = "usingen";
const HOST = "www.usingen.example";

/** Browser user agents (none may look like a bot to the recorder: checked at the start). */
const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
];
const SERVE_UA = USER_AGENTS[2]!;
const REFERRERS = ["https://www.google.de/", "https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/", "https://www.ecosia.org/", "https://www.facebook.com/", "https://www.instagram.com/", "https://www.hochtaunuskreis.de/", "https://www.usinger-anzeiger.de/", "https://de.wikipedia.org/", "https://www.hessen.de/", "https://www.rmv.de/", "https://www.taunus.info/", "https://www.neu-anspach.de/", "https://www.wehrheim.de/", "https://www.arbeitsagentur.de/", "https://www.bundesportal.de/", "https://t.co/", "https://www.linkedin.com/", "https://mastodon.social/", "https://www.yahoo.com/", "https://www.qwant.com/", "https://www.startpage.com/", "https://www.ebay-kleinanzeigen.de/", "https://www.kita-usingen.example/"];

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

// ---------------------------------------------------------------- entry

export async function benchAnalytics(opts: { dialects?: DialectName[]; views?: number; reportViews?: number; serve?: boolean; durationSeconds?: number; rounds?: number; log?: (l: string) => void } = {}): Promise<AnalyticsBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const date = new Date().toISOString();
  const loadAverageAtStart = loadavg().map(round2);
  if (loadAverageAtStart[0]! > 0.5 * cpus().length) log(`!! load average ${loadAverageAtStart.join(" ")} on ${cpus().length} CPUs: the machine is busy, the analytics numbers will be depressed and noisy`);
  for (const ua of USER_AGENTS) if (isBot(ua)) throw new Error(`the bench's user agent counts as a bot: ${ua}`);
  const views = opts.views ?? envInt("BENCH_ANALYTICS_VIEWS", 100_000, 1);
  const reportViews = opts.reportViews ?? envInt("BENCH_ANALYTICS_REPORT_VIEWS", 10_000_000, REPORT_DAYS);
  const pipeline: PipelineResult[] = [];
  const report: ReportResult[] = [];
  let serving: ServingResult | undefined;
  let pgServer: { adminUrl: string; stop(): Promise<void> } | undefined;
  try {
    for (const dialect of opts.dialects ?? ["sqlite", "postgres"]) {
      let adminUrl: string | undefined;
      if (dialect === "postgres") {
        const { startPostgres } = (await import(pathToFileURL(join(repo, "scripts", "pg.mjs")).href)) as { startPostgres(o: { log(...a: unknown[]): void }): Promise<{ adminUrl: string; stop(): Promise<void> }> };
        pgServer = await startPostgres({ log: (...a) => log(a.join(" ")) });
        adminUrl = pgServer.adminUrl;
      }
      const r = await benchDatabase(dialect, adminUrl, views, reportViews, log);
      pipeline.push(r.pipeline);
      report.push(r.report);
      await pgServer?.stop();
      pgServer = undefined;
    }
  } finally {
    await pgServer?.stop();
  }
  if (opts.serve ?? process.env.BENCH_ANALYTICS_SERVE !== "0") {
    serving = await benchServing(opts.durationSeconds ?? envInt("BENCH_ANALYTICS_DURATION", 5, 1), opts.rounds ?? envInt("BENCH_ANALYTICS_ROUNDS", 3, 1), log);
  }
  const targets: BenchTarget[] = [
    ...pipeline.map((p) => ({ name: `analytics pipeline on ${p.dialect}: ${p.views} views fed directly until rolled up${p.exact ? "" : " (COUNTS DO NOT MATCH)"}`, target: ">= 10000", measured: p.viewsPerSec, unit: "views/s", met: p.viewsPerSec >= 10_000 && p.exact })),
    ...(serving?.scenarios ?? []).map((s) => ({ name: `serving ${s.path} with counting on vs. off (req/s, medians)${serving!.countingOk ? "" : " (COUNTING CHECK FAILED)"}`, target: ">= 0.90", measured: s.ratio, unit: "× off", met: s.ratio >= 0.9 && serving!.countingOk && serving!.failedRequests === 0 })),
    ...report.flatMap((r) => r.timings.map((t) => ({ name: `analytics report over ${t.name} (${t.views.toLocaleString("en")} views) on ${r.dialect}, p95`, target: "< 300", measured: t.p95Ms, unit: "ms", met: t.p95Ms < 300 }))),
  ];
  const machine = { cpus: cpus().length, loadAverageAtStart, loadAverageAtEnd: loadavg().map(round2) };
  return { results: { date, machine, pipeline, ...(serving ? { serving } : {}), report }, targets };
}

export function formatAnalyticsResult(r: AnalyticsBenchResult): string {
  const lines: string[] = [];
  const m = r.results.machine;
  lines.push(`\nAnalytics bench ${r.results.date}, ${m.cpus} CPUs, load average at start ${m.loadAverageAtStart.join(" ")}, at end ${m.loadAverageAtEnd.join(" ")}`);
  for (const p of r.results.pipeline) {
    lines.push(`\nAnalytics pipeline on ${p.dialect}: ${p.views} views of ${p.day} (${p.paths} paths, ${p.visitors} visitors) in ${Math.round(p.totalMs)} ms = ${p.viewsPerSec} views/s`);
    lines.push(`  record ${Math.round(p.recordMs)} ms (${round2((p.recordMs * 1000) / p.views)} µs/view), queue ${Math.round(p.queueMs)} ms (${p.jobs} write jobs, ${p.avgPayloadKb} KB payload each), write ${Math.round(p.writeMs)} ms (of which writeEvents ${p.writeHandlerMs === null ? "n/a" : `${Math.round(p.writeHandlerMs)} ms`}), roll-up ${Math.round(p.rollupMs)} ms`);
    const c = p.counted;
    lines.push(`  counted: recorder ${c.recorded} (queued ${c.flushed}, bots ${c.bots}, failed ${c.failedToQueue}), failed jobs ${c.failedJobs}, raw events ${c.rawEvents}, aggregates: site ${c.siteViews}, pages ${c.pageViews}, areas ${c.areaViews}, report ${c.reportViews} → ${p.exact ? "exact" : "MISMATCH"}`);
  }
  const s = r.results.serving;
  if (s) {
    lines.push(`\nServing with counting on vs. off (dist/cli.js serve, SQLite, ${s.connections} connections, ${s.rounds} rounds × ${s.durationSeconds} s, alternating; UA ${s.userAgent.slice(0, 40)}…):`);
    for (const sc of s.scenarios) {
      lines.push(`  ${sc.path.padEnd(38)} on ${Math.round(sc.on.reqPerSec)} req/s (p99 ${sc.on.p99Ms} ms, CPU ${sc.on.serverCpuPercent} % (other processes ${sc.on.otherCpuPercent} %), ${sc.on.cpuUsPerRequest} µs CPU/req, ${sc.on.cpuUsPerRequestWithTail} with the deferred writes), off ${Math.round(sc.off.reqPerSec)} req/s (p99 ${sc.off.p99Ms} ms, CPU ${sc.off.serverCpuPercent} % (other ${sc.off.otherCpuPercent} %), ${sc.off.cpuUsPerRequest} µs CPU/req) → ratio ${sc.ratio} (server CPU per request off/on ${sc.cpuRatio})`);
      lines.push(`    rounds: ${sc.runs.map((x) => `${x.counting} ${Math.round(x.reqPerSec)}`).join(", ")}`);
    }
    lines.push(`  counting check: "on" answered ${s.onAnswered} pages, counted ${s.onCounted} (${s.onCountedInQueue} of them still in queued write jobs; up to ${s.slack} more allowed, in flight at the end of a load); "off" counted ${s.offCounted} → ${s.countingOk ? "ok" : "FAILED"}${s.failedRequests ? `; !! ${s.failedRequests} failed requests` : ""}`);
  }
  for (const rep of r.results.report) {
    lines.push(`\nAnalytics report on ${rep.dialect}: ${rep.views.toLocaleString("en")} views over ${rep.days} days written as aggregates (${rep.rows.pages} page rows, ${rep.rows.areas} area rows, ${rep.rows.dimensions} dimension rows) in ${Math.round(rep.insertMs)} ms`);
    for (const t of rep.timings) {
      lines.push(`  ${t.name.padEnd(16)} ${t.from}..${t.to}: p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms, max ${t.maxMs} ms (${REPORT_RUNS} runs); total ${t.views.toLocaleString("en")}`);
      lines.push(`    queries alone (p50 of ${QUERY_RUNS}): ${t.queries.map((q) => `${q.name} ${q.p50Ms}`).join(", ")} ms`);
    }
  }
  lines.push("\nTargets (analytics):");
  for (const t of r.targets) lines.push(`  ${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.measured} ${t.unit} (target ${t.target} ${t.unit})`);
  return lines.join("\n");
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

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${"89ab"[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** `total` split into integers proportional to `weights` (largest remainder): the parts sum to exactly `total`. */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const parts = exact.map(Math.floor);
  let rest = total - parts.reduce((a, n) => a + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k]![1]]!++;
  return parts;
}

interface CataloguePath {
  /** the path as served, e.g. /usingen/dienste/meldebescheinigung */
  path: string;
  /** as stored (storedPath) */
  stored: string;
  area: string;
  subArea: string;
  weight: number;
  /** news: day index (0..REPORT_DAYS-1) of publication; the article is read from then on, most in its first days */
  published?: number;
}

/**
 * ~400 paths of a town's site over all areas the modules define (taken from the analytics rules, so
 * every service and service area is there), weighted: category shares, and within a category the
 * k-th path gets 1/k (a few pages carry most views).
 */
function catalogue(rules: AreaRule[], random: () => number): CataloguePath[] {
  const categories: { share: number; rels: string[]; news?: boolean }[] = [];
  const ids = (n: number) => Array.from({ length: n }, () => uuid(random));
  const services = rules.filter((r) => r.prefix.startsWith("dienste/") && r.prefix !== "dienste/").map((r) => r.prefix);
  categories.push({ share: 0.2, rels: [""] });
  categories.push({ share: 0.2, rels: ["dienste/", ...shuffle(services, random)] });
  categories.push({ share: 0.15, rels: ["aktuelles", ...ids(120).map((id) => `aktuelles/${id}`)], news: true });
  categories.push({ share: 0.12, rels: ["rat/", "rat/sitzungen", "rat/vorlagen", "rat/gremien", "rat/suche", ...shuffle([...ids(60).map((id) => `rat/sitzungen/${id}`), ...ids(40).map((id) => `rat/vorlagen/${id}`), ...ids(8).map((id) => `rat/gremien/${id}`), ...ids(20).map((id) => `rat/personen/${id}`)], random)] });
  categories.push({ share: 0.06, rels: ["bekanntmachungen", ...ids(40).map((id) => `bekanntmachungen/${id}`)] });
  categories.push({ share: 0.07, rels: ["kontakt", "aemter/", ...ids(12).map((id) => `aemter/${id}`)] });
  categories.push({ share: 0.03, rels: ["beteiligung/", ...ids(10).map((id) => `beteiligung/${id}`)] });
  categories.push({ share: 0.03, rels: ["bauvorhaben/", ...ids(15).map((id) => `bauvorhaben/${id}`)] });
  categories.push({ share: 0.04, rels: ["suche"] });
  categories.push({ share: 0.02, rels: ["mein-rathaus/", "mein-rathaus/antraege", "mein-rathaus/postfach"] });
  categories.push({ share: 0.04, rels: ["impressum", "datenschutz", "barrierefreiheit", "leichte-sprache", "gebaerdensprache"] });
  categories.push({ share: 0.04, rels: ["anmelden", "stadtplan", "partnerstaedte", "veranstaltungen", "tourismus/hattsteiner-weiher", "tourismus/schlossgarten", "kultur/stadtbibliothek", "kultur/museum", "wirtschaft/gewerbegebiete", "feuerwehr", "schulen", "vereine", "ortsteile/eschbach", "ortsteile/kransberg", "ortsteile/merzhausen"] });
  const out: CataloguePath[] = [];
  for (const c of categories) {
    const h = c.rels.reduce((a, _r, k) => a + 1 / (k + 1), 0);
    c.rels.forEach((rel, k) => {
      const path = `/${SLUG}/${rel}`;
      const stored = storedPath(path, SLUG);
      const { area, subArea } = classify(stored.rel, rules);
      const p: CataloguePath = { path, stored: stored.path, area, subArea, weight: (c.share * (1 / (k + 1))) / h };
      if (c.news && k > 0) p.published = Math.floor(random() * REPORT_DAYS) - 30;
      out.push(p);
    });
  }
  if (new Set(out.map((p) => p.stored)).size !== out.length) throw new Error("the bench's path catalogue has duplicates");
  return out;
}

// ---------------------------------------------------------------- one database: pipeline and report

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function benchDatabase(dialect: DialectName, adminUrl: string | undefined, views: number, reportViews: number, log: (l: string) => void): Promise<{ pipeline: PipelineResult; report: ReportResult }> {
  const dataDir = mkdtempSync(join(tmpdir(), "rathaus-bench-analytics-"));
  let databaseUrl: string | undefined;
  const dbName = `bench_analytics_${randomBytes(4).toString("hex")}`;
  if (adminUrl) {
    await adminQuery(adminUrl, `create database ${dbName}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const env: Record<string, string> = { DATA_DIR: dataDir, DEMO: "true", DEMO_SIZE: "small", LOG_LEVEL: "warn", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  let p: Platform | undefined;
  try {
    const o0 = performance.now();
    p = await openPlatform({ config: loadConfig(env as NodeJS.ProcessEnv), logger: false, seed: true });
    await p.ctx.jobs.stop();
    let seedJobs = 0;
    for (let n = 1; n > 0; seedJobs += n) n = await p.ctx.jobs.runDue(1000);
    log(`${dialect}: platform migrated and seeded in ${Math.round(performance.now() - o0)} ms (${seedJobs} seed jobs run)`);
    const pipeline = await runPipeline(p, dialect, views, log);
    const report = await runReport(p, dialect, reportViews, log);
    return { pipeline, report };
  } finally {
    await p?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => undefined);
  }
}

async function runPipeline(p: Platform, dialect: DialectName, n: number, log: (l: string) => void): Promise<PipelineResult> {
  const ctx = p.ctx;
  const tenant = ctx.tenants.bySlug(SLUG)!;
  const svc = analyticsService(ctx);
  const day = addDays(svc.today(), -1);
  const random = rng(20261127);
  const paths = catalogue(await svc.rulesOf(tenant.id), random);
  const cumulative: number[] = [];
  paths.reduce((a, x) => (cumulative.push(a + x.weight), a + x.weight), 0);
  const totalWeight = cumulative[cumulative.length - 1]!;
  const pick = () => {
    const x = random() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return paths[lo]!;
  };
  const people = Array.from({ length: VISITORS }, (_v, i) => ({ ip: i % 3 === 0 ? `2001:db8:${(i >> 8).toString(16)}::${(i & 255).toString(16)}` : `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, ua: USER_AGENTS[Math.floor(random() * USER_AGENTS.length)]! }));
  // a daily curve: little at night, most in the morning and early evening
  const hourWeights = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.4, 2.4, 3, 3.2, 3, 2.6, 2.6, 2.6, 2.4, 2.3, 2.3, 2.5, 2.6, 2.4, 1.8, 1.1, 0.6];
  const perHour = allocate(n, hourWeights);
  const pageViews: PageView[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const start = berlinToInstant(day, hour, 0).getTime();
    for (let i = 0; i < perHour[hour]!; i++) {
      // a few heavy visitors, many with one or two pages
      const who = people[Math.floor(random() ** 1.6 * people.length)]!;
      const r = random();
      const referer = r < 0.3 ? REFERRERS[Math.floor(random() ** 2 * REFERRERS.length)] : r < 0.6 ? `https://${HOST}/${SLUG}/` : undefined;
      pageViews.push({ tenantId: tenant.id, slug: SLUG, path: pick().path, at: new Date(start + Math.floor((i / perHour[hour]!) * 3_600_000)), ip: who.ip, userAgent: who.ua, referer, host: HOST, optOut: false });
    }
  }
  const visitors = new Set(pageViews.map((v) => `${v.ip}|${v.userAgent}`)).size;

  // time the write handler (the service instance the write job calls)
  let handlerMs = 0;
  let handlerCalls = 0;
  const writeEvents = svc.writeEvents.bind(svc);
  svc.writeEvents = async (events, trx) => {
    const s = performance.now();
    try {
      return await writeEvents(events, trx);
    } finally {
      handlerMs += performance.now() - s;
      handlerCalls++;
    }
  };
  const rec = svc.recorder;
  const before = { ...rec.stats };
  const t0 = performance.now();
  let recordMs = 0;
  for (let i = 0; i < n; i += CHUNK) {
    const s = performance.now();
    for (let j = i; j < Math.min(n, i + CHUNK); j++) rec.record(pageViews[j]!);
    recordMs += performance.now() - s;
    await nextTurn();
  }
  await rec.flush();
  const tQueued = performance.now();
  let jobs = 0;
  for (let k = 1; k > 0; jobs += k) k = await ctx.jobs.runDue(1000);
  const tWritten = performance.now();
  while ((await svc.rollUp()) > 0);
  const tRolled = performance.now();
  svc.writeEvents = writeEvents;

  const db = ctx.db.kysely;
  const num = (x: unknown) => Number(x ?? 0);
  const rawEvents = num((await db.selectFrom("analytics_events").select(sql<number>`sum(views)`.as("n")).where("tenant_id", "=", tenant.id).where("day", "=", day).executeTakeFirst())?.n);
  const siteViews = num((await db.selectFrom("analytics_daily_areas").select("views").where("tenant_id", "=", tenant.id).where("day", "=", day).where("area", "=", SITE).executeTakeFirst())?.views);
  const pageViewsSum = num((await db.selectFrom("analytics_daily_pages").select(sql<number>`sum(views)`.as("n")).where("tenant_id", "=", tenant.id).where("day", "=", day).executeTakeFirst())?.n);
  const areaViews = num((await db.selectFrom("analytics_daily_areas").select(sql<number>`sum(views)`.as("n")).where("tenant_id", "=", tenant.id).where("day", "=", day).where("area", "!=", SITE).where("sub_area", "=", "").executeTakeFirst())?.n);
  const reportViews = (await svc.report(tenant.id, day, day)).views;
  const failedJobs = (await ctx.jobs.counts()).failed;
  // the views travel as batch rows now (analytics_batches, deleted when drained); the jobs carry none
  const payload = { b: 0 };
  const counted = {
    recorded: rec.stats.recorded - before.recorded,
    flushed: rec.stats.flushed - before.flushed,
    failedToQueue: rec.stats.failed - before.failed,
    bots: rec.stats.bots - before.bots,
    failedJobs,
    rawEvents,
    siteViews,
    pageViews: pageViewsSum,
    areaViews,
    reportViews,
  };
  const exact = counted.recorded === n && counted.flushed === n && counted.failedToQueue === 0 && counted.bots === 0 && failedJobs === 0 && rawEvents === n && siteViews === n && pageViewsSum === n && areaViews === n && reportViews === n;
  const totalMs = tRolled - t0;
  const result: PipelineResult = {
    dialect,
    day,
    views: n,
    paths: paths.length,
    visitors,
    totalMs: Math.round(totalMs),
    viewsPerSec: Math.round(n / (totalMs / 1000)),
    recordMs: Math.round(recordMs),
    queueMs: Math.round(tQueued - t0 - recordMs),
    writeMs: Math.round(tWritten - tQueued),
    writeHandlerMs: handlerCalls > 0 ? Math.round(handlerMs) : null,
    rollupMs: Math.round(tRolled - tWritten),
    jobs,
    avgPayloadKb: round1(num(payload?.b) / 1024),
    counted,
    exact,
  };
  log(`${dialect}: pipeline ${n} views in ${result.totalMs} ms = ${result.viewsPerSec} views/s (record ${result.recordMs}, queue ${result.queueMs}, write ${result.writeMs}, roll-up ${result.rollupMs} ms)${exact ? "" : ` !! counts do not match: ${JSON.stringify(counted)}`}`);
  return result;
}

async function runReport(p: Platform, dialect: DialectName, total: number, log: (l: string) => void): Promise<ReportResult> {
  const ctx = p.ctx;
  const tenant = ctx.tenants.bySlug(SLUG)!;
  const svc = analyticsService(ctx);
  const last = addDays(svc.today(), -1);
  const first = addDays(last, -(REPORT_DAYS - 1));
  const days = Array.from({ length: REPORT_DAYS }, (_v, i) => addDays(first, i));
  const random = rng(4711);
  const paths = catalogue(await svc.rulesOf(tenant.id), random);

  // daily totals: growth, weekday, season, noise, a few peaks (news of the day); exactly `total`
  const peaks = new Set(Array.from({ length: 8 }, () => Math.floor(random() * REPORT_DAYS)));
  const dayWeights = days.map((d, i) => {
    const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
    const dayOfYear = (Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) - Date.UTC(Number(d.slice(0, 4)), 0, 1)) / 86_400_000;
    const season = 1 + 0.12 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365);
    const week = weekday === 6 ? 0.6 : weekday === 0 ? 0.55 : weekday === 1 ? 1.15 : 1.05;
    return (1 + (0.25 * i) / REPORT_DAYS) * season * week * (0.9 + 0.2 * random()) * (peaks.has(i) ? 2.5 : 1);
  });
  const dayTotals = allocate(total, dayWeights);

  const pages: DailyPageRow[] = [];
  const areas: DailyAreaRow[] = [];
  const dims: { tenant_id: string; day: string; dimension: Dimension; value: string; views: number }[] = [];
  const referrerDomains = REFERRERS.map((r) => new URL(r).hostname.replace(/^www\./, ""));
  days.forEach((day, i) => {
    const dayTotal = dayTotals[i]!;
    const weights = paths.map((x) => {
      if (x.published === undefined) return x.weight * (0.75 + 0.5 * random());
      if (i < x.published) return 0;
      return x.weight * (0.15 + 4 * Math.exp(-(i - x.published) / 6)) * (0.75 + 0.5 * random());
    });
    const counts = allocate(dayTotal, weights);
    const byArea = new Map<string, { views: number; visitors: number }>();
    const add = (key: string, v: number, vis: number) => {
      const a = byArea.get(key) ?? { views: 0, visitors: 0 };
      a.views += v;
      a.visitors += vis;
      byArea.set(key, a);
    };
    paths.forEach((x, k) => {
      const v = counts[k]!;
      if (v === 0) return;
      const visitors = Math.max(1, Math.round(v * (0.6 + 0.25 * random())));
      pages.push({ tenant_id: tenant.id, day, path: x.stored, area: x.area, sub_area: x.subArea, views: v, visitors });
      add(`${x.area}\u0000`, v, visitors);
      if (x.subArea) add(`${x.area}\u0000${x.subArea}`, v, visitors);
    });
    for (const [key, a] of byArea) {
      const [area, subArea] = key.split("\u0000") as [string, string];
      // visitors of an area are distinct across its pages: fewer than the pages' sum
      areas.push({ tenant_id: tenant.id, day, area, sub_area: subArea, views: a.views, visitors: Math.max(1, Math.min(a.views, Math.round(a.visitors * 0.85))) });
    }
    areas.push({ tenant_id: tenant.id, day, area: SITE, sub_area: "", views: dayTotal, visitors: Math.max(1, Math.round(dayTotal * 0.42)) });
    const dim = (dimension: Dimension, values: string[], w: number[], sum: number) =>
      allocate(sum, w.map((x) => x * (0.85 + 0.3 * random()))).forEach((v, k) => v > 0 && dims.push({ tenant_id: tenant.id, day, dimension, value: values[k]!, views: v }));
    dim("device", ["desktop", "mobil", "tablet"], [48, 45, 7], dayTotal);
    dim("browser", ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", "Opera", "Andere"], [45, 25, 12, 10, 5, 1, 2], dayTotal);
    dim("referrer", referrerDomains, referrerDomains.map((_d, k) => 1 / (k + 1)), Math.round(dayTotal * 0.33));
  });
  const lastMonthFrom = addDays(last, -29);
  const last30 = dayTotals.slice(-30).reduce((a, v) => a + v, 0);

  const i0 = performance.now();
  await p.db.tx(async (trx) => {
    for (const t of ["analytics_events", "analytics_daily_pages", "analytics_monthly_pages", "analytics_daily_areas", "analytics_hourly", "analytics_daily_dimensions", "analytics_dirty_days"] as const) {
      await trx.deleteFrom(t).where("tenant_id", "=", tenant.id).execute();
    }
    const chunk = dialect === "postgres" ? 1000 : 400;
    await insertAll(trx, "analytics_daily_pages", pages, chunk);
    await insertAll(trx, "analytics_daily_areas", areas, chunk);
    await insertAll(trx, "analytics_daily_dimensions", dims, chunk);
    // the monthly page totals, as the roll-up keeps them
    for (const month of new Set(pages.map((x) => (x as { day: string }).day.slice(0, 7)))) await svc.store.rollUpMonth(tenant.id, month, trx);
  });
  if (dialect === "postgres") await p.db.kysely.executeQuery(CompiledQuery.raw("vacuum analyze"));
  const insertMs = performance.now() - i0;
  log(`${dialect}: ${total} views over ${REPORT_DAYS} days as ${pages.length} page, ${areas.length} area and ${dims.length} dimension rows in ${Math.round(insertMs)} ms`);

  const timings: ReportTiming[] = [];
  for (const [name, from, expected] of [["the whole range", first, total], ["the last 30 days", lastMonthFrom, last30]] as const) {
    const check = async () => {
      const s = performance.now();
      const r = await svc.report(tenant.id, from, last);
      const ms = performance.now() - s;
      if (r.views !== expected) throw new Error(`report ${from}..${last} on ${dialect}: total ${r.views}, expected ${expected}`);
      const areaSum = r.areas.reduce((a, x) => a + x.views, 0);
      if (areaSum !== expected) throw new Error(`report ${from}..${last} on ${dialect}: the areas sum to ${areaSum}, expected ${expected}`);
      if (r.topPages.length !== 20 || r.topPages[0]!.path !== `/${SLUG}/`) throw new Error(`report ${from}..${last} on ${dialect}: top pages ${r.topPages.length}, first ${r.topPages[0]?.path}`);
      if (r.daily.length !== (name === "the whole range" ? REPORT_DAYS : 30)) throw new Error(`report ${from}..${last} on ${dialect}: ${r.daily.length} days in the chart`);
      return ms;
    };
    for (let k = 0; k < REPORT_WARMUP; k++) await check();
    const times: number[] = [];
    for (let k = 0; k < REPORT_RUNS; k++) times.push(await check());
    // where the time goes: each query of the report alone
    const st = svc.store;
    const queries: [string, () => Promise<unknown>][] = [
      ["areaTotals", () => st.areaTotals(tenant.id, from, last)],
      ["monthlyAreas", () => st.monthlyAreas(tenant.id, from, last)],
      ["dailySite", () => st.dailySite(tenant.id, from, last)],
      ["topPages", () => st.topPages(tenant.id, from, last, 20)],
      ["referrer", () => st.dimension(tenant.id, "referrer", from, last, 20)],
      ["device", () => st.dimension(tenant.id, "device", from, last, 10)],
      ["browser", () => st.dimension(tenant.id, "browser", from, last, 10)],
      ["firstDay", () => st.firstDay(tenant.id)],
    ];
    const q: QueryTiming[] = [];
    for (const [qn, fn] of queries) {
      const ts: number[] = [];
      for (let k = 0; k < QUERY_RUNS; k++) {
        const s = performance.now();
        await fn();
        ts.push(performance.now() - s);
      }
      q.push({ name: qn, p50Ms: round1(median(ts)) });
    }
    timings.push({ name, from, to: last, views: expected, p50Ms: round1(pct(times, 50)), p95Ms: round1(pct(times, 95)), maxMs: round1(Math.max(...times)), queries: q });
    log(`${dialect}: report over ${name}: p50 ${round1(pct(times, 50))} ms, p95 ${round1(pct(times, 95))} ms`);
  }
  return { dialect, views: total, days: REPORT_DAYS, rows: { pages: pages.length, areas: areas.length, dimensions: dims.length }, insertMs: Math.round(insertMs), timings };
}

async function insertAll(ex: Executor, table: "analytics_daily_pages" | "analytics_daily_areas" | "analytics_daily_dimensions", rows: readonly object[], chunk: number): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) await ex.insertInto(table).values(rows.slice(i, i + chunk) as never).execute();
}

// ---------------------------------------------------------------- serving: two server processes

interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  base: string;
  dataDir: string;
  output(): string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function get(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? "") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Busy ticks of all CPUs together (user, nice, system) from /proc/stat, without interrupt time. */
function machineBusyTicks(): number {
  const [, user, nice, system] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  return user! + nice! + system!;
}

async function startServer(name: string, counting: boolean): Promise<Server> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of children) c.kill("SIGKILL");
    });
  }
  const dataDir = mkdtempSync(join(tmpdir(), `rathaus-bench-analytics-${counting ? "on" : "off"}-`));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, DEMO: "true", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000000", BASE_URL: `http://127.0.0.1:${port}`, ANALYTICS_COUNTING: counting ? "true" : "false" };
  delete env.DATABASE_URL;
  // process.execPath directly (no shell, no npm): child.pid is the node process we measure
  const child = spawn(process.execPath, [join(repo, "dist", "cli.js"), "serve"], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not spawn ${name}`);
  children.add(child);
  let tail = "";
  const keep = (c: Buffer) => (tail = (tail + c.toString("utf8")).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => (children.delete(child), resolve(code))));
  const server: Server = { name, child, pid: child.pid, base: `http://127.0.0.1:${port}`, dataDir, output: () => tail, exited };
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`);
    try {
      if ((await get(`${server.base}/readyz`, {}, 1000)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 120_000) throw new Error(`${name} not ready after 120 s:\n${tail}`);
    await sleep(50);
  }
  return server;
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill("SIGTERM");
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 25_000).unref());
  if ((await Promise.race([s.exited, timer])) === "timeout") {
    s.child.kill("SIGKILL");
    await s.exited;
  }
}

function assertAlive(s: Server): void {
  if (s.child.exitCode === null && s.child.signalCode === null) return;
  throw new Error(`${s.name} (pid ${s.pid}) died (exit ${s.child.exitCode}, signal ${s.child.signalCode}):\n${s.output()}`);
}

/** Waits until the process used at most 1 tick (10 ms) of CPU in each of two 250 ms windows; returns ms waited. */
async function waitIdle(pid: number, limitMs: number): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuTicks(pid);
  while (quiet < 2 && performance.now() - t0 < limitMs) {
    await sleep(250);
    const now = cpuTicks(pid);
    quiet = now - last <= 1 ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - t0;
}

async function load(s: Server, path: string, seconds: number): Promise<Omit<ServingRun, "counting">> {
  const cpu0 = cpuTicks(s.pid);
  const busy0 = machineBusyTicks();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await autocannon({ url: `${s.base}${path}`, connections: CONNECTIONS, duration: seconds, pipelining: 1, headers: { "user-agent": SERVE_UA, accept: "text/html" } });
  const cpu1 = cpuTicks(s.pid);
  const elapsedS = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const clientTicks = ((client.user + client.system) / 1e6) * 100;
  const otherTicks = machineBusyTicks() - busy0 - (cpu1 - cpu0) - clientTicks;
  assertAlive(s);
  const tailMs = await waitIdle(s.pid, 20_000);
  const cpu2 = cpuTicks(s.pid);
  const ok = r["2xx"];
  return {
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok,
    failed: r.non2xx + r.errors + r.timeouts,
    serverCpuPercent: Math.round((cpu1 - cpu0) / elapsedS),
    clientCpuPercent: Math.round(clientTicks / elapsedS),
    otherCpuPercent: Math.max(0, Math.round(otherTicks / elapsedS)),
    serverCpuUsPerRequest: Math.round(((cpu1 - cpu0) * 10_000) / Math.max(1, r.requests.total)),
    serverCpuUsPerRequestWithTail: Math.round(((cpu2 - cpu0) * 10_000) / Math.max(1, r.requests.total)),
    tailMs: Math.round(tailMs),
  };
}

/** The built app must know ANALYTICS_COUNTING (dist/ is built by `npm run build`). */
function checkDist(): void {
  const config = join(repo, "dist", "config.js");
  if (!existsSync(join(repo, "dist", "cli.js")) || !existsSync(config)) throw new Error("dist/ is missing: run `npm run build` first");
  if (!readFileSync(config, "utf8").includes("ANALYTICS_COUNTING")) throw new Error("dist/ does not know ANALYTICS_COUNTING: run `npm run build` first");
  const stale = ["config.ts", "app.ts", "modules/analytics/recorder.ts", "modules/analytics/index.ts", "modules/analytics/service.ts"].filter((f) => {
    const out = join(repo, "dist", f.replace(/\.ts$/, ".js"));
    return !existsSync(out) || statSync(join(repo, "src", f)).mtimeMs > statSync(out).mtimeMs;
  });
  if (stale.length) console.warn(`!! dist/ is older than src/ for ${stale.join(", ")}: the servers run the last build (npm run build)`);
}

async function benchServing(seconds: number, rounds: number, log: (l: string) => void): Promise<ServingResult> {
  checkDist();
  const scenarios = [
    { name: "Usingen home", path: `/${SLUG}/` },
    { name: "Service page", path: `/${SLUG}/dienste/meldebescheinigung` },
  ];
  const servers: Server[] = [];
  try {
    // both first starts (migrations, demo seed) at once
    const started = await Promise.allSettled([startServer("server (counting on)", true), startServer("server (counting off)", false)]);
    for (const x of started) if (x.status === "fulfilled") servers.push(x.value);
    for (const x of started) if (x.status === "rejected") throw x.reason;
    const [on, off] = servers as [Server, Server];
    // the first start seeded the demo and queued its jobs (search index …): let them finish
    const [idleOn, idleOff] = [await waitIdle(on.pid, 60_000), await waitIdle(off.pid, 60_000)];
    log(`serving: two servers started and idle (on: pid ${on.pid}, ${Math.round(idleOn)} ms; off: pid ${off.pid}, ${Math.round(idleOff)} ms)`);
    let onAnswered = 0;
    for (const sc of scenarios) {
      for (const s of [on, off]) {
        const res = await get(`${s.base}${sc.path}`, { "user-agent": SERVE_UA });
        if (res.status !== 200 || !res.contentType.startsWith("text/html")) throw new Error(`${s.name} ${sc.path}: ${res.status} ${res.contentType}, expected 200 text/html`);
        if (s === on) onAnswered++;
      }
    }
    const warmup = Math.min(2, seconds);
    let loads = 0;
    const runs = new Map<string, ServingRun[]>(scenarios.map((sc) => [sc.path, []]));
    for (const sc of scenarios) {
      for (const s of [on, off]) {
        const r = await load(s, sc.path, warmup);
        loads++;
        if (s === on) onAnswered += r.ok;
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const sc of scenarios) {
        for (const s of round % 2 === 0 ? [on, off] : [off, on]) {
          const r = await load(s, sc.path, seconds);
          loads++;
          if (s === on) onAnswered += r.ok;
          const run: ServingRun = { counting: s === on ? "on" : "off", ...r };
          runs.get(sc.path)!.push(run);
          log(`serving round ${round + 1}/${rounds} ${sc.path} counting ${run.counting}: ${Math.round(r.reqPerSec)} req/s, p99 ${r.p99Ms} ms, CPU server ${r.serverCpuPercent} %, client ${r.clientCpuPercent} %, other ${r.otherCpuPercent} %, ${r.serverCpuUsPerRequest} µs CPU/req (${r.serverCpuUsPerRequestWithTail} with ${r.tailMs} ms tail)${r.failed ? ` !! ${r.failed} failed` : ""}`);
        }
      }
    }
    await stopServer(on);
    await stopServer(off);
    const countOf = (s: Server) => {
      const db = new SQLite(join(s.dataDir, "rathaus.db"));
      try {
        const events = Number((db.prepare("select coalesce(sum(views), 0) as n from analytics_events").get() as { n: number }).n);
        // views stored as batches and not yet drained into the raw events
        const queued = (db.prepare("select payload from analytics_batches").all() as { payload: string }[]).reduce((a, j) => a + (JSON.parse(j.payload) as unknown[]).length, 0);
        return { events, queued };
      } finally {
        db.close();
      }
    };
    const cOn = countOf(on);
    const cOff = countOf(off);
    const onCounted = cOn.events + cOn.queued;
    const offCounted = cOff.events + cOff.queued;
    const slack = loads * CONNECTIONS;
    const summary = (xs: ServingRun[]): ServingSummary => ({
      reqPerSec: Math.round(median(xs.map((x) => x.reqPerSec))),
      p50Ms: median(xs.map((x) => x.p50Ms)),
      p99Ms: median(xs.map((x) => x.p99Ms)),
      serverCpuPercent: Math.round(median(xs.map((x) => x.serverCpuPercent))),
      otherCpuPercent: Math.round(median(xs.map((x) => x.otherCpuPercent))),
      cpuUsPerRequest: Math.round(median(xs.map((x) => x.serverCpuUsPerRequest))),
      cpuUsPerRequestWithTail: Math.round(median(xs.map((x) => x.serverCpuUsPerRequestWithTail))),
    });
    const result: ServingResult = {
      durationSeconds: seconds,
      rounds,
      connections: CONNECTIONS,
      userAgent: SERVE_UA,
      scenarios: scenarios.map((sc) => {
        const rs = runs.get(sc.path)!;
        const onS = summary(rs.filter((x) => x.counting === "on"));
        const offS = summary(rs.filter((x) => x.counting === "off"));
        const ratio = round2(median(rs.filter((x) => x.counting === "on").map((x) => x.reqPerSec)) / median(rs.filter((x) => x.counting === "off").map((x) => x.reqPerSec)));
        return { name: sc.name, path: sc.path, on: onS, off: offS, ratio, cpuRatio: round2(offS.cpuUsPerRequestWithTail / onS.cpuUsPerRequestWithTail), runs: rs.map((x) => ({ ...x, reqPerSec: Math.round(x.reqPerSec) })) };
      }),
      onAnswered,
      onCounted,
      onCountedInQueue: cOn.queued,
      offCounted,
      slack,
      countingOk: offCounted === 0 && onCounted >= onAnswered && onCounted <= onAnswered + slack,
      failedRequests: [...runs.values()].flat().reduce((a, x) => a + x.failed, 0),
    };
    log(`serving: "on" answered ${onAnswered}, counted ${onCounted} (${cOn.queued} still queued); "off" counted ${offCounted}`);
    return result;
  } finally {
    for (const s of servers) {
      await stopServer(s);
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dialects = process.argv.slice(2).filter((a): a is DialectName => a === "sqlite" || a === "postgres");
  const t0 = performance.now();
  try {
    const r = await benchAnalytics(dialects.length ? { dialects } : {});
    console.log(formatAnalyticsResult(r));
    console.log(`\n(${Math.round((performance.now() - t0) / 1000)} s)`);
  } catch (err) {
    console.error(`analytics bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
}
