import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { onItemPublished, publishingEvents, type PublishedItem, type PublishingEvent } from "./index.js";
import { publishingService } from "./service.js";

/**
 * Events from other modules: raised inside the caller's transaction (SQLite: no second
 * connection, so it cannot block), rolled back with it, unknown types default to a draft,
 * plain text made safe, automatic publications announced by the release job exactly once.
 */

let t: TestApp;
let tenantId: string;
const announced: PublishedItem[] = [];
before(async () => {
  t = await createTestApp();
  tenantId = t.ctx.tenants.bySlug("neu-anspach")!.id;
  onItemPublished(t.ctx, async (i) => {
    announced.push(i);
  });
});
after(() => t.close());

const event = (over: Partial<PublishingEvent> = {}): PublishingEvent => ({
  tenantId, type: "participation.phase.opened", sourceId: "phase-1", kind: "news", title: "Beteiligung gestartet", teaser: "Machen Sie mit.", body: "Erste Zeile <script>x</script>\nZweite Zeile\n\nNeuer Absatz", link: "/neu-anspach/beteiligung/1", ...over,
});
const itemsOf = (sourceId: string) => t.ctx.db.kysely.selectFrom("publishing_events").innerJoin("publishing_items", "publishing_items.id", "publishing_events.item_id").selectAll("publishing_items").where("publishing_events.tenant_id", "=", tenantId).where("source_id", "=", sourceId).execute();

test("unknown event type: a draft for review (default), plain text escaped into paragraphs, the link kept", async () => {
  await publishingEvents(t.ctx).raise(event());
  const [i] = await itemsOf("phase-1");
  assert.ok(i);
  assert.equal(i.state, "pruefung");
  assert.equal(i.body_html, "<p>Erste Zeile &lt;script&gt;x&lt;/script&gt;<br />Zweite Zeile</p>\n<p>Neuer Absatz</p>");
  assert.equal(i.link, "/neu-anspach/beteiligung/1");
});

test("raised inside the caller's transaction: does not block it, commits with it, rolls back with it", async () => {
  await assert.rejects(
    t.ctx.db.tx(async (trx) => {
      await publishingEvents(t.ctx).raise(event({ sourceId: "rolled-back" }), trx);
      throw new Error("caller fails");
    }),
    /caller fails/,
  );
  assert.equal((await t.ctx.db.kysely.selectFrom("publishing_events").select("source_id").where("source_id", "=", "rolled-back").execute()).length, 0, "rolled back with the caller");
  await publishingService(t.ctx).setRule(tenantId, "participation.phase.opened", "auto", { id: "x" });
  await t.ctx.db.tx(async (trx) => {
    await publishingEvents(t.ctx).raise(event({ sourceId: "phase-2", title: "Automatisch veröffentlicht" }), trx);
  });
  const [i] = await itemsOf("phase-2");
  assert.equal(i!.state, "veroeffentlicht");
  assert.equal((await t.app.inject({ url: `/neu-anspach/aktuelles/${i!.id}` })).statusCode, 200, "public once the caller committed");
  assert.ok(!announced.some((a) => a.id === i!.id), "announced only after the commit, by the job");
  await t.ctx.jobs.runDue();
  await t.ctx.jobs.scheduleDue();
  await t.ctx.jobs.runDue();
  assert.equal(announced.filter((a) => a.id === i!.id).length, 1, "announced exactly once");
});
