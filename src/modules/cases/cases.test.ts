import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, csrfFrom, loginStaff, type TestApp } from "../../test-support/app.js";
import { sampleFileFor } from "../../test-support/applications.js";
import { submittedCase } from "../../test-support/cases.js";
import { DEMO_CASEWORKERS } from "./seeds.js";
import { caseService } from "./index.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const worker = (email: string) => DEMO_CASEWORKERS.find((w) => w.email === email)!;


test("a submission becomes a case in the department the municipality maps the service to; other departments do not see it", async () => {
  const { kase } = await submittedCase(t, "fundsache-melden");
  const ordnung = await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const inbox = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge", headers: { cookie: ordnung.cookie } });
  assert.equal(inbox.statusCode, 200);
  assert.ok(inbox.body.includes(kase.reference), "in the Ordnungsamt's inbox");
  const buerger = await loginStaff(t.app, "buergerbuero@usingen.example", worker("buergerbuero@usingen.example").password);
  const other = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge", headers: { cookie: buerger.cookie } });
  assert.equal(other.statusCode, 200);
  assert.ok(!other.body.includes(kase.reference), "not in the Bürgerbüro's inbox");
  const page = await t.app.inject({ url: `/usingen/verwaltung/vorgaenge/${kase.id}`, headers: { cookie: buerger.cookie } });
  assert.equal(page.statusCode, 404, "another department cannot open it by id");
  const na = await loginStaff(t.app, "buergerservice@neu-anspach.example", worker("buergerservice@neu-anspach.example").password);
  const foreign = await t.app.inject({ url: `/neu-anspach/verwaltung/vorgaenge/${kase.id}`, headers: { cookie: na.cookie } });
  assert.equal(foreign.statusCode, 404, "another municipality cannot open it");
  const audit = await t.ctx.db.kysely.selectFrom("audit_log").selectAll().where("action", "=", "case.view").execute();
  assert.equal(audit.length, 0, "refused views are not 'views'");
  const view = await t.app.inject({ url: `/usingen/verwaltung/vorgaenge/${kase.id}`, headers: { cookie: ordnung.cookie } });
  assert.equal(view.statusCode, 200);
  assert.ok((await t.ctx.db.kysely.selectFrom("audit_log").selectAll().where("action", "=", "case.view").execute()).length === 1, "the view is audited");
});

test("ask back, the citizen answers with a document through the status link, staff decide, the Bescheid reaches the citizen", async () => {
  const { kase, statusPath } = await submittedCase(t, "fundsache-melden");
  const staff = await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const post = (path: string, fields: Record<string, string>) => t.app.inject({ method: "POST", url: `/usingen/verwaltung/vorgaenge/${kase.id}/${path}`, headers: { ...urlencoded, cookie: staff.cookie }, payload: new URLSearchParams({ _csrf: staff.csrf, ...fields }).toString() });
  let c = (await caseService(t.ctx).get(kase.tenant_id, kase.id))!;
  assert.equal((await post("status", { to: "in-bearbeitung", version: String(c.version) })).statusCode, 303);
  // A second staff member working on the old version is refused, nothing is overwritten.
  const stale = await post("status", { to: "abgelehnt", version: String(c.version), text: "x" });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /Jemand anderes hat diesen Vorgang inzwischen geändert/);
  c = (await caseService(t.ctx).get(kase.tenant_id, kase.id))!;
  assert.equal(c.status, "in-bearbeitung");
  // Rückfrage without text: refused with a message at the field.
  const empty = await post("status", { to: "rueckfrage", version: String(c.version), text: "" });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Bitte schreiben Sie, welche Angaben oder Unterlagen fehlen/);
  assert.equal((await post("status", { to: "rueckfrage", version: String(c.version), text: "Bitte senden Sie ein Foto der Fundsache." })).statusCode, 303);
  await t.ctx.jobs.runDue(100);

  // The citizen sees the question on the status page and answers with a photo.
  const status = await t.app.inject({ url: statusPath });
  assert.match(status.body, /Bitte senden Sie ein Foto der Fundsache/);
  assert.match(status.body, /Die Verwaltung braucht noch etwas von Ihnen/);
  const action = `${statusPath}/antwort`;
  const { multipart } = await import("../../test-support/applications.js");
  const bad = multipart({ _csrf: csrfFrom(status.body), antwort: "Anbei das Foto." }, [{ field: "dokumente", name: "foto.jpg", type: "image/jpeg", data: Buffer.from("kein bild") }]);
  const refused = await t.app.inject({ method: "POST", url: action, headers: bad.headers, payload: bad.payload });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /kein PDF, JPEG oder PNG/);
  assert.match(refused.body, />Anbei das Foto.<\/textarea>/, "the typed answer is kept");
  const good = multipart({ _csrf: csrfFrom(status.body), antwort: "Anbei das Foto." }, [{ field: "dokumente", ...sampleFileFor(["image/jpeg"]) }]);
  const answered = await t.app.inject({ method: "POST", url: action, headers: good.headers, payload: good.payload });
  assert.equal(answered.statusCode, 303);
  c = (await caseService(t.ctx).get(kase.tenant_id, kase.id))!;
  assert.equal(c.status, "in-bearbeitung", "the answer moves the case back to processing");
  const page = await t.app.inject({ url: `/usingen/verwaltung/vorgaenge/${kase.id}`, headers: { cookie: staff.cookie } });
  assert.match(page.body, /Anbei das Foto\./);
  const fileHref = /href="(\/usingen\/verwaltung\/vorgaenge\/[^"]+\/dateien\/[^"]+)"/.exec(page.body)![1]!;
  const file = await t.app.inject({ url: fileHref, headers: { cookie: staff.cookie } });
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers["content-type"], "image/jpeg");

  // Decide: a Bescheid from the template, edited; the citizen gets it, the first read is recorded.
  assert.match(page.body, /Ihrem Antrag „Fundsache melden oder Verlust anzeigen \(Fundbüro\)“ vom \d\d\.\d\d\.\d{4} \(Aktenzeichen USI-/);
  assert.equal((await post("status", { to: "abgeschlossen", version: String(c.version), text: "Sehr geehrte Damen und Herren,\n\nIhre Meldung ist erledigt." })).statusCode, 303);
  const after = await t.app.inject({ url: statusPath });
  assert.match(after.body, /Abgeschlossen/);
  const bescheid = /href="([^"]+\/dateien\/[^"]+)">Bescheid: Abgeschlossen/.exec(after.body)?.[1];
  assert.ok(bescheid, "the Bescheid is on the applicant's page");
  const pdf = await t.app.inject({ url: bescheid! });
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), "%PDF-");
  const row = await t.ctx.db.kysely.selectFrom("case_files").selectAll().where("case_id", "=", kase.id).where("kind", "=", "bescheid").executeTakeFirstOrThrow();
  assert.ok(row.first_read_at, "first read recorded");
  // Internal notes never reach the citizen.
  assert.equal((await post("notiz", { notiz: "Interner Hinweis XYZ" })).statusCode, 303);
  assert.ok(!(await t.app.inject({ url: statusPath })).body.includes("Interner Hinweis XYZ"));
  // Mails: reference and link only.
  const mails = await t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("reference", "=", kase.reference).execute();
  assert.ok(mails.some((m) => /Nachricht zu Ihrem Antrag/.test(m.subject)) && mails.some((m) => /Bescheid/.test(m.subject)));
  for (const m of mails) assert.ok(!m.body_text.includes("Foto der Fundsache") && !m.body_text.includes("erledigt"), "no content in mails");
});

test("inbox: filters, keyset pages and bulk assignment", async () => {
  for (let i = 0; i < 3; i++) await submittedCase(t, "ruhestoerung-melden");
  const staff = await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const all = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge?dienst=ruhestoerung-melden", headers: { cookie: staff.cookie } });
  const ids = [...all.body.matchAll(/name="ids" value="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(ids.length, 3);
  const me = (await t.ctx.accounts.idByEmail("ordnungsamt@usingen.example"))!;
  const assign = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/vorgaenge/zuweisen?dienst=ruhestoerung-melden", headers: { ...urlencoded, cookie: staff.cookie }, payload: new URLSearchParams([["_csrf", staff.csrf], ["assignee", me], ...ids.slice(0, 2).map((id) => ["ids", id])]).toString() });
  assert.equal(assign.statusCode, 303);
  const mine = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge?bearbeitung=ich", headers: { cookie: staff.cookie } });
  assert.equal([...mine.body.matchAll(/name="ids"/g)].length, 2);
  const overdue = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge?ueberfaellig=1&dienst=ruhestoerung-melden", headers: { cookie: staff.cookie } });
  assert.equal([...overdue.body.matchAll(/name="ids"/g)].length, 0);
  t.clock.advance(6 * 86_400_000);
  const later = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge?ueberfaellig=1&dienst=ruhestoerung-melden", headers: { cookie: (await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password)).cookie } });
  assert.equal([...later.body.matchAll(/name="ids"/g)].length, 3, "5 days to start processing: overdue after that");
  assert.match(later.body, /überfällig/);
});

test("a message without changing the state reaches the applicant; the inbox sorts by the nearest deadline", async () => {
  const { kase, statusPath } = await submittedCase(t, "fundsache-melden");
  const staff = await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const empty = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/vorgaenge/${kase.id}/nachricht`, headers: { ...urlencoded, cookie: staff.cookie }, payload: new URLSearchParams({ _csrf: staff.csrf, nachricht: " " }).toString() });
  assert.equal(empty.statusCode, 422);
  assert.match(empty.body, /Bitte schreiben Sie eine Nachricht/);
  const sent = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/vorgaenge/${kase.id}/nachricht`, headers: { ...urlencoded, cookie: staff.cookie }, payload: new URLSearchParams({ _csrf: staff.csrf, nachricht: "Die Fundsache liegt im Fundbüro." }).toString() });
  assert.equal(sent.statusCode, 303);
  const page = await t.app.inject({ url: statusPath });
  assert.match(page.body, /Die Fundsache liegt im Fundbüro\./);
  assert.equal((await caseService(t.ctx).get(kase.tenant_id, kase.id))!.status, kase.status, "the state did not change");

  const byDue = await t.app.inject({ url: "/usingen/verwaltung/vorgaenge?sortierung=frist", headers: { cookie: staff.cookie } });
  assert.equal(byDue.statusCode, 200);
  const refs = [...byDue.body.matchAll(/>(USI-\d{4}-\d{6})<\/a><\/th>/g)].map((m) => m[1]!);
  const rows = await t.ctx.db.kysely.selectFrom("cases").select(["reference", "due_at"]).where("reference", "in", refs).execute();
  const due = refs.map((r) => rows.find((x) => x.reference === r)!.due_at!);
  assert.ok(due.length >= 2);
  assert.deepEqual(due, [...due].sort(), "nearest deadline first");
});
