import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LightMyRequestResponse } from "fastify";
import { createTestApp, form, loginStaff, type TestApp } from "../../test-support/app.js";
import { SAMPLE_FILES, errorsOf, multipart } from "../../test-support/applications.js";
import { berlinToInstant } from "../../platform/clock.js";
import { participation } from "./index.js";
import { germanDate } from "./service.js";
import { addDays, minimumLastDay } from "./periods.js";
import type { AgencyRow } from "./store.js";

/**
 * The planning office's pages over HTTP, like a browser without JavaScript: who may open them,
 * a procedure by form and from each XPlanGML sample (with the AGS confirmation and the refusals
 * of broken files), documents, agencies, a phase planned through the deadline hint and the
 * confirmation with its announcement (published, invitations mailed), cancellation, state changes.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const SAMPLES = join(root, "..", "shared", "standards", "xplanung", "samples");
const SKIP = "../shared/standards/xplanung/samples not present (shared/ is laid next to the repo by CI)";
const sample = (name: string) => readFileSync(join(SAMPLES, name));

const PLANNER = { email: "stadtplanung.test@usingen.example", password: "Stadtplanung-Test-2026" };
const EDITOR = { email: "redaktion.beteiligung@usingen.example", password: "Redaktion-Test-2026" };
const B = "/usingen/verwaltung/beteiligung";
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

let t: TestApp;
let usingen: string;
let neuAnspach: string;
let planner: { cookie: string; csrf: string };

before(async () => {
  t = await createTestApp();
  usingen = t.ctx.tenants.bySlug("usingen")!.id;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!.id;
  const p = await t.ctx.accounts.create({ email: PLANNER.email, name: "Paula Planung", password: PLANNER.password });
  await t.ctx.accounts.grantRole(p, usingen, "stadtplanung");
  const e = await t.ctx.accounts.create({ email: EDITOR.email, name: "Rudi Redaktion", password: EDITOR.password });
  await t.ctx.accounts.grantRole(e, usingen, "redaktion");
  planner = await loginStaff(t.app, PLANNER.email, PLANNER.password);
});
after(() => t.close());

const get = (url: string, who: { cookie: string } | null = planner) => t.app.inject({ url, headers: who ? { cookie: who.cookie } : {} });
const post = (url: string, fields: Record<string, string | string[]>, who: { cookie: string; csrf: string } | null = planner) =>
  t.app.inject({ method: "POST", url, headers: { ...urlencoded, ...(who ? { cookie: who.cookie } : {}) }, payload: form(who ? { _csrf: who.csrf, ...fields } : fields) });
const upload = (url: string, fields: Record<string, string>, files: { field: string; name: string; type: string; data: Buffer }[]) => {
  const m = multipart({ _csrf: planner.csrf, ...fields }, files);
  return t.app.inject({ method: "POST", url, headers: { ...m.headers, cookie: planner.cookie }, payload: m.payload });
};
const importFile = (name: string, data: Buffer, confirm = false) => upload(`${B}/xplan`, confirm ? { bestaetigen: "1" } : {}, [{ field: "xplan", name, type: "application/gml+xml", data }]);
const see = (res: LightMyRequestResponse, status: number, what: string) => assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${errorsOf(res.body).join(" | ") || res.body.slice(0, 300)}`);
const location = (res: LightMyRequestResponse) => String(res.headers.location ?? "");
const procedureIdFrom = (res: LightMyRequestResponse) => {
  const m = /\/verwaltung\/beteiligung\/([0-9a-f-]{36})\?hinweis=/.exec(location(res));
  assert.ok(m, `redirect to the procedure: ${location(res)}`);
  return m[1]!;
};
const store = () => participation(t.ctx).service.store;
const pdf = SAMPLE_FILES["application/pdf"]!;

test("guards: anonymous visitors go to the login, staff without the planning role get 403, another town's procedure is 404", async () => {
  const other = await participation(t.ctx).service.createProcedure(neuAnspach, { planType: "bebauungsplan", name: "Am Anspacher Feld" }, { id: "test" });
  const count = (await store().procedures(usingen)).length;
  const anon = await get(B, null);
  see(anon, 303, "anonymous overview");
  assert.match(location(anon), /^\/verwaltung\/anmelden\?weiter=/);
  see(await post(`${B}/neu`, { name: "x" }, null), 403, "anonymous POST");

  const editor = await loginStaff(t.app, EDITOR.email, EDITOR.password);
  for (const url of [B, `${B}/neu`, `${B}/xplan`, `${B}/behoerden`, `${B}/karte`]) see(await get(url, editor), 403, `editor GET ${url}`);
  see(await post(`${B}/neu`, { planart: "bebauungsplan", name: "Versuch" }, editor), 403, "editor POST");
  assert.equal((await store().procedures(usingen)).length, count, "nothing was created");

  for (const url of [`${B}/${other.id}`, `${B}/${other.id}/bearbeiten`, `${B}/${other.id}/phasen/neu`, `${B}/${other.id}/stand/einstellen`, `${B}/kein-verfahren`]) see(await get(url), 404, `GET ${url}`);
  see(await post(`${B}/${other.id}/stand/einstellen`, {}), 404, "state change of another town's procedure");
  assert.equal((await store().procedure(neuAnspach, other.id))!.state, "entwurf", "untouched");
});

test("a procedure by form: errors at the fields with the input kept, then created, listed and edited", async () => {
  const page = await get(`${B}/neu`);
  see(page, 200, "new form");
  const bad = await post(`${B}/neu`, { planart: "bebauungsplan", name: "  ", nummer: "42", gebiet: "Zwischen Weilburger Straße und Usa" });
  see(bad, 422, "empty name");
  assert.deepEqual(errorsOf(bad.body), ["name: Bitte geben Sie den Namen des Plans ein."]);
  assert.match(bad.body, /value="42"/, "the number is kept");
  assert.match(bad.body, /Zwischen Weilburger Straße und Usa/, "the area is kept");

  const created = await post(`${B}/neu`, { planart: "bebauungsplan", name: "Am Mühlbach", nummer: "42", gebiet: "Zwischen Weilburger Straße und Usa", beschreibung: "Wohnen am Bach." });
  see(created, 303, "create");
  const id = procedureIdFrom(created);
  const row = (await store().procedure(usingen, id))!;
  assert.deepEqual([row.plan_type, row.name, row.number, row.area_description, row.state], ["bebauungsplan", "Am Mühlbach", "42", "Zwischen Weilburger Straße und Usa", "entwurf"]);
  const shown = await get(location(created));
  see(shown, 200, "procedure page");
  assert.match(shown.body, /Das Verfahren ist angelegt/);
  assert.match(shown.body, /Bebauungsplan Nr\. 42 „Am Mühlbach“/);
  assert.match(shown.body, /kein Geltungsbereich hinterlegt/);
  const overview = await get(B);
  assert.match(overview.body, /Bebauungsplan Nr\. 42 „Am Mühlbach“/);
  assert.match(overview.body, /Entwurf \(nicht öffentlich\)/);

  see(await post(`${B}/${id}/bearbeiten`, { planart: "aenderung", name: "Am Mühlbach", nummer: "42a", gebiet: "", beschreibung: "" }), 303, "edit");
  assert.equal((await store().procedure(usingen, id))!.number, "42a");
  const invalidType = await post(`${B}/${id}/bearbeiten`, { planart: "kraftwerk", name: "Am Mühlbach" });
  see(invalidType, 422, "unknown plan type");
  assert.deepEqual(errorsOf(invalidType.body), ["planart: Bitte wählen Sie die Art des Plans."]);
});

test("XPlanGML: Wustermark is refused for Usingen until confirmed, then becomes a procedure with its name, outline and linked document", async (c) => {
  if (!existsSync(SAMPLES)) return c.skip(SKIP);
  const file = sample("bp_5-3_wustermark.gml");
  const text = file.toString("utf8");
  const name = /<xplan:name>([^<]+)<\/xplan:name>/.exec(text)![1]!;
  const ags = /<xplan:ags>([^<]+)<\/xplan:ags>/.exec(text)![1]!;
  const url = /<xplan:referenzURL>([^<]+)<\/xplan:referenzURL>/.exec(text)![1]!;
  const before = (await store().procedures(usingen)).length;

  const refused = await importFile("wustermark.gml", file);
  see(refused, 422, "foreign plan");
  assert.match(errorsOf(refused.body).join(), new RegExp(`^bestaetigen: .*AGS ${ags}.*bestätigen Sie das bitte`));
  assert.match(refused.body, /name="bestaetigen"/, "the confirmation box is offered");
  assert.match(refused.body, /Datei oben bitte noch einmal aus/, "and the page says to choose the file again");
  assert.equal((await store().procedures(usingen)).length, before, "nothing was created");

  const ticketOnly = await upload(`${B}/xplan`, { bestaetigen: "1" }, []);
  see(ticketOnly, 422, "box ticked but no file chosen again");
  assert.deepEqual(errorsOf(ticketOnly.body), ["xplan: Bitte wählen Sie eine XPlanGML-Datei."]);
  assert.match(ticketOnly.body, /id="bestaetigen"[^>]*checked/, "the tick is kept");

  const created = await importFile("wustermark.gml", file, true);
  see(created, 303, "confirmed import");
  const id = procedureIdFrom(created);
  const row = (await store().procedure(usingen, id))!;
  assert.equal(row.name, name);
  assert.equal(row.state, "entwurf");
  assert.equal(JSON.parse(row.scope_geojson!).type, "MultiPolygon");
  const docs = await store().documents(usingen, id);
  assert.deepEqual(docs.map((d) => d.url), [url.replace(/&amp;/g, "&")]);

  const shown = await get(location(created));
  see(shown, 200, "procedure page after import");
  assert.ok(shown.body.includes(name.replace(/"/g, "&quot;")), "the plan's name");
  assert.match(shown.body, /aus der XPlanGML-Datei übernommen/);
  assert.match(shown.body, /<dd class="kern-description-list-item__value">5\.3<\/dd>/, "the XPlanung version");
  assert.match(shown.body, /Aufstellungsbeschluss \(Code 1000\)/, "the legal state with its label");
  assert.match(shown.body, new RegExp(`AGS ${ags}`), "the municipality of the file");
  assert.match(shown.body, /Ausfertigung<\/th><td class="kern-table__cell">14\.03\.2001/, "the dates of the plan");
  assert.ok(shown.body.includes(`href="${url}"`), "the linked document");
  assert.match(shown.body, /<figure class="scope-map"[^>]*><svg [^>]*role="img"/, "the outline is drawn");
  assert.match(shown.body, /<path d="M[\d.,]+L/, "with the plan's polygon");
});

test("XPlanGML: the Hamburg 6.0 sample after confirmation; SAGis, a cut file and a PDF are refused with the problem and the line", async (c) => {
  if (!existsSync(SAMPLES)) return c.skip(SKIP);
  const hamburg = sample("bp_6-0_hamburg_test.gml");
  const hamburgName = /<xplan:name>([^<]+)<\/xplan:name>/.exec(hamburg.toString("utf8"))![1]!;
  see(await importFile("hamburg.gml", hamburg), 422, "Hamburg is not Usingen");
  const created = await importFile("hamburg.gml", hamburg, true);
  see(created, 303, "Hamburg confirmed");
  const row = (await store().procedure(usingen, procedureIdFrom(created)))!;
  assert.equal(row.name, hamburgName);
  assert.equal(JSON.parse(row.xplan_json!).version, "6.0");
  const shown = await get(location(created));
  assert.match(shown.body, /Der Plan hat keine eigene Nummer/, "the importer's warning is shown");
  const before = (await store().procedures(usingen)).length;

  const sagis = sample("bp_5-3_sagis.gml");
  const sagisLine = sagis.toString("utf8").split("\n").findIndex((l) => l.includes("3479367.656")) + 1;
  const sagisRes = await importFile("sagis.gml", sagis, true);
  see(sagisRes, 422, "SAGis: coordinates that fit no zone");
  assert.match(errorsOf(sagisRes.body).join(), new RegExp(`^xplan: .*Zeile ${sagisLine}\\b.*Rechtswert 3479367\\.656`));

  const wustermark = sample("bp_5-3_wustermark.gml");
  const cut = wustermark.subarray(0, Math.floor(wustermark.length / 2));
  const cutRes = await importFile("abgeschnitten.gml", cut, true);
  see(cutRes, 422, "a file cut in the middle");
  const cutMessage = errorsOf(cutRes.body).join();
  const line = Number(/^xplan: .*Zeile (\d+)/.exec(cutMessage)?.[1]);
  assert.ok(line >= 1 && line <= cut.toString("utf8").split("\n").length, `the message names a line of the file: ${cutMessage}`);
  assert.match(cutMessage, /wird nicht geschlossen/);

  const pdfRes = await importFile("plan.gml", pdf.data, true);
  see(pdfRes, 422, "a PDF renamed .gml");
  assert.match(errorsOf(pdfRes.body).join(), /^xplan: .*PDF-Dokument, keine XPlanGML-Datei/);
  const none = await importFile("leer.gml", Buffer.alloc(0));
  see(none, 422, "no file");
  assert.equal((await store().procedures(usingen)).length, before, "no refused file left a procedure behind");
});

test("documents, agencies and a §3(2) phase: the deadline hint, one day too short, the confirmation with the announcement, published and mailed; cancel only before the start", async () => {
  const created = await post(`${B}/neu`, { planart: "bebauungsplan", name: "Schleichenbach Süd", nummer: "7" });
  const id = procedureIdFrom(created);
  const P = `${B}/${id}`;

  // agencies
  const badAgency = await post(`${B}/behoerden`, { name: "Kreisausschuss", email: "kein-postfach", kontakt: "" });
  see(badAgency, 422, "agency with a broken address");
  assert.deepEqual(errorsOf(badAgency.body), ["email: Bitte geben Sie eine gültige E-Mail-Adresse an."]);
  assert.match(badAgency.body, /value="Kreisausschuss"/, "the name is kept");
  see(await post(`${B}/behoerden`, { name: "Test-Kreisausschuss", email: "bauleitplanung@kreis.example", kontakt: "Frau Weber" }), 303, "agency 1");
  see(await post(`${B}/behoerden`, { name: "Test-Regierungspräsidium", email: "rpda@rp.example", kontakt: "" }), 303, "agency 2");
  see(await post(`${B}/behoerden`, { name: "Test-Zweckverband", email: "alt@zv.example", kontakt: "" }), 303, "agency 3");
  const agencies = await store().agencies(usingen);
  const [kreis, alt, rp] = ["bauleitplanung@kreis.example", "alt@zv.example", "rpda@rp.example"].map((email) => agencies.find((a) => a.email === email)!) as [AgencyRow, AgencyRow, AgencyRow];
  see(await post(`${B}/behoerden/${alt.id}/aktiv`, { aktiv: "0" }), 303, "deactivate");
  assert.equal((await store().agency(usingen, alt.id))!.active, 0);

  // the deadline hint, before any document
  const start = addDays(participation(t.ctx).service.today(), 4);
  const min = minimumLastDay("foermlich", start)!;
  const formPage = await get(`${P}/phasen/neu`);
  see(formPage, 200, "phase form");
  assert.match(formPage.body, new RegExp(`id="behoerde-${kreis.id}"[^>]*checked`), "active agencies are preselected");
  assert.ok(!formPage.body.includes(alt.id), "a deactivated agency is not offered");
  const base = { stufe: "foermlich", oeffentlichkeit: "1", behoerden: "1", beginn: germanDate(start), ort: "Rathaus Usingen, Zimmer 12", behoerde: [kreis.id] };
  const hint = await post(`${P}/phasen/neu`, { ...base, ende: "", _aktion: "frist" });
  see(hint, 200, "Frist berechnen");
  assert.ok(hint.body.includes(`früheste zulässige letzte Tag der ${germanDate(min)}`), "the earliest last day is shown");

  const noDocs = await post(`${P}/phasen/neu`, { ...base, ende: germanDate(min), _aktion: "pruefen" });
  see(noDocs, 422, "no documents yet");
  assert.match(errorsOf(noDocs.body).join(), /^beteiligung: Bitte stellen Sie zuerst die Unterlagen/);

  // documents: a PDF, a link, an executable disguised as PDF
  see(await upload(`${P}/dokumente`, { art: "planzeichnung", titel: "Planzeichnung", url: "" }, [{ field: "datei", ...pdf, type: "application/pdf" }]), 303, "PDF upload");
  see(await upload(`${P}/dokumente`, { art: "begruendung", titel: "Begründung", url: "https://usingen.example/begruendung.pdf" }, []), 303, "link");
  const exe = await upload(`${P}/dokumente`, { art: "gutachten", titel: "Lärmgutachten", url: "" }, [{ field: "datei", name: "gutachten.pdf", type: "application/pdf", data: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 0x90)]) }]);
  see(exe, 422, "an executable named .pdf");
  assert.match(errorsOf(exe.body).join(), /^datei: .*keine PDF-Datei/);
  assert.match(exe.body, /value="Lärmgutachten"/, "the title is kept");
  const docs = await store().documents(usingen, id);
  assert.deepEqual(docs.map((d) => d.title), ["Planzeichnung", "Begründung"]);
  const download = await get(`${P}/dokumente/${docs[0]!.id}`);
  see(download, 200, "staff download");
  assert.ok(download.rawPayload.equals(pdf.data), "the stored PDF");

  // one day too short → 422 naming the earliest last day; the input is kept
  const short = await post(`${P}/phasen/neu`, { ...base, ende: germanDate(addDays(min, -1)), _aktion: "pruefen" });
  see(short, 422, "one day too short");
  assert.ok(errorsOf(short.body).some((e) => e.startsWith("ende: ") && e.includes(germanDate(min))), errorsOf(short.body).join());
  assert.match(short.body, /value="Rathaus Usingen, Zimmer 12"/, "the place is kept");
  assert.equal((await store().phases(usingen, id)).length, 0);

  // the confirmation shows the announcement; nothing is published yet
  const fields = { ...base, ende: germanDate(min) };
  const confirm = await post(`${P}/phasen/neu`, { ...fields, _aktion: "pruefen" });
  see(confirm, 200, "confirmation");
  assert.match(confirm.body, /Nicht fristgerecht abgegebene Stellungnahmen können bei der Beschlussfassung/);
  assert.ok(confirm.body.includes(`vom ${germanDate(start)} bis einschließlich ${germanDate(min)}`));
  assert.match(confirm.body, /Zusätzlich liegen sie in dieser Zeit öffentlich aus: Rathaus Usingen, Zimmer 12/);
  assert.match(confirm.body, /Eingeladen werden<\/dt><dd class="kern-description-list-item__value">Test-Kreisausschuss</);
  assert.equal((await store().phases(usingen, id)).length, 0, "not before the confirmation");

  const mailsBefore = new Set((await t.ctx.mail.list({ tenantId: usingen, limit: 1000 })).map((m) => m.id));
  const published = await post(`${P}/phasen/neu`, { ...fields, _aktion: "veroeffentlichen" });
  see(published, 303, "publish");
  assert.equal(location(published), `${P}?hinweis=geplant`);
  const [phase] = await store().phases(usingen, id);
  assert.ok(phase, "the phase exists");
  assert.deepEqual([phase.stage, phase.start_date, phase.end_date, phase.public_participation, phase.agency_participation], ["foermlich", start, min, 1, 1]);
  assert.equal((await store().procedure(usingen, id))!.state, "laufend", "the procedure became public");
  const announcements = await get(`/usingen/bekanntmachungen`, null);
  assert.match(announcements.body, /Bekanntmachung: Förmliche Beteiligung[^<]*Schleichenbach Süd/, "the announcement is in the public list");
  const mails = (await t.ctx.mail.list({ tenantId: usingen, limit: 1000 })).filter((m) => !mailsBefore.has(m.id));
  assert.deepEqual(mails.map((m) => m.to), ["bauleitplanung@kreis.example"], "only the chosen agency was invited");
  assert.match(mails[0]!.text, /\/usingen\/beteiligung\/toeb\/[A-Za-z0-9_-]{20,}/, "with its personal link");

  // invite one more; the page shows the invitations
  const known = new Set((await t.ctx.mail.list({ tenantId: usingen, limit: 1000 })).map((m) => m.id));
  see(await post(`${P}/phasen/${phase.id}/einladen`, { [`einladen-${phase.id}`]: rp.id }), 303, "invite another agency");
  assert.deepEqual((await t.ctx.mail.list({ tenantId: usingen, limit: 1000 })).filter((m) => !known.has(m.id)).map((m) => m.to), ["rpda@rp.example"]);
  const again = await post(`${P}/phasen/${phase.id}/einladen`, { [`einladen-${phase.id}`]: rp.id });
  see(again, 422, "invited twice");
  assert.deepEqual(errorsOf(again.body), [`einladen-${phase.id}: Diese Behörde ist bereits eingeladen.`]);
  const shown = await get(P);
  assert.match(shown.body, /Eingeladene Träger öffentlicher Belange \(2\)/);
  assert.match(shown.body, /geplant \(beginnt am /);

  // an overlapping second phase is refused at the form
  const overlap = await post(`${P}/phasen/neu`, { ...fields, _aktion: "veroeffentlichen" });
  see(overlap, 422, "overlapping phase");
  assert.match(errorsOf(overlap.body).join(), /^beginn: In diesem Zeitraum läuft bereits eine Beteiligung/);

  // cancel before the start
  see(await get(`${P}/phasen/${phase.id}/absagen`), 200, "cancel confirmation");
  see(await post(`${P}/phasen/${phase.id}/absagen`, {}), 303, "cancel");
  assert.ok((await store().phase(usingen, phase.id))!.cancelled_at, "cancelled");

  // a new phase (only the public), then the clock passes its start: cancelling is refused
  const next = await post(`${P}/phasen/neu`, { ...fields, behoerden: [], behoerde: [], _aktion: "veroeffentlichen" });
  see(next, 303, "second phase");
  const second = (await store().phases(usingen, id)).find((ph) => !ph.cancelled_at)!;
  const now = t.clock.now();
  try {
    t.clock.set(berlinToInstant(start, 0, 1));
    const later = await loginStaff(t.app, PLANNER.email, PLANNER.password); // days later: a new session
    const late = await post(`${P}/phasen/${second.id}/absagen`, {}, later);
    see(late, 422, "cancel after the start");
    assert.match(late.body, /Nur eine Beteiligung, die noch nicht begonnen hat, kann abgesagt werden/);
    assert.equal((await store().phase(usingen, second.id))!.cancelled_at, null);
    assert.match((await get(B, later)).body, /Förmliche Beteiligung[^<]*: läuft bis /, "the overview shows the running phase");
  } finally {
    t.clock.set(now);
  }
});

test("state changes behind a confirmation; map settings with errors at the fields", async () => {
  const id = procedureIdFrom(await post(`${B}/neu`, { planart: "flaechennutzungsplan", name: "Änderung Gewerbe Ost" }));
  const P = `${B}/${id}`;
  const ask = await get(`${P}/stand/veroeffentlichen`);
  see(ask, 200, "confirmation page");
  assert.match(ask.body, /Eine Beteiligung beginnt damit noch nicht/);
  assert.equal((await store().procedure(usingen, id))!.state, "entwurf", "asking changes nothing");
  see(await post(`${P}/stand/veroeffentlichen`, {}), 303, "publish");
  assert.equal((await store().procedure(usingen, id))!.state, "laufend");
  const twice = await post(`${P}/stand/veroeffentlichen`, {});
  see(twice, 409, "publishing twice");
  assert.match(errorsOf(twice.body).join(), /^aktionen: Dieser Schritt ist im aktuellen Stand/);
  see(await post(`${P}/stand/abschliessen`, {}), 303, "close");
  assert.equal((await store().procedure(usingen, id))!.state, "abgeschlossen");
  see(await get(`${P}/stand/loeschen`), 404, "unknown target");

  const bad = await post(`${B}/karte`, { kacheln: "http://tiles.example/{z}/{x}/{y}.png", quelle: "" });
  see(bad, 422, "tile server without https");
  assert.match(errorsOf(bad.body).join(), /^kacheln: /);
  assert.match(bad.body, /value="http:\/\/tiles\.example\/\{z\}\/\{x\}\/\{y\}\.png"/, "the input is kept");
  see(await post(`${B}/karte`, { kacheln: "https://tiles.example/{z}/{x}/{y}.png", quelle: "© GeoBasis-DE / BKG" }), 303, "save");
  assert.deepEqual(await store().settings(usingen), { tileUrlTemplate: "https://tiles.example/{z}/{x}/{y}.png", tileAttribution: "© GeoBasis-DE / BKG" });
  const page = await get(`${B}/karte`);
  assert.match(page.body, /Keine Anfrage verlässt den Server der Kommune/);
});
