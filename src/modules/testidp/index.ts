import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { DEFAULT_STORK_MAPPING } from "../../platform/auth/trust.js";
import type { OidcProviderConfig, SamlProviderConfig } from "../identity/index.js";
import { testIdpMigrations } from "./migrations.js";
import { purgeExpiredOidcEntries } from "./oidc-store.js";
import { OIDC_SCOPES, oidcClientId, oidcClientSecret, oidcIssuer } from "./oidc.js";
import { registerOidcRoutes } from "./oidc-routes.js";
import { BUNDID_OIDS, SAML_PATHS } from "./saml-idp.js";
import { registerSamlRoutes } from "./saml-routes.js";
import { testIdpKeys } from "./keys.js";
import { ACR_TRUST } from "./personas.js";

export { registerSpMetadataSource, type SpMetadataSource } from "./saml-peers.js";
export { PERSONAS, type Persona } from "./personas.js";

/**
 * The embedded test identity provider ("Servicekonto-Simulator") under /idp/: a SAML 2.0 IdP
 * behaving like BundID and an OpenID Connect provider behaving like a state's Servicekonto,
 * both logging in fictitious personas. Its routes exist only when TEST_IDP is on (the default
 * in demo mode); its table and the key material stay either way.
 */
export const testIdpModule: ModuleManifest = {
  name: "testidp",
  migrations: testIdpMigrations,
  async routes(app, ctx) {
    if (!ctx.config.testIdp) return;
    registerSamlRoutes(app, ctx);
    await registerOidcRoutes(app, ctx);
    // Where the identity module runs, its test-system providers take their configuration from here.
    if (ctx.modules.some((m) => m.name === "identity")) {
      const identity = await import("../identity/index.js");
      identity.registerTestSystem(ctx, testIdpProviderResolver(ctx));
    }
  },
  jobs: [
    {
      type: "testidp.purgeOidcEntries",
      schedule: { everyMs: 60 * 60 * 1000 },
      async handler(_payload, { ctx }) {
        await purgeExpiredOidcEntries(ctx);
      },
    },
  ],
};

/** The attributes a municipality asks BundID for: the subject and the level always, names required. */
const REQUESTED_ATTRIBUTES: SamlProviderConfig["requestedAttributes"] = [
  { oid: BUNDID_OIDS.bpk2, required: true },
  { oid: BUNDID_OIDS.givenName, required: true },
  { oid: BUNDID_OIDS.surname, required: true },
  { oid: BUNDID_OIDS.birthDate, required: false },
  { oid: BUNDID_OIDS.placeOfBirth, required: false },
  { oid: BUNDID_OIDS.street, required: false },
  { oid: BUNDID_OIDS.postalCode, required: false },
  { oid: BUNDID_OIDS.locality, required: false },
  { oid: BUNDID_OIDS.email, required: false },
  { oid: BUNDID_OIDS.postboxReference, required: false },
  { oid: BUNDID_OIDS.trustLevel, required: true },
];

/** "BundID (Testsystem)": the SAML provider configuration for a demo municipality. */
export async function testIdpSamlProviderConfig(ctx: AppContext): Promise<SamlProviderConfig> {
  const { saml } = await testIdpKeys(ctx);
  const base = ctx.config.baseUrl;
  return {
    kind: "saml",
    idpEntityId: `${base}${SAML_PATHS.metadata}`,
    idpSsoUrl: `${base}${SAML_PATHS.sso}`,
    idpSloUrl: `${base}${SAML_PATHS.slo}`,
    idpCertificates: [saml.certificatePem],
    onlineServiceId: "rathaus-demo",
    displayName: "Digitales Rathaus (Demo)",
    requestedAttributes: REQUESTED_ATTRIBUTES.map((a) => ({ ...a })),
    trustMapping: { ...DEFAULT_STORK_MAPPING },
  };
}

/** "Servicekonto Hessen (Testsystem)": the OIDC provider configuration for one municipality's provider entry. */
export function testIdpOidcProviderConfig(ctx: AppContext, slug: string, providerKey: string): OidcProviderConfig {
  const clientId = oidcClientId(slug, providerKey);
  return {
    kind: "oidc",
    issuer: oidcIssuer(ctx),
    clientId,
    clientSecret: oidcClientSecret(ctx, clientId),
    scopes: [...OIDC_SCOPES],
    acrMapping: { ...ACR_TRUST },
    defaultTrust: "basic",
  };
}

/**
 * Resolves a stored test-system provider entry to its live configuration (from the current
 * BASE_URL and keys); fits the identity module's `registerTestSystem`.
 */
export function testIdpProviderResolver(ctx: AppContext) {
  return async (
    provider: { key: string; config: SamlProviderConfig | OidcProviderConfig },
    tenant: { slug: string; kind: string; name: string },
  ): Promise<SamlProviderConfig | OidcProviderConfig> => {
    if (provider.config.kind === "saml") {
      return { ...provider.config, ...(await testIdpSamlProviderConfig(ctx)), displayName: provider.config.displayName || `${tenant.kind} ${tenant.name}` };
    }
    return { ...provider.config, ...testIdpOidcProviderConfig(ctx, tenant.slug, provider.key) };
  };
}
