/**
 * Accessibility in a real browser (Chromium + axe-core, WCAG 2.1 A/AA as BITV 2.0 requires):
 * every kind of page, public and staff, including error and success states; a crawl of every
 * page linked from the start page (and of the staff area, logged in); keyboard use; and the
 * forms without JavaScript.
 * Run with `npm run test:e2e` (scripts/run-e2e.mjs starts the server with the demo data).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ADMIN, BASE_URL, axeCheck, axeReport, demoAccount, launchBrowser, loginAsStaff, newContext, open, submitForm, url } from "./support.js";

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Opens a page, checks its status, runs axe. */
async function checkPage(page: Page, path: string, status = 200): Promise<void> {
  await open(page, path, status);
  await axeCheck(page);
}

/** Path of the first link on the page whose href starts with `prefix` (and is not excluded). */
async function firstLink(page: Page, prefix: string, exclude: string[] = []): Promise<string> {
  const hrefs = await page.locator(`main a[href^="${prefix}"]`).evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  const href = hrefs.find((h) => h.length > prefix.length && !exclude.includes(h));
  assert.ok(href, `no link starting with ${prefix} on ${page.url()}`);
  return href;
}

/** Fills the Barriere-melden form with a valid report. */
async function fillBarrierReport(page: Page, description: string): Promise<void> {
  await page.getByLabel("Auf welcher Seite ist die Barriere?").fill("/usingen/kontakt");
  await page.getByLabel("Beschreiben Sie die Barriere").fill(description);
  await page.getByLabel("Ihr Name").fill("Erika Mustermann");
  await page.getByLabel("Ihre E-Mail-Adresse").fill("erika@example.org");
}

async function expectThanks(page: Page): Promise<string> {
  await assert.doesNotReject(page.getByRole("heading", { level: 1, name: "Vielen Dank für Ihre Meldung" }).waitFor({ timeout: 5000 }), `no thank-you page at ${page.url()}`);
  const title = await page.getByRole("status").getByRole("heading").textContent();
  const reference = /Vorgangsnummer: (\S+)/.exec(title ?? "")?.[1];
  assert.ok(reference, `no reference number on the thank-you page: ${title}`);
  return reference;
}

describe("axe: öffentliche Seiten", () => {
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    context = await newContext(browser);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
  });

  const paths = [
    "/",
    "/usingen/",
    "/neu-anspach/",
    "/usingen/kontakt",
    "/usingen/impressum",
    "/usingen/datenschutz",
    "/usingen/barrierefreiheit",
    "/usingen/leichte-sprache",
    "/usingen/gebaerdensprache",
    // citizen login (the flows through the test identity provider: login.test.ts)
    "/usingen/anmelden",
    "/usingen/anmelden?niveau=high&weiter=/usingen/mein-rathaus/datenauskunft",
    "/usingen/abgemeldet",
    // service catalogue (area, Lebenslage and service pages are reached by the crawl)
    "/usingen/dienste/",
    "/usingen/dienste/suche?q=Hund",
    "/usingen/dienste/suche?q=Raumschiff",
  ];
  for (const path of paths) test(path, () => checkPage(page, path));

  test("/usingen/aemter/:key (erstes Amt auf der Kontaktseite)", async () => {
    await open(page, "/usingen/kontakt");
    await checkPage(page, await firstLink(page, "/usingen/aemter/"));
  });

  test("404: unbekannte Seite und unbekannte Kommune", async () => {
    await checkPage(page, "/usingen/gibt-es-nicht", 404);
    await checkPage(page, "/unbekannte-kommune/", 404);
  });

  test("/usingen/barrierefreiheit/melden: Formular, Fehlerzustand, Dankesseite", async () => {
    await checkPage(page, "/usingen/barrierefreiheit/melden");

    const empty = await submitForm(page, page.getByRole("button", { name: "Meldung absenden" }));
    assert.equal(empty.status(), 400);
    await page.getByRole("alert").filter({ hasText: "Bitte prüfen Sie Ihre Angaben" }).waitFor();
    await axeCheck(page);

    await fillBarrierReport(page, "Der Kontrast der Tabelle ist zu schwach (gemeldet vom Browsertest).");
    const sent = await submitForm(page, page.getByRole("button", { name: "Meldung absenden" }));
    assert.equal(sent.status(), 200);
    await expectThanks(page);
    await axeCheck(page);
  });

  test("/verwaltung/anmelden und Fehlerzustand nach falschem Passwort", async () => {
    await checkPage(page, "/verwaltung/anmelden");
    // Not the admin: five failures in a row would lock the account for the tests below.
    await page.getByLabel("E-Mail-Adresse").fill(demoAccount("verwaltung@neu-anspach.example").email);
    await page.getByLabel("Passwort", { exact: true }).fill("falsches-Passwort");
    const res = await submitForm(page, page.getByRole("button", { name: "Anmelden" }));
    assert.equal(res.status(), 400);
    await page.getByText("E-Mail-Adresse oder Passwort sind nicht richtig.").first().waitFor();
    await axeCheck(page);
  });
});

describe("axe: Verwaltung (Demo-Plattform-Administration)", () => {
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    context = await newContext(browser);
    await loginAsStaff(context, ADMIN.email, ADMIN.password);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
  });

  const paths = [
    "/verwaltung/",
    "/verwaltung/aufgaben",
    "/verwaltung/protokoll",
    "/verwaltung/postausgang",
    "/usingen/verwaltung/",
    "/usingen/verwaltung/einstellungen",
    "/usingen/verwaltung/aemter",
    "/usingen/verwaltung/aemter/neu",
    "/usingen/verwaltung/gebaerdensprache",
    "/usingen/verwaltung/personal",
    "/usingen/verwaltung/personal/neu",
    // own account; enrolment, code step and role changes with a fresh account: login.test.ts
    "/verwaltung/konto/zwei-faktor",
    "/verwaltung/konto/passwort",
  ];
  for (const path of paths) test(path, () => checkPage(page, path));

  test("/usingen/verwaltung/einstellungen: Fehlerzustand (Hauptfarbe #ffff00 ohne Kontrast)", async () => {
    await open(page, "/usingen/verwaltung/einstellungen");
    await page.getByLabel("Hauptfarbe").fill("#ffff00");
    const res = await submitForm(page, page.getByRole("button", { name: "Einstellungen speichern" }));
    assert.equal(res.status(), 400, "a primary colour without contrast must be refused");
    await page.locator("#primaryColor-fehler").waitFor();
    await axeCheck(page);
  });

  test("/usingen/verwaltung/aemter/:id (erstes vorhandenes Amt, auch mit Erfolgsmeldung)", async () => {
    await open(page, "/usingen/verwaltung/aemter");
    const edit = await firstLink(page, "/usingen/verwaltung/aemter/", ["/usingen/verwaltung/aemter/neu"]);
    await checkPage(page, edit);
    await checkPage(page, `${edit}?gespeichert=1`);
    await page.getByRole("status").filter({ hasText: "Das Amt wurde gespeichert." }).waitFor();
  });

  test("/usingen/verwaltung/aemter/neu: Fehlerzustand (leer abgeschickt)", async () => {
    await open(page, "/usingen/verwaltung/aemter/neu");
    await page.getByLabel("Name", { exact: true }).fill("");
    const res = await submitForm(page, page.getByRole("button", { name: "Amt speichern" }));
    assert.equal(res.status(), 400);
    await page.getByRole("alert").filter({ hasText: "Bitte prüfen Sie Ihre Angaben" }).waitFor();
    await axeCheck(page);
  });

  test("Erfolgsmeldungen: Einstellungen und Gebärdensprache gespeichert", async () => {
    await checkPage(page, "/usingen/verwaltung/einstellungen?gespeichert=1");
    await checkPage(page, "/usingen/verwaltung/gebaerdensprache?gespeichert=1");
  });

  test("Gebärdensprache mit Video: Verwaltung und öffentliche Seite", async () => {
    await open(page, "/usingen/verwaltung/gebaerdensprache");
    // The server checks the declared type and size only; a few bytes stand in for a real video.
    await page.getByLabel(/Videodatei/).setInputFiles({ name: "vorstellung.webm", mimeType: "video/webm", buffer: Buffer.from("1a45dfa3", "hex") });
    const res = await submitForm(page, page.getByRole("button", { name: "Video hochladen" }));
    assert.equal(res.status(), 200);
    assert.match(page.url(), /gespeichert=1$/);
    await page.getByRole("button", { name: "Video entfernen" }).waitFor();
    await axeCheck(page);
    await checkPage(page, "/usingen/gebaerdensprache");
    assert.equal(await page.locator("main video").count(), 1, "the public page does not show the uploaded video");
  });

  test("/usingen/verwaltung/barrieren (mit der Meldung aus dem Formular-Test)", async () => {
    await checkPage(page, "/usingen/verwaltung/barrieren");
    assert.ok((await page.locator("article.report-card").count()) > 0, "the barrier report sent above is not listed");
  });
});

describe("Crawl: jede verlinkte Seite", () => {
  const MAX_PAGES = 300;
  const PARALLEL = 4; // pages in one context; axe is the slow part and this machine has 2 cores
  const origin = new URL(BASE_URL).origin;
  const FILE_EXTENSIONS = /\.(pdf|zip|csv|xlsx?|docx?|odt|ods|json|xml|ics|svg|png|jpe?g|gif|webp|mp4|webm|mp3|txt)$/i;

  /** Same-origin page link without #fragment; null for everything a crawl leaves alone. */
  function crawlable(href: string, from: string): string | null {
    let u: URL;
    try {
      u = new URL(href, from);
    } catch {
      return null;
    }
    if (u.origin !== origin || (u.protocol !== "http:" && u.protocol !== "https:")) return null; // also mailto:, tel:
    if (u.pathname.startsWith("/static/") || FILE_EXTENSIONS.test(u.pathname)) return null;
    u.hash = "";
    return u.href;
  }

  /**
   * Breadth-first over the links of every page reached from `start` (GET only: forms are not
   * submitted), PARALLEL pages at a time; every page must answer < 400, every HTML page pass axe.
   */
  async function crawl(context: BrowserContext, start: string, follow: (u: URL) => boolean = () => true) {
    const pages = await Promise.all(Array.from({ length: PARALLEL }, () => context.newPage()));
    const seen = new Set<string>([url(start)]);
    let level = [url(start)];
    const problems: string[] = [];
    let crawled = 0;
    let skipped = 0;
    let depth = 0;

    const visit = async (page: Page, target: string): Promise<string[]> => {
      let res;
      try {
        res = await page.goto(target, { waitUntil: "load" });
      } catch (err) {
        if (/Download is starting/i.test(String(err))) {
          skipped++;
          return [];
        }
        problems.push(`${target}: ${(err as Error).message.split("\n")[0]}`);
        return [];
      }
      if (!res) {
        problems.push(`${target}: no response`);
        return [];
      }
      if (res.status() >= 400) problems.push(`${target}: HTTP ${res.status()}`);
      if (!((await res.headerValue("content-type")) ?? "").startsWith("text/html")) {
        skipped++;
        return [];
      }
      crawled++;
      const from = page.url();
      seen.add(crawlable(from, from) ?? from); // where a redirect led
      if (res.status() < 400) {
        const report = await axeReport(page);
        if (report) problems.push(report);
      }
      const hrefs = await page.locator("a[href]:not([download])").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
      return hrefs.map((h) => crawlable(h, from)).filter((h): h is string => h !== null && follow(new URL(h)));
    };

    while (level.length > 0) {
      const next: string[] = [];
      const queue = [...level];
      await Promise.all(
        pages.map(async (page) => {
          for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
            for (const link of await visit(page, target)) {
              if (!seen.has(link) && seen.size < MAX_PAGES) {
                seen.add(link);
                next.push(link);
              }
            }
          }
        }),
      );
      level = next;
      depth++;
    }
    await Promise.all(pages.map((p) => p.close()));
    const summary = `crawled ${crawled} HTML pages from ${start} (${depth} link levels, ${skipped} non-HTML links skipped${seen.size >= MAX_PAGES ? `, stopped at the cap of ${MAX_PAGES}` : ""})`;
    return { crawled, problems, summary };
  }

  const assertClean = (r: { crawled: number; problems: string[] }, minimum: number) => {
    assert.ok(r.crawled >= minimum, `the crawl reached only ${r.crawled} pages (expected at least ${minimum}): links are missing`);
    assert.equal(r.problems.length, 0, `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"} found while crawling:\n\n${r.problems.join("\n\n")}`);
  };

  test(`öffentlich ab /, höchstens ${MAX_PAGES} Seiten: Status < 400 und axe ohne Verstöße`, async (t) => {
    const context = await newContext(browser);
    try {
      const result = await crawl(context, "/");
      console.log(`# ${result.summary}`);
      t.diagnostic(result.summary);
      assertClean(result, 20);
    } finally {
      await context.close();
    }
  });

  test(`Verwaltungsbereich als Plattform-Administration ab /verwaltung/, höchstens ${MAX_PAGES} Seiten`, async (t) => {
    const context = await newContext(browser);
    try {
      await loginAsStaff(context, ADMIN.email, ADMIN.password);
      // Public pages are covered above; here only the staff area of the platform and of every municipality.
      const result = await crawl(context, "/verwaltung/", (u) => /^\/([^/]+\/)?verwaltung(\/|$)/.test(u.pathname));
      console.log(`# ${result.summary}`);
      t.diagnostic(result.summary);
      assertClean(result, 15);
    } finally {
      await context.close();
    }
  });
});

describe("Tastatur", () => {
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    context = await newContext(browser);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
  });

  interface Focus { tag: string; id: string; text: string; type: string; inMain: boolean; visible: boolean }
  // Runs in the page (a string: the project's TypeScript has no DOM types).
  const FOCUS_PROBE = `(() => {
    const el = document.activeElement;
    const r = el && el.getBoundingClientRect();
    return {
      tag: el ? el.tagName.toLowerCase() : "",
      id: (el && el.id) || "",
      text: ((el && el.textContent) || "").trim(),
      type: (el && el.getAttribute("type")) || "",
      inMain: !!(el && el.closest("main#inhalt")),
      visible: !!r && r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  })()`;
  const focused = (p: Page): Promise<Focus> => p.evaluate(FOCUS_PROBE);

  test("erster Tab: Sprunglink „Zum Inhalt springen“; Enter führt in main#inhalt", async () => {
    await open(page, "/usingen/");
    await page.keyboard.press("Tab");
    const first = await focused(page);
    assert.equal(first.tag, "a");
    assert.equal(first.text, "Zum Inhalt springen");
    assert.ok(first.visible, "the skip link must be visible when it has focus");

    await page.keyboard.press("Enter");
    await page.waitForURL(/#inhalt$/);
    const target = await focused(page);
    assert.ok(target.inMain, `focus is on <${target.tag} id="${target.id}">, not in main#inhalt`);

    await page.keyboard.press("Tab");
    const afterSkip = await focused(page);
    assert.ok(afterSkip.inMain, `the next Tab after the skip link left the main content (<${afterSkip.tag}> ${afterSkip.text})`);
  });

  test("Barriere melden nur mit der Tastatur", async () => {
    await open(page, "/usingen/barrierefreiheit/melden");
    const tabTo = async (check: (f: Focus) => boolean, what: string, max: number) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press("Tab");
        if (check(await focused(page))) return;
      }
      assert.fail(`${what} not reached with ${max} presses of Tab`);
    };
    await tabTo((f) => f.id === "pageUrl", "the first form field", 60);
    await page.keyboard.type("/usingen/impressum");
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).id, "description");
    await page.keyboard.type("Die Überschriften im Impressum sind nicht ausgezeichnet (Tastaturtest).");
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).id, "name");
    await page.keyboard.type("Max Mustermann");
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).id, "email");
    await tabTo((f) => f.tag === "button" && f.type === "submit", "the submit button", 5);

    const done = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === "POST");
    await page.keyboard.press("Enter");
    assert.equal((await done).status(), 200);
    await page.waitForLoadState("load");
    await expectThanks(page);
  });
});

describe("Ohne JavaScript", () => {
  let context: BrowserContext;
  before(async () => {
    context = await newContext(browser, { javaScriptEnabled: false });
  });
  after(async () => {
    await context?.close();
  });

  test("Barriere melden: Fehler und Absenden", async () => {
    const page = await context.newPage();
    await open(page, "/neu-anspach/barrierefreiheit/melden");
    const empty = await submitForm(page, page.getByRole("button", { name: "Meldung absenden" }));
    assert.equal(empty.status(), 400);
    await page.getByText("Bitte prüfen Sie Ihre Angaben").waitFor();
    await fillBarrierReport(page, "Ein Formular lässt sich ohne JavaScript nicht absenden? (Test ohne JavaScript)");
    const sent = await submitForm(page, page.getByRole("button", { name: "Meldung absenden" }));
    assert.equal(sent.status(), 200);
    await expectThanks(page);
  });

  test("Anmeldung und Abmeldung in der Verwaltung", async () => {
    const account = demoAccount("verwaltung@usingen.example");
    await loginAsStaff(context, account.email, account.password);
    const page = await context.newPage();
    await open(page, "/usingen/verwaltung/");
    await page.getByRole("heading", { level: 1, name: "Verwaltung: Stadt Usingen" }).waitFor();
    const res = await submitForm(page, page.getByRole("button", { name: "Abmelden" }));
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, "/verwaltung/anmelden");
    await open(page, "/usingen/verwaltung/");
    assert.equal(new URL(page.url()).pathname, "/verwaltung/anmelden", "after logging out the staff pages must ask for a login again");
  });
});
