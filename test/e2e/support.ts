/**
 * Helpers for the browser tests in test/e2e/ (run by `npm run test:e2e`, which starts the
 * server and sets E2E_BASE_URL): Chromium via playwright-core, axe checks, staff login.
 */
import assert from "node:assert/strict";
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Response } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import type { Result } from "axe-core";
import { DEMO_ACCOUNTS } from "../../src/modules/tenants/seeds.js";

const base = process.env.E2E_BASE_URL;
if (!base) throw new Error("E2E_BASE_URL is not set: run the browser tests with `npm run test:e2e`");
export const BASE_URL = base.replace(/\/+$/, "");

/** Absolute URL for a path on the server under test. */
export const url = (path: string) => new URL(path, BASE_URL + "/").href;

export const demoAccount = (email: string) => {
  const a = DEMO_ACCOUNTS.find((x) => x.email === email);
  if (!a) throw new Error(`no demo account ${email}`);
  return a;
};
/** The demo platform administrator: every staff page of every municipality. */
export const ADMIN = demoAccount("admin@demo.example");

/** WCAG 2.1 A and AA: what BITV 2.0 / EN 301 549 require. */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export async function launchBrowser(): Promise<Browser> {
  // Playwright gives every context its own fresh profile (user-data-dir).
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A German-speaking browser context; always create pages from a context (axe opens a helper page in it). */
export async function newContext(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: "de-DE", timezoneId: "Europe/Berlin", ...options });
}

/** Opens a path and asserts the HTTP status of the final response (after redirects). */
export async function open(page: Page, path: string, expectedStatus = 200): Promise<Response> {
  const res = await page.goto(url(path), { waitUntil: "load" });
  assert.ok(res, `no response for ${path}`);
  assert.equal(res.status(), expectedStatus, `${path} answered ${res.status()} (expected ${expectedStatus}), now at ${page.url()}`);
  return res;
}

/**
 * Clicks a submit button (or presses Enter on it when `key` is set) and waits for the page the
 * server answers with, following redirects. Returns that final response.
 */
export async function submitForm(page: Page, button: Locator, how: "click" | "Enter" = "click"): Promise<Response> {
  const final = page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400));
  if (how === "click") await button.click();
  else await button.press("Enter");
  const res = await final;
  await page.waitForLoadState("load");
  return res;
}

/** Runs axe (WCAG 2.1 AA) on the page as it is; returns a readable report or null. */
export async function axeReport(page: Page): Promise<string | null> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  if (results.violations.length === 0) return null;
  return formatViolations(page.url(), results.violations);
}

/** Fails with a readable summary (rule, impact, selectors, page URL) when axe finds violations. */
export async function axeCheck(page: Page): Promise<void> {
  const report = await axeReport(page);
  if (report) assert.fail(report);
}

export function formatViolations(pageUrl: string, violations: Result[]): string {
  const count = violations.reduce((n, v) => n + v.nodes.length, 0);
  const lines = [`axe: ${violations.length} rule${violations.length === 1 ? "" : "s"} violated (${count} element${count === 1 ? "" : "s"}) on ${pageUrl}`];
  for (const v of violations) {
    lines.push(`  - ${v.id} [${v.impact ?? "?"}]: ${v.help} (${v.helpUrl.replace(/\?.*$/, "")})`);
    for (const node of v.nodes.slice(0, 8)) {
      const detail = (node.failureSummary ?? "").split("\n").map((l) => l.trim()).filter((l) => l && !/^Fix (any|all)/.test(l))[0];
      lines.push(`      ${node.target.map(String).join(" >> ")}${detail ? `: ${detail}` : ""}`);
    }
    if (v.nodes.length > 8) lines.push(`      … and ${v.nodes.length - 8} more`);
  }
  return lines.join("\n");
}

/** Logs in through the real login form at /verwaltung/anmelden; the context keeps the session cookie. */
export async function loginAsStaff(context: BrowserContext, email: string, password: string): Promise<void> {
  const page = await context.newPage();
  try {
    await open(page, "/verwaltung/anmelden");
    await page.getByLabel("E-Mail-Adresse").fill(email);
    await page.getByLabel("Passwort", { exact: true }).fill(password);
    const res = await submitForm(page, page.getByRole("button", { name: "Anmelden" }));
    assert.equal(res.status(), 200, `login as ${email} failed: ${res.status()} at ${page.url()}`);
    assert.equal(new URL(page.url()).pathname, "/verwaltung/", `login as ${email} did not lead to /verwaltung/ but to ${page.url()}`);
  } finally {
    await page.close();
  }
}
