import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { sampleFileFor } from "../../test-support/applications.js";
import { submittedCase } from "../../test-support/cases.js";
import { berlinDateTime } from "../../platform/clock.js";
import type { StaffAccount } from "../../platform/auth/accounts.js";
import type { Tenant } from "../../platform/tenancy.js";
import { caseService, type Case } from "../cases/index.js";
import { onCaseRetention, records, RETENTION_JOB, type DeletedCase } from "./index.js";

/**
 * Retention: closed cases are deleted — rows and files — exactly when their service's retention
 * (days after closing) has ended; open cases and cases still within their retention stay.
 */

let t: TestApp;
let usingen: Tenant;
let admin: StaffAccount;
/** What a module registered with onCaseRetention was told. */
const told: DeletedCase[] = [];
before(async () => {
  t = await createTestApp();
  onCaseRetention(t.ctx, async (trx, deleted) => {
    // Inside the deleting transaction: the case is still there to read.
    assert.ok(await trx.selectFrom("cases").select("id").where("id", "=", deleted.caseId).executeTakeFirst());
    told.push(deleted);
  });
  usingen = t.ctx.tenants.bySlug("usingen")!;
  admin = (await t.ctx.accounts.byId((await t.ctx.accounts.idByEmail(DEMO_ACCOUNTS[1]!.email))!))!;
});
after(() => t.close());

const DAY = 86_400_000;
const db = () => t.ctx.db.kysely;

/** A submitted application's case, with the receipt rendered. */
async function submittedWithReceipt(serviceId: string) {
  const { kase, submission: sub, statusPath } = await submittedCase(t, serviceId);
  assert.ok(sub.receipt_key, "receipt rendered");
  return { kase, sub, statusPath };
}


async function fresh(c: Case): Promise<Case> {
  return (await caseService(t.ctx).get(c.tenant_id, c.id))!;
}

/** Through the workflow to "abgeschlossen" with a Bescheid, now. */
async function close(c: Case): Promise<void> {
  const cases = caseService(t.ctx);
  assert.ok((await cases.transition(usingen, await fresh(c), { to: "in-bearbeitung", version: (await fresh(c)).version }, admin)).ok);
  const r = await cases.transition(usingen, await fresh(c), { to: "abgeschlossen", version: (await fresh(c)).version, text: "Erledigt." }, admin);
  assert.ok(r.ok);
}

/** Every storage key that belongs to the case: uploads, receipt, the case's files. */
async function keysOf(c: Case): Promise<string[]> {
  const sub = await db().selectFrom("submissions").select(["id", "receipt_key"]).where("id", "=", c.submission_id).executeTakeFirst();
  const uploads = await db().selectFrom("application_files").select("storage_key").where("submission_id", "=", c.submission_id).execute();
  const own = await db().selectFrom("case_files").select("storage_key").where("case_id", "=", c.id).execute();
  return [...uploads.map((r) => r.storage_key), ...(sub?.receipt_key ? [sub.receipt_key] : []), ...own.map((r) => r.storage_key)];
}

async function rowsOf(c: Case): Promise<Record<string, number>> {
  const count = async (q: Promise<unknown[]>) => (await q).length;
  const sub = await db().selectFrom("submissions").select(["id", "draft_id"]).where("id", "=", c.submission_id).executeTakeFirst();
  return {
    cases: await count(db().selectFrom("cases").select("id").where("id", "=", c.id).execute()),
    case_events: await count(db().selectFrom("case_events").select("id").where("case_id", "=", c.id).execute()),
    case_messages: await count(db().selectFrom("case_messages").select("id").where("case_id", "=", c.id).execute()),
    case_notes: await count(db().selectFrom("case_notes").select("id").where("case_id", "=", c.id).execute()),
    case_files: await count(db().selectFrom("case_files").select("id").where("case_id", "=", c.id).execute()),
    submissions: sub ? 1 : 0,
    application_files: await count(db().selectFrom("application_files").select("id").where("submission_id", "=", c.submission_id).execute()),
    application_drafts: sub ? await count(db().selectFrom("application_drafts").select("id").where("id", "=", sub.draft_id).execute()) : 0,
  };
}

const exists = (keys: string[]) => Promise.all(keys.map((k) => t.ctx.storage.exists(k)));

test("expired closed cases go with all their rows and files; open ones and those within their retention stay; the trace is anonymous; a second run changes nothing", async () => {
  const t0 = t.clock.now().getTime();
  // A: Fundsache (365 days), with an upload, a citizen's answer with a document, messages, a note and a Bescheid.
  const a = await submittedWithReceipt("fundsache-melden");
  const cases = caseService(t.ctx);
  assert.ok((await cases.transition(usingen, await fresh(a.kase), { to: "in-bearbeitung", version: a.kase.version }, admin)).ok);
  assert.ok((await cases.transition(usingen, await fresh(a.kase), { to: "rueckfrage", version: (await fresh(a.kase)).version, text: "Bitte ein Foto." }, admin)).ok);
  const photo = sampleFileFor(["image/jpeg"]);
  assert.ok((await cases.citizenAnswer(usingen, await fresh(a.kase), "Hier das Foto.", [{ fileName: photo.name, contentType: photo.type, data: photo.data }], { accountId: null })).ok);
  assert.ok((await cases.addNote(await fresh(a.kase), "Interner Vermerk", admin)).ok);
  // B: wilde Müllablagerung (730 days); C: Fundsache that stays open; D: Fundsache closed later.
  const b = await submittedWithReceipt("wilde-muellablagerung-melden");
  const c = await submittedWithReceipt("fundsache-melden");
  const d = await submittedWithReceipt("fundsache-melden");
  t.clock.set(new Date(t0 + DAY));
  const closeA = await cases.transition(usingen, await fresh(a.kase), { to: "abgeschlossen", version: (await fresh(a.kase)).version, text: "Die Fundsache ist abgeholt." }, admin);
  assert.ok(closeA.ok);
  await close(b.kase);
  t.clock.set(new Date(t0 + 200 * DAY));
  await close(d.kase);

  const aKeys = await keysOf(a.kase);
  assert.ok(aKeys.length >= 4, `upload, receipt, answer document and Bescheid: ${aKeys.join(", ")}`);
  assert.ok((await exists(aKeys)).every(Boolean));
  const before = await rowsOf(a.kase);
  for (const [table, n] of Object.entries(before)) assert.ok(n >= 1, `A has rows in ${table}`);
  const others = { b: await keysOf(b.kase), c: await keysOf(c.kase), d: await keysOf(d.kase) };

  // One day before the end of A's retention nothing happens.
  t.clock.set(new Date(t0 + DAY + 364 * DAY));
  assert.deepEqual(await records(t.ctx).retention.run(), { cases: 0, files: 0 });
  assert.equal((await rowsOf(a.kase)).cases, 1);

  // After 365 days: A goes, completely.
  t.clock.set(new Date(t0 + DAY + 365 * DAY + 60_000));
  const run = await records(t.ctx).retention.run();
  assert.deepEqual(run, { cases: 1, files: aKeys.length });
  assert.deepEqual(told, [{ tenantId: usingen.id, caseId: a.kase.id, submissionId: a.kase.submission_id, reference: a.kase.reference }], "registered modules are told inside the transaction");
  assert.deepEqual(Object.values(await rowsOf(a.kase)), Object.values(before).map(() => 0), "no row of A is left");
  assert.deepEqual(await exists(aKeys), aKeys.map(() => false), "no file of A is left in storage");
  assert.equal((await db().selectFrom("records_file_deletions").selectAll().execute()).length, 0, "the file queue is empty");
  // The others are untouched, with their files.
  for (const x of [b, c, d]) assert.equal((await rowsOf(x.kase)).cases, 1);
  for (const keys of Object.values(others)) assert.ok((await exists(keys)).every(Boolean));
  // The status link of A leads nowhere now.
  assert.equal((await t.app.inject({ url: a.statusPath })).statusCode, 404);
  assert.equal((await t.app.inject({ url: b.statusPath })).statusCode, 200);

  // The trace: reference, service, dates — nothing personal.
  const log = await records(t.ctx).store.retentionLog(usingen.id);
  assert.equal(log.length, 1);
  assert.equal(log[0]!.reference, a.kase.reference);
  assert.equal(log[0]!.service_id, "fundsache-melden");
  assert.equal(log[0]!.outcome, "abgeschlossen");
  assert.equal(log[0]!.retention_days, 365);
  assert.equal(new Date(log[0]!.closed_at).getTime(), t0 + DAY);
  assert.equal(new Date(log[0]!.received_at).getTime(), new Date(a.kase.created_at).getTime());
  assert.deepEqual(Object.keys(log[0]!).sort(), ["case_id", "closed_at", "definition_version", "deleted_at", "department_id", "id", "outcome", "received_at", "reference", "retention_days", "service_id", "tenant_id"]);
  const audit = (await t.ctx.audit.list({ tenantId: usingen.id, limit: 50 })).filter((e) => e.action === "records.retention.delete");
  assert.equal(audit.length, 1);
  assert.deepEqual(audit[0]!.object, { type: "case", id: a.kase.id });
  assert.equal(audit[0]!.actor.type, "system");
  assert.ok((await t.ctx.audit.verify()).ok, "the audit chain is intact");

  // Idempotent: a second run finds nothing.
  assert.deepEqual(await records(t.ctx).retention.run(), { cases: 0, files: 0 });

  // D's retention ends 200 days later; B (730 days) and the open C stay.
  t.clock.set(new Date(t0 + 200 * DAY + 365 * DAY + 60_000));
  assert.equal((await records(t.ctx).retention.run()).cases, 1);
  assert.equal((await rowsOf(d.kase)).cases, 0);
  assert.deepEqual(await exists(others.d), others.d.map(() => false));
  assert.equal((await rowsOf(b.kase)).cases, 1);

  // Years later: B goes too; C is open and is never deleted.
  t.clock.set(new Date(t0 + DAY + 730 * DAY + 60_000));
  assert.equal((await records(t.ctx).retention.run()).cases, 1);
  assert.equal((await rowsOf(b.kase)).cases, 0);
  assert.equal((await rowsOf(c.kase)).cases, 1);
  assert.ok((await exists(others.c)).every(Boolean));
  assert.deepEqual((await records(t.ctx).store.retentionLog(usingen.id)).map((r) => r.reference).sort(), [a.kase.reference, b.kase.reference, d.kase.reference].sort());
});

test("a file that storage cannot delete stays queued and the job fails; the next run removes it", async () => {
  const x = await submittedWithReceipt("ruhestoerung-melden");
  await close(x.kase);
  const keys = await keysOf(x.kase);
  assert.ok(keys.length >= 2, "receipt and Bescheid");
  t.clock.advance(366 * DAY);
  const storage = t.ctx.storage;
  const original = storage.delete.bind(storage);
  storage.delete = async (key: string) => {
    if (key === keys[0]) throw new Error("storage unavailable");
    return original(key);
  };
  try {
    await assert.rejects(records(t.ctx).retention.run(), /1 files could not be removed/);
  } finally {
    storage.delete = original;
  }
  assert.equal((await rowsOf(x.kase)).cases, 0, "the rows are gone (committed)");
  assert.equal(await storage.exists(keys[0]!), true, "the refused file is still there …");
  assert.deepEqual((await db().selectFrom("records_file_deletions").select("storage_key").execute()).map((r) => r.storage_key), [keys[0]], "… and queued");
  assert.deepEqual(await records(t.ctx).retention.run(), { cases: 0, files: 1 });
  assert.deepEqual(await exists(keys), keys.map(() => false));
});

test("the retention job is scheduled daily at 03:40 Europe/Berlin and runs through the job queue", async () => {
  const y = await submittedWithReceipt("ruhestoerung-melden");
  await close(y.kase);
  t.clock.advance(400 * DAY);
  const today = berlinDateTime(t.clock.now()).date;
  const { berlinToInstant } = await import("../../platform/clock.js");
  t.clock.set(berlinToInstant(today, 3, 41));
  await t.ctx.jobs.scheduleDue();
  await t.ctx.jobs.runDue(100);
  const jobs = await db().selectFrom("jobs").select(["type", "status"]).where("type", "=", RETENTION_JOB).execute();
  assert.ok(jobs.some((j) => j.status === "done"), JSON.stringify(jobs));
  assert.equal((await rowsOf(y.kase)).cases, 0);
});
