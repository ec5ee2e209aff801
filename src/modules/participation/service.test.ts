import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { closePhase, decidePaper, openPhase, parliamentOf, participationFixture, planPdf, type ParticipationFixture } from "../../test-support/participation.js";
import { participation } from "./index.js";
import { ParticipationRuleError, PeriodClosedError, phaseState } from "./service.js";
import { addDays, minimumLastDay } from "./periods.js";
import { anonymise } from "./weighing.js";
import { councilService } from "../council/index.js";

let t: TestApp;
let f: ParticipationFixture;
const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(2000, 1)]);
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

before(async () => {
  t = await createTestApp();
  f = await participationFixture(t.ctx);
});
after(async () => t?.close());

const p = () => participation(t.ctx);
const planner = () => ({ id: f.plannerId });
const mails = async (to: string) => (await t.ctx.mail.list({ limit: 500 })).filter((m) => m.to === to);

test("a § 3 (2) period one day short of the minimum is refused with the earliest last day", async () => {
  const start = addDays(p().service.today(), 40);
  const min = minimumLastDay("foermlich", start)!;
  await assert.rejects(
    p().service.schedulePhase(f.tenantId, f.procedure.id, { stage: "foermlich", publicParticipation: true, agencyParticipation: false, start, end: addDays(min, -1) }, planner()),
    (e: unknown) => e instanceof ParticipationRuleError && e.field === "ende" && e.message.includes(min.split("-").reverse().join(".")),
  );
});

test("scheduling announces the phase through the publishing module and mails the agency its personal link", async () => {
  assert.equal(f.procedure.state, "laufend");
  const event = await t.ctx.db.kysely.selectFrom("publishing_events").selectAll().where("tenant_id", "=", f.tenantId).where("source_id", "=", f.phase.id).executeTakeFirst();
  assert.equal(event?.event_type, "participation.phase.announced");
  assert.equal(event?.action, "auto");
  const item = await t.ctx.db.kysely.selectFrom("publishing_items").selectAll().where("id", "=", event!.item_id!).executeTakeFirstOrThrow();
  assert.equal(item.kind, "announcement");
  assert.match(item.body_html, /unberücksichtigt bleiben/);
  const invitation = (await mails("toeb.rp@behoerde.example")).at(-1);
  assert.ok(invitation, "agency mailed");
  assert.match(invitation.text, /\/usingen\/beteiligung\/toeb\/[A-Za-z0-9_-]{20,}/);
  assert.equal(phaseState(f.phase, t.clock.now()), "geplant");
});

test("statements: refused before the start, taken during the period, refused after 24:00 of the last day; staff entries after it are late", async () => {
  await assert.rejects(p().service.submitStatement(f.tenantId, f.phase.id, { text: "Zu früh", consent: true }, { kind: "anonymous" }), PeriodClosedError);
  openPhase(t.clock, f.phase);
  // the phase job runs every minute; here once while the phase is open
  assert.ok((await p().service.processDuePhases()) >= 1);
  const r = await p().service.submitStatement(f.tenantId, f.phase.id, { text: "Bitte den Baumbestand am Mühlweg erhalten. Ich wohne in der Mühlstraße 12.", name: "Erika Mustermann", email: "erika@example.org", consent: true, documentId: f.documentId, documentPage: "12", files: [{ fileName: "foto.png", data: png }] }, { kind: "anonymous" });
  assert.match(r.reference, /^ST-\d{4}-\d{5}$/);
  assert.equal(r.late, false);
  const receipt = (await mails("erika@example.org")).at(-1);
  assert.ok(receipt?.text.includes(r.reference));
  assert.ok(!receipt!.text.includes("Baumbestand"), "the receipt carries no content");
  assert.equal((await p().service.store.attachments(f.tenantId, r.id)).length, 1);

  // the last minute of the last day still counts, the first minute after it does not
  t.clock.set(new Date(Date.parse(f.phase.closes_at) - 60_000));
  await p().service.submitStatement(f.tenantId, f.phase.id, { text: "Kurz vor Schluss: mehr Parkplätze vorsehen.", consent: true }, { kind: "anonymous" });
  closePhase(t.clock, f.phase);
  await assert.rejects(
    p().service.submitStatement(f.tenantId, f.phase.id, { text: "Zu spät", consent: true }, { kind: "anonymous" }),
    (e: unknown) => e instanceof PeriodClosedError && /abgelaufen/.test(e.message) && /unberücksichtigt/.test(e.message),
  );
  const late = await p().service.submitStatement(f.tenantId, f.phase.id, { text: "Brief vom Heimatverein, eingegangen nach Fristende.", name: "Heimatverein Usingen", consent: false }, { kind: "staff", actor: planner(), receivedOn: p().service.today(), source: "oeffentlichkeit", address: "Marktplatz 1, 61250 Usingen" });
  assert.equal(late.late, true);
});

test("the text search folds umlauts the same way on both databases, one scan gives page and total", async () => {
  const hit = await p().service.store.listStatements(f.tenantId, f.procedure.id, { q: "MÜHLWEG" }, { offset: 0, limit: 50 });
  assert.equal(hit.total, 1);
  assert.match(hit.items[0]!.excerpt, /Mühlweg/);
  const byReference = await p().service.store.listStatements(f.tenantId, f.procedure.id, { q: hit.items[0]!.reference.toLowerCase() }, { offset: 0, limit: 50 });
  assert.equal(byReference.items[0]?.id, hit.items[0]!.id);
  const beyond = await p().service.store.listStatements(f.tenantId, f.procedure.id, {}, { offset: 50, limit: 50 });
  assert.deepEqual([beyond.items.length, beyond.total], [0, 3]);
});

test("an executable named .pdf is refused and nothing is stored", async () => {
  const before = (await p().service.store.statementCounts(f.tenantId, f.procedure.id)).reduce((a, c) => a + c.n, 0);
  await assert.rejects(
    p().service.submitStatement(f.tenantId, f.phase.id, { text: "Mit Anlage", consent: true, files: [{ fileName: "plan.pdf", data: exe }] }, { kind: "staff", actor: planner(), receivedOn: p().service.today(), source: "oeffentlichkeit" }),
    (e: unknown) => e instanceof ParticipationRuleError && e.field === "anlagen" && /plan\.pdf ist keine PDF-, PNG- oder JPEG-Datei/.test(e.message),
  );
  const afterCount = (await p().service.store.statementCounts(f.tenantId, f.procedure.id)).reduce((a, c) => a + c.n, 0);
  assert.equal(afterCount, before);
});

test("the phase job raises 'opened' and 'closed' once each", async () => {
  assert.ok((await p().service.processDuePhases()) >= 1);
  await p().service.processDuePhases();
  const events = await t.ctx.db.kysely.selectFrom("publishing_events").select("event_type").where("tenant_id", "=", f.tenantId).where("source_id", "=", f.phase.id).execute();
  assert.deepEqual(events.map((e) => e.event_type).sort(), ["participation.phase.announced", "participation.phase.closed", "participation.phase.opened"]);
});

test("anonymise removes the private person's name, street address and e-mail, keeps agencies' names", () => {
  const out = anonymise({ text: "Ich, Erika Mustermann (erika@example.org, 06081 123456), wohne in der Mühlstraße 12 in 61250 Usingen.", submitter_name: "Erika Mustermann", source: "oeffentlichkeit", published_text: null });
  assert.ok(!/Erika|Mustermann|erika@|Mühlstraße 12|123456/.test(out), out);
  assert.match(out, /\[Name entfernt\]/);
  assert.match(out, /\[Anschrift entfernt\]/);
});

test("weighing: hand-over refused while statements are open; afterwards the council paper carries the table and its decision reaches the submitters", async () => {
  const parliament = await parliamentOf(t.ctx, f.tenantId);
  await assert.rejects(p().weighing.handToCouncil(f.tenantId, f.procedure.id, [{ organizationId: parliament, role: "Entscheidung" }], planner()), /noch nicht abgewogen/);
  const list = await p().service.store.listStatements(f.tenantId, f.procedure.id, {}, { offset: 0, limit: 50 });
  await assert.rejects(p().service.saveWeighing(f.tenantId, list.items[0]!.id, { verdict: null, response: "x", done: true }, planner()), (e: unknown) => e instanceof ParticipationRuleError && e.field === "votum");
  for (const s of list.items) await p().service.saveWeighing(f.tenantId, s.id, { verdict: "teilweise", response: "Der Baumbestand wird weitgehend erhalten; eine Reihe Stellplätze entfällt.", topicNames: ["Grün", "Verkehr"], done: true }, planner());

  const handed = await p().weighing.handToCouncil(f.tenantId, f.procedure.id, [{ organizationId: parliament, role: "Entscheidung" }], planner());
  const paper = await councilService(t.ctx).paperSummary(f.tenantId, handed.paperId);
  assert.equal(paper?.reference, handed.paperReference);
  assert.match(paper!.name, /Abwägung der Stellungnahmen zum Bebauungsplan Nr\. 42/);
  const files = await councilService(t.ctx).store.filesOf(f.tenantId, "paper", [handed.paperId]);
  const table = files.find((x) => x.name === "Abwägungstabelle");
  assert.ok(table, "the weighing table is a file of the paper");
  assert.equal((await t.ctx.storage.read(table.storage_key)).subarray(0, 5).toString(), "%PDF-");
  await assert.rejects(p().service.saveWeighing(f.tenantId, list.items[0]!.id, { verdict: "kenntnis", response: "neu", done: true }, planner()), /bereits dem Rat übergeben/);
  await assert.rejects(p().weighing.handToCouncil(f.tenantId, f.procedure.id, [{ organizationId: parliament, role: "Entscheidung" }], planner()), /keine Stellungnahmen, die noch nicht dem Rat übergeben/);

  await decidePaper(t.ctx, f.tenantId, handed.paperId);
  const w = await p().service.store.weighing(f.tenantId, handed.weighingId);
  assert.equal(w?.decision_result, "ungeändert beschlossen");
  await t.ctx.jobs.runDue(100);
  const feedback = (await mails("erika@example.org")).find((m) => m.subject.startsWith("Ergebnis zu Ihrer Stellungnahme"));
  assert.ok(feedback, "the citizen got the result");
  const token = /\/beteiligung\/ergebnis\/([A-Za-z0-9_-]+)/.exec(feedback.text)![1]!;
  const result = await p().weighing.resultByToken(f.tenantId, token);
  assert.equal(result?.statement.verdict, "teilweise");
  assert.ok(result?.weighing?.decided_at);
  // every statement processed exactly once, also those without an address
  const remaining = await p().service.store.statementsAwaitingFeedback(f.tenantId, handed.weighingId, 10);
  assert.equal(remaining.length, 0);
  await t.ctx.jobs.runDue(100);
  assert.equal((await mails("erika@example.org")).filter((m) => m.subject.startsWith("Ergebnis")).length, 1);
});

test("tenant isolation: another town cannot see or write this town's procedure", async () => {
  const other = t.ctx.tenants.bySlug("neu-anspach")!;
  assert.equal(await p().service.store.procedure(other.id, f.procedure.id), undefined);
  await assert.rejects(p().service.addDocument(other.id, f.procedure.id, { kind: "sonstiges", title: "x", file: { fileName: "x.pdf", data: await planPdf("x") } }, planner()), /gibt es nicht/);
  await assert.rejects(p().service.submitStatement(other.id, f.phase.id, { text: "x", consent: true }, { kind: "anonymous" }), /gibt es nicht/);
});
