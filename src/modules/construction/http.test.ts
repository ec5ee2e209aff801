import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createTestApp, csrfFrom, form, loginStaff, type TestApp } from "../../test-support/app.js";
import { multipart } from "../../test-support/applications.js";
import { DEMO_REDAKTION_LOGINS } from "../publishing/seeds.js";
import { publishingService } from "../publishing/service.js";
import { EVENT_TYPE, SEARCH_TYPE, constructionService } from "./service.js";
import { drawPng } from "./images.js";
import { DEMO_BAUAMT_LOGINS } from "./seeds.js";

/**
 * The Bauamt's pages and the public pages over HTTP: guards (login, role, town), CSRF (forms and
 * the multipart photo form), bad input at the fields (an executable named .jpg), the whole way
 * through the forms — project, milestone, update with photo, publication — then the public
 * list and page (photos with alt, width and height), site search, the publishing event, the
 * render cache changing with an update, unpublication (404, out of the search), foreign ids.
 */

let t: TestApp;
let usingen: string;
let bau: { cookie: string; csrf: string };
const base = "/usingen/verwaltung/bauvorhaben";
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const PHOTO = drawPng(400, 250, (x, y) => [200, (x + y) % 256, 60]);
const EXE = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00", "latin1"), Buffer.alloc(512, 0x41)]);

before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" });
  usingen = t.ctx.tenants.bySlug("usingen")!.id;
  bau = await loginStaff(t.app, DEMO_BAUAMT_LOGINS[0].email, DEMO_BAUAMT_LOGINS[0].password);
});
after(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const post = (url: string, fields: Record<string, string>, who = bau) => t.app.inject({ method: "POST", url, headers: { ...urlencoded, cookie: who.cookie }, payload: form({ _csrf: who.csrf, ...fields }) });
const postMultipart = (url: string, fields: Record<string, string>, files: { field: string; name: string; type: string; data: Buffer }[], who = bau) => {
  const m = multipart({ _csrf: who.csrf, ...fields }, files);
  return t.app.inject({ method: "POST", url, headers: { ...m.headers, cookie: who.cookie }, payload: m.payload });
};
const count = async (table: "construction_projects" | "construction_updates" | "construction_photos") =>
  Number((await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("tenant_id", "=", usingen).executeTakeFirstOrThrow()).n);
const idFrom = (location: unknown) => /bauvorhaben\/([0-9a-f-]{36})/.exec(String(location))![1]!;
const project = (over: Record<string, string> = {}) => ({
  titel: "Neubau der Mehrzweckhalle Wilhelmsdorf",
  kurzbeschreibung: "Die alte Halle wird durch einen Neubau mit Bühne ersetzt.",
  beschreibung: "Die Halle aus dem Jahr 1962 ist nicht mehr zu sanieren.\n\nDer Neubau bekommt eine Bühne und einen barrierefreien Zugang.",
  ort: "Wilhelmsdorf, Hallenweg 2",
  breite: "50,3561",
  laenge: "8,5013",
  kosten: "3.450.000",
  foerderung: "gefördert aus dem Programm Dorfentwicklung",
  stand: "in-bau",
  beginn: "09.2026",
  ende: "12.2027",
  kontakt_name: "Bauamt, Herr Beispiel",
  kontakt_telefon: "06081 999-150",
  kontakt_email: "halle@usingen.example",
  ...over,
});

test("guards: anonymous → login, other roles and the other town's Bauamt → 403; the navigation shows Bauvorhaben to the Bauamt only", async () => {
  for (const url of [base, `${base}/neu`]) {
    const anon = await get(url);
    assert.equal(anon.statusCode, 303, url);
    assert.match(String(anon.headers.location), /^\/verwaltung\/anmelden\?weiter=/);
  }
  assert.equal((await t.app.inject({ method: "POST", url: `${base}/neu`, headers: urlencoded, payload: form({ _csrf: "x", ...project() }) })).statusCode, 403);
  const red = await loginStaff(t.app, DEMO_REDAKTION_LOGINS[0].email, DEMO_REDAKTION_LOGINS[0].password);
  assert.equal((await get(base, red.cookie)).statusCode, 403, "the Redaktion is no Bauamt");
  assert.equal((await post(`${base}/neu`, project(), red)).statusCode, 403);
  const other = await loginStaff(t.app, DEMO_BAUAMT_LOGINS[1].email, DEMO_BAUAMT_LOGINS[1].password);
  assert.equal((await get(base, other.cookie)).statusCode, 403, "Neu-Anspach's Bauamt in Usingen");
  const mine = await get(base, bau.cookie);
  assert.equal(mine.statusCode, 200);
  assert.match(mine.body, /href="\/usingen\/verwaltung\/bauvorhaben"[^>]*>Bauvorhaben</);
  assert.ok(!(await get("/usingen/verwaltung/", red.cookie)).body.includes('href="/usingen/verwaltung/bauvorhaben"'), "no entry for the Redaktion");
  assert.match((await get("/usingen/")).body, /href="\/usingen\/bauvorhaben\/"[^>]*>Bauvorhaben</, "public navigation");
});

test("CSRF: a form without the session's token, and a photo upload with a wrong one, are refused and write nothing", async () => {
  const [projects, updates] = [await count("construction_projects"), await count("construction_updates")];
  assert.equal((await post(`${base}/neu`, { ...project(), _csrf: "" })).statusCode, 403);
  assert.equal((await post(`${base}/neu`, { ...project(), _csrf: "falsch" })).statusCode, 403);
  const anyProject = (await constructionService(t.ctx).store.projects(usingen))[0]!;
  const res = await postMultipart(`${base}/${anyProject.id}/neuigkeiten/neu`, { _csrf: "falsch", datum: "27.11.2026", titel: "X", text: "Y", alt_1: "Z" }, [{ field: "foto_1", name: "a.png", type: "image/png", data: PHOTO }]);
  assert.equal(res.statusCode, 403);
  assert.equal(await count("construction_projects"), projects);
  assert.equal(await count("construction_updates"), updates);
});

let projectId = "";
let updateId = "";

test("the whole way through the forms: bad input at the fields, project, milestone, update with photo (an executable named .jpg refused at the field); a draft is nowhere public", async () => {
  const before = await count("construction_projects");
  const bad = await post(`${base}/neu`, project({ titel: "", kosten: "viel", ende: "13.2027" }));
  assert.equal(bad.statusCode, 422);
  for (const m of ["Bitte geben Sie einen Titel ein.", "Bitte geben Sie die Kosten als Betrag in Euro an", "Bitte geben Sie das Ende als MM.JJJJ oder TT.MM.JJJJ an"]) assert.ok(bad.body.includes(m), m);
  assert.match(bad.body, /href="#titel"/, "the error summary links to the field");
  assert.match(bad.body, /id="kosten-fehler"/);
  assert.ok(bad.body.includes("Die alte Halle wird durch einen Neubau mit Bühne ersetzt."), "typed values kept");
  assert.equal(await count("construction_projects"), before, "nothing written");

  const created = await post(`${base}/neu`, project());
  assert.equal(created.statusCode, 303, created.body.slice(0, 300));
  projectId = idFrom(created.headers.location);
  const page = await get(`${base}/${projectId}`, bau.cookie);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /3\.450\.000 €/);
  assert.match(page.body, /September 2026 bis Dezember 2027/);

  const ms = await post(`${base}/${projectId}/meilensteine`, { titel: "Abriss der alten Halle", geplant: "10.2026", erledigt: "" });
  assert.equal(ms.statusCode, 303);
  const msBad = await post(`${base}/${projectId}/meilensteine`, { titel: "Richtfest", geplant: "irgendwann", erledigt: "" });
  assert.equal(msBad.statusCode, 422);
  assert.match(msBad.body, /id="geplant-fehler"/);

  const form = await get(`${base}/${projectId}/neuigkeiten/neu`, bau.cookie);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /enctype="multipart\/form-data"/i);
  assert.match(form.body, /Pflicht, wenn Sie Foto 1 wählen/, "the form says at the field that alt text is required");
  const updatesBefore = await count("construction_updates");
  const refused = await postMultipart(`${base}/${projectId}/neuigkeiten/neu`, { _csrf: csrfFrom(form.body), datum: "27.11.2026", titel: "Abrissbagger rollen an", text: "Ab Montag wird die alte Halle abgerissen.", alt_1: "Bagger vor der Halle" }, [{ field: "foto_1", name: "bagger.jpg", type: "image/jpeg", data: EXE }]);
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /id="foto_1-fehler"[^>]*>[\s\S]*?Foto 1 ist kein Bild im Format JPEG, PNG oder WebP/);
  assert.match(refused.body, /Bitte wählen Sie die Fotos erneut aus/);
  assert.match(refused.body, /value="Bagger vor der Halle"/, "the alt text is kept");
  assert.equal(await count("construction_updates"), updatesBefore, "nothing half-written");

  const saved = await postMultipart(`${base}/${projectId}/neuigkeiten/neu`, { datum: "27.11.2026", titel: "Abrissbagger rollen an", text: "Ab Montag wird die alte Halle abgerissen.", alt_1: "Bagger vor der alten Halle" }, [{ field: "foto_1", name: "bagger.png", type: "image/png", data: PHOTO }]);
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
  const data = (await constructionService(t.ctx).pageData(usingen, projectId, { publicOnly: false }))!;
  updateId = data.updates[0]!.update.id;
  const photo = data.updates[0]!.photos[0]!;
  assert.deepEqual([photo.width, photo.height], [400, 250]);
  const edit = await get(`${base}/${projectId}/neuigkeiten/${updateId}/bearbeiten`, bau.cookie);
  assert.equal(edit.statusCode, 200);
  assert.match(edit.body, /Diese Neuigkeit hat ein Foto \(„Bagger vor der alten Halle“\)/);
  assert.match(edit.body, /for="foto_2"/, "the free slots are numbered after the photos it has");
  assert.ok(!edit.body.includes('for="foto_1"'));

  // a draft: no public page, not in the list, no photo — but the Bauamt sees the photo
  assert.equal((await get(`/usingen/bauvorhaben/${projectId}`)).statusCode, 404);
  assert.ok(!(await get("/usingen/bauvorhaben/")).body.includes("Mehrzweckhalle Wilhelmsdorf"));
  const photoUrl = `/usingen/bauvorhaben/${projectId}/fotos/${photo.id}`;
  assert.equal((await get(photoUrl)).statusCode, 404);
  const staffPhoto = await get(photoUrl, bau.cookie);
  assert.equal(staffPhoto.statusCode, 200);
  assert.equal(staffPhoto.headers["cache-control"], "private, no-store");
});

test("publish: public list and page (status, period, budget, timeline, photo with alt/width/height, contact), search hit, publishing event; the cached page changes with an update; unpublish → 404 and out of the search", async () => {
  assert.ok(projectId && updateId, "the previous test created the project");
  assert.equal((await post(`${base}/${projectId}/veroeffentlichen`, {})).statusCode, 303);
  assert.equal((await post(`${base}/${projectId}/veroeffentlichen`, {})).statusCode, 409, "already published");

  const list = await get("/usingen/bauvorhaben/");
  assert.equal(list.statusCode, 200);
  assert.equal((await get("/usingen/bauvorhaben")).headers.location, "/usingen/bauvorhaben/");
  const current = list.body.slice(list.body.indexOf('id="aktuelle"'), list.body.indexOf('id="abgeschlossene"'));
  assert.match(current, /Mehrzweckhalle Wilhelmsdorf[\s\S]*in Bau[\s\S]*September 2026 bis Dezember 2027[\s\S]*3\.450\.000 €/);

  const url = `/usingen/bauvorhaben/${projectId}`;
  const first = await get(url);
  assert.equal(first.statusCode, 200);
  assert.match(first.body, /<h1[^>]*>Neubau der Mehrzweckhalle Wilhelmsdorf<\/h1>/);
  assert.match(first.body, /Abriss der alten Halle<\/strong>: geplant für Oktober 2026/);
  assert.match(first.body, /gefördert aus dem Programm Dorfentwicklung/);
  assert.match(first.body, /href="tel:06081999150"/);
  assert.match(first.body, /href="mailto:halle@usingen.example"/);
  assert.ok(!first.body.includes("Abrissbagger rollen an"), "the update is still a draft");
  assert.equal(first.headers["set-cookie"], undefined, "no cookie for anonymous visitors");
  const again = await get(url);
  assert.equal(again.headers.etag, first.headers.etag, "served from the render cache");

  // publishing the update: on the page (the cached page changes), and an event for the Redaktion
  const published = await post(`${base}/${projectId}/neuigkeiten/${updateId}/veroeffentlichen`, {});
  assert.equal(published.statusCode, 303);
  assert.match(String(published.headers.location), /hinweis=neuigkeit-gemeldet/);
  const after = await get(url);
  assert.notEqual(after.headers.etag, first.headers.etag, "the cached page changed");
  assert.match(after.body, /Abrissbagger rollen an/);
  const img = /<img src="(\/usingen\/bauvorhaben\/[^"]+\/fotos\/[^"]+)" alt="Bagger vor der alten Halle" width="400" height="250"/.exec(after.body);
  assert.ok(img, "the photo with its alt text, width and height");
  const file = await get(img[1]!);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers["content-type"], "image/png");
  assert.equal(file.headers["cache-control"], "public, max-age=31536000, immutable");
  assert.ok(file.rawPayload.equals(PHOTO));
  assert.equal((await t.app.inject({ url: img[1]!, headers: { "if-none-match": String(file.headers.etag) } })).statusCode, 304);

  const ev = await t.ctx.db.kysely.selectFrom("publishing_events").selectAll().where("tenant_id", "=", usingen).where("event_type", "=", EVENT_TYPE).where("source_id", "=", updateId).execute();
  assert.equal(ev.length, 1);
  assert.equal(ev[0]!.action, "draft", "the default rule: a draft for review");
  const item = (await publishingService(t.ctx).store.item(usingen, ev[0]!.item_id!))!;
  assert.equal(item.state, "pruefung");
  assert.equal(item.link, url);
  const red = await loginStaff(t.app, DEMO_REDAKTION_LOGINS[0].email, DEMO_REDAKTION_LOGINS[0].password);
  assert.match((await get("/usingen/verwaltung/redaktion?stand=pruefung", red.cookie)).body, /Neubau der Mehrzweckhalle Wilhelmsdorf: Abrissbagger rollen an/, "waiting in the Redaktion's review list");
  assert.ok(!(await get("/usingen/aktuelles")).body.includes("Abrissbagger"), "not public news before review");

  const search = await get("/usingen/suche?q=Mehrzweckhallen");
  assert.equal(search.statusCode, 200);
  assert.ok(search.body.includes(`href="${url}"`), "found by the site search (another word form)");
  assert.ok((await constructionService(t.ctx).search.query(usingen, "Abrissbagger", { types: [SEARCH_TYPE] })).some((h) => h.id === projectId), "the update's text is indexed");

  // unpublish: 404 for the page and the photo, gone from list and search
  assert.equal((await post(`${base}/${projectId}/zurueckziehen`, {})).statusCode, 303);
  assert.equal((await get(url)).statusCode, 404);
  assert.equal((await get(img[1]!)).statusCode, 404);
  assert.ok(!(await get("/usingen/bauvorhaben/")).body.includes("Mehrzweckhalle Wilhelmsdorf"));
  assert.ok(!(await get("/usingen/suche?q=Mehrzweckhalle")).body.includes(`href="${url}"`));
  assert.equal((await constructionService(t.ctx).search.query(usingen, "Mehrzweckhalle", { types: [SEARCH_TYPE] })).length, 0);
});

test("large photos: a photo of several MB is taken, one over 10 MB is refused at its field (the other photo of that form is not stored either)", async () => {
  const id = (await constructionService(t.ctx).store.projects(usingen))[0]!.id;
  const noise = randomBytes(800 * 700 * 3);
  const big = drawPng(800, 700, (x, y) => {
    const i = (y * 800 + x) * 3;
    return [noise[i]!, noise[i + 1]!, noise[i + 2]!];
  });
  assert.ok(big.length > 1.5 * 1024 * 1024, `${big.length} bytes: more than the platform's default body limit of 1 MB`);
  const fields = { datum: "27.11.2026", titel: "Luftbild", text: "Die Baustelle von oben.", alt_1: "Rauschen (Testbild)", alt_2: "Zu groß" };
  const tooBig = Buffer.concat([big, Buffer.alloc(10 * 1024 * 1024)]);
  const refused = await postMultipart(`${base}/${id}/neuigkeiten/neu`, fields, [{ field: "foto_1", name: "luft.png", type: "image/png", data: big }, { field: "foto_2", name: "riesig.png", type: "image/png", data: tooBig }]);
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /id="foto_2-fehler"[^>]*>[\s\S]*?Foto 2 ist größer als 10 MB/);
  assert.ok(!(await constructionService(t.ctx).store.updates(usingen, id)).some((u) => u.title === "Luftbild"), "nothing half-written");
  const taken = await postMultipart(`${base}/${id}/neuigkeiten/neu`, { ...fields, alt_2: "" }, [{ field: "foto_1", name: "luft.png", type: "image/png", data: big }]);
  assert.equal(taken.statusCode, 303, taken.body.slice(0, 300));
});

test("foreign and unknown ids: another town's project under this town's address → 404, for the public and for staff; a malformed id → 404", async () => {
  const neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!.id;
  const theirs = (await constructionService(t.ctx).store.publishedProjects(neuAnspach))[0]!;
  assert.equal((await get(`/neu-anspach/bauvorhaben/${theirs.id}`)).statusCode, 200, "public in its own town");
  assert.equal((await get(`/usingen/bauvorhaben/${theirs.id}`)).statusCode, 404);
  const photo = (await constructionService(t.ctx).store.photos(neuAnspach, theirs.id))[0]!;
  assert.equal((await get(`/usingen/bauvorhaben/${theirs.id}/fotos/${photo.id}`)).statusCode, 404);
  assert.equal((await get(`/neu-anspach/bauvorhaben/${theirs.id}/fotos/${photo.id}`)).statusCode, 200);
  assert.equal((await get(`${base}/${theirs.id}`, bau.cookie)).statusCode, 404);
  assert.equal((await post(`${base}/${theirs.id}/zurueckziehen`, {})).statusCode, 404);
  assert.equal((await get(`/neu-anspach/bauvorhaben/${theirs.id}`)).statusCode, 200, "and it is still published");
  assert.equal((await get("/usingen/bauvorhaben/keine-id")).statusCode, 404);
  assert.equal((await get(`${base}/${projectId}/meilensteine/0190f0f0-0000-7000-8000-000000000000/bearbeiten`, bau.cookie)).statusCode, 404);
});
