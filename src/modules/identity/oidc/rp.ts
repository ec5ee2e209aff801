/**
 * OpenID Connect relying party for citizen (and later staff) logins at state accounts
 * ("Servicekonten") and Keycloak: authorization code flow with PKCE (S256), state, nonce,
 * acr-based trust levels, userinfo fallback for the citizen's attributes and RP-initiated logout.
 *
 * Built on openid-client 6. Notes on its behaviour that matter here:
 * - In the plain code flow openid-client validates the ID Token's claims (iss, aud, exp, iat,
 *   nonce, azp) but NOT its signature (OIDC Core 3.1.3.7 allows relying on TLS). We switch on
 *   `enableNonRepudiationChecks` so the signature is verified against the provider's JWKS too:
 *   the ID Token is kept for logout and its claims decide the trust level.
 * - The token request's `redirect_uri` is derived from the callback URL with its query removed,
 *   so redirect URIs must not carry a query string. We rebuild the callback URL from the
 *   configured `redirectUri` (not from what a proxy made of the request URL).
 *
 * Every refusal is a `LoginError`: `reason` for the log (never tokens, codes or claims),
 * `userMessage` in German.
 */
import * as client from "openid-client";
import type { OidcProviderConfig, VerifiedLogin, CitizenAttributes } from "../types.js";
import { LoginError } from "../types.js";
import { TRUST_LEVELS, TRUST_LABELS, meetsTrust, type TrustLevel } from "../../../platform/auth/trust.js";

// ---------------------------------------------------------------------------
// user-facing messages (German)

const MSG_CANCELLED = "Die Anmeldung wurde beim Servicekonto abgebrochen.";
const MSG_RESTART = "Die Anmeldung ist abgelaufen oder ungültig. Bitte starten Sie die Anmeldung erneut.";
const MSG_UNAVAILABLE = "Das Servicekonto ist derzeit nicht erreichbar. Bitte versuchen Sie es später erneut.";
const MSG_MISCONFIGURED =
  "Die Anmeldung über dieses Servicekonto ist derzeit nicht möglich. Bitte wenden Sie sich an Ihre Verwaltung.";
const MSG_FAILED = "Die Anmeldung ist fehlgeschlagen. Bitte versuchen Sie es erneut.";

function msgTrustTooLow(need: TrustLevel): string {
  return (
    "Für diesen Dienst ist eine Anmeldung mit höherem Vertrauensniveau nötig " +
    `(mindestens „${TRUST_LABELS[need]}“). Bitte melden Sie sich erneut mit einem passenden Verfahren an.`
  );
}

function msgTrustNotOffered(need: TrustLevel): string {
  return (
    "Dieses Servicekonto bietet das für diesen Dienst nötige Vertrauensniveau " +
    `(„${TRUST_LABELS[need]}“) nicht an. Bitte wählen Sie ein anderes Anmeldeverfahren.`
  );
}

// ---------------------------------------------------------------------------
// discovery (cached per issuer)

const DISCOVERY_TTL_MS = 10 * 60 * 1000;
/** seconds, for discovery and every later request of a configuration */
const HTTP_TIMEOUT_S = 15;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);

interface IssuerEntry {
  metadata: Promise<client.ServerMetadata>;
  expiresAt: number;
  /** the provider's JWKS as last fetched for ID Token signature checks */
  jwks?: client.ExportedJWKSCache;
}

const issuers = new Map<string, IssuerEntry>();

/** http is accepted only for the embedded test system on this machine. */
function isLocalHttp(url: URL): boolean {
  return url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
}

function checkIssuerUrl(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new LoginError("oidc: issuer is not a URL", MSG_MISCONFIGURED);
  }
  if (url.protocol !== "https:" && !isLocalHttp(url)) {
    throw new LoginError(`oidc: issuer ${url.origin} must use https`, MSG_MISCONFIGURED);
  }
  if (url.search || url.hash) throw new LoginError("oidc: issuer must not have a query or fragment", MSG_MISCONFIGURED);
  return url;
}

function checkEndpoints(metadata: client.ServerMetadata): void {
  const endpoints = ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint"] as const;
  for (const name of endpoints) {
    const value = metadata[name];
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new LoginError(`oidc: discovered ${name} is not a URL`, MSG_MISCONFIGURED);
    }
    if (url.protocol !== "https:" && !isLocalHttp(url)) {
      throw new LoginError(`oidc: discovered ${name} must use https`, MSG_MISCONFIGURED);
    }
  }
  if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
    throw new LoginError("oidc: provider metadata lacks authorization or token endpoint", MSG_MISCONFIGURED);
  }
}

async function discover(issuerUrl: URL): Promise<client.ServerMetadata> {
  let discovered: client.Configuration;
  try {
    // The client id is a placeholder: only the server metadata is kept.
    discovered = await client.discovery(issuerUrl, "discovery", undefined, client.None(), {
      timeout: HTTP_TIMEOUT_S,
      execute: isLocalHttp(issuerUrl) ? [client.allowInsecureRequests] : [],
    });
  } catch (err) {
    throw new LoginError(`oidc: discovery at ${issuerUrl.origin} failed: ${describeError(err)}`, MSG_UNAVAILABLE);
  }
  // serverMetadata() returns a copy; its helper methods are non-enumerable and don't survive cloning.
  const metadata: client.ServerMetadata = { ...discovered.serverMetadata() };
  checkEndpoints(metadata);
  return metadata;
}

function issuerEntry(issuer: string): { entry: IssuerEntry; issuerUrl: URL } {
  const issuerUrl = checkIssuerUrl(issuer);
  const now = Date.now();
  let entry = issuers.get(issuer);
  if (!entry || entry.expiresAt <= now) {
    const created: IssuerEntry = { metadata: discover(issuerUrl), expiresAt: now + DISCOVERY_TTL_MS };
    // a failed discovery is not cached
    created.metadata.catch(() => {
      if (issuers.get(issuer) === created) issuers.delete(issuer);
    });
    issuers.set(issuer, created);
    entry = created;
  }
  return { entry, issuerUrl };
}

/** A fresh openid-client configuration for this provider's client on top of the cached metadata. */
async function configurationFor(config: OidcProviderConfig): Promise<{ cfg: client.Configuration; entry: IssuerEntry }> {
  if (config.kind !== "oidc") throw new LoginError("oidc: provider config is not of kind oidc", MSG_MISCONFIGURED);
  if (!config.clientId) throw new LoginError("oidc: client id missing", MSG_MISCONFIGURED);
  const { entry, issuerUrl } = issuerEntry(config.issuer);
  const metadata = await entry.metadata;
  const cfg = new client.Configuration(
    metadata,
    config.clientId,
    { client_secret: config.clientSecret },
    client.ClientSecretBasic(config.clientSecret),
  );
  cfg.timeout = HTTP_TIMEOUT_S;
  if (isLocalHttp(issuerUrl)) client.allowInsecureRequests(cfg);
  // verify the ID Token signature as well (see the module comment)
  client.enableNonRepudiationChecks(cfg);
  if (entry.jwks) client.setJwksCache(cfg, entry.jwks);
  return { cfg, entry };
}

function keepJwks(cfg: client.Configuration, entry: IssuerEntry): void {
  const jwks = client.getJwksCache(cfg);
  if (jwks) entry.jwks = structuredClone(jwks);
}

// ---------------------------------------------------------------------------
// trust levels

const rank = (level: TrustLevel) => TRUST_LEVELS.indexOf(level);

/**
 * The acr values that satisfy `need`, in order of preference (OIDC Core 3.1.2.1): the weakest
 * sufficient level first, stronger ones after it, so the provider does not ask the citizen for
 * more than the service needs. Within one level, the configuration's order is kept.
 */
function acrValuesFor(config: OidcProviderConfig, need: TrustLevel): string[] {
  return Object.entries(config.acrMapping)
    .filter(([, level]) => meetsTrust(level, need))
    .sort((a, b) => rank(a[1]) - rank(b[1]))
    .map(([acr]) => acr);
}

function trustFor(config: OidcProviderConfig, acr: unknown): TrustLevel {
  if (typeof acr === "string" && Object.hasOwn(config.acrMapping, acr)) {
    const level = config.acrMapping[acr];
    if (level !== undefined && (TRUST_LEVELS as readonly string[]).includes(level)) return level;
  }
  return config.defaultTrust;
}

// ---------------------------------------------------------------------------
// public API

/** Fresh random values for one login; the caller stores them server-side with the pending login. */
export function oidcLoginParameters(): { state: string; nonce: string; codeVerifier: string } {
  return {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
  };
}

function checkRedirectUri(redirectUri: string): URL {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new LoginError("oidc: redirectUri is not a URL", MSG_MISCONFIGURED);
  }
  // openid-client derives the token request's redirect_uri from the callback URL without its query
  if (url.search || url.hash) throw new LoginError("oidc: redirectUri must not have a query or fragment", MSG_MISCONFIGURED);
  return url;
}

function requireValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || value.length === 0) {
    throw new LoginError(`oidc: ${name} missing`, MSG_RESTART);
  }
}

/**
 * Where to send the browser: the provider's authorization endpoint with code flow, PKCE S256,
 * state, nonce, the configured scopes, `acr_values` for the required trust level and, for any
 * required level above "none", `prompt=login` so a step-up really re-authenticates.
 */
export async function authorizationRedirectUrl(
  config: OidcProviderConfig,
  opts: { redirectUri: string; state: string; nonce: string; codeVerifier: string; requiredTrust: TrustLevel },
): Promise<string> {
  checkRedirectUri(opts.redirectUri);
  requireValue("state", opts.state);
  requireValue("nonce", opts.nonce);
  requireValue("code verifier", opts.codeVerifier);

  const acrValues = acrValuesFor(config, opts.requiredTrust);
  if (acrValues.length === 0 && !meetsTrust(config.defaultTrust, opts.requiredTrust)) {
    throw new LoginError(`oidc: no acr value of the provider maps to trust ${opts.requiredTrust}`, msgTrustNotOffered(opts.requiredTrust));
  }

  const { cfg } = await configurationFor(config);
  const scopes = config.scopes.includes("openid") ? config.scopes : ["openid", ...config.scopes];
  const parameters: Record<string, string> = {
    redirect_uri: opts.redirectUri,
    response_type: "code",
    scope: [...new Set(scopes)].join(" "),
    state: opts.state,
    nonce: opts.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(opts.codeVerifier),
    code_challenge_method: "S256",
  };
  if (acrValues.length > 0) parameters.acr_values = acrValues.join(" ");
  if (opts.requiredTrust !== "none") parameters.prompt = "login";
  try {
    return client.buildAuthorizationUrl(cfg, parameters).href;
  } catch (err) {
    throw new LoginError(`oidc: building the authorization URL failed: ${describeError(err)}`, MSG_MISCONFIGURED);
  }
}

/**
 * Checks the provider's answer at the redirect URI completely: state, the provider's error,
 * code exchange with PKCE and client_secret_basic, ID Token (signature, issuer, audience,
 * lifetime, nonce), the trust level from `acr`, and reads the citizen's attributes
 * (from the ID Token, completed from the userinfo endpoint).
 */
export async function completeAuthorization(
  config: OidcProviderConfig,
  opts: {
    redirectUri: string;
    callbackUrl: URL;
    expectedState: string;
    expectedNonce: string;
    codeVerifier: string;
    requiredTrust: TrustLevel;
  },
): Promise<Omit<VerifiedLogin, "loginRequestId">> {
  const redirect = checkRedirectUri(opts.redirectUri);
  requireValue("expected state", opts.expectedState);
  requireValue("expected nonce", opts.expectedNonce);
  requireValue("code verifier", opts.codeVerifier);

  const { cfg, entry } = await configurationFor(config);

  // The callback as the provider addressed it: our registered redirect URI plus the response parameters.
  const current = new URL(redirect.href);
  for (const [k, v] of opts.callbackUrl.searchParams) current.searchParams.append(k, v);

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(cfg, current, {
      expectedState: opts.expectedState,
      expectedNonce: opts.expectedNonce,
      pkceCodeVerifier: opts.codeVerifier,
      idTokenExpected: true,
    });
  } catch (err) {
    throw loginErrorFrom(err);
  } finally {
    keepJwks(cfg, entry);
  }

  const idToken = tokens.id_token;
  const claims = tokens.claims();
  if (!idToken || !claims) throw new LoginError("oidc: token response without id_token", MSG_FAILED);
  const subject = claims.sub;
  if (typeof subject !== "string" || subject.length === 0) throw new LoginError("oidc: id_token without sub", MSG_FAILED);

  const acr = claims.acr;
  const trustLevel = trustFor(config, acr);
  if (!meetsTrust(trustLevel, opts.requiredTrust)) {
    const acrForLog = typeof acr === "string" ? acr.replace(/[^\x20-\x7e]/g, "?").slice(0, 100) : "none";
    throw new LoginError(
      `oidc: trust level ${trustLevel} (acr ${acrForLog}) below required ${opts.requiredTrust}`,
      msgTrustTooLow(opts.requiredTrust),
    );
  }

  let source: Record<string, unknown> = { ...claims };
  const userinfoEndpoint = cfg.serverMetadata().userinfo_endpoint;
  if (!hasAllAttributeClaims(source) && userinfoEndpoint && tokens.access_token) {
    try {
      const userinfo = await client.fetchUserInfo(cfg, tokens.access_token, subject);
      // the signed ID Token wins over userinfo where both have a claim
      source = { ...userinfo, ...source };
    } catch (err) {
      throw new LoginError(`oidc: userinfo request failed: ${describeError(err)}`, MSG_FAILED);
    }
  }

  return {
    subject,
    trustLevel,
    attributes: attributesFrom(source),
    logout: { oidcIdToken: idToken },
  };
}

/** The provider's logout URL with id_token_hint; undefined when it has no end_session_endpoint. */
export async function endSessionUrl(
  config: OidcProviderConfig,
  opts: { idTokenHint: string; postLogoutRedirectUri: string },
): Promise<string | undefined> {
  const { cfg } = await configurationFor(config);
  if (!cfg.serverMetadata().end_session_endpoint) return undefined;
  try {
    return client.buildEndSessionUrl(cfg, {
      id_token_hint: opts.idTokenHint,
      post_logout_redirect_uri: opts.postLogoutRedirectUri,
    }).href;
  } catch (err) {
    throw new LoginError(`oidc: building the logout URL failed: ${describeError(err)}`, MSG_MISCONFIGURED);
  }
}

// ---------------------------------------------------------------------------
// claims → attributes

const ATTRIBUTE_CLAIMS = ["given_name", "family_name", "birthdate", "email", "address"] as const;

function hasAllAttributeClaims(claims: Record<string, unknown>): boolean {
  return ATTRIBUTE_CLAIMS.every((name) => claims[name] !== undefined);
}

function str(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

function attributesFrom(claims: Record<string, unknown>): CitizenAttributes {
  const attributes: CitizenAttributes = {};
  const givenName = str(claims.given_name);
  if (givenName) attributes.givenName = givenName;
  const surname = str(claims.family_name);
  if (surname) attributes.surname = surname;
  const birthDate = str(claims.birthdate);
  if (birthDate) attributes.birthDate = birthDate;
  // an address the provider explicitly marks as unverified is not vouched for
  const email = str(claims.email);
  if (email && claims.email_verified !== false) attributes.email = email;

  const address = claims.address;
  if (address && typeof address === "object" && !Array.isArray(address)) {
    const a = address as Record<string, unknown>;
    const mapped: NonNullable<CitizenAttributes["address"]> = {};
    const street = str(a.street_address);
    if (street) mapped.street = street;
    const postalCode = str(a.postal_code);
    if (postalCode) mapped.postalCode = postalCode;
    const city = str(a.locality);
    if (city) mapped.city = city;
    const country = str(a.country);
    if (country) mapped.country = country;
    if (Object.keys(mapped).length > 0) attributes.address = mapped;
  }
  return attributes;
}

// ---------------------------------------------------------------------------
// errors

/** Printable and short: for values the provider sent (error codes) that end up in the log. */
function safeToken(value: unknown): string {
  return typeof value === "string" && /^[\x20-\x7e]{1,64}$/.test(value) ? value : "(invalid)";
}

/**
 * A log-safe description: error class, message and the message of a wrapped openid-client /
 * oauth4webapi error. Their `cause` objects carry response parameters, claims and bodies
 * (codes, tokens) — those are never read here.
 */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return "unknown error";
  const parts = [`${err.name}: ${err.message}`];
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") parts.push(`[${safeToken(code)}]`);
  if (err.cause instanceof Error && err.cause.message !== err.message) parts.push(`(${err.cause.name}: ${err.cause.message})`);
  return parts.join(" ").slice(0, 300);
}

function loginErrorFrom(err: unknown): LoginError {
  if (err instanceof LoginError) return err;

  // error=... at the redirect URI (only reached once the state matched)
  if (err instanceof client.AuthorizationResponseError) {
    const code = safeToken(err.error);
    if (err.error === "access_denied") return new LoginError(`oidc: provider returned error ${code}`, MSG_CANCELLED);
    if (err.error === "temporarily_unavailable" || err.error === "server_error") {
      return new LoginError(`oidc: provider returned error ${code}`, MSG_UNAVAILABLE);
    }
    return new LoginError(`oidc: provider returned error ${code}`, MSG_FAILED);
  }

  // the token endpoint refused the code (wrong PKCE verifier, reused or expired code, client auth)
  if (err instanceof client.ResponseBodyError) {
    const message = err.error === "invalid_client" ? MSG_MISCONFIGURED : MSG_RESTART;
    return new LoginError(`oidc: token endpoint refused: ${safeToken(err.error)} (HTTP ${err.status})`, message);
  }

  if (err instanceof client.ClientError) {
    const inner = err.cause instanceof Error ? err.cause.message : "";
    const claim = err.cause instanceof Error ? (err.cause.cause as { claim?: unknown } | undefined)?.claim : undefined;
    if (/"state"/.test(inner)) return new LoginError(`oidc: state check failed: ${inner}`, MSG_RESTART);
    if (claim === "nonce" || /"nonce"/.test(inner)) return new LoginError(`oidc: nonce check failed: ${inner}`, MSG_RESTART);
    if (/"iss"/.test(inner)) return new LoginError(`oidc: issuer check failed: ${inner}`, MSG_FAILED);
    if (err.code === "OAUTH_TIMEOUT" || err.code === "OAUTH_ABORT") {
      return new LoginError(`oidc: ${describeError(err)}`, MSG_UNAVAILABLE);
    }
    return new LoginError(`oidc: ${describeError(err)}`, MSG_FAILED);
  }

  // network failures surface as TypeError("fetch failed") from undici
  if (err instanceof TypeError && err.message === "fetch failed") {
    return new LoginError(`oidc: ${describeError(err)}`, MSG_UNAVAILABLE);
  }
  return new LoginError(`oidc: ${describeError(err)}`, MSG_FAILED);
}
