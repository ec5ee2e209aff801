import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createTestApp, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { submittedCase } from "../../test-support/cases.js";
import { newId } from "../../platform/ids.js";
import { caseService } from "../cases/index.js";
import { handoff } from "./index.js";
import { DELIVERY_MAX_ATTEMPTS, Webhooks } from "./webhooks.js";

/**
 * Signed webhooks against a real HTTP receiver on a free port: the signature as a receiver
 * checks it, retries after a 500, the delivery log on the staff page, event filters, a receiver
 * that is down until the attempts are used up, a late-committed event, and no duplicates.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let t: TestApp;
let receiver: Server;
let base: string;
const received: Received[] = [];
/** Status codes the receiver answers with, per path, in order; 200 when none is queued. */
const answers = new Map<string, number[]>();

before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = answers.get(path)?.shift() ?? 200;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await t.close();
});

const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const usingenAdmin = DEMO_ACCOUNTS[1]!;


/** One tick of the worker: the scheduler's scan (a new 10 s slot), then every due job. */
async function tick(): Promise<void> {
  t.clock.advance(10_000);
  await t.ctx.jobs.scheduleDue();
  await t.ctx.jobs.runDue(200);
}

/** Creates a subscription on the staff page; returns the secret shown once. */
async function subscribe(admin: { cookie: string; csrf: string }, url: string, events: string[]): Promise<string> {
  const form = new URLSearchParams([["_csrf", admin.csrf], ["url", url], ...events.map((e) => ["events", e])]);
  const res = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/schnittstellen/webhooks", headers: { ...urlencoded, cookie: admin.cookie }, payload: form.toString() });
  assert.equal(res.statusCode, 200, res.body.slice(0, 500));
  const secret = /<code class="secret-once">(whsec_[A-Za-z0-9_-]+)<\/code>/.exec(res.body)?.[1];
  assert.ok(secret, "the secret is shown once");
  return secret!;
}

/** What a receiver does: recompute the HMAC over "<timestamp>.<raw body>" and compare in constant time. */
function verify(r: Received, secret: string): boolean {
  const timestamp = String(r.headers["x-rathaus-timestamp"]);
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(`${timestamp}.${r.body}`).digest("hex")}`);
  const given = Buffer.from(String(r.headers["x-rathaus-signature"]));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const at = (path: string) => received.filter((r) => r.path === path);
const json = (r: Received) => JSON.parse(r.body) as { id: string; type: string; occurredAt: string; municipality: string; case: { id: string; reference: string; href: string }; data: Record<string, unknown> };

test("a new case is announced signed; after a 500 the same delivery is retried with back-off and succeeds; every attempt is in the staff page's log", async () => {
  const admin = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const invalid = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/schnittstellen/webhooks", headers: { ...urlencoded, cookie: admin.cookie }, payload: new URLSearchParams({ _csrf: admin.csrf, url: "ftp://example.org/x" }).toString() });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /href="#url">Bitte geben Sie eine vollständige Adresse ein/);
  assert.match(invalid.body, /href="#events">Bitte wählen Sie mindestens ein Ereignis/);

  const secret = await subscribe(admin, `${base}/alles`, ["case.created", "case.status", "case.answer", "case.bescheid"]);
  const onlyStatusSecret = await subscribe(admin, `${base}/nur-status`, ["case.status"]);
  const stored = await t.ctx.db.kysely.selectFrom("webhook_subscriptions").select("secret").execute();
  assert.ok(stored.every((s) => !s.secret.includes(secret) && !s.secret.includes(onlyStatusSecret)), "secrets are kept encrypted");
  assert.ok(!(await t.app.inject({ url: "/usingen/verwaltung/schnittstellen", headers: { cookie: admin.cookie } })).body.includes(secret), "and never shown again");

  answers.set("/alles", [500]);
  const kase = (await submittedCase(t, "fundsache-melden")).kase;
  await tick();
  assert.equal(at("/alles").length, 1, "the first attempt");
  assert.equal(at("/nur-status").length, 0, "a subscription without case.created gets nothing");
  const first = at("/alles")[0]!;
  assert.equal(first.headers["x-rathaus-event"], "case.created");
  assert.equal(first.headers["content-type"], "application/json");
  assert.ok(verify(first, secret), "signature over timestamp and body");
  assert.ok(!verify(first, onlyStatusSecret), "not with another secret");
  const payload = json(first);
  assert.equal(payload.id, first.headers["x-rathaus-delivery"]);
  assert.equal(payload.type, "case.created");
  assert.equal(payload.municipality, "usingen");
  assert.equal(payload.case.id, kase.id);
  assert.equal(payload.case.reference, kase.reference);
  assert.equal(new URL(payload.case.href).pathname, `/api/v1/usingen/cases/${kase.id}`);
  assert.ok(kase.applicant && !first.body.includes(kase.applicant), "no personal data in the event");

  // Retried after 10 s (the queue's back-off), with the same delivery id and a fresh timestamp.
  const job = await t.ctx.db.kysely.selectFrom("jobs").selectAll().where("type", "=", "handoff.deliverWebhook").where("status", "=", "pending").executeTakeFirstOrThrow();
  assert.equal(job.max_attempts, DELIVERY_MAX_ATTEMPTS);
  assert.ok(!String(job.last_error).includes(secret) && !String(job.last_error).includes(base), "the job's error names neither secret nor address");
  t.clock.advance(5_000);
  await t.ctx.jobs.runDue(50);
  assert.equal(at("/alles").length, 1, "not before the back-off");
  await tick();
  assert.equal(at("/alles").length, 2);
  const second = at("/alles")[1]!;
  assert.equal(second.headers["x-rathaus-delivery"], first.headers["x-rathaus-delivery"]);
  assert.equal(second.body, first.body, "the same body");
  assert.notEqual(second.headers["x-rathaus-timestamp"], first.headers["x-rathaus-timestamp"]);
  assert.ok(verify(second, secret));
  const message = await t.ctx.db.kysely.selectFrom("webhook_messages").selectAll().where("id", "=", payload.id).executeTakeFirstOrThrow();
  assert.equal(message.status, "delivered");
  assert.equal(message.attempts, 2);
  await tick();
  assert.equal(at("/alles").length, 2, "nothing more after success");

  const log = await t.ctx.db.kysely.selectFrom("webhook_deliveries").selectAll().where("message_id", "=", payload.id).orderBy("attempt").execute();
  assert.deepEqual(log.map((l) => [l.attempt, l.outcome, l.http_status, l.error]), [[1, "error", 500, "HTTP 500"], [2, "ok", 200, null]]);
  assert.ok(log.every((l) => l.duration_ms >= 0));
  const page = await t.app.inject({ url: "/usingen/verwaltung/schnittstellen", headers: { cookie: admin.cookie } });
  assert.match(page.body, /fehlgeschlagen: HTTP 500/);
  assert.match(page.body, /zugestellt \(HTTP 200\)/);
  assert.match(page.body, /<caption class="kern-sr-only">Die letzten Zustellversuche/);

  // A workflow step: both subscriptions hear about it, with the states.
  const key = (await handoff(t.ctx).keys.create(kase.tenant_id, { label: "Fundbüro", scopes: ["cases:read", "cases:write"], departmentId: null }, (await t.ctx.accounts.idByEmail(usingenAdmin.email))!)).secret;
  const moved = await t.app.inject({ method: "POST", url: `/api/v1/usingen/cases/${kase.id}/status`, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, payload: JSON.stringify({ to: "in-bearbeitung" }) });
  assert.equal(moved.statusCode, 200);
  await tick();
  const status = at("/nur-status");
  assert.equal(status.length, 1);
  assert.ok(verify(status[0]!, onlyStatusSecret));
  assert.deepEqual(json(status[0]!).data, { eventId: json(status[0]!).data.eventId, from: "eingegangen", to: "in-bearbeitung" });
  assert.equal(at("/alles").filter((r) => r.headers["x-rathaus-event"] === "case.status").length, 1);

  // Closing with a Bescheid: case.status and case.bescheid (with the file's id).
  const closed = await t.app.inject({ method: "POST", url: `/api/v1/usingen/cases/${kase.id}/status`, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, payload: JSON.stringify({ to: "abgeschlossen", text: "Sehr geehrte Damen und Herren,\n\nerledigt." }) });
  assert.equal(closed.statusCode, 200, closed.body);
  await tick();
  const bescheid = at("/alles").filter((r) => r.headers["x-rathaus-event"] === "case.bescheid");
  assert.equal(bescheid.length, 1);
  const fileId = json(bescheid[0]!).data.fileId;
  const files = await caseService(t.ctx).store.files(kase.tenant_id, kase.id);
  assert.ok(files.some((f) => f.id === fileId && f.kind === "bescheid"), "the event names the Bescheid's file");
  assert.equal(at("/nur-status").length, 2);
});

test("a receiver that stays down: every attempt logged, the message failed after the last one; a deleted subscription gets nothing more", async () => {
  const admin = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  // A port nobody listens on: take a free one and close it again.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/tot`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await subscribe(admin, deadUrl, ["case.created"]);
  const dead = (await t.ctx.db.kysely.selectFrom("webhook_subscriptions").select("id").where("url", "=", deadUrl).executeTakeFirstOrThrow()).id;

  const kase = (await submittedCase(t, "ruhestoerung-melden")).kase;
  await tick();
  for (let i = 0; i < DELIVERY_MAX_ATTEMPTS + 2; i++) {
    t.clock.advance(60 * 60_000); // past the longest back-off
    await t.ctx.jobs.runDue(50);
  }
  const message = await t.ctx.db.kysely.selectFrom("webhook_messages").selectAll().where("subscription_id", "=", dead).where("case_id", "=", kase.id).executeTakeFirstOrThrow();
  assert.equal(message.status, "failed");
  assert.equal(message.attempts, DELIVERY_MAX_ATTEMPTS);
  const log = await t.ctx.db.kysely.selectFrom("webhook_deliveries").selectAll().where("message_id", "=", message.id).execute();
  assert.equal(log.length, DELIVERY_MAX_ATTEMPTS, "every attempt recorded");
  assert.ok(log.every((l) => l.outcome === "error" && l.http_status === null && l.error === "ECONNREFUSED"), JSON.stringify(log[0]));
  const job = await t.ctx.db.kysely.selectFrom("jobs").selectAll().where("type", "=", "handoff.deliverWebhook").where("status", "=", "failed").executeTakeFirstOrThrow();
  assert.ok(job.last_error?.includes("ECONNREFUSED"));

  // Delete the working subscriptions: a pending delivery is cancelled, nothing goes out any more.
  const subs = await handoff(t.ctx).webhooks.list(kase.tenant_id);
  answers.set("/alles", [503]);
  const before = received.length;
  const next = (await submittedCase(t, "ruhestoerung-melden")).kase;
  await tick();
  assert.equal(received.length, before + 1, "one failed attempt to /alles");
  const again = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password); // hours passed: a fresh session
  for (const s of subs) {
    const res = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/schnittstellen/webhooks/${s.id}/loeschen`, headers: { ...urlencoded, cookie: again.cookie }, payload: new URLSearchParams({ _csrf: again.csrf }).toString() });
    assert.equal(res.statusCode, 303);
  }
  t.clock.advance(60 * 60_000);
  await tick();
  assert.equal(received.length, before + 1, "no delivery after deletion");
  const cancelled = await t.ctx.db.kysely.selectFrom("webhook_messages").selectAll().where("case_id", "=", next.id).execute();
  assert.ok(cancelled.length > 0 && cancelled.every((m) => m.status === "cancelled" || m.status === "failed"), JSON.stringify(cancelled.map((m) => m.status)));
  const page = await t.app.inject({ url: "/usingen/verwaltung/schnittstellen", headers: { cookie: again.cookie } });
  assert.match(page.body, /Noch kein Webhook eingerichtet/);
  assert.match(page.body, /fehlgeschlagen: ECONNREFUSED/, "the log keeps the attempts and their address");
});

test("the scan: an event committed late (timestamp behind the high-water mark) still goes out; scanning twice sends nothing twice; events before a subscription existed go to nobody", async () => {
  const admin = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const kase = (await submittedCase(t, "fundsache-melden")).kase; // before the subscription: never sent
  t.clock.advance(1000);
  const secret = await subscribe(admin, `${base}/spaet`, ["case.answer", "case.created"]);
  await tick();
  assert.equal(at("/spaet").length, 0, "the case created before the subscription is not announced");

  const fresh = (await submittedCase(t, "fundsache-melden")).kase;
  await tick();
  assert.equal(at("/spaet").length, 1);
  const cursor = await t.ctx.db.kysely.selectFrom("webhook_cursors").selectAll().where("tenant_id", "=", kase.tenant_id).executeTakeFirstOrThrow();

  // A transaction that took its time before the last scan but committed after it.
  const lateAt = new Date(new Date(cursor.last_at).getTime() - 2_000).toISOString();
  await caseService(t.ctx).store.insertEvent({ id: newId(t.clock), tenant_id: fresh.tenant_id, case_id: fresh.id, at: lateAt, actor_type: "citizen", actor_id: null, actor_name: null, kind: "answer", from_status: "eingegangen", to_status: "eingegangen", text: "Antwort", public: 1 });
  assert.equal(await handoff(t.ctx).webhooks.scan(), 1, "found behind the high-water mark");
  assert.equal(await handoff(t.ctx).webhooks.scan(), 0, "and only once");
  await t.ctx.jobs.runDue(50);
  const late = at("/spaet").filter((r) => r.headers["x-rathaus-event"] === "case.answer");
  assert.equal(late.length, 1);
  assert.ok(verify(late[0]!, secret));
  assert.equal(json(late[0]!).occurredAt, lateAt);
  await tick();
  assert.equal(at("/spaet").length, 2, "no duplicates");
});

test("addresses: https only outside demo mode; no credentials in the address; known events only", () => {
  const production = new Webhooks({ ...t.ctx, config: { ...t.ctx.config, demo: false } }, handoff(t.ctx).store);
  assert.deepEqual(production.validate({ url: "https://fachverfahren.example/hook", events: ["case.created"] }), {});
  assert.ok(production.validate({ url: `${base}/x`, events: ["case.created"] }).url, "http refused in production");
  assert.deepEqual(handoff(t.ctx).webhooks.validate({ url: `${base}/x`, events: ["case.created"] }), {}, "allowed in demo mode");
  assert.ok(production.validate({ url: "https://user:pass@fachverfahren.example/hook", events: ["case.created"] }).url);
  assert.ok(production.validate({ url: "https://fachverfahren.example/hook", events: ["case.deleted"] }).events);
  assert.ok(production.validate({ url: "kein link", events: ["case.created"] }).url);
});
