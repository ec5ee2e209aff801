import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { onItemPublished, type PublishedItem } from "./index.js";
import { PublishingInputError, PublishingRuleError, SEARCH_TYPES, publishingService, type ItemInput } from "./service.js";

/**
 * The publishing service through the real app on the manual clock: workflow, scheduled
 * publication exactly when the clock passes its time (pages, feeds, search, home page, the
 * cached page), expiry, release announced once, announcements immutable with corrections,
 * sanitizing on save, images without alt text refused at publication.
 */

let t: TestApp;
let tenantId: string;
const actor = { id: "redaktion-test" };
const announced: PublishedItem[] = [];
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" });
  tenantId = t.ctx.tenants.bySlug("usingen")!.id;
  onItemPublished(t.ctx, async (item) => {
    announced.push(item);
  });
});
after(() => t.close());

const s = () => publishingService(t.ctx);
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const input = (over: Partial<ItemInput> = {}): ItemInput => ({ kind: "news", title: "Testmeldung", teaser: "Ein Vorspann", bodyHtml: "<p>Text</p>", category: "Testkategorie", publishAt: null, expiresAt: null, ...over });
const search = (q: string, type = SEARCH_TYPES.news) => s().search.query(tenantId, q, { types: [type] });
/** What the scheduled job does every minute: enqueue the slot's job and run what is due. */
async function runJobs() {
  await t.ctx.jobs.scheduleDue();
  await t.ctx.jobs.runDue();
}

test("workflow: Entwurf → Prüfung → veröffentlicht; only a reviewed item is published; drafts and items in review are nowhere public", async () => {
  const { id } = await s().create(tenantId, input({ title: "Workflowmeldung Zwiebelturm" }), actor);
  await assert.rejects(s().publish(tenantId, id, actor), PublishingRuleError, "a draft is not published without review");
  const check = async () => {
    assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 404);
    assert.ok(!(await get("/usingen/aktuelles")).body.includes("Zwiebelturm"));
    assert.ok(!(await get("/usingen/aktuelles.rss")).body.includes("Zwiebelturm"));
    assert.equal((await search("Zwiebelturm")).length, 0);
  };
  await check();
  await s().submit(tenantId, id, actor);
  await check();
  await s().backToDraft(tenantId, id, actor);
  assert.equal((await s().store.item(tenantId, id))!.state, "entwurf");
  await s().submit(tenantId, id, actor);
  const before = announced.length;
  const r = await s().publish(tenantId, id, actor);
  assert.equal(r.scheduled, false);
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 200);
  assert.equal((await search("Zwiebeltürme")).length, 1, "indexed at once, found by another word form");
  assert.deepEqual(announced.slice(before).map((a) => a.id), [id], "announced once at publication");
  await runJobs();
  assert.equal(announced.filter((a) => a.id === id).length, 1, "the job does not announce it again");
  // withdrawn news leave pages and search
  await s().backToDraft(tenantId, id, actor);
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 404);
  assert.equal((await search("Zwiebelturm")).length, 0);
});

test("scheduled: absent from page, list, feeds, search and home until the clock passes its time, then present (cached pages change); released and announced exactly once; expiry removes it", async () => {
  const now = t.clock.now().getTime();
  const publishAt = new Date(now + 3 * 3600_000);
  const expiresAt = new Date(now + 27 * 3600_000);
  const title = "Geplante Meldung Kirschblütenfest";
  const { id } = await s().create(tenantId, input({ title, publishAt: publishAt.toISOString(), expiresAt: expiresAt.toISOString() }), actor);
  await s().submit(tenantId, id, actor);
  const r = await s().publish(tenantId, id, actor);
  assert.equal(r.scheduled, true);
  assert.equal(r.publishAt, publishAt.toISOString());

  const urls = ["/usingen/aktuelles", "/usingen/", "/usingen/aktuelles.rss", "/usingen/aktuelles.atom"];
  const absent = async (when: string) => {
    assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 404, when);
    for (const u of urls) assert.ok(!(await get(u)).body.includes("Kirschblütenfest"), `${when}: ${u}`);
    assert.equal((await search("Kirschblütenfest")).length, 0, `${when}: search`);
  };
  await absent("before");
  const etags = new Map<string, string>();
  for (const u of urls) etags.set(u, String((await get(u)).headers.etag));
  // a cached page expires at the next scheduled change: one millisecond early it is still the old one
  t.clock.set(new Date(publishAt.getTime() - 1));
  await runJobs();
  await absent("1 ms before");
  assert.ok(!announced.some((a) => a.id === id), "not announced before its time");

  t.clock.set(publishAt);
  for (const u of urls) {
    const res = await get(u);
    assert.ok(res.body.includes("Kirschblütenfest"), `at its time: ${u}`);
    assert.notEqual(String(res.headers.etag), etags.get(u), `the cached ${u} changed`);
  }
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 200);
  await runJobs();
  assert.equal((await search("Kirschblütenfest")).length, 1, "released into the search index");
  await runJobs();
  await s().releaseDue();
  assert.equal(announced.filter((a) => a.id === id).length, 1, "announced exactly once");
  const a = announced.find((x) => x.id === id)!;
  assert.equal(a.path, `/usingen/aktuelles/${id}`);
  assert.equal(a.publishedAt, publishAt.toISOString());
  assert.ok((await s().store.item(tenantId, id))!.released_at);

  t.clock.set(expiresAt);
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 404, "expired");
  for (const u of urls) assert.ok(!(await get(u)).body.includes("Kirschblütenfest"), `expired: ${u}`);
  await runJobs();
  assert.equal((await search("Kirschblütenfest")).length, 0, "expired news leave the search index");
});

test("a failing listener leaves the item unreleased; the next run announces it again (handlers are idempotent)", async () => {
  const t2 = await createTestApp();
  try {
    const tid = t2.ctx.tenants.bySlug("usingen")!.id;
    let fail = true;
    const seen: string[] = [];
    onItemPublished(t2.ctx, async (item) => {
      seen.push(item.id);
      if (fail) throw new Error("receiver down");
    });
    const svc = publishingService(t2.ctx);
    const { id } = await svc.create(tid, input({ publishAt: new Date(t2.clock.now().getTime() + 60_000).toISOString() }), actor);
    await svc.submit(tid, id, actor);
    await svc.publish(tid, id, actor);
    t2.clock.advance(60_000);
    await assert.rejects(svc.releaseDue(), /receiver down/);
    assert.equal((await svc.store.item(tid, id))!.released_at, null);
    fail = false;
    await svc.releaseDue();
    await svc.releaseDue();
    assert.deepEqual(seen.filter((x) => x === id).length, 2, "once failed, once delivered, never again");
  } finally {
    await t2.close();
  }
});

test("announcements: legal date, unchangeable once published, archived after expiry, corrected by a new linked announcement", async () => {
  const { id } = await s().create(tenantId, input({ kind: "announcement", title: "Satzung über die Benutzung des Dorfgemeinschaftshauses", category: "Satzungen", expiresAt: new Date(t.clock.now().getTime() + 14 * 86_400_000).toISOString() }), actor);
  await s().submit(tenantId, id, actor);
  await s().publish(tenantId, id, actor);
  const item = (await s().store.item(tenantId, id))!;
  assert.equal(new Date(item.publish_at!).toISOString(), t.clock.now().toISOString(), "legal date = when it became public");
  await assert.rejects(s().update(tenantId, id, input({ kind: "announcement", title: "Geändert" }), actor), /kann nicht mehr geändert werden/);
  await assert.rejects(s().remove(tenantId, id, actor), PublishingRuleError);
  await assert.rejects(s().backToDraft(tenantId, id, actor), /bleibt veröffentlicht/);
  await assert.rejects(s().addAttachment(tenantId, id, { fileName: "x.png", data: PNG }, actor), /kann nicht mehr geändert werden/);
  assert.equal((await s().store.item(tenantId, id))!.title, "Satzung über die Benutzung des Dorfgemeinschaftshauses");

  const page = await get(`/usingen/bekanntmachungen/${id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Tag der Bekanntmachung:/);

  t.clock.advance(3600_000);
  const correctionId = await s().createCorrection(tenantId, id, actor);
  const correction = (await s().store.item(tenantId, correctionId))!;
  assert.equal(correction.corrects_id, id);
  assert.equal(correction.kind, "announcement");
  assert.equal(correction.state, "entwurf");
  assert.ok(!(await get(`/usingen/bekanntmachungen/${id}`)).body.includes("Berichtigt durch"), "an unpublished correction is not shown");
  await s().submit(tenantId, correctionId, actor);
  await s().publish(tenantId, correctionId, actor);
  assert.match((await get(`/usingen/bekanntmachungen/${id}`)).body, new RegExp(`Berichtigt durch: <a class="kern-link" href="/usingen/bekanntmachungen/${correctionId}">`));
  assert.match((await get(`/usingen/bekanntmachungen/${correctionId}`)).body, new RegExp(`Berichtigung zu: <a class="kern-link" href="/usingen/bekanntmachungen/${id}">`));
  await assert.rejects(s().createCorrection(tenantId, (await s().create(tenantId, input(), actor)).id, actor), /nur zu einer veröffentlichten Bekanntmachung/);

  // after its Aushang: not current any more, but in the archive of its year and on its page
  t.clock.advance(15 * 86_400_000);
  const year = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric" }).format(new Date(item.publish_at!));
  assert.ok(!(await get("/usingen/bekanntmachungen")).body.includes(`/usingen/bekanntmachungen/${id}"`), "not current");
  assert.ok(!(await get("/usingen/bekanntmachungen.atom")).body.includes(id), "not in the feed of current announcements");
  assert.ok((await get(`/usingen/bekanntmachungen?jahr=${year}`)).body.includes(`/usingen/bekanntmachungen/${id}"`), "archived");
  const archived = await get(`/usingen/bekanntmachungen/${id}`);
  assert.equal(archived.statusCode, 200);
  assert.match(archived.body, /Aushang beendet am/);
});

test("sanitizing on save: script, event handlers, javascript: links, style, iframes, foreign images and unknown tags removed and reported; allowed tags kept", async () => {
  const dirty = [
    "<h2 onclick=\"steal()\">Überschrift</h2>",
    "<script>alert('x')</script>",
    "<p style=\"color:red\">Absatz mit <strong>fett</strong>, <em>kursiv</em>,<br>Umbruch, <a href=\"javascript:alert(1)\">böser Link</a> und <a href=\"https://www.usingen.de/\">gutem Link</a> und <a href=\"mailto:rathaus@example.org\">Mail</a>.</p>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<h3>Drei</h3><h4>Vier</h4><ul><li>eins</li></ul><ol><li>zwei</li></ol>",
    "<img src=\"https://evil.example/x.png\" alt=\"fremd\">",
    "<marquee>Lauftext</marquee><style>p{}</style>",
  ].join("");
  const { id, removed } = await s().create(tenantId, input({ bodyHtml: dirty }), actor);
  const stored = (await s().store.item(tenantId, id))!.body_html;
  for (const bad of ["<script", "alert(", "onclick", "javascript:", "style", "<iframe", "evil.example", "<marquee", "steal"]) assert.ok(!stored.includes(bad), `removed: ${bad}`);
  for (const good of ["<h2>Überschrift</h2>", "<strong>fett</strong>", "<em>kursiv</em>", "<br />", '<a href="https://www.usingen.de/">gutem Link</a>', '<a href="mailto:rathaus@example.org">Mail</a>', "<h3>Drei</h3>", "<h4>Vier</h4>", "<ul><li>eins</li></ul>", "<ol><li>zwei</li></ol>", "Lauftext"]) {
    assert.ok(stored.includes(good), `kept: ${good} in ${stored}`);
  }
  for (const r of ["Element <script> mit Inhalt", "Ereignis-Attribut onclick an <h2>", "unsicheres Linkziel (javascript:)", "Gestaltung (style) an <p>", "Element <iframe> mit Inhalt", "Element <style> mit Inhalt", "Element <marquee> (der Text darin bleibt)"]) {
    assert.ok(removed.includes(r), `reported: ${r}`);
  }
  assert.ok(removed.some((r) => r.startsWith("Bild mit fremder")));
  assert.deepEqual(JSON.parse((await s().store.item(tenantId, id))!.removed_on_save), removed, "the report is kept with the item for its page");
  await assert.rejects(s().create(tenantId, input({ title: " ", bodyHtml: "<script>x</script>" }), actor), (e: unknown) => e instanceof PublishingInputError && !!e.errors.titel && !!e.errors.text);
});

test("an image without alt text: saved as a draft, refused at publication with a German message for the text field; with alt it is published", async () => {
  const { id } = await s().create(tenantId, input({ title: "Meldung mit Bild" }), actor);
  const a = await s().addAttachment(tenantId, id, { fileName: "Marktplatz Foto.png", data: PNG }, actor);
  assert.equal(a.file_name, "Marktplatz-Foto.png");
  assert.equal(a.mime_type, "image/png");
  const src = `/usingen/aktuelles/anhaenge/${a.id}/${a.file_name}`;
  const { removed } = await s().update(tenantId, id, input({ title: "Meldung mit Bild", bodyHtml: `<p>Blick:</p><img src="${src}">` }), actor);
  assert.deepEqual(removed, [], "our own image is allowed");
  await s().submit(tenantId, id, actor);
  await assert.rejects(s().publish(tenantId, id, actor), (e: unknown) => e instanceof PublishingRuleError && e.field === "text" && /Alternativtext/.test(e.message));
  assert.equal((await s().store.item(tenantId, id))!.state, "pruefung", "nothing changed");
  await s().backToDraft(tenantId, id, actor);
  await s().update(tenantId, id, input({ title: "Meldung mit Bild", bodyHtml: `<p>Blick:</p><img src="${src}" alt="Der Marktplatz im Schnee">` }), actor);
  await s().submit(tenantId, id, actor);
  await s().publish(tenantId, id, actor);
  const page = await get(`/usingen/aktuelles/${id}`);
  assert.ok(page.body.includes(`<img src="${src}" alt="Der Marktplatz im Schnee" />`));
  const file = await get(src);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers["content-type"], "image/png");
  assert.equal(file.headers["x-content-type-options"], "nosniff");
  assert.ok(PNG.equals(file.rawPayload));
  assert.equal((await get(src, { "if-none-match": String(file.headers.etag) })).statusCode, 304);
  await assert.rejects(s().addAttachment(tenantId, id, { fileName: "boese.png", data: Buffer.from("<script>alert(1)</script>") }, actor), /PDF-Datei oder ein Bild/);
});
