import { hostname } from "node:os";
import type { Selectable } from "kysely";
import type { Clock } from "../clock.js";
import { berlinDateTime, berlinToInstant } from "../clock.js";
import type { AppContext } from "../context.js";
import type { Db, Executor } from "../db/index.js";
import type { Migration } from "../db/migrate.js";
import { newId, randomToken } from "../ids.js";
import type { JobDefinition, JobSchedule } from "./types.js";

/**
 * The platform's one job queue, kept in the database (table `jobs`).
 *
 * - Claiming is exactly-once across processes: on PostgreSQL one `UPDATE … WHERE id = (SELECT …
 *   FOR UPDATE SKIP LOCKED)` statement; on SQLite the same statement inside a write transaction
 *   (SQLite has a single writer). A claimed job holds a lease (`locked_until`, 5 minutes) that the
 *   worker extends while the handler runs; a job whose lease ran out (crashed process) is claimed
 *   again by any worker.
 * - Failures are retried with exponential back-off (10 s, 20 s, 40 s … at most 1 h) until
 *   `max_attempts`, then the job is `failed` and visible on the staff page, where it can be retried.
 * - Recurring jobs (`schedule`) are enqueued with a dedupe key per slot, so N processes enqueue
 *   one job per slot.
 * - A worker only claims job types it has a definition for (a process of an older version never
 *   takes a job it cannot run).
 *
 * Payloads are stored as JSON, but never logged and never copied into `last_error`: keep them to
 * ids (e.g. `{ mailId }`) anyway.
 */

export type JobStatus = "pending" | "running" | "done" | "failed";
export const JOB_STATUSES: readonly JobStatus[] = ["pending", "running", "done", "failed"];

export interface JobsTable {
  id: string;
  type: string;
  /** JSON text */
  payload: string;
  tenant_id: string | null;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: string;
  finished_at: string | null;
  /** 0 normal, 1 background (JobDefinition.background): claimed only when no normal job is due */
  priority: number;
}

declare module "../db/schema.js" {
  interface Database {
    jobs: JobsTable;
  }
}

export const jobMigrations: Migration[] = [
  {
    name: "jobs.001_create",
    async up(db, { types }) {
      await db.schema
        .createTable("jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("payload", types.json, (c) => c.notNull())
        .addColumn("tenant_id", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("max_attempts", "integer", (c) => c.notNull())
        .addColumn("run_at", types.instant, (c) => c.notNull())
        .addColumn("locked_by", "text")
        .addColumn("locked_until", types.instant)
        .addColumn("last_error", "text")
        .addColumn("dedupe_key", "text", (c) => c.unique())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("finished_at", types.instant)
        .execute();
      // claiming: pending jobs by run_at, stale running jobs by locked_until
      await db.schema.createIndex("jobs_claim_idx").on("jobs").columns(["status", "run_at"]).execute();
      await db.schema.createIndex("jobs_lease_idx").on("jobs").columns(["status", "locked_until"]).execute();
      // staff page (newest first) and purging
      await db.schema.createIndex("jobs_created_idx").on("jobs").column("created_at").execute();
      await db.schema.createIndex("jobs_finished_idx").on("jobs").columns(["status", "finished_at"]).execute();
    },
  },
  {
    name: "jobs.002_priority",
    async up(db) {
      await db.schema.alterTable("jobs").addColumn("priority", "integer", (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex("jobs_claim_priority_idx").on("jobs").columns(["status", "priority", "run_at"]).execute();
    },
  },
];

/** A job as the application sees it. */
export interface Job {
  id: string;
  type: string;
  payload: unknown;
  tenantId: string | null;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  dedupeKey: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The part of a pino logger the platform services use. */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EnqueueOptions {
  tenantId?: string | null;
  runAt?: Date;
  /** at most one job with this key ever exists (until purged); enqueue returns null for a duplicate */
  dedupeKey?: string;
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const LEASE_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 60 * 60_000;
const MAX_ERROR_CHARS = 2000;

/** Back-off after the n-th failed attempt (n ≥ 1): 10 s · 2^(n−1), at most 1 h. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

/** The slot a schedule is in at `now`, or undefined when a daily slot has not come yet today. */
export function currentSlot(schedule: JobSchedule, now: Date): Date | undefined {
  if ("everyMs" in schedule) {
    if (!(schedule.everyMs > 0)) throw new Error(`invalid schedule everyMs ${schedule.everyMs}`);
    return new Date(Math.floor(now.getTime() / schedule.everyMs) * schedule.everyMs);
  }
  const m = /^(\d{2}):(\d{2})$/.exec(schedule.dailyAt);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error(`invalid schedule dailyAt "${schedule.dailyAt}"`);
  const slot = berlinToInstant(berlinDateTime(now).date, Number(m[1]), Number(m[2]));
  return now.getTime() >= slot.getTime() ? slot : undefined;
}

function toJob(row: Selectable<JobsTable>): Job {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = null;
  }
  return {
    id: row.id,
    type: row.type,
    payload,
    tenantId: row.tenant_id,
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: row.run_at,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    dedupeKey: row.dedupe_key,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return msg.slice(0, MAX_ERROR_CHARS);
}

export class JobQueue {
  readonly workerId: string;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly context: () => AppContext;
  private readonly definitions = new Map<string, JobDefinition>();
  /** last slot this process enqueued per scheduled type (saves an insert per tick) */
  private readonly lastSlot = new Map<string, string>();

  private started = false;
  private stopRequested = false;
  private pollMs = 1000;
  private timer: NodeJS.Timeout | undefined;
  private currentTick: Promise<void> | undefined;
  private kicked = false;

  constructor(opts: { db: Db; clock: Clock; log: Log; definitions: JobDefinition[]; context: () => AppContext; workerId?: string }) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.log = opts.log;
    this.context = opts.context;
    this.workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomToken(6)}`;
    this.register(opts.definitions);
  }

  /**
   * Adds job definitions after construction — for services that need the queue themselves
   * (`new Mailer({ jobs })`, then `jobs.register(mailJobs(mailer))`).
   */
  register(definitions: JobDefinition[]): void {
    for (const d of definitions) {
      if (this.definitions.has(d.type)) throw new Error(`job type "${d.type}" is defined twice`);
      if (d.schedule) currentSlot(d.schedule, new Date(0)); // validates the schedule early
      this.definitions.set(d.type, d);
    }
  }

  /** The registered job types. */
  get types(): string[] {
    return [...this.definitions.keys()];
  }

  /** Adds a job. Returns its id, or null when a job with the same dedupe key exists already. */
  async enqueue(type: string, payload: unknown, opts: EnqueueOptions = {}, trx?: Executor): Promise<string | null> {
    const def = this.definitions.get(type);
    if (!def) throw new Error(`unknown job type "${type}"`);
    const now = this.clock.now();
    const id = newId(this.clock);
    const maxAttempts = opts.maxAttempts ?? def.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`invalid maxAttempts ${maxAttempts}`);
    const row = await (trx ?? this.db.kysely)
      .insertInto("jobs")
      .values({
        id,
        type,
        payload: JSON.stringify(payload ?? null),
        tenant_id: opts.tenantId ?? null,
        status: "pending",
        attempts: 0,
        max_attempts: maxAttempts,
        run_at: (opts.runAt ?? now).toISOString(),
        locked_by: null,
        locked_until: null,
        last_error: null,
        dedupe_key: opts.dedupeKey ?? null,
        created_at: now.toISOString(),
        finished_at: null,
        priority: def.background ? 1 : 0,
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row ? row.id : null;
  }

  /**
   * Claims the next due job (or a running job whose lease has expired) for this worker, or
   * returns undefined. Exactly one worker gets each claim.
   */
  async claimNext(): Promise<Job | undefined> {
    const types = [...this.definitions.keys()];
    if (types.length === 0) return undefined;
    const now = this.clock.now().toISOString();
    const lockedUntil = new Date(this.clock.now().getTime() + LEASE_MS).toISOString();
    const claim = async (ex: Executor, skipLocked: boolean) =>
      ex
        .updateTable("jobs")
        .set((eb) => ({
          status: "running",
          locked_by: this.workerId,
          locked_until: lockedUntil,
          attempts: eb("attempts", "+", 1),
        }))
        .where("id", "=", (eb) => {
          let q = eb
            .selectFrom("jobs")
            .select("id")
            .where("type", "in", types)
            .where((w) =>
              w.or([
                w.and([w("status", "=", "pending"), w("run_at", "<=", now)]),
                w.and([w("status", "=", "running"), w("locked_until", "<", now)]),
              ]),
            )
            // background work (e.g. text extraction of hundreds of PDFs) never delays a mail or a case
            .orderBy("priority")
            .orderBy("run_at")
            .orderBy("id")
            .limit(1);
          if (skipLocked) q = q.forUpdate().skipLocked();
          return q;
        })
        .returningAll()
        .executeTakeFirst();

    const row =
      this.db.dialect === "postgres"
        ? // one statement: atomic; rows locked by other claimers are skipped, not waited for
          await claim(this.db.kysely, true)
        : // SQLite: the write transaction makes the claim exclusive across connections and processes
          await this.db.tx((trx) => claim(trx, false));
    if (!row) return undefined;
    const job = toJob(row);
    if (job.attempts > job.maxAttempts) {
      // the lease of its last attempt ran out (the worker died): do not run it again
      await this.finish(job, { status: "failed", last_error: "Lease expired during the last attempt (worker stopped or crashed)." });
      this.log.error({ jobId: job.id, jobType: job.type, attempt: job.attempts - 1 }, "job failed: lease expired during the last attempt");
      return this.claimNext();
    }
    return job;
  }

  /** Claims and runs due jobs one by one until none is due (or `max` have run). Returns how many ran. */
  async runDue(max = 50): Promise<number> {
    let ran = 0;
    while (ran < max && !this.stopRequested) {
      const job = await this.claimNext();
      if (!job) break;
      await this.runClaimed(job);
      ran++;
    }
    return ran;
  }

  private async runClaimed(job: Job): Promise<void> {
    const def = this.definitions.get(job.type)!;
    // keep the lease while the handler runs, so a slow job is not claimed by a second worker
    const heartbeat = setInterval(() => {
      const until = new Date(this.clock.now().getTime() + LEASE_MS).toISOString();
      this.db.kysely
        .updateTable("jobs")
        .set({ locked_until: until })
        .where("id", "=", job.id)
        .where("locked_by", "=", this.workerId)
        .where("status", "=", "running")
        .execute()
        .catch((err: unknown) => this.log.warn({ jobId: job.id, jobType: job.type, error: errorMessage(err) }, "job lease extension failed"));
    }, LEASE_MS / 3);
    heartbeat.unref();
    let failure: unknown;
    let failed = false;
    try {
      await def.handler(job.payload, { ctx: this.context(), jobId: job.id, attempt: job.attempts, tenantId: job.tenantId });
    } catch (err) {
      failed = true;
      failure = err;
    } finally {
      clearInterval(heartbeat);
    }
    try {
      if (!failed) {
        await this.finish(job, { status: "done", last_error: null });
        return;
      }
      const message = errorMessage(failure);
      const willRetry = job.attempts < job.maxAttempts;
      this.log.error(
        { jobId: job.id, jobType: job.type, attempt: job.attempts, maxAttempts: job.maxAttempts, willRetry, error: message },
        willRetry ? "job failed, will retry" : "job failed permanently",
      );
      if (willRetry) {
        const runAt = new Date(this.clock.now().getTime() + backoffMs(job.attempts)).toISOString();
        await this.finish(job, { status: "pending", run_at: runAt, last_error: message });
      } else {
        await this.finish(job, { status: "failed", last_error: message });
      }
    } catch (err) {
      // the database is gone for a moment: the lease runs out and the job is claimed again
      this.log.error({ jobId: job.id, jobType: job.type, error: errorMessage(err) }, "could not record job result");
    }
  }

  /** Records the outcome, but only while this worker still holds this attempt's claim. */
  private async finish(
    job: Job,
    change: { status: JobStatus; last_error: string | null; run_at?: string },
  ): Promise<void> {
    const terminal = change.status === "done" || change.status === "failed";
    const res = await this.db.kysely
      .updateTable("jobs")
      .set({
        ...change,
        locked_by: null,
        locked_until: null,
        finished_at: terminal ? this.clock.now().toISOString() : null,
      })
      .where("id", "=", job.id)
      .where("status", "=", "running")
      .where("locked_by", "=", this.workerId)
      .where("attempts", "=", job.attempts)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      this.log.warn({ jobId: job.id, jobType: job.type, attempt: job.attempts }, "job result not recorded: the claim was lost (lease expired)");
    }
  }

  /** Enqueues one job per current slot of every scheduled definition (deduplicated across processes). */
  async scheduleDue(): Promise<void> {
    const now = this.clock.now();
    for (const def of this.definitions.values()) {
      if (!def.schedule) continue;
      const slot = currentSlot(def.schedule, now);
      if (!slot) continue;
      const slotIso = slot.toISOString();
      if (this.lastSlot.get(def.type) === slotIso) continue;
      try {
        await this.enqueue(def.type, null, { runAt: slot, dedupeKey: `schedule:${def.type}:${slotIso}` });
        this.lastSlot.set(def.type, slotIso);
      } catch (err) {
        this.log.error({ jobType: def.type, error: errorMessage(err) }, "could not schedule job");
      }
    }
  }

  /** Starts the worker loop: every `pollMs`, scheduleDue then runDue. Ticks never overlap. */
  start(pollMs = 1000): void {
    if (this.started) return;
    this.started = true;
    this.stopRequested = false;
    this.pollMs = pollMs;
    this.arm(0);
  }

  /** Stops the loop and waits for the running tick (the current job finishes). */
  async stop(): Promise<void> {
    this.started = false;
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.currentTick;
    this.stopRequested = false;
  }

  /** Runs a tick soon (e.g. after enqueueing something that should go out now). */
  kick(): void {
    if (!this.started) return;
    if (this.currentTick) {
      this.kicked = true;
      return;
    }
    this.arm(0);
  }

  private arm(delay: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (!this.started || this.currentTick) return;
    this.kicked = false;
    const run = async () => {
      try {
        await this.scheduleDue();
        await this.runDue();
      } catch (err) {
        this.log.error({ error: errorMessage(err) }, "job queue tick failed");
      }
    };
    this.currentTick = run();
    await this.currentTick;
    this.currentTick = undefined;
    this.arm(this.kicked ? 0 : this.pollMs);
  }

  // --- staff page -------------------------------------------------------------------------

  async list(opts: { status?: JobStatus; limit?: number; offset?: number } = {}): Promise<Job[]> {
    let q = this.db.kysely.selectFrom("jobs").selectAll();
    if (opts.status) q = q.where("status", "=", opts.status);
    const rows = await q
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit ?? 50)
      .offset(opts.offset ?? 0)
      .execute();
    return rows.map(toJob);
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const rows = await this.db.kysely
      .selectFrom("jobs")
      .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const result: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
    for (const r of rows) result[r.status] = Number(r.n);
    return result;
  }

  async get(id: string): Promise<Job | undefined> {
    const row = await this.db.kysely.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /** A failed job runs again now, with a fresh set of attempts. Returns false unless it was failed. */
  async retry(id: string): Promise<boolean> {
    const res = await this.db.kysely
      .updateTable("jobs")
      .set({ status: "pending", attempts: 0, run_at: this.clock.now().toISOString(), finished_at: null, locked_by: null, locked_until: null })
      .where("id", "=", id)
      .where("status", "=", "failed")
      .executeTakeFirst();
    const ok = Number(res.numUpdatedRows) > 0;
    if (ok) this.kick();
    return ok;
  }

  /** Deletes done and failed jobs that finished before `olderThan`. Returns how many. */
  async purgeFinished(olderThan: Date): Promise<number> {
    const res = await this.db.kysely
      .deleteFrom("jobs")
      .where("status", "in", ["done", "failed"])
      .where("finished_at", "<", olderThan.toISOString())
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
