/**
 * The test identity provider over real HTTP: the app listens on a free port with BASE_URL set to
 * it, because the IdP fetches the service provider's metadata from BASE_URL. The SAML service
 * provider here is node-saml (what the platform uses), the IdP is samlify: no closed loop.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPublicKey, randomBytes, verify } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import selfsigned from "selfsigned";
import { SAML, ValidateInResponseTo, type Profile } from "@node-saml/node-saml";
import type { Config } from "../../config.js";
import type { ModuleManifest } from "../../platform/module.js";
import { startListeningApp, TestBrowser, type ListeningTestApp } from "../../test-support/listening-app.js";
import { modules as defaultModules } from "../index.js";
import { testIdpModule, testIdpOidcProviderConfig, testIdpSamlProviderConfig } from "./index.js";
import { certificateBody } from "./keys.js";
import { BUNDID_OIDS } from "./saml-idp.js";

const TEST_SYSTEM = "Testsystem – keine echte Anmeldung";


// ---------------------------------------------------------------------------
// a service provider's metadata, served where the platform's SP serves its own

const TEST_SPS = ["testsp", "testsp2"];
const spMetadata = new Map<string, string>();
const testSpModule: ModuleManifest = {
  name: "testsp",
  migrations: [],
  routes(app) {
    // static routes: they win over the identity module's /saml/:tenant/:provider/metadata
    for (const key of TEST_SPS) {
      app.get(`/saml/usingen/${key}/metadata`, async (_req, reply) => reply.type("application/samlmetadata+xml").send(spMetadata.get(key) ?? ""));
    }
  },
};

type Fixture = ListeningTestApp;

function startApp(overrides: Partial<Config> = {}, listen = true): Promise<Fixture> {
  const modules = [...defaultModules.filter((m) => m.name !== testIdpModule.name), testIdpModule, testSpModule];
  return startListeningApp({ overrides, modules, listen });
}

const Browser = TestBrowser;
type Browser = TestBrowser;

const decodeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no field ${name} in page`);
  return decodeHtml(m[1]!);
}

function responseForm(html: string): { action: string; SAMLResponse: string; RelayState: string | undefined } {
  const m = /<form method="post" action="([^"]+)" data-testidp-autosubmit="true">/.exec(html);
  if (!m) throw new Error("no response form in page");
  return { action: decodeHtml(m[1]!), SAMLResponse: field(html, "SAMLResponse"), RelayState: /name="RelayState"/.test(html) ? field(html, "RelayState") : undefined };
}

/** oidc-provider's logout form, embedded in our confirmation page */
function logoutFormAction(html: string): string {
  const m = /<form id="op.logoutForm" method="post" action="([^"]+)">/.exec(html);
  if (!m) throw new Error("no logout form in page");
  return decodeHtml(m[1]!);
}

function assertTestSystemPage(html: string, what: string): void {
  assert.ok(html.includes(TEST_SYSTEM), `${what}: marked as test system`);
  assert.match(html, /class="kern-alert kern-alert--warning testidp-notice"/, `${what}: warning alert`);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, `${what}: no inline script`);
}

let t: Fixture;
before(async () => {
  t = await startApp();
});
after(() => t.close());

// ---------------------------------------------------------------------------

describe("module wiring", () => {
  test("inactive when TEST_IDP is off: nothing under /idp/", async () => {
    const off = await startApp({ testIdp: false }, false);
    try {
      for (const url of ["/idp/saml/metadata", "/idp/saml/sso", "/idp/oidc/.well-known/openid-configuration", "/idp/oidc/jwks", "/idp/interaction/abc"]) {
        assert.equal((await off.app.inject({ url })).statusCode, 404, url);
      }
    } finally {
      await off.close();
    }
  });

  test("provider configurations for the demo seeds", async () => {
    const saml = await testIdpSamlProviderConfig(t.ctx);
    assert.equal(saml.kind, "saml");
    assert.equal(saml.idpEntityId, `${t.base}/idp/saml/metadata`);
    assert.equal(saml.idpSsoUrl, `${t.base}/idp/saml/sso`);
    assert.equal(saml.idpSloUrl, `${t.base}/idp/saml/slo`);
    assert.equal(saml.onlineServiceId, "rathaus-demo");
    assert.equal(saml.trustMapping["STORK-QAA-Level-4"], "high");
    assert.ok(saml.requestedAttributes.some((a) => a.oid === BUNDID_OIDS.bpk2 && a.required));
    assert.match(saml.idpCertificates[0]!, /^-----BEGIN CERTIFICATE-----/);

    const oidc = testIdpOidcProviderConfig(t.ctx, "neu-anspach", "hessen");
    assert.deepEqual(
      { ...oidc, clientSecret: undefined },
      {
        kind: "oidc",
        issuer: `${t.base}/idp/oidc`,
        clientId: "rathaus-neu-anspach-hessen",
        clientSecret: undefined,
        scopes: ["openid", "profile", "email", "address"],
        acrMapping: { "urn:rathaus:loa:basic": "basic", "urn:rathaus:loa:substantial": "substantial", "urn:rathaus:loa:high": "high" },
        defaultTrust: "basic",
      },
    );
    assert.equal(oidc.clientSecret, t.ctx.secrets.sign("testidp-oidc-client", "rathaus-neu-anspach-hessen"));
  });
});

// ---------------------------------------------------------------------------

describe("OpenID Connect", () => {
  const slug = "usingen";
  const clientId = `rathaus-${slug}-hessen`;
  const redirectUri = () => `${t.base}/oidc/${slug}/hessen/callback`;
  const secret = () => t.ctx.secrets.sign("testidp-oidc-client", clientId);
  let discovery: Record<string, unknown>;

  before(async () => {
    const res = await fetch(`${t.base}/idp/oidc/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    discovery = (await res.json()) as Record<string, unknown>;
  });

  test("discovery document", () => {
    assert.equal(discovery.issuer, `${t.base}/idp/oidc`);
    assert.equal(discovery.authorization_endpoint, `${t.base}/idp/oidc/auth`);
    assert.equal(discovery.token_endpoint, `${t.base}/idp/oidc/token`);
    assert.equal(discovery.jwks_uri, `${t.base}/idp/oidc/jwks`);
    assert.ok(String(discovery.end_session_endpoint).startsWith(`${t.base}/idp/oidc/`));
    assert.deepEqual(discovery.response_types_supported, ["code"]);
    assert.deepEqual(discovery.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(discovery.acr_values_supported, ["urn:rathaus:loa:basic", "urn:rathaus:loa:substantial", "urn:rathaus:loa:high"]);
    assert.deepEqual([...(discovery.token_endpoint_auth_methods_supported as string[])].sort(), ["client_secret_basic", "client_secret_post"]);
    for (const claim of ["acr", "given_name", "family_name", "birthdate", "email", "address"]) assert.ok((discovery.claims_supported as string[]).includes(claim), claim);
  });

  /** authorize → persona page → persona → code (or the error redirect) */
  async function authorize(browser: Browser, opts: { persona?: string; cancel?: boolean; acrValues?: string; pkce?: boolean; checkPage?: (html: string) => void }) {
    const verifier = randomBytes(32).toString("base64url");
    const state = randomBytes(8).toString("hex");
    const nonce = randomBytes(8).toString("hex");
    const params = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri(), response_type: "code", scope: "openid profile email address", state, nonce });
    if (opts.pkce !== false) {
      params.set("code_challenge", createHash("sha256").update(verifier).digest("base64url"));
      params.set("code_challenge_method", "S256");
    }
    if (opts.acrValues) params.set("acr_values", opts.acrValues);
    let res = await browser.get(`/idp/oidc/auth?${params}`);
    assert.equal(res.status, 303, await res.clone().text());
    let location = res.headers.get("location")!;
    if (!location.includes("/idp/interaction/")) return { callback: new URL(location, t.base), verifier, state, nonce };
    res = await browser.get(location);
    assert.equal(res.status, 200);
    const page = await res.text();
    assertTestSystemPage(page, "OIDC persona page");
    opts.checkPage?.(page);
    const action = new URL(location, t.base).pathname;
    res = await browser.post(action, { _csrf: field(page, "_csrf"), ...(opts.cancel ? { aktion: "abbrechen" } : { persona: opts.persona ?? "erika", aktion: "anmelden" }) });
    assert.equal(res.status, 303, await res.clone().text());
    res = await browser.get(res.headers.get("location")!);
    assert.equal(res.status, 303, await res.clone().text());
    location = res.headers.get("location")!;
    return { callback: new URL(location, t.base), verifier, state, nonce };
  }

  async function redeem(code: string, verifier: string, auth: "basic" | "post" = "basic") {
    const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri(), code_verifier: verifier });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (auth === "basic") headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret())}`).toString("base64")}`;
    else body.set("client_id", clientId), body.set("client_secret", secret());
    return fetch(discovery.token_endpoint as string, { method: "POST", headers, body: body.toString() });
  }

  async function verifiedIdToken(idToken: string): Promise<Record<string, unknown>> {
    const [h, p, s] = idToken.split(".") as [string, string, string];
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { kid: string; alg: string };
    assert.equal(header.alg, "RS256");
    const jwks = (await (await fetch(discovery.jwks_uri as string)).json()) as { keys: (Record<string, unknown> & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, "signing key published");
    assert.equal(jwk.d, undefined, "no private parts in the JWKS");
    const key = createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" });
    assert.ok(verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url")), "ID Token signature");
    return JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
  }

  test("code flow with PKCE: Erika logs in with acr high; the ID Token carries her claims", async () => {
    const browser = new Browser(t.base);
    const { callback, verifier, state, nonce } = await authorize(browser, {
      persona: "erika",
      acrValues: "urn:rathaus:loa:high",
      checkPage: (page) => {
        assert.match(page, /Stadt Usingen/);
        assert.match(page, /Verlangtes Vertrauensniveau: <strong>hoch \(urn:rathaus:loa:high\)<\/strong>/);
        for (const persona of ["erika", "max", "musterfirma"]) assert.match(page, new RegExp(`type="radio" id="persona-${persona}"`));
      },
    });
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri());
    assert.equal(callback.searchParams.get("state"), state);
    assert.equal(callback.searchParams.get("iss"), `${t.base}/idp/oidc`);
    const code = callback.searchParams.get("code");
    assert.ok(code, callback.toString());

    const res = await redeem(code, verifier, "basic");
    assert.equal(res.status, 200, await res.clone().text());
    const tokens = (await res.json()) as { id_token: string; access_token: string; token_type: string };
    const claims = await verifiedIdToken(tokens.id_token);
    assert.equal(claims.iss, `${t.base}/idp/oidc`);
    assert.equal(claims.aud, clientId);
    assert.equal(claims.nonce, nonce);
    assert.equal(claims.acr, "urn:rathaus:loa:high");
    assert.equal(claims.sub, "61fcacc9-1ce8-4962-aa9b-5d3f7af01c35");
    assert.equal(claims.given_name, "Erika");
    assert.equal(claims.family_name, "Mustermann");
    assert.equal(claims.birthdate, "1964-08-12");
    assert.equal(claims.email, "erika.mustermann@example.org");
    assert.deepEqual(claims.address, { street_address: "Heidestraße 17", postal_code: "51147", locality: "Köln", country: "DE" });

    const userinfo = await fetch(discovery.userinfo_endpoint as string, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.status, 200);
    assert.equal(((await userinfo.json()) as { family_name: string }).family_name, "Mustermann");

    // a code is good once
    assert.equal((await redeem(code, verifier)).status, 400);
  });

  test("client_secret_post works too; a wrong secret or verifier does not", async () => {
    const browser = new Browser(t.base);
    const first = await authorize(browser, { persona: "musterfirma" });
    const code = first.callback.searchParams.get("code")!;
    assert.equal((await redeem(code, "x".repeat(43))).status, 400, "wrong code_verifier");
    const second = await authorize(browser, { persona: "musterfirma" });
    const res = await redeem(second.callback.searchParams.get("code")!, second.verifier, "post");
    assert.equal(res.status, 200, await res.clone().text());
    const claims = await verifiedIdToken(((await res.json()) as { id_token: string }).id_token);
    assert.equal(claims.acr, "urn:rathaus:loa:substantial");
    assert.equal(claims.organization_name, "Musterfirma GmbH");

    const wrong = await fetch(discovery.token_endpoint as string, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${clientId}:falsch`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "x", redirect_uri: redirectUri(), code_verifier: "x".repeat(43) }).toString(),
    });
    assert.equal(wrong.status, 401);
  });

  test("refusals: a persona below acr_values, cancelling, no PKCE, an unknown client or redirect URI", async () => {
    const browser = new Browser(t.base);
    const low = await authorize(browser, { persona: "max", acrValues: "urn:rathaus:loa:substantial urn:rathaus:loa:high" });
    assert.equal(low.callback.searchParams.get("error"), "access_denied");
    assert.equal(low.callback.searchParams.get("state"), low.state);
    assert.equal(low.callback.searchParams.get("code"), null);

    const cancelled = await authorize(browser, { cancel: true });
    assert.equal(cancelled.callback.searchParams.get("error"), "access_denied");

    const noPkce = await authorize(browser, { pkce: false });
    assert.equal(noPkce.callback.searchParams.get("error"), "invalid_request");

    for (const query of [
      new URLSearchParams({ client_id: "rathaus-nirgendwo-hessen", redirect_uri: redirectUri(), response_type: "code", scope: "openid" }),
      new URLSearchParams({ client_id: clientId, redirect_uri: "https://evil.example/cb", response_type: "code", scope: "openid" }),
    ]) {
      const res = await browser.get(`/idp/oidc/auth?${query}`);
      assert.equal(res.status, 400);
      const page = await res.text();
      assertTestSystemPage(page, "OIDC error page");
      assert.match(page, /Die Anfrage konnte nicht bearbeitet werden/);
    }
  });

  test("the same browser switches personas freely; RP-initiated logout shows our confirmation page", async () => {
    const browser = new Browser(t.base);
    const first = await authorize(browser, { persona: "erika" });
    const second = await authorize(browser, { persona: "max" });
    const res = await redeem(second.callback.searchParams.get("code")!, second.verifier);
    assert.equal(res.status, 200);
    const { id_token: idToken } = (await res.json()) as { id_token: string };
    const claims = await verifiedIdToken(idToken);
    assert.equal(claims.given_name, "Max");
    assert.equal(claims.acr, "urn:rathaus:loa:basic");
    assert.ok(first.callback.searchParams.get("code"));

    const postLogout = `${t.base}/${slug}/`;
    let logout = await browser.get(`${discovery.end_session_endpoint}?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: postLogout, state: "abc" })}`);
    assert.equal(logout.status, 200);
    const page = await logout.text();
    assertTestSystemPage(page, "logout confirmation");
    logout = await browser.post(logoutFormAction(page), { xsrf: field(page, "xsrf"), logout: "yes" });
    assert.equal(logout.status, 303);
    assert.equal(logout.headers.get("location"), `${postLogout}?state=abc`);

    // without a login session (another browser, or logged out already) the same page
    const other = new Browser(t.base);
    logout = await other.get(`${discovery.end_session_endpoint}?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: postLogout })}`);
    assert.equal(logout.status, 200);
    const again = await logout.text();
    assertTestSystemPage(again, "logout without session");
    logout = await other.post(logoutFormAction(again), { xsrf: field(again, "xsrf"), logout: "yes" });
    assert.equal(logout.status, 303);
    assert.equal(logout.headers.get("location"), postLogout);
  });

  test("an expired or foreign interaction gets our page, not oidc-provider's", async () => {
    const res = await new Browser(t.base).get("/idp/interaction/gibt-es-nicht");
    assert.equal(res.status, 400);
    assertTestSystemPage(await res.text(), "expired interaction");
  });
});

// ---------------------------------------------------------------------------

describe("SAML 2.0", () => {
  const pem = (commonName: string) =>
    new Promise<selfsigned.GenerateResult>((resolve, reject) =>
      selfsigned.generate([{ name: "commonName", value: commonName }], { keySize: 2048, days: 30, algorithm: "sha256" }, (err, result) => (err ? reject(err) : resolve(result))),
    );
  let spSigning: selfsigned.GenerateResult;
  let spEncryption: selfsigned.GenerateResult;
  let idpCert: string;

  const sp = (key: string, opts: { authnContext?: string[]; callbackPath?: string; signed?: boolean; inResponseTo?: ValidateInResponseTo } = {}) => {
    const spBase = `${t.base}/saml/usingen/${key}`;
    return new SAML({
      entryPoint: `${t.base}/idp/saml/sso`,
      logoutUrl: `${t.base}/idp/saml/slo`,
      issuer: `${spBase}/metadata`,
      audience: `${spBase}/metadata`,
      callbackUrl: `${spBase}${opts.callbackPath ?? "/acs"}`,
      logoutCallbackUrl: `${spBase}/slo`,
      idpCert,
      ...(opts.signed === false ? {} : { privateKey: spSigning.private, publicCert: spSigning.cert }),
      decryptionPvk: spEncryption.private,
      signatureAlgorithm: "sha256",
      digestAlgorithm: "sha256",
      identifierFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
      authnContext: opts.authnContext ?? ["STORK-QAA-Level-1"],
      racComparison: "minimum",
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      validateInResponseTo: opts.inResponseTo ?? ValidateInResponseTo.always,
    });
  };

  before(async () => {
    [spSigning, spEncryption] = await Promise.all([pem("Test-SP Signatur"), pem("Test-SP Verschlüsselung")]);
    const res = await fetch(`${t.base}/idp/saml/metadata`);
    const xml = await res.text();
    idpCert = /<(?:ds:)?X509Certificate>([^<]+)</.exec(xml)![1]!.replace(/\s+/g, "");
    spMetadata.set("testsp", sp("testsp").generateServiceProviderMetadata(spEncryption.cert, spSigning.cert));
    // a second SP that wants its LogoutResponse over HTTP-Redirect
    spMetadata.set(
      "testsp2",
      sp("testsp2")
        .generateServiceProviderMetadata(spEncryption.cert, spSigning.cert)
        .replace(/<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"/, '<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'),
    );
  });

  test("IdP metadata: entity id, signing certificate, signed requests wanted, SSO and SLO over HTTP-Redirect", async () => {
    const res = await fetch(`${t.base}/idp/saml/metadata`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/samlmetadata\+xml/);
    const xml = await res.text();
    assert.match(xml, new RegExp(`entityID="${t.base}/idp/saml/metadata"`));
    assert.match(xml, /WantAuthnRequestsSigned="true"/);
    assert.match(xml, /<KeyDescriptor use="signing">/);
    assert.match(xml, new RegExp(`SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${t.base}/idp/saml/sso"`));
    assert.match(xml, new RegExp(`SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${t.base}/idp/saml/slo"`));
    const config = await testIdpSamlProviderConfig(t.ctx);
    assert.equal(idpCert, certificateBody(config.idpCertificates[0]!), "the configuration carries the certificate of the metadata");
  });

  /** SP → IdP (redirect) → persona page → persona → the response form */
  async function login(saml: SAML, opts: { persona?: string; cancel?: boolean; relayState?: string; checkPage?: (html: string) => void }) {
    const browser = new Browser(t.base);
    const url = await saml.getAuthorizeUrlAsync(opts.relayState ?? "/usingen/mein-rathaus/", undefined, {});
    let res = await browser.get(url);
    const page = await res.text();
    assert.equal(res.status, 200, page);
    assertTestSystemPage(page, "SAML persona page");
    opts.checkPage?.(page);
    res = await browser.post("/idp/saml/login", {
      _csrf: field(page, "_csrf"),
      pending: field(page, "pending"),
      ...(opts.cancel ? { aktion: "abbrechen" } : { persona: opts.persona ?? "max", aktion: "anmelden" }),
    });
    const answer = await res.text();
    assert.equal(res.status, 200, answer);
    assertTestSystemPage(answer, "SAML response page");
    assert.match(answer, /<button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">Weiter zum Dienst<\/span><\/button>/);
    assert.match(answer, /<script src="\/static\/testidp\.js\?v=1" defer><\/script>/);
    return { form: responseForm(answer), browser };
  }

  const statusOf = (samlResponse: string) => {
    const xml = Buffer.from(samlResponse, "base64").toString("utf8");
    return [...xml.matchAll(/<samlp:StatusCode Value="([^"]+)"/g)].map((m) => m[1]);
  };

  test("Max logs in: node-saml decrypts and validates the response (signatures, InResponseTo, audience, STORK level)", async () => {
    const saml = sp("testsp");
    const { form } = await login(saml, {
      persona: "max",
      relayState: "/usingen/mein-rathaus/",
      checkPage: (page) => {
        assert.match(page, /Stadt Usingen bittet um eine Anmeldung über die BundID/);
        assert.match(page, /Verlangtes Vertrauensniveau: <strong>niedrig \(STORK-QAA-Level-1\)<\/strong>/);
      },
    });
    assert.equal(form.action, `${t.base}/saml/usingen/testsp/acs`);
    assert.equal(form.RelayState, "/usingen/mein-rathaus/");
    const raw = Buffer.from(form.SAMLResponse, "base64").toString("utf8");
    assert.match(raw, /<saml:EncryptedAssertion/);
    assert.doesNotMatch(raw, /Mustermann/, "no attribute in clear text");
    assert.match(raw, /SignatureMethod Algorithm="http:\/\/www.w3.org\/2001\/04\/xmldsig-more#rsa-sha256"/);

    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState! });
    assert.ok(profile);
    const p = profile as Profile & Record<string, unknown>;
    assert.equal(p.issuer, `${t.base}/idp/saml/metadata`);
    assert.equal(p[BUNDID_OIDS.bpk2], "9XKpelQDzLb4dyPjy2zlR43u2M0j");
    assert.equal(p[BUNDID_OIDS.givenName], "Max");
    assert.equal(p[BUNDID_OIDS.surname], "Mustermann");
    assert.equal(p[BUNDID_OIDS.postalCode], "61250");
    assert.equal(p[BUNDID_OIDS.email], "max.mustermann@example.org");
    assert.equal(p[BUNDID_OIDS.trustLevel], "STORK-QAA-Level-1");
    assert.equal(p[BUNDID_OIDS.birthDate], undefined, "Max's account has no birth date");
    const assertion = profile.getAssertionXml!();
    assert.match(assertion, /<saml:AuthnContextClassRef>STORK-QAA-Level-1<\/saml:AuthnContextClassRef>/);
    assert.match(assertion, /<ds:Signature/, "the assertion itself is signed");
    assert.match(assertion, new RegExp(`<saml:Audience>${t.base}/saml/usingen/testsp/metadata</saml:Audience>`));
    const notBefore = Date.parse(/NotBefore="([^"]+)"/.exec(assertion)![1]!);
    const notOnOrAfter = Date.parse(/Conditions NotBefore="[^"]+" NotOnOrAfter="([^"]+)"/.exec(assertion)![1]!);
    assert.equal(notOnOrAfter - notBefore, 5 * 60 * 1000);
    assert.ok(Math.abs(notBefore - Date.now()) < 60_000, "wall-clock time, not the app's clock");

    // the same response again: InResponseTo was used up
    await assert.rejects(saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }));
  });

  test("Erika carries the ID card's data and Level 4; akdb:RequestedAttributes limit what is sent", async () => {
    const saml = new SAML({
      ...sp("testsp").options,
      authnContext: ["STORK-QAA-Level-4"],
      samlAuthnRequestExtensions: {
        "akdb:AuthenticationRequest": {
          "@xmlns:akdb": "https://www.akdb.de/request/2018/09",
          "@Version": "2",
          "akdb:RequestedAttributes": {
            "akdb:RequestedAttribute": [{ "@Name": BUNDID_OIDS.givenName, "@RequiredAttribute": "true" }, { "@Name": BUNDID_OIDS.birthDate }],
          },
          "akdb:DisplayInformation": {
            "classic-ui:Version": { "@xmlns:classic-ui": "https://www.akdb.de/request/2018/09/classic-ui/v1", "classic-ui:OrganizationDisplayName": "Bürgerbüro Usingen" },
          },
        },
      },
    });
    const { form } = await login(saml, { persona: "erika", checkPage: (page) => assert.match(page, /Bürgerbüro Usingen bittet um eine Anmeldung/) });
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState! });
    const p = profile as Profile & Record<string, unknown>;
    assert.equal(p[BUNDID_OIDS.givenName], "Erika");
    assert.equal(p[BUNDID_OIDS.birthDate], "1964-08-12");
    assert.equal(p[BUNDID_OIDS.trustLevel], "STORK-QAA-Level-4");
    assert.equal(p[BUNDID_OIDS.bpk2], "30z4qllzVQrsBt52xYSmd6NWbb/V", "bPK2 always");
    assert.equal(p[BUNDID_OIDS.surname], undefined, "not requested");
    assert.match(profile!.getAssertionXml!(), /STORK-QAA-Level-4<\/saml:AuthnContextClassRef>/);
  });

  test("Level 4 requested, Max chosen: Responder/AuthnFailed, signed; cancelling answers the same", async () => {
    for (const opts of [{ persona: "max" }, { cancel: true }]) {
      const saml = sp("testsp", { authnContext: ["STORK-QAA-Level-4"] });
      const { form } = await login(saml, opts);
      assert.deepEqual(statusOf(form.SAMLResponse), ["urn:oasis:names:tc:SAML:2.0:status:Responder", "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"]);
      const raw = Buffer.from(form.SAMLResponse, "base64").toString("utf8");
      assert.doesNotMatch(raw, /Assertion/);
      assert.match(raw, /<ds:Signature/);
      await assert.rejects(saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }), /Responder|AuthnFailed/);
    }
  });

  test("requests are refused when unsigned, tampered with, or naming an ACS outside the metadata", async () => {
    const browser = new Browser(t.base);
    const cases: [string, string][] = [
      [await sp("testsp", { signed: false }).getAuthorizeUrlAsync("", undefined, {}), "not signed"],
      [(await sp("testsp").getAuthorizeUrlAsync("x", undefined, {})).replace(/RelayState=x/, "RelayState=y"), "signature does not match"],
      [await sp("testsp", { callbackPath: "/anderswo" }).getAuthorizeUrlAsync("", undefined, {}), "is not an HTTP-POST ACS"],
      [await sp("unbekannt").getAuthorizeUrlAsync("", undefined, {}), "answered 404"],
      [`${t.base}/idp/saml/sso`, "SAMLRequest is missing"],
    ];
    for (const [url, reason] of cases) {
      const res = await browser.get(url);
      assert.equal(res.status, 400, reason);
      const page = await res.text();
      assertTestSystemPage(page, reason);
      assert.ok(page.includes(reason), `${reason}: ${/<code>([^<]*)<\/code>/.exec(page)?.[1]}`);
    }
    const expired = await browser.post("/idp/saml/login", { pending: "abc.def", persona: "max" });
    assert.equal(expired.status, 403, "the platform's CSRF check still applies");
  });

  test("single logout: a signed LogoutRequest is answered over HTTP-POST or HTTP-Redirect, as the SP's metadata says", async () => {
    // HTTP-POST (node-saml's metadata). node-saml looks for InResponseTo on <Response> only, so
    // for a POSTed LogoutResponse it is checked here instead.
    const saml = sp("testsp", { inResponseTo: ValidateInResponseTo.ifPresent });
    const { form } = await login(saml, { persona: "erika" });
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState! });
    const browser = new Browser(t.base);
    const logoutUrl = await saml.getLogoutUrlAsync(profile!, "/usingen/abgemeldet", {});
    let res = await browser.get(logoutUrl);
    const page = await res.text();
    assert.equal(res.status, 200, page);
    assertTestSystemPage(page, "logout page");
    const post = responseForm(page);
    assert.equal(post.action, `${t.base}/saml/usingen/testsp/slo`);
    assert.equal(post.RelayState, "/usingen/abgemeldet");
    const logoutRequestId = /ID="([^"]+)"/.exec(inflateRawSync(Buffer.from(new URL(logoutUrl).searchParams.get("SAMLRequest")!, "base64")).toString())![1];
    assert.match(Buffer.from(post.SAMLResponse, "base64").toString(), new RegExp(`InResponseTo="${logoutRequestId}"[\\s\\S]*status:Success`));
    const loggedOut = await saml.validatePostResponseAsync({ SAMLResponse: post.SAMLResponse });
    assert.equal(loggedOut.loggedOut, true);

    // HTTP-Redirect
    const saml2 = sp("testsp2");
    const second = await login(saml2, { persona: "erika" });
    const p2 = (await saml2.validatePostResponseAsync({ SAMLResponse: second.form.SAMLResponse, RelayState: second.form.RelayState! })).profile!;
    res = await browser.get(await saml2.getLogoutUrlAsync(p2, "zurück", {}));
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get("location")!);
    assert.equal(`${location.origin}${location.pathname}`, `${t.base}/saml/usingen/testsp2/slo`);
    assert.ok(location.searchParams.get("Signature"), "signed");
    assert.match(inflateRawSync(Buffer.from(location.searchParams.get("SAMLResponse")!, "base64")).toString(), /status:Success/);
    const query = Object.fromEntries(location.searchParams);
    const result = await saml2.validateRedirectAsync(query, location.search.slice(1));
    assert.equal(result.loggedOut, true);
  });
});

// ---------------------------------------------------------------------------

describe("with the identity module (the platform's own SP and RP)", { skip: !defaultModules.some((m) => m.name === "identity") && "identity module not registered" }, () => {
  async function startAt(browser: Browser, provider: string): Promise<string> {
    let res = await browser.get("/usingen/anmelden");
    const page = await res.text();
    assert.equal(res.status, 200, page);
    assert.match(page, new RegExp(`action="/usingen/anmelden/${provider}"`));
    // The stateless form token for the form's own path (the identity module's chooser currently
    // signs /usingen/anmelden/ for forms that post to /usingen/anmelden/{provider}).
    const issued = t.ctx.clock.now().getTime().toString(36);
    const csrf = `a.${issued}.${t.ctx.secrets.sign("csrf", `/usingen/anmelden/${provider}|${issued}`)}`;
    res = await browser.post(`/usingen/anmelden/${provider}`, { _csrf: csrf, weiter: "/usingen/mein-rathaus/", niveau: "basic" });
    assert.equal(res.status, 303, await res.clone().text());
    return res.headers.get("location")!;
  }

  test("BundID (Testsystem): the citizen logs in as Max over SAML", async () => {
    const browser = new Browser(t.base);
    const sso = await startAt(browser, "bundid");
    assert.ok(sso.startsWith(`${t.base}/idp/saml/sso?`), sso);
    let res = await browser.get(sso);
    const page = await res.text();
    assert.equal(res.status, 200, page);
    res = await browser.post("/idp/saml/login", { _csrf: field(page, "_csrf"), pending: field(page, "pending"), persona: "max", aktion: "anmelden" });
    const form = responseForm(await res.text());
    assert.equal(form.action, `${t.base}/saml/usingen/bundid/acs`);
    res = await browser.post(form.action, { SAMLResponse: form.SAMLResponse, ...(form.RelayState ? { RelayState: form.RelayState } : {}) });
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), "/usingen/mein-rathaus/");
    res = await browser.get("/usingen/mein-rathaus/");
    assert.equal(res.status, 200);
    const home = await res.text();
    assert.match(home, /Max/);

    // single logout: the platform's LogoutRequest, our LogoutResponse over HTTP-Redirect
    res = await browser.post("/usingen/abmelden", { _csrf: field(home, "_csrf") });
    assert.equal(res.status, 303);
    const slo = res.headers.get("location")!;
    assert.ok(slo.startsWith(`${t.base}/idp/saml/slo?`), slo);
    res = await browser.get(slo);
    assert.equal(res.status, 303, await res.clone().text());
    const back = res.headers.get("location")!;
    assert.ok(back.startsWith(`${t.base}/saml/usingen/bundid/slo?`), back);
    res = await browser.get(back);
    assert.equal(res.headers.get("location"), "/usingen/abgemeldet");
  });

  test("Servicekonto Hessen (Testsystem): the citizen logs in as Erika over OIDC", async () => {
    const browser = new Browser(t.base);
    const authorize = await startAt(browser, "hessen");
    assert.ok(authorize.startsWith(`${t.base}/idp/oidc/auth?`), authorize);
    let res = await browser.get(authorize);
    const interaction = res.headers.get("location")!;
    res = await browser.get(interaction);
    const page = await res.text();
    res = await browser.post(new URL(interaction, t.base).pathname, { _csrf: field(page, "_csrf"), persona: "erika", aktion: "anmelden" });
    res = await browser.get(res.headers.get("location")!);
    const callback = res.headers.get("location")!;
    assert.ok(callback.startsWith(`${t.base}/oidc/usingen/hessen/callback?`), callback);
    res = await browser.get(callback);
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), "/usingen/mein-rathaus/");
    res = await browser.get("/usingen/mein-rathaus/");
    assert.equal(res.status, 200);
    const home = await res.text();
    assert.match(home, /Erika/);

    // RP-initiated logout: our confirmation page, then back to the municipality
    res = await browser.post("/usingen/abmelden", { _csrf: field(home, "_csrf") });
    assert.equal(res.status, 303);
    res = await browser.get(res.headers.get("location")!);
    const confirm = await res.text();
    assert.equal(res.status, 200, confirm);
    assertTestSystemPage(confirm, "logout confirmation");
    res = await browser.post(logoutFormAction(confirm), { xsrf: field(confirm, "xsrf"), logout: "yes" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `${t.base}/usingen/abgemeldet`);
  });
});
