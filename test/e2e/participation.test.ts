/**
 * Participation in land-use planning in a real browser (Chromium), issue 8's "Done when": the
 * planning office creates a procedure from an XPlanGML sample (confirming the foreign AGS), adds a
 * document, plans a formal participation (§ 3 Abs. 2 / § 4 Abs. 2 BauGB) of the statutory minimum
 * length and publishes its announcement; when the clock reaches the first day, a citizen (without
 * login, with a photo) and an invited agency (through the personal link from its invitation mail)
 * submit statements; when the clock passes 24:00 of the last day, the form has closed by itself;
 * the planning office weighs both statements (one with a text block), downloads the weighing table,
 * and hands it to the council; the Sitzungsdienst sees the Beschlussvorlage with the table in the
 * council module; once the council's decision is published, both submitters receive their result
 * by e-mail and the link shows it. Every page on the way is checked with axe (WCAG 2.1 A/AA).
 *
 * The clock must move by weeks, so this test runs its own instance of the platform in this process
 * (startListeningApp: real HTTP on 127.0.0.1, its own SQLite database, the small demo, a manual
 * clock) instead of the shared e2e server; jobs are run by the test (ctx.jobs.runDue) when the
 * clock moves, as the worker would each minute. The council's meeting and decision are recorded
 * through the council service (decidePaper, the same service calls as the Sitzungsdienst's pages,
 * which test/e2e/council.test.ts covers in the browser).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page, Response } from "playwright-core";
import { axeReportQuick, launchBrowser, newContext } from "./support.js";
import { startListeningApp, type ListeningTestApp } from "../../src/test-support/listening-app.js";
import { PLANNER_LOGIN, decidePaper, planPdf } from "../../src/test-support/participation.js";
import type { ManualClock } from "../../src/platform/clock.js";
import { participation } from "../../src/modules/participation/index.js";
import { minimumLastDay, addDays } from "../../src/modules/participation/periods.js";

const T = "usingen";
const here = dirname(fileURLToPath(import.meta.url));
const SAMPLE = join(here, "..", "..", "..", "shared", "standards", "xplanung", "samples", "bp_5-3_wustermark.gml");
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const SITZUNGSDIENST = { email: "sitzungsdienst@usingen.example", password: "Sitzungsdienst-Demo-2026" };
const CITIZEN_MAIL = "anna.beispiel@example.org";
const CITIZEN_TEXT = "Bitte erhalten Sie die Lindenallee am Bahnhof; sie spendet im Sommer Schatten.";
const AGENCY_TEXT = "Der Denkmalbereich ist nachrichtlich zu übernehmen; gegen die Planung bestehen sonst keine Bedenken.";
const TIMEOUT = 120_000;

let s: ListeningTestApp;
let browser: Browser;
let clock: ManualClock;
const de = (iso: string) => iso.split("-").reverse().join(".");

/** What the parts create; later parts start from it. */
const made: { procedurePath?: string; procedureId?: string; phase?: { start: string; end: string }; agencyLink?: string; paperId?: string } = {};

async function go(page: Page, path: string, status = 200): Promise<Response> {
  const res = await page.goto(`${s.base}${path}`, { waitUntil: "load" });
  assert.ok(res, `no response for ${path}`);
  assert.equal(res.status(), status, `${path} answered ${res.status()} (expected ${status}), now at ${page.url()}`);
  return res;
}

async function submit(page: Page, button: Locator): Promise<Response> {
  const final = page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400));
  await button.click();
  const res = await final;
  await page.waitForLoadState("load");
  return res;
}

async function axe(page: Page, what: string): Promise<void> {
  const report = await axeReportQuick(page);
  assert.equal(report, null, `axe on ${what}:\n${report}`);
}

async function staffContext(email: string, password: string): Promise<BrowserContext> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await go(page, "/verwaltung/anmelden");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort", { exact: true }).fill(password);
  const res = await submit(page, page.getByRole("button", { name: "Anmelden" }));
  assert.equal(res.status(), 200);
  await page.close();
  return context;
}

/** The clock moves: the job worker would run the due jobs within the minute. */
async function moveClock(to: Date): Promise<void> {
  clock.set(to);
  await s.ctx.jobs.runDue(200);
}

const mailsTo = async (to: string) => (await s.ctx.mail.list({ limit: 1000 })).filter((m) => m.to === to);

describe("Bauleitplanung: Verfahren aus XPlanGML, § 3 Abs. 2, Stellungnahmen, Abwägung, Rat, Ergebnis", { timeout: 8 * TIMEOUT }, () => {
  before(async () => {
    s = await startListeningApp();
    clock = s.ctx.clock as ManualClock;
    browser = await launchBrowser();
    const tenant = s.ctx.tenants.bySlug(T)!;
    const id = await s.ctx.accounts.create({ email: PLANNER_LOGIN.email, name: "Paula Planung (Test)", password: PLANNER_LOGIN.password });
    await s.ctx.accounts.grantRole(id, tenant.id, "stadtplanung");
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test("1. Die Stadtplanung legt das Verfahren aus einer XPlanGML-Datei an und plant die Beteiligung nach § 3 Abs. 2", { timeout: TIMEOUT }, async (t) => {
    if (!existsSync(SAMPLE)) return t.skip("../shared/standards/xplanung/samples not present (shared/ is laid next to the repo by CI)");
    const context = await staffContext(PLANNER_LOGIN.email, PLANNER_LOGIN.password);
    const page = await context.newPage();
    await go(page, `/${T}/verwaltung/beteiligung`);
    await axe(page, "Übersicht der Verfahren");
    await page.getByRole("link", { name: /XPlanGML/ }).first().click();
    await page.waitForLoadState("load");
    await axe(page, "XPlanGML-Import");
    await page.locator('input[type="file"]').setInputFiles({ name: "bp_5-3_wustermark.gml", mimeType: "application/gml+xml", buffer: readFileSync(SAMPLE) });
    let res = await submit(page, page.getByRole("button", { name: /übernehmen/i }));
    assert.equal(res.status(), 422, "a plan of another municipality is refused until confirmed");
    assert.match(await page.content(), /12063357/);
    await axe(page, "XPlanGML-Import mit Rückfrage zur Gemeinde");
    await page.locator('input[type="file"]').setInputFiles({ name: "bp_5-3_wustermark.gml", mimeType: "application/gml+xml", buffer: readFileSync(SAMPLE) });
    await page.getByLabel(/Ich bestätige/).check();
    res = await submit(page, page.getByRole("button", { name: /übernehmen/i }));
    assert.equal(res.status(), 200);
    made.procedurePath = new URL(page.url()).pathname;
    assert.match(made.procedurePath, /\/verwaltung\/beteiligung\/[0-9a-f-]{36}$/);
    made.procedureId = made.procedurePath.split("/").pop()!;
    const body = await page.content();
    assert.match(body, /Denkmalbereichssatzung Eisenbahnersiedlung/);
    assert.match(await page.locator("svg[role=img]").first().getAttribute("aria-labelledby").then(async (ids) => (ids ? page.locator(`#${ids.split(" ")[0]}`).textContent() : "")) ?? "", /./);
    await axe(page, "Verfahrensseite nach dem Import");

    // a document of our own
    await page.getByLabel("Art des Dokuments").selectOption("begruendung");
    await page.getByLabel(/^Titel/).fill("Begründung mit Umweltbericht");
    await page.getByLabel("PDF-Datei").setInputFiles({ name: "begruendung.pdf", mimeType: "application/pdf", buffer: await planPdf("Begründung zur Denkmalbereichssatzung") });
    res = await submit(page, page.getByRole("button", { name: "Dokument hinzufügen" }));
    assert.equal(res.status(), 200);
    assert.match(await page.content(), /Begründung mit Umweltbericht/);

    // the phase: from tomorrow, the statutory minimum
    const today = participation(s.ctx).service.today();
    const start = addDays(today, 1);
    const end = minimumLastDay("foermlich", start)!;
    made.phase = { start, end };
    await page.getByRole("link", { name: "Beteiligung planen" }).click();
    await page.waitForLoadState("load");
    await axe(page, "Beteiligung planen");
    await page.getByRole("radio", { name: /§ 3 Abs. 2/ }).check();
    await page.getByLabel(/die Öffentlichkeit/).check();
    await page.getByLabel(/Träger öffentlicher Belange/).check();
    await page.getByLabel(/Erster Tag der Frist/).fill(de(start));
    // one day short first: the form says the earliest last day
    await page.getByLabel(/Letzter Tag der Frist/).fill(de(addDays(end, -1)));
    res = await submit(page, page.getByRole("button", { name: /Bekanntmachung prüfen/ }));
    assert.equal(res.status(), 422);
    assert.match(await page.content(), new RegExp(de(end).replace(/\./g, "\\.")));
    await axe(page, "Beteiligung planen mit Fehler");
    await page.getByLabel(/Letzter Tag der Frist/).fill(de(end));
    const agencies = page.locator('input[name="behoerde"]');
    const n = await agencies.count();
    for (let i = 1; i < n; i++) await agencies.nth(i).uncheck();
    res = await submit(page, page.getByRole("button", { name: /Bekanntmachung prüfen/ }));
    assert.equal(res.status(), 200);
    assert.match(await page.content(), /unberücksichtigt bleiben/);
    await axe(page, "Bekanntmachung prüfen");
    res = await submit(page, page.getByRole("button", { name: "Bekanntmachung veröffentlichen" }));
    assert.equal(res.status(), 200);
    await axe(page, "Verfahrensseite mit geplanter Beteiligung");

    // the announcement is public through the publishing module; the agency got its personal link
    await page.goto(`${s.base}/${T}/bekanntmachungen`);
    assert.match(await page.content(), /Denkmalbereichssatzung Eisenbahnersiedlung/);
    const invitations = (await s.ctx.mail.list({ limit: 1000 })).filter((m) => /Beteiligung der Träger öffentlicher Belange: .*Denkmalbereichssatzung/.test(m.subject));
    assert.equal(invitations.length, 1, "exactly the one chosen agency is invited");
    made.agencyLink = /https?:\/\/\S+\/beteiligung\/toeb\/[A-Za-z0-9_-]+/.exec(invitations[0]!.text)![0];
    await context.close();
  });

  test("2. Ab dem ersten Tag: eine Bürgerin (ohne Anmeldung, mit Foto) und die Behörde geben Stellungnahmen ab", { timeout: TIMEOUT }, async (t) => {
    if (!made.procedureId) return t.skip("part 1 did not run");
    const context = await newContext(browser);
    const page = await context.newPage();
    const publicPath = `/${T}/beteiligung/${made.procedureId}`;
    await go(page, publicPath);
    assert.equal(await page.getByRole("link", { name: "Stellungnahme abgeben" }).count(), 0, "not before the period");

    const opens = (await participation(s.ctx).service.store.phases(s.ctx.tenants.bySlug(T)!.id, made.procedureId))[0]!.opens_at;
    await moveClock(new Date(Date.parse(opens) + 8 * 3_600_000));
    await go(page, `/${T}/beteiligung/`);
    await axe(page, "Liste der Verfahren");
    await go(page, publicPath);
    await axe(page, "Verfahrensseite während der Beteiligung");
    await page.getByRole("link", { name: "Stellungnahme abgeben" }).click();
    await page.waitForLoadState("load");
    await axe(page, "Formular Stellungnahme");
    await page.getByLabel("Ihre Stellungnahme").fill(CITIZEN_TEXT);
    await page.getByLabel("Ortsangabe").fill("Bahnhofstraße, Lindenallee");
    await page.getByLabel("E-Mail-Adresse").fill(CITIZEN_MAIL);
    await page.getByLabel(/Anlagen/).setInputFiles({ name: "linden.png", mimeType: "image/png", buffer: PNG });
    await page.getByLabel(/Ich bin einverstanden/).check();
    const res = await submit(page, page.getByRole("button", { name: "Stellungnahme absenden" }));
    assert.equal(res.status(), 200);
    const receipt = await page.content();
    assert.match(receipt, /ST-\d{4}-\d{5}/);
    await axe(page, "Eingangsbestätigung");
    assert.ok((await mailsTo(CITIZEN_MAIL)).some((m) => /Eingangsbestätigung/.test(m.subject)));

    const agency = await newContext(browser);
    const ap = await agency.newPage();
    await ap.goto(made.agencyLink!.replace(/^https?:\/\/[^/]+/, s.base), { waitUntil: "load" });
    await axe(ap, "Zugang der Behörde");
    await ap.getByLabel("Stellungnahme", { exact: true }).fill(AGENCY_TEXT);
    await ap.getByLabel(/Wir sind einverstanden/).check();
    const ares = await submit(ap, ap.getByRole("button", { name: "Stellungnahme absenden" }));
    assert.equal(ares.status(), 200, `agency statement: ${ares.status()} ${(await ap.locator("main").textContent())?.slice(0, 400)}`);
    assert.match(await ap.content(), /ST-\d{4}-\d{5}/);
    await agency.close();
    await context.close();
  });

  test("3. Nach 24:00 Uhr des letzten Tages ist das Formular von selbst geschlossen", { timeout: TIMEOUT }, async (t) => {
    if (!made.procedureId) return t.skip("part 1 did not run");
    const context = await newContext(browser);
    const page = await context.newPage();
    const publicPath = `/${T}/beteiligung/${made.procedureId}`;
    const closes = (await participation(s.ctx).service.store.phases(s.ctx.tenants.bySlug(T)!.id, made.procedureId))[0]!.closes_at;
    clock.set(new Date(Date.parse(closes) - 60_000));
    await go(page, publicPath);
    assert.equal(await page.getByRole("link", { name: "Stellungnahme abgeben" }).count(), 1, "open in the last minute of the last day");
    // no job runs here: the form closes by the clock alone
    clock.set(new Date(Date.parse(closes) + 1_000));
    await go(page, publicPath);
    assert.equal(await page.getByRole("link", { name: "Stellungnahme abgeben" }).count(), 0, "closed at 24:00");
    await axe(page, "Verfahrensseite nach dem Ende");
    const form = await page.goto(`${s.base}${publicPath}/stellungnahme`, { waitUntil: "load" });
    assert.notEqual(form?.status(), 500);
    assert.match(await page.content(), /abgelaufen|beendet/);
    assert.equal(await page.getByRole("button", { name: "Stellungnahme absenden" }).count(), 0);
    await axe(page, "Formular nach dem Ende");
    await s.ctx.jobs.runDue(200);
    await context.close();
  });

  test("4. Die Stadtplanung wägt ab, lädt die Abwägungstabelle herunter und übergibt sie dem Rat", { timeout: TIMEOUT }, async (t) => {
    if (!made.procedureId) return t.skip("part 1 did not run");
    const context = await staffContext(PLANNER_LOGIN.email, PLANNER_LOGIN.password);
    const page = await context.newPage();
    await go(page, `${made.procedurePath}/stellungnahmen`);
    await axe(page, "Liste der Stellungnahmen");
    const links = page.locator("table a[href*='/stellungnahmen/']");
    assert.equal(await links.count(), 2);
    const hrefs = [await links.nth(0).getAttribute("href"), await links.nth(1).getAttribute("href")];
    for (const [i, href] of hrefs.entries()) {
      await go(page, href!);
      if (i === 0) await axe(page, "Stellungnahme mit Abwägungsformular");
      // both came in at the same minute: which one this is, the page says (not the list order)
      const citizen = (await page.content()).includes("Lindenallee");
      await page.getByRole("radio", { name: citizen ? "teilweise berücksichtigt" : "berücksichtigt", exact: true }).check();
      if (citizen) {
        // a text block is added without JavaScript; nothing is saved by it
        await page.getByLabel("Textbaustein").selectOption({ index: 1 });
        const r = await submit(page, page.getByRole("button", { name: "Baustein einfügen" }));
        assert.equal(r.status(), 200);
        assert.ok((await page.getByLabel("Abwägungsvorschlag").inputValue()).length > 20);
        await page.getByRole("radio", { name: "teilweise berücksichtigt", exact: true }).check();
      } else {
        await page.getByLabel("Abwägungsvorschlag").fill("Der Denkmalbereich wird nachrichtlich in den Plan übernommen.");
      }
      const r = await submit(page, page.getByRole("button", { name: "Als abgewogen speichern" }));
      assert.equal(r.status(), 200);
    }
    await go(page, `${made.procedurePath}/abwaegung`);
    await axe(page, "Abwägungstabelle und Übergabe");
    const pdf = await page.request.get(`${s.base}${made.procedurePath}/abwaegung.pdf`);
    assert.equal(pdf.status(), 200);
    const bytes = await pdf.body();
    assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
    const odt = await page.request.get(`${s.base}${made.procedurePath}/abwaegung.odt`);
    assert.equal((await odt.body()).subarray(30, 38).toString(), "mimetype");
    const csv = await page.request.get(`${s.base}${made.procedurePath}/abwaegung.csv`);
    assert.match(await csv.text(), /Denkmalbereich ist nachrichtlich/);

    // the parliament decides (set by default), committees deliberate or not: keep only the parliament
    for (const sel of await page.locator("select[name^='rolle-']").all()) {
      const value = await sel.inputValue();
      if (value !== "Entscheidung" && value !== "entscheidung") await sel.selectOption({ index: (await sel.locator("option").allTextContents()).findIndex((o) => /nicht beteiligt/.test(o)) });
    }
    await page.getByLabel(/übergebe sie dem Rat/).check();
    const r = await submit(page, page.getByRole("button", { name: "Beschlussvorlage anlegen" }));
    assert.equal(r.status(), 200);
    const after = await page.content();
    const ref = /VO\/\d{4}\/\d{4}/.exec(after);
    assert.ok(ref, "the weighing shows the paper's reference");
    await axe(page, "Abwägungstabelle nach der Übergabe");
    const w = (await participation(s.ctx).service.store.weighings(s.ctx.tenants.bySlug(T)!.id, made.procedureId))[0]!;
    made.paperId = w.council_paper_id!;
    await context.close();

    // the Sitzungsdienst sees the Beschlussvorlage with the table in the council module
    const sd = await staffContext(SITZUNGSDIENST.email, SITZUNGSDIENST.password);
    const sp = await sd.newPage();
    await go(sp, `/${T}/verwaltung/rat/vorlagen/${made.paperId}`);
    const paperPage = await sp.content();
    assert.match(paperPage, /Abwägung der Stellungnahmen/);
    assert.match(paperPage, /Abwägungstabelle/);
    await axe(sp, "Beschlussvorlage im Sitzungsdienst");
    await sd.close();
  });

  test("5. Nach dem Beschluss des Rates erhalten die Einsender ihr Ergebnis", { timeout: TIMEOUT }, async (t) => {
    if (!made.paperId) return t.skip("part 4 did not run");
    const tenantId = s.ctx.tenants.bySlug(T)!.id;
    await decidePaper(s.ctx, tenantId, made.paperId);
    await s.ctx.jobs.runDue(200);
    const citizen = (await mailsTo(CITIZEN_MAIL)).find((m) => m.subject.startsWith("Ergebnis zu Ihrer Stellungnahme"));
    assert.ok(citizen, "the citizen receives the result");
    const agencyMail = (await s.ctx.mail.list({ limit: 1000 })).filter((m) => m.subject.startsWith("Ergebnis zu Ihrer Stellungnahme") && m.to !== CITIZEN_MAIL);
    assert.equal(agencyMail.length, 1, "the agency receives its result");
    const link = /https?:\/\/\S+\/beteiligung\/ergebnis\/[A-Za-z0-9_-]+/.exec(citizen.text)![0].replace(/^https?:\/\/[^/]+/, s.base);
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(link, { waitUntil: "load" });
    const html = await page.content();
    assert.match(html, /teilweise berücksichtigt/);
    assert.match(html, /Lindenallee/);
    await axe(page, "Ergebnis für die Bürgerin");
    await go(page, `/${T}/beteiligung/${made.procedureId}`);
    await axe(page, "Verfahrensseite nach dem Beschluss");
    await context.close();
  });
});
