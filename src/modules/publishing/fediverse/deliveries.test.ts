// Fedify refuses loopback addresses unless this is on (read when the app builds its federation).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestApp, csrfFrom, form, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../../test-support/app.js";
import { freePort } from "../../../test-support/listening-app.js";
import { backoffMs } from "../../../platform/jobs/queue.js";
import { newId } from "../../../platform/ids.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { emitItemPublished, type PublishedItem } from "../index.js";
import { fediverseService } from "./service.js";
import { DELIVERY_MAX_ATTEMPTS } from "./queue.js";
import { MASTODON_MAX_ATTEMPTS } from "./mastodon.js";

/**
 * Deliveries that fail (an inbox that is down, a Mastodon server answering 500) are retried by the
 * platform job queue and end as "failed" on the staff page, never dropped; the Mastodon path against
 * a local stand-in for a Mastodon server; the staff pages' authorisation and CSRF.
 */

let t: TestApp;
let usingen: Tenant;
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

before(async () => {
  t = await createTestApp({ fediverseAllowPrivateAddress: true });
  await t.app.inject({ url: "/" }); // the municipality directory loads with the first request
  usingen = t.ctx.tenants.bySlug("usingen")!;
});
after(() => t.close());

function item(title: string): PublishedItem {
  const id = newId(t.clock);
  return { tenantId: usingen.id, id, kind: "announcement", title, teaser: "Bekanntmachung über die öffentliche Auslegung.", path: `/usingen/bekanntmachungen/${id}`, category: null, publishedAt: t.clock.now().toISOString() };
}

async function redaktion(email: string): Promise<{ cookie: string; csrf: string }> {
  if (!(await t.ctx.accounts.exists(email))) {
    const id = await t.ctx.accounts.create({ email, name: "Redaktion", password: "Redaktion-Test-2026" });
    await t.ctx.accounts.grantRole(id, usingen.id, "redaktion", null);
  }
  return loginStaff(t.app, email, "Redaktion-Test-2026");
}

/** Runs due jobs; then moves the clock past the longest back-off so far, `rounds` times. */
async function runJobsWithRetries(rounds: number): Promise<void> {
  for (let i = 1; i <= rounds; i++) {
    await t.ctx.jobs.runDue();
    t.clock.advance(backoffMs(i) + 1000);
  }
  await t.ctx.jobs.runDue();
}

test("a follower whose inbox is down: the delivery is retried by the job queue, then 'failed' on the staff page, and 'Erneut senden' queues it again", async () => {
  const fediverse = fediverseService(t.ctx);
  const deadPort = await freePort(); // nothing listens there
  const deadInbox = `http://127.0.0.1:${deadPort}/users/weg/inbox`;
  await fediverse.store.addFollower({ tenant_id: usingen.id, actor_id: `http://127.0.0.1:${deadPort}/users/weg`, handle: "@weg@127.0.0.1", inbox: deadInbox, shared_inbox: null, follow_id: null, created_at: t.clock.now().toISOString() });

  const published = item("Öffentliche Auslegung des Bebauungsplans Nr. 42");
  await emitItemPublished(t.ctx, published);
  const delivery = async () => (await fediverse.store.deliveries(usingen.id)).find((d) => d.item_id === published.id && d.target === deadInbox)!;
  assert.equal((await delivery()).status, "queued");

  await t.ctx.jobs.runDue();
  let d = await delivery();
  assert.equal(d.status, "queued", "after the first failed attempt it waits for the next");
  assert.equal(d.attempts, 1);
  assert.ok(d.last_error && d.last_error.length > 0, "the error is recorded");
  const job = (await t.ctx.jobs.get(d.job_id!))!;
  assert.equal(job.status, "pending", "the platform queue retries it");
  assert.ok(job.runAt > t.clock.now().toISOString(), "with back-off");

  await runJobsWithRetries(DELIVERY_MAX_ATTEMPTS);
  d = await delivery();
  assert.equal(d.status, "failed");
  assert.equal(d.attempts, DELIVERY_MAX_ATTEMPTS);
  assert.equal((await t.ctx.jobs.get(d.job_id!))!.status, "failed");

  // Visible to the Redaktion, with the inbox and the error, and "Erneut senden".
  const session = await redaktion("redaktion.fedi@usingen.example");
  const page = await t.app.inject({ url: "/usingen/verwaltung/fediverse/zustellungen?stand=failed", headers: { cookie: session.cookie } });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(deadInbox));
  assert.match(page.body, /fehlgeschlagen/);
  assert.ok(page.body.includes("Öffentliche Auslegung des Bebauungsplans Nr. 42"), "the item's title names the delivery");
  assert.ok(page.body.includes(`/usingen/verwaltung/fediverse/zustellungen/${d.id}/erneut`));
  assert.match((await t.app.inject({ url: "/usingen/verwaltung/fediverse", headers: { cookie: session.cookie } })).body, /[1-9][0-9]* fehlgeschlagen/, "the overview counts the failures");

  const again = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/fediverse/zustellungen/${d.id}/erneut`, headers: { cookie: session.cookie, ...urlencoded }, payload: form({ _csrf: csrfFrom(page.body) }) });
  assert.equal(again.statusCode, 303);
  d = await delivery();
  assert.equal(d.status, "queued");
  assert.equal((await t.ctx.jobs.get(d.job_id!))!.status, "pending", "a new job");
  // A delivery that did not fail cannot be sent again.
  const twice = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/fediverse/zustellungen/${d.id}/erneut`, headers: { cookie: session.cookie, ...urlencoded }, payload: form({ _csrf: session.csrf }) });
  assert.equal(twice.statusCode, 422);
  assert.match(twice.body, /Nur fehlgeschlagene Zustellungen/);
  await fediverse.store.removeFollower(usingen.id, `http://127.0.0.1:${deadPort}/users/weg`);
  await runJobsWithRetries(DELIVERY_MAX_ATTEMPTS); // let it fail again, out of the next test's way
});

interface SeenRequest { method: string; url: string; headers: IncomingHttpHeaders; body: string }

/** Stands in for a Mastodon server: records every request; answers the first `failures` with 500. */
async function startFakeMastodonServer(failures: number): Promise<{ server: Server; url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.setHeader("content-type", "application/json");
      if (seen.length <= failures) {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: "Internal server error" }));
        return;
      }
      res.end(JSON.stringify({ id: "109", uri: "https://mastodon.test/statuses/109", content: "", visibility: "public", createdAt: new Date().toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test("Mastodon: a local stand-in for a Mastodon server receives POST /api/v1/statuses with the bearer token and the Idempotency-Key; the retry after a 500 reuses the key; title and link in the text; the token is never shown again", async () => {
  const mastodon = await startFakeMastodonServer(1);
  try {
    const session = await redaktion("redaktion.masto@usingen.example");
    const token = "mastodon-token-0123456789abcdef";
    const settings = await t.app.inject({ url: "/usingen/verwaltung/fediverse/mastodon", headers: { cookie: session.cookie } });
    assert.equal(settings.statusCode, 200);
    // bad input: a German message at the field, nothing saved
    const bad = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/fediverse/mastodon", headers: { cookie: session.cookie, ...urlencoded }, payload: form({ _csrf: csrfFrom(settings.body), instanz: "kein server", zugangstoken: token }) });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Adresse des Mastodon-Servers/);
    assert.ok(!bad.body.includes(token), "the token is not echoed");
    assert.equal(await fediverseService(t.ctx).store.mastodon(usingen.id), undefined);

    const saved = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/fediverse/mastodon", headers: { cookie: session.cookie, ...urlencoded }, payload: form({ _csrf: session.csrf, instanz: `${mastodon.url}/`, zugangstoken: token }) });
    assert.equal(saved.statusCode, 303);
    const after = await t.app.inject({ url: "/usingen/verwaltung/fediverse/mastodon", headers: { cookie: session.cookie } });
    assert.ok(after.body.includes(mastodon.url));
    assert.ok(!after.body.includes(token), "the token is never shown again");
    const row = (await fediverseService(t.ctx).store.mastodon(usingen.id))!;
    assert.ok(row.token_box.startsWith("v1.") && !row.token_box.includes(token), "the token is stored encrypted");

    const published = item("Haushaltssatzung 2027");
    await emitItemPublished(t.ctx, published);
    await emitItemPublished(t.ctx, published); // at least once: still one status
    const delivery = async () => (await fediverseService(t.ctx).store.deliveries(usingen.id)).filter((d) => d.item_id === published.id && d.channel === "mastodon");
    assert.equal((await delivery()).length, 1);

    await t.ctx.jobs.runDue();
    let [d] = await delivery();
    assert.equal(d!.status, "queued");
    assert.equal(d!.attempts, 1);
    assert.match(d!.last_error ?? "", /.+/);
    t.clock.advance(backoffMs(1) + 1000);
    await t.ctx.jobs.runDue();
    [d] = await delivery();
    assert.equal(d!.status, "sent");
    assert.equal(d!.attempts, 2);

    assert.equal(mastodon.seen.length, 2, "one failed request, one retry");
    const link = `${t.config.baseUrl}${published.path}`;
    for (const r of mastodon.seen) {
      assert.equal(r.method, "POST");
      assert.equal(r.url, "/api/v1/statuses");
      assert.equal(r.headers.authorization, `Bearer ${token}`);
      assert.equal(r.headers["idempotency-key"], published.id);
      const body = JSON.parse(r.body) as { status: string; visibility: string };
      assert.equal(body.visibility, "public");
      assert.ok(body.status.startsWith("Haushaltssatzung 2027"), body.status);
      assert.ok(body.status.includes(link), "the link back");
    }
    assert.equal(mastodon.seen[0]!.headers["idempotency-key"], mastodon.seen[1]!.headers["idempotency-key"], "the retry reuses the key");

    // A Mastodon server that stays down: failed after the last attempt, shown to the staff.
    mastodon.server.close();
    const second = item("Bekanntmachung der Wahlergebnisse");
    await emitItemPublished(t.ctx, second);
    for (let i = 1; i <= MASTODON_MAX_ATTEMPTS; i++) {
      await t.ctx.jobs.runDue();
      t.clock.advance(backoffMs(i) + 1000);
    }
    const failed = (await fediverseService(t.ctx).store.deliveries(usingen.id)).find((x) => x.item_id === second.id && x.channel === "mastodon")!;
    assert.equal(failed.status, "failed");
    assert.equal(failed.attempts, MASTODON_MAX_ATTEMPTS);
    const list = await t.app.inject({ url: "/usingen/verwaltung/fediverse/zustellungen?stand=failed", headers: { cookie: session.cookie } });
    assert.ok(list.body.includes("Bekanntmachung der Wahlergebnisse"));
    assert.match(list.body, /Mastodon/);
  } finally {
    mastodon.server.close();
  }
});

test("staff pages: anonymous visitors are sent to the login, other roles and the other municipality are refused, the Redaktion gets in; every POST needs the session's CSRF token", async () => {
  const pages = ["/usingen/verwaltung/fediverse", "/usingen/verwaltung/fediverse/zustellungen", "/usingen/verwaltung/fediverse/mastodon"];
  for (const url of pages) {
    const anon = await t.app.inject({ url });
    assert.equal(anon.statusCode, 303, url);
    assert.match(String(anon.headers.location), /^\/verwaltung\/anmelden\?weiter=/);
  }
  const statistikId = await t.ctx.accounts.create({ email: "statistik.fedi@usingen.example", name: "Statistik", password: "Statistik-Test-2026" });
  await t.ctx.accounts.grantRole(statistikId, usingen.id, "statistik", null);
  const statistik = await loginStaff(t.app, "statistik.fedi@usingen.example", "Statistik-Test-2026");
  const na = await loginStaff(t.app, DEMO_ACCOUNTS[2]!.email, DEMO_ACCOUNTS[2]!.password);
  for (const who of [statistik, na]) {
    for (const url of pages) assert.equal((await t.app.inject({ url, headers: { cookie: who.cookie } })).statusCode, 403, url);
    const post = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/fediverse/folgen", headers: { cookie: who.cookie, ...urlencoded }, payload: form({ _csrf: who.csrf, konto: "@a@b.example" }) });
    assert.equal(post.statusCode, 403);
  }
  const session = await redaktion("redaktion.fedi@usingen.example");
  for (const url of pages) assert.equal((await t.app.inject({ url, headers: { cookie: session.cookie } })).statusCode, 200, url);
  const overview = await t.app.inject({ url: "/usingen/verwaltung/fediverse", headers: { cookie: session.cookie } });
  assert.ok(overview.body.includes(`@usingen@${new URL(t.config.baseUrl).host}`));
  assert.ok(overview.body.includes(`${t.config.baseUrl}/ap/usingen`));
  assert.match(overview.body, /href="\/usingen\/verwaltung\/fediverse"/, "the staff navigation has the entry");

  // CSRF: without the token, with another session's token
  for (const payload of [form({ konto: "@a@b.example" }), form({ _csrf: na.csrf, konto: "@a@b.example" })]) {
    const res = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/fediverse/folgen", headers: { cookie: session.cookie, ...urlencoded }, payload });
    assert.equal(res.statusCode, 403);
  }
  const noCsrf = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/fediverse/mastodon", headers: { cookie: session.cookie, ...urlencoded }, payload: form({ instanz: "https://social.example", zugangstoken: "abcdefghijkl" }) });
  assert.equal(noCsrf.statusCode, 403);

  // Bad input to the follow form: 422 with the message at the field, nothing stored.
  const bad = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/fediverse/folgen", headers: { cookie: session.cookie, ...urlencoded }, payload: form({ _csrf: session.csrf, konto: "kein konto" }) });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /id="konto-fehler"/);
  assert.match(bad.body, /@name@server/);
  assert.deepEqual(await fediverseService(t.ctx).store.following(usingen.id), []);
});
