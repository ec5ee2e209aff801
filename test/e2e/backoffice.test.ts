/**
 * The back office in a real browser (Chromium), from both sides at once: a citizen (Erika, logged
 * in through the test Servicekonto) submits a Meldebescheinigung; the case appears in the
 * Bürgerbüro's inbox; the caseworker asks back; the citizen answers in "Mein Rathaus" with a PDF;
 * the caseworker decides; the Bescheid appears for the citizen and downloads as a PDF. Every page
 * on the way is checked with axe (WCAG 2.1 A/AA).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { axeCheck, launchBrowser, loginAsStaff, newContext, open, submitForm, url } from "./support.js";
import { loadDefinitions } from "../../src/modules/services/definitions.js";
import { exampleInput } from "../../src/test-support/form-filler.js";
import { DEMO_CASEWORKERS } from "../../src/modules/cases/seeds.js";
import { PERSONAS } from "../../src/modules/testidp/personas.js";

const TENANT = "usingen";
const ERIKA = PERSONAS.find((p) => p.key === "erika")!;
const CASEWORKER = DEMO_CASEWORKERS.find((w) => w.email === "buergerbuero@usingen.example")!;
const TODAY = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date());
const TIMEOUT = 180_000;

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Types and ticks a step's example answers into the page by the inputs' names, as a user would. */
async function fillStep(page: Page, serviceId: string, stepId: string, choice: "first" | "last"): Promise<void> {
  const def = loadDefinitions().definitions.find((d) => d.id === serviceId)!;
  const step = def.steps.find((s) => s.id === stepId)!;
  const { body } = exampleInput(def, step.fields, TODAY, choice);
  for (const [name, value] of Object.entries(body)) {
    const first = page.locator(`[name="${name}"]`).first();
    if ((await first.count()) === 0) continue;
    const kind = await first.evaluate((el) => (el.tagName === "SELECT" ? "select" : (el as HTMLInputElement).type));
    if (kind === "select") await first.selectOption(String(value));
    else if (kind === "radio" || kind === "checkbox") for (const v of Array.isArray(value) ? value : [value]) await page.locator(`[name="${name}"][value="${v}"]`).check();
    else await first.fill(String(value));
  }
}

async function context(): Promise<BrowserContext> {
  const c = await newContext(browser);
  c.setDefaultTimeout(20_000);
  return c;
}

test("Vorgang von beiden Seiten: Antrag, Posteingang der Abteilung, Rückfrage, Antwort mit Dokument, Bescheid in „Mein Rathaus“", { timeout: TIMEOUT }, async () => {
  const citizenContext = await context();
  const staffContext = await context();
  try {
    // 1. Erika submits a Meldebescheinigung.
    const citizen = await citizenContext.newPage();
    await open(citizen, `/${TENANT}/dienste/meldebescheinigung`);
    await submitForm(citizen, citizen.getByRole("button", { name: "Antrag „Meldebescheinigung beantragen“ online stellen" }));
    await citizen.getByRole("button", { name: "Anmelden mit Servicekonto Hessen (Testsystem)" }).click();
    await citizen.waitForURL((u) => u.pathname.startsWith("/idp/"), { waitUntil: "load" });
    await citizen.getByRole("radio", { name: new RegExp(`^${ERIKA.label}`) }).check();
    await citizen.getByRole("button", { name: "Anmelden", exact: true }).click();
    await citizen.waitForURL((u) => u.pathname === `/${TENANT}/dienste/meldebescheinigung/antrag`, { waitUntil: "load" });
    await submitForm(citizen, citizen.getByRole("button", { name: "Antrag beginnen" }));
    for (const stepId of ["person", "bescheinigung", "zustellung"]) {
      await fillStep(citizen, "meldebescheinigung", stepId, "last");
      const res = await submitForm(citizen, citizen.getByRole("button", { name: "Weiter", exact: true }));
      assert.equal(res.status(), 200, `step ${stepId}: ${(await citizen.locator(".error-summary a").allTextContents()).join(" | ")}`);
    }
    await submitForm(citizen, citizen.getByRole("button", { name: "Antrag verbindlich absenden" }));
    const reference = ((await citizen.locator(".reference").textContent()) ?? "").trim();
    assert.match(reference, /^USI-\d{4}-\d{6}$/);
    const applicantPage = citizen.url().replace(/\?neu=1$/, "");

    // 2. The case appears in the Bürgerbüro's inbox (created by a job: poll briefly).
    await loginAsStaff(staffContext, CASEWORKER.email, CASEWORKER.password);
    const staff = await staffContext.newPage();
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await open(staff, `/${TENANT}/verwaltung/vorgaenge`);
      found = (await staff.getByRole("link", { name: reference }).count()) === 1;
      if (!found) await staff.waitForTimeout(250);
    }
    assert.ok(found, `${reference} is not in the Bürgerbüro's inbox`);
    await axeCheck(staff);
    await staff.getByRole("link", { name: reference }).click();
    await staff.waitForLoadState("load");
    await axeCheck(staff);
    await submitForm(staff, staff.getByRole("button", { name: "Bearbeitung beginnen" }));

    // 3. The caseworker asks back.
    await staff.getByLabel("Ihre Rückfrage an die antragstellende Person").fill("Bitte senden Sie uns eine Kopie Ihres Mietvertrags.");
    await submitForm(staff, staff.getByRole("button", { name: "Rückfrage stellen" }));
    await staff.getByText("Gespeichert.").waitFor();

    // 4. The citizen sees the question in "Mein Rathaus" and answers with a document.
    await open(citizen, `/${TENANT}/mein-rathaus/antraege`);
    await citizen.getByRole("table", { name: "Ihre abgesendeten Anträge" }).getByRole("row").filter({ hasText: reference }).getByRole("link", { name: "Meldebescheinigung beantragen" }).click();
    await citizen.waitForLoadState("load");
    assert.equal(citizen.url(), applicantPage);
    await citizen.getByText("Die Verwaltung braucht noch etwas von Ihnen").waitFor();
    await citizen.getByText("Bitte senden Sie uns eine Kopie Ihres Mietvertrags.").waitFor();
    await axeCheck(citizen);
    const pdf = await citizen.pdf({ format: "A4" });
    await citizen.getByLabel("Ihre Nachricht").fill("Anbei der Mietvertrag.");
    await citizen.getByLabel(/^Dokumente/).setInputFiles({ name: "mietvertrag.pdf", mimeType: "application/pdf", buffer: pdf });
    await submitForm(citizen, citizen.getByRole("button", { name: "Antwort senden" }));
    await citizen.getByText("Anbei der Mietvertrag.").waitFor();
    await citizen.getByText(/Von Ihnen nachgereicht: mietvertrag\.pdf/).waitFor();

    // 5. The caseworker sees the answer and the file, and decides.
    await staff.reload({ waitUntil: "load" });
    await staff.getByText("Anbei der Mietvertrag.").waitFor();
    const fileLink = staff.getByRole("link", { name: /mietvertrag\.pdf/ });
    const download = await staff.request.get(url((await fileLink.getAttribute("href"))!));
    assert.equal(download.status(), 200);
    assert.equal((await download.body()).subarray(0, 5).toString(), "%PDF-");
    await submitForm(staff, staff.getByRole("button", { name: "Abschließen und Bescheid senden" }));
    await staff.getByText("Gespeichert.").waitFor();
    assert.match((await staff.locator("dl").first().textContent()) ?? "", /Abgeschlossen/);

    // 6. The Bescheid is in "Mein Rathaus"; its first opening is recorded for the caseworker.
    await citizen.reload({ waitUntil: "load" });
    const bescheid = citizen.getByRole("link", { name: /Bescheid: Abgeschlossen/ });
    await bescheid.waitFor();
    await axeCheck(citizen);
    const file = await citizen.request.get(url((await bescheid.getAttribute("href"))!));
    assert.equal(file.status(), 200);
    assert.equal((await file.body()).subarray(0, 5).toString(), "%PDF-");
    await staff.reload({ waitUntil: "load" });
    await staff.getByText(/zuerst geöffnet/).waitFor();
  } finally {
    await citizenContext.close();
    await staffContext.close();
  }
});
