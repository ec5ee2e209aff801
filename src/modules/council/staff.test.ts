import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { createTestApp, csrfFrom, form, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { multipart } from "../../test-support/applications.js";
import { councilFixture, scannedPdf, textPdf, MEMBER_LOGIN, OTHER_MEMBER_LOGIN, SITZUNGSDIENST_LOGIN, type CouncilFixture } from "../../test-support/council.js";
import { councilService } from "./index.js";
import { extractPdfText } from "./service.js";

/**
 * The Sitzungsdienst's pages over HTTP, like a browser without JavaScript: the whole workflow
 * from a new paper to published results, who may open which page, bad input, and the mark on
 * PDFs without text.
 */

let t: TestApp;
let f: CouncilFixture;
let sd: { cookie: string; csrf: string };
const B = "/usingen/verwaltung/rat";
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
  sd = await loginStaff(t.app, SITZUNGSDIENST_LOGIN.email, SITZUNGSDIENST_LOGIN.password);
});
after(() => t.close());

const get = (url: string, cookie = sd.cookie) => t.app.inject({ url, headers: cookie ? { cookie } : {} });
const post = (url: string, fields: Record<string, string | string[]>, who: { cookie: string; csrf: string } | null = sd) =>
  t.app.inject({ method: "POST", url, headers: { ...urlencoded, ...(who ? { cookie: who.cookie } : {}) }, payload: form(who ? { _csrf: who.csrf, ...fields } : fields) });
const upload = (url: string, fields: Record<string, string>, file: { name: string; type: string; data: Buffer }, who = sd) => {
  const m = multipart({ _csrf: who.csrf, ...fields }, [{ field: "datei", ...file }]);
  return t.app.inject({ method: "POST", url, headers: { ...m.headers, cookie: who.cookie }, payload: m.payload });
};
const location = (res: LightMyRequestResponse) => String(res.headers.location ?? "");
const see = (res: LightMyRequestResponse, status: number, what: string) => assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body.slice(0, 400)}`);
const idFrom = (res: LightMyRequestResponse, kind: string) => {
  const m = new RegExp(`/${kind}/([0-9a-f-]{36})`).exec(location(res));
  assert.ok(m, `redirect to the new ${kind}: ${location(res)}`);
  return m[1]!;
};

test("the whole workflow over HTTP: paper → approval → meeting → agenda → invitation PDF → attendance → decisions → minutes → results; the paper moves on to the next body", async () => {
  const s = councilService(t.ctx);
  const PUBLIC = "Neubau Feuerwehrgerätehaus Eschbach";
  const SECRET = "Personalangelegenheit Kämmerei Stellenbesetzung Müller";

  // a new paper with a Beratungsfolge of two bodies (rows 3–5 left empty)
  const created = await post(`${B}/vorlagen`, { name: PUBLIC, paperType: "Beschlussvorlage", underDirectionOf: "Bauamt", bodyText: "Der Neubau wird beschlossen.", gremium1: f.org.finanz, rolle1: "Vorberatung", gremium2: f.org.parlament, rolle2: "Entscheidung", gremium3: "", rolle3: "Entscheidung" });
  see(created, 303, "create paper");
  const paperId = idFrom(created, "vorlagen");
  const cons = await s.store.consultationsOfPaper(f.tenantId, paperId);
  assert.deepEqual(cons.map((c) => [c.organization_id, c.role]), [[f.org.finanz, "Vorberatung"], [f.org.parlament, "Entscheidung"]]);
  const detail = await get(`${B}/vorlagen/${paperId}`);
  see(detail, 200, "paper page");
  assert.match(detail.body, /Zur Freigabe vorlegen/);
  assert.match(detail.body, /Entwurf bearbeiten/, "a draft can be edited");

  see(await post(`${B}/vorlagen/${paperId}/vorlegen`, {}), 303, "submit");
  const waiting = await get(B);
  assert.ok(waiting.body.includes(PUBLIC), "the start page lists the paper waiting for approval");
  see(await post(`${B}/vorlagen/${paperId}/freigeben`, {}), 303, "approve");
  assert.equal((await s.store.paper(f.tenantId, paperId))!.state, "freigegeben");
  const stale = await post(`${B}/vorlagen/${paperId}/freigeben`, {});
  see(stale, 409, "approving twice is a stale state");
  assert.match(stale.body, /Stand der Vorlage hat sich geändert/);

  // a meeting of the first body; the paper is its candidate
  const meetingRes = await post(`${B}/sitzungen`, { organizationId: f.org.finanz, name: "", date: "15.12.2026", start: "18:30", end: "21:00", locationId: "" });
  see(meetingRes, 303, "create meeting");
  const meetingId = idFrom(meetingRes, "sitzungen");
  const meeting = (await s.store.meeting(f.tenantId, meetingId))!;
  assert.equal(meeting.start_at, "2026-12-15T17:30:00.000Z", "18:30 in Berlin (CET)");
  const builder = await get(`${B}/sitzungen/${meetingId}`);
  see(builder, 200, "agenda builder");
  assert.ok(builder.body.includes(PUBLIC), "the released paper is offered for the agenda");
  const consultationId = cons[0]!.id;
  see(await post(`${B}/sitzungen/${meetingId}/punkte`, { consultationId, public: "1" }), 303, "add paper as public item");
  see(await post(`${B}/sitzungen/${meetingId}/punkte`, { title: SECRET }), 303, "add a free non-public topic");
  let items = await s.store.agendaItems(f.tenantId, meetingId);
  assert.deepEqual(items.map((i) => [i.number, i.name]), [["Ö 1", PUBLIC], ["N 1", SECRET]]);

  // the confirmation lists exactly what becomes public
  const confirm = await get(`${B}/sitzungen/${meetingId}/einladung`);
  see(confirm, 200, "confirmation");
  assert.match(confirm.body, /Ö 1 Neubau Feuerwehrgerätehaus Eschbach – mit der Vorlage VO\/2026\/\d{4}/);
  assert.match(confirm.body, /N 1 nur als „Nichtöffentliche Angelegenheit“/);
  assert.equal((await s.store.paper(f.tenantId, paperId))!.published_at, null, "nothing public before the confirmation");
  see(await post(`${B}/sitzungen/${meetingId}/einladung`, {}), 303, "publish invitation");
  assert.ok((await s.store.paper(f.tenantId, paperId))!.published_at, "the paper of the public item is public now");
  const invitation = (await s.store.filesOf(f.tenantId, "meeting", [meetingId])).find((x) => x.role === "invitation" && !x.deleted_at);
  assert.ok(invitation, "the invitation PDF is attached");
  const text = await extractPdfText(await t.ctx.storage.read(invitation.storage_key));
  assert.ok(text.includes("Feuerwehrgerätehaus Eschbach"), `public title in the invitation: ${text}`);
  assert.ok(text.includes("Nichtöffentliche Angelegenheit"));
  assert.ok(!text.includes("Kämmerei") && !text.includes("Müller"), "the non-public title is not in the public PDF");
  see(await post(`${B}/sitzungen/${meetingId}/einladung`, {}), 409, "publishing twice");

  // after the meeting
  // (the service does not tie these steps to the clock; the test keeps the clock, so the staff session stays valid)
  const attendance = await get(`${B}/sitzungen/${meetingId}/anwesenheit`);
  see(attendance, 200, "attendance page");
  assert.ok(attendance.body.includes("Olga Offen"), "the Finanzausschuss member is listed");
  assert.ok(!attendance.body.includes("Rita Ratsmitglied"), "someone without a membership in the body is not");
  see(await post(`${B}/sitzungen/${meetingId}/anwesenheit`, { [`p-${f.person.consenting}`]: "entschuldigt" }), 303, "attendance");
  assert.deepEqual((await s.store.attendance(f.tenantId, meetingId)).map((a) => [a.person_id, a.status]), [[f.person.consenting, "entschuldigt"]]);

  items = await s.store.agendaItems(f.tenantId, meetingId);
  const [pub, sec] = items as [typeof items[0], typeof items[0]];
  const votes = { result: "empfohlen", resolutionText: "Der Ausschuss empfiehlt den Neubau.", yes: "5", no: "1", abstain: "0" };
  const mismatch = await post(`${B}/sitzungen/${meetingId}/ergebnis/${pub.id}`, { ...votes, [`f-${f.org.cdu}-yes`]: "3", [`f-${f.org.cdu}-no`]: "1", [`f-${f.org.spd}-yes`]: "1", [`f-${f.org.spd}-no`]: "" });
  see(mismatch, 422, "factions do not add up");
  assert.match(mismatch.body, /Die Stimmen der Fraktionen ergeben zusammen nicht das Gesamtergebnis\./);
  assert.match(mismatch.body, new RegExp(`name="f-${f.org.cdu}-yes" value="3"`), "the input is kept");
  assert.equal((await s.store.agendaItem(f.tenantId, pub.id))!.result, null, "nothing written");
  see(await post(`${B}/sitzungen/${meetingId}/ergebnis/${pub.id}`, { ...votes, [`f-${f.org.cdu}-yes`]: "4", [`f-${f.org.cdu}-no`]: "1", [`f-${f.org.spd}-yes`]: "1" }), 303, "decision with per-faction votes");
  const decided = (await s.store.agendaItem(f.tenantId, pub.id))!;
  assert.equal(decided.result, "empfohlen");
  assert.deepEqual([decided.votes_yes, decided.votes_no, decided.votes_abstain], [5, 1, 0]);
  assert.deepEqual(JSON.parse(decided.votes_by_faction!), [{ faction: f.org.cdu, yes: 4, no: 1, abstain: 0 }, { faction: f.org.spd, yes: 1, no: 0, abstain: 0 }], "empty faction rows are not stored");
  see(await post(`${B}/sitzungen/${meetingId}/ergebnis/${sec.id}`, { result: "zur Kenntnis genommen" }), 303, "decision without votes");

  const noMinutes = await post(`${B}/sitzungen/${meetingId}/ergebnisse`, {});
  see(noMinutes, 422, "results without minutes");
  assert.match(noMinutes.body, /Niederschrift hoch/);
  see(await upload(`${B}/sitzungen/${meetingId}/niederschrift`, { titel: "Niederschrift", rolle: "minutes" }, { name: "niederschrift.pdf", type: "application/pdf", data: await textPdf("Niederschrift", ["Die Sitzung wurde um 18:30 Uhr eröffnet."]) }), 303, "minutes upload");
  see(await post(`${B}/sitzungen/${meetingId}/ergebnisse`, {}), 303, "publish results");
  const done = (await s.store.meeting(f.tenantId, meetingId))!;
  assert.equal(done.state, "abgeschlossen");
  assert.ok(done.results_published_at);

  // the paper is now on the list of the next body of its Beratungsfolge
  assert.ok((await s.store.agendaCandidates(f.tenantId, f.org.parlament)).some((c) => c.paper_id === paperId));
  const next = await s.createMeeting(f.tenantId, { organizationId: f.org.parlament, startAt: "2027-01-20T17:00:00Z" }, { id: "test" });
  assert.ok((await get(`${B}/sitzungen/${next.id}`)).body.includes(PUBLIC), "offered on the parliament's agenda builder");
});

test("authorisation: every Sitzungsdienst route refuses a council member and anonymous visitors; the member page needs the member role (or an admin); CSRF is required", async () => {
  const routes = t.app.registeredRoutes.filter((r) => r.url.startsWith("/:tenant/verwaltung/rat") && r.method !== "HEAD");
  assert.ok(routes.length >= 40, `all staff routes found (${routes.length})`);
  const memberSession = await loginStaff(t.app, MEMBER_LOGIN.email, MEMBER_LOGIN.password);
  const fill = (url: string) => url.replace(":tenant", "usingen").replace(/:(id|itemId|fileId|membershipId)/g, (_m, k: string) => ({ id: f.meeting, itemId: f.publicItem, fileId: f.publicFile, membershipId: f.meeting })[k]!);
  for (const r of routes) {
    assert.ok(r.guard?.tenant, `${r.method} ${r.url} has a tenant guard`);
    const url = fill(r.url);
    const isMemberPage = r.url.endsWith("/mandat");
    assert.equal(r.guard!.role, isMemberPage ? "mandatstraeger" : "sitzungsdienst", `${r.method} ${r.url}: role`);
    if (r.method === "GET") {
      const anon = await get(url, "");
      see(anon, 303, `anonymous GET ${url}`);
      assert.match(location(anon), /^\/verwaltung\/anmelden\?weiter=/);
      if (!isMemberPage) see(await get(url, memberSession.cookie), 403, `member GET ${url}`);
    } else {
      see(await post(url, {}, null), 403, `anonymous POST ${url}`);
      see(await post(url, {}, memberSession), 403, `member POST ${url}`);
    }
  }

  // the member page: a member sees their bodies; staff without the role do not get in, admins do
  const mine = await get(`${B}/mandat`, memberSession.cookie);
  see(mine, 200, "member page");
  assert.match(mine.body, /Bau- und Planungsausschuss \(Test\)/);
  assert.ok(mine.body.includes(`/usingen/rat/sitzungen/${f.meeting}`), "links to the public meeting page");
  assert.ok(!mine.body.includes("Magistrat (Test)"), "not a body of another member");
  const other = await get(`${B}/mandat`, (await loginStaff(t.app, OTHER_MEMBER_LOGIN.email, OTHER_MEMBER_LOGIN.password)).cookie);
  assert.match(other.body, /Magistrat \(Test\)/);
  see(await get(`${B}/mandat`), 403, "Sitzungsdienst without the member role");
  const clerk = await t.ctx.accounts.create({ email: "buergerbuero.rat@usingen.example", name: "Bea Büro", password: "Buergerbuero-Test-2026" });
  await t.ctx.accounts.grantRole(clerk, f.tenantId, "buergerbuero");
  const clerkSession = await loginStaff(t.app, "buergerbuero.rat@usingen.example", "Buergerbuero-Test-2026");
  see(await get(`${B}/mandat`, clerkSession.cookie), 403, "other staff on the member page");
  see(await get(B, clerkSession.cookie), 403, "other staff on the Sitzungsdienst pages");
  const admin = DEMO_ACCOUNTS[1]!;
  const adminSession = await loginStaff(t.app, admin.email, admin.password);
  see(await get(`${B}/mandat`, adminSession.cookie), 200, "the municipality's admin may open the member page");
  see(await get(B, adminSession.cookie), 200, "…and the Sitzungsdienst's");

  // CSRF: a POST without the token, and a multipart upload without _csrf first
  const before = (await councilService(t.ctx).store.papers(f.tenantId)).length;
  const noToken = await t.app.inject({ method: "POST", url: `${B}/vorlagen`, headers: { ...urlencoded, cookie: sd.cookie }, payload: form({ name: "Ohne Token", paperType: "Antrag", gremium1: f.org.parlament, rolle1: "Entscheidung" }) });
  see(noToken, 403, "POST without CSRF token");
  assert.equal((await councilService(t.ctx).store.papers(f.tenantId)).length, before, "nothing created");
  const m = multipart({ titel: "x" }, [{ field: "datei", name: "a.pdf", type: "application/pdf", data: await scannedPdf() }]);
  see(await t.app.inject({ method: "POST", url: `${B}/vorlagen/${f.publicPaper}/dateien`, headers: { ...m.headers, cookie: sd.cookie }, payload: m.payload }), 403, "upload without CSRF");
  const wrong = multipart({ _csrf: "falsch" }, [{ field: "datei", name: "a.pdf", type: "application/pdf", data: await scannedPdf() }]);
  see(await t.app.inject({ method: "POST", url: `${B}/vorlagen/${f.publicPaper}/dateien`, headers: { ...wrong.headers, cookie: sd.cookie }, payload: wrong.payload }), 403, "upload with a wrong token");

  // unknown ids are 404
  see(await get(`${B}/vorlagen/00000000-0000-7000-8000-000000000000`), 404, "unknown paper");
  see(await get(`${B}/sitzungen/00000000-0000-7000-8000-000000000000`), 404, "unknown meeting");
  see(await get(`${B}/sitzungen/${f.magistratMeeting}/ergebnis/${f.publicItem}`), 404, "an item of another meeting");
});

test("bad input: a clear message at the field with 422, the input kept, nothing stored", async () => {
  const s = councilService(t.ctx);
  const count = async () => (await s.store.papers(f.tenantId)).length;
  const n = await count();

  const noName = await post(`${B}/vorlagen`, { name: "  ", paperType: "Antrag", bodyText: "Mein Text bleibt", gremium1: f.org.parlament, rolle1: "Entscheidung" });
  see(noName, 422, "empty Betreff");
  assert.match(noName.body, /<a class="kern-link" href="#name">Bitte geben Sie den Betreff der Vorlage ein\.<\/a>/, "in the error summary, linked to the field");
  assert.match(noName.body, /id="name-fehler"/);
  assert.match(noName.body, /Mein Text bleibt/);
  assert.match(noName.body, /<title>Fehler: /);

  const noBody = await post(`${B}/vorlagen`, { name: "Antrag ohne Gremium", paperType: "Antrag", gremium1: "", rolle1: "Entscheidung" });
  see(noBody, 422, "no body in the Beratungsfolge");
  assert.match(noBody.body, /href="#gremium1">Bitte legen Sie die Beratungsfolge fest/);
  assert.match(noBody.body, /value="Antrag ohne Gremium"/);
  assert.equal(await count(), n, "no paper stored");

  const files = async () => (await s.store.filesOf(f.tenantId, "paper", [f.publicPaper])).length;
  const filesBefore = await files();
  const notPdf = await upload(`${B}/vorlagen/${f.publicPaper}/dateien`, { titel: "Foto", rolle: "auxiliary" }, { name: "foto.pdf", type: "application/pdf", data: Buffer.from("GIF89a this is not a PDF at all") });
  see(notPdf, 422, "non-PDF upload");
  assert.match(notPdf.body, /Die Datei ist keine PDF-Datei/);
  assert.match(notPdf.body, /id="datei-fehler"/);
  assert.equal(await files(), filesBefore, "nothing stored");
  const noFile = await upload(`${B}/vorlagen/${f.publicPaper}/dateien`, { titel: "" }, { name: "", type: "application/octet-stream", data: Buffer.alloc(0) });
  see(noFile, 422, "no file chosen");
  assert.match(noFile.body, /Bitte wählen Sie eine PDF-Datei aus/);

  const meetings = (await s.store.meetings(f.tenantId)).length;
  const badDate = await post(`${B}/sitzungen`, { organizationId: f.org.bau, date: "2026-13-45", start: "18 Uhr", end: "" });
  see(badDate, 422, "date in the wrong format");
  assert.match(badDate.body, /href="#date">Bitte geben Sie das Datum im Format TT\.MM\.JJJJ an/);
  assert.match(badDate.body, /href="#start">Bitte geben Sie den Beginn als Uhrzeit SS:MM an/);
  assert.match(badDate.body, /value="2026-13-45"/);
  const endBeforeStart = await post(`${B}/sitzungen`, { organizationId: f.org.bau, date: "09.02.2027", start: "18:00", end: "17:00" });
  see(endBeforeStart, 422, "end before start");
  assert.match(endBeforeStart.body, /Das Ende der Sitzung muss nach ihrem Beginn liegen/);
  assert.equal((await s.store.meetings(f.tenantId)).length, meetings, "no meeting stored");

  const factionMeeting = await post(`${B}/sitzungen`, { organizationId: f.org.cdu, date: "09.02.2027", start: "18:00" });
  see(factionMeeting, 422, "a faction does not get meetings here");

  const emptyTopic = await post(`${B}/sitzungen/${f.meeting}/punkte`, { title: " ", public: "1" });
  see(emptyTopic, 422, "empty agenda topic");
  assert.match(emptyTopic.body, /Bitte geben Sie den Titel des Tagesordnungspunkts ein/);

  const person = await post(`${B}/personen`, { familyName: "", givenName: "Ida", accountEmail: "niemand@usingen.example" });
  see(person, 422, "person without family name and with an unknown account");
  assert.match(person.body, /href="#familyName"/);
  assert.match(person.body, /href="#accountEmail"/);
  const membership = await post(`${B}/personen/${f.person.consenting}/mitgliedschaften`, { organizationId: f.org.bau, from: "1.4.21x" });
  see(membership, 422, "membership with a bad date");
  assert.match(membership.body, /href="#from"/);
});

test("master data: body, person with consent and account link, membership added and ended; settings", async () => {
  const s = councilService(t.ctx);
  see(await post(`${B}/gremien`, { name: "Ortsbeirat Eschbach", kind: "ortsbeirat", nonpublic: "" }), 303, "body");
  const body = (await s.store.organizations(f.tenantId)).find((o) => o.name === "Ortsbeirat Eschbach")!;
  assert.equal(body.meets_publicly, 1);
  assert.match((await get(`${B}/gremien`)).body, /Magistrat \(Test\)<\/th><td class="kern-table__cell">Verwaltungsorgan<\/td><td class="kern-table__cell">tagt nur nichtöffentlich/);

  const account = await t.ctx.accounts.create({ email: "neues.mitglied@usingen.example", name: "Nora Neu", password: "Neues-Mitglied-2026" });
  await t.ctx.accounts.grantRole(account, f.tenantId, "mandatstraeger");
  const created = await post(`${B}/personen`, { familyName: "Neu", givenName: "Nora", party: "FWG", consent: "1", email: "nora@example.org", accountEmail: "Neues.Mitglied@usingen.example" });
  see(created, 303, "person");
  const personId = idFrom(created, "personen");
  const p = (await s.store.person(f.tenantId, personId))!;
  assert.ok(p.consent_at);
  assert.equal(p.account_id, account);
  see(await post(`${B}/personen/${personId}/mitgliedschaften`, { organizationId: body.id, role: "Mitglied", onBehalfOf: "", votingRight: "1", from: "01.12.2026" }), 303, "membership");
  const [m] = await s.store.membershipsOfPerson(f.tenantId, personId);
  assert.equal(m!.start_date, "2026-12-01");
  see(await post(`${B}/personen/${personId}/mitgliedschaften/${m!.id}/beenden`, { until: "31.12.2026" }), 303, "end membership");
  assert.equal((await s.store.membership(f.tenantId, m!.id))!.end_date, "2026-12-31");
  see(await post(`${B}/personen/${personId}`, { familyName: "Neu", givenName: "Nora", party: "FWG", email: "", accountEmail: "" }), 303, "edit: consent and account removed");
  const q = (await s.store.person(f.tenantId, personId))!;
  assert.equal(q.consent_at, null);
  assert.equal(q.account_id, null);

  see(await post(`${B}/einstellungen`, { nonpublicMeetings: "hidden" }), 303, "settings");
  assert.equal((await s.store.settings(f.tenantId))!.nonpublic_meetings, "hidden");
  assert.match((await get(`${B}/einstellungen`)).body, /value="hidden" checked/);
  see(await post(`${B}/einstellungen`, { nonpublicMeetings: "date" }), 303, "settings back");
});

test("a scanned PDF is marked as not searchable in the staff view after the text job ran", async () => {
  const res = await upload(`${B}/vorlagen/${f.secretPaper}/dateien`, { titel: "Eingescannter Lageplan", rolle: "auxiliary" }, { name: "scan.pdf", type: "application/pdf", data: await scannedPdf() });
  see(res, 303, "upload scan");
  const pending = await get(`${B}/vorlagen/${f.secretPaper}`);
  assert.match(pending.body, /Eingescannter Lageplan[\s\S]*?Text wird erkannt/);
  await t.ctx.jobs.runDue(100);
  const page = await get(`${B}/vorlagen/${f.secretPaper}`);
  const row = /<tr class="kern-table__row" id="datei-[^"]+"><th[^>]*><a[^>]*>Eingescannter Lageplan<\/a>[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? "";
  assert.match(row, /nicht durchsuchbar \(kein Text erkannt\)/);
  assert.match(row, /Texterkennung \(OCR\)/, "with a hint what to do");
  const textRow = /<tr class="kern-table__row" id="datei-[^"]+"><th[^>]*><a[^>]*>Kaufvertragsentwurf<\/a>[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? "";
  assert.match(textRow, /durchsuchbar/);
  assert.doesNotMatch(textRow, /nicht durchsuchbar/, "a PDF with text is not marked");
});
