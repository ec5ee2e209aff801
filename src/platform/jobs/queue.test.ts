import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, berlinToInstant } from "../clock.js";
import type { AppContext } from "../context.js";
import { openDatabase, type Db } from "../db/index.js";
import { migrate } from "../db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/db.js";
import { JobQueue, jobMigrations, backoffMs, currentSlot, type Log } from "./queue.js";
import type { JobDefinition } from "./types.js";

interface LogEntry {
  level: string;
  obj: object;
  msg?: string | undefined;
}

function memoryLog(): Log & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: "info", obj, msg }),
    warn: (obj, msg) => entries.push({ level: "warn", obj, msg }),
    error: (obj, msg) => entries.push({ level: "error", obj, msg }),
  };
}

const noContext = () => ({}) as AppContext;

async function setup(): Promise<{ t: TestDatabase; clock: ManualClock }> {
  const t = await createTestDatabase();
  const clock = new ManualClock("2026-11-27T09:00:00.000Z");
  await migrate(t.db, [{ owner: "platform", migrations: jobMigrations }], clock);
  return { t, clock };
}

function queue(db: Db, clock: ManualClock, definitions: JobDefinition[], log: Log = memoryLog(), workerId?: string) {
  return new JobQueue({ db, clock, log, definitions, context: noContext, ...(workerId ? { workerId } : {}) });
}

test("enqueue + runDue runs the handler once and marks the job done", async () => {
  const { t, clock } = await setup();
  try {
    const seen: unknown[] = [];
    const q = queue(t.db, clock, [
      {
        type: "test.echo",
        async handler(payload, job) {
          seen.push(payload);
          assert.equal(job.attempt, 1);
          assert.equal(job.tenantId, "tenant-1");
        },
      },
    ]);
    const id = await q.enqueue("test.echo", { n: 1 }, { tenantId: "tenant-1" });
    assert.ok(id);
    assert.equal(await q.runDue(), 1);
    assert.equal(await q.runDue(), 0);
    assert.deepEqual(seen, [{ n: 1 }]);
    const job = await q.get(id);
    assert.equal(job?.status, "done");
    assert.equal(job?.attempts, 1);
    assert.equal(job?.finishedAt, clock.now().toISOString());
    assert.equal(job?.lockedBy, null);
    assert.deepEqual(await q.counts(), { pending: 0, running: 0, done: 1, failed: 0 });
    assert.equal((await q.list({ status: "done" })).length, 1);
    await assert.rejects(() => q.enqueue("test.unknown", {}), /unknown job type/);
  } finally {
    await t.dispose();
  }
});

test("a job runs only when run_at has come", async () => {
  const { t, clock } = await setup();
  try {
    let runs = 0;
    const q = queue(t.db, clock, [{ type: "test.later", handler: async () => void runs++ }]);
    await q.enqueue("test.later", null, { runAt: new Date(clock.now().getTime() + 60_000) });
    assert.equal(await q.runDue(), 0);
    clock.advance(60_000);
    assert.equal(await q.runDue(), 1);
    assert.equal(runs, 1);
  } finally {
    await t.dispose();
  }
});

test("a dedupe key admits one job", async () => {
  const { t, clock } = await setup();
  try {
    const q = queue(t.db, clock, [{ type: "test.once", handler: async () => undefined }]);
    const first = await q.enqueue("test.once", {}, { dedupeKey: "k1" });
    assert.ok(first);
    assert.equal(await q.enqueue("test.once", {}, { dedupeKey: "k1" }), null);
    // inside a transaction too
    assert.equal(await t.db.tx((trx) => q.enqueue("test.once", {}, { dedupeKey: "k1" }, trx)), null);
    assert.ok(await q.enqueue("test.once", {}, { dedupeKey: "k2" }));
    // no key: any number of jobs
    assert.ok(await q.enqueue("test.once", {}));
    assert.ok(await q.enqueue("test.once", {}));
    assert.equal((await q.counts()).pending, 4);
  } finally {
    await t.dispose();
  }
});

test("a failing job is retried with back-off, then failed after maxAttempts; payload never logged", async () => {
  const { t, clock } = await setup();
  try {
    const log = memoryLog();
    let runs = 0;
    const q = queue(
      t.db,
      clock,
      [
        {
          type: "test.fail",
          maxAttempts: 3,
          async handler() {
            runs++;
            throw new Error(`boom ${runs}`);
          },
        },
      ],
      log,
    );
    const id = (await q.enqueue("test.fail", { secret: "Erika Mustermann" }))!;
    assert.equal(await q.runDue(), 1); // a handler's error never escapes runDue
    let job = (await q.get(id))!;
    assert.equal(job.status, "pending");
    assert.equal(job.attempts, 1);
    assert.equal(job.runAt, new Date(clock.now().getTime() + 10_000).toISOString());
    assert.equal(job.lastError, "Error: boom 1");

    assert.equal(await q.runDue(), 0, "not before the back-off is over");
    clock.advance(9_999);
    assert.equal(await q.runDue(), 0);
    clock.advance(1);
    assert.equal(await q.runDue(), 1);
    job = (await q.get(id))!;
    assert.equal(job.status, "pending");
    assert.equal(job.attempts, 2);
    assert.equal(job.runAt, new Date(clock.now().getTime() + 20_000).toISOString());

    clock.advance(20_000);
    assert.equal(await q.runDue(), 1);
    job = (await q.get(id))!;
    assert.equal(job.status, "failed");
    assert.equal(job.attempts, 3);
    assert.equal(job.lastError, "Error: boom 3");
    assert.equal(job.finishedAt, clock.now().toISOString());
    clock.advance(3_600_000);
    assert.equal(await q.runDue(), 0);
    assert.equal(runs, 3);

    const errors = log.entries.filter((e) => e.level === "error");
    assert.equal(errors.length, 3);
    assert.deepEqual(
      errors.map((e) => (e.obj as { attempt: number }).attempt),
      [1, 2, 3],
    );
    assert.ok(errors.every((e) => (e.obj as { jobId: string }).jobId === id));
    assert.ok(!JSON.stringify(log.entries).includes("Mustermann"), "the payload is never logged");

    // the staff page can retry a failed job
    assert.equal(await q.retry(id), true);
    assert.equal((await q.get(id))!.status, "pending");
    assert.equal(await q.retry(id), false);
  } finally {
    await t.dispose();
  }
});

test("back-off doubles from 10 s and stops at 1 h", () => {
  assert.equal(backoffMs(1), 10_000);
  assert.equal(backoffMs(2), 20_000);
  assert.equal(backoffMs(5), 160_000);
  assert.equal(backoffMs(12), 3_600_000);
  assert.equal(backoffMs(100), 3_600_000);
});

test("schedule slots: everyMs aligned to the epoch, dailyAt in Europe/Berlin", () => {
  const now = new Date("2026-11-27T09:07:30.000Z");
  assert.equal(currentSlot({ everyMs: 5 * 60_000 }, now)?.toISOString(), "2026-11-27T09:05:00.000Z");
  // 10:07 in Berlin (CET, UTC+1): 03:30 has passed, 11:00 has not
  assert.equal(currentSlot({ dailyAt: "03:30" }, now)?.toISOString(), "2026-11-27T02:30:00.000Z");
  assert.equal(currentSlot({ dailyAt: "11:00" }, now), undefined);
  // summer time (CEST, UTC+2)
  assert.equal(currentSlot({ dailyAt: "03:30" }, new Date("2026-07-01T12:00:00Z"))?.toISOString(), "2026-07-01T01:30:00.000Z");
  assert.throws(() => currentSlot({ dailyAt: "25:00" }, now));
});

test("scheduleDue enqueues one job per slot, also when called twice and by two queues", async () => {
  const { t, clock } = await setup();
  try {
    let runs = 0;
    const defs: JobDefinition[] = [
      { type: "test.every", schedule: { everyMs: 60_000 }, handler: async () => void runs++ },
      { type: "test.daily", schedule: { dailyAt: "03:00" }, handler: async () => void runs++ },
      { type: "test.evening", schedule: { dailyAt: "22:00" }, handler: async () => void runs++ },
    ];
    const a = queue(t.db, clock, defs, memoryLog(), "worker-a");
    const b = queue(t.db, clock, defs, memoryLog(), "worker-b");
    await a.scheduleDue();
    await a.scheduleDue();
    await b.scheduleDue();
    await Promise.all([a.scheduleDue(), b.scheduleDue()]);
    const jobs = await a.list();
    assert.deepEqual(jobs.map((j) => j.type).sort(), ["test.daily", "test.every"]);
    const every = jobs.find((j) => j.type === "test.every")!;
    assert.equal(every.dedupeKey, "schedule:test.every:2026-11-27T09:00:00.000Z");
    const daily = jobs.find((j) => j.type === "test.daily")!;
    assert.equal(daily.dedupeKey, `schedule:test.daily:${berlinToInstant("2026-11-27", 3, 0).toISOString()}`);

    // the next minute is a new slot
    clock.advance(60_000);
    await Promise.all([a.scheduleDue(), b.scheduleDue()]);
    await b.scheduleDue();
    assert.equal((await a.list()).filter((j) => j.type === "test.every").length, 2);
    // the evening slot comes at 22:00 Berlin = 21:00 UTC
    clock.set("2026-11-27T21:00:00.000Z");
    await Promise.all([a.scheduleDue(), b.scheduleDue()]);
    assert.equal((await a.list()).filter((j) => j.type === "test.evening").length, 1);
    assert.equal((await a.list()).filter((j) => j.type === "test.daily").length, 1);

    await Promise.all([a.runDue(), b.runDue()]);
    assert.equal(runs, 5);
  } finally {
    await t.dispose();
  }
});

test("exactly-once claiming: two workers run 20 jobs concurrently, each handler runs once", async () => {
  const { t, clock } = await setup();
  // on PostgreSQL the second worker gets its own connection pool, like a second process;
  // on SQLite both share the single writer connection, as processes share the file lock
  const second = t.databaseUrl ? await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, poolSize: 5 }) : t.db;
  try {
    const runs = new Map<string, number>();
    const byWorker = new Map<string, number>();
    const def = (worker: string): JobDefinition => ({
      type: "test.count",
      async handler(payload) {
        const n = String((payload as { n: number }).n);
        runs.set(n, (runs.get(n) ?? 0) + 1);
        byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
        // yield so the other worker gets its turn in between
        await new Promise((r) => setTimeout(r, 2));
      },
    });
    const a = queue(t.db, clock, [def("a")], memoryLog(), "worker-a");
    const b = queue(second, clock, [def("b")], memoryLog(), "worker-b");
    for (let i = 0; i < 20; i++) await a.enqueue("test.count", { n: i });
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    assert.equal(ranA + ranB, 20);
    assert.equal(runs.size, 20);
    for (const [n, count] of runs) assert.equal(count, 1, `job ${n} ran ${count} times`);
    assert.deepEqual(await a.counts(), { pending: 0, running: 0, done: 20, failed: 0 });
    assert.ok(ranA > 0 && ranB > 0, `both workers took jobs (a ${ranA}, b ${ranB})`);
  } finally {
    if (second !== t.db) await second.close();
    await t.dispose();
  }
});

test("a running job whose lease expired is claimed again by another worker", async () => {
  const { t, clock } = await setup();
  try {
    let runs = 0;
    const defs: JobDefinition[] = [{ type: "test.stale", maxAttempts: 2, handler: async () => void runs++ }];
    const crashed = queue(t.db, clock, defs, memoryLog(), "worker-crashed");
    const healthy = queue(t.db, clock, defs, memoryLog(), "worker-healthy");
    const id = (await crashed.enqueue("test.stale", {}))!;
    const claimed = await crashed.claimNext(); // … and the process dies
    assert.equal(claimed?.id, id);
    assert.equal((await crashed.get(id))!.status, "running");

    assert.equal(await healthy.runDue(), 0, "the lease still holds");
    clock.advance(5 * 60_000 + 1);
    assert.equal(await healthy.runDue(), 1);
    const job = (await healthy.get(id))!;
    assert.equal(job.status, "done");
    assert.equal(job.attempts, 2);
    assert.equal(runs, 1);
  } finally {
    await t.dispose();
  }
});

test("a job whose last attempt's lease expired is failed, not run again", async () => {
  const { t, clock } = await setup();
  try {
    let runs = 0;
    const defs: JobDefinition[] = [{ type: "test.last", maxAttempts: 1, handler: async () => void runs++ }];
    const crashed = queue(t.db, clock, defs, memoryLog(), "worker-crashed");
    const healthy = queue(t.db, clock, defs, memoryLog(), "worker-healthy");
    const id = (await crashed.enqueue("test.last", {}))!;
    await crashed.claimNext();
    clock.advance(6 * 60_000);
    assert.equal(await healthy.runDue(), 0);
    assert.equal(runs, 0);
    assert.equal((await healthy.get(id))!.status, "failed");
  } finally {
    await t.dispose();
  }
});

test("a worker claims only job types it knows", async () => {
  const { t, clock } = await setup();
  try {
    const full = queue(t.db, clock, [
      { type: "test.a", handler: async () => undefined },
      { type: "test.b", handler: async () => undefined },
    ]);
    const partial = queue(t.db, clock, [{ type: "test.a", handler: async () => undefined }]);
    await full.enqueue("test.b", {});
    assert.equal(await partial.runDue(), 0);
    assert.equal(await full.runDue(), 1);
  } finally {
    await t.dispose();
  }
});

test("start/stop: the loop schedules and runs jobs; stop waits for the running tick", async () => {
  const { t, clock } = await setup();
  try {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const q = queue(t.db, clock, [
      {
        type: "test.slow",
        async handler() {
          started();
          await gate;
          runs++;
        },
      },
    ]);
    await q.enqueue("test.slow", {});
    q.start(10);
    await running;
    let stopped = false;
    const stopping = q.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(stopped, false, "stop waits for the running job");
    release();
    await stopping;
    assert.equal(runs, 1);
    assert.equal((await q.counts()).done, 1);
  } finally {
    await t.dispose();
  }
});

test("purgeFinished removes old done and failed jobs only", async () => {
  const { t, clock } = await setup();
  try {
    const q = queue(t.db, clock, [{ type: "test.p", handler: async () => undefined }]);
    await q.enqueue("test.p", {});
    await q.runDue();
    clock.advance(86_400_000);
    await q.enqueue("test.p", {}, { runAt: new Date(clock.now().getTime() + 1000) });
    assert.equal(await q.purgeFinished(new Date(clock.now().getTime() - 1000)), 1);
    assert.deepEqual(await q.counts(), { pending: 1, running: 0, done: 0, failed: 0 });
  } finally {
    await t.dispose();
  }
});

test("background jobs wait while a normal job is due, however early they were queued", async () => {
  const { t, clock } = await setup();
  try {
    const ran: string[] = [];
    const q = queue(t.db, clock, [
      { type: "test.bulk", background: true, async handler(p) { ran.push(`bulk ${(p as { n: number }).n}`); } },
      { type: "test.mail", async handler() { ran.push("mail"); } },
    ]);
    await q.enqueue("test.bulk", { n: 1 });
    clock.advance(1);
    await q.enqueue("test.bulk", { n: 2 });
    clock.advance(1000);
    await q.enqueue("test.mail", {});
    assert.equal(await q.runDue(), 3);
    assert.deepEqual(ran, ["mail", "bulk 1", "bulk 2"]);
  } finally {
    await t.dispose();
  }
});
