import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import Parser from "rss-parser";
import { createTestApp, csrfFrom, form, loginStaff, type TestApp } from "../../test-support/app.js";
import { publishingService } from "./service.js";
import { DEMO_REDAKTION_LOGINS } from "./seeds.js";

/**
 * The Redaktion's pages and the public pages and feeds over HTTP: authorisation, CSRF, bad input
 * (422, German messages at the fields, nothing written), the whole workflow through the forms,
 * uploads, and RSS/Atom parsed by rss-parser with stable ids, absolute URLs and 304s.
 */

let t: TestApp;
let tenantId: string;
let red: { cookie: string; csrf: string };
const base = "/usingen/verwaltung/redaktion";
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" });
  tenantId = t.ctx.tenants.bySlug("usingen")!.id;
  const login = DEMO_REDAKTION_LOGINS[0];
  red = await loginStaff(t.app, login.email, login.password);
});
after(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const post = (url: string, fields: Record<string, string>, cookie = red.cookie) => t.app.inject({ method: "POST", url, headers: { ...urlencoded, cookie }, payload: form(fields) });
const count = async () => Number((await t.ctx.db.kysely.selectFrom("publishing_items").select((eb) => eb.fn.countAll<number>().as("n")).where("tenant_id", "=", tenantId).executeTakeFirstOrThrow()).n);
const idFrom = (location: unknown) => /redaktion\/([0-9a-f-]{36})/.exec(String(location))![1]!;

function multipart(fields: Record<string, string>, file?: { name: string; fileName: string; data: Buffer; type: string }) {
  const boundary = "----publishing-test-boundary";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

const item = (over: Record<string, string> = {}) => ({ _csrf: red.csrf, art: "news", titel: "Neue Bänke im Stadtpark", teaser: "Zwölf neue Bänke laden zum Verweilen ein.", kategorie: "Umwelt", text: "<p>Der Bauhof hat zwölf Bänke aufgestellt.</p>", datum: "", uhrzeit: "", ablauf_datum: "", ablauf_uhrzeit: "", ...over });

test("authorisation: anonymous visitors go to the login, other roles are refused, the Redaktion of the other town too; navigation shows Redaktion only to the Redaktion", async () => {
  for (const url of [base, `${base}/neu`, `${base}/regeln`]) {
    const anon = await get(url);
    assert.equal(anon.statusCode, 303, url);
    assert.match(String(anon.headers.location), /^\/verwaltung\/anmelden\?weiter=/);
  }
  assert.equal((await t.app.inject({ method: "POST", url: `${base}/neu`, headers: urlencoded, payload: form(item({ _csrf: "x" })) })).statusCode, 403);
  const sd = await loginStaff(t.app, "sitzungsdienst@usingen.example", "Sitzungsdienst-Demo-2026");
  assert.equal((await get(base, { cookie: sd.cookie })).statusCode, 403, "the Sitzungsdienst is no Redaktion");
  assert.equal((await post(`${base}/neu`, item({ _csrf: sd.csrf }), sd.cookie)).statusCode, 403);
  const other = await loginStaff(t.app, DEMO_REDAKTION_LOGINS[1].email, DEMO_REDAKTION_LOGINS[1].password);
  assert.equal((await get(base, { cookie: other.cookie })).statusCode, 403, "Neu-Anspach's Redaktion in Usingen");
  const mine = await get(base, { cookie: red.cookie });
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /href="\/usingen\/verwaltung\/redaktion"[^>]*>Redaktion</);
  assert.ok(!(await get("/usingen/verwaltung/", { cookie: sd.cookie })).body.includes(">Redaktion<"), "no Redaktion entry for other roles");
  const pub = await get("/usingen/");
  assert.match(pub.body, /href="\/usingen\/aktuelles"/);
  assert.match(pub.body, /href="\/usingen\/bekanntmachungen"/);
});

test("CSRF: a POST without the session's token is refused and writes nothing", async () => {
  const before = await count();
  assert.equal((await post(`${base}/neu`, item({ _csrf: "" }))).statusCode, 403);
  assert.equal((await post(`${base}/neu`, item({ _csrf: "falsch" }))).statusCode, 403);
  const up = multipart({ _csrf: "falsch" }, { name: "datei", fileName: "a.png", data: PNG, type: "image/png" });
  const anyId = (await t.ctx.db.kysely.selectFrom("publishing_items").select("id").where("tenant_id", "=", tenantId).executeTakeFirstOrThrow()).id;
  assert.equal((await t.app.inject({ method: "POST", url: `${base}/${anyId}/anhaenge`, headers: { ...up.headers, cookie: red.cookie }, payload: up.payload })).statusCode, 403);
  assert.equal(await count(), before);
});

test("bad input: 422 with German messages at the fields, the typed values kept, nothing written", async () => {
  const before = await count();
  const res = await post(`${base}/neu`, item({ titel: "", art: "podcast", datum: "31.02.2026", uhrzeit: "25:00", ablauf_datum: "morgen", text: "<script>alert(1)</script>" }));
  assert.equal(res.statusCode, 422);
  for (const m of ["Bitte geben Sie einen Titel ein.", "Bitte wählen Sie, ob es eine Nachricht oder eine amtliche Bekanntmachung ist.", "Bitte geben Sie das Datum als TT.MM.JJJJ an", "Bitte geben Sie einen Text ein."]) assert.ok(res.body.includes(m), m);
  assert.match(res.body, /href="#titel"/, "the error summary links to the field");
  assert.match(res.body, /id="titel-fehler"/);
  assert.match(res.body, /value="Zwölf neue Bänke laden zum Verweilen ein\."|Zwölf neue Bänke laden zum Verweilen ein\./);
  assert.ok(!/\bat \S+ \(.*:\d+:\d+\)/.test(res.body), "no stack trace");
  const order = await post(`${base}/neu`, item({ datum: "10.12.2026", uhrzeit: "10:00", ablauf_datum: "09.12.2026" }));
  assert.equal(order.statusCode, 422);
  assert.match(order.body, /Das Ablaufdatum muss nach dem Veröffentlichungszeitpunkt liegen/);
  assert.equal(await count(), before, "nothing half-written");
});

test("the whole workflow through the forms: write with unsafe HTML (page says what was removed), upload, submit, publish; public page, list by state, no edit of a published announcement", async () => {
  const created = await post(`${base}/neu`, item({ art: "announcement", titel: "Widmung der Gemeindestraße Am Weiher", kategorie: "Verkehr", text: '<p onclick="x()">Die Straße wird gewidmet.</p><script>steal()</script><p><a href="javascript:alert(1)">Plan</a></p>' }));
  assert.equal(created.statusCode, 303, created.body.slice(0, 500));
  const id = idFrom(created.headers.location);
  const page = await get(`${base}/${id}`, { cookie: red.cookie });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Beim Speichern entfernt/);
  assert.match(page.body, /Element &lt;script&gt; mit Inhalt/);
  assert.match(page.body, /Ereignis-Attribut onclick/);
  assert.ok(!page.body.includes("steal()") && !page.body.includes("javascript:alert"), "never rendered");

  // uploads: a file that is no PDF/image is refused at the field; a PDF is taken
  const bad = multipart({ _csrf: red.csrf }, { name: "datei", fileName: "plan.pdf", data: Buffer.from("MZ not a pdf"), type: "application/pdf" });
  const refused = await t.app.inject({ method: "POST", url: `${base}/${id}/anhaenge`, headers: { ...bad.headers, cookie: red.cookie }, payload: bad.payload });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /id="datei-fehler"[^>]*><span class="kern-body">Bitte laden Sie eine PDF-Datei oder ein Bild/);
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  const good = multipart({ _csrf: red.csrf }, { name: "datei", fileName: "Lageplan Weiher.pdf", data: pdf, type: "application/pdf" });
  assert.equal((await t.app.inject({ method: "POST", url: `${base}/${id}/anhaenge`, headers: { ...good.headers, cookie: red.cookie }, payload: good.payload })).statusCode, 303);
  const [att] = await publishingService(t.ctx).store.attachments(tenantId, id);
  const fileUrl = `/usingen/aktuelles/anhaenge/${att!.id}/Lageplan-Weiher.pdf`;
  assert.equal((await get(fileUrl)).statusCode, 404, "a draft's attachment is not public");
  const staffFile = await get(fileUrl, { cookie: red.cookie });
  assert.equal(staffFile.statusCode, 200, "the Redaktion sees it for the preview");
  assert.equal(staffFile.headers["cache-control"], "private, no-store");

  assert.equal((await post(`${base}/${id}/veroeffentlichen`, { _csrf: red.csrf })).statusCode, 409, "not without review");
  assert.equal((await post(`${base}/${id}/vorlegen`, { _csrf: red.csrf })).statusCode, 303);
  assert.match((await get(`${base}?stand=pruefung`, { cookie: red.cookie })).body, /Widmung der Gemeindestraße Am Weiher/);
  const published = await post(`${base}/${id}/veroeffentlichen`, { _csrf: red.csrf });
  assert.equal(published.statusCode, 303);
  assert.match(String(published.headers.location), /hinweis=veroeffentlicht/);
  const pub = await get(`/usingen/bekanntmachungen/${id}`);
  assert.equal(pub.statusCode, 200);
  assert.match(pub.body, /Tag der Bekanntmachung/);
  assert.match(pub.body, /Lageplan-Weiher\.pdf/);
  const file = await get(fileUrl);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers["content-type"], "application/pdf");
  assert.match(String(file.headers["content-disposition"]), /^inline; filename="Lageplan-Weiher\.pdf"/);
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 301, "an announcement under the news address redirects");

  const staffPage = await get(`${base}/${id}`, { cookie: red.cookie });
  assert.ok(!staffPage.body.includes(`${base}/${id}/bearbeiten`), "no edit link");
  assert.match(staffPage.body, /Berichtigung anlegen/);
  assert.match(staffPage.body, /Versand/);
  assert.equal((await get(`${base}/${id}/bearbeiten`, { cookie: red.cookie })).statusCode, 409);
  const edit = await post(`${base}/${id}/bearbeiten`, item({ art: "announcement", titel: "Heimlich geändert" }));
  assert.equal(edit.statusCode, 409);
  assert.match(edit.body, /kann nicht mehr geändert werden/);
  assert.equal((await post(`${base}/${id}/loeschen`, { _csrf: red.csrf })).statusCode, 422);
  assert.equal((await publishingService(t.ctx).store.item(tenantId, id))!.title, "Widmung der Gemeindestraße Am Weiher");
});

test("an image without alt text: the publish action answers 422 at the text field of the form", async () => {
  const s = publishingService(t.ctx);
  const { id } = await s.create(tenantId, { kind: "news", title: "Bild ohne Beschreibung", teaser: "", bodyHtml: "<p>x</p>", category: "", publishAt: null, expiresAt: null }, { id: "x" });
  const a = await s.addAttachment(tenantId, id, { fileName: "bild.png", data: PNG }, { id: "x" });
  await s.update(tenantId, id, { kind: "news", title: "Bild ohne Beschreibung", teaser: "", bodyHtml: `<img src="/usingen/aktuelles/anhaenge/${a.id}/${a.file_name}" alt="">`, category: "", publishAt: null, expiresAt: null }, { id: "x" });
  await s.submit(tenantId, id, { id: "x" });
  const res = await post(`${base}/${id}/veroeffentlichen`, { _csrf: red.csrf });
  assert.equal(res.statusCode, 422);
  assert.match(res.body, /id="text-fehler"[^>]*>[\s\S]*Ein Bild im Text hat keinen Alternativtext/);
  assert.equal((await s.store.item(tenantId, id))!.state, "pruefung");
});

test("scheduling through the form: the planned Berlin time is kept; the item is listed as geplant and appears at that time", async () => {
  const created = await post(`${base}/neu`, item({ titel: "Adventskonzert in der Stadtkirche", datum: "05.12.2026", uhrzeit: "08:00" }));
  const id = idFrom(created.headers.location);
  await post(`${base}/${id}/vorlegen`, { _csrf: red.csrf });
  const res = await post(`${base}/${id}/veroeffentlichen`, { _csrf: red.csrf });
  assert.match(String(res.headers.location), /hinweis=geplant/);
  assert.equal((await publishingService(t.ctx).store.item(tenantId, id))!.publish_at, "2026-12-05T07:00:00.000Z", "08:00 in Berlin (CET)");
  assert.match((await get(`${base}?stand=geplant`, { cookie: red.cookie })).body, /Adventskonzert in der Stadtkirche/);
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 404);
  t.clock.set("2026-12-05T07:00:00Z");
  assert.equal((await get(`/usingen/aktuelles/${id}`)).statusCode, 200);
});

test("feeds: RSS 2.0 and Atom parsed by rss-parser, stable urn:uuid ids, absolute URLs, categories, only public items; ETag and If-Modified-Since give 304", async () => {
  const parser = new Parser();
  const baseUrl = t.config.baseUrl.replace(/\/$/, "");
  const s = publishingService(t.ctx);
  const { id: draft } = await s.create(tenantId, { kind: "news", title: "Unveröffentlichter Entwurf Feedtest", teaser: "", bodyHtml: "<p>x</p>", category: "Kultur", publishAt: null, expiresAt: null }, { id: "x" });
  for (const [path, kind] of [["aktuelles", "news"], ["bekanntmachungen", "announcement"]] as const) {
    const rss = await get(`/usingen/${path}.rss`);
    assert.equal(rss.statusCode, 200);
    assert.equal(rss.headers["content-type"], "application/rss+xml; charset=utf-8");
    const r = await parser.parseString(rss.body);
    const atomRes = await get(`/usingen/${path}.atom`);
    assert.equal(atomRes.headers["content-type"], "application/atom+xml; charset=utf-8");
    const a = await parser.parseString(atomRes.body);
    const visible = await s.store.publicItems(tenantId, kind, t.clock.now().toISOString());
    assert.ok(visible.length > 0, `${path}: the demo has public items`);
    assert.deepEqual(r.items.map((i) => i.guid), visible.map((i) => `urn:uuid:${i.id}`), `${path}: RSS guids are the item ids, newest first`);
    assert.deepEqual(a.items.map((i) => i.id), visible.map((i) => `urn:uuid:${i.id}`), `${path}: Atom ids`);
    assert.match(rss.body, /<guid isPermaLink="false">urn:uuid:/);
    for (const i of [...r.items, ...a.items]) assert.ok(i.link?.startsWith(`${baseUrl}/usingen/${path}/`), `absolute link: ${i.link}`);
    assert.equal(r.link, `${baseUrl}/usingen/${path}`);
    assert.ok(!rss.body.includes(draft) && !rss.body.includes("Feedtest"));
    // the same request again: the same ids (stable), and 304 by ETag and by date
    assert.deepEqual((await parser.parseString((await get(`/usingen/${path}.rss`)).body)).items.map((i) => i.guid), r.items.map((i) => i.guid));
    assert.equal((await get(`/usingen/${path}.rss`, { "if-none-match": String(rss.headers.etag) })).statusCode, 304);
    const lm = String(atomRes.headers["last-modified"]);
    assert.ok(lm && !Number.isNaN(Date.parse(lm)));
    assert.equal((await get(`/usingen/${path}.atom`, { "if-modified-since": lm })).statusCode, 304);
    assert.equal((await get(`/usingen/${path}.atom`, { "if-modified-since": new Date(Date.parse(lm) - 1000).toUTCString() })).statusCode, 200);
  }
  // per category
  const cat = await get("/usingen/aktuelles.rss?kategorie=Kultur");
  const c = await parser.parseString(cat.body);
  assert.ok(c.items.length > 0);
  assert.ok(c.items.every((i) => (i.categories ?? []).includes("Kultur")));
  assert.equal(c.feedUrl ?? `${baseUrl}/usingen/aktuelles.rss?kategorie=Kultur`, `${baseUrl}/usingen/aktuelles.rss?kategorie=Kultur`);
  assert.equal((await get("/usingen/aktuelles.rss?kategorie=Gibtsnicht")).statusCode, 404);
  // a new publication changes the feed
  const etag = String((await get("/usingen/aktuelles.rss")).headers.etag);
  await s.submit(tenantId, draft, { id: "x" });
  await s.publish(tenantId, draft, { id: "x" });
  const after = await get("/usingen/aktuelles.rss", { "if-none-match": etag });
  assert.equal(after.statusCode, 200);
  assert.equal((await parser.parseString(after.body)).items[0]!.guid, `urn:uuid:${draft}`);
});

test("public pages: list with category filter and paging, 422 for a bad filter, event rules page saves", async () => {
  const list = await get("/usingen/aktuelles?kategorie=Kultur");
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /<h1[^>]*>Aktuelles: Kultur<\/h1>/);
  const bad = await get("/usingen/aktuelles?kategorie=Unbekannt&seite=x");
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Diese Kategorie gibt es unter den aktuellen Meldungen nicht/);
  assert.match(bad.body, /Die Seitenzahl muss eine ganze Zahl ab 1 sein/);
  assert.equal((await get("/usingen/bekanntmachungen?jahr=1999")).statusCode, 422);
  const s = publishingService(t.ctx);
  for (let i = 0; i < 11; i++) {
    const { id } = await s.create(tenantId, { kind: "news", title: `Pagingmeldung ${i}`, teaser: "", bodyHtml: "<p>x</p>", category: "Paging", publishAt: null, expiresAt: null }, { id: "x" });
    await s.submit(tenantId, id, { id: "x" });
    await s.publish(tenantId, id, { id: "x" });
  }
  const p1 = await get("/usingen/aktuelles?kategorie=Paging");
  assert.equal((p1.body.match(/Pagingmeldung/g) ?? []).length, 10);
  assert.match(p1.body, /Seite 1 von 2/);
  const p2 = await get("/usingen/aktuelles?kategorie=Paging&seite=2");
  assert.equal((p2.body.match(/Pagingmeldung/g) ?? []).length, 1);
  assert.equal((await get("/usingen/aktuelles?kategorie=Paging&seite=3")).statusCode, 404);

  // the clock moved on (scheduling test): a fresh login
  red = await loginStaff(t.app, DEMO_REDAKTION_LOGINS[0].email, DEMO_REDAKTION_LOGINS[0].password);
  const rules = await get(`${base}/regeln`, { cookie: red.cookie });
  assert.equal(rules.statusCode, 200);
  const csrf = csrfFrom(rules.body);
  assert.equal((await post(`${base}/regeln`, { _csrf: csrf, "regel-council.meeting.published": "sonstwas" })).statusCode, 422);
  assert.equal(await s.ruleFor(tenantId, "council.meeting.published"), "auto");
  assert.equal((await post(`${base}/regeln`, { _csrf: csrf, "regel-council.meeting.published": "ignore" })).statusCode, 303);
  assert.equal(await s.ruleFor(tenantId, "council.meeting.published"), "ignore");
});
