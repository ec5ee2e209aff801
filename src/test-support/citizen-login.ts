import assert from "node:assert/strict";
import { TestBrowser } from "./listening-app.js";

/**
 * Logs a citizen in through the real OIDC flow against the embedded test identity provider
 * ("Servicekonto Hessen (Testsystem)"): the login chooser, the IdP's persona page, the code
 * exchange with PKCE. Returns the browser, whose cookie jar holds the citizen session.
 * Personas: erika (eID, high), jonas (substantial), max (basic).
 */
export async function loginCitizen(base: string, slug: string, persona: "erika" | "jonas" | "max", returnTo = `/${slug}/mein-rathaus/`): Promise<TestBrowser> {
  const browser = new TestBrowser(base);
  let res = await browser.get(`/${slug}/anmelden?${new URLSearchParams({ weiter: returnTo, niveau: "basic" })}`);
  const chooser = await res.text();
  assert.equal(res.status, 200, chooser);
  const form = new RegExp(`<form method="post" action="/${slug}/anmelden/hessen">[\\s\\S]*?</form>`).exec(chooser)?.[0];
  assert.ok(form, "the chooser offers the Servicekonto Hessen test system");
  const hidden = Object.fromEntries([...form!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"')]));
  res = await browser.post(`/${slug}/anmelden/hessen`, hidden);
  assert.equal(res.status, 303, await res.clone().text());
  res = await browser.get(res.headers.get("location")!);
  const interaction = res.headers.get("location")!;
  res = await browser.get(interaction);
  const page = await res.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  res = await browser.post(new URL(interaction, base).pathname, { _csrf: csrf, persona, aktion: "anmelden" });
  res = await browser.get(res.headers.get("location")!);
  const callback = res.headers.get("location")!;
  res = await browser.get(callback);
  assert.equal(res.status, 303, await res.clone().text());
  return browser;
}

/** The session cookie header of a logged-in TestBrowser, for app.inject. */
export function cookieOf(browser: TestBrowser): string {
  return [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}
