// Fedify refuses loopback addresses unless this is on (read when the app builds its federation).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { startListeningApp, type ListeningTestApp } from "../../../test-support/listening-app.js";
import { csrfFrom, DEMO_ACCOUNTS, form, loginStaff } from "../../../test-support/app.js";
import { newId } from "../../../platform/ids.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { emitItemPublished, type PublishedItem } from "../index.js";
import { fediverseService } from "./service.js";

/**
 * Two real instances of the platform on loopback, each with its own database and HTTP port,
 * federating through real, signed HTTP requests: B's town follows A's town, A publishes, B's
 * inbox receives the Create; Undo ends the follow. Unsigned and wrongly signed POSTs are refused.
 */

let a: ListeningTestApp;
let b: ListeningTestApp;
let townA: Tenant;
let townB: Tenant;
const AS = "application/activity+json";

before(async () => {
  a = await startListeningApp({ overrides: { fediverseAllowPrivateAddress: true } });
  b = await startListeningApp({ overrides: { fediverseAllowPrivateAddress: true } });
  // the municipality directory loads with the first request
  await fetch(`${a.base}/`);
  await fetch(`${b.base}/`);
  townA = a.ctx.tenants.bySlug("usingen")!;
  townB = b.ctx.tenants.bySlug("neu-anspach")!;
});
after(async () => {
  await a?.close();
  await b?.close();
});

/** Runs an instance's due jobs until none is left (a delivery may enqueue the next one). */
async function runJobs(app: ListeningTestApp): Promise<number> {
  let total = 0;
  for (let i = 0; i < 10; i++) {
    const n = await app.ctx.jobs.runDue();
    total += n;
    if (n === 0) break;
  }
  return total;
}

function item(tenant: Tenant, title: string): PublishedItem {
  const id = newId();
  return { tenantId: tenant.id, id, kind: "news", title, teaser: "Der Anreißer des Beitrags.", path: `/${tenant.slug}/aktuelles/${id}`, category: null, publishedAt: "2031-03-03T11:00:00.000Z" };
}

test("WebFinger finds the town's actor; the actor document (activity+json) names the town, its arms, inboxes, outbox, followers and key; a browser is sent to the home page", async () => {
  const host = new URL(a.base).host;
  const wf = await fetch(`${a.base}/.well-known/webfinger?resource=${encodeURIComponent(`acct:usingen@${host}`)}`);
  assert.equal(wf.status, 200);
  assert.match(wf.headers.get("content-type") ?? "", /application\/jrd\+json/);
  const jrd = (await wf.json()) as { subject: string; aliases?: string[]; links: { rel: string; type?: string; href?: string }[] };
  assert.equal(jrd.subject, `acct:usingen@${host}`);
  const self = jrd.links.find((l) => l.rel === "self");
  assert.deepEqual(self, { rel: "self", type: AS, href: `${a.base}/ap/usingen` });
  assert.equal((await fetch(`${a.base}/.well-known/webfinger?resource=${encodeURIComponent(`acct:gibtesnicht@${host}`)}`)).status, 404);

  const res = await fetch(`${a.base}/ap/usingen`, { headers: { accept: AS } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/activity\+json/);
  const actor = (await res.json()) as Record<string, any>;
  assert.equal(actor.id, `${a.base}/ap/usingen`);
  assert.equal(actor.type, "Organization");
  assert.equal(actor.preferredUsername, "usingen");
  assert.equal(actor.name, "Stadt Usingen");
  assert.match(actor.summary, /Stadt Usingen/);
  assert.equal(actor.url, `${a.base}/usingen/`);
  assert.equal(actor.icon.url, `${a.base}/usingen/wappen.svg`);
  assert.equal(actor.inbox, `${a.base}/ap/usingen/inbox`);
  assert.equal(actor.endpoints.sharedInbox, `${a.base}/ap/inbox`);
  assert.equal(actor.outbox, `${a.base}/ap/usingen/outbox`);
  assert.equal(actor.followers, `${a.base}/ap/usingen/followers`);
  assert.equal(actor.publicKey.id, `${a.base}/ap/usingen#main-key`);
  assert.match(actor.publicKey.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  // the key pair is made once: a second read gives the same key
  const again = (await (await fetch(`${a.base}/ap/usingen`, { headers: { accept: AS } })).json()) as Record<string, any>;
  assert.equal(again.publicKey.publicKeyPem, actor.publicKey.publicKeyPem);
  const stored = await a.ctx.db.kysely.selectFrom("fediverse_keys").selectAll().where("tenant_id", "=", townA.id).execute();
  assert.deepEqual(stored.map((k) => k.algorithm).sort(), ["Ed25519", "RSASSA-PKCS1-v1_5"]);
  for (const k of stored) assert.ok(k.private_jwk_box.startsWith("v1.") && !k.private_jwk_box.includes('"d"'), "the private key is stored encrypted");

  const browser = await fetch(`${a.base}/ap/usingen`, { headers: { accept: "text/html" }, redirect: "manual" });
  assert.equal(browser.status, 302);
  assert.equal(browser.headers.get("location"), "/usingen/");
  assert.equal((await fetch(`${a.base}/ap/gibtesnicht`, { headers: { accept: AS } })).status, 404);
});

test("B's town follows A's town through the staff page; A checks the signed Follow, stores the follower, sends Accept; A publishes and B's inbox receives the signed Create; Undo ends it", async () => {
  // B's Redaktion (here the municipality's administration) follows A's town by its actor URL.
  const admin = DEMO_ACCOUNTS[2]!; // Neu-Anspach
  const session = await loginStaff(b.app, admin.email, admin.password);
  const page = await b.app.inject({ url: "/neu-anspach/verwaltung/fediverse", headers: { cookie: session.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`@neu-anspach@${new URL(b.base).host.replace(/\./g, "\\.")}`));
  const followed = await b.app.inject({
    method: "POST",
    url: "/neu-anspach/verwaltung/fediverse/folgen",
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: form({ _csrf: csrfFrom(page.body), konto: `${a.base}/ap/usingen` }),
  });
  assert.equal(followed.statusCode, 303, followed.body.slice(0, 500));
  const storeA = fediverseService(a.ctx).store;
  const storeB = fediverseService(b.ctx).store;
  assert.equal((await storeB.following(townB.id))[0]?.status, "pending");
  assert.equal(await storeA.followerCount(townA.id), 0, "nothing arrives before B's job runs");

  // B's job delivers the Follow; A verifies it, stores the follower and queues the Accept.
  assert.ok((await runJobs(b)) >= 1);
  const followers = await storeA.followers(townA.id);
  assert.equal(followers.length, 1);
  assert.equal(followers[0]!.actor_id, `${b.base}/ap/neu-anspach`);
  assert.equal(followers[0]!.inbox, `${b.base}/ap/neu-anspach/inbox`);
  assert.equal(followers[0]!.shared_inbox, `${b.base}/ap/inbox`);
  assert.equal(followers[0]!.handle, `@neu-anspach@${new URL(b.base).host}`);
  const sentFollow = (await storeB.deliveries(townB.id)).find((d) => d.activity_type === "Follow")!;
  assert.equal(sentFollow.status, "sent");
  assert.equal(sentFollow.target, `${a.base}/ap/usingen/inbox`);

  // A's job delivers the Accept; B records the follow as accepted.
  assert.equal((await storeB.following(townB.id))[0]?.status, "pending");
  assert.ok((await runJobs(a)) >= 1);
  assert.equal((await storeB.following(townB.id))[0]?.status, "accepted");
  assert.equal((await storeA.deliveries(townA.id)).find((d) => d.activity_type === "Accept")?.status, "sent");

  // The public followers collection tells the number, not the people.
  const coll = (await (await fetch(`${a.base}/ap/usingen/followers`, { headers: { accept: AS } })).json()) as Record<string, any>;
  assert.equal(coll.totalItems, 1);
  const firstPage = (await (await fetch(String(coll.first), { headers: { accept: AS } })).json()) as Record<string, any>;
  assert.ok(!JSON.stringify(firstPage).includes("neu-anspach"), "no follower listed publicly");

  // A publishes an item: nothing leaves before A's job runs; then B's (shared) inbox has it.
  const news = item(townA, "Sperrung der Weilburger Straße");
  await emitItemPublished(a.ctx, news);
  await emitItemPublished(a.ctx, news); // at least once: the second call sends nothing
  const queued = (await storeA.deliveries(townA.id)).filter((d) => d.item_id === news.id);
  assert.equal(queued.length, 1, "one delivery per follower inbox, even when the item is announced twice");
  assert.equal(queued[0]!.status, "queued");
  assert.equal(queued[0]!.target, `${b.base}/ap/inbox`, "delivered to the shared inbox");
  // (A's own demo items may arrive too, when the publishing core's jobs announce them: look for this one)
  const ours = async () => (await storeB.received(townB.id)).filter((r) => r.url === `${a.base}${news.path}`);
  assert.equal((await ours()).length, 0);
  await runJobs(a);
  const received = await ours();
  assert.equal(received.length, 1);
  assert.equal(received[0]!.actor_id, `${a.base}/ap/usingen`);
  assert.equal(received[0]!.object_type, "Note");
  assert.equal(received[0]!.url, `${a.base}${news.path}`);
  assert.match(received[0]!.content ?? "", /Sperrung der Weilburger Straße/);
  assert.ok((received[0]!.content ?? "").includes(`href="${a.base}${news.path}"`), "the link back is in the text");
  assert.equal(received[0]!.object_id, `${a.base}/ap/usingen/notes/${news.id}`);
  assert.equal((await storeA.deliveries(townA.id)).find((d) => d.item_id === news.id)?.status, "sent");

  // The item is in A's outbox (as Create, newest first) and can be fetched by its id.
  const outbox = (await (await fetch(`${a.base}/ap/usingen/outbox`, { headers: { accept: AS } })).json()) as Record<string, any>;
  assert.ok(outbox.totalItems >= 1);
  const outboxPage = (await (await fetch(String(outbox.first), { headers: { accept: AS } })).json()) as Record<string, any>;
  const first = outboxPage.orderedItems[0];
  assert.equal(first.type, "Create");
  assert.equal(first.object.id, `${a.base}/ap/usingen/notes/${news.id}`);
  assert.equal(first.object.url, `${a.base}${news.path}`);
  const note = (await (await fetch(first.object.id, { headers: { accept: AS } })).json()) as Record<string, any>;
  assert.equal(note.type, "Note");
  assert.equal(note.attributedTo, `${a.base}/ap/usingen`);

  // The staff page of B shows the follow as confirmed and the received post.
  const pageAfter = await b.app.inject({ url: "/neu-anspach/verwaltung/fediverse", headers: { cookie: session.cookie } });
  assert.match(pageAfter.body, /bestätigt/);
  assert.match(pageAfter.body, /Sperrung der Weilburger Straße/);

  // Undo: B stops following; A removes the follower when B's job has delivered the Undo.
  const followingId = (await storeB.following(townB.id))[0]!.id;
  const undo = await b.app.inject({
    method: "POST",
    url: `/neu-anspach/verwaltung/fediverse/folgen/${followingId}/beenden`,
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: form({ _csrf: session.csrf }),
  });
  assert.equal(undo.statusCode, 303);
  assert.equal(await storeA.followerCount(townA.id), 1);
  await runJobs(b);
  assert.equal(await storeA.followerCount(townA.id), 0);
  assert.equal((await storeB.deliveries(townB.id)).find((d) => d.activity_type === "Undo")?.status, "sent");

  // A publishes again: no follower, no delivery.
  const later = item(townA, "Neuer Abfallkalender");
  await emitItemPublished(a.ctx, later);
  assert.deepEqual((await storeA.deliveries(townA.id)).filter((d) => d.item_id === later.id).map((d) => [d.target, d.activity_type]), []);
});

test("an unsigned POST and a POST signed with a key that is not the actor's are refused (401), nothing is stored", async () => {
  const storeA = fediverseService(a.ctx).store;
  const before = await storeA.followerCount(townA.id);
  const accepts = async () => (await storeA.deliveries(townA.id)).filter((d) => d.activity_type === "Accept").length;
  const acceptsBefore = await accepts();
  const follow = (id: string) =>
    JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${b.base}/ap/neu-anspach#follow/${id}`,
      type: "Follow",
      actor: `${b.base}/ap/neu-anspach`,
      object: `${a.base}/ap/usingen`,
    });
  for (const inbox of [`${a.base}/ap/usingen/inbox`, `${a.base}/ap/inbox`]) {
    // every media type ActivityPub servers post with reaches Fedify (not a 415 from Fastify) and is refused there
    for (const type of [AS, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"', "application/json"]) {
      const unsigned = await fetch(inbox, { method: "POST", headers: { "content-type": type }, body: follow(newId()) });
      assert.equal(unsigned.status, 401, `unsigned (${type}) to ${inbox}`);
    }

    // Signed with a fresh key, claiming to be B's town's key.
    const { privateKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const request = new Request(inbox, { method: "POST", headers: { "content-type": AS, accept: AS }, body: follow(newId()) });
    const signed = await signRequest(request, privateKey, new URL(`${b.base}/ap/neu-anspach#main-key`));
    const forged = await fetch(signed);
    assert.equal(forged.status, 401, `wrongly signed to ${inbox}`);
  }
  // A body changed after signing with the right key is refused too (the digest no longer matches).
  const keys = await fediverseService(b.ctx).runtime.keys.pairs(townB.id);
  const request = new Request(`${a.base}/ap/usingen/inbox`, { method: "POST", headers: { "content-type": AS, accept: AS }, body: follow(newId()) });
  const signed = await signRequest(request, keys[0]!.privateKey, new URL(`${b.base}/ap/neu-anspach#main-key`));
  const tampered = await fetch(signed.url, { method: "POST", headers: signed.headers, body: follow(newId()) });
  assert.ok(tampered.status === 401 || tampered.status === 400, `tampered body → ${tampered.status}`);
  assert.equal(await storeA.followerCount(townA.id), before, "no follower stored");
  assert.equal(await accepts(), acceptsBefore, "no Accept sent");
});
