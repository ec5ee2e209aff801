/**
 * Our SAML 2.0 service provider for BundID, built on node-saml.
 *
 * node-saml does the cryptography: the signature of the AuthnRequest/LogoutRequest (HTTP-Redirect
 * binding), decryption of the EncryptedAssertion, the XML signature check of the assertion (it
 * hands back only the bytes the signature covers, which is what defeats signature wrapping),
 * Conditions and audience. Around it we add what BundID needs and node-saml does not check:
 * the assertion must be encrypted, its issuer, the bearer SubjectConfirmation (Recipient,
 * InResponseTo, time window), the InResponseTo against our stored login request, one-time use,
 * the status code, and the trust level. Every value we use is read from the verified assertion.
 *
 * node-saml reads the current time itself (new Date()); so do the checks here.
 */
import { stringify as stringifyQuery } from "node:querystring";
import { inflateRawSync } from "node:zlib";
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile, type SamlConfig } from "@node-saml/node-saml";
import { DOMParser } from "@xmldom/xmldom";
import { meetsTrust, storkLevelFor, TRUST_LEVELS, type TrustLevel } from "../../../platform/auth/trust.js";
import { LoginError, type LoginRequest, type SamlProviderConfig, type VerifiedLogin } from "../types.js";
import { attributesFromAssertion, authenticationRequestExtension, normaliseAttributeName } from "./bundid.js";
import type { SpKeys } from "./keys.js";

/** Our endpoints for one provider of one municipality (computed by the identity module). */
export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
}

const NS_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const NS_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
const NS_METADATA = "urn:oasis:names:tc:SAML:2.0:metadata";
const NS_DSIG = "http://www.w3.org/2000/09/xmldsig#";
const NS_XENC = "http://www.w3.org/2001/04/xmlenc#";
const BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
const CM_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
export const NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
const NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/** Tolerated clock difference to the IdP for NotBefore / NotOnOrAfter. */
export const CLOCK_SKEW_MS = 60_000;
/** An assertion older than this (from its IssueInstant) is refused even if NotOnOrAfter is later. */
export const MAX_ASSERTION_AGE_MS = 10 * 60_000;
/** Upper bound for the age of the login request a response answers (the store expires requests sooner). */
const MAX_REQUEST_AGE_MS = 60 * 60_000;
/** SAML bindings §3.4.3: RelayState MUST NOT exceed 80 bytes. */
const MAX_RELAY_STATE_BYTES = 80;
/** Enough for any real response; a bigger inflated message is refused (deflate bomb). */
const MAX_INFLATED_BYTES = 256 * 1024;

/** Encryption algorithms we accept for the EncryptedAssertion (no RSA PKCS#1 v1.5, no 3DES). */
const ACCEPTED_ENCRYPTION_ALGORITHMS = new Set([
  "http://www.w3.org/2009/xmlenc11#aes256-gcm",
  "http://www.w3.org/2009/xmlenc11#aes128-gcm",
  "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
  "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
  "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
  "http://www.w3.org/2009/xmlenc11#rsa-oaep",
]);
/** Digest methods that may appear inside an RSA-OAEP EncryptionMethod. */
const ACCEPTED_OAEP_DIGESTS = new Set(["http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmlenc#sha512"]);
/** Signature algorithms accepted on redirect-bound messages from the IdP. */
const ACCEPTED_REDIRECT_SIGALGS = new Set(["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"]);

const MSG_FAILED = "Die Anmeldung ist fehlgeschlagen. Bitte versuchen Sie es erneut.";
const MSG_CANCELLED = "Die Anmeldung wurde beim Servicekonto abgebrochen.";
const MSG_NO_LEVEL = "Das Servicekonto konnte das verlangte Vertrauensniveau nicht bestätigen. Bitte melden Sie sich mit einem stärkeren Verfahren an, z. B. dem Online-Ausweis.";
const MSG_STALE = "Die Anmeldung ist abgelaufen oder wurde bereits verwendet. Bitte starten Sie sie erneut.";
const MSG_TOO_LOW =
  "Sie haben sich mit einem niedrigeren Vertrauensniveau angemeldet, als dieser Dienst verlangt. Bitte melden Sie sich mit einem stärkeren Verfahren an, z. B. dem Online-Ausweis.";

// ---------------------------------------------------------------------------
// metadata

/**
 * Our SP metadata for the IdP: signing and encryption certificates, signed AuthnRequests,
 * signed assertions wanted, ACS by HTTP-POST, single logout by HTTP-Redirect.
 */
export function spMetadataXml(sp: SpEndpoints, keys: SpKeys): string {
  const cert = (pem: string) => `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<md:EntityDescriptor xmlns:md="${NS_METADATA}" xmlns:ds="${NS_DSIG}" entityID="${xmlAttr(sp.entityId)}">`,
    `  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS_PROTOCOL}">`,
    `    <md:KeyDescriptor use="signing">${cert(keys.signingCertPem)}</md:KeyDescriptor>`,
    `    <md:KeyDescriptor use="encryption">${cert(keys.encryptionCertPem)}`,
    `      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>`,
    `      <md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>`,
    `      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>`,
    `      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>`,
    `      <md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>`,
    `    </md:KeyDescriptor>`,
    `    <md:SingleLogoutService Binding="${BINDING_REDIRECT}" Location="${xmlAttr(sp.sloUrl)}"/>`,
    `    <md:NameIDFormat>${NAMEID_PERSISTENT}</md:NameIDFormat>`,
    `    <md:AssertionConsumerService Binding="${BINDING_POST}" Location="${xmlAttr(sp.acsUrl)}" index="0" isDefault="true"/>`,
    `  </md:SPSSODescriptor>`,
    `</md:EntityDescriptor>`,
    ``,
  ].join("\n");
}

// ---------------------------------------------------------------------------
// node-saml

/** Our InResponseTo store for node-saml: the pending login requests; saving and removing is the identity module's business. */
function requestCache(findRequest?: (id: string) => Promise<LoginRequest | undefined>): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (findRequest ? ((await findRequest(key))?.createdAt ?? null) : null),
    removeAsync: async () => null,
  };
}

/**
 * The node-saml configuration for one provider. Each operation builds its own SAML instance, as
 * node-saml takes per-request values (our request id, the requested level) only as options.
 * Exported for the tests, which show that node-saml with exactly these options refuses XSW.
 */
export function nodeSamlOptions(sp: SpEndpoints, keys: SpKeys, config: SamlProviderConfig, extra: Partial<SamlConfig> = {}): SamlConfig {
  if (config.idpCertificates.length === 0) throw new Error("SAML provider has no IdP certificate");
  return {
    issuer: sp.entityId,
    audience: sp.entityId,
    callbackUrl: sp.acsUrl,
    logoutCallbackUrl: sp.sloUrl,
    entryPoint: config.idpSsoUrl,
    logoutUrl: config.idpSloUrl ?? config.idpSsoUrl,
    idpIssuer: config.idpEntityId,
    idpCert: config.idpCertificates,
    privateKey: keys.signingKeyPem,
    publicCert: keys.signingCertPem,
    decryptionPvk: keys.encryptionKeyPem,
    signatureAlgorithm: "sha256",
    digestAlgorithm: "sha256",
    // BundID signs the assertion; the response around it may or may not be signed.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
    // What public BundID clients request; our subject is the bPK2 attribute in any case.
    identifierFormat: NAMEID_PERSISTENT,
    allowCreate: true,
    racComparison: "minimum",
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: MAX_REQUEST_AGE_MS,
    cacheProvider: requestCache(),
    ...extra,
  };
}

// ---------------------------------------------------------------------------
// AuthnRequest

/**
 * The URL that sends the browser to the IdP with a signed AuthnRequest (HTTP-Redirect binding,
 * rsa-sha256): our request id as ID, RequestedAuthnContext "minimum" with the STORK level the
 * required trust needs, and the BundID extension.
 * `relayState` should be an opaque token (at most 80 bytes); the IdP posts it back unchanged.
 */
export async function authnRequestRedirectUrl(
  sp: SpEndpoints,
  keys: SpKeys,
  config: SamlProviderConfig,
  opts: { requestId: string; requiredTrust: TrustLevel; relayState: string },
): Promise<string> {
  assertSamlId(opts.requestId);
  assertRelayState(opts.relayState);
  const stork = storkLevelFor(opts.requiredTrust, config.trustMapping);
  const saml = new SAML(
    nodeSamlOptions(sp, keys, config, {
      generateUniqueId: () => opts.requestId,
      authnContext: [stork],
      racComparison: "minimum",
      samlAuthnRequestExtensions: authenticationRequestExtension(config, stork),
    }),
  );
  const url = await saml.getAuthorizeUrlAsync(opts.relayState, undefined, {});
  return canonicalRedirectUrl(config.idpSsoUrl, url);
}

/**
 * node-saml signs `querystring.stringify({SAMLRequest, RelayState, SigAlg})` but writes the URL
 * with URLSearchParams, which encodes some characters differently (space, ! ' ( ) ~). The IdP
 * checks the signature over the query it receives, so the query is rebuilt here exactly as signed
 * (and a browser leaves it alone: of what querystring leaves unescaped only ' would be re-encoded,
 * which assertRelayState refuses).
 */
function canonicalRedirectUrl(endpoint: string, produced: string): string {
  const params = new URL(produced).searchParams;
  const ordered: Record<string, string> = {};
  for (const name of ["SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature"]) {
    const v = params.get(name);
    if (v !== null) ordered[name] = v;
  }
  if (!ordered.Signature) throw new Error("node-saml produced an unsigned redirect");
  const base = endpoint.split("#")[0]!;
  return `${base}${base.includes("?") ? "&" : "?"}${stringifyQuery(ordered)}`;
}

// ---------------------------------------------------------------------------
// Response

export interface VerifyLoginOptions {
  /** The pending login request with this id, if it is still open (not used, not expired, of this provider). */
  findRequest(id: string): Promise<LoginRequest | undefined>;
  /** Records the assertion id until `notOnOrAfter`; false if it was seen before (replay). */
  consumeAssertion(assertionId: string, notOnOrAfter: Date): Promise<boolean>;
}

/**
 * Checks a SAML Response posted to our ACS completely and returns the login it proves.
 * Refuses (LoginError: reason for the log, German message for the citizen) anything else.
 */
export async function verifyLoginResponse(sp: SpEndpoints, keys: SpKeys, config: SamlProviderConfig, samlResponseB64: string, opts: VerifyLoginOptions): Promise<VerifiedLogin> {
  const xml = decodeBase64Xml(samlResponseB64);
  const doc = parseXmlOrRefuse(xml, "response");
  const response = doc.documentElement;
  if (!response || !isElement(response, NS_PROTOCOL, "Response")) throw new LoginError("SAML message is not a samlp:Response");

  // 1. The status: anything but Success ends here (the user cancelled, or the IdP could not authenticate).
  const status = statusOf(response);
  if (status.code !== STATUS_SUCCESS) {
    const reason = `IdP returned status ${status.code}${status.subCode ? ` / ${status.subCode}` : ""}`;
    throw new LoginError(reason, status.subCode?.endsWith(":NoAuthnContext") ? MSG_NO_LEVEL : MSG_CANCELLED);
  }

  // 2. The envelope (unsigned: only used to refuse, never to accept).
  const issuer = firstChild(response, NS_ASSERTION, "Issuer");
  if (issuer && text(issuer) !== config.idpEntityId) throw new LoginError("response issuer is not the configured IdP");
  const destination = response.getAttribute("Destination");
  if (destination && destination !== sp.acsUrl) throw new LoginError("response Destination is not our ACS URL");
  checkEncryptedOnly(response);

  // 3. Signature, decryption, Conditions, audience, InResponseTo (node-saml).
  let profile: Profile | null;
  try {
    const saml = new SAML(nodeSamlOptions(sp, keys, config, { cacheProvider: requestCache(opts.findRequest) }));
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponseB64 }));
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    // Unknown/stale request, or an assertion past its time: the citizen should simply start again.
    if (/InResponseTo|expired|subject confirmation/i.test(message)) throw new LoginError(`SAML response refused: ${message}`, MSG_STALE);
    throw new LoginError(`SAML response refused: ${message}`);
  }
  const assertionXml = profile?.getAssertionXml?.();
  if (!profile || !assertionXml) throw new LoginError("SAML response carries no assertion");

  // 4. From here on only the verified, decrypted assertion counts.
  const assertion = parseXmlOrRefuse(assertionXml, "assertion").documentElement;
  if (!assertion || !isElement(assertion, NS_ASSERTION, "Assertion")) throw new LoginError("verified content is not an assertion");
  const now = Date.now();
  const assertionId = assertion.getAttribute("ID");
  if (!assertionId) throw new LoginError("assertion has no ID");
  const assertionIssuer = firstChild(assertion, NS_ASSERTION, "Issuer");
  if (!assertionIssuer || text(assertionIssuer) !== config.idpEntityId) throw new LoginError("assertion issuer is not the configured IdP");

  const conditions = onlyChild(assertion, NS_ASSERTION, "Conditions");
  if (!conditions) throw new LoginError("assertion has no Conditions");
  checkWindow(conditions, now, "Conditions");
  const audiences = children(conditions, NS_ASSERTION, "AudienceRestriction");
  if (audiences.length === 0 || !audiences.every((r) => children(r, NS_ASSERTION, "Audience").some((a) => text(a) === sp.entityId))) {
    throw new LoginError("assertion audience is not our entity id");
  }

  const subject = onlyChild(assertion, NS_ASSERTION, "Subject");
  if (!subject) throw new LoginError("assertion has no Subject");
  const responseInResponseTo = response.getAttribute("InResponseTo") || undefined;
  const confirmation = children(subject, NS_ASSERTION, "SubjectConfirmation")
    .filter((c) => c.getAttribute("Method") === CM_BEARER)
    .map((c) => onlyChild(c, NS_ASSERTION, "SubjectConfirmationData"))
    .find((d): d is Element => !!d && d.getAttribute("Recipient") === sp.acsUrl && windowOk(d, now) && !!d.getAttribute("NotOnOrAfter"));
  if (!confirmation) throw new LoginError("no valid bearer SubjectConfirmation for our ACS URL (Recipient, NotOnOrAfter)");
  const inResponseTo = confirmation.getAttribute("InResponseTo");
  if (!inResponseTo) throw new LoginError("SubjectConfirmationData has no InResponseTo", MSG_STALE);
  if (responseInResponseTo !== undefined && responseInResponseTo !== inResponseTo) throw new LoginError("InResponseTo of response and assertion differ", MSG_STALE);

  const request = await opts.findRequest(inResponseTo);
  if (!request || request.id !== inResponseTo) throw new LoginError("InResponseTo names no open login request", MSG_STALE);

  // 5. Who, how well identified, with which attributes.
  const released = attributesFromAssertion(readAttributes(assertion));
  const nameIdEl = firstChild(subject, NS_ASSERTION, "NameID");
  const nameId = nameIdEl ? text(nameIdEl) : "";
  const nameIdFormat = nameIdEl?.getAttribute("Format") || undefined;
  let subjectId = released.subject;
  if (!subjectId) {
    // BundID always sends bPK2; a NameID is a fallback only where it is stable.
    if (!nameId || nameIdFormat === NAMEID_TRANSIENT) throw new LoginError("assertion carries neither bPK2 nor a persistent NameID");
    subjectId = nameId;
  }

  const authnStatements = children(assertion, NS_ASSERTION, "AuthnStatement");
  const classRefs = authnStatements.flatMap((s) => children(s, NS_ASSERTION, "AuthnContext")).flatMap((c) => children(c, NS_ASSERTION, "AuthnContextClassRef")).map(text);
  const trustLevel = trustFrom([...classRefs, ...(released.stork ? [released.stork] : [])], config.trustMapping);
  if (!trustLevel) throw new LoginError(`no known trust level in the assertion (${[...classRefs, released.stork ?? "-"].join(", ")})`, MSG_NO_LEVEL);
  if (!meetsTrust(trustLevel, request.requiredTrust)) throw new LoginError(`trust level ${trustLevel} below required ${request.requiredTrust}`, MSG_TOO_LOW);

  // 6. One time only.
  const validUntil = Math.max(instant(conditions.getAttribute("NotOnOrAfter")) ?? 0, instant(confirmation.getAttribute("NotOnOrAfter")) ?? 0) + CLOCK_SKEW_MS;
  if (!(await opts.consumeAssertion(assertionId, new Date(validUntil)))) throw new LoginError("assertion replayed", MSG_STALE);

  const sessionIndex = authnStatements.map((s) => s.getAttribute("SessionIndex")).find((s) => !!s) || undefined;
  const logout: NonNullable<VerifiedLogin["logout"]> = {};
  if (nameId) logout.samlNameId = nameId;
  if (nameIdFormat) logout.samlNameIdFormat = nameIdFormat;
  if (sessionIndex) logout.samlSessionIndex = sessionIndex;
  return { loginRequestId: request.id, subject: subjectId, trustLevel, attributes: released.attributes, logout };
}

/** The weakest of the levels the assertion states that the mapping knows (an unknown value is ignored, none known → undefined). */
function trustFrom(values: string[], mapping: Record<string, TrustLevel>): TrustLevel | undefined {
  let lowest: TrustLevel | undefined;
  for (const v of values) {
    if (!Object.prototype.hasOwnProperty.call(mapping, v)) continue;
    const level = mapping[v]!;
    if (!TRUST_LEVELS.includes(level)) continue;
    if (lowest === undefined || TRUST_LEVELS.indexOf(level) < TRUST_LEVELS.indexOf(lowest)) lowest = level;
  }
  return lowest;
}

/** The assertion must reach us encrypted: exactly one EncryptedAssertion, no plain assertion anywhere, acceptable algorithms. */
function checkEncryptedOnly(response: Element): void {
  const doc = response.ownerDocument;
  if (doc.getElementsByTagNameNS(NS_ASSERTION, "Assertion").length > 0) throw new LoginError("response contains an unencrypted assertion");
  const encrypted = doc.getElementsByTagNameNS(NS_ASSERTION, "EncryptedAssertion");
  if (encrypted.length !== 1 || encrypted[0]!.parentNode !== response) throw new LoginError("response must contain exactly one EncryptedAssertion");
  const methods = encrypted[0]!.getElementsByTagNameNS(NS_XENC, "EncryptionMethod");
  if (methods.length === 0) throw new LoginError("EncryptedAssertion names no EncryptionMethod");
  for (let i = 0; i < methods.length; i++) {
    const alg = methods[i]!.getAttribute("Algorithm") ?? "";
    if (!ACCEPTED_ENCRYPTION_ALGORITHMS.has(alg)) throw new LoginError(`encryption algorithm not accepted: ${alg}`);
    const digests = methods[i]!.getElementsByTagNameNS(NS_DSIG, "DigestMethod");
    for (let j = 0; j < digests.length; j++) {
      if (!ACCEPTED_OAEP_DIGESTS.has(digests[j]!.getAttribute("Algorithm") ?? "")) throw new LoginError("OAEP digest algorithm not accepted");
    }
  }
}

function statusOf(response: Element): { code: string; subCode?: string } {
  const status = onlyChild(response, NS_PROTOCOL, "Status");
  const code = status ? onlyChild(status, NS_PROTOCOL, "StatusCode") : undefined;
  if (!code) return { code: "(missing)" };
  const sub = onlyChild(code, NS_PROTOCOL, "StatusCode");
  const result: { code: string; subCode?: string } = { code: code.getAttribute("Value") ?? "(missing)" };
  const subCode = sub?.getAttribute("Value");
  if (subCode) result.subCode = subCode;
  return result;
}

/** Name → values of the AttributeStatements directly in the assertion. */
function readAttributes(assertion: Element): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const statement of children(assertion, NS_ASSERTION, "AttributeStatement")) {
    for (const attribute of children(statement, NS_ASSERTION, "Attribute")) {
      const name = normaliseAttributeName(attribute.getAttribute("Name") ?? "");
      if (!name) continue;
      const values = children(attribute, NS_ASSERTION, "AttributeValue").map(text);
      (out[name] ??= []).push(...values);
    }
  }
  return out;
}

function checkWindow(el: Element, now: number, what: string): void {
  if (!windowOk(el, now)) throw new LoginError(`${what} time window not met (NotBefore/NotOnOrAfter)`, MSG_STALE);
}

function windowOk(el: Element, now: number): boolean {
  const nb = el.getAttribute("NotBefore");
  const noa = el.getAttribute("NotOnOrAfter");
  const notBefore = nb ? instant(nb) : undefined;
  const notOnOrAfter = noa ? instant(noa) : undefined;
  if (nb && notBefore === undefined) return false;
  if (noa && notOnOrAfter === undefined) return false;
  if (notBefore !== undefined && now + CLOCK_SKEW_MS < notBefore) return false;
  if (notOnOrAfter !== undefined && now - CLOCK_SKEW_MS >= notOnOrAfter) return false;
  return true;
}

function instant(value: string | null): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

// ---------------------------------------------------------------------------
// Single logout (HTTP-Redirect)

/** The URL that sends the browser to the IdP's single logout with a signed LogoutRequest. */
export async function logoutRequestRedirectUrl(
  sp: SpEndpoints,
  keys: SpKeys,
  config: SamlProviderConfig,
  opts: { requestId: string; nameId: string; nameIdFormat?: string | undefined; sessionIndex?: string | undefined; relayState: string },
): Promise<string> {
  if (!config.idpSloUrl) throw new Error("SAML provider has no single logout URL (idpSloUrl)");
  assertSamlId(opts.requestId);
  assertRelayState(opts.relayState);
  if (!opts.nameId) throw new Error("single logout needs the NameID of the login");
  const saml = new SAML(nodeSamlOptions(sp, keys, config, { generateUniqueId: () => opts.requestId, logoutUrl: config.idpSloUrl }));
  const user: Profile = { issuer: config.idpEntityId, nameID: opts.nameId, nameIDFormat: opts.nameIdFormat || NAMEID_UNSPECIFIED };
  if (opts.sessionIndex) user.sessionIndex = opts.sessionIndex;
  const url = await saml.getLogoutUrlAsync(user, opts.relayState, {});
  return canonicalRedirectUrl(config.idpSloUrl, url);
}

/**
 * Checks the IdP's LogoutResponse at our SLO endpoint (HTTP-Redirect): signed (rsa-sha256 or
 * rsa-sha512) by the IdP, issued by it, addressed to us, status Success. Returns the id of the
 * LogoutRequest it answers. Throws LoginError otherwise.
 *
 * The signature covers the query as the IdP encoded it. Pass `rawQuery` (the part of the request
 * URL after "?") when you have it; from decoded parameters alone the usual encodings are tried.
 */
export async function verifyLogoutResponse(sp: SpEndpoints, keys: SpKeys, config: SamlProviderConfig, query: Record<string, string>, rawQuery?: string): Promise<{ inResponseTo: string }> {
  if (!config.idpSloUrl) throw new LoginError("single logout response for a provider without idpSloUrl");
  const samlResponse = query.SAMLResponse;
  if (typeof samlResponse !== "string" || !samlResponse) throw new LoginError("SAMLResponse missing from logout response");
  if (typeof query.Signature !== "string" || !query.Signature || typeof query.SigAlg !== "string") throw new LoginError("logout response is not signed");
  if (!ACCEPTED_REDIRECT_SIGALGS.has(query.SigAlg)) throw new LoginError(`logout response signature algorithm not accepted: ${query.SigAlg}`);

  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(samlResponse, "base64"), { maxOutputLength: MAX_INFLATED_BYTES }).toString("utf8");
  } catch {
    throw new LoginError("logout response cannot be inflated");
  }
  const root = parseXmlOrRefuse(xml, "logout response").documentElement;
  if (!root || !isElement(root, NS_PROTOCOL, "LogoutResponse")) throw new LoginError("not a samlp:LogoutResponse");
  const destination = root.getAttribute("Destination");
  if (destination && destination !== sp.sloUrl) throw new LoginError("logout response Destination is not our SLO URL");
  const inResponseTo = root.getAttribute("InResponseTo");
  if (!inResponseTo) throw new LoginError("logout response has no InResponseTo");

  const container = { SAMLResponse: samlResponse, SigAlg: query.SigAlg, Signature: query.Signature, ...(query.RelayState !== undefined ? { RelayState: query.RelayState } : {}) };
  const candidates = rawQuery ? [signedPartOf(rawQuery)] : encodedCandidates(container);
  const saml = new SAML(nodeSamlOptions(sp, keys, config, { validateInResponseTo: ValidateInResponseTo.never, logoutUrl: config.idpSloUrl }));
  let lastError: unknown;
  for (const originalQuery of candidates) {
    try {
      const result = await saml.validateRedirectAsync(container, originalQuery);
      if (!result.loggedOut) throw new Error("not a logout response");
      return { inResponseTo };
    } catch (err) {
      lastError = err;
    }
  }
  throw new LoginError(`logout response refused: ${(lastError as Error)?.message ?? "no signed query"}`);
}

/** The parameters of a raw query in the order the binding signs them (SAMLResponse, RelayState, SigAlg). */
function signedPartOf(rawQuery: string): string {
  const parts = rawQuery.replace(/^\?/, "").split("&");
  const pick = (name: string) => parts.find((p) => p.startsWith(`${name}=`));
  return [pick("SAMLResponse"), pick("RelayState"), pick("SigAlg")].filter((p): p is string => p !== undefined).join("&");
}

/** Decoded parameters re-encoded the ways IdPs do: encodeURIComponent, form encoding, lower-case hex. */
function encodedCandidates(p: { SAMLResponse: string; RelayState?: string; SigAlg: string }): string[] {
  const build = (enc: (s: string) => string) =>
    [`SAMLResponse=${enc(p.SAMLResponse)}`, ...(p.RelayState !== undefined ? [`RelayState=${enc(p.RelayState)}`] : []), `SigAlg=${enc(p.SigAlg)}`].join("&");
  const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
  const lower = (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return [...new Set([build(encodeURIComponent), build(form), build(lower)])];
}

// ---------------------------------------------------------------------------
// small XML helpers

function decodeBase64Xml(b64: string): string {
  const compact = b64.replace(/\s+/g, "");
  if (!compact || compact.length > 1_000_000 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new LoginError("SAMLResponse is not base64");
  return Buffer.from(compact, "base64").toString("utf8");
}

/** Parses untrusted XML; refuses DTDs (SAML forbids them) and anything not well-formed. */
function parseXmlOrRefuse(xml: string, what: string): Document {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw new LoginError(`${what} contains a DTD`);
  let problem: string | undefined;
  const fail = (msg: string) => {
    problem ??= String(msg).replace(/\s+/g, " ").slice(0, 200);
    throw new Error(problem);
  };
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ locator: {}, errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(xml, "text/xml");
  } catch (err) {
    problem ??= (err as Error).message;
  }
  if (problem !== undefined) throw new LoginError(`${what} is not well-formed XML: ${problem}`);
  if (!doc || !doc.documentElement) throw new LoginError(`${what} is empty`);
  return doc;
}

function isElement(node: Node, ns: string, local: string): node is Element {
  return node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === local;
}

function children(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (isElement(n, ns, local)) out.push(n);
  return out;
}

function firstChild(parent: Element, ns: string, local: string): Element | undefined {
  return children(parent, ns, local)[0];
}

/** The single child of that name; more than one is refused (SAML allows one, ambiguity is an attack surface). */
function onlyChild(parent: Element, ns: string, local: string): Element | undefined {
  const found = children(parent, ns, local);
  if (found.length > 1) throw new LoginError(`more than one ${local} in ${parent.localName}`);
  return found[0];
}

function text(el: Element): string {
  return (el.textContent ?? "").trim();
}

function xmlAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
}

function assertSamlId(id: string): void {
  // xs:ID is an NCName; we also want enough entropy to be unguessable.
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{15,127}$/.test(id)) throw new Error("SAML request id must be an NCName of 16–128 characters (e.g. '_' + hex)");
}

function assertRelayState(relayState: string): void {
  if (Buffer.byteLength(relayState, "utf8") > MAX_RELAY_STATE_BYTES) throw new Error("RelayState must not exceed 80 bytes");
  // querystring leaves ' unescaped, but browsers percent-encode it in the query of an http(s) URL:
  // the IdP would then check the signature over other bytes than we signed.
  if (relayState.includes("'")) throw new Error("RelayState must not contain an apostrophe");
}
