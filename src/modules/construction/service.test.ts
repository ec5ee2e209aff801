import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { publishingService } from "../publishing/service.js";
import { ConstructionInputError, ConstructionNotFoundError, ConstructionRuleError, EVENT_TYPE, SEARCH_TYPE, constructionService, type PhotoSlot, type ProjectForm } from "./service.js";
import { constructionSiteGraphic, drawPng, imageDimensions } from "./images.js";
import { DEMO_BAUAMT_LOGINS } from "./seeds.js";

/**
 * The construction service through the real app (SQLite or PostgreSQL) on the manual clock:
 * validation with German messages per field and nothing written, tenant isolation, milestones
 * by date, photos checked by content with alt text required, publication (search index, content
 * version), and the publishing event for an update of a published project — once, per the
 * town's rule. The demo seeds (small) are checked too.
 */

let t: TestApp;
let usingen: string;
let neuAnspach: string;
const actor = { id: "bauamt-test" };

before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" });
  usingen = t.ctx.tenants.bySlug("usingen")!.id;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!.id;
});
after(() => t.close());

const s = () => constructionService(t.ctx);
const form = (over: Partial<ProjectForm> = {}): ProjectForm => ({
  titel: "Sanierung der Stadthalle",
  kurzbeschreibung: "Die Stadthalle bekommt eine neue Heizung und eine barrierefreie Toilette.",
  beschreibung: "Die Heizung ist 40 Jahre alt.\n\nWährend der Arbeiten bleibt die Halle geschlossen.",
  ort: "Stadthalle, Marktplatz 1",
  breite: "50,3345",
  laenge: "8,5372",
  kosten: "1.250.000",
  foerderung: "gefördert aus dem Landesprogramm",
  stand: "in-bau",
  beginn: "03.2026",
  ende: "15.10.2027",
  kontakt_name: "Bauamt, Frau Muster",
  kontakt_telefon: "06081 999-120",
  kontakt_email: "bauamt@usingen.example",
  ...over,
});
const png = (w = 64, h = 40) => drawPng(w, h, (x, y) => [x % 256, y % 256, 128]);
const photo = (slot: number, alt: string, data: Buffer = png(), fileName = "foto.png"): PhotoSlot => ({ slot, alt, file: { fileName, data, truncated: false } });
const count = async (table: "construction_projects" | "construction_updates" | "construction_photos" | "construction_milestones") =>
  Number((await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
const inputError = async (p: Promise<unknown>): Promise<Record<string, string>> => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ConstructionInputError, `expected ConstructionInputError, got ${String(e)}`);
    return e.errors;
  }
  assert.fail("expected the input to be refused");
};

test("project validation: a German message at each field; nothing written", async () => {
  const before = await count("construction_projects");
  let e = await inputError(s().createProject(usingen, form({ titel: " ", kurzbeschreibung: "", beschreibung: "", ort: "", kontakt_name: "", kontakt_telefon: "", kontakt_email: "", stand: "fertig" }), actor));
  assert.equal(e.titel, "Bitte geben Sie einen Titel ein.");
  assert.equal(e.kurzbeschreibung, "Bitte beschreiben Sie das Bauvorhaben in ein bis zwei Sätzen.");
  assert.equal(e.beschreibung, "Bitte geben Sie eine Beschreibung ein.");
  assert.match(e.ort!, /^Bitte geben Sie an, wo gebaut wird/);
  assert.match(e.kontakt_name!, /^Bitte geben Sie an, wer Fragen beantwortet/);
  assert.match(e.kontakt_telefon!, /Telefonnummer oder eine E-Mail-Adresse/);
  assert.equal(e.stand, "Bitte wählen Sie den Stand des Bauvorhabens.");

  e = await inputError(s().createProject(usingen, form({ beginn: "13.2027", ende: "31.02.2027", kosten: "viel Geld", breite: "95", laenge: "8,5", kontakt_telefon: "ruf an", kontakt_email: "bauamt@" }), actor));
  assert.match(e.beginn!, /Beginn als MM\.JJJJ oder TT\.MM\.JJJJ/);
  assert.match(e.ende!, /Ende als MM\.JJJJ oder TT\.MM\.JJJJ/);
  assert.match(e.kosten!, /als Betrag in Euro an, zum Beispiel 1\.250\.000/);
  assert.match(e.breite!, /zwischen -90 und 90/);
  assert.match(e.kontakt_telefon!, /Ziffern/);
  assert.match(e.kontakt_email!, /gültige E-Mail-Adresse/);

  e = await inputError(s().createProject(usingen, form({ beginn: "05.2027", ende: "04.2027", breite: "", laenge: "8,53" }), actor));
  assert.equal(e.ende, "Das Ende darf nicht vor dem Beginn liegen.");
  assert.match(e.breite!, /zur Länge auch die Breite/);
  e = await inputError(s().createProject(usingen, form({ stand: "abgeschlossen", ende: "" }), actor));
  assert.match(e.ende!, /abgeschlossenes Bauvorhaben/);
  assert.equal(await count("construction_projects"), before, "nothing written");

  // month precision: März 2027 to 15.03.2027 is a valid period; budgets in several spellings
  const id = await s().createProject(usingen, form({ beginn: "3.2027", ende: "15.03.2027", kosten: "1.250.000,50 €" }), actor);
  const p = (await s().store.project(usingen, id))!;
  assert.equal(p.start_date, "2027-03");
  assert.equal(p.end_date, "2027-03-15");
  assert.equal(p.budget_cents, 125_000_050);
  assert.equal(p.latitude, 50.3345);
  assert.equal(p.published_at, null, "a new project is a draft");
});

test("tenant isolation: another town's project id is not found for any action, and its page data is not there", async () => {
  const id = await s().createProject(usingen, form({ titel: "Nur in Usingen" }), actor);
  const m = await s().addMilestone(usingen, id, { titel: "Baubeginn", geplant: "04.2026", erledigt: "" }, actor);
  const u = await s().createUpdate(usingen, id, { datum: "20.11.2026", titel: "Los geht's", text: "Text" }, [photo(1, "Ein Bagger")], actor);
  const [ph] = await s().store.photosOfUpdate(usingen, u);
  for (const [what, p] of [
    ["changeProject", () => s().changeProject(neuAnspach, id, form(), actor)],
    ["publishProject", () => s().publishProject(neuAnspach, id, actor)],
    ["unpublishProject", () => s().unpublishProject(neuAnspach, id, actor)],
    ["addMilestone", () => s().addMilestone(neuAnspach, id, { titel: "X", geplant: "04.2026", erledigt: "" }, actor)],
    ["changeMilestone", () => s().changeMilestone(neuAnspach, id, m, { titel: "X", geplant: "04.2026", erledigt: "" }, actor)],
    ["removeMilestone", () => s().removeMilestone(neuAnspach, id, m, actor)],
    ["createUpdate", () => s().createUpdate(neuAnspach, id, { datum: "20.11.2026", titel: "X", text: "Y" }, [], actor)],
    ["changeUpdate", () => s().changeUpdate(neuAnspach, id, u, { datum: "20.11.2026", titel: "X", text: "Y" }, [], actor)],
    ["publishUpdate", () => s().publishUpdate(neuAnspach, id, u, actor)],
    ["removeUpdate", () => s().removeUpdate(neuAnspach, id, u, actor)],
    ["removePhoto", () => s().removePhoto(neuAnspach, id, ph!.id, actor)],
  ] as const) {
    await assert.rejects(p(), ConstructionNotFoundError, what);
  }
  assert.equal(await s().pageData(neuAnspach, id, { publicOnly: false }), undefined);
  assert.equal(await s().photoOf(neuAnspach, id, ph!.id), undefined);
  const mine = (await s().pageData(usingen, id, { publicOnly: false }))!;
  assert.equal(mine.milestones.length, 1);
  assert.equal(mine.updates[0]!.photos.length, 1, "nothing of it was changed from the other town");
});

test("milestones: ordered by planned date (month or day), done date not in the future, messages at the fields", async () => {
  const id = await s().createProject(usingen, form({ titel: "Meilensteinprojekt" }), actor);
  await s().addMilestone(usingen, id, { titel: "Abnahme", geplant: "10.2027", erledigt: "" }, actor);
  await s().addMilestone(usingen, id, { titel: "Baubeginn", geplant: "03.2026", erledigt: "02.04.2026" }, actor);
  await s().addMilestone(usingen, id, { titel: "Rohbau", geplant: "15.11.2026", erledigt: "" }, actor);
  assert.deepEqual((await s().store.milestones(usingen, id)).map((m) => m.title), ["Baubeginn", "Rohbau", "Abnahme"]);
  const e = await inputError(s().addMilestone(usingen, id, { titel: "", geplant: "bald", erledigt: "01.12.2026" }, actor));
  assert.equal(e.titel, "Bitte geben Sie einen Titel für den Meilenstein ein.");
  assert.match(e.geplant!, /als MM\.JJJJ oder TT\.MM\.JJJJ/);
  assert.equal(e.erledigt, "Das Datum der Erledigung darf nicht in der Zukunft liegen.", "the test clock stands at 27.11.2026");
  assert.equal((await s().store.milestones(usingen, id)).length, 3);
});

test("photos: checked by content (an executable named .jpg is refused), alt text required for each, at most six; nothing stored when refused", async () => {
  const id = await s().createProject(usingen, form({ titel: "Fotoprojekt" }), actor);
  const [updatesBefore, photosBefore] = [await count("construction_updates"), await count("construction_photos")];
  const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(200)]);
  const upd = { datum: "26.11.2026", titel: "Neue Fotos", text: "Bilder von der Baustelle." };
  let e = await inputError(s().createUpdate(usingen, id, upd, [photo(1, "Kran", exe, "kran.jpg"), photo(2, "  "), { slot: 3, alt: "Ohne Datei" }], actor));
  assert.match(e.foto_1!, /^Foto 1 ist kein Bild im Format JPEG, PNG oder WebP/);
  assert.match(e.alt_2!, /^Bitte beschreiben Sie, was auf Foto 2 zu sehen ist \(Alternativtext\)/);
  assert.match(e.foto_3!, /Alternativtext von Foto 3 ein Foto aus/);
  e = await inputError(s().createUpdate(usingen, id, upd, [{ slot: 1, alt: "Zu groß", file: { fileName: "a.png", data: png(), truncated: true } }], actor));
  assert.match(e.foto_1!, /größer als 10 MB/);
  e = await inputError(s().createUpdate(usingen, id, upd, [photo(1, "Kaputt", png().subarray(0, 20))], actor));
  assert.match(e.foto_1!, /beschädigt oder unvollständig/);
  e = await inputError(s().createUpdate(usingen, id, { datum: "31.11.2026", titel: "", text: "" }, Array.from({ length: 7 }, (_, i) => photo(i + 1, `Foto ${i + 1}`)), actor));
  assert.match(e.datum!, /TT\.MM\.JJJJ/);
  assert.equal(e.titel, "Bitte geben Sie einen Titel ein.");
  assert.equal(e.text, "Bitte geben Sie einen Text ein.");
  assert.match(e.foto_1!, /höchstens 6 Fotos/);
  assert.equal(await count("construction_updates"), updatesBefore, "no update written");
  assert.equal(await count("construction_photos"), photosBefore, "no photo written");

  const u = await s().createUpdate(usingen, id, upd, [photo(1, "Der Kran am Morgen", png(120, 80)), photo(2, "Die Baugrube", constructionSiteGraphic(48, 30, [200, 0, 0]))], actor);
  const photos = await s().store.photosOfUpdate(usingen, u);
  assert.deepEqual(photos.map((p) => [p.alt, p.width, p.height, p.mime_type, p.position]), [["Der Kran am Morgen", 120, 80, "image/png", 1], ["Die Baugrube", 48, 30, "image/png", 2]]);
  assert.ok((await t.ctx.storage.read(photos[0]!.storage_key)).equals(png(120, 80)), "the file is stored as uploaded");
  // four more fit (six in all), a fifth does not
  e = await inputError(s().changeUpdate(usingen, id, u, upd, Array.from({ length: 5 }, (_, i) => photo(i + 3, `Foto ${i + 3}`)), actor));
  assert.match(e.foto_3!, /höchstens 6 Fotos haben; sie hat schon 2/);
  await s().changeUpdate(usingen, id, u, upd, Array.from({ length: 4 }, (_, i) => photo(i + 3, `Foto ${i + 3}`)), actor);
  assert.equal((await s().store.photosOfUpdate(usingen, u)).length, 6);
  await s().removePhoto(usingen, id, photos[0]!.id, actor);
  assert.equal((await s().store.photosOfUpdate(usingen, u)).length, 5);
  assert.equal(await t.ctx.storage.exists(photos[0]!.storage_key), false, "the removed photo's file is gone");
});

test("image sizes are read from the file: PNG, JPEG (EXIF orientation turns it), WebP (VP8X, VP8L)", () => {
  assert.deepEqual(imageDimensions(png(31, 17), "image/png"), { width: 31, height: 17 });
  // a minimal JPEG head: SOI, APP1 Exif with Orientation 6, SOF0 640×480
  const exif = Buffer.concat([Buffer.from("Exif\0\0MM\0\x2a\0\0\0\x08\0\x01", "latin1"), Buffer.from([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]), Buffer.alloc(4)]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(exif.length + 2) >> 8, (exif.length + 2) & 0xff]), exif]);
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 1, 1, 0x11, 0]);
  assert.deepEqual(imageDimensions(Buffer.concat([Buffer.from([0xff, 0xd8]), sof]), "image/jpeg"), { width: 640, height: 480 });
  assert.deepEqual(imageDimensions(Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof]), "image/jpeg"), { width: 480, height: 640 }, "shown upright");
  const vp8x = Buffer.alloc(30);
  vp8x.write("RIFF", 0, "latin1");
  vp8x.write("WEBPVP8X", 8, "latin1");
  vp8x.writeUIntLE(799, 24, 3);
  vp8x.writeUIntLE(599, 27, 3);
  assert.deepEqual(imageDimensions(vp8x, "image/webp"), { width: 800, height: 600 });
  const vp8l = Buffer.alloc(30);
  vp8l.write("RIFF", 0, "latin1");
  vp8l.write("WEBPVP8L", 8, "latin1");
  vp8l[20] = 0x2f;
  vp8l.writeUInt32LE((100 - 1) | ((50 - 1) << 14), 21);
  assert.deepEqual(imageDimensions(vp8l, "image/webp"), { width: 100, height: 50 });
  assert.equal(imageDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg"), undefined);
});

const eventsOf = (sourceId: string) => t.ctx.db.kysely.selectFrom("publishing_events").selectAll().where("tenant_id", "=", usingen).where("event_type", "=", EVENT_TYPE).where("source_id", "=", sourceId).execute();
const itemOf = (id: string) => t.ctx.db.kysely.selectFrom("publishing_items").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const searchFor = (q: string) => s().search.query(usingen, q, { types: [SEARCH_TYPE] });

test("publication: search index and content version; an update of a draft project raises no event, of a published one exactly one (rule: draft for review, then auto)", async () => {
  const id = await s().createProject(usingen, form({ titel: "Neubau der Zauneidechsenbrücke", beschreibung: "Eine Brücke über den Stockheimer Bach." }), actor);
  const early = await s().createUpdate(usingen, id, { datum: "20.11.2026", titel: "Vorarbeiten", text: "Die Bäume sind gefällt." }, [], actor);
  assert.deepEqual(await s().publishUpdate(usingen, id, early, actor), { announced: false }, "the project is a draft");
  assert.equal((await eventsOf(early)).length, 0);
  assert.equal((await searchFor("Zauneidechsenbrücke")).length, 0);

  const version = async () => (await t.ctx.versions.read([`tenant:${usingen}`])).get(`tenant:${usingen}`)!;
  const v0 = await version();
  await s().publishProject(usingen, id, actor);
  assert.ok((await version()) > v0, "content version bumped");
  const hits = await searchFor("Zauneidechsenbrücken");
  assert.deepEqual(hits.map((h) => [h.id, h.url]), [[id, `/usingen/bauvorhaben/${id}`]]);
  assert.equal((await searchFor("gefällt")).length, 1, "published updates are part of the indexed text");
  await assert.rejects(s().publishProject(usingen, id, actor), ConstructionRuleError);

  // default rule: a draft for the Redaktion's review, linking to the project
  const u = await s().createUpdate(usingen, id, { datum: "27.11.2026", titel: "Das Fundament ist gegossen", text: "Der Beton härtet jetzt aus.\n\nNächste Woche folgt der Überbau." }, [photo(1, "Betonmischer")], actor);
  assert.deepEqual(await s().publishUpdate(usingen, id, u, actor), { announced: true });
  const [ev] = await eventsOf(u);
  assert.equal(ev!.action, "draft");
  const item = await itemOf(ev!.item_id!);
  assert.equal(item.state, "pruefung");
  assert.equal(item.kind, "news");
  assert.equal(item.title, "Neubau der Zauneidechsenbrücke: Das Fundament ist gegossen");
  assert.equal(item.teaser, "Der Beton härtet jetzt aus.");
  assert.equal(item.link, `/usingen/bauvorhaben/${id}`);
  assert.equal(item.source_type, EVENT_TYPE);
  await assert.rejects(s().publishUpdate(usingen, id, u, actor), ConstructionRuleError, "published twice");
  await s().unpublishUpdate(usingen, id, u, actor);
  await s().publishUpdate(usingen, id, u, actor);
  assert.equal((await eventsOf(u)).length, 1, "one event per update, however often it is published");

  // rule auto: a published news item
  await publishingService(t.ctx).setRule(usingen, EVENT_TYPE, "auto", actor);
  const auto = await s().createUpdate(usingen, id, { datum: "27.11.2026", titel: "Richtfest", text: "Die Brücke steht." }, [], actor);
  await s().publishUpdate(usingen, id, auto, actor);
  const autoItem = await itemOf((await eventsOf(auto))[0]!.item_id!);
  assert.equal(autoItem.state, "veroeffentlicht");
  assert.equal((await t.app.inject({ url: `/usingen/aktuelles/${autoItem.id}` })).statusCode, 200);
  await publishingService(t.ctx).setRule(usingen, EVENT_TYPE, "draft", actor);

  await s().unpublishProject(usingen, id, actor);
  assert.equal((await searchFor("Zauneidechsenbrücke")).length, 0, "out of the search when unpublished");
  assert.equal(await s().pageData(usingen, id, { publicOnly: true }), undefined);
});

test("audit: every change is recorded with ids and field names, never values", async () => {
  const id = await s().createProject(usingen, form({ titel: "Auditprojekt" }), actor);
  await s().changeProject(usingen, id, form({ titel: "Auditprojekt geheim-wert", kosten: "2.000.000" }), actor);
  await s().publishProject(usingen, id, actor);
  const entries = (await t.ctx.audit.list({ tenantId: usingen, limit: 20 })).filter((e) => e.object?.id === id);
  assert.deepEqual(entries.map((e) => e.action).reverse(), ["construction.project.create", "construction.project.update", "construction.project.publish"]);
  const change = entries.find((e) => e.action === "construction.project.update")!;
  assert.deepEqual(change.fields, ["title", "budget_cents"]);
  assert.ok(!JSON.stringify(entries).includes("geheim-wert"));
});

test("demo seeds (small): one published project per town with milestones and updates with pictures; a Bauamt login per town; no publishing events", async () => {
  for (const login of DEMO_BAUAMT_LOGINS) {
    const tenantId = t.ctx.tenants.bySlug(login.tenant)!.id;
    const all = (await s().store.projects(tenantId)).filter((p) => p.created_by === null);
    assert.equal(all.length, 1, login.tenant);
    const data = (await s().pageData(tenantId, all[0]!.id, { publicOnly: true }))!;
    assert.ok(data.project.published_at);
    assert.ok(data.milestones.length >= 3);
    assert.ok(data.updates.length >= 2 && data.updates.every((u) => u.photos.length === 1 && /^Symbolbild: .*\(Grafik, kein Foto\)$/.test(u.photos[0]!.alt)));
    const accountId = await t.ctx.accounts.idByEmail(login.email);
    assert.ok(accountId, login.email);
    const events = await t.ctx.db.kysely.selectFrom("publishing_events").select("source_id").where("tenant_id", "=", tenantId).where("event_type", "=", EVENT_TYPE).execute();
    assert.ok(!events.some((e) => data.updates.some((u) => u.update.id === e.source_id)), "seeded updates raise no event");
  }
});
