import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, form, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { identityService } from "./index.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const usingenAdmin = DEMO_ACCOUNTS[1]!;
const neuAnspachAdmin = DEMO_ACCOUNTS[2]!;
const headers = (cookie: string) => ({ cookie, "content-type": "application/x-www-form-urlencoded" });
const BASE = "/usingen/verwaltung/anmeldedienste";

test("a municipality configures an OIDC state account: validated, secret kept and never shown, offered on the login page until switched off", async () => {
  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const list = await t.app.inject({ url: BASE, headers: { cookie } });
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /BundID \(Testsystem\)/);
  assert.match(list.body, /\/saml\/usingen\/bundid\/metadata/, "the SP metadata URL to register at BundID is shown");

  const bad = await t.app.inject({ method: "POST", url: `${BASE}/neu-oidc`, headers: headers(cookie), payload: form({ _csrf: csrf, label: "Servicekonto Test", key: "land", issuer: "http://idp.example.org", clientId: "", clientSecret: "", acrMapping: "urn:x = sehr hoch" }) });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /muss mit https:\/\/ beginnen/);
  assert.match(bad.body, /Client-ID an/);
  assert.match(bad.body, /acr-Wert = basic\|substantial\|high/);

  const ok = await t.app.inject({ method: "POST", url: `${BASE}/neu-oidc`, headers: headers(cookie), payload: form({ _csrf: csrf, label: "Servicekonto Land", key: "land", audience: "citizen", issuer: "https://login.land.example/realms/buerger", clientId: "rathaus-usingen", clientSecret: "geheimes-secret-123", acrMapping: "urn:eidas:loa:high = high\nurn:eidas:loa:low = basic", defaultTrust: "basic" }) });
  assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
  const usingen = t.ctx.tenants.bySlug("usingen")!;
  const stored = await identityService(t.ctx).store.provider(usingen.id, "land");
  assert.ok(stored && stored.config.kind === "oidc");
  assert.equal(stored.config.clientSecret, "geheimes-secret-123");
  assert.deepEqual(stored.config.acrMapping, { "urn:eidas:loa:high": "high", "urn:eidas:loa:low": "basic" });

  const edit = await t.app.inject({ url: `${BASE}/${stored.id}`, headers: { cookie } });
  assert.equal(edit.statusCode, 200);
  assert.ok(!edit.body.includes("geheimes-secret-123"), "the secret is never rendered");
  const saved = await t.app.inject({ method: "POST", url: `${BASE}/${stored.id}`, headers: headers(cookie), payload: form({ _csrf: csrf, label: "Servicekonto des Landes", issuer: "https://login.land.example/realms/buerger", clientId: "rathaus-usingen", clientSecret: "", acrMapping: "urn:eidas:loa:high = high", defaultTrust: "basic" }) });
  assert.equal(saved.statusCode, 303);
  const after = await identityService(t.ctx).store.provider(usingen.id, "land");
  assert.equal(after?.label, "Servicekonto des Landes");
  assert.equal(after?.config.kind === "oidc" && after.config.clientSecret, "geheimes-secret-123", "a blank secret keeps the old one");

  const login = await t.app.inject({ url: "/usingen/anmelden" });
  assert.match(login.body, /Anmelden mit Servicekonto des Landes/);
  await t.app.inject({ method: "POST", url: `${BASE}/${stored.id}/abschalten`, headers: headers(cookie), payload: form({ _csrf: csrf }) });
  const hidden = await t.app.inject({ url: "/usingen/anmelden" });
  assert.doesNotMatch(hidden.body, /Servicekonto des Landes/);
  const entries = await t.ctx.audit.list({ tenantId: usingen.id, limit: 20 });
  assert.ok(entries.some((e) => e.action === "identity-provider.disable"));
  assert.ok(!JSON.stringify(entries).includes("geheimes-secret-123"));
});

test("SAML: an unreadable certificate is refused; the test system's providers cannot be edited; another municipality's admin gets no access", async () => {
  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const bad = await t.app.inject({ method: "POST", url: `${BASE}/neu-saml`, headers: headers(cookie), payload: form({ _csrf: csrf, label: "BundID", key: "bundid2", idpEntityId: "https://id.bund.example/idp", idpSsoUrl: "https://id.bund.example/sso", idpCertificate: "kein zertifikat", onlineServiceId: "USI-1" }) });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Zertifikat konnte nicht gelesen werden/);
  const usingen = t.ctx.tenants.bySlug("usingen")!;
  const bundid = await identityService(t.ctx).store.provider(usingen.id, "bundid");
  assert.equal((await t.app.inject({ url: `${BASE}/${bundid!.id}`, headers: { cookie } })).statusCode, 404);

  const other = await loginStaff(t.app, neuAnspachAdmin.email, neuAnspachAdmin.password);
  assert.equal((await t.app.inject({ url: BASE, headers: { cookie: other.cookie } })).statusCode, 403);
  const naProvider = await identityService(t.ctx).store.provider(t.ctx.tenants.bySlug("neu-anspach")!.id, "bundid");
  assert.equal((await t.app.inject({ method: "POST", url: `${BASE}/${naProvider!.id}/abschalten`, headers: headers(cookie), payload: form({ _csrf: csrf }) })).statusCode, 404, "Usingen's admin cannot switch off Neu-Anspach's provider");
});
