/**
 * The council information system in a real browser (Chromium), issue 6's "Done when": the
 * Sitzungsdienst drafts, approves and puts two papers on the agenda of a new meeting of the
 * Haupt- und Finanzausschuss (one public, one non-public), uploads a PDF and publishes the
 * invitation; at once a citizen sees the agenda and the public paper with its file while the
 * non-public item shows only as its number and "Nichtöffentliche Angelegenheit" (its title is
 * nowhere in the HTML, its paper answers 404); a council member of that committee sees the item and
 * its paper; the calendar and the search work without JavaScript; the agenda works with the
 * keyboard. Every page on the way is checked with axe (WCAG 2.1 A/AA) except in the context without
 * JavaScript (axe is JavaScript; those pages are checked with it in part 2). The Sitzungsdienst's
 * buttons are clicked with the mouse, and a button whose middle is covered by another control fails
 * at once. The server runs the full demo council (scripts/run-e2e.mjs, DEMO=true).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { axeReportQuick, focused, launchBrowser, newContext, open, submitForm, tabUntil, url } from "./support.js";
import { DEMO_COUNCIL_LOGINS } from "../../src/modules/council/demo-data.js";
import { NEUTRAL_TITLE } from "../../src/modules/council/visibility.js";

const T = "usingen";
const login = (kind: "sitzungsdienst" | "mandat") => DEMO_COUNCIL_LOGINS.find((l) => l.tenant === T && l.kind === kind)!;
const SITZUNGSDIENST = login("sitzungsdienst");
const MANDAT = login("mandat");
const HFA = "Haupt- und Finanzausschuss";
const SVV = "Stadtverordnetenversammlung";
const TIMEOUT = 60_000;

/** Unique per run: the titles are found again among the demo council's 200+ papers. */
const STAMP = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
/** The public paper; the search finds it by another word form ("Streuobstwiesen"). */
const TITLE1 = `Pflegekonzept für die Streuobstwiese am Hattsteiner Weg (Browsertest ${STAMP})`;
const SEARCH_FORM = "Streuobstwiesen";
const BODY1 = "Der Magistrat legt ein Pflegekonzept für die städtische Streuobstwiese vor: Schnitt der Altbäume, Nachpflanzungen und zweimalige Mahd im Jahr.";
const FILE1 = `Pflegeplan Streuobstwiese ${STAMP}`;
/** The non-public paper; the token appears in its title and text only. */
const SECRET = `Geheimvermerk${STAMP}`;
const TITLE2 = `Grundstücksverkauf Flurstück 4711 an die ${SECRET} GmbH`;
const BODY2 = `Der Magistrat empfiehlt, das Flurstück 4711 zum Preis von 250.000 Euro zu verkaufen (${SECRET}).`;

/** What the Sitzungsdienst's part creates; the later parts start from it. */
interface Created {
  paper1: { id: string; reference: string };
  paper2: { id: string; reference: string };
  meetingId: string;
  meetingMonth: string;
  publicNumber: string;
  nonPublicNumber: string;
}
let created: Created | undefined;
const state = (): Created => {
  assert.ok(created, "the Sitzungsdienst's part did not complete; nothing to look at");
  return created;
};

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function context(options: Parameters<typeof newContext>[1] = {}): Promise<BrowserContext> {
  const c = await newContext(browser, options);
  c.setDefaultTimeout(15_000);
  return c;
}

/** axe (WCAG 2.1 A/AA) on the page as it is: zero violations. */
async function axe(page: Page): Promise<void> {
  const report = await axeReportQuick(page);
  if (report) assert.fail(report);
}

/** Opens a path, checks its status and runs axe. */
async function visit(page: Page, path: string, status = 200): Promise<void> {
  await open(page, path, status);
  await axe(page);
}

/**
 * Fails at once, with a readable message, when the middle of the button is covered by another
 * element: a mouse click there would hit that element instead (Playwright would retry until its
 * timeout and then name only the covering element).
 */
async function assertNotCovered(button: Locator, what: string): Promise<void> {
  await button.scrollIntoViewIfNeeded();
  const hit = await button.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!at || el.contains(at)) return null;
    const owner = at.closest("button, a, input, select, textarea");
    return { button: `${Math.round(r.width)}×${Math.round(r.height)} px`, covering: `<${at.tagName.toLowerCase()} class="${at.getAttribute("class") ?? ""}">`, inside: owner ? (owner.textContent ?? "").replace(/\s+/g, " ").trim() : "" };
  });
  assert.equal(hit, null, `the button "${what}" (${hit?.button}) on ${button.page().url()} is covered in its middle by ${hit?.covering}${hit?.inside ? ` of the control "${hit.inside}"` : ""}: a mouse click on it activates that control instead`);
}

/** Submits with a button (a mouse click), expects a page (after redirects) with `status`, and runs axe on it. */
async function press(page: Page, buttonName: string, status = 200): Promise<void> {
  const button = page.getByRole("button", { name: buttonName, exact: true });
  await assertNotCovered(button, buttonName);
  const res = await submitForm(page, button);
  const problems = (await page.locator(".kern-error, [role=alert]").allTextContents()).map((s) => s.trim()).filter(Boolean);
  assert.equal(res.status(), status, `"${buttonName}" on ${page.url()} answered ${res.status()}${problems.length ? `: ${problems.join(" | ")}` : ""}`);
  await axe(page);
}

/** The staff login form, used with the keyboard only: type, Tab, type, Enter. */
async function keyboardLogin(c: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await c.newPage();
  await visit(page, "/verwaltung/anmelden");
  await page.getByLabel("E-Mail-Adresse").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).id, "password", "Tab from the e-mail field does not lead to the password field");
  await page.keyboard.type(password);
  // Enter in the focused password field (Locator.press waits for the navigation it starts).
  const res = await submitForm(page, page.locator("#password"), "Enter");
  assert.equal(res.status(), 200, `login as ${email}: ${res.status()} at ${page.url()}`);
  assert.equal(new URL(page.url()).pathname, "/verwaltung/", `login as ${email} led to ${page.url()}`);
  await axe(page);
  return page;
}

/** Berlin calendar day `days` from today: [TT.MM.JJJJ, JJJJ-MM]. */
function berlinDay(days: number): [string, string] {
  const d = new Date(Date.now() + days * 86_400_000);
  const [y, m, day] = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(d).split("-");
  return [`${day}.${m}.${y}`, `${y}-${m}`];
}

/** A small valid PDF with a text layer. */
async function smallPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText("Pflegeplan fuer die Streuobstwiese am Hattsteiner Weg", { x: 50, y: 780, size: 14, font });
  page.drawText("Schnitt der Altbaeume im Februar, Mahd im Juni und September.", { x: 50, y: 750, size: 11, font });
  return Buffer.from(await pdf.save());
}

/** Creates a paper through the form, submits it for approval and approves it; returns its id and reference. */
async function createApprovedPaper(page: Page, name: string, bodyText: string, consultations: [string, string][]): Promise<{ id: string; reference: string }> {
  await visit(page, `/${T}/verwaltung/rat/vorlagen/neu`);
  await page.getByLabel("Betreff").fill(name);
  await page.getByLabel("Art der Vorlage").selectOption({ label: "Beschlussvorlage" });
  await page.getByLabel("Federführung (Amt oder Fachbereich)").fill("Fachbereich 2 – Finanzen");
  await page.getByLabel("Text (Sachverhalt und Beschlussvorschlag)").fill(bodyText);
  for (const [i, [body, role]] of consultations.entries()) {
    await page.getByLabel(`Gremium, Schritt ${i + 1}`, { exact: true }).selectOption({ label: body });
    await page.getByLabel(`Art der Beratung, Schritt ${i + 1}`, { exact: true }).selectOption(role);
  }
  await press(page, "Als Entwurf speichern");
  const id = /\/verwaltung\/rat\/vorlagen\/([0-9a-f-]{36})\?hinweis=gespeichert$/.exec(page.url())?.[1];
  assert.ok(id, `saving the paper did not lead to its page: ${page.url()}`);
  const heading = (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
  const reference = /^Vorlage (.+?): /.exec(heading.trim())?.[1];
  assert.ok(reference && heading.includes(name), `unexpected heading of the new paper: ${heading}`);
  await page.getByRole("status").filter({ hasText: "Gespeichert." }).waitFor();
  const steps = await page.getByRole("region", { name: "Beratungsfolge" }).getByRole("listitem").allTextContents();
  assert.deepEqual(steps.map((s) => s.split(":")[0]!.trim()), consultations.map(([b, r]) => `${b} – ${r}`), "the Beratungsfolge was not saved as entered");

  await press(page, "Zur Freigabe vorlegen");
  await page.getByRole("status").filter({ hasText: "Die Vorlage liegt zur Freigabe vor." }).waitFor();
  await press(page, "Freigeben");
  await page.getByRole("status").filter({ hasText: "Die Vorlage ist freigegeben." }).waitFor();
  return { id, reference };
}

describe("Ratsinformation: Sitzungsdienst veröffentlicht, Öffentlichkeit und Mandatsträgerin sehen, was sie sehen dürfen", () => {
  test("1. Sitzungsdienst: Vorlagen anlegen und freigeben, Sitzung planen, Tagesordnung, PDF, Einladung veröffentlichen", { timeout: TIMEOUT }, async () => {
    const c = await context();
    try {
      const page = await keyboardLogin(c, SITZUNGSDIENST.email, SITZUNGSDIENST.password);
      await visit(page, `/${T}/verwaltung/rat`);

      const paper1 = await createApprovedPaper(page, TITLE1, BODY1, [[HFA, "Vorberatung"], [SVV, "Entscheidung"]]);
      const paper2 = await createApprovedPaper(page, TITLE2, BODY2, [[HFA, "Entscheidung"]]);

      // A new meeting of the Haupt- und Finanzausschuss, three weeks ahead.
      const [date, meetingMonth] = berlinDay(21);
      await visit(page, `/${T}/verwaltung/rat/sitzungen/neu`);
      await page.getByLabel("Gremium").selectOption({ label: HFA });
      await page.getByLabel("Datum").fill(date);
      await page.getByLabel("Beginn").fill("18:30");
      await page.getByLabel("Ende (voraussichtlich)").fill("21:00");
      await press(page, "Sitzung anlegen");
      const meetingId = /\/verwaltung\/rat\/sitzungen\/([0-9a-f-]{36})\?hinweis=gespeichert$/.exec(page.url())?.[1];
      assert.ok(meetingId, `creating the meeting did not lead to its page: ${page.url()}`);
      const meetingPath = `/${T}/verwaltung/rat/sitzungen/${meetingId}`;

      // The agenda builder: both papers are candidates of this committee; the first public, the second non-public.
      const candidates = page.getByRole("table", { name: "Freigegebene Vorlagen, die in diesem Gremium zur Beratung anstehen" });
      await candidates.getByRole("row").filter({ hasText: TITLE1 }).waitFor();
      await candidates.getByRole("row").filter({ hasText: TITLE2 }).waitFor();
      await press(page, `öffentlich beraten: ${paper1.reference}`);
      await press(page, `nichtöffentlich beraten: ${paper2.reference}`);
      assert.equal(new URL(page.url()).pathname, meetingPath);
      const agenda = page.getByRole("table", { name: "Tagesordnung" });
      const numberOf = async (title: string) => ((await agenda.getByRole("row").filter({ hasText: title }).getByRole("cell").first().textContent()) ?? "").trim();
      const publicNumber = await numberOf(TITLE1);
      const nonPublicNumber = await numberOf(TITLE2);
      assert.match(publicNumber, /^Ö \d+$/, "the public item is not numbered Ö n");
      assert.match(nonPublicNumber, /^N \d+$/, "the non-public item is not numbered N n");
      await agenda.getByRole("row").filter({ hasText: TITLE2 }).getByText(`öffentlich nur als „${NEUTRAL_TITLE}“`).waitFor();

      // A PDF for the first paper.
      await visit(page, `/${T}/verwaltung/rat/vorlagen/${paper1.id}`);
      await page.getByLabel("Bezeichnung").fill(FILE1);
      await page.getByLabel("Art der Datei").selectOption("main");
      await page.getByLabel("PDF-Datei (höchstens 30 MB)").setInputFiles({ name: "pflegeplan.pdf", mimeType: "application/pdf", buffer: await smallPdf() });
      await press(page, "Hochladen");
      await page.getByRole("status").filter({ hasText: "Die Datei ist hochgeladen." }).waitFor();
      await page.getByRole("link", { name: FILE1, exact: true }).waitFor();

      // Publishing the invitation through its confirmation page, which lists exactly what becomes public.
      await visit(page, meetingPath);
      await page.getByRole("link", { name: "Einladung veröffentlichen …" }).click();
      await page.waitForURL((u) => u.pathname === `${meetingPath}/einladung`, { waitUntil: "load" });
      await page.getByRole("heading", { level: 1, name: /^Einladung veröffentlichen: / }).waitFor();
      await axe(page);
      await press(page, "Jetzt veröffentlichen");
      assert.equal(new URL(page.url()).pathname, meetingPath);
      await page.getByRole("status").filter({ hasText: "Veröffentlicht." }).waitFor();
      await page.getByRole("link", { name: "Öffentliche Seite der Sitzung" }).waitFor();

      created = { paper1, paper2, meetingId, meetingMonth, publicNumber, nonPublicNumber };
    } finally {
      await c.close();
    }
  });

  test("2. Öffentlichkeit: Tagesordnung sofort, nichtöffentlicher Punkt nur neutral, Vorlage mit Datei, Suche mit Wortform", { timeout: TIMEOUT }, async () => {
    const s = state();
    const c = await context();
    try {
      const page = await c.newPage();
      const meetingPath = `/${T}/rat/sitzungen/${s.meetingId}`;
      await visit(page, meetingPath);
      const agenda = page.getByRole("region", { name: "Tagesordnung" });
      const items = agenda.locator("ol.rat-agenda > li");
      assert.equal(await items.count(), 2, "the public agenda does not have exactly the two items");
      const publicItem = items.filter({ has: page.getByRole("heading", { level: 3, name: `${s.publicNumber} ${TITLE1}` }) });
      await publicItem.waitFor();
      const itemAnchor = await publicItem.getAttribute("id");
      assert.match(itemAnchor ?? "", /^top-/, "the public item has no anchor");
      const paperLink = publicItem.getByRole("link", { name: `${s.paper1.reference} – ${TITLE1}` });
      assert.equal(await paperLink.getAttribute("href"), `/${T}/rat/vorlagen/${s.paper1.id}`);
      const neutral = items.filter({ has: page.getByRole("heading", { level: 3, name: `${s.nonPublicNumber} ${NEUTRAL_TITLE}`, exact: true }) });
      await neutral.waitFor();
      assert.equal(await neutral.getByRole("link").count(), 0, "the neutral line links somewhere");
      assert.equal(((await neutral.textContent()) ?? "").replace(/\s+/g, " ").trim(), `${s.nonPublicNumber} ${NEUTRAL_TITLE}`);
      const html = await page.content();
      for (const secret of [TITLE2, SECRET, s.paper2.id, s.paper2.reference]) assert.ok(!html.includes(secret), `the public meeting page contains "${secret}" of the non-public item`);

      // The public paper, with its file.
      await paperLink.click();
      await page.waitForURL((u) => u.pathname === `/${T}/rat/vorlagen/${s.paper1.id}`, { waitUntil: "load" });
      await page.getByRole("heading", { level: 1, name: TITLE1 }).waitFor();
      await axe(page);
      await page.getByText(BODY1).waitFor();
      const file = page.getByRole("region", { name: "Dokumente" }).getByRole("link", { name: FILE1, exact: true });
      const href = await file.getAttribute("href");
      assert.ok(href && href.startsWith(`/${T}/rat/dokumente/`), `unexpected file link ${href}`);
      const download = await c.request.get(url(href));
      assert.equal(download.status(), 200);
      assert.equal(download.headers()["content-type"], "application/pdf");
      assert.equal((await download.body()).subarray(0, 5).toString(), "%PDF-");
      // Its Beratungsfolge links to the item on the new meeting.
      const step = page.getByRole("region", { name: "Beratungsfolge" }).getByRole("row").filter({ hasText: HFA });
      assert.equal(await step.locator(`a[href^="${meetingPath}"]`).getAttribute("href"), `${meetingPath}#${itemAnchor}`);

      // The calendar of the meeting's month lists it.
      await visit(page, `/${T}/rat/sitzungen?monat=${s.meetingMonth}`);
      await page.locator(`main a[href="${meetingPath}"]`).waitFor();
      assert.ok(!(await page.content()).includes(SECRET), "the calendar names the non-public item");

      // The non-public paper does not exist for the public.
      await visit(page, `/${T}/rat/vorlagen/${s.paper2.id}`, 404);
      assert.ok(!(await page.content()).includes(SECRET), "the 404 page names the non-public paper");

      // The search finds the public paper by another word form, and nothing of the non-public one.
      await visit(page, `/${T}/rat/suche?q=${encodeURIComponent(SEARCH_FORM)}`);
      const hit = page.locator("ol.search-results > li").filter({ has: page.locator(`a[href="/${T}/rat/vorlagen/${s.paper1.id}"]`) });
      await hit.waitFor();
      assert.ok(((await hit.getByRole("link").textContent()) ?? "").includes(TITLE1), "the hit does not show the paper's title");
      assert.ok((await hit.locator("mark").count()) > 0, "the matched word is not highlighted");
      await visit(page, `/${T}/rat/suche?q=${SECRET}`);
      await page.getByRole("heading", { level: 2, name: `Keine Treffer für „${SECRET}“` }).waitFor();
    } finally {
      await c.close();
    }
  });

  test("3. Mandatsträgerin im Haupt- und Finanzausschuss: nichtöffentlicher Punkt mit Titel, Vorlage mit Inhalt, Meine Gremien", { timeout: TIMEOUT }, async () => {
    const s = state();
    const c = await context();
    try {
      const page = await keyboardLogin(c, MANDAT.email, MANDAT.password);
      await visit(page, `/${T}/rat/sitzungen/${s.meetingId}`);
      await page.getByRole("heading", { level: 2, name: "Sie sehen auch nichtöffentliche Inhalte" }).waitFor();
      const items = page.getByRole("region", { name: "Tagesordnung" }).locator("ol.rat-agenda > li");
      const nonPublic = items.filter({ has: page.getByRole("heading", { level: 3, name: new RegExp(`^${s.nonPublicNumber} ${TITLE2}`) }) });
      await nonPublic.waitFor();
      await nonPublic.getByText("nichtöffentlich", { exact: true }).first().waitFor();
      assert.equal(await page.getByText(NEUTRAL_TITLE).count(), 0, "the member still sees the neutral title");
      const link = nonPublic.getByRole("link", { name: `${s.paper2.reference} – ${TITLE2}` });
      assert.equal(await link.getAttribute("href"), `/${T}/rat/vorlagen/${s.paper2.id}`);

      await link.click();
      await page.waitForURL((u) => u.pathname === `/${T}/rat/vorlagen/${s.paper2.id}`, { waitUntil: "load" });
      await page.getByRole("heading", { level: 1, name: TITLE2 }).waitFor();
      await axe(page);
      await page.getByText("Diese Vorlage ist nicht öffentlich.").waitFor();
      await page.getByRole("region", { name: "Inhalt" }).getByText(BODY2).waitFor();

      await visit(page, `/${T}/verwaltung/rat/mandat`);
      await page.getByRole("heading", { level: 1, name: "Meine Gremien" }).waitFor();
      const hfa = page.getByRole("region", { name: HFA, exact: true });
      await hfa.waitFor();
      await hfa.locator(`a[href="/${T}/rat/sitzungen/${s.meetingId}"]`).waitFor();
      await page.getByRole("region", { name: SVV, exact: true }).waitFor();
      for (const other of ["Magistrat", "Bau-, Planungs- und Umweltausschuss"]) assert.equal(await page.getByRole("region", { name: other, exact: true }).count(), 0, `Meine Gremien lists ${other}`);
    } finally {
      await c.close();
    }
  });

  test("4. Ohne JavaScript: Sitzungskalender und Suche", { timeout: TIMEOUT }, async () => {
    const s = state();
    // axe runs as JavaScript in the page, so it cannot run here; the same pages passed it in part 2.
    const c = await context({ javaScriptEnabled: false });
    try {
      const page = await c.newPage();
      await open(page, `/${T}/rat/sitzungen`);
      await page.getByRole("heading", { level: 1, name: /^Sitzungskalender / }).waitFor();
      // The month and committee filter is a plain GET form.
      const filter = page.getByRole("form", { name: "Sitzungen filtern" });
      await filter.getByLabel("Monat", { exact: true }).fill(s.meetingMonth);
      await filter.getByLabel("Gremium", { exact: true }).selectOption({ label: HFA });
      assert.equal((await submitForm(page, filter.getByRole("button", { name: "Anzeigen" }))).status(), 200);
      const query = new URL(page.url()).searchParams;
      assert.equal(query.get("monat"), s.meetingMonth);
      assert.ok(query.get("gremium"), "the committee filter did not go along");
      await page.getByRole("heading", { level: 1, name: /^Sitzungskalender / }).waitFor();
      const meetingLink = page.locator(`main a[href="/${T}/rat/sitzungen/${s.meetingId}"]`);
      await meetingLink.waitFor();

      await open(page, `/${T}/rat/suche`);
      const form = page.getByRole("search", { name: "Ratsinformation durchsuchen" });
      await form.getByLabel("Suchbegriff").fill(SEARCH_FORM);
      const res = await submitForm(page, form.getByRole("button", { name: "Suchen" }));
      assert.equal(res.status(), 200);
      assert.equal(new URL(page.url()).searchParams.get("q"), SEARCH_FORM);
      await page.getByRole("heading", { level: 2, name: new RegExp(`Treffer für „${SEARCH_FORM}“$`) }).waitFor();
      await page.locator(`ol.search-results a[href="/${T}/rat/vorlagen/${s.paper1.id}"]`).waitFor();
    } finally {
      await c.close();
    }
  });

  test("5. Tastatur: Sprunglink, Tab bis zur Vorlage, Enter öffnet sie", { timeout: TIMEOUT }, async () => {
    const s = state();
    const c = await context();
    try {
      const page = await c.newPage();
      await open(page, `/${T}/rat/sitzungen/${s.meetingId}`);
      await page.keyboard.press("Tab");
      const skip = await focused(page);
      assert.equal(skip.tag, "a", `the first Tab does not reach a link but ${skip.tag}`);
      assert.equal(skip.text, "Zum Inhalt springen");
      assert.ok(skip.visible, "the focused skip link is not visible");
      await page.keyboard.press("Enter");
      await page.waitForFunction('document.activeElement && document.activeElement.id === "inhalt"');
      const link = await tabUntil(page, (f) => f.tag === "a" && f.text.includes(TITLE1), `the link to "${TITLE1}"`);
      assert.ok(link.inMain && link.visible, "the focused paper link is not visible in the main content");
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => u.pathname === `/${T}/rat/vorlagen/${s.paper1.id}`, { waitUntil: "load" });
      await page.getByRole("heading", { level: 1, name: TITLE1 }).waitFor();
    } finally {
      await c.close();
    }
  });
});
