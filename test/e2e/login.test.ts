/**
 * Logins in a real browser (Chromium), end to end through the embedded test identity provider
 * (src/modules/testidp): citizens with BundID (SAML 2.0) and the Servicekonto Hessen (OpenID
 * Connect), step-up to the trust level "high", single logout, separation of municipalities and
 * of the staff area; staff with password and TOTP, and a role change under Personal. Every page
 * on the way is checked with axe (WCAG 2.1 A/AA); the SAML login is also done without JavaScript.
 * Every flow runs in a fresh browser context.
 * Run with `npm run test:e2e` (scripts/run-e2e.mjs starts the server with the demo data).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ADMIN, axeCheck, launchBrowser, loginAsStaff, newContext, open, submitForm, url } from "./support.js";
import { TOTP_PERIOD_S, totpAt, totpStep } from "../../src/platform/auth/totp.js";

const TENANT = "usingen";
const OTHER_TENANT = "neu-anspach";
const MEIN = `/${TENANT}/mein-rathaus/`;
const DATENAUSKUNFT = `/${TENANT}/mein-rathaus/datenauskunft`;
const LOGIN = `/${TENANT}/anmelden`;
const ABGEMELDET = `/${TENANT}/abgemeldet`;

const SAML = "Anmelden mit BundID (Testsystem)";
const OIDC = "Anmelden mit Servicekonto Hessen (Testsystem)";
const TRUST_BASIC = "Benutzername und Passwort (niedrig)";
const TRUST_HIGH = "hoch, z. B. Online-Ausweis (eID)";

/** Generous, but far below the test timeout: a stuck flow fails with a clear message. */
const STEP_TIMEOUT = 20_000;
const TEST_TIMEOUT = 120_000;

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A fresh context (own cookies, own profile) for one flow; closed afterwards whatever happens. */
async function inFreshContext(options: Parameters<typeof newContext>[1], fn: (context: BrowserContext, page: Page) => Promise<void>): Promise<void> {
  const context = await newContext(browser, options);
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  try {
    await fn(context, await context.newPage());
  } finally {
    await context.close();
  }
}

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** Waits until the browser has arrived (page loaded) at `path`, across any redirects and auto-submits. */
async function arriveAt(page: Page, path: string): Promise<void> {
  await page.waitForURL((u) => u.pathname === path, { waitUntil: "load" }).catch((err: Error) => {
    throw new Error(`expected to arrive at ${path}, but the browser is at ${page.url()}: ${err.message.split("\n")[0]}`);
  });
}

async function heading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole("heading", { level: 1, name }).waitFor().catch(() => {
    throw new Error(`no heading “${String(name)}” at ${page.url()}`);
  });
}

/** The value of a row of the description list on Mein Rathaus ("Vorname" → "Max"). */
async function attribute(page: Page, label: string): Promise<string> {
  const item = page.locator(".kern-description-list-item").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) });
  return ((await item.locator("dd").textContent()) ?? "").trim();
}

/** The login page as a citizen without a session sees it (not the step-up variant). */
async function expectLoginPage(page: Page, tenant = TENANT): Promise<void> {
  assert.equal(pathOf(page), `/${tenant}/anmelden`, `expected the login page of ${tenant}, got ${page.url()}`);
  await heading(page, "Anmelden");
  await page.getByRole("button", { name: SAML }).waitFor();
}

/**
 * On the municipality's login page: chooses a provider, checks the test IdP's persona page
 * (axe), picks the persona and, for SAML, gets past the "Weiter zum Dienst" page — by the
 * auto-submit of /static/testidp.js, or by clicking (without JavaScript, or with `checkResponsePage`,
 * which keeps the script from loading so the page can be checked with axe first).
 */
async function loginWithIdp(page: Page, opts: { provider: typeof SAML | typeof OIDC; persona: "Erika Mustermann" | "Max Mustermann"; target: string; checkResponsePage?: boolean; javaScript?: boolean; requiredLevel?: string }): Promise<void> {
  const saml = opts.provider === SAML;
  const javaScript = opts.javaScript ?? true;
  const blockScript = javaScript && opts.checkResponsePage === true;
  const scriptUrl = "**/static/testidp.js*";
  if (blockScript) await page.route(scriptUrl, (route) => route.abort());
  try {
    await page.getByRole("button", { name: opts.provider }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/idp/"), { waitUntil: "load" });
    await page.getByText("Testsystem – keine echte Anmeldung").first().waitFor();
    await heading(page, "Anmelden mit einer Testperson");
    await page.getByText(saml ? "über die BundID (SAML 2.0)" : "über ein Servicekonto (OpenID Connect)").waitFor();
    if (opts.requiredLevel) await page.getByText(`Verlangtes Vertrauensniveau: ${opts.requiredLevel}`).waitFor();
    if (javaScript) await axeCheck(page);

    await page.getByRole("radio", { name: new RegExp(`^${opts.persona}`) }).check();
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
    if (saml && (!javaScript || blockScript)) {
      await page.waitForURL((u) => u.pathname === "/idp/saml/login", { waitUntil: "load" });
      await heading(page, "Anmeldung erfolgreich");
      await page.getByText(`Sie sind als ${opts.persona} angemeldet`).waitFor();
      if (javaScript) await axeCheck(page);
      await page.getByRole("button", { name: "Weiter zum Dienst" }).click();
    }
    await arriveAt(page, opts.target);
  } finally {
    if (blockScript) await page.unroute(scriptUrl);
  }
}

/** Clicks "Mein Rathaus" in the main navigation of the municipality's start page. */
async function openMeinRathausFromNavigation(page: Page): Promise<void> {
  await open(page, `/${TENANT}/`);
  await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Mein Rathaus" }).click();
  await page.waitForURL((u) => u.pathname === LOGIN, { waitUntil: "load" });
}

async function expectMeinRathaus(page: Page, person: { given: string; surname: string; trust: string; provider: string }): Promise<void> {
  assert.equal(pathOf(page), MEIN);
  await heading(page, "Mein Rathaus");
  assert.equal(await attribute(page, "Vorname"), person.given);
  assert.equal(await attribute(page, "Nachname"), person.surname);
  await page.getByText(`Angemeldet mit ${person.provider} · Vertrauensniveau: ${person.trust}`).waitFor();
}

async function expectDatenauskunft(page: Page, person: { given: string; surname: string }): Promise<void> {
  assert.equal(pathOf(page), DATENAUSKUNFT);
  await heading(page, "Datenauskunft");
  const data = (await page.locator("pre.data-export").textContent()) ?? "";
  assert.match(data, new RegExp(`"${person.given}"`), `the data export does not contain ${person.given}`);
  assert.match(data, new RegExp(`"${person.surname}"`), `the data export does not contain ${person.surname}`);
}

/**
 * "Abmelden" on Mein Rathaus, then whatever single logout the provider does. OIDC: the test
 * IdP may ask for confirmation (checked with axe, confirmed). Returns the path the logout ended on.
 */
async function logoutCitizen(page: Page): Promise<{ path: string; confirmed: boolean }> {
  await open(page, MEIN);
  await page.getByRole("main").getByRole("button", { name: "Abmelden" }).click();
  const confirm = page.getByRole("button", { name: "Ja, abmelden" });
  const done = page.getByRole("heading", { level: 1, name: "Sie sind abgemeldet" });
  const startPage = page.getByRole("heading", { level: 1, name: /^Digitales Rathaus der / });
  await confirm.or(done).or(startPage).first().waitFor();
  const confirmed = await confirm.isVisible();
  if (confirmed) {
    assert.ok(pathOf(page).startsWith("/idp/"), `the logout confirmation is not the test IdP's: ${page.url()}`);
    await page.getByText("Testsystem – keine echte Anmeldung").first().waitFor();
    await axeCheck(page);
    await confirm.click();
    await done.or(startPage).first().waitFor();
  }
  await page.waitForLoadState("load");
  const path = pathOf(page);
  assert.ok(!path.startsWith("/idp/"), `the logout ended at the test IdP (${page.url()}), not back at the municipality`);
  return { path, confirmed };
}

/** After a logout, Mein Rathaus asks for a login again. */
async function expectLoggedOut(page: Page): Promise<void> {
  await open(page, MEIN);
  await expectLoginPage(page);
}

describe("Bürgerinnen und Bürger: Anmeldung über den Servicekonto-Simulator", () => {
  test("BundID (SAML): Max (niedrig), Höherstufung mit Erika für die Datenauskunft, Abmeldung", { timeout: TEST_TIMEOUT }, () =>
    inFreshContext({}, async (_context, page) => {
      await openMeinRathausFromNavigation(page);
      await expectLoginPage(page);
      await axeCheck(page);

      await loginWithIdp(page, { provider: SAML, persona: "Max Mustermann", target: MEIN });
      await expectMeinRathaus(page, { given: "Max", surname: "Mustermann", trust: TRUST_BASIC, provider: "BundID (Testsystem)" });
      await axeCheck(page);

      // Step-up: the Datenauskunft needs "high".
      await open(page, DATENAUSKUNFT);
      assert.equal(pathOf(page), LOGIN, `the Datenauskunft did not ask for a new login: ${page.url()}`);
      const query = new URL(page.url()).searchParams;
      assert.equal(query.get("niveau"), "high");
      assert.equal(query.get("weiter"), DATENAUSKUNFT);
      await heading(page, "Erneut anmelden");
      await page.getByRole("alert").getByRole("heading", { name: "Höheres Vertrauensniveau nötig" }).waitFor();
      await page.getByText(`Sie sind mit „${TRUST_BASIC}“ angemeldet`).waitFor();
      await axeCheck(page);

      await loginWithIdp(page, { provider: SAML, persona: "Erika Mustermann", target: DATENAUSKUNFT, checkResponsePage: true, requiredLevel: "hoch (STORK-QAA-Level-4)" });
      await expectDatenauskunft(page, { given: "Erika", surname: "Mustermann" });
      assert.match((await page.locator("pre.data-export").textContent()) ?? "", /1964-08-12/, "Erika's date of birth is missing from the data export");
      await axeCheck(page);

      await open(page, MEIN);
      await expectMeinRathaus(page, { given: "Erika", surname: "Mustermann", trust: TRUST_HIGH, provider: "BundID (Testsystem)" });
      await open(page, `/${TENANT}/mein-rathaus/konto-loeschen`);
      await heading(page, "Konto löschen");
      await axeCheck(page);

      const { path: end } = await logoutCitizen(page);
      assert.equal(end, ABGEMELDET, `the SAML logout ended at ${end}`);
      await heading(page, "Sie sind abgemeldet");
      await axeCheck(page);
      await expectLoggedOut(page);
    }),
  );

  test("Servicekonto Hessen (OIDC): Erika (hoch), Datenauskunft ohne Höherstufung, Abmeldung", { timeout: TEST_TIMEOUT }, (t) =>
    inFreshContext({}, async (_context, page) => {
      await openMeinRathausFromNavigation(page);
      await expectLoginPage(page);

      await loginWithIdp(page, { provider: OIDC, persona: "Erika Mustermann", target: MEIN });
      await expectMeinRathaus(page, { given: "Erika", surname: "Mustermann", trust: TRUST_HIGH, provider: "Servicekonto Hessen (Testsystem)" });
      await page.getByText(/Vertrauensniveau: hoch/).waitFor();

      const res = await open(page, DATENAUSKUNFT);
      assert.equal(res.request().redirectedFrom(), null, "the Datenauskunft redirected although Erika logged in with “high”");
      await expectDatenauskunft(page, { given: "Erika", surname: "Mustermann" });

      const { path: end, confirmed } = await logoutCitizen(page);
      // The SAML logout ends on "Sie sind abgemeldet"; the OIDC logout currently returns to the
      // start page (post_logout_redirect_uri /{slug}/ in src/modules/identity/routes.tsx).
      assert.ok(end === ABGEMELDET || end === `/${TENANT}/`, `the OIDC logout ended at ${end}`);
      t.diagnostic(`OIDC logout ${confirmed ? "confirmed at the test IdP, " : ""}ended at ${end}`);
      if (end === ABGEMELDET) await heading(page, "Sie sind abgemeldet");
      await expectLoggedOut(page);
    }),
  );

  test("Eine Anmeldung gilt nur in ihrer Kommune und nie für die Verwaltung", { timeout: TEST_TIMEOUT }, (t) =>
    inFreshContext({}, async (_context, page) => {
      await open(page, LOGIN);
      await loginWithIdp(page, { provider: SAML, persona: "Erika Mustermann", target: MEIN });
      await expectMeinRathaus(page, { given: "Erika", surname: "Mustermann", trust: TRUST_HIGH, provider: "BundID (Testsystem)" });

      // Another municipality: not logged in there (the ordinary login page, no step-up notice).
      await open(page, `/${OTHER_TENANT}/mein-rathaus/`);
      await expectLoginPage(page, OTHER_TENANT);
      assert.equal(await page.getByText("Höheres Vertrauensniveau nötig").count(), 0);
      await open(page, `/${OTHER_TENANT}/mein-rathaus/datenauskunft`);
      assert.equal(pathOf(page), `/${OTHER_TENANT}/anmelden`);

      // The staff area: a citizen session is no staff session.
      for (const path of [`/${TENANT}/verwaltung/`, "/verwaltung/", `/${TENANT}/verwaltung/personal`]) {
        const res = await page.goto(url(path), { waitUntil: "load" });
        assert.ok(res, `no response for ${path}`);
        const status = res.status();
        const at = pathOf(page);
        assert.ok(status === 403 || (status === 200 && at === "/verwaltung/anmelden"), `${path} as a citizen answered ${status} at ${page.url()} (expected 403 or the staff login page)`);
        assert.equal(await page.getByRole("heading", { level: 1, name: /^Verwaltung/ }).count(), 0, `${path} showed a staff page to a citizen`);
        assert.equal(await page.locator("form[action='/verwaltung/abmelden']").count(), 0, `${path} shows a logged-in staff header to a citizen`);
        t.diagnostic(`${path} as a citizen: ${status} at ${at}`);
      }

      // Still logged in at Usingen.
      await open(page, MEIN);
      await expectMeinRathaus(page, { given: "Erika", surname: "Mustermann", trust: TRUST_HIGH, provider: "BundID (Testsystem)" });
    }),
  );

  test("ohne JavaScript: BundID-Anmeldung mit Max über „Weiter zum Dienst“", { timeout: TEST_TIMEOUT }, () =>
    inFreshContext({ javaScriptEnabled: false }, async (_context, page) => {
      await open(page, MEIN);
      await expectLoginPage(page);
      await loginWithIdp(page, { provider: SAML, persona: "Max Mustermann", target: MEIN, javaScript: false });
      await expectMeinRathaus(page, { given: "Max", surname: "Mustermann", trust: TRUST_BASIC, provider: "BundID (Testsystem)" });
    }),
  );
});

// ---------------------------------------------------------------------------------------------

/**
 * A TOTP "authenticator app" that remembers the last step it handed out: the server refuses a
 * step at or before the last one used, and accepts the steps now-1 … now+1.
 */
class Authenticator {
  private lastStep: number | null = null;
  constructor(readonly secret: string) {}

  /** The code of the earliest step that is current (or next) and not used yet. */
  nextCode(): string {
    const now = totpStep(Date.now());
    const step = this.lastStep === null ? now : Math.max(now, this.lastStep + 1);
    assert.ok(step <= now + 1, "no usable TOTP step within the server's window");
    this.lastStep = step;
    return totpAt(this.secret, step * TOTP_PERIOD_S * 1000);
  }

  /** A six-digit code that no step the server could accept (now-2 … now+3) produces. */
  wrongCode(): string {
    const now = totpStep(Date.now());
    const valid = new Set(Array.from({ length: 6 }, (_, i) => totpAt(this.secret, (now - 2 + i) * TOTP_PERIOD_S * 1000)));
    for (let n = 0; ; n++) {
      const code = String((123456 + n * 111111) % 1_000_000).padStart(6, "0");
      if (!valid.has(code)) return code;
    }
  }
}

async function staffLogout(page: Page): Promise<void> {
  const res = await submitForm(page, page.getByRole("banner").getByRole("button", { name: "Abmelden" }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), "/verwaltung/anmelden");
}

async function staffPassword(page: Page, email: string, password: string): Promise<void> {
  await open(page, "/verwaltung/anmelden");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The "Entziehen" button of one granted role (named "Entziehen" plus the role). */
const revokeButton = (page: Page, grant: string) => page.getByRole("main").getByRole("button", { name: new RegExp(`^Entziehen\\W*${escapeRegExp(grant)}$`) });

/** The role cell of a member in the Personal list. */
async function rolesInList(page: Page, name: string): Promise<string> {
  await open(page, `/${TENANT}/verwaltung/personal`);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  assert.equal(await row.count(), 1, `${name} is not listed once under Personal`);
  return ((await row.getByRole("cell").nth(2).textContent()) ?? "").trim();
}

describe("Verwaltung: Passwort und Zwei-Faktor-Anmeldung, Rollen unter Personal", () => {
  // A fresh account per run: the demo accounts stay without a second factor for the other tests.
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const admin = { name: `E2E Administration ${run}`, email: `e2e-admin-${run}@usingen.example`, password: `Zwei Faktoren sind besser ${run}` };
  const clerk = { name: `E2E Sachbearbeitung ${run}`, email: `e2e-sb-${run}@usingen.example` };
  let oneTimePassword = "";

  test("Plattform-Administration legt ein Konto mit „Administration der Kommune“ für Usingen an", { timeout: TEST_TIMEOUT }, () =>
    inFreshContext({}, async (context, page) => {
      await loginAsStaff(context, ADMIN.email, ADMIN.password);
      await open(page, `/${TENANT}/verwaltung/personal`);
      await heading(page, "Personal und Rollen");
      await axeCheck(page);
      await page.getByRole("link", { name: "Neues Konto anlegen" }).click();
      await page.waitForURL((u) => u.pathname === `/${TENANT}/verwaltung/personal/neu`, { waitUntil: "load" });
      await heading(page, "Neues Konto anlegen");
      await axeCheck(page);

      // Error state first: nothing filled in.
      const empty = await submitForm(page, page.getByRole("button", { name: "Konto anlegen" }));
      assert.equal(empty.status(), 400);
      await page.getByRole("alert").filter({ hasText: "Bitte prüfen Sie Ihre Angaben" }).first().waitFor();
      await axeCheck(page);

      await page.getByLabel("Name", { exact: true }).fill(admin.name);
      await page.getByLabel("Dienstliche E-Mail-Adresse").fill(admin.email);
      await page.getByLabel("Rolle").selectOption({ label: "Administration der Kommune" });
      await page.getByLabel("Amt").selectOption({ label: "Ganze Kommune" });
      const res = await submitForm(page, page.getByRole("button", { name: "Konto anlegen" }));
      assert.equal(res.status(), 200);
      await heading(page, "Konto angelegt");
      oneTimePassword = ((await page.locator("code.one-time-password").textContent()) ?? "").trim();
      assert.ok(oneTimePassword.length >= 12, `no one-time password on ${page.url()}`);
      await axeCheck(page);
    }),
  );

  test("neues Konto: Einmalpasswort ändern, TOTP einrichten, Anmeldung mit Passwort und Code, Rolle vergeben und entziehen", { timeout: TEST_TIMEOUT }, async () => {
    assert.ok(oneTimePassword, "the account was not created (see the test above)");
    let app: Authenticator | undefined;

    // First login: the one-time password must be replaced; then enrol the second factor.
    await inFreshContext({}, async (_context, page) => {
      await staffPassword(page, admin.email, oneTimePassword);
      await arriveAt(page, "/verwaltung/konto/passwort");
      await heading(page, "Passwort ändern");
      await page.getByLabel("Einmalpasswort").fill(oneTimePassword);
      await page.getByLabel("Neues Passwort", { exact: true }).fill(admin.password);
      await page.getByLabel("Neues Passwort wiederholen").fill(admin.password);
      await page.getByRole("button", { name: "Passwort speichern" }).click();
      await arriveAt(page, "/verwaltung/");

      await open(page, "/verwaltung/konto/zwei-faktor");
      await heading(page, "Zwei-Faktor-Anmeldung");
      await axeCheck(page);
      const secret = ((await page.locator("code.totp-secret").textContent()) ?? "").replace(/\s/g, "");
      assert.match(secret, /^[A-Z2-7]{32}$/, `no base32 secret on the enrolment page: ${secret}`);
      const uri = (await page.getByLabel(/Schlüssel-Adresse/).inputValue()).trim();
      assert.ok(uri.startsWith("otpauth://totp/") && uri.includes(`secret=${secret}`), `the otpauth URI does not carry the secret: ${uri}`);
      app = new Authenticator(secret);

      // A wrong code is refused with a German message, the page stays usable.
      await page.getByLabel("Code aus der App").fill(app.wrongCode());
      const wrong = await submitForm(page, page.getByRole("button", { name: "Zwei-Faktor-Anmeldung einschalten" }));
      assert.equal(wrong.status(), 400);
      await page.getByText("Der Code passt nicht.").first().waitFor();
      await axeCheck(page);

      await page.getByLabel("Code aus der App").fill(app.nextCode());
      const on = await submitForm(page, page.getByRole("button", { name: "Zwei-Faktor-Anmeldung einschalten" }));
      assert.equal(on.status(), 200);
      assert.equal(new URL(page.url()).search, "?status=ein");
      await page.getByRole("status").getByRole("heading", { name: "Die Zwei-Faktor-Anmeldung ist eingeschaltet." }).waitFor();
      await axeCheck(page);
      await staffLogout(page);
    });

    // Login with password and code; the role change as this municipality's administration.
    await inFreshContext({}, async (_context, page) => {
      await staffPassword(page, admin.email, admin.password);
      await arriveAt(page, "/verwaltung/anmelden/code");
      await heading(page, "Bestätigungscode");
      // The password alone opens nothing.
      const early = await page.goto(url("/verwaltung/"), { waitUntil: "load" });
      assert.ok(early);
      assert.notEqual(pathOf(page), "/verwaltung/", "the staff area opened before the code was entered");
      await open(page, "/verwaltung/anmelden/code");
      await heading(page, "Bestätigungscode");
      await axeCheck(page);

      await page.getByLabel("Bestätigungscode").fill(app!.wrongCode());
      const wrong = await submitForm(page, page.getByRole("button", { name: "Bestätigen" }));
      assert.equal(wrong.status(), 400);
      assert.equal(pathOf(page), "/verwaltung/anmelden/code");
      await page.getByText("Der Code ist nicht richtig oder abgelaufen.").first().waitFor();
      await axeCheck(page);

      await page.getByLabel("Bestätigungscode").fill(app!.nextCode());
      const ok = await submitForm(page, page.getByRole("button", { name: "Bestätigen" }));
      assert.equal(ok.status(), 200);
      assert.equal(pathOf(page), "/verwaltung/", `the right code did not lead to the staff area but to ${page.url()}`);
      await page.getByRole("banner").getByText(`Angemeldet: ${admin.name}`).waitFor();

      // A colleague to work on: created with a municipality-wide role.
      await open(page, `/${TENANT}/verwaltung/personal/neu`);
      await page.getByLabel("Name", { exact: true }).fill(clerk.name);
      await page.getByLabel("Dienstliche E-Mail-Adresse").fill(clerk.email);
      await page.getByLabel("Rolle").selectOption({ label: "Redaktion" });
      await page.getByLabel("Amt").selectOption({ label: "Ganze Kommune" });
      const created = await submitForm(page, page.getByRole("button", { name: "Konto anlegen" }));
      assert.equal(created.status(), 200);
      await heading(page, "Konto angelegt");
      await page.getByRole("link", { name: "Weiter zum Konto" }).click();
      await page.waitForURL((u) => /^\/usingen\/verwaltung\/personal\/[^/]+$/.test(u.pathname), { waitUntil: "load" });
      const detailPath = pathOf(page);
      await heading(page, clerk.name);
      await axeCheck(page);

      // Grant "Sachbearbeitung" for the first department.
      const department = page.getByLabel("Amt");
      const departments = (await department.locator("option").allTextContents()).map((s) => s.trim()).filter((s) => s !== "Ganze Kommune");
      assert.ok(departments.length > 0, "Usingen has no departments to grant a role for");
      const dept = departments[0]!;
      const label = `Sachbearbeitung (${dept})`;
      await page.getByLabel("Rolle").selectOption({ label: "Sachbearbeitung (für ein Amt)" });
      await department.selectOption({ label: dept });
      const granted = await submitForm(page, page.getByRole("button", { name: "Rolle vergeben" }));
      assert.equal(granted.status(), 200);
      assert.equal(pathOf(page), detailPath);
      await page.getByRole("status").getByRole("heading", { name: "Die Rolle wurde vergeben." }).waitFor();
      const revoke = revokeButton(page, label);
      assert.equal(await revoke.count(), 1, `the granted role “${label}” is not listed on the account page`);
      // The visible word must fit into its button (no icon-button styling squeezing it).
      const [button, text] = await Promise.all([revoke.boundingBox(), revoke.getByText("Entziehen").boundingBox()]);
      assert.ok(button && text && text.x >= button.x - 1 && text.x + text.width <= button.x + button.width + 1, `“Entziehen” spills out of its button: ${JSON.stringify({ button, text })}`);
      await axeCheck(page);
      assert.match(await rolesInList(page, clerk.name), new RegExp(escapeRegExp(label)));
      await axeCheck(page);

      // Revoke it again.
      await open(page, detailPath);
      const revoked = await submitForm(page, revokeButton(page, label));
      assert.equal(revoked.status(), 200);
      assert.equal(pathOf(page), detailPath);
      await page.getByRole("status").getByRole("heading", { name: "Die Rolle wurde entzogen." }).waitFor();
      assert.equal(await revokeButton(page, label).count(), 0, `“${label}” is still listed after revoking it`);
      assert.equal(await revokeButton(page, "Redaktion").count(), 1, "the other role disappeared too");
      await axeCheck(page);
      const roles = await rolesInList(page, clerk.name);
      assert.doesNotMatch(roles, /Sachbearbeitung/, `the list still shows Sachbearbeitung: ${roles}`);
      assert.match(roles, /Redaktion/);

      await staffLogout(page);
    });
  });
});
