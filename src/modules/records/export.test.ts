import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PDFDocument, PDFName } from "pdf-lib";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { DEMO_ACCOUNTS } from "../../test-support/app.js";
import { startListeningApp, type ListeningTestApp } from "../../test-support/listening-app.js";
import { loginCitizen, cookieOf } from "../../test-support/citizen-login.js";
import { ApplicationClient } from "../../test-support/applications.js";
import { loadDefinitions } from "../services/definitions.js";
import { berlinDateTime, type ManualClock } from "../../platform/clock.js";
import type { StaffAccount } from "../../platform/auth/accounts.js";
import type { Tenant } from "../../platform/tenancy.js";
import { caseService, type Case } from "../cases/index.js";
import type { CitizenData } from "./index.js";

/**
 * "Meine Daten": a citizen logged in with the eID downloads everything the town holds about them —
 * and nothing about anyone else.
 */

let t: ListeningTestApp;
let usingen: Tenant;
let admin: StaffAccount;
let erika: string;
let max: string;
const defs = loadDefinitions().definitions;
const SERVICE = "sperrmuell-anmelden";

async function submitAs(cookie: string | undefined, serviceId = SERVICE): Promise<{ kase: Case; reference: string }> {
  const c = new ApplicationClient(t.app, "usingen", cookie);
  await c.start(serviceId);
  await c.fillAll(defs.find((d) => d.id === serviceId)!, berlinDateTime(t.ctx.clock.now()).date);
  await c.submit();
  await t.ctx.jobs.runDue(100);
  const draftId = /\/antrag\/([^/]+)\/eingang/.exec(c.location)![1]!;
  const sub = await t.ctx.db.kysely.selectFrom("submissions").selectAll().where("draft_id", "=", draftId).executeTakeFirstOrThrow();
  return { kase: (await caseService(t.ctx).store.caseOfSubmission(usingen.id, sub.id))!, reference: sub.reference };
}

let erikaCase: { kase: Case; reference: string };
let maxCase: { kase: Case; reference: string };
let anonymous: { reference: string };

before(async () => {
  t = await startListeningApp();
  usingen = t.ctx.tenants.bySlug("usingen")!;
  admin = (await t.ctx.accounts.byId((await t.ctx.accounts.idByEmail(DEMO_ACCOUNTS[1]!.email))!))!;
  erika = cookieOf(await loginCitizen(t.base, "usingen", "erika"));
  max = cookieOf(await loginCitizen(t.base, "usingen", "max"));
  erikaCase = await submitAs(erika);
  maxCase = await submitAs(max);
  anonymous = await submitAs(undefined, "fundsache-melden");
  // Erika's case: a question, her answer, an internal note, an assignment, a Bescheid.
  const cases = caseService(t.ctx);
  // A minute between the steps, so that history and messages have a clear order.
  const get = async () => {
    (t.ctx.clock as ManualClock).advance(60_000);
    return (await cases.get(usingen.id, erikaCase.kase.id))!;
  };
  assert.ok((await cases.transition(usingen, await get(), { to: "in-bearbeitung", version: (await get()).version }, admin)).ok);
  assert.ok((await cases.assign(await get(), (await get()).version, admin.id, admin)).ok);
  assert.ok((await cases.addNote(await get(), "Interner Vermerk: bitte prüfen", admin)).ok);
  assert.ok((await cases.transition(usingen, await get(), { to: "rueckfrage", version: (await get()).version, text: "Wie viele Teile sind es genau?" }, admin)).ok);
  assert.ok((await cases.citizenAnswer(usingen, await get(), "Es sind sieben Teile.", [], { accountId: (await get()).account_id })).ok);
  assert.ok((await cases.transition(usingen, await get(), { to: "abgeschlossen", version: (await get()).version, text: "Ihr Termin ist bestätigt." }, admin)).ok);
  // An open draft of another service.
  const draft = new ApplicationClient(t.app, "usingen", erika);
  assert.equal((await draft.start("gruenschnitt-abholung")).statusCode, 303);
});
after(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

test("Mein Rathaus links to the page; the page explains and links both formats; eID (high) is required", async () => {
  const home = await get("/usingen/mein-rathaus/", erika);
  assert.match(home.body, /href="\/usingen\/mein-rathaus\/meine-daten"/);
  const page = await get("/usingen/mein-rathaus/meine-daten", erika);
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers["cache-control"], "private, no-store");
  assert.match(page.body, /<h1 class="kern-heading-large">Meine Daten herunterladen<\/h1>/);
  assert.match(page.body, /href="\/usingen\/mein-rathaus\/meine-daten\.pdf"/);
  assert.match(page.body, /href="\/usingen\/mein-rathaus\/meine-daten\.json"/);
  for (const url of ["/usingen/mein-rathaus/meine-daten", "/usingen/mein-rathaus/meine-daten.json", "/usingen/mein-rathaus/meine-daten.pdf"]) {
    const anon = await get(url);
    assert.equal(anon.statusCode, 303, url);
    assert.match(String(anon.headers.location), /^\/usingen\/anmelden\?.*niveau=high/);
    const low = await get(url, max);
    assert.equal(low.statusCode, 303, `${url}: a basic login must step up`);
    assert.match(String(low.headers.location), /niveau=high/);
    assert.equal((await get(url.replace("/usingen/", "/neu-anspach/"), erika)).statusCode, 303, "a login counts only in its municipality");
  }
});

test("JSON: the account, drafts, submissions with answers, the case's public history, messages and Bescheide — nothing internal, nothing of anyone else", async () => {
  const res = await get("/usingen/mein-rathaus/meine-daten.json", erika);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
  assert.equal(res.headers["cache-control"], "private, no-store");
  assert.match(String(res.headers["content-disposition"]), /attachment; filename="meine-daten\.json"/);
  const data = JSON.parse(res.body) as CitizenData;
  const account = await t.ctx.db.kysely.selectFrom("citizen_accounts").selectAll().where("id", "=", erikaCase.kase.account_id!).executeTakeFirstOrThrow();
  assert.equal(data.konto.id, account.id);
  assert.ok(JSON.stringify(data.konto).includes("Erika"), "the Servicekonto's data");
  assert.ok(data.kontoprotokoll.some((e) => e.aktion === "citizen.login"));

  assert.equal(data.antragsentwuerfe.length, 1);
  assert.equal(data.antragsentwuerfe[0]!.dienst.id, "gruenschnitt-abholung");

  assert.equal(data.antraege.length, 1, "only Erika's submission");
  const s = data.antraege[0]!;
  assert.equal(s.aktenzeichen, erikaCase.reference);
  assert.equal(s.dienst.id, SERVICE);
  assert.ok(Object.keys(s.antworten).length > 0 && s.angaben.length > 0, "answers, raw and readable");
  assert.equal(s.stand, "Abgeschlossen");
  const v = s.vorgang!;
  assert.equal(v.aktenzeichen, erikaCase.reference);
  assert.ok(v.abgeschlossenAm);
  assert.deepEqual(v.nachrichten.map((m) => [m.von, m.text]), [["Verwaltung", "Wie viele Teile sind es genau?"], ["Sie", "Es sind sieben Teile."]]);
  assert.deepEqual(v.bescheide.map((b) => b.titel), ["Bescheid: Abgeschlossen"]);
  assert.ok(v.verlauf.some((e) => e.stand === "Rückfrage") && v.verlauf.some((e) => e.stand === "Abgeschlossen"), "the public history with states");
  assert.ok(!res.body.includes("Interner Vermerk"), "no internal notes");
  assert.ok(!res.body.includes("Zugewiesen an"), "no assignments");
  assert.ok(!res.body.includes(maxCase.reference) && !res.body.includes(anonymous.reference), "no one else's application");
  assert.ok(!res.body.includes("max.mustermann@example.org") && !res.body.includes("\"Max\""), "nothing of Max's account");

  const audit = (await t.ctx.audit.list({ tenantId: usingen.id, limit: 20 })).find((e) => e.action === "records.export.json");
  assert.ok(audit, "the download is audited");
  assert.deepEqual(audit!.actor, { type: "citizen", id: account.id });
  assert.deepEqual(audit!.object, { type: "citizen-account", id: account.id });
});

test("PDF: title, language de-DE, the same data as readable text", async () => {
  const res = await get("/usingen/mein-rathaus/meine-daten.pdf", erika);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "application/pdf");
  assert.equal(res.headers["cache-control"], "private, no-store");
  assert.match(String(res.headers["content-disposition"]), /attachment; filename="meine-daten\.pdf"/);
  const pdf = await PDFDocument.load(res.rawPayload, { updateMetadata: false });
  assert.equal(pdf.getTitle(), "Meine Daten – Stadt Usingen");
  assert.equal(pdf.catalog.lookup(PDFName.of("Lang"))?.toString(), "(de-DE)");
  const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");
  const doc = await getDocument({ data: new Uint8Array(res.rawPayload), standardFontDataUrl }).promise;
  let text = "";
  for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((i) => ("str" in i ? i.str : "")).join("\n") + "\n";
  await doc.destroy();
  for (const expected of ["Meine Daten im Digitalen Rathaus", "Erika", erikaCase.reference, "Wie viele Teile sind es genau?", "Es sind sieben Teile.", "Bescheid: Abgeschlossen", "Angefangene Anträge"]) assert.ok(text.includes(expected), `PDF contains ${expected}`);
  assert.ok(!text.includes(maxCase.reference) && !text.includes("Interner Vermerk"));
  assert.ok((await t.ctx.audit.list({ tenantId: usingen.id, limit: 20 })).some((e) => e.action === "records.export.pdf"));
});

test("Max's export holds his application only", async () => {
  const low = await get("/usingen/mein-rathaus/meine-daten.json", max);
  assert.equal(low.statusCode, 303, "Max logged in with a password only");
  // The same service code with Max's account, as the route would call it after a step-up.
  const { records } = await import("./index.js");
  const r = records(t.ctx).export;
  const account = (await r.account(usingen, maxCase.kase.account_id!))!;
  const data = await r.collect(usingen, account);
  assert.deepEqual(data.antraege.map((s) => s.aktenzeichen), [maxCase.reference]);
  assert.equal(data.antragsentwuerfe.length, 0);
  assert.ok(!JSON.stringify(data).includes(erikaCase.reference));
});
