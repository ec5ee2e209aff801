/**
 * One export of an Abwägungstabelle as PDF in a fresh process, for the memory comparison of
 * bench/participation.ts (issue 8: the peak memory of a 5,000-statement export must stay below
 * 1.5× that of a 500-statement export).
 *
 * Started by bench/participation.ts as `node --expose-gc --import tsx bench/participation-export.ts`
 * with the database of the benchmark (DATA_DIR for SQLite, DATABASE_URL for PostgreSQL) and
 * BENCH_TENANT_ID / BENCH_PROCEDURE_ID. It opens the platform without seeding, stops the jobs,
 * collects garbage, reads its RSS (the baseline), resets the kernel's peak-RSS counter
 * (`echo 5 > /proc/self/clear_refs`, so VmHWM afterwards is the peak of the export alone), samples
 * heapUsed and RSS every 20 ms (BENCH_LIVE_HEAP=1: after a full GC, every 100 ms), runs `writeWeighingPdf(await weighing.table(...), sink)` into a
 * counting Writable that acknowledges writes asynchronously (like a socket: backpressure works,
 * timers run), and prints one line `RESULT {json}`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../src/config.js";
import { openPlatform } from "../src/server.js";
import { participation } from "../src/modules/participation/index.js";
import { writeWeighingPdf } from "../src/modules/participation/export/pdf.js";

/** Counts the bytes of an export and keeps its first and last bytes; acknowledges each write on the next turn of the event loop. */
export class CountingSink extends Writable {
  bytes = 0;
  writes = 0;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);

  constructor() {
    super({ highWaterMark: 64 * 1024 });
  }

  private take(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.writes++;
    if (this.head.length < 16) this.head = Buffer.concat([this.head, chunk.subarray(0, 16 - this.head.length)]);
    // copies: a subarray would keep the whole chunk alive
    this.tail = chunk.length >= 32 ? Buffer.from(chunk.subarray(chunk.length - 32)) : Buffer.from(Buffer.concat([this.tail, chunk]).subarray(-32));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take(chunk);
    setImmediate(callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    for (const c of chunks) this.take(c.chunk);
    setImmediate(callback);
  }

  /** Why the bytes are not a plausible PDF, or undefined. */
  problem(minBytes: number): string | undefined {
    if (!this.head.toString("latin1").startsWith("%PDF-")) return `does not start with %PDF- (${JSON.stringify(this.head.toString("latin1"))})`;
    if (!this.tail.toString("latin1").trimEnd().endsWith("%%EOF")) return `does not end with %%EOF (${JSON.stringify(this.tail.toString("latin1"))})`;
    if (this.bytes < minBytes) return `only ${this.bytes} bytes (expected at least ${minBytes})`;
    return undefined;
  }
}

export interface ExportChildResult {
  statements: number;
  ms: number;
  bytes: number;
  writes: number;
  pdfProblem: string | null;
  /** RSS right before the export (after the platform was opened and a full GC) */
  baselineRssMb: number;
  /** VmHWM before the reset: the peak of opening the platform */
  startupPeakRssMb: number;
  /** VmHWM at the end: the peak during the export when `peakReset`, else of the whole process */
  peakRssMb: number;
  peakReset: boolean;
  /** max RSS of the 20 ms samples during the export (cross-check of VmHWM) */
  sampledPeakRssMb: number;
  baselineHeapMb: number;
  peakHeapMb: number;
  samples: number;
  /** BENCH_LIVE_HEAP=1: every sample after a full GC (peakHeapMb is then the peak of the live heap) */
  liveHeap: boolean;
}

function statusMb(field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]) / 1024;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const round1 = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const tenantId = process.env.BENCH_TENANT_ID;
  const procedureId = process.env.BENCH_PROCEDURE_ID;
  const minBytes = Number(process.env.BENCH_MIN_BYTES ?? "1");
  if (!tenantId || !procedureId) throw new Error("BENCH_TENANT_ID and BENCH_PROCEDURE_ID are required");
  const p = await openPlatform({ config: loadConfig(process.env), logger: false, seed: false });
  try {
    await p.ctx.jobs.stop();
    // the municipality directory is loaded by requests (and by jobs before they work); load it as they do
    const versions = await p.ctx.versions.read(["global"]);
    await p.ctx.tenants.refreshIfStale(versions.get("global")!);
    const { weighing } = participation(p.ctx);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const startupPeakRssMb = statusMb("VmHWM");
    const baselineRssMb = statusMb("VmRSS");
    let peakReset = false;
    try {
      writeFileSync("/proc/self/clear_refs", "5");
      peakReset = true;
    } catch {
      // older kernels: VmHWM stays the peak of the whole process
    }
    const baselineHeap = process.memoryUsage().heapUsed;
    let peakHeap = baselineHeap;
    let peakRss = baselineRssMb;
    let samples = 0;
    // BENCH_LIVE_HEAP=1 (a separate run: it slows the export): a full GC before every 100 ms sample,
    // so heapUsed is what is still reachable then — the export's working set, without the garbage
    // a lazy collector has not collected yet
    const live = process.env.BENCH_LIVE_HEAP === "1" && gc !== undefined;
    const sample = () => {
      if (live) gc!();
      const m = process.memoryUsage();
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (mb(m.rss) > peakRss) peakRss = mb(m.rss);
      samples++;
    };
    const timer = setInterval(sample, live ? 100 : 20);
    const sink = new CountingSink();
    const t0 = performance.now();
    let ms: number;
    let table: Awaited<ReturnType<typeof weighing.table>>;
    try {
      table = await weighing.table(tenantId, procedureId);
      await writeWeighingPdf(table, sink);
      ms = performance.now() - t0;
    } finally {
      clearInterval(timer);
    }
    sample();
    const result: ExportChildResult = {
      statements: table.summary.total,
      ms: Math.round(ms),
      bytes: sink.bytes,
      writes: sink.writes,
      pdfProblem: sink.problem(minBytes) ?? null,
      baselineRssMb: round1(baselineRssMb),
      startupPeakRssMb: round1(startupPeakRssMb),
      peakRssMb: round1(statusMb("VmHWM")),
      peakReset,
      sampledPeakRssMb: round1(peakRss),
      baselineHeapMb: round1(mb(baselineHeap)),
      peakHeapMb: round1(mb(peakHeap)),
      samples,
      liveHeap: live,
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await p.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await main();
  } catch (err) {
    console.error(`export child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
  // a handle left open by anything must not keep the benchmark waiting (stdout/stderr are pipes: written synchronously)
  process.exit();
}
