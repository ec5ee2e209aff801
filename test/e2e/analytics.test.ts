/**
 * The usage statistics in a real browser (Chromium), on the full demo's invented figures
 * (scripts/run-e2e.mjs, DEMO=true): the Statistik login sees the report (areas, chart, its table
 * opened with the keyboard), a preset, a refused period, the CSV link; adds and removes an area rule
 * with the keyboard; switches the public statistics page on with the space bar; a visitor reads it,
 * also with JavaScript switched off. Every page is checked with axe (WCAG 2.1 A/AA, zero
 * violations) and has no script. At the end the public page is switched off again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { axeReportQuick, launchBrowser, loginAsStaff, newContext, open, submitForm, url } from "./support.js";
import { DEMO_STATISTICS_LOGINS } from "../../src/modules/analytics/seeds.js";

const T = "usingen";
const LOGIN = DEMO_STATISTICS_LOGINS.find((l) => l.tenant === T)!;
const BASE = `/${T}/verwaltung/statistik`;
const TIMEOUT = 30_000;
/** Unique per run, so that a rule left by an aborted run does not collide. */
const STAMP = new Date().toISOString().replace(/\D/g, "").slice(0, 14);

let browser: Browser;
let staff: BrowserContext | undefined;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await staff?.close();
  await browser?.close();
});

/** axe (WCAG 2.1 A/AA) on the page as it is, and no script on it: everything works without JavaScript. */
async function axe(page: Page): Promise<void> {
  assert.equal(await page.locator("script").count(), 0, `a script on ${page.url()}`);
  const report = await axeReportQuick(page);
  if (report) assert.fail(report);
}

/** Opens the chart's table (a native <details>: no script needed) with the keyboard. */
async function openChartTable(page: Page): Promise<void> {
  assert.equal(await page.locator("svg[role=img] > title").count(), 1, "the chart has a title");
  await page.locator("summary", { hasText: "Die Zahlen des Diagramms als Tabelle" }).focus();
  await page.keyboard.press("Enter");
  assert.ok(await page.locator("table.analytics-chart-table").isVisible(), "the chart's table opens");
}

const notice = async (page: Page) => ((await page.getByRole("status").textContent()) ?? "").replace(/\s+/g, " ");

/** Sets the public page checkbox with the space bar and saves the settings. */
async function publicPage(page: Page, on: boolean, opened = false): Promise<void> {
  if (!opened) await open(page, `${BASE}/einstellungen`);
  const box = page.getByLabel("Öffentliche Statistikseite anzeigen");
  if ((await box.isChecked()) !== on) {
    await box.focus();
    await page.keyboard.press("Space");
  }
  assert.equal(await box.isChecked(), on);
  await submitForm(page, page.getByRole("button", { name: "Speichern" }));
  assert.match(await notice(page), /gespeichert/);
}

describe("Nutzungsstatistik im Browser", () => {
  test("Bericht, CSV, Regeln und Einstellungen der Statistik, mit der Tastatur", { timeout: TIMEOUT }, async () => {
    staff = await newContext(browser);
    staff.setDefaultTimeout(10_000);
    await loginAsStaff(staff, LOGIN.email, LOGIN.password);
    const page = await staff.newPage();

    await open(page, BASE);
    assert.ok(await page.getByRole("table", { name: /Seitenaufrufe nach Bereich/ }).isVisible(), "the demo's figures are shown");
    await openChartTable(page);
    await axe(page);

    // the CSV link of the shown period
    const href = await page.getByRole("link", { name: /als CSV-Datei herunterladen/ }).getAttribute("href");
    assert.ok(href?.startsWith(`${BASE}.csv?von=`), `CSV link ${href}`);
    const csv = await staff.request.get(url(href!));
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()["content-disposition"] ?? "", /^attachment; filename="statistik-usingen-/);
    const bytes = await csv.body();
    assert.equal(bytes.subarray(0, 3).toString("hex"), "efbbbf", "UTF-8 byte order mark");
    assert.match(bytes.toString("utf8"), /\r\nBereich;Startseite;;;\d+;\d+;\d+,\d\r\n/);

    // a preset with a month comparison, then a refused period typed in and sent with Enter
    await submitForm(page, page.getByRole("link", { name: /^Letzter Monat/ }));
    assert.match(page.url(), /von=01\./);
    await page.getByLabel("Von", { exact: true }).fill("31.02.2026");
    const refused = await submitForm(page, page.getByLabel("Von", { exact: true }), "Enter");
    assert.equal(refused.status(), 422);
    assert.match((await page.locator(".error-summary").textContent()) ?? "", /TT\.MM\.JJJJ/);
    await axe(page);

    // an area rule added and removed with the keyboard
    await open(page, `${BASE}/bereiche`);
    await axe(page);
    const prefix = `aktuelles/browsertest-${STAMP}`;
    await page.getByLabel("Pfad beginnt mit").fill(prefix);
    await page.keyboard.press("Tab");
    await page.keyboard.type("Browsertest");
    const added = await submitForm(page, page.getByLabel("Bereich", { exact: true }), "Enter");
    assert.equal(added.status(), 200);
    assert.match(await notice(page), /Die Regel ist angelegt/);
    await axe(page);
    const remove = page.getByRole("button", { name: new RegExp(`^Entfernen\\s*: Regel für /${T}/${prefix}$`) });
    await remove.focus();
    await submitForm(page, remove, "Enter");
    assert.match(await notice(page), /Die Regel ist entfernt/);

    // the settings: the public page switched on with the space bar
    await open(page, `${BASE}/einstellungen`);
    await axe(page);
    await publicPage(page, true, true);
  });

  test("die öffentliche Statistikseite, ohne Anmeldung, auch ohne JavaScript", { timeout: TIMEOUT }, async () => {
    const [noScript, visitor] = await Promise.all([newContext(browser, { javaScriptEnabled: false }), newContext(browser)]);
    try {
      for (const c of [noScript, visitor]) {
        const page = await c.newPage();
        await open(page, `/${T}/statistik`);
        assert.ok(await page.getByRole("heading", { name: "Nutzungsstatistik", level: 1 }).isVisible());
        assert.ok(await page.getByRole("img", { name: /Seitenaufrufe und Besuche pro (Tag|Monat)/ }).isVisible());
        assert.equal(await page.getByText("google.de").count(), 0, "no referrers for the public");
        await openChartTable(page);
        if (c === visitor) await axe(page);
        assert.deepEqual(await c.cookies(), [], "no cookie for the public");
      }
    } finally {
      await Promise.all([noScript.close(), visitor.close()]);
      // leave the demo as it was
      if (staff) await publicPage(await staff.newPage(), false);
    }
  });
});
