import type { TrustLevel } from "../../platform/auth/trust.js";

/** A municipality's configured citizen identity provider (BundID over SAML, a state account over OIDC). */
export interface SamlProviderConfig {
  kind: "saml";
  /** the embedded test system: the other fields are resolved at run time from the current BASE_URL */
  testSystem?: boolean;
  /** IdP entity id */
  idpEntityId: string;
  /** IdP single sign-on URL (HTTP-Redirect binding) */
  idpSsoUrl: string;
  /** IdP single logout URL (HTTP-Redirect binding); optional */
  idpSloUrl?: string;
  /** IdP signing certificate(s), PEM or base64 body */
  idpCertificates: string[];
  /** BundID: the online service id sent in akdb:AuthenticationRequest */
  onlineServiceId: string;
  /** BundID: display information (organisation name shown at the IdP) */
  displayName: string;
  /** BundID attribute OIDs to request, with `required` */
  requestedAttributes: { oid: string; required: boolean }[];
  /** STORK-QAA level → platform trust level */
  trustMapping: Record<string, TrustLevel>;
}

export interface OidcProviderConfig {
  kind: "oidc";
  /** the embedded test system: the other fields are resolved at run time from the current BASE_URL */
  testSystem?: boolean;
  issuer: string;
  clientId: string;
  /** kept in the database; never logged, never rendered */
  clientSecret: string;
  scopes: string[];
  /** acr value → platform trust level */
  acrMapping: Record<string, TrustLevel>;
  /** what to assume when the provider sends no (known) acr */
  defaultTrust: TrustLevel;
}

export type ProviderConfig = SamlProviderConfig | OidcProviderConfig;

export interface IdentityProvider {
  id: string;
  tenantId: string;
  /** URL key, unique per municipality, e.g. "bundid", "hessen" */
  key: string;
  /** shown on the login page, e.g. "BundID", "Servicekonto Hessen" */
  label: string;
  /** staff SSO or citizen login */
  audience: "citizen" | "staff";
  enabled: boolean;
  config: ProviderConfig;
}

/** The citizen data a provider vouches for. Everything optional: providers differ. */
export interface CitizenAttributes {
  givenName?: string;
  surname?: string;
  birthDate?: string;
  placeOfBirth?: string;
  address?: { street?: string; postalCode?: string; city?: string; country?: string };
  email?: string;
  /** BundID postbox reference (Postfachreferenz) */
  postboxHandle?: string;
  /** BundID: natural person or organisation */
  personType?: "person" | "organisation";
  organisationName?: string;
}

/** What a protocol adapter hands back after it has checked a login completely. */
export interface VerifiedLogin {
  /** the login request this answers (InResponseTo / state) */
  loginRequestId: string;
  /** stable subject at the provider: bPK2 for BundID, `sub` for OIDC */
  subject: string;
  trustLevel: TrustLevel;
  attributes: CitizenAttributes;
  /** for single logout */
  logout?: { samlNameId?: string; samlNameIdFormat?: string; samlSessionIndex?: string; oidcIdToken?: string };
}

/** A pending login, stored server-side (the SAML response arrives as a cross-site POST without our cookies). */
export interface LoginRequest {
  id: string;
  tenantId: string;
  providerId: string;
  /** where to go after the login (a same-site path) */
  returnTo: string;
  requiredTrust: TrustLevel;
  /** OIDC only */
  nonce?: string;
  codeVerifier?: string;
  createdAt: string;
}

export class LoginError extends Error {
  /** `userMessage` is German and safe to show; `reason` goes to the log (never tokens or assertions). */
  constructor(readonly reason: string, readonly userMessage = "Die Anmeldung ist fehlgeschlagen. Bitte versuchen Sie es erneut.") {
    super(reason);
  }
}
