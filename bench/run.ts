/**
 * `npm run bench`: start-up time and public-page throughput of the server as built (dist/),
 * against a trivial Fastify server (bench/baseline.mjs) in its own process; then complete
 * online applications per second (src/test-support/application-load.ts); then the back office at
 * 100,000 cases on SQLite and PostgreSQL (bench/cases.ts; BENCH_CASES=0 skips it); then OParl lists
 * and council search at 100,000 papers on both databases (bench/oparl.ts; BENCH_OPARL=0 skips it); then
 * the participation processing list and weighing-table PDF at 5,000 statements on both databases
 * (bench/participation.ts; BENCH_PARTICIPATION=0 skips it); then the usage statistics: the counting
 * pipeline at 100,000 page views and the report over 10 million on both databases, and pages served with
 * counting on vs. off in two server processes (bench/analytics.ts; BENCH_ANALYTICS=0 skips it).
 *
 * - The server under test runs as `node dist/cli.js serve` on a fresh temp DATA_DIR (SQLite,
 *   demo mode). A first start applies migrations and the demo seed; then start-up is timed
 *   5 times (spawn until the first 200 from /readyz, polled every 10 ms).
 * - autocannon runs as a library in this process; rounds alternate baseline and scenarios;
 *   medians of req/s, p50 and p99 are reported, with the ratio to the median baseline.
 * - The server's RSS (/proc/PID/status VmRSS of the node process itself) is sampled every
 *   200 ms while it is under load.
 *
 * Env: BENCH_DURATION (seconds per round, default 10), BENCH_ROUNDS (default 3),
 * BENCH_WARMUP (seconds of warm-up per target, default min(3, BENCH_DURATION)).
 * Exits 0 when the measurement ran, whether or not targets were met; 1 when it could not run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { APPLICATION_SERVICE, prepareApplications, runApplications, type ApplicationRun } from "../src/test-support/application-load.js";
import { benchCases, formatCasesResult, type CasesBenchResult } from "./cases.js";
import { benchOparl, formatOparlResult, type OparlBenchResult } from "./oparl.js";
import { benchParticipation, formatParticipationResult, type ParticipationBenchResult } from "./participation.js";
import { benchAnalytics, formatAnalyticsResult, type AnalyticsBenchResult } from "./analytics.js";

/** Pages of the server under test. Later modules add theirs here. */
const SCENARIOS: { name: string; path: string }[] = [
  { name: "Municipality list", path: "/" },
  { name: "Usingen home", path: "/usingen/" },
  { name: "Service page", path: "/usingen/dienste/meldebescheinigung" },
];

/** Concurrent applicants in the application rounds (each runs its applications one after another). */
const APPLICANTS = 32;

/** The baseline: bench/baseline.mjs serves a small fixed HTML string at "/". */
const BASELINE = { name: "Baseline (trivial Fastify)", path: "/" };

const CONNECTIONS = 50;
const STARTUP_RUNS = 5;
const STARTUP_POLL_MS = 10;
const RSS_SAMPLE_MS = 200;

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

const DURATION = envInt("BENCH_DURATION", 10, 1);
const ROUNDS = envInt("BENCH_ROUNDS", 3, 1);
const WARMUP = envInt("BENCH_WARMUP", Math.min(3, DURATION), 0);

// ---------------------------------------------------------------- processes

interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  /** last few KB of stdout+stderr, for error messages */
  output(): string;
  exited: Promise<number | null>;
}

const live = new Set<Proc>();

function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  // process.execPath directly (no shell, no npm): child.pid is the node process we measure.
  const child = spawn(process.execPath, args, { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not spawn ${name}`);
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const proc: Proc = { name, child, pid: child.pid, output: () => tail, exited };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

async function stop(proc: Proc, timeoutMs = 15_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
  if ((await Promise.race([proc.exited, timer])) === "timeout") {
    console.error(`${proc.name} (pid ${proc.pid}) did not stop within ${timeoutMs} ms after SIGTERM; killing it`);
    proc.child.kill("SIGKILL");
    await proc.exited;
  }
}

/** A process that died under load makes every later number meaningless: stop with its exit status and output. */
function assertAlive(proc: Proc): void {
  if (proc.child.exitCode === null && proc.child.signalCode === null) return;
  throw new Error(`${proc.name} (pid ${proc.pid}) died during the load (exit code ${proc.child.exitCode}, signal ${proc.child.signalCode}); last output:\n${proc.output() || "(none)"}`);
}

// Last resort: never leave a child behind, whatever happens to this process.
process.on("exit", () => {
  for (const p of live) p.child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

let tempDir: string | undefined;
async function cleanup(): Promise<void> {
  await Promise.all([...live].map((p) => stop(p, 5000)));
  if (tempDir) {
    rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  }
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

/** A short digest of src/ (paths and contents), so a result can be matched to the code it measured. */
function sourceDigest(): string {
  const hash = createHash("sha256");
  const files = (readdirSync(join(repo, "src"), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).sort();
  for (const f of files) hash.update(f).update("\0").update(readFileSync(join(repo, "src", f))).update("\0");
  return `sha256:${hash.digest("hex").slice(0, 16)} (${files.length} files)`;
}

// ---------------------------------------------------------------- HTTP helpers

function get(url: string, timeoutMs = 2000): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), contentType: String(res.headers["content-type"] ?? "") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls url every `STARTUP_POLL_MS` until it answers 200; returns ms since `t0`. */
async function waitFor200(proc: Proc, url: string, t0: number, limitMs = 60_000): Promise<number> {
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered 200:\n${proc.output()}`);
    }
    try {
      const res = await get(url, 1000);
      if (res.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > limitMs) throw new Error(`${url} did not answer 200 within ${limitMs} ms:\n${proc.output()}`);
    await sleep(STARTUP_POLL_MS);
  }
}

/** Waits for a line "ready" on stdout (the baseline). */
function waitForReadyLine(proc: Proc, limitMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${proc.name} did not print "ready" within ${limitMs} ms:\n${proc.output()}`)), limitMs);
    proc.child.stdout!.on("data", (c: Buffer) => {
      seen += c.toString("utf8");
      if (/^ready$/m.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${proc.name} exited (${code}) before it was ready:\n${proc.output()}`));
    });
  });
}

// ---------------------------------------------------------------- /proc sampling

function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state); utime is field 14, stime field 15
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
const TICKS_PER_SECOND = 100;

class RssSampler {
  max = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pid: number) {}
  start(): void {
    this.max = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.max;
  }
  private sample(): void {
    const mb = rssMb(this.pid);
    if (mb !== undefined && mb > this.max) this.max = mb;
  }
}

// ---------------------------------------------------------------- load

interface RunResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU of the server process during the run, % of one core */
  serverCpuPercent: number;
  /** server CPU time per request in µs: less sensitive to a busy machine than req/s */
  serverCpuUsPerRequest: number;
  /** CPU of this process (autocannon) during the run, % of one core: near 100 % means the load generator is the limit */
  clientCpuPercent: number;
  /** user+system CPU of every other process on the machine during the run, % of one core: should be near 0 */
  otherCpuPercent: number;
  /** max RSS during the run (server under test only) */
  rssMaxMb?: number;
}

/**
 * Busy ticks of all CPUs together, from /proc/stat, without interrupt time: the kernel's
 * loopback networking for our own requests runs as softirq and is not charged to any process.
 */
function machineBusyTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [, user, nice, system] = line.trim().split(/\s+/).map(Number);
  return user! + nice! + system!;
}

async function load(url: string, seconds: number, serverPid: number, sampleRss: boolean): Promise<RunResult> {
  const sampler = sampleRss ? new RssSampler(serverPid) : undefined;
  const server0 = cpuTicks(serverPid) ?? 0;
  const busy0 = machineBusyTicks();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  sampler?.start();
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  const rss = sampler?.stop();
  const elapsedS = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const serverS = ((cpuTicks(serverPid) ?? 0) - server0) / TICKS_PER_SECOND;
  const busyS = (machineBusyTicks() - busy0) / TICKS_PER_SECOND;
  const clientS = (client.user + client.system) / 1e6;
  const result: RunResult = {
    reqPerSec: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    serverCpuPercent: Math.round((serverS / elapsedS) * 100),
    serverCpuUsPerRequest: Math.round((serverS * 1e6) / Math.max(1, r.requests.total)),
    clientCpuPercent: Math.round((clientS / elapsedS) * 100),
    otherCpuPercent: Math.max(0, Math.round(((busyS - serverS - clientS) / elapsedS) * 100)),
  };
  if (rss !== undefined) result.rssMaxMb = rss;
  return result;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

// ---------------------------------------------------------------- main

interface Target {
  name: string;
  label: string;
  url: string;
  /** the process serving it */
  pid: number;
  /** true for the server under test (RSS is sampled), false for the baseline */
  underTest: boolean;
  runs: RunResult[];
  bytes: number;
}

async function main(): Promise<void> {
  const started = new Date();
  const srcDigest = sourceDigest();
  const startLoad = loadavg().map(round2);
  if (startLoad[0]! > 0.5 * cpus().length) console.log(`!! load average ${startLoad.join(" ")} on ${cpus().length} CPUs: the machine is busy, results will be noisy`);
  console.log(`bench: ${cpus().length} CPUs, Node ${process.version}; ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, warm-up ${WARMUP} s`);

  tempDir = mkdtempSync(join(tmpdir(), "rathaus-bench-"));
  const [sutPort, basePort] = [await freePort(), await freePort()];
  const sutEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(sutPort),
    HOST: "127.0.0.1",
    DATA_DIR: tempDir,
    DEMO: "true",
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "100000000",
    BASE_URL: `http://127.0.0.1:${sutPort}`,
  };
  delete sutEnv.DATABASE_URL; // SQLite in DATA_DIR
  const sutBase = `http://127.0.0.1:${sutPort}`;
  const cli = join("dist", "cli.js");

  // 1. First start: migrations and demo seed.
  {
    const t0 = performance.now();
    const p = spawnNode("server (first start)", [cli, "serve"], sutEnv);
    const ms = await waitFor200(p, `${sutBase}/readyz`, t0, 120_000);
    console.log(`first start (migrations + demo seed): ${Math.round(ms)} ms`);
    await stop(p);
  }

  // 2. Start-up with migrations applied, 5 times; the last one stays up for the load test.
  const startupRuns: number[] = [];
  let sut: Proc | undefined;
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const t0 = performance.now();
    const p = spawnNode("server", [cli, "serve"], sutEnv);
    startupRuns.push(await waitFor200(p, `${sutBase}/readyz`, t0));
    if (i < STARTUP_RUNS - 1) await stop(p);
    else sut = p;
  }
  const startupMedian = median(startupRuns);
  console.log(`start-up until /readyz 200: ${startupRuns.map((ms) => Math.round(ms)).join(", ")} ms; median ${Math.round(startupMedian)} ms`);

  // Make sure we watch the node process itself.
  const cmdline = readFileSync(`/proc/${sut!.pid}/cmdline`, "utf8").split("\0").join(" ");
  if (!cmdline.includes("dist/cli.js serve")) throw new Error(`pid ${sut!.pid} is not the server: ${cmdline}`);
  const idleRssMb = rssMb(sut!.pid) ?? 0;

  // 3. Baseline.
  const base = spawnNode("baseline", [join("bench", "baseline.mjs")], { ...process.env, PORT: String(basePort) });
  await waitForReadyLine(base);
  const baseUrl = `http://127.0.0.1:${basePort}`;

  // 4. Check that every target answers 200 with HTML before measuring anything.
  const targets: Target[] = [
    { name: BASELINE.name, label: BASELINE.path, url: `${baseUrl}${BASELINE.path}`, pid: base.pid, underTest: false, runs: [], bytes: 0 },
    ...SCENARIOS.map((s) => ({ name: s.name, label: s.path, url: `${sutBase}${s.path}`, pid: sut!.pid, underTest: true, runs: [], bytes: 0 })),
  ];
  for (const t of targets) {
    const res = await get(t.url);
    if (res.status !== 200 || !res.contentType.startsWith("text/html")) throw new Error(`${t.url} answered ${res.status} ${res.contentType}, expected 200 text/html`);
    t.bytes = Buffer.byteLength(res.body);
  }

  // 5. Warm-up, then rounds alternating baseline and scenarios.
  let rssMaxMb = 0;
  if (WARMUP > 0) {
    for (const t of targets) {
      const r = await load(t.url, WARMUP, t.pid, t.underTest);
      assertAlive(t.underTest ? sut! : base);
      if (r.rssMaxMb !== undefined) rssMaxMb = Math.max(rssMaxMb, r.rssMaxMb);
      console.log(`warm-up ${t.label.padEnd(10)} ${t.underTest ? "(server)  " : "(baseline)"} ${Math.round(r.reqPerSec)} req/s`);
    }
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const t of targets) {
      const r = await load(t.url, DURATION, t.pid, t.underTest);
      assertAlive(t.underTest ? sut! : base);
      t.runs.push(r);
      if (r.rssMaxMb !== undefined) rssMaxMb = Math.max(rssMaxMb, r.rssMaxMb);
      const problems = r.non2xx + r.errors + r.timeouts ? `  !! non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}` : "";
      const extra = `; server ${r.serverCpuUsPerRequest} µs CPU/req; CPU server ${r.serverCpuPercent} %, client ${r.clientCpuPercent} %, other ${r.otherCpuPercent} %` + (t.underTest ? `; RSS max ${round1(r.rssMaxMb ?? 0)} MB` : "");
      console.log(`round ${round}/${ROUNDS} ${t.label.padEnd(10)} ${t.underTest ? "(server)  " : "(baseline)"} ${Math.round(r.reqPerSec)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${extra}${problems}`);
    }
  }
  // 5b. Complete applications over HTTP (5 steps + submit; receipt, mail and event queued as jobs, which this server also runs).
  const prepared = await prepareApplications(sutBase);
  const appRuns: (ApplicationRun & { serverCpuPercent: number })[] = [];
  if (WARMUP > 0) {
    const w = await runApplications(sutBase, prepared, WARMUP, APPLICANTS);
    console.log(`warm-up applications (${APPLICATION_SERVICE}, ${APPLICANTS} applicants): ${w.applicationsPerSec} applications/s`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const cpu0 = cpuTicks(sut!.pid) ?? 0;
    const t0 = performance.now();
    const r = await runApplications(sutBase, prepared, DURATION, APPLICANTS);
    const serverCpuPercent = Math.round(((((cpuTicks(sut!.pid) ?? 0) - cpu0) / TICKS_PER_SECOND) / ((performance.now() - t0) / 1000)) * 100);
    assertAlive(sut!);
    appRuns.push({ ...r, serverCpuPercent });
    console.log(`round ${round}/${ROUNDS} applications: ${r.applicationsPerSec}/s (${r.requestsPerSec} req/s), per application p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms; CPU server ${serverCpuPercent} %${r.failures ? `  !! ${r.failures} failed: ${r.firstFailure}` : ""}`);
  }
  const applicationsMedian = median(appRuns.map((r) => r.applicationsPerSec));
  const applicationFailures = appRuns.reduce((n, r) => n + r.failures, 0);
  const serverRssAfterMb = rssMb(sut!.pid) ?? 0;

  // 6. Summaries.
  const summarise = (t: Target) => ({
    name: t.name,
    path: t.label,
    reqPerSec: Math.round(median(t.runs.map((r) => r.reqPerSec))),
    p50Ms: round2(median(t.runs.map((r) => r.p50Ms))),
    p99Ms: round2(median(t.runs.map((r) => r.p99Ms))),
    responseBytes: t.bytes,
    serverCpuPercent: Math.round(median(t.runs.map((r) => r.serverCpuPercent))),
    serverCpuUsPerRequest: Math.round(median(t.runs.map((r) => r.serverCpuUsPerRequest))),
    clientCpuPercent: Math.round(median(t.runs.map((r) => r.clientCpuPercent))),
    otherCpuPercent: Math.round(median(t.runs.map((r) => r.otherCpuPercent))),
    runs: t.runs.map((r) => ({ ...r, reqPerSec: Math.round(r.reqPerSec), ...(r.rssMaxMb !== undefined ? { rssMaxMb: round1(r.rssMaxMb) } : {}) })),
  });
  const baseline = summarise(targets[0]!);
  const baselineMedian = median(targets[0]!.runs.map((r) => r.reqPerSec));
  const scenarios = targets.slice(1).map((t) => {
    const s = summarise(t);
    return {
      ...s,
      ratioToBaseline: round2(median(t.runs.map((r) => r.reqPerSec)) / baselineMedian),
      rssMaxMb: round1(Math.max(...t.runs.map((r) => r.rssMaxMb ?? 0))),
    };
  });
  const otherCpuMedian = median(targets.flatMap((t) => t.runs.map((r) => r.otherCpuPercent)));
  const failedRequests = targets.reduce((n, t) => n + t.runs.reduce((m, r) => m + r.non2xx + r.errors + r.timeouts, 0), 0);

  const usingen = scenarios.find((s) => s.path === "/usingen/");
  const targetList = [
    ...(usingen
      ? [
          { name: "/usingen/ req/s at 50 connections vs. baseline", target: ">= 0.50", measured: usingen.ratioToBaseline, unit: "× baseline", met: usingen.ratioToBaseline >= 0.5 },
          { name: "/usingen/ p99 latency at 50 connections", target: "< 50", measured: usingen.p99Ms, unit: "ms", met: usingen.p99Ms < 50 },
        ]
      : []),
    ...scenarios
      .filter((s) => s.path.startsWith("/usingen/dienste/"))
      .map((s) => ({ name: `service page ${s.path} req/s vs. baseline`, target: ">= 0.50", measured: s.ratioToBaseline, unit: "× baseline", met: s.ratioToBaseline >= 0.5 })),
    { name: `complete 5-step applications over HTTP on SQLite (${APPLICANTS} applicants, median)`, target: ">= 300", measured: applicationsMedian, unit: "applications/s", met: applicationsMedian >= 300 && applicationFailures === 0 },
    { name: "server RSS under that load (max)", target: "< 200", measured: round1(rssMaxMb), unit: "MB", met: rssMaxMb < 200 },
    { name: "start until /readyz 200 on SQLite (migrations applied, median)", target: "< 2000", measured: Math.round(startupMedian), unit: "ms", met: startupMedian < 2000 },
  ];

  // 5c. The back office at 100,000 cases on both databases (its own servers and databases; bench/cases.ts).
  let cases: CasesBenchResult | undefined;
  if (process.env.BENCH_CASES !== "0") {
    await stop(sut!);
    cases = await benchCases({ server: "dist", log: (line) => console.log(line) });
    console.log(formatCasesResult(cases));
    targetList.push(...cases.targets);
  }

  // 5d. The council: OParl lists and search at 100,000 papers on both databases (in-process; bench/oparl.ts; BENCH_OPARL=0 skips it).
  let oparl: OparlBenchResult | undefined;
  if (process.env.BENCH_OPARL !== "0") {
    await stop(sut!);
    oparl = await benchOparl({ log: (line) => console.log(line) });
    console.log(formatOparlResult(oparl));
    targetList.push(...oparl.targets);
  }

  // 5e. Participation: the processing list and the weighing table as PDF at 5,000 statements on both databases (in-process, exports also in child processes for memory; bench/participation.ts; BENCH_PARTICIPATION=0 skips it).
  let participation: ParticipationBenchResult | undefined;
  if (process.env.BENCH_PARTICIPATION !== "0") {
    await stop(sut!);
    participation = await benchParticipation({ log: (line) => console.log(line) });
    console.log(formatParticipationResult(participation));
    targetList.push(...participation.targets);
  }

  // 5f. Usage statistics (issue 9): the counting pipeline and the report over 10 million views on both databases (in-process), and pages with counting on vs. off (two servers of dist/; bench/analytics.ts; BENCH_ANALYTICS=0 skips it).
  let analytics: AnalyticsBenchResult | undefined;
  if (process.env.BENCH_ANALYTICS !== "0") {
    await stop(sut!);
    analytics = await benchAnalytics({ log: (line) => console.log(line) });
    console.log(formatAnalyticsResult(analytics));
    targetList.push(...analytics.targets);
  }

  const results = {
    date: started.toISOString(),
    srcDigest,
    command: `BENCH_DURATION=${DURATION} BENCH_ROUNDS=${ROUNDS} npm run bench`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGb: round1(totalmem() / 1024 **3), node: process.version, platform: `${process.platform} ${process.arch}` },
    settings: { connections: CONNECTIONS, pipelining: 1, durationSeconds: DURATION, rounds: ROUNDS, warmupSeconds: WARMUP, latencyPercentile: "p99 (autocannon latency.p99)" },
    startup: { medianMs: Math.round(startupMedian), runsMs: startupRuns.map((ms) => Math.round(ms)) },
    scenarios,
    baseline,
    applications: { service: APPLICATION_SERVICE, applicants: APPLICANTS, medianPerSec: applicationsMedian, failures: applicationFailures, runs: appRuns },
    ...(cases ? { cases: cases.results } : {}),
    ...(oparl ? { oparl: oparl.results } : {}),
    ...(participation ? { participation: participation.results } : {}),
    ...(analytics ? { analytics: analytics.results } : {}),
    rssMaxMb: round1(rssMaxMb),
    rssIdleMb: round1(idleRssMb),
    rssAfterLoadMb: round1(serverRssAfterMb),
    failedRequests,
    otherCpuPercentMedian: Math.round(otherCpuMedian),
    loadAverageAtStart: startLoad,
    targets: targetList,
  };
  writeFileSync(join(here, "results.json"), JSON.stringify(results, null, 2) + "\n");

  // 7. Table.
  const rows = [
    ["Scenario", "Path", "req/s", "p50 ms", "p99 ms", "× baseline", "bytes", "µs CPU/req", "CPU server", "CPU client", "CPU other", "RSS max"],
    [baseline.name, baseline.path, String(baseline.reqPerSec), String(baseline.p50Ms), String(baseline.p99Ms), "1.00", String(baseline.responseBytes), String(baseline.serverCpuUsPerRequest), `${baseline.serverCpuPercent} %`, `${baseline.clientCpuPercent} %`, `${baseline.otherCpuPercent} %`, ""],
    ...scenarios.map((s) => [s.name, s.path, String(s.reqPerSec), String(s.p50Ms), String(s.p99Ms), s.ratioToBaseline.toFixed(2), String(s.responseBytes), String(s.serverCpuUsPerRequest), `${s.serverCpuPercent} %`, `${s.clientCpuPercent} %`, `${s.otherCpuPercent} %`, `${s.rssMaxMb} MB`]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\nMedians of ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections (${cpus().length} CPUs, Node ${process.version}):\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`\napplications (${APPLICATION_SERVICE}, 5 steps + submit = 7 POSTs each, ${APPLICANTS} applicants): median ${applicationsMedian}/s over ${ROUNDS} rounds (${appRuns.map((r) => r.applicationsPerSec).join(", ")}); durability under SIGKILL: test/durability.test.ts`);
  console.log(`\nstart-up (migrations applied): median ${results.startup.medianMs} ms (${results.startup.runsMs.join(", ")})`);
  console.log(`server RSS: idle ${results.rssIdleMb} MB, max under load ${results.rssMaxMb} MB, after load ${results.rssAfterLoadMb} MB`);
  console.log("µs CPU/req: server process CPU time per request. CPU columns: median % of one core used by the server process, by autocannon (this process), and by all other processes on the machine (user+system, without interrupts).");
  if (otherCpuMedian > 20) console.log(`!! other processes used ${Math.round(otherCpuMedian)} % of a core during the rounds (median): the machine was not quiet, numbers are depressed and noisy`);
  if (failedRequests) console.log(`!! ${failedRequests} requests failed (non-2xx, errors or timeouts): the numbers above are not valid`);
  console.log("\nTargets:");
  for (const t of targetList) console.log(`  ${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.measured} ${t.unit} (target ${t.target} ${t.unit})`);
  const missed = targetList.filter((t) => !t.met).length;
  console.log(missed ? `\n!! ${missed} of ${targetList.length} targets MISSED` : `\nall ${targetList.length} targets met`);
  console.log(`\nwritten: bench/results.json`);
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
