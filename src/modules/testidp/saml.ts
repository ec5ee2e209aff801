/**
 * The SAML messages of the test identity provider, behaving like BundID where that matters for
 * the service provider:
 * - AuthnRequests arrive over HTTP-Redirect and must be signed (rsa-sha256/-sha512) with a
 *   signing certificate from the SP's metadata; the ACS URL must be one of the metadata's.
 * - Responses go over HTTP-POST; the assertion is signed, then encrypted for the SP's
 *   encryption certificate (AES-256-GCM, RSA-OAEP), then the whole response is signed.
 * - AuthnContextClassRef is the persona's STORK-QAA level; asking for more than the persona
 *   has is answered with Responder/AuthnFailed.
 */
import { randomBytes } from "node:crypto";
import samlify from "samlify";
import type { AppContext } from "../../platform/context.js";
import { certificateBody } from "./keys.js";
import { storkRank, type Persona } from "./personas.js";
import { BUNDID_OIDS, NS, RSA_SHA256, SamlRequestError, samlIdp, wallClock, type SamlIdp } from "./saml-idp.js";
import { asArray, checkMessage, one, readRedirectMessage, serviceProvider, verifiedSender } from "./saml-peers.js";

const VALIDITY_MS = 5 * 60 * 1000;
/** how far an AuthnRequest's IssueInstant may lie from our clock */
const REQUEST_SKEW_MS = 5 * 60 * 1000;
/** how long a persona page (its signed pending request) stays usable */
const PENDING_TTL_MS = 30 * 60 * 1000;

// ---------------------------------------------------------------------------
// AuthnRequest → pending login

/** What the persona page carries (signed) to the login step. */
export interface PendingLogin {
  /** AuthnRequest ID (InResponseTo) */
  id: string;
  sp: string;
  acs: string;
  relayState?: string;
  /** lowest acceptable STORK rank (1–4); absent: no requirement */
  minLevel?: number;
  /** requested attribute names (akdb:RequestedAttributes); absent: all */
  attributes?: string[];
  service: string;
  issuedAt: number;
}

export async function acceptAuthnRequest(ctx: AppContext, rawUrl: string): Promise<PendingLogin> {
  const idp = await samlIdp(ctx);
  const message = readRedirectMessage(rawUrl, "SAMLRequest");
  checkMessage(message.xml, "AuthnRequest");
  const x = samlify.Extractor.extract(message.xml, [
    { key: "request", localPath: ["AuthnRequest"], attributes: ["ID", "IssueInstant", "Destination", "AssertionConsumerServiceURL", "AssertionConsumerServiceIndex", "ProtocolBinding"] },
    { key: "issuer", localPath: ["AuthnRequest", "Issuer"], attributes: [] },
    { key: "comparison", localPath: ["AuthnRequest", "RequestedAuthnContext"], attributes: ["Comparison"] },
    { key: "classRefs", localPath: ["AuthnRequest", "RequestedAuthnContext", "AuthnContextClassRef"], attributes: [] },
    // (two attributes: with one, samlify's extractor returns only the first node's value)
    { key: "requestedAttributes", localPath: ["AuthnRequest", "Extensions", "AuthenticationRequest", "RequestedAttributes", "RequestedAttribute"], attributes: ["Name", "RequiredAttribute"] },
    { key: "organisation", localPath: ["AuthnRequest", "Extensions", "AuthenticationRequest", "DisplayInformation", "Version", "OrganizationDisplayName"], attributes: [] },
  ]);
  // samlify's extractor camel-cases attribute names: ID → id, AssertionConsumerServiceURL → assertionConsumerServiceUrl
  const request = (x.request ?? {}) as Record<string, string | undefined>;
  const issuer = one(x.issuer)?.trim();
  if (!request.id) throw new SamlRequestError("the message is not an AuthnRequest");
  if (!issuer) throw new SamlRequestError("the AuthnRequest has no Issuer");

  const sp = await verifiedSender(ctx, message, issuer, request.assertionConsumerServiceUrl);

  if (request.destination !== undefined && request.destination !== idp.ssoUrl) {
    throw new SamlRequestError(`Destination "${request.destination}" is not this IdP's SSO URL ${idp.ssoUrl}`);
  }
  const issued = Date.parse(request.issueInstant ?? "");
  if (!Number.isFinite(issued) || Math.abs(issued - wallClock.now().getTime()) > REQUEST_SKEW_MS) {
    throw new SamlRequestError(`IssueInstant "${request.issueInstant}" is not within five minutes of now`);
  }
  if (request.protocolBinding !== undefined && request.protocolBinding !== NS.postBinding) {
    throw new SamlRequestError(`ProtocolBinding ${request.protocolBinding} is not supported (use HTTP-POST)`);
  }

  const postAcs = sp.acs.filter((e) => e.binding === NS.postBinding);
  let acs: string | undefined;
  if (request.assertionConsumerServiceUrl !== undefined) {
    acs = postAcs.find((e) => e.location === request.assertionConsumerServiceUrl)?.location;
    if (!acs) throw new SamlRequestError(`AssertionConsumerServiceURL "${request.assertionConsumerServiceUrl}" is not an HTTP-POST ACS in the SP metadata`);
  } else if (request.assertionConsumerServiceIndex !== undefined) {
    acs = postAcs.find((e) => e.index === request.assertionConsumerServiceIndex)?.location;
    if (!acs) throw new SamlRequestError(`AssertionConsumerServiceIndex ${request.assertionConsumerServiceIndex} names no HTTP-POST ACS in the SP metadata`);
  } else {
    acs = (postAcs.find((e) => e.isDefault === "true") ?? postAcs[0])?.location;
    if (!acs) throw new SamlRequestError("the SP metadata has no HTTP-POST AssertionConsumerService");
  }

  const attributes = asArray(x.requestedAttributes as Record<string, string> | Record<string, string>[] | undefined)
    .map((a) => a.name)
    .filter((n): n is string => typeof n === "string");
  const minLevel = minimumLevel(one(x.comparison) ?? "exact", asArray(x.classRefs as string | string[] | undefined));

  return {
    id: request.id,
    sp: sp.entityId,
    acs,
    ...(message.relayState !== undefined ? { relayState: message.relayState } : {}),
    ...(minLevel !== undefined ? { minLevel } : {}),
    ...(attributes.length ? { attributes } : {}),
    service: one(x.organisation)?.trim() || serviceNameFor(ctx, sp.entityId),
    issuedAt: wallClock.now().getTime(),
  };
}

/**
 * The lowest STORK level that satisfies the RequestedAuthnContext. BundID reads the requested
 * level as a minimum; "exact" (SAML's default) is read the same way, so a stronger login also
 * passes. Class refs other than STORK levels are ignored.
 */
function minimumLevel(comparison: string, classRefs: string[]): number | undefined {
  const ranks = classRefs.map((c) => storkRank(c.trim())).filter((r) => r > 0);
  if (ranks.length === 0 || comparison === "maximum") return undefined;
  const lowest = Math.min(...ranks);
  return comparison === "better" ? lowest + 1 : lowest;
}

function serviceNameFor(ctx: AppContext, entityId: string): string {
  const base = ctx.config.baseUrl;
  if (entityId.startsWith(`${base}/saml/`)) {
    const slug = entityId.slice(base.length + "/saml/".length).split("/")[0];
    const tenant = slug ? ctx.tenants.bySlug(slug) : undefined;
    if (tenant) return `${tenant.kind} ${tenant.name}`;
  }
  return entityId;
}

export function meetsLevel(pending: PendingLogin, persona: Persona): boolean {
  return pending.minLevel === undefined || storkRank(persona.storkLevel) >= pending.minLevel;
}

/** The pending login as a signed form value, so any process can continue it. */
export function sealPending(ctx: AppContext, pending: PendingLogin): string {
  const payload = Buffer.from(JSON.stringify(pending), "utf8").toString("base64url");
  return `${payload}.${ctx.secrets.sign("testidp.saml-pending", payload)}`;
}

export function openPending(ctx: AppContext, sealed: unknown): PendingLogin | undefined {
  if (typeof sealed !== "string") return undefined;
  const [payload, sig] = sealed.split(".");
  if (!payload || !sig || !ctx.secrets.verify("testidp.saml-pending", payload, sig)) return undefined;
  const pending = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as PendingLogin;
  const age = wallClock.now().getTime() - pending.issuedAt;
  return age >= 0 && age <= PENDING_TTL_MS ? pending : undefined;
}

// ---------------------------------------------------------------------------
// Response

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
const newId = () => `_${randomBytes(20).toString("hex")}`;

function personaAttributes(persona: Persona): [name: string, friendlyName: string, value: string | undefined][] {
  return [
    [BUNDID_OIDS.bpk2, "bPK2", persona.bpk2],
    [BUNDID_OIDS.givenName, "givenName", persona.givenName],
    [BUNDID_OIDS.surname, "surname", persona.surname],
    [BUNDID_OIDS.birthDate, "birthdate", persona.birthDate],
    [BUNDID_OIDS.placeOfBirth, "placeOfBirth", persona.placeOfBirth],
    [BUNDID_OIDS.street, "postalAddress", persona.address.street],
    [BUNDID_OIDS.postalCode, "postalCode", persona.address.postalCode],
    [BUNDID_OIDS.locality, "localityName", persona.address.city],
    [BUNDID_OIDS.email, "mail", persona.email],
    [BUNDID_OIDS.postboxReference, "postalAddressReference", persona.postboxReference],
    [BUNDID_OIDS.trustLevel, "TrustLevel", persona.storkLevel],
    [BUNDID_OIDS.organisationName, "organizationName", persona.organisationName],
  ];
}

function attributeStatement(persona: Persona, requested: string[] | undefined): string {
  // bPK2 and the trust level always; the rest as requested (all when the request names none)
  const always = new Set<string>([BUNDID_OIDS.bpk2, BUNDID_OIDS.trustLevel]);
  const items = personaAttributes(persona)
    .filter(([name, , value]) => value !== undefined && (!requested || always.has(name) || requested.includes(name)))
    .map(
      ([name, friendly, value]) =>
        `<saml:Attribute Name="${name}" FriendlyName="${friendly}" NameFormat="${NS.uriFormat}"><saml:AttributeValue xsi:type="xs:string">${xmlEscape(value!)}</saml:AttributeValue></saml:Attribute>`,
    );
  return `<saml:AttributeStatement>${items.join("")}</saml:AttributeStatement>`;
}

function responseXml(idp: SamlIdp, pending: PendingLogin, status: string, assertion: string): string {
  const now = wallClock.now().toISOString();
  return (
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${newId()}" Version="2.0" IssueInstant="${now}" ` +
    `Destination="${xmlEscape(pending.acs)}" InResponseTo="${xmlEscape(pending.id)}">` +
    `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${xmlEscape(idp.entityId)}</saml:Issuer>` +
    status +
    assertion +
    `</samlp:Response>`
  );
}

function sign(idp: SamlIdp, xml: string, what: "Assertion" | "Response"): string {
  const inAssertion = what === "Assertion";
  return samlify.SamlLib.constructSAMLSignature({
    rawSamlMessage: xml,
    privateKey: idp.privateKeyPem,
    signatureAlgorithm: RSA_SHA256,
    signingCert: certificateBody(idp.certificatePem),
    isBase64Output: false,
    ...(inAssertion ? { referenceTagXPath: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']" } : { isMessageSigned: true }),
    signatureConfig: {
      prefix: "ds",
      location: {
        reference: inAssertion ? "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']" : "/*[local-name(.)='Response']/*[local-name(.)='Issuer']",
        action: "after",
      },
    },
  });
}

/** A successful login for `persona`: base64 SAMLResponse (assertion signed and encrypted, response signed). */
export async function loginResponse(ctx: AppContext, pending: PendingLogin, persona: Persona): Promise<string> {
  if (!meetsLevel(pending, persona)) {
    return failureResponse(ctx, pending, `Das Vertrauensniveau der Testperson (${persona.storkLevel}) ist niedriger als verlangt.`);
  }
  const idp = await samlIdp(ctx);
  const sp = await serviceProvider(ctx, pending.sp, pending.acs);
  if (!sp.encryptionCert) throw new SamlRequestError(`the metadata of "${sp.entityId}" has no encryption certificate (BundID encrypts every assertion)`);

  const now = wallClock.now();
  const notOnOrAfter = new Date(now.getTime() + VALIDITY_MS).toISOString();
  const instant = now.toISOString();
  const assertion =
    `<saml:Assertion xmlns:saml="${NS.assertion}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${newId()}" Version="2.0" IssueInstant="${instant}">` +
    `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${xmlEscape(idp.entityId)}</saml:Issuer>` +
    `<saml:Subject>` +
    `<saml:NameID Format="${NS.transient}">${newId()}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${xmlEscape(pending.acs)}" InResponseTo="${xmlEscape(pending.id)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${instant}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${xmlEscape(sp.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>${persona.storkLevel}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    attributeStatement(persona, pending.attributes) +
    `</saml:Assertion>`;
  const status = `<samlp:Status><samlp:StatusCode Value="${NS.success}"/></samlp:Status>`;

  const signedAssertion = sign(idp, responseXml(idp, pending, status, assertion), "Assertion");
  let encrypted: string;
  try {
    encrypted = String(samlify.Utility.base64Decode(await samlify.SamlLib.encryptAssertion(idp.entity, sp.entity, signedAssertion)));
  } catch (err) {
    throw new SamlRequestError(`the assertion could not be encrypted for "${sp.entityId}": ${(err as Error).message}`);
  }
  return Buffer.from(sign(idp, encrypted, "Response"), "utf8").toString("base64");
}

/** Responder/AuthnFailed, as BundID answers a cancelled or insufficient login (signed, no assertion). */
export async function failureResponse(ctx: AppContext, pending: PendingLogin, message: string): Promise<string> {
  const idp = await samlIdp(ctx);
  const status =
    `<samlp:Status><samlp:StatusCode Value="${NS.responder}"><samlp:StatusCode Value="${NS.authnFailed}"/></samlp:StatusCode>` +
    `<samlp:StatusMessage>${xmlEscape(message)}</samlp:StatusMessage></samlp:Status>`;
  return Buffer.from(sign(idp, responseXml(idp, pending, status, ""), "Response"), "utf8").toString("base64");
}

// ---------------------------------------------------------------------------
// Single logout (best effort: the simulator keeps no SAML sessions, so every logout succeeds)

export type LogoutAnswer = { redirect: string } | { post: { action: string; fields: Record<string, string> } };

export async function answerLogoutRequest(ctx: AppContext, rawUrl: string): Promise<LogoutAnswer> {
  const idp = await samlIdp(ctx);
  const message = readRedirectMessage(rawUrl, "SAMLRequest");
  checkMessage(message.xml, "LogoutRequest");
  const x = samlify.Extractor.extract(message.xml, [
    { key: "request", localPath: ["LogoutRequest"], attributes: ["ID", "Destination"] },
    { key: "issuer", localPath: ["LogoutRequest", "Issuer"], attributes: [] },
  ]);
  const request = (x.request ?? {}) as Record<string, string | undefined>;
  const issuer = one(x.issuer)?.trim();
  if (!request.id) throw new SamlRequestError("the message is not a LogoutRequest");
  if (!issuer) throw new SamlRequestError("the LogoutRequest has no Issuer");
  const sp = await verifiedSender(ctx, message, issuer);
  if (request.destination !== undefined && request.destination !== idp.sloUrl) {
    throw new SamlRequestError(`Destination "${request.destination}" is not this IdP's SLO URL ${idp.sloUrl}`);
  }
  const requestInfo = { extract: { request: { id: request.id } } };
  const relayState = message.relayState ?? "";
  if (sp.slo.some((e) => e.binding === NS.redirectBinding)) {
    const answer = idp.entity.createLogoutResponse(sp.entity, requestInfo, "redirect", { relayState });
    return { redirect: answer.context };
  }
  const action = sp.slo.find((e) => e.binding === NS.postBinding)?.location;
  if (!action) throw new SamlRequestError(`the metadata of "${sp.entityId}" has no SingleLogoutService`);
  const answer = idp.entity.createLogoutResponse(sp.entity, requestInfo, "post", { relayState });
  return { post: { action, fields: { SAMLResponse: answer.context, ...(message.relayState ? { RelayState: message.relayState } : {}) } } };
}
