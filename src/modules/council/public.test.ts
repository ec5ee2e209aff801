import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, loginStaff, type TestApp } from "../../test-support/app.js";
import { councilFixture, MEMBER_LOGIN, OTHER_MEMBER_LOGIN, PUBLIC_TITLE, SECRET_TITLE, textPdf, type CouncilFixture } from "../../test-support/council.js";
import { councilService } from "./index.js";
import { NEUTRAL_TITLE } from "./visibility.js";

let t: TestApp;
let f: CouncilFixture;
let member: { cookie: string };
let other: { cookie: string };
const actor = { id: "test" };

before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
  member = await loginStaff(t.app, MEMBER_LOGIN.email, MEMBER_LOGIN.password);
  other = await loginStaff(t.app, OTHER_MEMBER_LOGIN.email, OTHER_MEMBER_LOGIN.password);
});
after(() => t.close());

const base = () => `/${f.slug}/rat`;
const get = (url: string, cookie?: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers: { ...headers, ...(cookie ? { cookie } : {}) } });
const fileUrl = async (id: string) => {
  const file = (await councilService(t.ctx).store.file(f.tenantId, id))!;
  return `${base()}/dokumente/${id}/${encodeURIComponent(file.file_name)}`;
};
/** No technical error text on a page the public sees. */
const noTrace = (body: string) => assert.doesNotMatch(body, /\bat [\w.<>]+ \(|Error:|stack/i);

test("anonymous meeting page: Ö 1 with its paper, N 1 only as a neutral line, nothing of the secret", async () => {
  const res = await get(`${base()}/sitzungen/${f.meeting}`);
  assert.equal(res.statusCode, 200);
  const html = res.body;
  assert.match(html, /Ö 1<\/span> Bebauungsplan Nr\. 12/);
  assert.ok(html.includes(`href="${base()}/vorlagen/${f.publicPaper}"`), "Ö 1 links its paper");
  assert.ok(html.includes(`id="top-${f.publicItem}"`), "anchor for the search index's links");
  assert.match(html, new RegExp(`N 1</span> ${NEUTRAL_TITLE}`));
  assert.ok(!html.includes(SECRET_TITLE) && !html.includes("Grundstücksangelegenheit"), "secret title");
  assert.ok(!html.includes(f.secretPaper), "secret paper id");
  assert.ok(!html.includes(f.secretFile), "secret file id");
  assert.ok(!html.includes(f.secretItem), "secret item id");
  assert.ok(!html.includes("nichtöffentlich</span></span>"), "no member badge for the public");
  assert.ok(!html.includes("Sie sehen auch nichtöffentliche Inhalte"));
  assert.match(html, /Dienstag, 8\. Dezember 2026/);
  assert.match(html, /18:00–20:00 Uhr/, "times in Europe/Berlin");
  assert.ok(html.includes(`${base()}/gremien/${f.org.bau}/kalender.ics`), "the body's calendar feed is linked");
  assert.equal(res.headers["cache-control"], "no-cache");
  assert.ok(res.headers.etag, "anonymous pages come from the render cache");
});

test("anonymous: the secret paper and its file are unknown (404); the public paper and file are served right", async () => {
  assert.equal((await get(`${base()}/vorlagen/${f.secretPaper}`)).statusCode, 404);
  assert.equal((await get(await fileUrl(f.secretFile))).statusCode, 404);
  assert.equal((await get(`${base()}/vorlagen/${f.magistratPaper}`)).statusCode, 404);

  const page = await get(`${base()}/vorlagen/${f.publicPaper}`);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(PUBLIC_TITLE));
  assert.match(page.body, /Federführung<\/dt><dd[^>]*>Bauamt/);
  assert.match(page.body, /Beratungsfolge/);
  assert.ok(page.body.includes(`${base()}/sitzungen/${f.meeting}#top-${f.publicItem}`), "the Beratungsfolge links the meeting's item");
  assert.match(page.body, /Vorberatung[\s\S]*Entscheidung/);
  assert.ok(page.body.includes(f.publicFile));
  assert.ok(page.body.includes(`${base()}/vorlagen.atom`));

  const url = await fileUrl(f.publicFile);
  const res = await get(url);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "application/pdf");
  assert.match(String(res.headers["content-disposition"]), /^inline; filename="vorlage\.pdf"; filename\*=UTF-8''vorlage\.pdf$/);
  assert.equal(res.headers["x-content-type-options"], "nosniff");
  assert.match(String(res.headers["cache-control"]), /^public/);
  const stored = (await councilService(t.ctx).store.file(f.tenantId, f.publicFile))!;
  assert.ok(res.rawPayload.equals(await t.ctx.storage.read(stored.storage_key)), "the stored bytes");
  assert.equal(res.rawPayload.subarray(0, 5).toString(), "%PDF-");
  const etag = String(res.headers.etag);
  assert.equal((await get(url, undefined, { "if-none-match": etag })).statusCode, 304);
  const renamed = await get(`${base()}/dokumente/${f.publicFile}/anders.pdf`);
  assert.equal(renamed.statusCode, 301, "one stable address per file");
  assert.equal(renamed.headers.location, url);
});

test("calendar by month (Europe/Berlin): meetings with time, body and state, month links, body filter", async () => {
  const res = await get(`${base()}/sitzungen?monat=2026-12`);
  assert.equal(res.statusCode, 200);
  const html = res.body;
  assert.match(html, /<h1[^>]*>Sitzungskalender Dezember 2026<\/h1>/);
  assert.ok(html.includes(`href="${base()}/sitzungen/${f.meeting}"`));
  assert.match(html, /18:00–20:00 Uhr/);
  assert.match(html, /eingeladen/);
  assert.ok(html.includes(`${base()}/sitzungen?monat=2026-11`) && html.includes(`${base()}/sitzungen?monat=2027-01`), "previous and next month");
  assert.ok(html.includes(`${base()}/kalender.ics`));

  const bau = await get(`${base()}/sitzungen?monat=2026-12&gremium=${f.org.bau}`);
  assert.equal(bau.statusCode, 200);
  assert.ok(bau.body.includes(f.meeting));
  assert.ok(!bau.body.includes("Nichtöffentliche Sitzung"), "the filter leaves out the Magistrat");
  assert.ok(bau.body.includes(`${base()}/sitzungen?monat=2027-01&amp;gremium=${f.org.bau}`), "month links keep the filter");

  const november = await get(`${base()}/sitzungen?monat=2026-11`);
  assert.ok(!november.body.includes(f.meeting));
  // Without a month: the current month of the clock (2026-11-27).
  assert.match((await get(`${base()}/sitzungen`)).body, /Sitzungskalender November 2026/);
});

test("a body that meets only non-publicly: listed by date only (setting 'date'), not at all with 'hidden'", async () => {
  const s = councilService(t.ctx);
  const cal = (await get(`${base()}/sitzungen?monat=2026-12`)).body;
  assert.match(cal, /Montag, 7\. Dezember 2026[\s\S]*?Nichtöffentliche Sitzung/);
  assert.ok(!cal.includes(f.magistratMeeting), "no link to its page");
  assert.ok(!cal.includes("Personalangelegenheit"));
  const page = await get(`${base()}/sitzungen/${f.magistratMeeting}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Nichtöffentliche Sitzung am Montag, 7\. Dezember 2026/);
  assert.ok(!page.body.includes("Tagesordnung</h2>") && !page.body.includes("Personalangelegenheit") && !page.body.includes(NEUTRAL_TITLE), "no agenda");

  await s.setNonpublicMeetings(f.tenantId, "hidden", actor);
  try {
    const hidden = (await get(`${base()}/sitzungen?monat=2026-12`)).body;
    assert.ok(!hidden.includes("Nichtöffentliche Sitzung") && !hidden.includes("7. Dezember 2026"), "not listed");
    assert.ok(hidden.includes(f.meeting), "the public meeting stays");
    assert.equal((await get(`${base()}/sitzungen/${f.magistratMeeting}`)).statusCode, 404);
    const magistrat = await get(`${base()}/gremien/${f.org.magistrat}`);
    assert.equal(magistrat.statusCode, 200);
    assert.ok(!magistrat.body.includes("7. Dezember 2026"));
    // its own member still sees the meeting
    const own = await get(`${base()}/sitzungen/${f.magistratMeeting}`, other.cookie);
    assert.equal(own.statusCode, 200);
    assert.match(own.body, /Personalangelegenheit Bauhof/);
  } finally {
    await s.setNonpublicMeetings(f.tenantId, "date", actor);
  }
});

test("search: German word forms with <mark>, filters, nothing of the secret", async () => {
  const res = await get(`${base()}/suche?q=Bebauungspl%C3%A4ne`);
  assert.equal(res.statusCode, 200);
  assert.ok(res.body.includes(`href="/${f.slug}/rat/vorlagen/${f.publicPaper}"`));
  assert.match(res.body, /<mark>Bebauungsplan<\/mark>/);
  assert.ok(res.body.includes(`${base()}/suche.atom?q=Bebauungspl%C3%A4ne`), "feed of the search");
  assert.ok(res.body.includes(`${base()}/benachrichtigungen?q=Bebauungspl%C3%A4ne`), "e-mail alert for the search");

  for (const q of ["Grundstücksangelegenheit", "Flur Verkauf", "Zitronenfalter", "Geheim"]) {
    const r = await get(`${base()}/suche?q=${encodeURIComponent(q)}`);
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /Keine Treffer für/, q);
    assert.ok(!r.body.includes(f.secretPaper) && !r.body.includes(f.secretItem), q);
  }

  const withBody = await get(`${base()}/suche?q=Bebauungsplan&gremium=${f.org.bau}&art=Beschlussvorlage&von=2026-01-01&bis=2026-12-31`);
  assert.ok(withBody.body.includes(f.publicPaper));
  const otherKind = await get(`${base()}/suche?q=Bebauungsplan&art=Antrag`);
  assert.ok(!otherKind.body.includes(`vorlagen/${f.publicPaper}`));
  const before2026 = await get(`${base()}/suche?q=Bebauungsplan&bis=2025-12-31`);
  assert.match(before2026.body, /Keine Treffer/);
  const noQuery = await get(`${base()}/suche`);
  assert.equal(noQuery.statusCode, 200);
  assert.match(noQuery.body, /Bitte geben Sie einen Suchbegriff ein/);
});

test("bodies, body page and person pages (personal fields only with consent)", async () => {
  const s = councilService(t.ctx);
  const noConsent = await s.createPerson(f.tenantId, { familyName: "Verschlossen", givenName: "Vera", title: "Prof.", formOfAddress: "Frau", party: "FDP", email: "vera.privat@example.org", phone: "0170 999999", life: "Privates Leben." });
  await s.addMembership(f.tenantId, { personId: noConsent, organizationId: f.org.bau, startDate: "2021-04-01" });

  const list = await get(`${base()}/gremien`);
  assert.equal(list.statusCode, 200);
  assert.ok(list.body.includes(`${base()}/gremien/${f.org.bau}`));
  assert.match(list.body, /Magistrat \(Test\)<\/a><span[^>]*> \(tagt nichtöffentlich\)/);

  const bau = await get(`${base()}/gremien/${f.org.bau}`);
  assert.equal(bau.statusCode, 200);
  assert.match(bau.body, /Rita Ratsmitglied<\/a><\/th><td[^>]*>Vorsitzende/);
  assert.ok(bau.body.includes(`${base()}/gremien/${f.org.cdu}`), "faction linked");
  assert.ok(bau.body.includes(`${base()}/personen/${noConsent}`));
  assert.ok(bau.body.includes(`href="${base()}/sitzungen/${f.meeting}"`), "upcoming meeting");
  assert.ok(bau.body.includes(`${base()}/gremien/${f.org.bau}/kalender.ics`));

  const olga = await get(`${base()}/personen/${f.person.consenting}`);
  assert.equal(olga.statusCode, 200);
  assert.match(olga.body, /<h1[^>]*>Dr\. Olga Offen<\/h1>/);
  for (const v of ["olga.offen@example.org", "06081 1234", "Geboren 1970 in Usingen."]) assert.ok(olga.body.includes(v), v);
  assert.ok(olga.body.includes(`${base()}/gremien/${f.org.finanz}`), "memberships");

  const vera = await get(`${base()}/personen/${noConsent}`);
  assert.equal(vera.statusCode, 200);
  assert.match(vera.body, /<h1[^>]*>Vera Verschlossen<\/h1>/);
  assert.match(vera.body, /FDP/);
  for (const v of ["vera.privat@example.org", "0170 999999", "Privates Leben.", "Prof.", "Anrede"]) assert.ok(!vera.body.includes(v), v);

  assert.equal((await get(`${base()}/personen/${f.publicPaper}`)).statusCode, 404);
  assert.equal((await get(`${base()}/gremien/kein-gremium`)).statusCode, 404);
});

test("overview: next meetings, newest papers, bodies, search form, feeds", async () => {
  const res = await get(`${base()}/`);
  assert.equal(res.statusCode, 200);
  assert.ok(res.body.includes(`href="${base()}/sitzungen/${f.meeting}"`));
  assert.ok(res.body.includes(`href="${base()}/vorlagen/${f.publicPaper}"`));
  assert.ok(res.body.includes(`${base()}/gremien/${f.org.parlament}`));
  assert.match(res.body, /action="\/usingen\/rat\/suche"/);
  assert.ok(!res.body.includes(SECRET_TITLE) && !res.body.includes(f.secretPaper));
  assert.equal((await get(`${base()}`)).statusCode, 301);
  const papers = await get(`${base()}/vorlagen`);
  assert.equal(papers.statusCode, 200);
  assert.ok(papers.body.includes(f.publicPaper) && !papers.body.includes(f.secretPaper));
});

test("council member of the Bauausschuss sees N 1, its paper and file; the Magistrat member does not", async () => {
  const page = await get(`${base()}/sitzungen/${f.meeting}`, member.cookie);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(SECRET_TITLE));
  assert.ok(page.body.includes(`${base()}/vorlagen/${f.secretPaper}`));
  assert.match(page.body, /Sie sehen auch nichtöffentliche Inhalte/);
  assert.match(page.body, /N 1<\/span> Grundstücksangelegenheit[^<]*<span class="kern-badge kern-badge--warning"><span[^>]*>nichtöffentlich/);
  assert.equal(page.headers["cache-control"], "private, no-store");

  const paper = await get(`${base()}/vorlagen/${f.secretPaper}`, member.cookie);
  assert.equal(paper.statusCode, 200);
  assert.ok(paper.body.includes(SECRET_TITLE) && paper.body.includes(f.secretFile));
  assert.match(paper.body, /Diese Vorlage ist nicht öffentlich/);
  const file = await get(await fileUrl(f.secretFile), member.cookie);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers["content-type"], "application/pdf");
  assert.equal(file.headers["cache-control"], "private, no-store");
  assert.equal(file.headers.etag, undefined);

  const otherPage = await get(`${base()}/sitzungen/${f.meeting}`, other.cookie);
  assert.equal(otherPage.statusCode, 200);
  assert.ok(!otherPage.body.includes(SECRET_TITLE) && !otherPage.body.includes(f.secretPaper) && !otherPage.body.includes(f.secretFile));
  assert.match(otherPage.body, new RegExp(`N 1</span> ${NEUTRAL_TITLE}`));
  assert.equal((await get(`${base()}/vorlagen/${f.secretPaper}`, other.cookie)).statusCode, 404);
  assert.equal((await get(await fileUrl(f.secretFile), other.cookie)).statusCode, 404);
  // the Magistrat member sees their own body's non-public paper
  assert.equal((await get(`${base()}/vorlagen/${f.magistratPaper}`, other.cookie)).statusCode, 200);
  assert.equal((await get(`${base()}/vorlagen/${f.magistratPaper}`, member.cookie)).statusCode, 404);
});

test("cache: a member's view is never served to anonymous visitors; a publication changes the anonymous page", async () => {
  const url = `${base()}/sitzungen/${f.meeting}`;
  const anon1 = await get(url);
  const seen = await get(url, member.cookie);
  assert.ok(seen.body.includes(SECRET_TITLE));
  const anon2 = await get(url);
  assert.ok(!anon2.body.includes(SECRET_TITLE), "anonymous after the member");
  assert.equal(anon2.headers.etag, anon1.headers.etag, "served from the cache");

  // member first on a page nobody has fetched yet, then anonymous
  const paperUrl = `${base()}/vorlagen/${f.publicPaper}?x=1`;
  assert.equal((await get(paperUrl, member.cookie)).statusCode, 200);
  assert.ok(!(await get(url)).body.includes(SECRET_TITLE));
  assert.ok(!(await get(`${base()}/`)).body.includes("Sie sehen auch nichtöffentliche Inhalte"));

  const s = councilService(t.ctx);
  const calUrl = `${base()}/sitzungen?monat=2026-12`;
  const before = await get(calUrl);
  const m = await s.createMeeting(f.tenantId, { organizationId: f.org.finanz, startAt: "2026-12-10T17:00:00Z" }, actor);
  await s.addAgendaItem(f.tenantId, m.id, { name: "Mitteilungen des Magistrats", public: true }, actor);
  assert.ok(!(await get(calUrl)).body.includes(m.id), "not public before the invitation");
  await s.publishInvitation(f.tenantId, m.id, actor);
  const after = await get(calUrl);
  assert.ok(after.body.includes(`${base()}/sitzungen/${m.id}`), "the published meeting appears at once");
  assert.notEqual(after.headers.etag, before.headers.etag);
  const meetingPage = await get(`${base()}/sitzungen/${m.id}`);
  assert.match(meetingPage.body, /Ö 1<\/span> Mitteilungen des Magistrats/);
});

test("results once published: result, resolution, votes per faction, minutes and attendance; N 1's outcome stays hidden", async () => {
  const s = councilService(t.ctx);
  const m = await s.createMeeting(f.tenantId, { organizationId: f.org.parlament, startAt: "2026-11-20T18:00:00Z" }, actor);
  const open = await s.addAgendaItem(f.tenantId, m.id, { name: "Kita-Gebührensatzung", public: true }, actor);
  const closed = await s.addAgendaItem(f.tenantId, m.id, { name: "Vergabe Streusalz an Firma Vertraulich", public: false }, actor);
  await s.publishInvitation(f.tenantId, m.id, actor);
  await s.recordDecision(f.tenantId, open.id, { result: "ungeändert beschlossen", resolutionText: "Die Satzung wird beschlossen.", yes: 5, no: 2, abstain: 1, byFaction: [{ faction: f.org.cdu, yes: 5, no: 0, abstain: 0 }, { faction: f.org.spd, yes: 0, no: 2, abstain: 1 }] }, actor);
  await s.recordDecision(f.tenantId, closed.id, { result: "abgelehnt", resolutionText: "Geheimer Beschluss", yes: 1, no: 7, abstain: 0 }, actor);
  await s.recordAttendance(f.tenantId, m.id, [{ personId: f.person.member, status: "anwesend" }, { personId: f.person.consenting, status: "entschuldigt" }], actor);
  const url = `${base()}/sitzungen/${m.id}`;
  const beforeResults = await get(url);
  assert.ok(!beforeResults.body.includes("ungeändert beschlossen"), "results only once published");
  const minutes = await s.addFile(f.tenantId, { ownerType: "meeting", ownerId: m.id, role: "minutes", name: "Niederschrift", fileName: "niederschrift.pdf", data: await textPdf("Niederschrift", ["Öffentlicher Teil."]) }, actor);
  assert.ok(!(await get(url)).body.includes(minutes.id), "minutes only with the results");
  assert.equal((await get(await fileUrl(minutes.id))).statusCode, 404);
  await s.publishResults(f.tenantId, m.id, actor);

  const html = (await get(url)).body;
  assert.match(html, /Ergebnis<\/dt><dd[^>]*>ungeändert beschlossen/);
  assert.match(html, /Die Satzung wird beschlossen\./);
  assert.match(html, /Ja: 5, Nein: 2, Enthaltungen: 1/);
  assert.match(html, /CDU-Fraktion \(Test\)<\/th><td[^>]*>5<\/td><td[^>]*>0<\/td><td[^>]*>0/);
  assert.ok(html.includes(minutes.id), "minutes");
  assert.match(html, /Anwesend \(1\)[\s\S]*Rita Ratsmitglied[\s\S]*Entschuldigt \(1\)[\s\S]*Olga Offen/);
  assert.match(html, /Ergebnisse veröffentlicht/);
  for (const secret of ["Streusalz", "Geheimer Beschluss", "abgelehnt", "Ja: 1"]) assert.ok(!html.includes(secret), secret);
  assert.match(html, new RegExp(`N 1</span> ${NEUTRAL_TITLE}`));
  assert.equal((await get(await fileUrl(minutes.id))).statusCode, 200);
});

test("a withdrawn paper answers 410 with a German explanation; unknown ids 404", async () => {
  const s = councilService(t.ctx);
  const p = await s.createPaper(f.tenantId, { name: "Zurückzuziehender Antrag", paperType: "Antrag", bodyText: "Text", consultations: [{ organizationId: f.org.finanz, role: "Entscheidung" }] }, actor);
  await s.submitForApproval(f.tenantId, p.id, actor);
  await s.approve(f.tenantId, p.id, actor);
  const m = await s.createMeeting(f.tenantId, { organizationId: f.org.finanz, startAt: "2026-12-15T17:00:00Z" }, actor);
  const c = (await s.store.consultationsOfPaper(f.tenantId, p.id))[0]!;
  await s.addAgendaItem(f.tenantId, m.id, { consultationId: c.id, public: true }, actor);
  await s.publishInvitation(f.tenantId, m.id, actor);
  assert.equal((await get(`${base()}/vorlagen/${p.id}`)).statusCode, 200);
  await s.withdrawPaper(f.tenantId, p.id, actor);
  const gone = await get(`${base()}/vorlagen/${p.id}`);
  assert.equal(gone.statusCode, 410);
  assert.match(gone.body, /Diese Vorlage wurde zurückgezogen\./);
  assert.ok(!gone.body.includes("Zurückzuziehender Antrag"));
  assert.equal(gone.headers["cache-control"], "private, no-store");

  await s.withdrawMeeting(f.tenantId, m.id, actor);
  const goneMeeting = await get(`${base()}/sitzungen/${m.id}`);
  assert.equal(goneMeeting.statusCode, 410);
  assert.match(goneMeeting.body, /Diese Sitzung wurde zurückgezogen\./);

  assert.equal((await get(`${base()}/vorlagen/0193a1b2-0000-7000-8000-000000000000`)).statusCode, 404);
  assert.equal((await get(`${base()}/vorlagen/keine-id`)).statusCode, 404);
  assert.equal((await get(`${base()}/sitzungen/keine-id`)).statusCode, 404);
  assert.equal((await get(`${base()}/dokumente/keine-id/x.pdf`)).statusCode, 404);
  assert.equal((await get(`${base()}/vorlagen?weiter=keine-id`)).statusCode, 404);
});

test("bad input: a wrong month or wrong dates answer 422 with the message at the field, no stack trace", async () => {
  for (const monat of ["2026-13", "Dezember", "2026-1"]) {
    const res = await get(`${base()}/sitzungen?monat=${encodeURIComponent(monat)}`);
    assert.equal(res.statusCode, 422, monat);
    assert.match(res.body, /id="monat-fehler"[^>]*>[\s\S]*Bitte geben Sie den Monat im Format JJJJ-MM an/);
    assert.match(res.body, /href="#monat"/, "error summary links the field");
    noTrace(res.body);
  }
  const badBody = await get(`${base()}/sitzungen?monat=2026-12&gremium=0193a1b2-0000-7000-8000-000000000000`);
  assert.equal(badBody.statusCode, 422);
  assert.match(badBody.body, /id="gremium-fehler"/);

  const cases: [string, string, RegExp][] = [
    ["von=2026-02-30", "von", /Datum „von“ als Jahr-Monat-Tag/],
    ["bis=31.12.2026", "bis", /Datum „bis“ als Jahr-Monat-Tag/],
    ["von=2026-12-01&bis=2026-01-01", "bis", /liegt vor dem Datum „von“/],
    ["art=Geheimsache", "art", /Bitte wählen Sie eine Art aus der Liste/],
  ];
  for (const [qs, field, message] of cases) {
    const res = await get(`${base()}/suche?q=Bebauungsplan&${qs}`);
    assert.equal(res.statusCode, 422, qs);
    assert.match(res.body, new RegExp(`id="${field}-fehler"[^>]*>[\\s\\S]*?</p>`), qs);
    assert.match(res.body, message, qs);
    assert.ok(!res.body.includes(`vorlagen/${f.publicPaper}`), "no results with invalid filters");
    assert.equal(res.headers["cache-control"], "private, no-store");
    noTrace(res.body);
  }
});
