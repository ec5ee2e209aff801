/**
 * The OIDC relying party against a real oidc-provider 8 on 127.0.0.1. The test plays the browser
 * itself: fetch with manual redirects, a small cookie jar, and the provider's interaction page
 * (login + consent) answered by the test server with the account and acr the test chooses.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import * as client from "openid-client";
import { LoginError, type OidcProviderConfig } from "../types.js";
import type { TrustLevel } from "../../../platform/auth/trust.js";
import { authorizationRedirectUrl, completeAuthorization, endSessionUrl, oidcLoginParameters } from "./rp.js";

// ---------------------------------------------------------------------------
// oidc-provider 8 ships no type declarations: the few parts used here, typed locally.

interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: Record<string, unknown>;
}
interface Grant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface OidcProvider {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => Grant;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
type OidcProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

// a non-literal specifier keeps TypeScript from looking for (absent) declarations
const OIDC_PROVIDER_MODULE: string = "oidc-provider";

// ---------------------------------------------------------------------------
// the test system

const CLIENT_ID = "rathaus-test";
const CLIENT_SECRET = "test-secret-9f8e7d6c5b4a39281706";
const ACCOUNT_ID = "buerger-4711";

const ACCOUNTS: Record<string, Record<string, unknown>> = {
  [ACCOUNT_ID]: {
    given_name: "Erika",
    family_name: "Mustermann",
    birthdate: "1964-08-12",
    email: "erika.mustermann@example.org",
    email_verified: true,
    address: {
      street_address: "Heidestraße 17",
      postal_code: "51147",
      locality: "Köln",
      country: "DE",
    },
  },
};

/** What the "citizen" does at the provider's login page in the next interaction. */
type LoginPlan = { accountId: string; acr: string } | { abort: true };

interface TestSystem {
  issuer: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  plan: LoginPlan;
  /** authorization request parameters as the provider saw them, per interaction */
  seenAuthParams: Record<string, unknown>[];
  discoveryRequests: number;
  jwksRequests: number;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function startTestSystem(): Promise<TestSystem> {
  const { default: Provider } = (await import(OIDC_PROVIDER_MODULE)) as { default: OidcProviderClass };

  // The relying party's side: only its port matters, the test browser stops at the redirect.
  const rpServer = http.createServer((_req, res) => {
    res.statusCode = 204;
    res.end();
  });
  const rpPort = await listen(rpServer);

  let provider: OidcProvider | undefined;
  const system: TestSystem = {
    issuer: "",
    redirectUri: `http://127.0.0.1:${rpPort}/anmeldung/oidc/callback`,
    postLogoutRedirectUri: `http://127.0.0.1:${rpPort}/abgemeldet`,
    plan: { accountId: ACCOUNT_ID, acr: "urn:rathaus:loa:high" },
    seenAuthParams: [],
    discoveryRequests: 0,
    jwksRequests: 0,
    close: async () => {},
  };

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, p: OidcProvider): Promise<void> {
    const details = await p.interactionDetails(req, res);
    system.seenAuthParams.push({ ...details.params, promptName: details.prompt.name });
    const plan = system.plan;
    if ("abort" in plan) {
      await p.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "End-User aborted interaction" },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const grant = new p.Grant({ accountId: plan.accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await p.interactionFinished(
      req,
      res,
      { login: { accountId: plan.accountId, acr: plan.acr }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  const opServer = http.createServer((req, res) => {
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const p = provider;
    if (req.url?.startsWith("/.well-known/openid-configuration")) system.discoveryRequests++;
    if (req.url?.startsWith("/jwks")) system.jwksRequests++;
    if (req.method === "GET" && req.url?.startsWith("/interaction/")) {
      interaction(req, res, p).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    p.callback()(req, res);
  });
  const opPort = await listen(opServer);
  system.issuer = `http://127.0.0.1:${opPort}`;

  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  provider = new Provider(system.issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        token_endpoint_auth_method: "client_secret_basic",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [system.redirectUri],
        post_logout_redirect_uris: [system.postLogoutRedirectUri],
      },
    ],
    jwks: { keys: [{ ...signingKey, use: "sig", alg: "RS256", kid: "test-signing-key" }] },
    cookies: { keys: ["test-cookie-key-1"] },
    acrValues: ["urn:rathaus:loa:basic", "urn:rathaus:loa:substantial", "urn:rathaus:loa:high"],
    claims: {
      openid: ["sub"],
      profile: ["given_name", "family_name", "birthdate"],
      email: ["email", "email_verified"],
      address: ["address"],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });

  system.close = async () => {
    for (const server of [opServer, rpServer]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
  return system;
}

// ---------------------------------------------------------------------------
// the test browser

class CookieJar {
  private cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = "", v = ""] = a.split("=");
        return (k.trim().toLowerCase() === "expires" && Date.parse(v) <= Date.now()) || (k.trim().toLowerCase() === "max-age" && Number(v) <= 0);
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** Follows redirects like a browser until one leads to `stopAt` (the relying party's callback). */
async function browse(startUrl: string, stopAt: string, jar = new CookieJar()): Promise<URL> {
  let url = startUrl;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(stopAt)) return new URL(url);
    const res = await fetch(url, { redirect: "manual", headers: { cookie: jar.header() } });
    jar.store(res);
    const body = await res.text();
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      continue;
    }
    throw new Error(`browser: unexpected HTTP ${res.status} at ${url}: ${body.slice(0, 300)}`);
  }
  throw new Error("browser: too many redirects");
}

// ---------------------------------------------------------------------------

function providerConfig(sys: TestSystem, overrides: Partial<OidcProviderConfig> = {}): OidcProviderConfig {
  return {
    kind: "oidc",
    issuer: sys.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: ["openid", "profile", "email", "address"],
    acrMapping: {
      "urn:rathaus:loa:basic": "basic",
      "urn:rathaus:loa:substantial": "substantial",
      "urn:rathaus:loa:high": "high",
    },
    defaultTrust: "basic",
    ...overrides,
  };
}

/** Starts a login at the RP, lets the citizen act per `plan` at the provider, returns the callback URL. */
async function loginAtProvider(
  sys: TestSystem,
  requiredTrust: TrustLevel,
  plan: LoginPlan = { accountId: ACCOUNT_ID, acr: "urn:rathaus:loa:high" },
  tamperAuthUrl?: (url: URL) => void,
) {
  const config = providerConfig(sys);
  const params = oidcLoginParameters();
  const authUrl = await authorizationRedirectUrl(config, { redirectUri: sys.redirectUri, requiredTrust, ...params });
  const url = new URL(authUrl);
  tamperAuthUrl?.(url);
  sys.plan = plan;
  const callbackUrl = await browse(url.href, sys.redirectUri);
  return { config, params, authUrl: new URL(authUrl), callbackUrl };
}

async function expectLoginError(promise: Promise<unknown>, reason: RegExp, userMessage?: RegExp | string): Promise<LoginError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LoginError, `expected LoginError, got ${String(err)}`);
    assert.match(err.reason, reason);
    if (typeof userMessage === "string") assert.equal(err.userMessage, userMessage);
    else if (userMessage) assert.match(err.userMessage, userMessage);
    return err;
  }
  assert.fail("expected a LoginError");
}

function assertNoSecrets(err: LoginError, ...secrets: string[]): void {
  for (const s of secrets) {
    assert.ok(!err.reason.includes(s) && !err.userMessage.includes(s) && !err.message.includes(s), "secret in error message");
  }
}

describe("OIDC relying party against oidc-provider", () => {
  let sys: TestSystem;

  before(async () => {
    sys = await startTestSystem();
  });
  after(async () => {
    await sys?.close();
  });

  it("logs a citizen in: subject, attributes from userinfo, acr high → trust high", async () => {
    const { config, params, authUrl, callbackUrl } = await loginAtProvider(sys, "substantial");

    // the authorization request
    assert.equal(authUrl.searchParams.get("response_type"), "code");
    assert.equal(authUrl.searchParams.get("client_id"), CLIENT_ID);
    assert.equal(authUrl.searchParams.get("redirect_uri"), sys.redirectUri);
    assert.equal(authUrl.searchParams.get("scope"), "openid profile email address");
    assert.equal(authUrl.searchParams.get("state"), params.state);
    assert.equal(authUrl.searchParams.get("nonce"), params.nonce);
    assert.equal(authUrl.searchParams.get("code_challenge_method"), "S256");
    assert.equal(authUrl.searchParams.get("code_challenge"), await client.calculatePKCECodeChallenge(params.codeVerifier));
    assert.equal(authUrl.searchParams.get("acr_values"), "urn:rathaus:loa:substantial urn:rathaus:loa:high");
    assert.equal(authUrl.searchParams.get("prompt"), "login");
    assert.equal(authUrl.searchParams.get("code_verifier"), null);
    const seen = sys.seenAuthParams.at(-1);
    assert.equal(seen?.acr_values, "urn:rathaus:loa:substantial urn:rathaus:loa:high");
    assert.equal(seen?.promptName, "login");

    const login = await completeAuthorization(config, {
      redirectUri: sys.redirectUri,
      callbackUrl,
      expectedState: params.state,
      expectedNonce: params.nonce,
      codeVerifier: params.codeVerifier,
      requiredTrust: "substantial",
    });
    assert.equal(login.subject, ACCOUNT_ID);
    assert.equal(login.trustLevel, "high");
    assert.deepEqual(login.attributes, {
      givenName: "Erika",
      surname: "Mustermann",
      birthDate: "1964-08-12",
      email: "erika.mustermann@example.org",
      address: { street: "Heidestraße 17", postalCode: "51147", city: "Köln", country: "DE" },
    });
    assert.ok(login.logout?.oidcIdToken);
    // oidc-provider (conformIdTokenClaims) keeps scope claims out of the ID Token: they came from userinfo
    const idTokenPayload = JSON.parse(Buffer.from(login.logout.oidcIdToken.split(".")[1] ?? "", "base64url").toString());
    assert.equal(idTokenPayload.given_name, undefined);
    assert.equal(idTokenPayload.acr, "urn:rathaus:loa:high");
  });

  it("omits prompt=login and asks for every level when no trust is required", async () => {
    const { config, params, authUrl, callbackUrl } = await loginAtProvider(sys, "none", {
      accountId: ACCOUNT_ID,
      acr: "urn:rathaus:loa:basic",
    });
    assert.equal(authUrl.searchParams.get("prompt"), null);
    assert.equal(authUrl.searchParams.get("acr_values"), "urn:rathaus:loa:basic urn:rathaus:loa:substantial urn:rathaus:loa:high");
    const login = await completeAuthorization(config, {
      redirectUri: sys.redirectUri,
      callbackUrl,
      expectedState: params.state,
      expectedNonce: params.nonce,
      codeVerifier: params.codeVerifier,
      requiredTrust: "none",
    });
    assert.equal(login.trustLevel, "basic");
  });

  it("maps an unknown acr to the configured default trust", async () => {
    const { params, callbackUrl } = await loginAtProvider(sys, "basic", { accountId: ACCOUNT_ID, acr: "urn:rathaus:loa:high" });
    const config = providerConfig(sys, { acrMapping: { "urn:other": "high" }, defaultTrust: "basic" });
    const login = await completeAuthorization(config, {
      redirectUri: sys.redirectUri,
      callbackUrl,
      expectedState: params.state,
      expectedNonce: params.nonce,
      codeVerifier: params.codeVerifier,
      requiredTrust: "basic",
    });
    assert.equal(login.trustLevel, "basic");
  });

  it("refuses a wrong state", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "basic");
    const err = await expectLoginError(
      completeAuthorization(config, {
        redirectUri: sys.redirectUri,
        callbackUrl,
        expectedState: oidcLoginParameters().state,
        expectedNonce: params.nonce,
        codeVerifier: params.codeVerifier,
        requiredTrust: "basic",
      }),
      /state/,
      /erneut/,
    );
    assertNoSecrets(err, callbackUrl.searchParams.get("code") ?? "-", CLIENT_SECRET);
  });

  it("refuses a wrong nonce", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "basic");
    const err = await expectLoginError(
      completeAuthorization(config, {
        redirectUri: sys.redirectUri,
        callbackUrl,
        expectedState: params.state,
        expectedNonce: `${params.nonce}x`,
        codeVerifier: params.codeVerifier,
        requiredTrust: "basic",
      }),
      /nonce/,
    );
    assertNoSecrets(err, callbackUrl.searchParams.get("code") ?? "-", CLIENT_SECRET);
  });

  it("refuses an ID Token without nonce (nonce stripped from the authorization request)", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "basic", undefined, (url) => url.searchParams.delete("nonce"));
    await expectLoginError(
      completeAuthorization(config, {
        redirectUri: sys.redirectUri,
        callbackUrl,
        expectedState: params.state,
        expectedNonce: params.nonce,
        codeVerifier: params.codeVerifier,
        requiredTrust: "basic",
      }),
      /nonce/,
    );
  });

  it("refuses when the token endpoint rejects the PKCE verifier", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "basic");
    const err = await expectLoginError(
      completeAuthorization(config, {
        redirectUri: sys.redirectUri,
        callbackUrl,
        expectedState: params.state,
        expectedNonce: params.nonce,
        codeVerifier: client.randomPKCECodeVerifier(),
        requiredTrust: "basic",
      }),
      /token endpoint refused: invalid_grant/,
      /erneut/,
    );
    assertNoSecrets(err, callbackUrl.searchParams.get("code") ?? "-", CLIENT_SECRET);
  });

  it("reports a cancelled login (error=access_denied) in German", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "high", { abort: true });
    assert.equal(callbackUrl.searchParams.get("error"), "access_denied");
    await expectLoginError(
      completeAuthorization(config, {
        redirectUri: sys.redirectUri,
        callbackUrl,
        expectedState: params.state,
        expectedNonce: params.nonce,
        codeVerifier: params.codeVerifier,
        requiredTrust: "high",
      }),
      /access_denied/,
      "Die Anmeldung wurde beim Servicekonto abgebrochen.",
    );
  });

  it("refuses a login below the required trust level", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "high", {
      accountId: ACCOUNT_ID,
      acr: "urn:rathaus:loa:basic",
    });
    const err = await expectLoginError(
      completeAuthorization(config, {
        redirectUri: sys.redirectUri,
        callbackUrl,
        expectedState: params.state,
        expectedNonce: params.nonce,
        codeVerifier: params.codeVerifier,
        requiredTrust: "high",
      }),
      /trust level basic .*below required high/,
      /^Für diesen Dienst ist eine Anmeldung mit höherem Vertrauensniveau nötig/,
    );
    assert.match(err.userMessage, /Online-Ausweis/);
  });

  it("builds the logout URL with id_token_hint, and the provider accepts it", async () => {
    const { config, params, callbackUrl } = await loginAtProvider(sys, "basic");
    const login = await completeAuthorization(config, {
      redirectUri: sys.redirectUri,
      callbackUrl,
      expectedState: params.state,
      expectedNonce: params.nonce,
      codeVerifier: params.codeVerifier,
      requiredTrust: "basic",
    });
    const idToken = login.logout?.oidcIdToken ?? "";
    const url = await endSessionUrl(config, { idTokenHint: idToken, postLogoutRedirectUri: sys.postLogoutRedirectUri });
    assert.ok(url);
    const parsed = new URL(url);
    assert.equal(parsed.origin, sys.issuer);
    assert.equal(parsed.searchParams.get("id_token_hint"), idToken);
    assert.equal(parsed.searchParams.get("post_logout_redirect_uri"), sys.postLogoutRedirectUri);
    assert.equal(parsed.searchParams.get("client_id"), CLIENT_ID);
    // oidc-provider answers a valid logout request with its confirmation page, not with an error
    const res = await fetch(url, { redirect: "manual" });
    const body = await res.text();
    assert.equal(res.status, 200);
    assert.match(body, /logout/i);
    assert.doesNotMatch(body, /invalid_request|error/i);
  });

  it("caches discovery and the provider's JWKS (ID Token signatures are checked) per issuer", async () => {
    const before = sys.discoveryRequests;
    // the ID Token signature was verified against the provider's key set, fetched once
    assert.equal(sys.jwksRequests, 1);
    const config = providerConfig(sys);
    for (let i = 0; i < 3; i++) {
      await authorizationRedirectUrl(config, { redirectUri: sys.redirectUri, requiredTrust: "basic", ...oidcLoginParameters() });
    }
    // the earlier tests already discovered this issuer
    assert.equal(sys.discoveryRequests, before);
    assert.ok(before >= 1);
  });
});

describe("OIDC relying party: configuration checks without a provider", () => {
  const base: OidcProviderConfig = {
    kind: "oidc",
    issuer: "http://idp.example.org",
    clientId: "c",
    clientSecret: "s",
    scopes: ["openid"],
    acrMapping: { "urn:loa:low": "basic" },
    defaultTrust: "basic",
  };
  const loginOpts = { redirectUri: "https://rathaus.example.org/cb", requiredTrust: "basic" as TrustLevel };

  it("refuses http issuers other than localhost / 127.0.0.1", async () => {
    await expectLoginError(authorizationRedirectUrl(base, { ...loginOpts, ...oidcLoginParameters() }), /must use https/);
  });

  it("refuses when no acr value can deliver the required trust", async () => {
    await expectLoginError(
      authorizationRedirectUrl(
        { ...base, issuer: "https://idp.example.org" },
        { ...loginOpts, requiredTrust: "high", ...oidcLoginParameters() },
      ),
      /no acr value/,
      /Vertrauensniveau/,
    );
  });

  it("creates distinct random login parameters", () => {
    const a = oidcLoginParameters();
    const b = oidcLoginParameters();
    assert.notEqual(a.state, b.state);
    assert.notEqual(a.nonce, b.nonce);
    assert.notEqual(a.codeVerifier, b.codeVerifier);
    assert.ok(a.codeVerifier.length >= 43);
  });
});
