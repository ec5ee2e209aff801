import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { ManualClock } from "../clock.js";
import { migrate } from "../db/migrate.js";
import { sha256 } from "../ids.js";
import type { Log } from "../jobs/queue.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/db.js";
import { AuditLog, auditJobs, auditMigrations, GENESIS_HASH } from "./audit.js";

const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function setup(): Promise<{ t: TestDatabase; clock: ManualClock; audit: AuditLog; headFile: string }> {
  const t = await createTestDatabase();
  const clock = new ManualClock("2026-11-27T09:00:00.000Z");
  await migrate(t.db, [{ owner: "platform", migrations: auditMigrations }], clock);
  const headFile = join(t.dataDir, "audit", "head.jsonl");
  return { t, clock, audit: new AuditLog({ db: t.db, clock, headFile, log: silent }), headFile };
}

async function recordThree(audit: AuditLog, clock: ManualClock): Promise<void> {
  await audit.record({ tenantId: "t-1", actor: { type: "staff", id: "s-1" }, action: "auth.login" });
  clock.advance(1000);
  await audit.record({
    tenantId: "t-1",
    actor: { type: "staff", id: "s-1" },
    action: "case.view",
    object: { type: "case", id: "c-1" },
    fields: ["applicant.name", "applicant.email"],
    reason: "Rückfrage des Antragstellers",
  });
  clock.advance(1000);
  await audit.record({ actor: { type: "system" }, action: "tenant.settings.update", object: { type: "tenant", id: "t-2" }, fields: ["title"] });
}

test("three entries form a valid chain", async () => {
  const { t, clock, audit } = await setup();
  try {
    await recordThree(audit, clock);
    const result = await audit.verify();
    assert.deepEqual(result, { ok: true, count: 3, problems: [], headChecked: false });
    const entries = await audit.list();
    assert.deepEqual(
      entries.map((e) => e.seq),
      [3, 2, 1],
    );
    assert.equal(entries[2]!.prevHash, GENESIS_HASH);
    assert.equal(entries[1]!.prevHash, entries[2]!.hash);
    assert.equal(entries[0]!.prevHash, entries[1]!.hash);
    assert.deepEqual(entries[1]!.fields, ["applicant.name", "applicant.email"]);
    assert.equal(entries[1]!.reason, "Rückfrage des Antragstellers");
    assert.deepEqual(entries[0]!.object, { type: "tenant", id: "t-2" });
    assert.equal(entries[0]!.tenantId, null);
    assert.equal((await audit.list({ tenantId: "t-1" })).length, 2);
    assert.equal((await audit.list({ tenantId: null })).length, 1);
    assert.deepEqual(
      (await audit.list({ beforeSeq: 3, limit: 1 })).map((e) => e.seq),
      [2],
    );
  } finally {
    await t.dispose();
  }
});

test("a changed row is reported with its seq", async () => {
  const { t, clock, audit } = await setup();
  try {
    await recordThree(audit, clock);
    await sql`update audit_log set action = 'case.update' where seq = 2`.execute(t.db.kysely);
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.equal(result.count, 3);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!, /^seq 2: .*changed/);
  } finally {
    await t.dispose();
  }
});

test("a row whose hash was recomputed breaks the link to the next row", async () => {
  const { t, clock, audit } = await setup();
  try {
    await recordThree(audit, clock);
    const [row] = await t.db.kysely.selectFrom("audit_log").selectAll().where("seq", "=", 2).execute();
    const fields = JSON.parse(row!.fields) as string[];
    const forged = sha256(
      JSON.stringify([row!.prev_hash, row!.id, row!.at, row!.tenant_id, row!.actor_type, row!.actor_id, "case.update", row!.object_type, row!.object_id, fields, row!.reason]),
    );
    await sql`update audit_log set action = 'case.update', hash = ${forged} where seq = 2`.execute(t.db.kysely);
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!, /^seq 3: prev_hash does not match the hash of seq 2/);
  } finally {
    await t.dispose();
  }
});

test("a deleted middle entry is reported", async () => {
  const { t, clock, audit } = await setup();
  try {
    await recordThree(audit, clock);
    await sql`delete from audit_log where seq = 2`.execute(t.db.kysely);
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.match(result.problems.join("\n"), /seq 3: prev_hash does not match the hash of seq 1/);
  } finally {
    await t.dispose();
  }
});

test("deleting the newest entry after writeHead is reported via the head file", async () => {
  const { t, clock, audit, headFile } = await setup();
  try {
    await recordThree(audit, clock);
    await audit.writeHead();
    await audit.writeHead(); // unchanged: no second line
    let lines = readFileSync(headFile, "utf8").trim().split("\n");
    assert.equal(lines.length, 1);
    const head = JSON.parse(lines[0]!) as { seq: number; hash: string; at: string };
    assert.equal(head.seq, 3);
    assert.equal(head.at, "2026-11-27T09:00:02.000Z");

    const ok = await audit.verify();
    assert.deepEqual(ok, { ok: true, count: 3, problems: [], headChecked: true });

    // a new entry moves the head; a new process (new AuditLog) does not repeat the last line
    clock.advance(1000);
    await audit.record({ actor: { type: "anonymous" }, action: "auth.login.failed" });
    await audit.writeHead();
    await new AuditLog({ db: t.db, clock, headFile, log: silent }).writeHead();
    lines = readFileSync(headFile, "utf8").trim().split("\n");
    assert.equal(lines.length, 2);

    await sql`delete from audit_log where seq = 4`.execute(t.db.kysely);
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.equal(result.headChecked, true);
    assert.equal(result.count, 3);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!, /head file records seq 4 .* but the database ends at seq 3: the newest entries were deleted/);
  } finally {
    await t.dispose();
  }
});

test("a rewritten chain is caught by the head file", async () => {
  const { t, clock, audit, headFile } = await setup();
  try {
    await recordThree(audit, clock);
    await audit.writeHead();
    writeFileSync(headFile, `${JSON.stringify({ seq: 3, hash: "f".repeat(64), at: "2026-11-27T09:00:02.000Z" })}\n`, { flag: "a" });
    const result = await audit.verify();
    assert.equal(result.ok, false);
    assert.match(result.problems[0]!, /head file records seq 3 with hash f+ .* but the database has hash/);
  } finally {
    await t.dispose();
  }
});

test("the hash covers ids and field names only, computed as documented", async () => {
  const { t, clock, audit } = await setup();
  try {
    await audit.record({
      tenantId: "t-1",
      actor: { type: "citizen", id: "u-7" },
      action: "case.submit",
      object: { type: "case", id: "c-9" },
      fields: ["applicant.name", "documents[0]"],
    });
    const row = (await t.db.kysely.selectFrom("audit_log").selectAll().executeTakeFirst())!;
    assert.equal(row.fields, JSON.stringify(["applicant.name", "documents[0]"]));
    const expected = sha256(
      JSON.stringify([GENESIS_HASH, row.id, row.at, "t-1", "citizen", "u-7", "case.submit", "case", "c-9", ["applicant.name", "documents[0]"], null]),
    );
    assert.equal(row.hash, expected);
    assert.equal(row.at, clock.now().toISOString());
    // values where names belong are refused
    await assert.rejects(() => audit.record({ actor: { type: "staff", id: "s" }, action: "case.update", fields: ["erika@example.de"] }), /field names/);
    await assert.rejects(() => audit.record({ actor: { type: "staff", id: "s" }, action: "case.update", fields: ["Erika Mustermann"] }), /field names/);
    await assert.rejects(() => audit.record({ actor: { type: "robot" as "staff" }, action: "case.update" }), /actor type/);
    assert.equal((await audit.verify()).count, 1);
  } finally {
    await t.dispose();
  }
});

test("record() inside the caller's transaction commits and rolls back with it", async () => {
  const { t, clock, audit } = await setup();
  try {
    await t.db.tx((trx) => audit.record({ actor: { type: "system" }, action: "test.commit" }, trx));
    await assert.rejects(() =>
      t.db.tx(async (trx) => {
        await audit.record({ actor: { type: "system" }, action: "test.rollback" }, trx);
        throw new Error("abort");
      }),
    );
    clock.advance(1);
    await audit.record({ actor: { type: "system" }, action: "test.after" });
    const entries = await audit.list();
    assert.deepEqual(
      entries.map((e) => e.action),
      ["test.after", "test.commit"],
    );
    assert.equal((await audit.verify()).ok, true);
  } finally {
    await t.dispose();
  }
});

test("concurrent records keep one chain", async () => {
  const { t, audit } = await setup();
  try {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0
          ? audit.record({ actor: { type: "system" }, action: `test.n${i}` })
          : t.db.tx((trx) => audit.record({ actor: { type: "system" }, action: `test.n${i}` }, trx)),
      ),
    );
    const result = await audit.verify();
    assert.deepEqual(result.problems, []);
    assert.equal(result.count, 30);
  } finally {
    await t.dispose();
  }
});

test("auditJobs defines the recurring head writer", async () => {
  const { t, clock, audit, headFile } = await setup();
  try {
    const [job] = auditJobs(audit, 60_000);
    assert.equal(job!.type, "audit.writeHead");
    assert.deepEqual(job!.schedule, { everyMs: 60_000 });
    await audit.record({ actor: { type: "system" }, action: "test.x" });
    await job!.handler(null, { ctx: {} as never, jobId: "j", attempt: 1, tenantId: null });
    assert.equal(readFileSync(headFile, "utf8").trim().split("\n").length, 1);
    void clock;
  } finally {
    await t.dispose();
  }
});
