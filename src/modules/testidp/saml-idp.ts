/**
 * The SAML 2.0 identity provider entity (samlify), its names and constants. The platform's
 * service provider uses node-saml: two implementations, so the tests are no closed loop.
 * Protocol timestamps come from the wall clock: the service provider checks them against its
 * own wall clock (node-saml knows no injectable clock).
 */
import samlify from "samlify";
import type { AppContext } from "../../platform/context.js";
import { systemClock } from "../../platform/clock.js";
import { testIdpKeys } from "./keys.js";

export const wallClock = systemClock;

export const SAML_PATHS = {
  metadata: "/idp/saml/metadata",
  sso: "/idp/saml/sso",
  login: "/idp/saml/login",
  slo: "/idp/saml/slo",
} as const;

/** BundID attribute names (OIDs). */
export const BUNDID_OIDS = {
  bpk2: "urn:oid:1.3.6.1.4.1.25484.494450.3",
  givenName: "urn:oid:2.5.4.42",
  surname: "urn:oid:2.5.4.4",
  birthDate: "urn:oid:1.2.40.0.10.2.1.1.55",
  placeOfBirth: "urn:oid:1.3.6.1.5.5.7.9.2",
  street: "urn:oid:2.5.4.16",
  postalCode: "urn:oid:2.5.4.17",
  locality: "urn:oid:2.5.4.7",
  email: "urn:oid:0.9.2342.19200300.100.1.3",
  postboxReference: "urn:oid:2.5.4.18",
  trustLevel: "urn:oid:1.2.40.0.10.2.1.1.261.94",
  /** not a BundID attribute: X.520 organizationName, sent for the business persona only */
  organisationName: "urn:oid:2.5.4.10",
} as const;

export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  postBinding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
  redirectBinding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
  uriFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
  success: "urn:oasis:names:tc:SAML:2.0:status:Success",
  responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
  requester: "urn:oasis:names:tc:SAML:2.0:status:Requester",
  authnFailed: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
} as const;

export const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/** A request the IdP refuses; `detail` is shown on the (test system's) error page and logged. */
export class SamlRequestError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

export interface SamlIdp {
  entity: samlify.IdentityProviderInstance;
  entityId: string;
  ssoUrl: string;
  sloUrl: string;
  certificatePem: string;
  privateKeyPem: string;
}

const idps = new WeakMap<AppContext, Promise<SamlIdp>>();

export function samlIdp(ctx: AppContext): Promise<SamlIdp> {
  let idp = idps.get(ctx);
  if (!idp) {
    idp = createIdp(ctx);
    idps.set(ctx, idp);
    idp.catch(() => idps.delete(ctx));
  }
  return idp;
}

async function createIdp(ctx: AppContext): Promise<SamlIdp> {
  const { saml } = await testIdpKeys(ctx);
  const base = ctx.config.baseUrl;
  const entityId = `${base}${SAML_PATHS.metadata}`;
  const ssoUrl = `${base}${SAML_PATHS.sso}`;
  const sloUrl = `${base}${SAML_PATHS.slo}`;
  const settings = {
    entityID: entityId,
    privateKey: saml.privateKeyPem,
    signingCert: saml.certificatePem,
    wantAuthnRequestsSigned: true,
    isAssertionEncrypted: true,
    // read by samlify's encryptAssertion, not part of its settings type
    dataEncryptionAlgorithm: "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    keyEncryptionAlgorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    requestSignatureAlgorithm: RSA_SHA256,
    nameIDFormat: [NS.transient],
    singleSignOnService: [{ Binding: NS.redirectBinding, Location: ssoUrl }],
    singleLogoutService: [{ Binding: NS.redirectBinding, Location: sloUrl }],
  };
  const entity = samlify.IdentityProvider(settings);
  return { entity, entityId, ssoUrl, sloUrl, certificatePem: saml.certificatePem, privateKeyPem: saml.privateKeyPem };
}

export async function idpMetadataXml(ctx: AppContext): Promise<string> {
  return (await samlIdp(ctx)).entity.getMetadata();
}
