import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { councilFixture, scannedPdf, type CouncilFixture, SECRET_TITLE } from "../../test-support/council.js";
import { councilService } from "./index.js";
import { CouncilRuleError } from "./service.js";
import { PUBLIC, agendaItemVisibility, meetingVisibility, paperVisible } from "./visibility.js";

let t: TestApp;
let f: CouncilFixture;
const actor = { id: "test" };

before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
});
after(() => t.close());

test("papers: reference numbers per year, draft → approval → released; only drafts change", async () => {
  const s = councilService(t.ctx);
  const p = await s.createPaper(f.tenantId, { name: "Haushaltssatzung 2027", paperType: "Beschlussvorlage", bodyText: "Text", consultations: [{ organizationId: f.org.finanz, role: "Vorberatung" }, { organizationId: f.org.parlament, role: "Entscheidung" }], date: "2026-11-27" }, actor);
  assert.match(p.reference, /^VO\/2026\/\d{4}$/);
  const q = await s.createPaper(f.tenantId, { name: "Zweite", paperType: "Antrag", bodyText: "", consultations: [{ organizationId: f.org.parlament, role: "Entscheidung" }], date: "2026-11-27" }, actor);
  assert.equal(Number(q.reference.slice(-4)), Number(p.reference.slice(-4)) + 1);
  await assert.rejects(s.approve(f.tenantId, p.id, actor), CouncilRuleError, "approval needs the approval step first");
  await s.submitForApproval(f.tenantId, p.id, actor);
  await assert.rejects(s.updatePaper(f.tenantId, p.id, { name: "x", paperType: "Antrag", bodyText: "", consultations: [{ organizationId: f.org.parlament, role: "Entscheidung" }] }, actor), CouncilRuleError);
  await s.approve(f.tenantId, p.id, actor);
  const cons = await s.store.consultationsOfPaper(f.tenantId, p.id);
  assert.deepEqual(cons.map((c) => c.status), ["offen", "wartet"]);
  const candidates = await s.store.agendaCandidates(f.tenantId, f.org.finanz);
  assert.ok(candidates.some((c) => c.paper_id === p.id));
  assert.ok(!(await s.store.agendaCandidates(f.tenantId, f.org.parlament)).some((c) => c.paper_id === p.id), "the second body waits");
  await assert.rejects(s.createPaper(f.tenantId, { name: " ", paperType: "Antrag", bodyText: "", consultations: [] }, actor), /Betreff/);
});

test("publishing the invitation makes the public papers public at once; the non-public paper stays hidden", async () => {
  const s = councilService(t.ctx);
  const pub = (await s.store.paper(f.tenantId, f.publicPaper))!;
  const sec = (await s.store.paper(f.tenantId, f.secretPaper))!;
  assert.ok(pub.published_at, "public paper published with the invitation");
  assert.equal(sec.published_at, null);
  assert.equal(paperVisible(PUBLIC, sec), false);
  const meeting = (await s.store.meeting(f.tenantId, f.meeting))!;
  const items = await s.store.agendaItems(f.tenantId, f.meeting);
  assert.deepEqual(items.map((i) => i.number), ["Ö 1", "N 1"]);
  const view = meetingVisibility(PUBLIC, meeting, await s.store.organization(f.tenantId, meeting.organization_id), await s.store.settings(f.tenantId));
  assert.equal(view, "full");
  assert.deepEqual(items.map((i) => agendaItemVisibility(PUBLIC, i, meeting, view)), ["full", "neutral"]);
  // a council member of the Bauausschuss sees the non-public item, one of the Magistrat does not
  const member = await s.viewerFor(f.tenantId, { id: (await s.store.person(f.tenantId, f.person.member))!.account_id! }, false);
  const other = await s.viewerFor(f.tenantId, { id: (await s.store.person(f.tenantId, f.person.other))!.account_id! }, false);
  assert.equal(member.kind, "member");
  assert.equal(agendaItemVisibility(member, items[1]!, meeting, view), "full");
  assert.equal(paperVisible(member, sec, [meeting.organization_id]), true);
  assert.equal(agendaItemVisibility(other, items[1]!, meeting, view), "neutral");
  assert.equal(paperVisible(other, sec, [meeting.organization_id]), false);
});

test("a body that meets only non-publicly: its meetings by date only, or not at all", async () => {
  const s = councilService(t.ctx);
  const m = (await s.store.meeting(f.tenantId, f.magistratMeeting))!;
  const org = await s.store.organization(f.tenantId, f.org.magistrat);
  assert.equal(meetingVisibility(PUBLIC, m, org, { nonpublic_meetings: "date" }), "date-only");
  assert.equal(meetingVisibility(PUBLIC, m, org, { nonpublic_meetings: "hidden" }), "none");
});

test("search: the public paper by another word form and by its PDF's text; nothing of the non-public item", async () => {
  const s = councilService(t.ctx);
  const hits = await s.search.query(f.tenantId, "Bebauungspläne", { types: ["council.paper"] });
  assert.ok(hits.some((h) => h.id === f.publicPaper), "found by another word form");
  const byPdf = await s.search.query(f.tenantId, "Weilburger Straße");
  assert.ok(byPdf.some((h) => h.id === f.publicPaper), "found by the text of its PDF");
  assert.deepEqual(await s.search.query(f.tenantId, "Zitronenfalter"), [], "non-public PDF text is not searchable");
  assert.deepEqual(await s.search.query(f.tenantId, "Grundstücksangelegenheit"), []);
  assert.deepEqual(await s.search.query(f.tenantId, "Personalangelegenheit"), []);
  const byOrg = await s.search.query(f.tenantId, "Bebauungsplan", { facets: [`org:${f.org.finanz}`] });
  assert.ok(!byOrg.some((h) => h.id === f.publicPaper), "filtered by committee");
  const byDate = await s.search.query(f.tenantId, "Bebauungsplan", { from: "2030-01-01" });
  assert.deepEqual(byDate, []);
});

test("a PDF without text is published but marked unsearchable; a non-PDF is refused", async () => {
  const s = councilService(t.ctx);
  const file = await s.addFile(f.tenantId, { ownerType: "paper", ownerId: f.publicPaper, role: "auxiliary", name: "Lageplan (Scan)", fileName: "scan.pdf", data: await scannedPdf() }, actor);
  await t.ctx.jobs.runDue(10);
  assert.equal((await s.store.file(f.tenantId, file.id))!.text_status, "none");
  await assert.rejects(s.addFile(f.tenantId, { ownerType: "paper", ownerId: f.publicPaper, role: "auxiliary", name: "x", fileName: "x.pdf", data: Buffer.from("<html>no pdf</html>") }, actor), /keine PDF-Datei/);
  const text = (await s.store.file(f.tenantId, f.publicFile))!;
  assert.equal(text.text_status, "ok");
  assert.match(text.text!, /Bebauungspläne der Nachbargemeinden/);
});

test("decisions: votes must add up; a decided item moves on to the next body; results need minutes", async () => {
  const s = councilService(t.ctx);
  await assert.rejects(s.recordDecision(f.tenantId, f.publicItem, { result: "empfohlen", yes: 5, no: 1, abstain: 0, byFaction: [{ faction: f.org.cdu, yes: 3, no: 0, abstain: 0 }, { faction: f.org.spd, yes: 1, no: 1, abstain: 0 }] }, actor), /Fraktionen/);
  await s.recordDecision(f.tenantId, f.publicItem, { result: "empfohlen", yes: 5, no: 1, abstain: 0, byFaction: [{ faction: f.org.cdu, yes: 4, no: 0, abstain: 0 }, { faction: f.org.spd, yes: 1, no: 1, abstain: 0 }] }, actor);
  const cons = await s.store.consultationsOfPaper(f.tenantId, f.publicPaper);
  assert.deepEqual(cons.map((c) => c.status), ["beraten", "offen"]);
  assert.ok((await s.store.agendaCandidates(f.tenantId, f.org.parlament)).some((c) => c.paper_id === f.publicPaper), "now with the Stadtverordnetenversammlung");
  await assert.rejects(s.publishResults(f.tenantId, f.meeting, actor), /N 1/);
  await s.recordDecision(f.tenantId, f.secretItem, { result: "ungeändert beschlossen", yes: 6, no: 0, abstain: 0 }, actor);
  await assert.rejects(s.publishResults(f.tenantId, f.meeting, actor), /Niederschrift/);
  await s.addFile(f.tenantId, { ownerType: "meeting", ownerId: f.meeting, role: "minutes", name: "Niederschrift", fileName: "niederschrift.pdf", data: await scannedPdf() }, actor);
  const before = (await s.store.meeting(f.tenantId, f.meeting))!.modified_at;
  t.clock.advance(60_000);
  await s.publishResults(f.tenantId, f.meeting, actor);
  const m = (await s.store.meeting(f.tenantId, f.meeting))!;
  assert.equal(m.state, "abgeschlossen");
  assert.ok(m.modified_at > before, "publishing moves modified");
  await assert.rejects(s.recordDecision(f.tenantId, f.publicItem, { result: "abgelehnt" }, actor), /Niederschrift/);
});

test("withdrawing a public paper leaves a tombstone and takes it out of search", async () => {
  const s = councilService(t.ctx);
  const p = await s.createPaper(f.tenantId, { name: "Straßenbeleuchtung Zitadellenweg", paperType: "Mitteilung", bodyText: "", consultations: [{ organizationId: f.org.bau, role: "Kenntnisnahme" }] }, actor);
  await s.submitForApproval(f.tenantId, p.id, actor);
  await s.approve(f.tenantId, p.id, actor);
  const m = await s.createMeeting(f.tenantId, { organizationId: f.org.bau, startAt: "2027-01-12T17:00:00Z" }, actor);
  const c = (await s.store.consultationsOfPaper(f.tenantId, p.id))[0]!;
  await s.addAgendaItem(f.tenantId, m.id, { consultationId: c.id, public: true }, actor);
  await s.publishInvitation(f.tenantId, m.id, actor);
  assert.deepEqual((await s.search.query(f.tenantId, "Zitadellenweg", { types: ["council.paper", "council.agendaItem"] })).map((h) => h.type).sort(), ["council.agendaItem", "council.paper"]);
  await s.withdrawPaper(f.tenantId, p.id, actor);
  const row = (await s.store.paper(f.tenantId, p.id))!;
  assert.ok(row.deleted_at && row.published_at, "tombstone of a published paper");
  assert.deepEqual((await s.search.query(f.tenantId, "Zitadellenweg", { types: ["council.paper"] })).length, 0);
});

test("the non-public title never reaches the search index", async () => {
  const rows = await t.ctx.db.kysely.selectFrom("search_documents").select(["title", "body_excerpt"]).execute();
  assert.ok(!rows.some((r) => r.title.includes("Grundstücksangelegenheit") || r.body_excerpt.includes("Geheim")), JSON.stringify(rows.filter((r) => r.title.includes("Grund"))));
  assert.ok(!JSON.stringify(rows).includes(SECRET_TITLE));
});
