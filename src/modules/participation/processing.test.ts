import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { createTestApp, form, formValues, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { multipart, SAMPLE_FILES } from "../../test-support/applications.js";
import { PLANNER_LOGIN, closePhase, openPhase, participationFixture, type ParticipationFixture } from "../../test-support/participation.js";
import { councilService } from "../council/index.js";
import { participation } from "./index.js";
import { CSV_HEADER } from "./export/csv.js";

/**
 * The planning office's statement processing over HTTP, like a browser without JavaScript: who may
 * open the pages, the list's filters and paging over ~120 statements, bulk assignment and grouping,
 * the weighing form (draft, weighed, text blocks), statements entered from letters after the end,
 * the three exports streamed to the browser, and the hand-over to the council that locks the weighing.
 */

let t: TestApp;
let f: ParticipationFixture;
let planner: { cookie: string; csrf: string };
let clerk: { cookie: string; csrf: string };
let otherTown: { cookie: string; csrf: string };
let P: string;
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const CLERK = { email: "buergerbuero.beteiligung@usingen.example", password: "Buergerbuero-Test-2026" };

/** What was submitted, to compare the pages with. */
const made = { publicRefs: [] as string[], agencyRefs: [] as string[], noiseRefs: [] as string[], ids: new Map<string, string>() };
const NOISE = "Sammeleinwendung Lärmschutz: Wir fordern eine wirksame Lärmschutzwand entlang der Bahnstraße, höchstens zwei Vollgeschosse im neuen Baugebiet und eine Tempo-30-Zone vor der Grundschule.";
const THEMES = ["Parkplätze", "Baumbestand", "Radweg", "Kindertagesstätte", "Spielplatz", "Regenwasser", "Gebäudehöhe", "Busverbindung", "Denkmalschutz", "Nahversorgung", "Solaranlagen", "Grünflächen", "Feuerwehrzufahrt"];

const p = () => participation(t.ctx);
const get = (url: string, who: { cookie: string } | null = planner) => t.app.inject({ url, headers: who ? { cookie: who.cookie } : {} });
const post = (url: string, fields: Record<string, string | string[]>, who: { cookie: string; csrf: string } | null = planner) =>
  t.app.inject({ method: "POST", url, headers: { ...urlencoded, ...(who ? { cookie: who.cookie } : {}) }, payload: form(who ? { _csrf: who.csrf, ...fields } : fields) });
const see = (res: LightMyRequestResponse, status: number, what: string) => assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body.slice(0, 600)}`);
const location = (res: LightMyRequestResponse) => String(res.headers.location ?? "");
/** The references in the list's table, in order. */
const refsIn = (html: string) => [...html.matchAll(/>(ST-\d{4}-\d{5})<\/a><\/th>/g)].map((m) => m[1]!);
const decode = (s: string) => s.replace(/&amp;/g, "&");
const sorted = (xs: string[]) => [...xs].sort();

before(async () => {
  t = await createTestApp();
  f = await participationFixture(t.ctx);
  P = `/usingen/verwaltung/beteiligung/${f.procedure.id}`;
  const clerkId = await t.ctx.accounts.create({ email: CLERK.email, name: "Bruno Bürgerbüro", password: CLERK.password });
  await t.ctx.accounts.grantRole(clerkId, f.tenantId, "buergerbuero");

  // 100 statements from the public (10 of them one mass letter) and 20 from agencies, entered while the phase is open
  openPhase(t.clock, f.phase);
  for (let i = 0; i < 120; i++) {
    t.clock.advance(60_000);
    if (i < 100) {
      const noise = i % 10 === 0;
      const text = noise ? `${NOISE} Unterschrift Nr. ${i}.` : `${THEMES[i % THEMES.length]} und ${THEMES[(i * 5 + 3) % THEMES.length]}: Anregung ${i} zum Grundstück Flur ${i * 7}.`;
      const r = await p().service.submitStatement(f.tenantId, f.phase.id, { text, consent: true, ...(i === 1 ? { name: "Erika Mustermann", email: "erika@example.org", text: "Ich, Erika Mustermann, wohne in der Mühlstraße 12 und bitte um mehr Bäume am Mühlweg." } : {}) }, { kind: "anonymous" });
      made.publicRefs.push(r.reference);
      if (noise) made.noiseRefs.push(r.reference);
      made.ids.set(r.reference, r.id);
    } else {
      const r = await p().service.submitStatement(f.tenantId, f.phase.id, { text: `Stellungnahme der Behörde Nr. ${i}: Belange der Regionalplanung (Ziel ${i}) sind berührt.`, consent: false }, { kind: "staff", actor: { id: f.plannerId }, receivedOn: p().service.today(), source: "toeb", agencyId: f.agencyId });
      made.agencyRefs.push(r.reference);
      made.ids.set(r.reference, r.id);
    }
  }
  closePhase(t.clock, f.phase);
  // log in after moving the clock (a session a month old would have expired)
  planner = await loginStaff(t.app, PLANNER_LOGIN.email, PLANNER_LOGIN.password);
  clerk = await loginStaff(t.app, CLERK.email, CLERK.password);
  otherTown = await loginStaff(t.app, DEMO_ACCOUNTS[2]!.email, DEMO_ACCOUNTS[2]!.password);
});
after(async () => t?.close());

const idOf = (ref: string) => made.ids.get(ref)!;

test("guards: login required, the role stadtplanung, the own town only; another town's procedure is not found; CSRF on every change", async () => {
  const sid = idOf(made.publicRefs[0]!);
  const pages = [`${P}/stellungnahmen`, `${P}/stellungnahmen/neu`, `${P}/stellungnahmen/${sid}`, `${P}/abwaegung`, `${P}/abwaegung.csv`, "/usingen/verwaltung/beteiligung/textbausteine"];
  for (const url of pages) {
    const anonymous = await get(url, null);
    see(anonymous, 303, `anonymous ${url}`);
    assert.match(location(anonymous), /^\/verwaltung\/anmelden\?weiter=/);
    see(await get(url, clerk), 403, `Bürgerbüro ${url}`);
    see(await get(url, otherTown), 403, `Neu-Anspach's administration ${url}`);
    see(await get(url), 200, `planner ${url}`);
  }
  see(await post(`${P}/stellungnahmen/${sid}`, { aktion: "entwurf", votum: "kenntnis", abwaegung: "x" }, clerk), 403, "Bürgerbüro may not weigh");

  // a procedure of Neu-Anspach under Usingen's address, and a statement under the wrong procedure
  const na = t.ctx.tenants.bySlug("neu-anspach")!;
  const foreign = await p().service.createProcedure(na.id, { planType: "bebauungsplan", name: "Fremdes Verfahren" }, { id: "test" });
  see(await get(`/usingen/verwaltung/beteiligung/${foreign.id}/stellungnahmen`), 404, "another town's procedure");
  see(await get(`/usingen/verwaltung/beteiligung/${foreign.id}/abwaegung.pdf`), 404, "another town's export");
  const own = await p().service.createProcedure(f.tenantId, { planType: "flaechennutzungsplan", name: "Anderes Verfahren" }, { id: f.plannerId });
  see(await get(`/usingen/verwaltung/beteiligung/${own.id}/stellungnahmen/${sid}`), 404, "statement under another procedure");

  // no token, or a wrong one: nothing changes
  const noToken = await t.app.inject({ method: "POST", url: `${P}/stellungnahmen/${sid}`, headers: { ...urlencoded, cookie: planner.cookie }, payload: form({ aktion: "entwurf", votum: "kenntnis", abwaegung: "ohne Token" }) });
  see(noToken, 403, "POST without CSRF token");
  see(await post(`${P}/stellungnahmen/${sid}`, { aktion: "entwurf", votum: "kenntnis", abwaegung: "falsches Token" }, { cookie: planner.cookie, csrf: "falsch" }), 403, "POST with a wrong token");
  assert.equal((await p().service.store.statement(f.tenantId, sid))!.response, "", "nothing was saved");
});

test("list: counts, 50 per page with paging links that keep the filter, and every filter narrows to the right statements", async () => {
  const all = await get(`${P}/stellungnahmen`);
  see(all, 200, "list");
  assert.match(all.body, /Insgesamt: 120 Stellungnahmen/);
  assert.match(all.body, /<li>neu: 120<\/li>/);
  assert.match(all.body, /Seite 1 von 3/);
  assert.equal(refsIn(all.body).length, 50);
  assert.equal((all.body.match(/name="ids"/g) ?? []).length, 50, "a checkbox per row");
  assert.deepEqual(refsIn(all.body), [...made.publicRefs, ...made.agencyRefs].slice(0, 50), "oldest first");
  const third = await get(`${P}/stellungnahmen?seite=3`);
  assert.deepEqual(refsIn(third.body), made.agencyRefs, "the last page holds the rest");

  // source: the public, two pages; the paging link keeps the filter
  const pub1 = await get(`${P}/stellungnahmen?herkunft=oeffentlichkeit`);
  assert.match(pub1.body, /100 Stellungnahmen für diese Auswahl/);
  const next = /href="([^"]*herkunft=oeffentlichkeit[^"]*seite=2)"/.exec(pub1.body);
  assert.ok(next, "the link to page 2 keeps the filter");
  const pub2 = await get(decode(next[1]!));
  assert.deepEqual([...refsIn(pub1.body), ...refsIn(pub2.body)], made.publicRefs);
  // the link from a row to the statement keeps the filter and the position
  assert.match(pub2.body, new RegExp(`href="${P}/stellungnahmen/${idOf(made.publicRefs[50]!)}\\?herkunft=oeffentlichkeit&amp;nr=50"`));

  const agencies = await get(`${P}/stellungnahmen?herkunft=toeb`);
  assert.deepEqual(refsIn(agencies.body), made.agencyRefs);
  assert.match(agencies.body, /Träger öffentlicher Belange: Regierungspräsidium Darmstadt \(Test\)/);

  const search = await get(`${P}/stellungnahmen?q=${encodeURIComponent("lärmschutz")}`);
  assert.deepEqual(refsIn(search.body), made.noiseRefs, "text search");
  const byRef = await get(`${P}/stellungnahmen?q=${made.agencyRefs[3]}`);
  assert.deepEqual(refsIn(byRef.body), [made.agencyRefs[3]], "search by reference");
  const combined = await get(`${P}/stellungnahmen?q=${encodeURIComponent("lärmschutz")}&herkunft=toeb`);
  assert.deepEqual(refsIn(combined.body), [], "filters combine");
  assert.match(combined.body, /Keine Stellungnahmen für diese Auswahl/);

  assert.equal(refsIn((await get(`${P}/stellungnahmen?phase=${f.phase.id}&status=neu&votum=offen&verspaetet=nein`)).body).length, 50, "phase, status, open verdict and on time match all");
  assert.deepEqual(refsIn((await get(`${P}/stellungnahmen?verspaetet=ja`)).body), [], "no late statement yet");
  assert.deepEqual(refsIn((await get(`${P}/stellungnahmen?status=abgewogen`)).body), []);
  // values that are not allowed are ignored, not an error
  see(await get(`${P}/stellungnahmen?status=kaputt&seite=-3&thema=%3Cscript%3E`), 200, "odd query values");
});

test("bulk actions: assign the ticked statements, group them under a title; mistakes come back at the field with the ticks kept", async () => {
  const three = made.publicRefs.slice(2, 5).map(idOf);
  const assigned = await post(`${P}/stellungnahmen/sammel?herkunft=oeffentlichkeit`, { ids: three, aktion: "zuweisen", zuweisen: f.plannerId });
  see(assigned, 303, "assign");
  assert.match(location(assigned), /herkunft=oeffentlichkeit/, "back to the same filter");
  assert.match(location(assigned), /hinweis=zugewiesen/);
  for (const id of three) assert.equal((await p().service.store.statement(f.tenantId, id))!.assignee_id, f.plannerId);
  const mine = await get(`${P}/stellungnahmen?zustaendig=${f.plannerId}`);
  assert.deepEqual(refsIn(mine.body), made.publicRefs.slice(2, 5));
  assert.match(mine.body, /Paula Planung \(Test\)/, "the assignee's name in the table");
  assert.match((await get(`${P}/stellungnahmen?zustaendig=niemand`)).body, /117 Stellungnahmen für diese Auswahl/);

  const none = await post(`${P}/stellungnahmen/sammel`, { aktion: "zuweisen", zuweisen: f.plannerId });
  see(none, 422, "nothing ticked");
  assert.match(none.body, /href="#auswahl">Bitte wählen Sie mindestens eine Stellungnahme aus/);
  const stranger = await post(`${P}/stellungnahmen/sammel`, { ids: three, aktion: "zuweisen", zuweisen: (await t.ctx.accounts.idByEmail(DEMO_ACCOUNTS[2]!.email))! });
  see(stranger, 422, "assign to someone of another town");
  assert.match(stranger.body, /id="zuweisen-fehler"[^>]*>[\s\S]*Diese Person gehört nicht zur Verwaltung/);

  const two = made.publicRefs.slice(5, 7).map(idOf);
  const untitled = await post(`${P}/stellungnahmen/sammel`, { ids: two, aktion: "gruppieren", gruppentitel: "" });
  see(untitled, 422, "group without title");
  assert.match(untitled.body, /id="gruppentitel-fehler"[^>]*>[\s\S]*Bitte geben Sie der Gruppe einen Titel/);
  for (const id of two) assert.match(untitled.body, new RegExp(`value="${id}" checked`), "the ticks are kept");
  const grouped = await post(`${P}/stellungnahmen/sammel`, { ids: two, aktion: "gruppieren", gruppentitel: "Stellplätze Nordrand" });
  see(grouped, 303, "group");
  const group = (await p().service.store.groups(f.tenantId, f.procedure.id)).find((g) => g.title === "Stellplätze Nordrand");
  assert.ok(group);
  assert.deepEqual(refsIn((await get(`${P}/stellungnahmen?gruppe=${group.id}`)).body), made.publicRefs.slice(5, 7));
});

test("weighing: the page shows everything to staff and a prefilled anonymised text; draft, weighed, and weighed without verdict → 422 at the field", async () => {
  const erika = idOf(made.publicRefs[1]!);
  const url = `${P}/stellungnahmen/${erika}`;
  const pageRes = await get(url);
  see(pageRes, 200, "statement page");
  assert.match(pageRes.body, /erika@example\.org/, "the submitter's address is shown to staff");
  const v = formValues(pageRes.body);
  assert.ok(!v.veroeffentlichung!.includes("Mustermann") && !v.veroeffentlichung!.includes("Mühlstraße 12"), `anonymised: ${v.veroeffentlichung}`);
  assert.match(v.veroeffentlichung!, /\[Name entfernt\]/);

  const refused = await post(url, { aktion: "abgewogen", votum: "", abwaegung: "Die Bäume bleiben erhalten.", themen: "", veroeffentlichung: v.veroeffentlichung! });
  see(refused, 422, "weighed without verdict");
  assert.match(refused.body, /id="votum-fehler"[^>]*>[\s\S]*Bitte wählen Sie ein Votum/);
  assert.match(refused.body, /href="#votum"/, "the error summary links to the field");
  assert.equal(formValues(refused.body).abwaegung, "Die Bäume bleiben erhalten.", "the input is kept");
  assert.equal((await p().service.store.statement(f.tenantId, erika))!.status, "neu", "nothing saved");

  const draft = await post(`${url}?herkunft=oeffentlichkeit&nr=1`, { aktion: "entwurf", votum: "teilweise", abwaegung: "Die Bäume am Mühlweg bleiben erhalten.", themen: "Verkehr, Bäume ,", veroeffentlichung: v.veroeffentlichung! });
  see(draft, 303, "draft");
  assert.match(location(draft), /herkunft=oeffentlichkeit&nr=1&hinweis=entwurf/);
  let s = (await p().service.store.statement(f.tenantId, erika))!;
  assert.deepEqual([s.status, s.verdict, s.response, s.published_text], ["in_bearbeitung", "teilweise", "Die Bäume am Mühlweg bleiben erhalten.", null], "an unchanged automatic anonymisation is not stored");
  const topics = await p().service.store.topicsOfStatements(f.tenantId, [erika]);
  assert.deepEqual(topics.map((x) => x.name), ["Bäume", "Verkehr"]);
  const verkehr = topics.find((x) => x.name === "Verkehr")!;
  assert.deepEqual(refsIn((await get(`${P}/stellungnahmen?thema=${verkehr.topic_id}`)).body), [made.publicRefs[1]]);
  assert.deepEqual(refsIn((await get(`${P}/stellungnahmen?votum=teilweise&status=in_bearbeitung`)).body), [made.publicRefs[1]]);

  // previous / next within the filter
  const withNav = await get(`${url}?herkunft=oeffentlichkeit&nr=1&hinweis=entwurf`);
  assert.match(withNav.body, /Der Entwurf der Abwägung ist gespeichert/);
  assert.match(withNav.body, new RegExp(`href="${P}/stellungnahmen/${idOf(made.publicRefs[0]!)}\\?herkunft=oeffentlichkeit&amp;nr=0" rel="prev"`));
  assert.match(withNav.body, new RegExp(`href="${P}/stellungnahmen/${idOf(made.publicRefs[2]!)}\\?herkunft=oeffentlichkeit&amp;nr=2" rel="next"`));

  const edited = "Eine Bürgerin bittet um mehr Bäume am Mühlweg.";
  see(await post(url, { aktion: "abgewogen", votum: "beruecksichtigt", abwaegung: "Die Bäume am Mühlweg bleiben erhalten.", themen: "Bäume", veroeffentlichung: edited }), 303, "weighed");
  s = (await p().service.store.statement(f.tenantId, erika))!;
  assert.deepEqual([s.status, s.verdict, s.published_text], ["abgewogen", "beruecksichtigt", edited]);
});

test("text blocks: added on their page, inserted into the response by re-rendering the form — nothing is saved — and removed", async () => {
  const created = await post("/usingen/verwaltung/beteiligung/textbausteine", { titel: "Lärmschutz geprüft", text: "Das Lärmgutachten wurde geprüft; die Grenzwerte werden eingehalten." });
  see(created, 303, "add block");
  const list = await get("/usingen/verwaltung/beteiligung/textbausteine?hinweis=gespeichert");
  assert.match(list.body, /Lärmschutz geprüft/);
  const block = (await p().service.store.textBlocks(f.tenantId)).find((b) => b.title === "Lärmschutz geprüft")!;
  see(await post("/usingen/verwaltung/beteiligung/textbausteine", { titel: "", text: "ohne Titel" }), 422, "block without title");

  const id = idOf(made.noiseRefs[1]!);
  const url = `${P}/stellungnahmen/${id}`;
  const beforeRow = (await p().service.store.statement(f.tenantId, id))!;
  const inserted = await post(url, { aktion: "baustein", baustein: block.id, votum: "kenntnis", abwaegung: "Eigener Anfang.", themen: "Lärm", veroeffentlichung: "" });
  see(inserted, 200, "insert block");
  const v = formValues(inserted.body);
  assert.equal(v.abwaegung, "Eigener Anfang.\n\nDas Lärmgutachten wurde geprüft; die Grenzwerte werden eingehalten.");
  assert.equal(v.themen, "Lärm", "the other input is kept");
  assert.match(inserted.body, /id="votum-kenntnis" name="votum" value="kenntnis" checked/);
  assert.match(inserted.body, /Gespeichert ist noch nichts/);
  assert.deepEqual(await p().service.store.statement(f.tenantId, id), beforeRow, "nothing saved");
  assert.deepEqual(await p().service.store.topicsOfStatements(f.tenantId, [id]), []);
  const unchosen = await post(url, { aktion: "baustein", baustein: "", abwaegung: "x" });
  see(unchosen, 422, "no block chosen");
  assert.match(unchosen.body, /id="baustein-fehler"/);

  see(await post(`/usingen/verwaltung/beteiligung/textbausteine/${block.id}/entfernen`, {}), 303, "remove block");
  assert.equal((await p().service.store.textBlocks(f.tenantId)).some((b) => b.id === block.id), false);
});

test("similar statements: listed on the page, grouped from there, and the weighing applied to the whole group", async () => {
  const [first, ...others] = made.noiseRefs.slice(2, 5).map(idOf) as [string, ...string[]];
  const url = `${P}/stellungnahmen/${first}`;
  const pageRes = await get(url);
  for (const ref of made.noiseRefs.filter((r) => r !== made.noiseRefs[2])) assert.ok(pageRes.body.includes(`Stellungnahme ${ref} öffnen`), `similar ${ref} is linked`);
  const grouped = await post(`${url}/gruppe`, { ids: others, gruppentitel: "Sammeleinwendung Bahnstraße" });
  see(grouped, 303, "group similar");
  const s = (await p().service.store.statement(f.tenantId, first))!;
  for (const id of others) assert.equal((await p().service.store.statement(f.tenantId, id))!.group_id, s.group_id);

  const notYet = await post(`${url}/gruppe-uebertragen`, {});
  see(notYet, 422, "apply before the weighing is saved");
  assert.match(notYet.body, /Bitte speichern Sie zuerst Votum und Abwägungsvorschlag/);
  see(await post(url, { aktion: "abgewogen", votum: "nicht_beruecksichtigt", abwaegung: "Die Lärmschutzwand ist nach dem Gutachten nicht erforderlich.", themen: "Lärm", veroeffentlichung: "" }), 303, "weigh the first");
  const applied = await post(`${url}/gruppe-uebertragen`, {});
  see(applied, 303, "apply to group");
  assert.match(location(applied), /hinweis=uebertragen&anzahl=2/);
  for (const id of others) {
    const m = (await p().service.store.statement(f.tenantId, id))!;
    assert.deepEqual([m.verdict, m.status, m.response], ["nicht_beruecksichtigt", "abgewogen", "Die Lärmschutzwand ist nach dem Gutachten nicht erforderlich."]);
  }
  assert.match((await get(location(applied))).body, /auf 2 weitere Stellungnahmen der Gruppe übertragen/);
});

test("staff entry after the end of the period: stored with address and attachment, marked late; a wrong date is refused at the field", async () => {
  const pageRes = await get(`${P}/stellungnahmen/neu`);
  see(pageRes, 200, "entry form");
  const today = p().service.today().split("-").reverse().join(".");
  const fields = { _csrf: planner.csrf, phase: f.phase.id, eingang: today, herkunft: "oeffentlichkeit", behoerde: "", name: "Heimatverein Usingen", anschrift: "Marktplatz 1\n61250 Usingen", email: "", dokument: f.documentId, seite: "7", ort: "Alte Mühle", text: "Der Heimatverein bittet, die alte Mühle als Denkmal zu erhalten." };
  const pdf = SAMPLE_FILES["application/pdf"]!;
  const send = (fs: Record<string, string>) => {
    const m = multipart(fs, [{ field: "anlagen", name: "Brief Heimatverein.pdf", type: "application/pdf", data: pdf.data }]);
    return t.app.inject({ method: "POST", url: `${P}/stellungnahmen/neu`, headers: { ...m.headers, cookie: planner.cookie }, payload: m.payload });
  };
  const wrong = await send({ ...fields, eingang: "31.02.2026" });
  see(wrong, 422, "impossible date");
  assert.match(wrong.body, /id="eingang-fehler"[^>]*>[\s\S]*TT\.MM\.JJJJ/);
  assert.match(wrong.body, /die alte Mühle als Denkmal/, "the text is kept");

  const saved = await send(fields);
  see(saved, 303, "entry saved");
  assert.match(location(saved), /hinweis=erfasst-verspaetet/);
  const id = /stellungnahmen\/([0-9a-f-]{36})/.exec(location(saved))![1]!;
  const s = (await p().service.store.statement(f.tenantId, id))!;
  assert.deepEqual([s.late, s.channel, s.submitter_address, s.document_page, s.entered_by], [1, "verwaltung", "Marktplatz 1\n61250 Usingen", "7", f.plannerId]);
  const shown = await get(location(saved));
  assert.match(shown.body, /als „verspätet“ gekennzeichnet/);
  assert.match(shown.body, /<strong>verspätet<\/strong>/);
  assert.match(shown.body, /Begründung, Seite 7/);
  assert.deepEqual(refsIn((await get(`${P}/stellungnahmen?verspaetet=ja`)).body), [s.reference]);

  const [att] = await p().service.store.attachments(f.tenantId, id);
  assert.ok(att);
  const download = await get(`${P}/stellungnahmen/${id}/anlagen/${att.id}`);
  see(download, 200, "attachment");
  assert.match(String(download.headers["content-disposition"]), /^attachment; filename="Brief_Heimatverein\.pdf"; filename\*=UTF-8''Brief%20Heimatverein\.pdf$/);
  assert.equal(download.headers["content-type"], "application/pdf");
  assert.deepEqual(download.rawPayload, pdf.data);
  see(await get(`${P}/stellungnahmen/${id}/anlagen/${att.id}`, clerk), 403, "attachments are for the planning office");
  see(await get(`${P}/stellungnahmen/${idOf(made.publicRefs[0]!)}/anlagen/${att.id}`), 404, "attachment under another statement");
});

/** RFC 4180 with ";" as separator (quoted cells may hold ; " and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ";") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    } else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

test("exports: PDF, ODT and CSV are streamed as downloads with the right type; the CSV has a BOM, a header and one line per statement", async () => {
  const total = (await p().service.store.statementCounts(f.tenantId, f.procedure.id)).reduce((a, c) => a + c.n, 0);
  const pdf = await get(`${P}/abwaegung.pdf`);
  see(pdf, 200, "pdf");
  assert.equal(pdf.headers["content-type"], "application/pdf");
  assert.match(String(pdf.headers["content-disposition"]), /^attachment; filename="Abwaegungstabelle-usingen-42\.pdf"/);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString("latin1"), "%PDF-");
  assert.match(pdf.rawPayload.subarray(-1024).toString("latin1"), /%%EOF\s*$/, "the whole file arrived");

  const odt = await get(`${P}/abwaegung.odt`);
  see(odt, 200, "odt");
  assert.equal(odt.headers["content-type"], "application/vnd.oasis.opendocument.text");
  assert.match(String(odt.headers["content-disposition"]), /^attachment; filename="Abwaegungstabelle-usingen-42\.odt"/);
  const z = odt.rawPayload;
  assert.equal(z.readUInt32LE(0), 0x04034b50, "a zip file");
  const nameLength = z.readUInt16LE(26);
  assert.equal(z.subarray(30, 30 + nameLength).toString("ascii"), "mimetype", "mimetype is the first entry");
  const dataStart = 30 + nameLength + z.readUInt16LE(28);
  assert.equal(z.subarray(dataStart, dataStart + 39).toString("ascii"), "application/vnd.oasis.opendocument.text", "stored uncompressed");

  const csv = await get(`${P}/abwaegung.csv`);
  see(csv, 200, "csv");
  assert.match(String(csv.headers["content-type"]), /^text\/csv; charset=utf-8/);
  assert.match(String(csv.headers["content-disposition"]), /^attachment; filename="Abwaegungstabelle-usingen-42\.csv"/);
  const text = csv.rawPayload.toString("utf8");
  assert.equal(text.charCodeAt(0), 0xfeff, "byte order mark");
  const rows = parseCsv(text.slice(1));
  assert.deepEqual(rows[0], [...CSV_HEADER]);
  assert.equal(rows.length, total + 1, "header plus one line per statement");
  const refCol = CSV_HEADER.indexOf("Stellungnahme-Nr.");
  const all = (await p().service.store.listStatements(f.tenantId, f.procedure.id, {}, { offset: 0, limit: 1000 })).items.map((x) => x.reference);
  assert.deepEqual(sorted(rows.slice(1).map((r) => r[refCol]!)), sorted(all));
  assert.ok(!text.includes("Mustermann"), "the CSV is anonymised");
  assert.ok(rows.slice(1).every((r) => r.length === CSV_HEADER.length), "every line has every column");
});

test("hand-over: refused while statements are open (message), then the council paper with the PDF exists and the weighing is locked", async () => {
  const tablePage = await get(`${P}/abwaegung`);
  see(tablePage, 200, "table page");
  const bodies = await councilService(t.ctx).decidingBodies(f.tenantId);
  const parliament = bodies.find((b) => b.kind === "parlament")!;
  const bau = bodies.find((b) => /Bau/.test(b.name) && b.kind === "ausschuss")!;
  assert.match(tablePage.body, new RegExp(`id="rolle-${parliament.id}"[^>]*>[\\s\\S]*?<option value="entscheidung" selected>`), "the parliament decides by default");
  assert.match(tablePage.body, new RegExp(`id="rolle-${bau.id}"[^>]*>[\\s\\S]*?<option value="vorberatung" selected>`), "the building committee deliberates by default");
  assert.match(tablePage.body, /Noch nicht abgewogen: \d+ Stellungnahmen/);
  for (const ext of ["pdf", "odt", "csv"]) assert.ok(tablePage.body.includes(`href="${P}/abwaegung.${ext}"`));

  const defaults = Object.fromEntries(bodies.map((b) => [`rolle-${b.id}`, b.id === parliament.id ? "entscheidung" : b.id === bau.id ? "vorberatung" : "keine"]));
  const unconfirmed = await post(`${P}/abwaegung`, defaults);
  see(unconfirmed, 422, "without confirmation");
  assert.match(unconfirmed.body, /id="bestaetigen-fehler"/);
  const twoDeciders = await post(`${P}/abwaegung`, { ...defaults, [`rolle-${bau.id}`]: "entscheidung", bestaetigen: "ja" });
  see(twoDeciders, 422, "two deciding bodies");
  assert.match(twoDeciders.body, /genau ein Gremium/);

  const open = (await p().service.store.statementCounts(f.tenantId, f.procedure.id)).filter((c) => c.status !== "abgewogen").reduce((a, c) => a + c.n, 0);
  const refused = await post(`${P}/abwaegung`, { ...defaults, bestaetigen: "ja" });
  see(refused, 422, "statements still open");
  assert.match(refused.body, new RegExp(`${open} Stellungnahmen sind noch nicht abgewogen`));
  assert.equal((await p().service.store.weighings(f.tenantId, f.procedure.id)).length, 0);

  for (const s of (await p().service.store.listStatements(f.tenantId, f.procedure.id, { status: "neu" }, { offset: 0, limit: 1000 })).items) {
    await p().service.saveWeighing(f.tenantId, s.id, { verdict: "kenntnis", response: "Die Stellungnahme wird zur Kenntnis genommen.", done: true }, { id: f.plannerId });
  }
  for (const s of (await p().service.store.listStatements(f.tenantId, f.procedure.id, { status: "in_bearbeitung" }, { offset: 0, limit: 1000 })).items) {
    await p().service.saveWeighing(f.tenantId, s.id, { verdict: "kenntnis", response: "Zur Kenntnis.", done: true }, { id: f.plannerId });
  }
  const handed = await post(`${P}/abwaegung`, { ...defaults, bestaetigen: "ja" });
  see(handed, 303, "hand-over");
  assert.match(location(handed), /hinweis=uebergeben/);
  const [w] = await p().service.store.weighings(f.tenantId, f.procedure.id);
  assert.ok(w?.council_paper_id);
  const paper = await councilService(t.ctx).paperSummary(f.tenantId, w.council_paper_id);
  assert.ok(paper, "the Beschlussvorlage exists in the council");
  assert.equal(paper.reference, w.council_paper_reference);
  const consultations = await councilService(t.ctx).store.consultationsOfPaper(f.tenantId, paper.id);
  assert.deepEqual(consultations.map((c) => [c.organization_id, c.role]), [[bau.id, "Vorberatung"], [parliament.id, "Entscheidung"]]);
  const files = (await councilService(t.ctx).store.filesOf(f.tenantId, "paper", [paper.id])).filter((x) => !x.deleted_at);
  assert.equal(files.length, 1);
  assert.match(files[0]!.file_name, /\.pdf$/);
  assert.equal((await t.ctx.storage.read(files[0]!.storage_key)).subarray(0, 5).toString("latin1"), "%PDF-");

  const after = await get(location(handed));
  assert.match(after.body, /Die Beschlussvorlage mit der Abwägungstabelle ist angelegt/);
  assert.ok(after.body.includes(`href="/usingen/verwaltung/rat/vorlagen/${paper.id}">Vorlage ${paper.reference}</a>`), "linked to the council's staff page of the paper");
  assert.match(after.body, /steht noch aus/);

  // locked: saving again is refused with a message; the page shows the weighing read-only
  const sid = idOf(made.publicRefs[10]!);
  const again = await post(`${P}/stellungnahmen/${sid}`, { aktion: "entwurf", votum: "beruecksichtigt", abwaegung: "Doch noch ändern", themen: "", veroeffentlichung: "" });
  see(again, 409, "weighing after the hand-over");
  assert.match(again.body, /bereits dem Rat übergeben und kann nicht mehr geändert werden/);
  assert.equal((await p().service.store.statement(f.tenantId, sid))!.response, "Die Stellungnahme wird zur Kenntnis genommen.");
  assert.ok(!again.body.includes('name="abwaegung"'), "no weighing form on a locked statement");
  assert.match(again.body, /Ihre Eingabe \(nicht gespeichert\)[\s\S]*Doch noch ändern/, "what was typed is shown, not lost");
  assert.match(again.body, new RegExp(`Vorlage ${paper.reference}`));
});
