import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { ManualClock } from "../../platform/clock.js";
import type { LocalDiskStorage } from "../../platform/storage/storage.js";
import { sha256 } from "../../platform/ids.js";
import { startListeningApp, type ListeningTestApp } from "../../test-support/listening-app.js";
import { loginCitizen, cookieOf } from "../../test-support/citizen-login.js";
import { csrfFrom } from "../../test-support/app.js";
import { SAMPLE_FILES, multipart, errorsOf } from "../../test-support/applications.js";
import { closePhase, decidePaper, openPhase, parliamentOf, participationFixture, type ParticipationFixture } from "../../test-support/participation.js";
import { identityService } from "../identity/index.js";
import { participation } from "./index.js";

/*
 * The public side of participation over HTTP, on the real app (SQLite and PostgreSQL) with a
 * manual clock: lists and procedure pages (cached, changing exactly at a phase's boundaries),
 * documents, the statement form (anonymous, Servicekonto, agencies), receipts, results after the
 * council's decision, "Meine Stellungnahmen". A listening app because the citizen logs in through
 * the embedded test IdP over HTTP.
 */

let t: ListeningTestApp;
let clock: ManualClock;
let usingenId: string;
/** A: the procedure for lists, pages and the phase boundaries (its phase ends in test 4). */
let A: ParticipationFixture;
/** B: the procedure that takes statements (tests 5–11). */
let B: ParticipationFixture;

const PDF = { field: "anlagen", name: "Stellungnahme-Anlage.pdf", type: "application/pdf", data: SAMPLE_FILES["application/pdf"]!.data };
const PNG = { field: "anlagen", name: "Foto vom Bach.png", type: "image/png", data: SAMPLE_FILES["image/png"]!.data };
// a Windows executable ("MZ" header) disguised as a PDF
const EXE = { field: "anlagen", name: "Lageplan.pdf", type: "application/pdf", data: Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "latin1"), Buffer.alloc(200, 0x41)]) };

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
const post = (url: string, fields: Record<string, unknown>, files: { field: string; name: string; type: string; data: Buffer }[] = [], headers: Record<string, string> = {}) => {
  const m = multipart(fields, files);
  return t.app.inject({ method: "POST", url, headers: { ...m.headers, ...headers }, payload: m.payload });
};
const proc = (f: ParticipationFixture) => `/${f.slug}/beteiligung/${f.procedure.id}`;
const formUrl = (f: ParticipationFixture) => `${proc(f)}/stellungnahme`;
const phaseField = (html: string) => /name="phase" value="([^"]+)"/.exec(html)![1]!;
const statementsOf = (procedureId: string) => t.ctx.db.kysely.selectFrom("participation_statements").selectAll().where("procedure_id", "=", procedureId).execute();
const mailsTo = (address: string) => t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("to_address", "=", address).orderBy("created_at").orderBy("id").execute();
const hasButton = (html: string) => html.includes(">Stellungnahme abgeben</span></a>");

/** A procedure's entry in the list of running procedures (the demo data has others). */
function entryOf(html: string, procedureId: string): string {
  const running = html.slice(html.indexOf('id="laufend"'), html.indexOf('id="abgeschlossen"'));
  const entry = running.split("<li><h3").find((chunk) => chunk.includes(`href="/usingen/beteiligung/${procedureId}"`));
  assert.ok(entry, `procedure ${procedureId} among the running ones`);
  return entry!;
}

/** Files stored for statements of the town (attachments), counted on disk. */
function storedStatementFiles(): number {
  const dir = join((t.ctx.storage as LocalDiskStorage).root, "participation", usingenId, "statements");
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

function assertPersonal(res: LightMyRequestResponse, label: string): void {
  assert.equal(res.headers["x-robots-tag"], "noindex", `${label}: noindex`);
  assert.equal(res.headers["referrer-policy"], "same-origin", `${label}: the link never leaves our site in a Referer`);
  assert.match(String(res.headers["cache-control"]), /no-store/, `${label}: not cached`);
}

/** The agency's personal link (from its invitation mail) for a fixture's phase. */
async function agencyToken(f: ParticipationFixture): Promise<string> {
  const p = participation(t.ctx);
  for (const m of await mailsTo("toeb.rp@behoerde.example")) {
    const token = /\/beteiligung\/toeb\/([A-Za-z0-9_-]+)/.exec(m.body_text)?.[1];
    if (!token) continue;
    const found = await p.service.invitationByToken(f.tenantId, token);
    if (found?.phase.id === f.phase.id && found.agency.id === f.agencyId) return token;
  }
  throw new Error("no invitation mail for this phase");
}

before(async () => {
  t = await startListeningApp();
  clock = t.ctx.clock as ManualClock;
  await t.app.inject({ url: "/" }); // the municipality directory loads with the first request
  usingenId = t.ctx.tenants.bySlug("usingen")!.id;
  A = await participationFixture(t.ctx);
});
after(() => t.close());

test("the list shows public procedures only; drafts, dropped drafts, other towns' and unknown ids answer 404", async () => {
  const p = participation(t.ctx);
  const actor = { id: A.plannerId };
  const draft = await p.service.createProcedure(usingenId, { planType: "bebauungsplan", name: "Geheimer Entwurf", number: "77" }, actor);
  await p.service.addDocument(usingenId, draft.id, { kind: "planzeichnung", title: "Entwurfsskizze", file: { fileName: "skizze.pdf", data: SAMPLE_FILES["application/pdf"]!.data } }, actor);
  const dropped = await p.service.createProcedure(usingenId, { planType: "aenderung", name: "Verworfene Idee" }, actor);
  await p.service.setProcedureState(usingenId, dropped.id, "eingestellt", actor);
  const done = await p.service.createProcedure(usingenId, { planType: "flaechennutzungsplan", name: "Alte Mitte", number: "3" }, actor);
  await p.service.setProcedureState(usingenId, done.id, "laufend", actor);
  await p.service.setProcedureState(usingenId, done.id, "abgeschlossen", actor);

  const list = await get("/usingen/beteiligung/");
  assert.equal(list.statusCode, 200);
  const past = list.body.slice(list.body.indexOf('id="abgeschlossen"'));
  const running = entryOf(list.body, A.procedure.id);
  assert.ok(running.includes("Am Mühlbach"), "the running procedure with its coming phase");
  assert.match(running, /Förmliche Beteiligung[^<]*\(Öffentlichkeit und Träger öffentlicher Belange\), \d\d\.\d\d\.\d{4} bis \d\d\.\d\d\.\d{4}: <strong>beginnt am \d\d\.\d\d\.\d{4}<\/strong>/);
  assert.ok(past.includes("Alte Mitte") && past.includes(`/usingen/beteiligung/${done.id}`), "the finished one under past procedures");
  assert.ok(!list.body.includes("Geheimer Entwurf") && !list.body.includes("Verworfene Idee"), "drafts never appear");
  assert.equal((await get("/usingen/beteiligung")).statusCode, 301);

  for (const [url, label] of [
    [`/usingen/beteiligung/${draft.id}`, "draft"],
    [`/usingen/beteiligung/${dropped.id}`, "dropped draft"],
    [`/neu-anspach/beteiligung/${A.procedure.id}`, "Usingen's procedure under Neu-Anspach"],
    ["/usingen/beteiligung/0190a1b2-0000-7000-8000-000000000000", "unknown id"],
    ["/usingen/beteiligung/nicht-da", "not an id"],
    [`/usingen/beteiligung/${draft.id}/stellungnahme`, "draft's form"],
  ]) {
    const res = await get(url!);
    assert.equal(res.statusCode, 404, label);
    assert.ok(!res.body.includes("Geheimer Entwurf"), `${label}: nothing of the draft`);
  }
  const draftDoc = (await p.service.store.documents(usingenId, draft.id))[0]!;
  assert.equal((await get(`/usingen/beteiligung/${draft.id}/dokumente/${draftDoc.id}`)).statusCode, 404, "a draft's document");
  const na = await get("/neu-anspach/beteiligung/");
  assert.equal(na.statusCode, 200);
  assert.ok(!na.body.includes("Am Mühlbach"), "another town's list does not show Usingen's procedures");
});

test("the procedure page: plan, timeline, announcement, documents as downloads, the scope as an SVG — and no request leaves our host", async () => {
  const res = await get(proc(A));
  assert.equal(res.statusCode, 200);
  const html = res.body;
  assert.match(html, /<h1 class="kern-heading-large">Bebauungsplan Nr\. 42 „Am Mühlbach“<\/h1>/);
  assert.ok(html.includes("zwischen Mühlweg und Usa") && html.includes("Wohnen am Ortsrand."));
  assert.match(html, /<ol class="phase-timeline">[\s\S]*Förmliche Beteiligung[\s\S]*nach § 3 Abs\. 2 BauGB und § 4 Abs\. 2 BauGB[\s\S]*beginnt am \d\d\.\d\d\.\d{4}/);
  assert.ok(html.includes('id="bekanntmachung"') && html.includes("unberücksichtigt bleiben (§ 4a Abs. 5 BauGB)"), "the announcement of the coming phase");
  const docHref = `${proc(A)}/dokumente/${A.documentId}`;
  assert.match(html, new RegExp(`<a class="kern-link" href="${docHref}"[^>]*>Begründung</a> <span[^>]*>\\(Begründung, PDF, [\\d,]+ KB\\)`));
  assert.ok(!hasButton(html), "no form before the phase opens");
  // the scope area
  assert.match(html, /<svg viewBox="0 0 [\d.]+ [\d.]+"[^>]*role="img"/);
  assert.match(html, /<desc id="geltungsbereich-karte-beschreibung">Umriss des Geltungsbereichs, etwa \d+ m × \d+ m, Mittelpunkt 50,33\d\d° N, 8,53\d\d° O<\/desc>/);
  assert.match(html, /<figcaption[^>]*>Umriss des Geltungsbereichs, etwa/);
  // nothing loaded from elsewhere: no absolute URL in src/href/action, the default CSP
  assert.ok(!/(?:src|href|action)="(?:https?:)?\/\//.test(html), "no absolute external URL in the page");
  assert.ok(!html.includes("<image"), "no tiles without a tile server");
  assert.match(String(res.headers["content-security-policy"]), /img-src 'self' data:;/);

  const doc = await get(docHref);
  assert.equal(doc.statusCode, 200);
  assert.equal(doc.headers["content-type"], "application/pdf");
  assert.match(String(doc.headers["content-disposition"]), /filename="Begruendung\.pdf"/);
  assert.ok(doc.rawPayload.subarray(0, 5).equals(Buffer.from("%PDF-")));
  assert.equal((await get(docHref, { "if-none-match": String(doc.headers.etag) })).statusCode, 304);
  const other = (await participation(t.ctx).service.store.procedures(usingenId, ["abgeschlossen"]))[0]!;
  assert.equal((await get(`/usingen/beteiligung/${other.id}/dokumente/${A.documentId}`)).statusCode, 404, "a document through another procedure");
  assert.equal((await get(`/neu-anspach/beteiligung/${A.procedure.id}/dokumente/${A.documentId}`)).statusCode, 404, "through another town");
});

test("a configured tile server: tiles under the outline, its host allowed for that page's images only", async () => {
  const p = participation(t.ctx);
  const before = await get(proc(A));
  assert.ok(!before.body.includes("<image"));
  await p.service.saveMapSettings(usingenId, "https://kacheln.example.net/wmts/{z}/{x}/{y}.png", "© GeoBasis-DE / BKG 2031", { id: A.plannerId });
  try {
    const res = await get(proc(A));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<image href="https:\/\/kacheln\.example\.net\/wmts\/\d+\/\d+\/\d+\.png"/, "the cached page was renewed with the tiles");
    assert.ok(res.body.includes("Kartengrundlage: © GeoBasis-DE / BKG 2031"));
    const csp = String(res.headers["content-security-policy"]);
    assert.match(csp, /img-src 'self' data: https:\/\/kacheln\.example\.net;/);
    assert.match(csp, /default-src 'self'/, "the rest of the policy stays");
    const again = await get(proc(A));
    assert.match(String(again.headers["content-security-policy"]), /kacheln\.example\.net/, "also when served from the cache");
    const list = await get("/usingen/beteiligung/");
    assert.ok(!String(list.headers["content-security-policy"]).includes("kacheln"), "other pages keep the strict policy");
    const na = await get("/neu-anspach/beteiligung/");
    assert.ok(!String(na.headers["content-security-policy"]).includes("kacheln"));
  } finally {
    await p.service.saveMapSettings(usingenId, "", "", { id: A.plannerId });
  }
  const after = await get(proc(A));
  assert.ok(!after.body.includes("<image") && !String(after.headers["content-security-policy"]).includes("kacheln"), "removed again");
});

test("'Stellungnahme abgeben' appears when the clock passes the start and disappears at 24:00 of the last day — cached pages included", async () => {
  const opens = Date.parse(A.phase.opens_at);
  const closes = Date.parse(A.phase.closes_at);
  // closes at midnight Berlin after the last day
  assert.match(new Date(closes).toLocaleString("de-DE", { timeZone: "Europe/Berlin" }), /, 00:00:00$/);

  clock.set(new Date(opens - 1000));
  const early = await get(proc(A));
  assert.ok(!hasButton(early.body) && early.body.includes("beginnt am"));
  const etag = String(early.headers.etag);
  assert.equal((await get(proc(A), { "if-none-match": etag })).statusCode, 304, "the cached page is served until the start");
  const earlyList = await get("/usingen/beteiligung/");
  assert.ok(entryOf(earlyList.body, A.procedure.id).includes("beginnt am"));

  clock.set(new Date(opens));
  const open = await get(proc(A), { "if-none-match": etag });
  assert.equal(open.statusCode, 200, "a new page at the start");
  assert.ok(hasButton(open.body), "the button at the start");
  assert.ok(open.body.includes(`href="${formUrl(A)}"`));
  assert.match(open.body, /läuft bis \d\d\.\d\d\.\d{4}, 24:00 Uhr/);
  assert.match(entryOf((await get("/usingen/beteiligung/")).body, A.procedure.id), /läuft bis [^<]*<\/strong> – Stellungnahmen sind jetzt möglich/);
  assert.equal((await get(formUrl(A))).statusCode, 200);

  clock.set(new Date(closes - 2000));
  const last = await get(proc(A));
  assert.ok(hasButton(last.body));
  clock.set(new Date(closes - 1));
  assert.equal((await get(proc(A), { "if-none-match": String(last.headers.etag) })).statusCode, 304, "still the same page a millisecond before midnight");
  const lastList = await get("/usingen/beteiligung/");
  assert.match(entryOf(lastList.body, A.procedure.id), /läuft bis/);

  clock.set(new Date(closes));
  const closed = await get(proc(A), { "if-none-match": String(last.headers.etag) });
  assert.equal(closed.statusCode, 200, "a new page at 24:00");
  assert.ok(!hasButton(closed.body), "no button after the end");
  assert.match(closed.body, /label="beendet"|>beendet</);
  const closedList = await get("/usingen/beteiligung/");
  const closedEntry = entryOf(closedList.body, A.procedure.id);
  assert.ok(!/läuft bis/.test(closedEntry) && closedEntry.includes("Derzeit keine Beteiligung"), "the list changed too");
  const form = await get(formUrl(A));
  assert.equal(form.statusCode, 200);
  assert.ok(!form.body.includes('name="text"') && !form.body.includes('enctype="multipart/form-data"'), "no form after the end");
  assert.ok(form.body.includes("Die Frist für Stellungnahmen ist am") && form.body.includes("um 24:00 Uhr abgelaufen"));
});

test("an anonymous statement with a PDF and a PNG: stored, receipt after PRG, receipt not reachable by guessing", async () => {
  B = await participationFixture(t.ctx);
  openPhase(clock, B.phase);
  const page = await get(formUrl(B));
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers["cache-control"]), /no-store/, "the form page is not cached");
  assert.ok(!page.headers["set-cookie"], "no cookie for an anonymous visitor");
  assert.match(page.body, /<form method="post" action="[^"]+\/stellungnahme" enctype="multipart\/form-data"[^>]*><input type="hidden" name="_csrf"/, "the token is the first field");
  assert.match(page.body, /data-pick-input="ort_geojson"/);
  assert.match(page.body, /<script src="\/static\/participation-map\.js\?v=\d+" defer><\/script>/);
  assert.ok(page.body.includes("Mit Servicekonto anmelden") || page.body.includes("melden Sie sich mit Ihrem Servicekonto an"), "the Servicekonto offered");
  assert.match(page.body, /für die Eingangsbestätigung und die Mitteilung des Ergebnisses/i);

  const fields = {
    _csrf: csrfFrom(page.body),
    phase: phaseField(page.body),
    text: "Der Bach braucht einen breiteren Uferstreifen.\n\nBitte prüfen Sie den Hochwasserschutz.",
    name: "Hanna Beispiel",
    email: "hanna.beispiel@example.org",
    dokument: B.documentId,
    seite: "3",
    ort: "Mühlweg 5",
    ort_geojson: JSON.stringify({ type: "Point", coordinates: [8.536, 50.334] }),
    einwilligung: "ja",
  };
  const res = await post(formUrl(B), fields, [PDF, PNG]);
  assert.equal(res.statusCode, 303, res.body);
  const location = String(res.headers.location);
  const m = /^\/usingen\/beteiligung\/eingang\/([0-9a-f-]{36})\?nachweis=([^&]+)$/.exec(location);
  assert.ok(m, location);
  const statementId = m![1]!;
  const s = (await statementsOf(B.procedure.id)).find((x) => x.id === statementId)!;
  assert.equal(s.text, fields.text);
  assert.equal(s.account_id, null);
  assert.equal(s.source, "oeffentlichkeit");
  assert.equal(s.document_id, B.documentId);
  assert.equal(s.location_text, "Mühlweg 5");
  assert.deepEqual(JSON.parse(s.location_geojson!), { type: "Point", coordinates: [8.536, 50.334] });
  const atts = await participation(t.ctx).service.store.attachments(usingenId, statementId);
  assert.deepEqual(atts.map((a) => a.mime_type).sort(), ["application/pdf", "image/png"]);
  assert.deepEqual(atts.map((a) => a.file_name).sort(), ["Foto vom Bach.png", "Stellungnahme-Anlage.pdf"]);
  assert.ok((await mailsTo(fields.email)).some((x) => x.reference === s.reference), "the confirmation mail");

  const receipt = await get(location);
  assert.equal(receipt.statusCode, 200);
  assertPersonal(receipt, "receipt");
  assert.ok(receipt.body.includes(s.reference) && receipt.body.includes("Bebauungsplan Nr. 42 „Am Mühlbach“") && receipt.body.includes("2 Dateien"));
  assert.ok(receipt.body.includes("Wie es weitergeht"));

  // a second statement, by someone else
  const page2 = await get(formUrl(B));
  const res2 = await post(formUrl(B), { _csrf: csrfFrom(page2.body), phase: phaseField(page2.body), text: "Zweite Stellungnahme: mehr Parkplätze.", einwilligung: "ja" });
  assert.equal(res2.statusCode, 303);
  const other = /eingang\/([0-9a-f-]{36})\?nachweis=([^&]+)$/.exec(String(res2.headers.location))!;
  const otherRef = (await statementsOf(B.procedure.id)).find((x) => x.id === other[1])!.reference;
  const signature = decodeURIComponent(m![2]!);
  for (const [url, label] of [
    [`/usingen/beteiligung/eingang/${other[1]}`, "a bare statement id"],
    [`/usingen/beteiligung/eingang/${other[1]}?nachweis=${encodeURIComponent(signature)}`, "another statement's id with my value"],
    [`/usingen/beteiligung/eingang/${statementId}?nachweis=${encodeURIComponent(signature.replace(/.$/, (c) => (c === "A" ? "B" : "A")))}`, "a tampered value"],
    [`/neu-anspach/beteiligung/eingang/${statementId}?nachweis=${encodeURIComponent(signature)}`, "another town"],
  ]) {
    const r = await get(url!);
    assert.equal(r.statusCode, 404, label);
    assert.ok(!r.body.includes(otherRef) && !r.body.includes(s.reference), `${label}: no reference shown`);
  }
  clock.advance(25 * 3600 * 1000);
  const expired = await get(location);
  assert.equal(expired.statusCode, 404, "the receipt link is short-lived");
  assert.ok(!expired.body.includes(s.reference));
});

test("an executable renamed to .pdf is refused at the field, the rest of the input kept, nothing stored", async () => {
  const page = await get(formUrl(B));
  const beforeRows = (await statementsOf(B.procedure.id)).length;
  const beforeFiles = storedStatementFiles();
  const text = "Meine Einwände <b>fett</b> & wichtig:\nDer Weg muss bleiben.";
  const res = await post(formUrl(B), { _csrf: csrfFrom(page.body), phase: phaseField(page.body), text, ort: "Am Steg", seite: "7", email: "x@example.org", einwilligung: "ja" }, [PNG, EXE]);
  assert.equal(res.statusCode, 422);
  const errors = errorsOf(res.body);
  assert.equal(errors.length, 1, errors.join(" | "));
  assert.match(errors[0]!, /^anlagen: Lageplan\.pdf ist keine PDF-, PNG- oder JPEG-Datei/);
  assert.match(res.body, /<p class="kern-error" id="anlagen-fehler" role="alert">[\s\S]*?Lageplan\.pdf ist keine PDF-, PNG- oder JPEG-Datei[\s\S]*?Bitte wählen Sie die Dateien, die Sie senden möchten, erneut aus\./);
  assert.ok(res.body.includes("Meine Einwände &lt;b&gt;fett&lt;/b&gt; &amp; wichtig:\nDer Weg muss bleiben.</textarea>"), "the text is kept (escaped)");
  assert.match(res.body, /name="ort" type="text" value="Am Steg"/);
  assert.match(res.body, /name="seite" type="text" value="7"/);
  assert.match(res.body, /id="einwilligung" name="einwilligung" value="ja" checked/);
  assert.equal((await statementsOf(B.procedure.id)).length, beforeRows, "no statement");
  assert.equal(storedStatementFiles(), beforeFiles, "no file stored, not even the good PNG");
  // all problems at once
  const res2 = await post(formUrl(B), { _csrf: csrfFrom(page.body), phase: phaseField(page.body), text: "", email: "keine-adresse" }, []);
  assert.equal(res2.statusCode, 422);
  assert.deepEqual(errorsOf(res2.body).map((e) => e.split(":")[0]).sort(), ["einwilligung", "email", "text"]);
});

test("a statement without the CSRF token, with a forged one or from another site is refused with 403 and nothing stored", async () => {
  const page = await get(formUrl(B));
  const beforeRows = (await statementsOf(B.procedure.id)).length;
  const fields = { phase: phaseField(page.body), text: "Untergeschoben", einwilligung: "ja" };
  const missing = await post(formUrl(B), fields, [PDF]);
  assert.equal(missing.statusCode, 403);
  const forged = await post(formUrl(B), { _csrf: `a.${Date.now().toString(36)}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, ...fields }, [PDF]);
  assert.equal(forged.statusCode, 403);
  const otherForm = await post(formUrl(A), { _csrf: csrfFrom(page.body), ...fields }, [PDF]);
  assert.equal(otherForm.statusCode, 403, "a token for another form");
  const crossSite = await post(formUrl(B), { _csrf: csrfFrom(page.body), ...fields }, [PDF], { "sec-fetch-site": "cross-site" });
  assert.equal(crossSite.statusCode, 403);
  assert.equal((await statementsOf(B.procedure.id)).length, beforeRows);
});

test("an agency's personal link: its page, deadline, documents, the form with its address; a wrong token is 404", async () => {
  const token = await agencyToken(B);
  const url = `/usingen/beteiligung/toeb/${token}`;
  const page = await get(url);
  assert.equal(page.statusCode, 200);
  assertPersonal(page, "agency page");
  assert.ok(page.body.includes("Regierungspräsidium Darmstadt (Test)") && page.body.includes("Bebauungsplan Nr. 42 „Am Mühlbach“"));
  assert.match(page.body, /Stellungnahme erbeten bis<\/dt><dd[^>]*>\d\d\.\d\d\.\d{4}, 24:00 Uhr/);
  assert.ok(page.body.includes(`${proc(B)}/dokumente/${B.documentId}`), "the documents");
  assert.ok(page.body.includes("noch keine Stellungnahme eingegangen"));
  assert.match(page.body, /name="email" type="email" value="toeb\.rp@behoerde\.example"/, "the agency's address prefilled");

  const res = await post(url, { _csrf: csrfFrom(page.body), phase: phaseField(page.body), text: "Aus Sicht der Regionalplanung bestehen keine Bedenken.", name: "Dezernat III", email: "toeb.rp@behoerde.example", einwilligung: "ja" }, [PDF]);
  assert.equal(res.statusCode, 303, res.body);
  assertPersonal(res, "agency post");
  const statementId = /eingang\/([0-9a-f-]{36})\?/.exec(String(res.headers.location))![1]!;
  const s = (await statementsOf(B.procedure.id)).find((x) => x.id === statementId)!;
  assert.equal(s.source, "toeb");
  assert.equal(s.agency_id, B.agencyId);
  const again = await get(url);
  assert.ok(again.body.includes(s.reference) && again.body.includes("Weitere Stellungnahme abgeben"), "the statements it gave");

  for (const wrong of [`${token.slice(0, -2)}xx`, "kurz", "A".repeat(32)]) {
    const r = await get(`/usingen/beteiligung/toeb/${wrong}`);
    assert.equal(r.statusCode, 404, wrong);
    assert.ok(!r.body.includes("Regierungspräsidium"));
  }
  assert.equal((await get(`/neu-anspach/beteiligung/toeb/${token}`)).statusCode, 404, "another town");
});

test("Meine Stellungnahmen needs a login; a citizen submits with the Servicekonto, e-mail prefilled, and finds the statement there", async () => {
  const anon = await get("/usingen/beteiligung/meine");
  assert.equal(anon.statusCode, 303);
  assert.match(String(anon.headers.location), /^\/usingen\/anmelden\?weiter=%2Fusingen%2Fbeteiligung%2Fmeine/);

  const erika = cookieOf(await loginCitizen(t.base, "usingen", "erika", formUrl(B)));
  const page = await get(formUrl(B), { cookie: erika });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes("mit Ihrem Servicekonto angemeldet"));
  const accountId = (await t.ctx.db.kysely.selectFrom("sessions").select("subject_id").where("id_hash", "=", sha256(/rathaus_sid=([^;]+)/.exec(erika)![1]!)).executeTakeFirstOrThrow()).subject_id!;
  const account = await identityService(t.ctx).store.account(usingenId, accountId);
  const email = account!.attributes.email ?? account!.contact.email!;
  assert.ok(email);
  assert.ok(page.body.includes(`name="email" type="email" value="${email}"`), "the account's address prefilled");

  const res = await post(formUrl(B), { _csrf: csrfFrom(page.body), phase: phaseField(page.body), text: "Als Anwohnerin bitte ich um eine Querungshilfe am Mühlweg.", email, einwilligung: "ja" }, [], { cookie: erika });
  assert.equal(res.statusCode, 303, res.body);
  const statementId = /eingang\/([0-9a-f-]{36})\?/.exec(String(res.headers.location))![1]!;
  const s = (await statementsOf(B.procedure.id)).find((x) => x.id === statementId)!;
  assert.equal(s.account_id, accountId);
  const receipt = await get(String(res.headers.location), { cookie: erika });
  assert.ok(receipt.body.includes('href="/usingen/beteiligung/meine"'));

  const mine = await get("/usingen/beteiligung/meine", { cookie: erika });
  assert.equal(mine.statusCode, 200);
  assert.match(String(mine.headers["cache-control"]), /no-store/);
  assert.ok(mine.body.includes(s.reference) && mine.body.includes("Querungshilfe"));
  assert.match(mine.body, /Stand<\/dt><dd[^>]*>eingegangen/);

  const max = cookieOf(await loginCitizen(t.base, "usingen", "max", "/usingen/beteiligung/meine"));
  const maxMine = await get("/usingen/beteiligung/meine", { cookie: max });
  assert.equal(maxMine.statusCode, 200);
  assert.ok(!maxMine.body.includes(s.reference) && maxMine.body.includes("noch keine Stellungnahme"), "another citizen sees none of hers");
});

test("after the end: the form is gone, a late post gets the message (422) with the text shown back; the agency gets the clear message", async () => {
  // the forms are opened ten minutes before midnight and sent after it
  clock.set(new Date(Date.parse(B.phase.closes_at) - 10 * 60_000));
  const page = await get(formUrl(B));
  const token = await agencyToken(B);
  const agencyPage = await get(`/usingen/beteiligung/toeb/${token}`);
  assert.ok(page.body.includes('name="text"') && agencyPage.body.includes('name="text"'), "both forms still open");
  closePhase(clock, B.phase);
  const beforeRows = (await statementsOf(B.procedure.id)).length;

  const text = "Zu spät, aber wichtig:\nDie Linde am Bach <muss> bleiben.";
  const late = await post(formUrl(B), { _csrf: csrfFrom(page.body), phase: phaseField(page.body), text, ort: "Bachlinde", einwilligung: "ja" }, [PDF]);
  assert.equal(late.statusCode, 422);
  assert.ok(late.body.includes("Die Frist für Stellungnahmen ist am") && late.body.includes("um 24:00 Uhr abgelaufen"), "the period's message");
  assert.ok(late.body.includes("Zu spät, aber wichtig:<br>Die Linde am Bach &lt;muss&gt; bleiben."), "the text shown back");
  assert.ok(late.body.includes("Ort: Bachlinde"));
  assert.ok(!late.body.includes("<textarea"), "no form any more");

  // input errors after the end: still no form, the text still shown back
  const lateInvalid = await post(formUrl(B), { _csrf: csrfFrom(page.body), phase: phaseField(page.body), text: "Ohne Einwilligung, nach Fristende." });
  assert.equal(lateInvalid.statusCode, 422);
  assert.ok(lateInvalid.body.includes("abgelaufen") && lateInvalid.body.includes("Ohne Einwilligung, nach Fristende.") && !lateInvalid.body.includes("<textarea"));

  const form = await get(formUrl(B));
  assert.equal(form.statusCode, 200);
  assert.ok(!form.body.includes('name="text"') && !form.body.includes('enctype="multipart/form-data"'), "the form is not shown");
  assert.ok(form.body.includes("abgelaufen"));
  assert.ok(!hasButton((await get(proc(B))).body));

  const agencyLate = await post(`/usingen/beteiligung/toeb/${token}`, { _csrf: csrfFrom(agencyPage.body), phase: phaseField(agencyPage.body), text: "Nachtrag der Behörde", einwilligung: "ja" });
  assert.equal(agencyLate.statusCode, 422);
  assert.match(agencyLate.body, /Die Frist für Stellungnahmen ist am \d\d\.\d\d\.\d{4} um 24:00 Uhr abgelaufen/);
  assert.ok(agencyLate.body.includes("Nachtrag der Behörde"), "the agency's text shown back");
  const agencyAfter = await get(`/usingen/beteiligung/toeb/${token}`);
  assert.equal(agencyAfter.statusCode, 200);
  assert.ok(agencyAfter.body.includes("Die Frist für Ihre Stellungnahme ist am") && !agencyAfter.body.includes('name="text"'));
  assert.equal((await statementsOf(B.procedure.id)).length, beforeRows, "nothing taken after the end");
});

test("after the council's decision: the result page behind the mail's link, the note on the procedure page, the result in Meine Stellungnahmen", async () => {
  const p = participation(t.ctx);
  const actor = { id: B.plannerId };
  const statements = await statementsOf(B.procedure.id);
  assert.ok(statements.length >= 4);
  for (const s of statements) {
    await p.service.saveWeighing(usingenId, s.id, { verdict: s.source === "toeb" ? "kenntnis" : "teilweise", response: `Abwägung zu ${s.reference}: Der Uferstreifen wird auf 10 m verbreitert.`, done: true }, actor);
  }
  const handed = await p.weighing.handToCouncil(usingenId, B.procedure.id, [{ organizationId: await parliamentOf(t.ctx, usingenId), role: "Entscheidung" }], actor);
  // The real path: the Sitzungsdienst puts the paper on a meeting, records the decision and publishes the results.
  await decidePaper(t.ctx, usingenId, handed.paperId);
  await t.ctx.jobs.runDue(200);

  const hanna = (await mailsTo("hanna.beispiel@example.org")).find((m) => m.subject.startsWith("Ergebnis zu Ihrer Stellungnahme"));
  assert.ok(hanna, "the feedback mail");
  const link = /\/usingen\/beteiligung\/ergebnis\/([A-Za-z0-9_-]+)/.exec(hanna!.body_text)!;
  const res = await get(link[0]);
  assert.equal(res.statusCode, 200);
  assertPersonal(res, "result page");
  const mine = statements.find((s) => s.submitter_email === "hanna.beispiel@example.org")!;
  assert.ok(res.body.includes(mine.reference) && res.body.includes("Bebauungsplan Nr. 42 „Am Mühlbach“"));
  assert.ok(res.body.includes("Der Bach braucht einen breiteren Uferstreifen."), "the statement as submitted");
  assert.match(res.body, /Ergebnis der Abwägung<\/dt><dd[^>]*>teilweise berücksichtigt/);
  assert.ok(res.body.includes(`Abwägung zu ${mine.reference}: Der Uferstreifen wird auf 10 m verbreitert.`));
  assert.match(res.body, /Beschluss des Rates<\/dt><dd[^>]*>am \d\d\.\d\d\.\d{4}: ungeändert beschlossen/);
  assert.ok(res.body.includes(`href="/usingen/rat/vorlagen/${handed.paperId}"`) && res.body.includes(handed.paperReference));
  assert.equal((await get(`/usingen/rat/vorlagen/${handed.paperId}`)).statusCode, 200, "the link leads to the council's public paper");
  assert.equal((await get(`/usingen/beteiligung/ergebnis/${"x".repeat(32)}`)).statusCode, 404);
  assert.equal((await get(link[0].replace("/usingen/", "/neu-anspach/"))).statusCode, 404, "another town");

  const page = await get(proc(B));
  assert.ok(page.body.includes('id="beschluss"') && page.body.includes(`href="/usingen/rat/vorlagen/${handed.paperId}"`), "the procedure page names the decision");

  const erika = cookieOf(await loginCitizen(t.base, "usingen", "erika", "/usingen/beteiligung/meine"));
  const list = await get("/usingen/beteiligung/meine", { cookie: erika });
  assert.match(list.body, /Stand<\/dt><dd[^>]*>entschieden/);
  assert.match(list.body, /Ergebnis der Abwägung<\/dt><dd[^>]*>teilweise berücksichtigt/);
  assert.ok(list.body.includes("Der Uferstreifen wird auf 10 m verbreitert."));
});
