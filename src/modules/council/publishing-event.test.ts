import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { councilFixture, SECRET_TITLE, PUBLIC_TITLE, type CouncilFixture } from "../../test-support/council.js";
import { councilService } from "./index.js";
import { publishingEvents } from "../publishing/index.js";
import { publishingService } from "../publishing/service.js";

/**
 * A published council invitation becomes an announcement through publishing's events, per the
 * town's rule (automatisch / Entwurf zur Prüfung / ignorieren), once per meeting, with the public
 * agenda only — never a non-public title, never a meeting the public does not see.
 */

let t: TestApp;
let f: CouncilFixture;
const actor = { id: "test" };

before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
});
after(() => t.close());

const eventItems = async (sourceId: string) => {
  const ev = await t.ctx.db.kysely.selectFrom("publishing_events").selectAll().where("tenant_id", "=", f.tenantId).where("event_type", "=", "council.meeting.published").where("source_id", "=", sourceId).execute();
  const items = ev[0]?.item_id ? await t.ctx.db.kysely.selectFrom("publishing_items").selectAll().where("id", "=", ev[0].item_id).execute() : [];
  return { ev, items };
};

async function newMeeting(name: string) {
  const s = councilService(t.ctx);
  const m = await s.createMeeting(f.tenantId, { organizationId: f.org.finanz, name, startAt: "2027-01-12T17:00:00Z" }, actor);
  await s.addAgendaItem(f.tenantId, m.id, { name: `${name}: Haushaltsplan`, public: true }, actor);
  await s.addAgendaItem(f.tenantId, m.id, { name: `${name}: Personalangelegenheit Geheim`, public: false }, actor);
  await s.publishInvitation(f.tenantId, m.id, actor);
  return m.id;
}

test("default rule (automatisch): the fixture's Bauausschuss invitation is a published announcement with the public agenda only, linking to the meeting; found by search after release", async () => {
  const { ev, items } = await eventItems(f.meeting);
  assert.equal(ev.length, 1);
  assert.equal(ev[0]!.action, "auto");
  const [a] = items;
  assert.ok(a);
  assert.equal(a.kind, "announcement");
  assert.equal(a.state, "veroeffentlicht");
  assert.match(a.title, /^Einladung: Sitzung .+ am 08\.12\.2026$/);
  assert.equal(a.link, `/usingen/rat/sitzungen/${f.meeting}`);
  assert.ok(a.body_html.includes("Ö 1 Bebauungsplan Nr. 12 „Am Hollerbusch“"), a.body_html);
  for (const text of [a.title, a.teaser, a.body_html]) assert.ok(!text.includes(SECRET_TITLE) && !text.includes("N 1"), "no non-public item");
  const page = await t.app.inject({ url: `/usingen/bekanntmachungen/${a.id}` });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(`href="/usingen/rat/sitzungen/${f.meeting}"`));
  assert.ok(page.body.includes(PUBLIC_TITLE));
  assert.ok(!page.body.includes(SECRET_TITLE));
  await t.ctx.jobs.runDue();
  const hits = await publishingService(t.ctx).search.query(f.tenantId, "Einladung Hollerbusch", { types: ["publishing.announcement"] });
  assert.ok(hits.some((h) => h.id === a.id));
  assert.ok((await t.ctx.db.kysely.selectFrom("publishing_items").select("released_at").where("id", "=", a.id).executeTakeFirstOrThrow()).released_at, "released by the job after the council's transaction");
});

test("a meeting of a body that meets only non-publicly (Magistrat) produces no announcement", async () => {
  const { ev } = await eventItems(f.magistratMeeting);
  assert.equal(ev.length, 0);
});

test("rule Entwurf: the announcement waits in review; rule ignorieren: nothing is created; both recorded once", async () => {
  const s = publishingService(t.ctx);
  await s.setRule(f.tenantId, "council.meeting.published", "draft", actor);
  const draftMeeting = await newMeeting("Entwurfsregel");
  let r = await eventItems(draftMeeting);
  assert.equal(r.items[0]!.state, "pruefung");
  assert.equal((await t.app.inject({ url: `/usingen/bekanntmachungen/${r.items[0]!.id}` })).statusCode, 404, "not public before review");
  assert.ok(!r.items[0]!.body_html.includes("Geheim"));
  await s.setRule(f.tenantId, "council.meeting.published", "ignore", actor);
  const ignored = await newMeeting("Ignorierregel");
  r = await eventItems(ignored);
  assert.equal(r.ev.length, 1);
  assert.equal(r.ev[0]!.action, "ignore");
  assert.equal(r.items.length, 0);
  await s.setRule(f.tenantId, "council.meeting.published", "auto", actor);
});

test("idempotent by (tenant, type, sourceId): raising the same meeting again creates nothing", async () => {
  const before = await t.ctx.db.kysely.selectFrom("publishing_items").select("id").where("tenant_id", "=", f.tenantId).execute();
  await publishingEvents(t.ctx).raise({ tenantId: f.tenantId, type: "council.meeting.published", sourceId: f.meeting, kind: "announcement", title: "Doppelt", teaser: "", body: "x", link: "/usingen/rat/" });
  await t.ctx.db.tx((trx) => publishingEvents(t.ctx).raise({ tenantId: f.tenantId, type: "council.meeting.published", sourceId: f.meeting, kind: "announcement", title: "Doppelt", teaser: "", body: "x", link: "/usingen/rat/" }, trx));
  const after = await t.ctx.db.kysely.selectFrom("publishing_items").select("id").where("tenant_id", "=", f.tenantId).execute();
  assert.equal(after.length, before.length);
  assert.equal((await eventItems(f.meeting)).ev.length, 1);
});
