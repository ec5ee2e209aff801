/**
 * Helpers for the browser tests in test/e2e/ (run by `npm run test:e2e`, which starts the
 * server and sets E2E_BASE_URL): Chromium via playwright-core, axe checks, staff login.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
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

let axeSource: string | undefined;

/**
 * Like `axeReport` (same axe-core, same WCAG tags, same report), for checking many pages: axe
 * runs in the page itself and reports only violations, instead of AxeBuilder merging per-frame
 * results in an extra blank page — a third of the time a page (about 150 instead of 450 ms here).
 * Pages with frames get `axeReport`.
 */
export async function axeReportQuick(page: Page): Promise<string | null> {
  if (page.frames().length > 1) return axeReport(page);
  axeSource ??= await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  const options = { runOnly: { type: "tag", values: AXE_TAGS }, resultTypes: ["violations"] };
  const violations = (await page.evaluate(`axe.run(document, ${JSON.stringify(options)}).then((r) => r.violations)`)) as Result[];
  return violations.length ? formatViolations(page.url(), violations) : null;
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

// ---- HTTP next to the browser: forms driven over fetch, pages checked in Chromium ----

export interface HttpAnswer {
  status: number;
  /** the Location header of a redirect, as a path ("" without one) */
  location: string;
  html: string;
}

export interface Upload {
  field: string;
  name: string;
  type: string;
  data: Buffer;
}

/**
 * fetch against the server under test with a cookie jar; redirects are not followed, so every
 * answer can be checked. Shares its session with a browser context (`fromBrowser`, `forBrowser`):
 * a form filled over HTTP can be looked at in Chromium and the other way round.
 */
export class HttpSession {
  readonly cookies = new Map<string, string>();

  /** The cookies of a browser context (e.g. after a real login) for requests over fetch. */
  static fromBrowser(cookies: { name: string; value: string }[]): HttpSession {
    const s = new HttpSession();
    for (const c of cookies) s.cookies.set(c.name, c.value);
    return s;
  }

  /** The jar as cookies for `BrowserContext.addCookies`. */
  forBrowser(): { name: string; value: string; url: string }[] {
    return [...this.cookies].map(([name, value]) => ({ name, value, url: BASE_URL }));
  }

  get(path: string): Promise<HttpAnswer> {
    return this.send(path, {});
  }

  /** A form post as a browser sends it (application/x-www-form-urlencoded); arrays repeat the name. */
  postForm(path: string, fields: Record<string, unknown>): Promise<HttpAnswer> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined) body.append(k, String(x));
    return this.send(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
  }

  /** A multipart/form-data post in field order (our forms carry `_csrf` first), files last. */
  postMultipart(path: string, fields: Record<string, unknown>, files: Upload[]): Promise<HttpAnswer> {
    const form = new FormData();
    const entries = Object.entries(fields).sort(([a], [b]) => (a === "_csrf" ? -1 : b === "_csrf" ? 1 : 0));
    for (const [k, v] of entries) for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined) form.append(k, String(x));
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
    return this.send(path, { method: "POST", body: form });
  }

  private async send(path: string, init: RequestInit): Promise<HttpAnswer> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    // What a browser sends with a same-origin form; the server's CSRF checks look at it.
    if (init.method === "POST") headers.set("origin", BASE_URL);
    const res = await fetch(url(path), { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0]!;
      const i = pair.indexOf("=");
      const [name, value] = [pair.slice(0, i), pair.slice(i + 1)];
      if (value === "" || /max-age=0(;|$)/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const to = res.headers.get("location");
    const location = to ? new URL(to, BASE_URL + "/") : undefined;
    return { status: res.status, location: location ? location.pathname + location.search : "", html: await res.text() };
  }
}

// ---- keyboard ----

/** What has the focus, as seen in the page. */
export interface Focus {
  tag: string;
  id: string;
  name: string;
  type: string;
  value: string;
  /** the trimmed text content (buttons, links) */
  text: string;
  checked: boolean;
  inMain: boolean;
  visible: boolean;
}

// Runs in the page (a string: the project's TypeScript has no DOM types).
const FOCUS_PROBE = `(() => {
  const el = document.activeElement;
  const r = el && el.getBoundingClientRect();
  return {
    tag: el ? el.tagName.toLowerCase() : "",
    id: (el && el.id) || "",
    name: (el && el.getAttribute("name")) || "",
    type: (el && el.getAttribute("type")) || "",
    value: el && typeof el.value === "string" ? el.value : "",
    text: ((el && el.textContent) || "").replace(/\\s+/g, " ").trim(),
    checked: !!(el && el.checked),
    inMain: !!(el && el.closest("main#inhalt")),
    visible: !!r && r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
  };
})()`;

export const focused = (page: Page): Promise<Focus> => page.evaluate(FOCUS_PROBE) as Promise<Focus>;

/** Presses Tab (Shift+Tab with `back`) until `check` holds for the focused element; fails after `max` presses. */
export async function tabUntil(page: Page, check: (f: Focus) => boolean, what: string, max = 40, back = false): Promise<Focus> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (check(f)) return f;
    seen.push(f.id ? `#${f.id}` : `<${f.tag}>${f.text.slice(0, 30)}`);
  }
  assert.fail(`${what} not reached with ${max} presses of ${back ? "Shift+Tab" : "Tab"} on ${page.url()} (focus went: ${seen.join(", ")})`);
}
