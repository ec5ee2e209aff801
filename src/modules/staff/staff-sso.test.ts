/**
 * Staff single sign-on over real HTTP: the app listens on a free port with BASE_URL set to it,
 * the embedded test IdP plays the municipality's directory ("Anmeldung der Stadtverwaltung"),
 * and a fetch-based browser walks the OpenID Connect flow redirect by redirect.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Tenant } from "../../platform/tenancy.js";
import { startListeningApp, TestBrowser, type ListeningTestApp } from "../../test-support/listening-app.js";
import { DEMO_ACCOUNTS } from "../tenants/seeds.js";
import { identityService } from "../identity/index.js";


type Fixture = ListeningTestApp;
const startApp = (): Promise<Fixture> => startListeningApp();

const Browser = TestBrowser;
type Browser = TestBrowser;

const decodeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no field ${name} in page`);
  return decodeHtml(m[1]!);
}

/** The form posting to `action` in a page, and its hidden fields. */
function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form for ${action} in page`);
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = decodeHtml(m[2]!);
  return fields;
}

const ssoAction = (slug: string) => `/verwaltung/anmelden/sso/${slug}/personal`;

let t: Fixture;
let usingen: Tenant;
let neuAnspach: Tenant;
let petraAccount: string;
let nilsAccount: string;

before(async () => {
  t = await startApp();
  await fetch(`${t.base}/`); // the municipality directory loads with the first request
  usingen = t.ctx.tenants.bySlug("usingen")!;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!;
  petraAccount = (await t.ctx.accounts.idByEmail(DEMO_ACCOUNTS[1]!.email))!;
  nilsAccount = (await t.ctx.accounts.idByEmail(DEMO_ACCOUNTS[2]!.email))!;
  assert.ok(petraAccount && nilsAccount);
});
after(() => t.close());

/** The login page's button for `slug` → the IdP's authorization URL. */
async function startSso(browser: Browser, slug: string, weiter?: string): Promise<string> {
  const res0 = await browser.get(`/verwaltung/anmelden${weiter ? `?weiter=${encodeURIComponent(weiter)}` : ""}`);
  const page = await res0.text();
  assert.equal(res0.status, 200, page);
  const res = await browser.post(ssoAction(slug), formFields(page, ssoAction(slug)));
  assert.equal(res.status, 303, await res.clone().text());
  const location = res.headers.get("location")!;
  assert.ok(location.startsWith(`${t.base}/idp/oidc/auth?`), location);
  assert.ok(browser.cookies.has("rathaus_login"), "the login is bound to this browser");
  return location;
}

/** authorization URL → persona page → persona → the callback URL at the platform */
async function atIdp(browser: Browser, authorizeUrl: string, persona: string, checkPage?: (html: string) => void): Promise<string> {
  let res = await browser.get(authorizeUrl);
  assert.equal(res.status, 303, await res.clone().text());
  const interaction = res.headers.get("location")!;
  res = await browser.get(interaction);
  const page = await res.text();
  assert.equal(res.status, 200, page);
  checkPage?.(page);
  res = await browser.post(new URL(interaction, t.base).pathname, { _csrf: field(page, "_csrf"), persona, aktion: "anmelden" });
  assert.equal(res.status, 303, await res.clone().text());
  res = await browser.get(res.headers.get("location")!);
  assert.equal(res.status, 303, await res.clone().text());
  return res.headers.get("location")!;
}

/** A complete staff SSO login as `persona` at `slug`'s provider; returns the callback's answer. */
async function ssoLogin(browser: Browser, slug: string, persona: string, weiter?: string): Promise<Response> {
  const callback = await atIdp(browser, await startSso(browser, slug, weiter), persona);
  assert.ok(callback.startsWith(`${t.base}/oidc/${slug}/personal/callback?`), callback);
  return browser.get(callback);
}

async function auditSince(seq: number) {
  return (await t.ctx.audit.list({ limit: 1000 })).filter((e) => e.seq > seq);
}
async function lastSeq(): Promise<number> {
  return (await t.ctx.audit.list({ limit: 1 }))[0]?.seq ?? 0;
}
async function links(accountId: string) {
  return t.ctx.db.kysely.selectFrom("staff_identities").selectAll().where("account_id", "=", accountId).execute();
}
const provider = async (tenant: Tenant) => (await identityService(t.ctx).store.provider(tenant.id, "personal"))!;

describe("staff single sign-on", () => {
  test("the demo seeds a staff provider per municipality; the citizens' side neither lists nor starts it", async () => {
    for (const tenant of [usingen, neuAnspach]) {
      const p = await provider(tenant);
      assert.equal(p.audience, "staff");
      assert.equal(p.label, "Anmeldung der Stadtverwaltung (Testsystem)");
      assert.equal(p.config.kind, "oidc");
      assert.equal(p.config.testSystem, true);
    }
    const browser = new Browser(t.base);
    const chooser = await (await browser.get("/usingen/anmelden")).text();
    assert.doesNotMatch(chooser, /anmelden\/personal/);
    const issued = t.ctx.clock.now().getTime().toString(36);
    const csrf = `a.${issued}.${t.ctx.secrets.sign("csrf", `/usingen/anmelden/personal|${issued}`)}`;
    assert.equal((await browser.post("/usingen/anmelden/personal", { _csrf: csrf })).status, 404);
  });

  test("the login page offers one button per municipality, each a form with a token for its own path", async () => {
    const browser = new Browser(t.base);
    const page = await (await browser.get("/verwaltung/anmelden?weiter=/usingen/verwaltung/")).text();
    assert.match(page, /Mit dem Konto Ihrer Kommune anmelden/);
    assert.match(page, /Stadt Usingen: Anmeldung der Stadtverwaltung \(Testsystem\)/);
    assert.match(page, /Stadt Neu-Anspach: Anmeldung der Stadtverwaltung \(Testsystem\)/);
    const fields = formFields(page, ssoAction("usingen"));
    assert.equal(fields.weiter, "/usingen/verwaltung/");
    // the token is bound to the action path: it does not work for the other municipality's button
    const wrong = await browser.post(ssoAction("neu-anspach"), fields);
    assert.equal(wrong.status, 403);
    // without a token at all
    assert.equal((await browser.post(ssoAction("usingen"), { weiter: "/verwaltung/" })).status, 403);
    // unknown municipality or provider, or a citizens' provider
    const { _csrf: _, ...rest } = fields;
    for (const path of ["/verwaltung/anmelden/sso/nirgendwo/personal", "/verwaltung/anmelden/sso/usingen/unbekannt", "/verwaltung/anmelden/sso/usingen/hessen"]) {
      const issued = t.ctx.clock.now().getTime().toString(36);
      const csrf = `a.${issued}.${t.ctx.secrets.sign("csrf", `${path}|${issued}`)}`;
      assert.equal((await browser.post(path, { ...rest, _csrf: csrf })).status, 404, path);
    }
  });

  test("Petra logs in at Usingen's provider: linked on the first login by her verified e-mail, a staff session without a code step; the second login uses the link", async () => {
    const seq = await lastSeq();
    const browser = new Browser(t.base);
    const authorize = await startSso(browser, "usingen", "/usingen/verwaltung/");
    const url = new URL(authorize);
    assert.equal(url.searchParams.get("client_id"), "rathaus-usingen-personal");
    assert.equal(url.searchParams.get("redirect_uri"), `${t.base}/oidc/usingen/personal/callback`);
    assert.equal(url.searchParams.get("acr_values"), "urn:rathaus:loa:substantial urn:rathaus:loa:high", "the provider does the second factor: at least substantial");
    const callback = await atIdp(browser, authorize, "petra", (page) => {
      assert.match(page, /Testsystem – keine echte Anmeldung/);
      assert.match(page, /type="radio" id="persona-petra"/);
      assert.match(page, /type="radio" id="persona-nils"/);
      assert.match(page, /das Konto der Verwaltung \(OpenID Connect\)/);
    });
    let res = await browser.get(callback);
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), "/usingen/verwaltung/");
    assert.ok(browser.cookies.has("rathaus_sid"), "a session");
    assert.ok(!browser.cookies.has("rathaus_login"), "the binding cookie is gone");

    res = await browser.get("/verwaltung/");
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Guten Tag, Demo-Verwaltung Usingen/);
    const session = await t.ctx.db.kysely.selectFrom("sessions").select(["kind", "staff_account_id"]).where("staff_account_id", "=", petraAccount).executeTakeFirstOrThrow();
    assert.equal(session.kind, "staff");

    const linked = await links(petraAccount);
    assert.equal(linked.length, 1);
    assert.equal(linked[0]!.tenant_id, usingen.id);
    assert.equal(linked[0]!.provider_id, (await provider(usingen)).id);
    assert.equal(linked[0]!.subject, "3b0c6f6e-5d0a-4c39-9a51-7f1e2d8c4a10");
    assert.ok(linked[0]!.last_login_at);

    let entries = await auditSince(seq);
    const link = entries.filter((e) => e.action === "staff.sso.link");
    assert.equal(link.length, 1);
    assert.equal(link[0]!.object?.id, petraAccount);
    assert.equal(link[0]!.tenantId, usingen.id);
    const login = entries.filter((e) => e.action === "staff.login");
    assert.equal(login.length, 1);
    assert.equal(login[0]!.actor.id, petraAccount);
    assert.equal(login[0]!.reason, "sso");
    assert.ok(!entries.some((e) => e.action === "staff.login.failed"));

    // Second login, in another browser: the link decides, not the e-mail address (changed meanwhile).
    const seq2 = await lastSeq();
    await t.ctx.db.kysely.updateTable("staff_accounts").set({ email: "petra.neu@usingen.example" }).where("id", "=", petraAccount).execute();
    try {
      const second = new Browser(t.base);
      res = await ssoLogin(second, "usingen", "petra");
      assert.equal(res.status, 303, await res.clone().text());
      assert.equal(res.headers.get("location"), "/verwaltung/");
      res = await second.get("/verwaltung/");
      assert.match(await res.text(), /Guten Tag, Demo-Verwaltung Usingen/);
    } finally {
      await t.ctx.db.kysely.updateTable("staff_accounts").set({ email: DEMO_ACCOUNTS[1]!.email }).where("id", "=", petraAccount).execute();
    }
    entries = await auditSince(seq2);
    assert.equal(entries.filter((e) => e.action === "staff.sso.link").length, 0, "no second link");
    assert.equal(entries.filter((e) => e.action === "staff.login" && e.actor.id === petraAccount).length, 1);
    assert.equal((await links(petraAccount)).length, 1);

    // the password login stays as the fallback
    const local = new Browser(t.base);
    const page = await (await local.get("/verwaltung/anmelden")).text();
    res = await local.post("/verwaltung/anmelden", { _csrf: field(page, "_csrf"), email: DEMO_ACCOUNTS[1]!.email, password: DEMO_ACCOUNTS[1]!.password });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/verwaltung/");
  });

  test("a persona whose e-mail address has no staff account is refused", async () => {
    const seq = await lastSeq();
    const browser = new Browser(t.base);
    const res = await ssoLogin(browser, "usingen", "erika");
    const page = await res.text();
    assert.equal(res.status, 403, page);
    assert.match(page, /Für dieses Konto gibt es keinen Zugang zum Verwaltungsbereich der Stadt Usingen\. Bitte wenden Sie sich an die Administration\./);
    assert.ok(!browser.cookies.has("rathaus_sid"), "no session");
    const failed = (await auditSince(seq)).filter((e) => e.action === "staff.login.failed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.actor.type, "anonymous");
    assert.match(failed[0]!.reason ?? "", /^sso: /);
    assert.doesNotMatch(failed[0]!.reason ?? "", /@/, "no e-mail address in the audit log");
  });

  test("the link is per municipality: Nils (Neu-Anspach) cannot log in at Usingen's provider, before or after his own first login", async () => {
    const browser = new Browser(t.base);
    let res = await ssoLogin(browser, "usingen", "nils");
    assert.equal(res.status, 403);
    assert.match(await res.text(), /keinen Zugang zum Verwaltungsbereich der Stadt Usingen/);
    assert.equal((await links(nilsAccount)).length, 0);

    res = await ssoLogin(browser, "neu-anspach", "nils");
    assert.equal(res.status, 303, await res.clone().text());
    res = await browser.get("/verwaltung/");
    assert.match(await res.text(), /Guten Tag, Demo-Verwaltung Neu-Anspach/);
    const linked = await links(nilsAccount);
    assert.equal(linked.length, 1);
    assert.equal(linked[0]!.tenant_id, neuAnspach.id);

    const other = new Browser(t.base);
    res = await ssoLogin(other, "usingen", "nils");
    assert.equal(res.status, 403);
    assert.ok(!other.cookies.has("rathaus_sid"));
    assert.equal((await links(nilsAccount)).length, 1, "still only Neu-Anspach's link");

    // Petra, linked at Usingen, is a stranger to Neu-Anspach's provider as well
    res = await ssoLogin(new Browser(t.base), "neu-anspach", "petra");
    assert.equal(res.status, 403);
    assert.match(await res.text(), /Stadt Neu-Anspach/);
  });

  test("an account reaching beyond the municipality is not linked by e-mail (the platform administration decides)", async () => {
    // Nils' account also gets a role in Usingen: Usingen's directory must not open Neu-Anspach's doors.
    await t.ctx.accounts.grantRole(nilsAccount, usingen.id, "redaktion");
    try {
      const res = await ssoLogin(new Browser(t.base), "usingen", "nils");
      assert.equal(res.status, 403);
      assert.equal((await links(nilsAccount)).filter((l) => l.tenant_id === usingen.id).length, 0);
      // an explicit link (an administrator's decision) is honoured
      await t.ctx.accounts.linkExternalIdentity(nilsAccount, usingen.id, (await provider(usingen)).id, "9e4d2a71-0c8b-4f36-b2d5-6a1f3e7c9b24");
      const ok = await ssoLogin(new Browser(t.base), "usingen", "nils");
      assert.equal(ok.status, 303, await ok.clone().text());
      // …as long as the account holds a role there
      await t.ctx.accounts.revokeRole(nilsAccount, usingen.id, "redaktion");
      const gone = await ssoLogin(new Browser(t.base), "usingen", "nils");
      assert.equal(gone.status, 403);
    } finally {
      await t.ctx.accounts.revokeRole(nilsAccount, usingen.id, "redaktion");
      await t.ctx.accounts.unlinkExternalIdentity(usingen.id, (await provider(usingen)).id, "9e4d2a71-0c8b-4f36-b2d5-6a1f3e7c9b24");
    }
  });

  test("disabled and locked accounts are refused; a pending password change is honoured", async () => {
    // Petra is linked by now (first test)
    await t.ctx.accounts.setDisabled(petraAccount, true);
    try {
      const res = await ssoLogin(new Browser(t.base), "usingen", "petra");
      assert.equal(res.status, 403);
      assert.match(await res.text(), /keinen Zugang/);
    } finally {
      await t.ctx.accounts.setDisabled(petraAccount, false);
    }

    const until = new Date(t.ctx.clock.now().getTime() + 10 * 60_000).toISOString();
    await t.ctx.db.kysely.updateTable("staff_accounts").set({ locked_until: until }).where("id", "=", petraAccount).execute();
    try {
      const res = await ssoLogin(new Browser(t.base), "usingen", "petra");
      assert.equal(res.status, 403);
      assert.match(await res.text(), /vorübergehend gesperrt/);
      assert.equal((await t.ctx.accounts.lockState(petraAccount)).lockedUntil, until, "a refused SSO login does not lift the lock");
    } finally {
      await t.ctx.db.kysely.updateTable("staff_accounts").set({ locked_until: null }).where("id", "=", petraAccount).execute();
    }

    await t.ctx.db.kysely.updateTable("staff_accounts").set({ must_change_password: 1 }).where("id", "=", petraAccount).execute();
    try {
      const res = await ssoLogin(new Browser(t.base), "usingen", "petra", "/usingen/verwaltung/");
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), `/verwaltung/konto/passwort?weiter=${encodeURIComponent("/usingen/verwaltung/")}`);
    } finally {
      await t.ctx.db.kysely.updateTable("staff_accounts").set({ must_change_password: 0 }).where("id", "=", petraAccount).execute();
    }
  });

  test("protocol refusals: a wrong state, a replayed callback, another browser, a cancelled login", async () => {
    const browser = new Browser(t.base);
    const callback = new URL(await atIdp(browser, await startSso(browser, "usingen"), "petra"));

    const wrongState = new URL(callback);
    wrongState.searchParams.set("state", "falsch");
    let res = await browser.get(wrongState.href);
    let page = await res.text();
    assert.equal(res.status, 400, page);
    assert.match(page, /Die Anmeldung ist abgelaufen oder wurde bereits verwendet/);
    assert.ok(!browser.cookies.has("rathaus_sid"));

    // the same callback in a browser without the binding cookie
    res = await new Browser(t.base).get(callback.href);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /diesem Browser nicht zugeordnet/);

    // the real one works once, not twice
    res = await browser.get(callback.href);
    assert.equal(res.status, 303, await res.clone().text());
    const replay = new Browser(t.base);
    for (const [k, v] of browser.cookies) replay.cookies.set(k, v);
    replay.cookies.delete("rathaus_sid");
    res = await replay.get(callback.href);
    assert.equal(res.status, 400);
    assert.ok(!replay.cookies.has("rathaus_sid"));

    // cancelled at the provider
    const cancel = new Browser(t.base);
    const authorize = await startSso(cancel, "usingen");
    res = await cancel.get(authorize);
    const interaction = res.headers.get("location")!;
    page = await (await cancel.get(interaction)).text();
    res = await cancel.post(new URL(interaction, t.base).pathname, { _csrf: field(page, "_csrf"), aktion: "abbrechen" });
    res = await cancel.get(res.headers.get("location")!);
    res = await cancel.get(res.headers.get("location")!);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /abgebrochen/);

    const failed = (await t.ctx.audit.list({ limit: 50 })).filter((e) => e.action === "staff.login.failed" && e.tenantId === usingen.id);
    assert.ok(failed.some((e) => /state unknown/.test(e.reason ?? "")));
    assert.ok(failed.some((e) => /binding cookie/.test(e.reason ?? "")));
  });

  test("the citizens' OIDC page offers no staff personas, and refuses one posted anyway", async () => {
    const browser = new Browser(t.base);
    const chooser = await (await browser.get("/usingen/anmelden")).text();
    const fields = formFields(chooser, "/usingen/anmelden/hessen");
    // the chooser's token (see testidp.test.ts): a stateless token for the form's own path
    const issued = t.ctx.clock.now().getTime().toString(36);
    fields._csrf = `a.${issued}.${t.ctx.secrets.sign("csrf", `/usingen/anmelden/hessen|${issued}`)}`;
    let res = await browser.post("/usingen/anmelden/hessen", fields);
    assert.equal(res.status, 303, await res.clone().text());
    res = await browser.get(res.headers.get("location")!);
    const interaction = res.headers.get("location")!;
    const page = await (await browser.get(interaction)).text();
    assert.match(page, /id="persona-erika"/);
    assert.doesNotMatch(page, /persona-petra|persona-nils/);
    res = await browser.post(new URL(interaction, t.base).pathname, { _csrf: field(page, "_csrf"), persona: "petra", aktion: "anmelden" });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Bitte wählen Sie eine Testperson aus/);
  });
});
