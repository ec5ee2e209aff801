/**
 * Public construction projects in a real browser (Chromium), issue 8 item 8: the Bauamt logs in,
 * creates a project, adds a milestone and an update with a photo (a file chosen in the file
 * input, with its alternative text), publishes the project and the update. The public list and
 * the project page pass axe (WCAG 2.1 A/AA, zero violations) and work without JavaScript: a
 * visitor without JavaScript follows the list's link to the project and sees its facts, the
 * timeline and the photo (alt text, width and height, the image itself delivered). Every staff
 * page on the way is checked with axe too. The server runs the demo (scripts/run-e2e.mjs).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { axeReportQuick, launchBrowser, loginAsStaff, newContext, open, submitForm } from "./support.js";
import { DEMO_BAUAMT_LOGINS } from "../../src/modules/construction/seeds.js";
import { drawPng } from "../../src/modules/construction/images.js";

const T = "usingen";
const BAUAMT = DEMO_BAUAMT_LOGINS.find((l) => l.tenant === T)!;
const TIMEOUT = 30_000;
/** Unique per run: the title is found again among the demo's projects. */
const STAMP = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const TITLE = `Neubau des Dorfgemeinschaftshauses Merzhausen (Browsertest ${STAMP})`;
const UPDATE = "Die Bodenplatte ist gegossen";
const ALT = "Betonmischer gießt die Bodenplatte des neuen Dorfgemeinschaftshauses";
const PHOTO = drawPng(360, 240, (x, y) => [180, 120 + ((x * y) % 80), 60]);

let browser: Browser;
let projectPath = "";
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function context(options: Parameters<typeof newContext>[1] = {}): Promise<BrowserContext> {
  const c = await newContext(browser, options);
  c.setDefaultTimeout(10_000);
  return c;
}

async function axe(page: Page): Promise<void> {
  const report = await axeReportQuick(page);
  if (report) assert.fail(report);
}

/** Clicks a button, expects the page after redirects with `status`, runs axe on it. */
async function press(page: Page, name: string, status = 200): Promise<void> {
  const res = await submitForm(page, page.getByRole("button", { name, exact: true }));
  const problems = (await page.locator(".kern-error, [role=alert]").allTextContents()).map((s) => s.replace(/\s+/g, " ").trim()).filter(Boolean);
  assert.equal(res.status(), status, `"${name}" on ${page.url()} answered ${res.status()}${problems.length ? `: ${problems.join(" | ")}` : ""}`);
  await axe(page);
}

/** Today in Berlin as TT.MM.JJJJ. */
const today = () => new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date());

describe("Öffentliche Bauvorhaben im Browser", () => {
  test("1. Bauvorhaben: das Bauamt legt ein Bauvorhaben mit Meilenstein und Neuigkeit mit Foto an und veröffentlicht beides", { timeout: TIMEOUT }, async () => {
    const c = await context();
    try {
      await loginAsStaff(c, BAUAMT.email, BAUAMT.password);
      const page = await c.newPage();
      await open(page, `/${T}/verwaltung/bauvorhaben`);
      await axe(page);
      await page.getByRole("link", { name: "Neues Bauvorhaben anlegen" }).click();
      await page.waitForURL((u) => u.pathname.endsWith("/verwaltung/bauvorhaben/neu"));
      await axe(page);
      await page.getByLabel("Titel", { exact: true }).fill(TITLE);
      await page.getByLabel("Kurzbeschreibung").fill("Das alte Bürgerhaus wird durch ein barrierefreies Dorfgemeinschaftshaus ersetzt.");
      await page.getByLabel("Beschreibung", { exact: true }).fill("Der Neubau bekommt einen Saal für 120 Personen.\n\nDie Vereine ziehen während der Bauzeit in die Turnhalle.");
      await page.getByLabel("Stand").selectOption({ label: "in Bau" });
      await page.getByLabel("Adresse oder Beschreibung des Ortes").fill("Merzhausen, Kirchstraße 4");
      await page.getByLabel("Geografische Breite").fill("50,3461");
      await page.getByLabel("Geografische Länge").fill("8,4977");
      await page.getByLabel("Beginn").fill("10.2026");
      await page.getByLabel("Ende").fill("06.2028");
      await page.getByLabel("Kosten in Euro").fill("2.150.000");
      await page.getByLabel("Förderung").fill("gefördert aus dem Programm Dorfentwicklung");
      await page.getByLabel("Amt oder Person").fill("Bauamt, Team Hochbau");
      await page.getByLabel("Telefon").fill("06081 999-120");
      await press(page, "Speichern");
      assert.match(new URL(page.url()).pathname, /^\/usingen\/verwaltung\/bauvorhaben\/[0-9a-f-]{36}$/);
      const staffPath = new URL(page.url()).pathname;
      projectPath = staffPath.replace("/verwaltung/bauvorhaben/", "/bauvorhaben/");

      await page.getByLabel("Meilenstein", { exact: true }).fill("Rohbau fertig");
      await page.getByLabel("Geplant für").fill("09.2027");
      await press(page, "Meilenstein hinzufügen");
      await page.getByRole("cell", { name: "geplant für September 2027" }).waitFor();

      await press(page, "Veröffentlichen");
      await page.getByText("Das Bauvorhaben ist veröffentlicht.").waitFor();

      await page.getByRole("link", { name: "Neuigkeit schreiben" }).click();
      await page.waitForURL((u) => u.pathname.endsWith("/neuigkeiten/neu"));
      await axe(page);
      await page.getByLabel("Datum (TT.MM.JJJJ)").fill(today());
      await page.getByLabel("Titel", { exact: true }).fill(UPDATE);
      await page.getByLabel("Text", { exact: true }).fill("Der Beton härtet jetzt aus. Als Nächstes werden die Wände gemauert.");
      await page.getByLabel(/^Foto 1/).setInputFiles({ name: "bodenplatte.png", mimeType: "image/png", buffer: PHOTO });
      await page.getByLabel("Alternativtext zu Foto 1").fill(ALT);
      await press(page, "Speichern");
      assert.equal(new URL(page.url()).pathname, staffPath);
      await page.getByRole("img", { name: ALT }).waitFor();

      await press(page, `Veröffentlichen Neuigkeit „${UPDATE}“`);
      await page.getByText("Die Neuigkeit ist veröffentlicht und an die Redaktion gemeldet.", { exact: false }).waitFor();
    } finally {
      await c.close();
    }
  });

  test("2. Bauvorhaben öffentlich: Liste und Seite bestehen axe", { timeout: TIMEOUT }, async () => {
    assert.ok(projectPath, "part 1 did not complete");
    const c = await context();
    try {
      const page = await c.newPage();
      await open(page, `/${T}/bauvorhaben/`);
      await axe(page);
      await page.getByRole("link", { name: TITLE }).waitFor();
      await open(page, projectPath);
      await axe(page);
      await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    } finally {
      await c.close();
    }
  });

  test("3. Bauvorhaben ohne JavaScript: von der Liste zur Seite, mit Zeitplan, Neuigkeit und Foto", { timeout: TIMEOUT }, async () => {
    assert.ok(projectPath, "part 1 did not complete");
    // axe runs as JavaScript in the page, so it cannot run here; the same pages passed it in part 2.
    const c = await context({ javaScriptEnabled: false });
    try {
      const page = await c.newPage();
      await open(page, `/${T}/bauvorhaben/`);
      const current = page.getByRole("region", { name: "Aktuelle Bauvorhaben" });
      const entry = current.getByRole("listitem").filter({ has: page.getByRole("link", { name: TITLE }) });
      for (const text of ["in Bau", "Oktober 2026 bis Juni 2028", "2.150.000 €"]) await entry.getByText(text, { exact: true }).waitFor();
      const photoLoaded = page.waitForResponse((r) => r.url().includes("/fotos/"));
      const res = await submitForm(page, entry.getByRole("link", { name: TITLE }));
      assert.equal(res.status(), 200);
      assert.equal(new URL(page.url()).pathname, projectPath);
      await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
      await page.getByRole("listitem").filter({ hasText: "Rohbau fertig: geplant für September 2027" }).waitFor();
      await page.getByRole("heading", { level: 3, name: UPDATE }).waitFor();
      const img = page.getByRole("img", { name: ALT });
      assert.equal(await img.getAttribute("width"), "360");
      assert.equal(await img.getAttribute("height"), "240");
      const photo = await photoLoaded;
      assert.equal(photo.status(), 200);
      assert.equal(photo.headers()["content-type"], "image/png");
      await page.getByRole("link", { name: "06081 999-120" }).waitFor();
    } finally {
      await c.close();
    }
  });
});
