/**
 * The SAML SP against a real IdP of a different implementation: samlify, with its own keys,
 * encrypting assertions for our encryption certificate and signing them with rsa-sha256.
 * Responses carry what BundID sends: bPK2, names, birth date, address, postbox reference and
 * the STORK level (as AuthnContextClassRef and as attribute).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, createPrivateKey, createVerify, randomUUID, X509Certificate } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import * as xmlenc from "xml-encryption";
import samlify from "samlify";
import selfsigned from "selfsigned";
import { SAML } from "@node-saml/node-saml";
import { DEFAULT_STORK_MAPPING, type TrustLevel } from "../../../platform/auth/trust.js";
import { LoginError, type LoginRequest, type SamlProviderConfig } from "../types.js";
import { AKDB_CLASSIC_UI_NAMESPACE, AKDB_NAMESPACE, BUNDID_OID, DEFAULT_REQUESTED_ATTRIBUTES, attributesFromAssertion, authenticationRequestExtension } from "./bundid.js";
import { generateSpKeys, loadSpKeys, SP_CERT_COMMON_NAME, SP_ENCRYPTION_SECRET, SP_SIGNING_SECRET } from "./keys.js";
import { authnRequestRedirectUrl, logoutRequestRedirectUrl, nodeSamlOptions, spMetadataXml, verifyLoginResponse, verifyLogoutResponse, type SpEndpoints } from "./sp.js";
import { createTestDatabase } from "../../../test-support/db.js";
import { migrate } from "../../../platform/db/migrate.js";
import { platformMigrations } from "../../../platform/migrations.js";

const NS_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const NS_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
const NS_METADATA = "urn:oasis:names:tc:SAML:2.0:metadata";
const NS_DSIG = "http://www.w3.org/2000/09/xmldsig#";
const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const CANCELLED = "Die Anmeldung wurde beim Servicekonto abgebrochen.";

// samlify wants a schema validator for every message it parses. @authenio/samlify-node-xmllint
// cannot be used inside a test process: its Emscripten runtime arms process.exit on the next
// stdout "drain", which can end the test file mid-run. So the second implementation checks
// well-formedness (a strict parser that refuses any error) and the signature, not the XSD.
samlify.setSchemaValidator({
  validate: async (xml: string) => {
    const errors: string[] = [];
    const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: (msg: string) => void errors.push(msg), fatalError: (msg: string) => void errors.push(msg) } }).parseFromString(xml, "text/xml");
    if (errors.length || !doc.documentElement) throw new Error(`not well-formed: ${errors.join("; ")}`);
    return "well-formed";
  },
});

const SP: SpEndpoints = {
  entityId: "https://rathaus.example/saml/usingen/bundid/metadata",
  acsUrl: "https://rathaus.example/saml/usingen/bundid/acs",
  sloUrl: "https://rathaus.example/saml/usingen/bundid/slo",
};
const IDP_ENTITY = "https://id.bund.example/idp";
const IDP_SSO = "https://id.bund.example/idp/profile/SAML2/Redirect/SSO";
const IDP_SLO = "https://id.bund.example/idp/profile/SAML2/Redirect/SLO";

const spKeys = generateSpKeys();
const idpPair = selfsigned.generate([{ name: "commonName", value: "Test-IdP BundID" }], { keySize: 2048, days: 30, algorithm: "sha256" });
const otherIdpPair = selfsigned.generate([{ name: "commonName", value: "Fremder IdP" }], { keySize: 2048, days: 30, algorithm: "sha256" });

const config: SamlProviderConfig = {
  kind: "saml",
  idpEntityId: IDP_ENTITY,
  idpSsoUrl: IDP_SSO,
  idpSloUrl: IDP_SLO,
  idpCertificates: [idpPair.cert],
  onlineServiceId: "BMI-USINGEN-4711",
  displayName: "Stadt Usingen & Neu-Anspach",
  requestedAttributes: [...DEFAULT_REQUESTED_ATTRIBUTES],
  trustMapping: { ...DEFAULT_STORK_MAPPING },
};

// Our metadata is what the IdP knows of us: samlify reads our certificates and endpoints from it.
const spEntity = samlify.ServiceProvider({ metadata: spMetadataXml(SP, spKeys), wantLogoutResponseSigned: true });
const idpSettings = {
  entityID: IDP_ENTITY,
  privateKey: idpPair.private,
  signingCert: idpPair.cert,
  requestSignatureAlgorithm: RSA_SHA256,
  wantAuthnRequestsSigned: true,
  nameIDFormat: [PERSISTENT],
  singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: IDP_SSO }],
  singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: IDP_SLO }],
};
const idp = samlify.IdentityProvider({ ...idpSettings, isAssertionEncrypted: true });
const idpPlain = samlify.IdentityProvider({ ...idpSettings, isAssertionEncrypted: false });
const foreignIdp = samlify.IdentityProvider({ ...idpSettings, privateKey: otherIdpPair.private, signingCert: otherIdpPair.cert, isAssertionEncrypted: true });

// ---------------------------------------------------------------------------
// our collaborators, in memory

const requests = new Map<string, LoginRequest>();
const consumed = new Map<string, Date>();
const collaborators = {
  findRequest: async (id: string) => requests.get(id),
  consumeAssertion: async (id: string, notOnOrAfter: Date) => {
    if (consumed.has(id)) return false;
    consumed.set(id, notOnOrAfter);
    return true;
  },
};

function samlId(): string {
  return `_${randomUUID().replace(/-/g, "")}`;
}

function pending(requiredTrust: TrustLevel = "basic"): LoginRequest {
  const r: LoginRequest = { id: samlId(), tenantId: "t-usingen", providerId: "p-bundid", returnTo: "/usingen/mein-rathaus/", requiredTrust, createdAt: new Date().toISOString() };
  requests.set(r.id, r);
  return r;
}

// ---------------------------------------------------------------------------
// the IdP's responses

const PERSON: Record<string, string> = {
  [BUNDID_OID.bPK2]: "bPK2-Usingen-7f3a9c",
  [BUNDID_OID.givenName]: "Erika",
  [BUNDID_OID.surname]: "Mustermann",
  [BUNDID_OID.birthDate]: "1964-08-12",
  [BUNDID_OID.placeOfBirth]: "Berlin",
  [BUNDID_OID.postalAddress]: "Heidestraße 17",
  [BUNDID_OID.postalCode]: "61250",
  [BUNDID_OID.locality]: "Usingen",
  [BUNDID_OID.country]: "DE",
  [BUNDID_OID.email]: "erika@example.org",
  [BUNDID_OID.postboxHandle]: "11b2dc8f-3831-3b26-afde-aa0be42bd79b",
};

interface Shape {
  inResponseTo: string;
  /** InResponseTo on the Response element; defaults to `inResponseTo` */
  responseInResponseTo?: string;
  stork?: string;
  /** the trust-level attribute; defaults to `stork`, null leaves it out */
  storkAttribute?: string | null;
  attributes?: Record<string, string>;
  responseIssuer?: string;
  assertionIssuer?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  nameId?: string;
  nameIdFormat?: string;
  assertionId?: string;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A BundID-like response with an unsigned, unencrypted assertion. */
function responseXml(shape: Shape): string {
  const now = Date.now();
  const issue = (shape.issueInstant ?? new Date(now)).toISOString();
  const notBefore = (shape.notBefore ?? new Date(now - 60_000)).toISOString();
  const notOnOrAfter = (shape.notOnOrAfter ?? new Date(now + 5 * 60_000)).toISOString();
  const stork = shape.stork ?? "STORK-QAA-Level-4";
  const storkAttr = shape.storkAttribute === undefined ? stork : shape.storkAttribute;
  const attrs = { ...(shape.attributes ?? PERSON), ...(storkAttr ? { [BUNDID_OID.trustLevel]: storkAttr } : {}) };
  const attributeXml = Object.entries(attrs)
    .map(([name, value]) => `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>${esc(value)}</saml:AttributeValue></saml:Attribute>`)
    .join("");
  return (
    `<samlp:Response xmlns:samlp="${NS_PROTOCOL}" xmlns:saml="${NS_ASSERTION}" ID="${samlId()}" Version="2.0" IssueInstant="${issue}" Destination="${esc(shape.destination ?? SP.acsUrl)}" InResponseTo="${esc(shape.responseInResponseTo ?? shape.inResponseTo)}">` +
    `<saml:Issuer>${esc(shape.responseIssuer ?? IDP_ENTITY)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:saml="${NS_ASSERTION}" ID="${esc(shape.assertionId ?? samlId())}" Version="2.0" IssueInstant="${issue}">` +
    `<saml:Issuer>${esc(shape.assertionIssuer ?? IDP_ENTITY)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${esc(shape.nameIdFormat ?? PERSISTENT)}">${esc(shape.nameId ?? "pseudonym-4f1c")}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${esc(shape.recipient ?? SP.acsUrl)}" InResponseTo="${esc(shape.inResponseTo)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(shape.audience ?? SP.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${issue}" SessionIndex="session-${randomUUID()}"><saml:AuthnContext><saml:AuthnContextClassRef>${esc(stork)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

type Idp = typeof idp;

/** The response as the samlify IdP sends it: assertion signed (rsa-sha256) and, for `idp`, encrypted for our encryption certificate. */
async function idpResponse(shape: Shape, from: Idp = idp): Promise<string> {
  const xml = responseXml(shape);
  const ctx = await from.createLoginResponse(spEntity, { extract: { request: { id: shape.inResponseTo } } }, "post", {}, { customTagReplacement: () => ({ id: "_unused", context: xml }) });
  return ctx.context;
}

/** A signed but unencrypted response from the samlify IdP, as XML (for manipulation). */
async function plainSignedXml(shape: Shape): Promise<string> {
  return fromB64(await idpResponse(shape, idpPlain));
}

const fromB64 = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
const toB64 = (xml: string) => Buffer.from(xml, "utf8").toString("base64");
const parse = (xml: string) => new DOMParser().parseFromString(xml, "text/xml");
const serialize = (node: Node) => new XMLSerializer().serializeToString(node);

function childElements(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  return out;
}

/** Replaces the response's plaintext assertion by an EncryptedAssertion for our encryption certificate (what anyone can do: the certificate is public). */
async function encryptAssertionIn(xml: string, algorithms: { key?: xmlenc.KeyEncryptionAlgorithm; data?: xmlenc.EncryptionAlgorithm } = {}): Promise<string> {
  const doc = parse(xml);
  const response = doc.documentElement!;
  const assertion = childElements(response, NS_ASSERTION, "Assertion")[0]!;
  const encrypted = await new Promise<string>((resolve, reject) =>
    xmlenc.encrypt(
      serialize(assertion),
      {
        rsa_pub: createPublicKey(spKeys.encryptionCertPem).export({ type: "spki", format: "pem" }),
        pem: spKeys.encryptionCertPem,
        encryptionAlgorithm: algorithms.data ?? "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        keyEncryptionAlgorithm: algorithms.key ?? "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
        warnInsecureAlgorithm: false,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  );
  const wrapper = parse(`<saml:EncryptedAssertion xmlns:saml="${NS_ASSERTION}">${encrypted}</saml:EncryptedAssertion>`).documentElement!;
  response.replaceChild(doc.importNode(wrapper, true), assertion);
  return serialize(doc);
}

/** Signs the whole Response with the IdP key (enveloped, rsa-sha256), as some IdPs do in addition. */
function signResponse(xml: string, key: string = idpPair.private): string {
  const sig = new SignedXml({ privateKey: key, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  sig.addReference({ xpath: "/*[local-name(.)='Response']", transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256" });
  sig.computeSignature(xml, { prefix: "ds", location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: "after" } });
  return sig.getSignedXml();
}

/**
 * What a naive SP would take as the person once it has found *a* valid signature somewhere:
 * Response → first Assertion → AttributeStatement → bPK2.
 */
function naiveBpk2(xml: string): string | undefined {
  const assertion = childElements(parse(xml).documentElement!, NS_ASSERTION, "Assertion")[0];
  const statement = assertion ? childElements(assertion, NS_ASSERTION, "AttributeStatement")[0] : undefined;
  const attr = statement ? childElements(statement, NS_ASSERTION, "Attribute").find((a) => a.getAttribute("Name") === BUNDID_OID.bPK2) : undefined;
  return attr?.textContent ?? undefined;
}

async function assertRefused(b64: string, reason?: RegExp, userMessage?: string): Promise<LoginError> {
  let caught: unknown;
  try {
    await verifyLoginResponse(SP, spKeys, config, b64, collaborators);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof LoginError, `expected a LoginError, got ${caught === undefined ? "a verified login" : String(caught)}`);
  if (reason) assert.match(caught.reason, reason);
  if (userMessage) assert.equal(caught.userMessage, userMessage);
  return caught;
}

/** The redirect URL's query as sent: raw (still encoded) parameters and the octet string the signature covers. */
function redirectParts(url: string) {
  const u = new URL(url);
  const raw: Record<string, string> = {};
  for (const part of u.search.slice(1).split("&")) {
    const i = part.indexOf("=");
    raw[part.slice(0, i)] = part.slice(i + 1);
  }
  const messageParam = raw.SAMLRequest !== undefined ? "SAMLRequest" : "SAMLResponse";
  const octetString = [`${messageParam}=${raw[messageParam]}`, ...(raw.RelayState !== undefined ? [`RelayState=${raw.RelayState}`] : []), `SigAlg=${raw.SigAlg}`].join("&");
  const decoded = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decodeURIComponent(v.replace(/\+/g, " "))]));
  const xml = inflateRawSync(Buffer.from(decoded[messageParam]!, "base64")).toString("utf8");
  return { url: u, raw, decoded, octetString, xml };
}

function verifiesWith(certPem: string, octetString: string, signatureB64: string): boolean {
  return createVerify("RSA-SHA256").update(octetString).verify(certPem, signatureB64, "base64");
}

// ---------------------------------------------------------------------------

describe("SAML SP: AuthnRequest", () => {
  it("is a signed HTTP-Redirect AuthnRequest with our id, the STORK level and the BundID extension", async () => {
    const request = pending("high");
    const relayState = request.id;
    const url = await authnRequestRedirectUrl(SP, spKeys, config, { requestId: request.id, requiredTrust: "high", relayState });
    const parts = redirectParts(url);
    assert.equal(`${parts.url.origin}${parts.url.pathname}`, IDP_SSO);
    assert.equal(parts.decoded.SigAlg, RSA_SHA256);
    assert.equal(parts.decoded.RelayState, relayState);

    // The signature covers SAMLRequest, RelayState and SigAlg exactly as they stand in the URL.
    assert.ok(verifiesWith(spKeys.signingCertPem, parts.octetString, parts.decoded.Signature!), "signature verifies with our signing certificate");
    assert.ok(!verifiesWith(spKeys.signingCertPem, parts.octetString.replace(relayState, `${relayState}x`), parts.decoded.Signature!), "a changed RelayState breaks it");
    assert.ok(!verifiesWith(spKeys.encryptionCertPem, parts.octetString, parts.decoded.Signature!), "not signed with the encryption key");

    const doc = parse(parts.xml);
    const root = doc.documentElement!;
    assert.equal(root.localName, "AuthnRequest");
    assert.equal(root.namespaceURI, NS_PROTOCOL);
    assert.equal(root.getAttribute("ID"), request.id);
    assert.equal(root.getAttribute("Destination"), IDP_SSO);
    assert.equal(root.getAttribute("AssertionConsumerServiceURL"), SP.acsUrl);
    assert.equal(root.getAttribute("ProtocolBinding"), "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    assert.equal(childElements(root, NS_ASSERTION, "Issuer")[0]?.textContent, SP.entityId);
    assert.equal(childElements(root, NS_PROTOCOL, "NameIDPolicy")[0]?.getAttribute("Format"), PERSISTENT);

    const rac = childElements(root, NS_PROTOCOL, "RequestedAuthnContext");
    assert.equal(rac.length, 1);
    assert.equal(rac[0]!.getAttribute("Comparison"), "minimum");
    assert.deepEqual(childElements(rac[0]!, NS_ASSERTION, "AuthnContextClassRef").map((e) => e.textContent), ["STORK-QAA-Level-4"]);

    const extensions = childElements(root, NS_PROTOCOL, "Extensions")[0]!;
    const akdb = childElements(extensions, AKDB_NAMESPACE, "AuthenticationRequest")[0]!;
    assert.ok(akdb, "akdb:AuthenticationRequest present");
    assert.equal(akdb.getAttribute("Version"), "2");
    const requested = childElements(childElements(akdb, AKDB_NAMESPACE, "RequestedAttributes")[0]!, AKDB_NAMESPACE, "RequestedAttribute").map((e) => [e.getAttribute("Name"), e.getAttribute("RequiredAttribute")]);
    assert.deepEqual(requested[0], [BUNDID_OID.bPK2, "true"]);
    for (const oid of [BUNDID_OID.givenName, BUNDID_OID.surname, BUNDID_OID.birthDate, BUNDID_OID.trustLevel, BUNDID_OID.postboxHandle]) {
      assert.ok(requested.some(([name, req]) => name === oid && req === "false"), `${oid} requested`);
    }
    const version = childElements(childElements(akdb, AKDB_NAMESPACE, "DisplayInformation")[0]!, AKDB_CLASSIC_UI_NAMESPACE, "Version")[0]!;
    assert.equal(childElements(version, AKDB_CLASSIC_UI_NAMESPACE, "OrganizationDisplayName")[0]?.textContent, "Stadt Usingen & Neu-Anspach");
    assert.equal(childElements(version, AKDB_CLASSIC_UI_NAMESPACE, "OnlineServiceId")[0]?.textContent, "BMI-USINGEN-4711");

    // A second implementation accepts it: well-formed and correctly signed.
    const parsed = await idp.parseLoginRequest(spEntity, "redirect", { query: parts.decoded, octetString: parts.octetString });
    assert.equal(parsed.extract.request?.id, request.id);
    assert.equal(parsed.extract.issuer, SP.entityId);
  });

  it("asks for the STORK level that the required trust needs", async () => {
    const levelFor = async (requiredTrust: TrustLevel) => {
      const url = await authnRequestRedirectUrl(SP, spKeys, config, { requestId: samlId(), requiredTrust, relayState: "x" });
      return parse(redirectParts(url).xml).getElementsByTagNameNS(NS_ASSERTION, "AuthnContextClassRef")[0]?.textContent;
    };
    assert.equal(await levelFor("basic"), "STORK-QAA-Level-1");
    assert.equal(await levelFor("substantial"), "STORK-QAA-Level-3");
    assert.equal(await levelFor("high"), "STORK-QAA-Level-4");
  });

  it("keeps the signature valid for a RelayState with characters the encoders treat differently", async () => {
    // redirectParts reads the query as a browser sends it (WHATWG URL parsing).
    const relayState = "/neu-anspach/abgemeldet (ok)!~*ä";
    const url = await authnRequestRedirectUrl(SP, spKeys, config, { requestId: samlId(), requiredTrust: "basic", relayState });
    const parts = redirectParts(url);
    assert.equal(parts.decoded.RelayState, relayState);
    assert.ok(verifiesWith(spKeys.signingCertPem, parts.octetString, parts.decoded.Signature!));
  });

  it("refuses ids that are no NCName and unusable RelayStates", async () => {
    await assert.rejects(authnRequestRedirectUrl(SP, spKeys, config, { requestId: `1${samlId()}`, requiredTrust: "basic", relayState: "x" }), /NCName/);
    await assert.rejects(authnRequestRedirectUrl(SP, spKeys, config, { requestId: "_short", requiredTrust: "basic", relayState: "x" }), /NCName/);
    await assert.rejects(authnRequestRedirectUrl(SP, spKeys, config, { requestId: samlId(), requiredTrust: "basic", relayState: "x".repeat(81) }), /80 bytes/);
    await assert.rejects(authnRequestRedirectUrl(SP, spKeys, config, { requestId: samlId(), requiredTrust: "basic", relayState: "it's" }), /apostrophe/);
  });

  it("builds the akdb extension for node-saml and always asks for bPK2", () => {
    const ext = authenticationRequestExtension({ ...config, requestedAttributes: [{ oid: BUNDID_OID.givenName, required: true }] }, "STORK-QAA-Level-3") as {
      "akdb:AuthenticationRequest": { "akdb:RequestedAttributes": { "akdb:RequestedAttribute": { "@Name": string; "@RequiredAttribute": string }[] } };
    };
    const list = ext["akdb:AuthenticationRequest"]["akdb:RequestedAttributes"]["akdb:RequestedAttribute"].map((a) => `${a["@Name"]}=${a["@RequiredAttribute"]}`);
    assert.deepEqual(list, [`${BUNDID_OID.bPK2}=true`, `${BUNDID_OID.givenName}=true`, `${BUNDID_OID.trustLevel}=false`]);
    assert.throws(() => authenticationRequestExtension(config, "high"), /STORK/);
  });
});

describe("SAML SP: metadata", () => {
  it("publishes signing and encryption certificates, signed requests, POST ACS and Redirect SLO", () => {
    const doc = parse(spMetadataXml(SP, spKeys));
    const entity = doc.documentElement!;
    assert.equal(entity.getAttribute("entityID"), SP.entityId);
    const sso = childElements(entity, NS_METADATA, "SPSSODescriptor")[0]!;
    assert.equal(sso.getAttribute("AuthnRequestsSigned"), "true");
    assert.equal(sso.getAttribute("WantAssertionsSigned"), "true");
    const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, "");
    const keyDescriptors = childElements(sso, NS_METADATA, "KeyDescriptor").map((k) => [k.getAttribute("use"), k.getElementsByTagNameNS(NS_DSIG, "X509Certificate")[0]?.textContent]);
    assert.deepEqual(keyDescriptors, [
      ["signing", body(spKeys.signingCertPem)],
      ["encryption", body(spKeys.encryptionCertPem)],
    ]);
    const acs = childElements(sso, NS_METADATA, "AssertionConsumerService");
    assert.deepEqual(acs.map((a) => [a.getAttribute("Binding"), a.getAttribute("Location")]), [["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", SP.acsUrl]]);
    const slo = childElements(sso, NS_METADATA, "SingleLogoutService");
    assert.deepEqual(slo.map((a) => [a.getAttribute("Binding"), a.getAttribute("Location")]), [["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", SP.sloUrl]]);
    // samlify, reading the same metadata, sees the same.
    assert.equal(spEntity.entityMeta.getAssertionConsumerService("post"), SP.acsUrl);
    assert.equal(spEntity.entityMeta.isAuthnRequestSigned(), true);
    assert.equal(spEntity.entityMeta.isWantAssertionsSigned(), true);
  });
});

describe("SAML SP: login response", () => {
  it("accepts a good BundID response: bPK2 subject, attributes, level 4 → high, logout data", async () => {
    const request = pending("high");
    const b64 = await idpResponse({ inResponseTo: request.id, stork: "STORK-QAA-Level-4", nameId: "pseudonym-4f1c" });
    const doc = parse(fromB64(b64));
    assert.equal(doc.getElementsByTagNameNS(NS_ASSERTION, "Assertion").length, 0, "samlify sent the assertion encrypted");
    assert.equal(doc.getElementsByTagNameNS(NS_ASSERTION, "EncryptedAssertion").length, 1);

    const login = await verifyLoginResponse(SP, spKeys, config, b64, collaborators);
    assert.equal(login.loginRequestId, request.id);
    assert.equal(login.subject, "bPK2-Usingen-7f3a9c");
    assert.equal(login.trustLevel, "high");
    assert.deepEqual(login.attributes, {
      givenName: "Erika",
      surname: "Mustermann",
      birthDate: "1964-08-12",
      placeOfBirth: "Berlin",
      email: "erika@example.org",
      postboxHandle: "11b2dc8f-3831-3b26-afde-aa0be42bd79b",
      address: { street: "Heidestraße 17", postalCode: "61250", city: "Usingen", country: "DE" },
    });
    assert.equal(login.logout?.samlNameId, "pseudonym-4f1c");
    assert.equal(login.logout?.samlNameIdFormat, PERSISTENT);
    assert.match(login.logout?.samlSessionIndex ?? "", /^session-/);
    // The assertion id was used up, remembered at least until the assertion expires.
    const until = [...consumed.values()].at(-1)!;
    assert.ok(until.getTime() > Date.now() + 4 * 60_000);
  });

  it("maps level 2 to basic", async () => {
    const request = pending("basic");
    const login = await verifyLoginResponse(SP, spKeys, config, await idpResponse({ inResponseTo: request.id, stork: "STORK-QAA-Level-2" }), collaborators);
    assert.equal(login.trustLevel, "basic");
    assert.equal(login.subject, "bPK2-Usingen-7f3a9c");
  });

  it("takes the weaker level when AuthnContextClassRef and the trust-level attribute disagree", async () => {
    const request = pending("basic");
    const login = await verifyLoginResponse(SP, spKeys, config, await idpResponse({ inResponseTo: request.id, stork: "STORK-QAA-Level-4", storkAttribute: "STORK-QAA-Level-3" }), collaborators);
    assert.equal(login.trustLevel, "substantial");
  });

  it("accepts a response that is signed as a whole in addition", async () => {
    const request = pending("basic");
    const xml = await encryptAssertionIn(await plainSignedXml({ inResponseTo: request.id }));
    const login = await verifyLoginResponse(SP, spKeys, config, toB64(signResponse(xml)), collaborators);
    assert.equal(login.subject, "bPK2-Usingen-7f3a9c");
  });

  it("refuses an altered response (attribute changed in the signed assertion)", async () => {
    const request = pending("basic");
    const signed = await plainSignedXml({ inResponseTo: request.id });
    const altered = signed.replace("bPK2-Usingen-7f3a9c", "bPK2-of-someone-else");
    assert.notEqual(altered, signed);
    await assertRefused(toB64(await encryptAssertionIn(altered)), /signature/i);
    // Control: the same response unaltered passes.
    const ok = await verifyLoginResponse(SP, spKeys, config, toB64(await encryptAssertionIn(signed)), collaborators);
    assert.equal(ok.subject, "bPK2-Usingen-7f3a9c");
  });

  it("refuses a replayed response", async () => {
    const request = pending("basic");
    const b64 = await idpResponse({ inResponseTo: request.id });
    await verifyLoginResponse(SP, spKeys, config, b64, collaborators);
    await assertRefused(b64, /replay/, "Die Anmeldung ist abgelaufen oder wurde bereits verwendet. Bitte starten Sie sie erneut.");
  });

  it("refuses an expired assertion (NotOnOrAfter in the past)", async () => {
    const request = pending("basic");
    const past = Date.now() - 10 * 60_000;
    await assertRefused(await idpResponse({ inResponseTo: request.id, issueInstant: new Date(past - 60_000), notBefore: new Date(past - 60_000), notOnOrAfter: new Date(past) }), /expired|subject confirmation/i);
  });

  it("refuses an assertion for another audience", async () => {
    const request = pending("basic");
    await assertRefused(await idpResponse({ inResponseTo: request.id, audience: "https://other-sp.example/metadata" }), /audience/i);
  });

  it("refuses an unknown InResponseTo", async () => {
    await assertRefused(await idpResponse({ inResponseTo: samlId() }), /InResponseTo/, "Die Anmeldung ist abgelaufen oder wurde bereits verwendet. Bitte starten Sie sie erneut.");
    // nor may the response claim another request than the signed assertion does
    const request = pending("basic");
    await assertRefused(await idpResponse({ inResponseTo: samlId(), responseInResponseTo: request.id }), /InResponseTo/);
  });

  it("refuses an unsigned assertion, even inside a signed response", async () => {
    const request = pending("basic");
    const unsigned = await encryptAssertionIn(responseXml({ inResponseTo: request.id }));
    await assertRefused(toB64(unsigned), /signature/i);
    await assertRefused(toB64(signResponse(unsigned)), /signature/i);
  });

  it("refuses an assertion signed by a key other than the IdP's", async () => {
    const request = pending("basic");
    await assertRefused(await idpResponse({ inResponseTo: request.id }, foreignIdp), /signature/i);
  });

  it("refuses a signed but unencrypted assertion", async () => {
    const request = pending("basic");
    await assertRefused(toB64(await plainSignedXml({ inResponseTo: request.id })), /unencrypted/);
  });

  it("refuses assertions encrypted with RSA PKCS#1 v1.5", async () => {
    const request = pending("basic");
    const xml = await encryptAssertionIn(await plainSignedXml({ inResponseTo: request.id }), { key: "http://www.w3.org/2001/04/xmlenc#rsa-1_5" });
    await assertRefused(toB64(xml), /algorithm not accepted/);
  });

  it("refuses XML signature wrapping (XSW)", async () => {
    const request = pending("basic");
    const signed = await plainSignedXml({ inResponseTo: request.id });
    const evil = responseXml({ inResponseTo: request.id, attributes: { ...PERSON, [BUNDID_OID.bPK2]: "EVIL" } });
    const evilAssertion = () => childElements(parse(evil).documentElement!, NS_ASSERTION, "Assertion")[0]!;

    // XSW 1: an unsigned evil assertion before the signed one.
    const xsw1 = (() => {
      const doc = parse(signed);
      const response = doc.documentElement!;
      const original = childElements(response, NS_ASSERTION, "Assertion")[0]!;
      response.insertBefore(doc.importNode(evilAssertion(), true), original);
      return serialize(doc);
    })();
    // XSW 2: the evil assertion in the response's place, the signed one hidden inside it (in an Advice).
    const xsw2 = (() => {
      const doc = parse(signed);
      const response = doc.documentElement!;
      const original = childElements(response, NS_ASSERTION, "Assertion")[0]!;
      const bad = doc.importNode(evilAssertion(), true) as Element;
      const advice = doc.createElementNS(NS_ASSERTION, "saml:Advice");
      advice.appendChild(original.cloneNode(true));
      bad.appendChild(advice);
      response.replaceChild(bad, original);
      return serialize(doc);
    })();
    // XSW 3: the evil assertion carries the original signature, the signed assertion moved into ds:Object.
    const xsw3 = (() => {
      const doc = parse(signed);
      const response = doc.documentElement!;
      const original = childElements(response, NS_ASSERTION, "Assertion")[0]!;
      const signature = childElements(original, NS_DSIG, "Signature")[0]!;
      const bad = doc.importNode(evilAssertion(), true) as Element;
      const sigCopy = signature.cloneNode(true) as Element;
      const object = doc.createElementNS(NS_DSIG, "ds:Object");
      object.appendChild(original.cloneNode(true));
      sigCopy.appendChild(object);
      bad.insertBefore(sigCopy, childElements(bad, NS_ASSERTION, "Subject")[0]!);
      response.replaceChild(bad, original);
      return serialize(doc);
    })();

    const saml = () => new SAML(nodeSamlOptions(SP, spKeys, config, { cacheProvider: { saveAsync: async () => null, getAsync: async (k) => requests.get(k)?.createdAt ?? null, removeAsync: async () => null } }));
    for (const [name, xml] of [["XSW1", xsw1], ["XSW2", xsw2], ["XSW3", xsw3]] as const) {
      assert.equal(naiveBpk2(xml), "EVIL", `${name}: a naive parser would read the evil assertion`);
      // node-saml itself, with our options, refuses the wrapped document...
      await assert.rejects(saml().validatePostResponseAsync({ SAMLResponse: toB64(xml) }), /signature|multiple assertions/i, `${name} refused by node-saml`);
      // ...and so does our SP (which wants encrypted assertions in the first place).
      await assertRefused(toB64(xml));
    }
    // The same attacks inside an EncryptedAssertion (anyone can encrypt for our public certificate):
    // the decrypted content goes through the same signature check and is refused.
    const insideEncryption = async (xml: string, pick: (response: Element) => Element) => {
      const doc = parse(xml);
      const response = doc.documentElement!;
      const outer = pick(response);
      for (const a of childElements(response, NS_ASSERTION, "Assertion")) if (a !== outer) response.removeChild(a);
      return encryptAssertionIn(serialize(doc));
    };
    for (const xml of [xsw2, xsw3]) {
      const enc = await insideEncryption(xml, (r) => childElements(r, NS_ASSERTION, "Assertion")[0]!);
      await assertRefused(toB64(enc), /signature/i);
    }
    // Control: the untouched response is fine, so the refusals above are the wrapping's doing.
    const ok = await verifyLoginResponse(SP, spKeys, config, toB64(await encryptAssertionIn(signed)), collaborators);
    assert.equal(ok.subject, "bPK2-Usingen-7f3a9c");
  });

  it("refuses a wrong issuer", async () => {
    const request = pending("basic");
    // signed with the IdP's key, but naming another issuer in the assertion
    await assertRefused(await idpResponse({ inResponseTo: request.id, assertionIssuer: "https://evil-idp.example" }), /assertion issuer/);
    await assertRefused(await idpResponse({ inResponseTo: request.id, responseIssuer: "https://evil-idp.example" }), /response issuer/);
  });

  it("refuses a wrong Destination or Recipient", async () => {
    const request = pending("basic");
    await assertRefused(await idpResponse({ inResponseTo: request.id, destination: "https://other-sp.example/acs" }), /Destination/);
    await assertRefused(await idpResponse({ inResponseTo: request.id, recipient: "https://other-sp.example/acs" }), /Recipient/);
  });

  it("refuses a trust level below what the request required", async () => {
    const request = pending("high");
    const err = await assertRefused(await idpResponse({ inResponseTo: request.id, stork: "STORK-QAA-Level-2" }), /basic below required high/);
    assert.match(err.userMessage, /niedrigeren Vertrauensniveau/);
    // and an unknown level is no level
    const other = pending("basic");
    await assertRefused(await idpResponse({ inResponseTo: other.id, stork: "urn:example:level-x", storkAttribute: null }), /no known trust level/);
  });

  it("reports an IdP status other than Success (cancelled at BundID) in German", async () => {
    const request = pending("basic");
    const xml =
      `<samlp:Response xmlns:samlp="${NS_PROTOCOL}" xmlns:saml="${NS_ASSERTION}" ID="${samlId()}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${SP.acsUrl}" InResponseTo="${request.id}">` +
      `<saml:Issuer>${IDP_ENTITY}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>` +
      `<samlp:StatusMessage>Der Nutzer hat den Vorgang abgebrochen.</samlp:StatusMessage></samlp:Status></samlp:Response>`;
    const err = await assertRefused(toB64(xml), /Responder.*AuthnFailed/, CANCELLED);
    assert.equal(err.userMessage, "Die Anmeldung wurde beim Servicekonto abgebrochen.");
  });

  it("refuses garbage and DTDs", async () => {
    await assertRefused("not base64!", /base64/);
    await assertRefused(toB64("<samlp:Response"), /well-formed/);
    await assertRefused(toB64(`<!DOCTYPE x [<!ENTITY e "x">]><samlp:Response xmlns:samlp="${NS_PROTOCOL}"/>`), /DTD/);
  });

  it("falls back to a persistent NameID only when there is no bPK2", async () => {
    const noBpk2 = Object.fromEntries(Object.entries(PERSON).filter(([k]) => k !== BUNDID_OID.bPK2));
    const request = pending("basic");
    const login = await verifyLoginResponse(SP, spKeys, config, await idpResponse({ inResponseTo: request.id, attributes: noBpk2, nameId: "persistent-77" }), collaborators);
    assert.equal(login.subject, "persistent-77");
    const other = pending("basic");
    await assertRefused(await idpResponse({ inResponseTo: other.id, attributes: noBpk2, nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient" }), /neither bPK2/);
  });
});

describe("SAML SP: BundID attributes", () => {
  it("maps OIDs (also with stray blanks and multiple values) to citizen attributes", () => {
    const r = attributesFromAssertion({
      [BUNDID_OID.bPK2]: ["abc"],
      "urn:oid: 1.2.40.0.10.2.1.1.261.94": "STORK-QAA-Level-3",
      [BUNDID_OID.givenName]: ["", "Max"],
      [BUNDID_OID.street]: "Hauptstraße 1",
      [BUNDID_OID.postalCode]: { _: "61267" },
    });
    assert.deepEqual(r, { subject: "abc", stork: "STORK-QAA-Level-3", attributes: { givenName: "Max", address: { street: "Hauptstraße 1", postalCode: "61267" } } });
  });
});

describe("SAML SP: single logout", () => {
  it("sends a signed LogoutRequest and accepts the IdP's signed LogoutResponse", async () => {
    const requestId = samlId();
    const url = await logoutRequestRedirectUrl(SP, spKeys, config, { requestId, nameId: "pseudonym-4f1c", nameIdFormat: PERSISTENT, sessionIndex: "session-1", relayState: "/usingen/abgemeldet" });
    const parts = redirectParts(url);
    assert.equal(`${parts.url.origin}${parts.url.pathname}`, IDP_SLO);
    assert.ok(verifiesWith(spKeys.signingCertPem, parts.octetString, parts.decoded.Signature!));
    const parsed = await idp.parseLogoutRequest(spEntity, "redirect", { query: parts.decoded, octetString: parts.octetString });
    assert.equal(parsed.extract.request?.id, requestId);
    assert.equal(parsed.extract.nameID, "pseudonym-4f1c");

    const response = idp.createLogoutResponse(spEntity, { extract: parsed.extract }, "redirect", "/usingen/abgemeldet");
    const back = redirectParts(response.context);
    assert.equal(`${back.url.origin}${back.url.pathname}`, SP.sloUrl);
    assert.deepEqual(await verifyLogoutResponse(SP, spKeys, config, back.decoded), { inResponseTo: requestId });
    assert.deepEqual(await verifyLogoutResponse(SP, spKeys, config, back.decoded, back.url.search.slice(1)), { inResponseTo: requestId });

    // tampered, unsigned, or signed by someone else: refused
    await assert.rejects(verifyLogoutResponse(SP, spKeys, config, { ...back.decoded, RelayState: "/evil" }), LoginError);
    const { Signature: _sig, ...unsigned } = back.decoded;
    await assert.rejects(verifyLogoutResponse(SP, spKeys, config, unsigned), /not signed/);
    await assert.rejects(verifyLogoutResponse(SP, spKeys, { ...config, idpCertificates: [otherIdpPair.cert] }, back.decoded), LoginError);
  });

  it("needs the provider's SLO URL", async () => {
    const { idpSloUrl: _slo, ...noSlo } = config;
    await assert.rejects(logoutRequestRedirectUrl(SP, spKeys, noSlo, { requestId: samlId(), nameId: "x", relayState: "" }), /idpSloUrl/);
  });
});

describe("SAML SP: keys", () => {
  const dbs: { dispose(): Promise<void> }[] = [];
  after(async () => {
    for (const d of dbs) await d.dispose();
  });

  it("generates the SP keys once, race-safe, and keeps them in platform_secrets", async () => {
    const t = await createTestDatabase();
    dbs.push(t);
    await migrate(t.db, [{ owner: "platform", migrations: platformMigrations }]);
    const [a, b, c] = await Promise.all([loadSpKeys(t.db), loadSpKeys(t.db), loadSpKeys(t.db)]);
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    assert.deepEqual(await loadSpKeys(t.db), a);

    const rows = await t.db.kysely.selectFrom("platform_secrets").select(["name", "value"]).where("name", "in", [SP_SIGNING_SECRET, SP_ENCRYPTION_SECRET]).orderBy("name").execute();
    assert.deepEqual(rows.map((r) => r.name), [SP_ENCRYPTION_SECRET, SP_SIGNING_SECRET]);
    assert.deepEqual(JSON.parse(rows.find((r) => r.name === SP_SIGNING_SECRET)!.value), { keyPem: a.signingKeyPem, certPem: a.signingCertPem });

    for (const [keyPem, certPem] of [[a.signingKeyPem, a.signingCertPem], [a.encryptionKeyPem, a.encryptionCertPem]] as const) {
      const cert = new X509Certificate(certPem);
      assert.equal(cert.subject, `CN=${SP_CERT_COMMON_NAME}`);
      assert.equal(cert.issuer, cert.subject, "self-signed");
      assert.equal(cert.publicKey.asymmetricKeyType, "rsa");
      assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
      assert.ok(years > 9.9 && years < 10.1, `valid for 10 years, got ${years}`);
      assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
    }
    assert.notEqual(a.signingKeyPem, a.encryptionKeyPem);

    // A damaged row is reported, not silently replaced.
    await t.db.kysely.updateTable("platform_secrets").set({ value: "{}" }).where("name", "=", SP_SIGNING_SECRET).execute();
    await assert.rejects(loadSpKeys(t.db), /lacks keyPem/);
  });
});
