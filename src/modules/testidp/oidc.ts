/**
 * The OpenID Connect side of the test identity provider: oidc-provider 8 with
 * - authorization code flow only, PKCE with S256 required, nonce and acr in the ID Token;
 * - one confidential client per municipality and provider, derived on demand (no registration):
 *   client_id `rathaus-{slug}-{providerKey}`, secret = HMAC of the client id with the
 *   installation's key; client_secret_basic and client_secret_post both work;
 * - our own pages for the persona choice, errors and logout (see oidc-routes.tsx);
 * - consent granted automatically (a test system has nothing to consent to);
 * - no single sign-on: every authorization asks for a persona again (see oidc-routes.tsx);
 * - keys and state in the database, so several processes act as one provider.
 */
import Provider, { type Configuration, type KoaContext } from "oidc-provider";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { testIdpKeys } from "./keys.js";
import { databaseAdapter, type AdapterPayload } from "./oidc-store.js";
import { ACR_VALUES, personaBySub, type Persona } from "./personas.js";

export const OIDC_PREFIX = "/idp/oidc";
export const INTERACTION_PREFIX = "/idp/interaction";
export const OIDC_SCOPES = ["openid", "profile", "email", "address"];

export const oidcIssuer = (ctx: AppContext) => `${ctx.config.baseUrl}${OIDC_PREFIX}`;
export const oidcClientId = (slug: string, providerKey: string) => `rathaus-${slug}-${providerKey}`;
export const oidcClientSecret = (ctx: AppContext, clientId: string) => ctx.secrets.sign("testidp-oidc-client", clientId);

const KEY_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The municipality and provider key a client id stands for (slugs may contain hyphens: the longest known slug wins). */
export function clientOwner(ctx: AppContext, clientId: string): { tenant: Tenant; providerKey: string } | undefined {
  if (!clientId.startsWith("rathaus-")) return undefined;
  const rest = clientId.slice("rathaus-".length);
  let tenant: Tenant | undefined;
  for (const t of ctx.tenants.all()) {
    if (rest.startsWith(`${t.slug}-`) && (!tenant || t.slug.length > tenant.slug.length)) tenant = t;
  }
  if (!tenant) return undefined;
  const providerKey = rest.slice(tenant.slug.length + 1);
  return KEY_RE.test(providerKey) ? { tenant, providerKey } : undefined;
}

function clientMetadata(ctx: AppContext, clientId: string): AdapterPayload | undefined {
  const owner = clientOwner(ctx, clientId);
  if (!owner) return undefined;
  const base = ctx.config.baseUrl;
  const slug = owner.tenant.slug;
  return {
    client_id: clientId,
    client_secret: oidcClientSecret(ctx, clientId),
    client_name: `${owner.tenant.kind} ${owner.tenant.name}`,
    redirect_uris: [`${base}/oidc/${slug}/${owner.providerKey}/callback`],
    post_logout_redirect_uris: [`${base}/${slug}/`, `${base}/${slug}/abgemeldet`],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "RS256",
  };
}

/** The claims of a persona, by OIDC scope (`address` as the standard structured claim). */
export function personaClaims(persona: Persona): Record<string, unknown> {
  return {
    sub: persona.oidcSub,
    given_name: persona.givenName,
    family_name: persona.surname,
    ...(persona.birthDate ? { birthdate: persona.birthDate } : {}),
    ...(persona.organisationName ? { organization_name: persona.organisationName } : {}),
    email: persona.email,
    email_verified: true,
    address: {
      street_address: persona.address.street,
      postal_code: persona.address.postalCode,
      locality: persona.address.city,
      country: persona.address.country,
    },
  };
}

/** Renders oidc-provider's user-facing pages in our layout (provided by oidc-routes.tsx). */
export interface OidcPages {
  error(kctx: KoaContext, out: Record<string, unknown>): void;
  logoutConfirm(kctx: KoaContext, form: string): void;
  loggedOut(kctx: KoaContext): void;
}

const providers = new WeakMap<AppContext, Promise<Provider>>();

export function oidcProvider(ctx: AppContext, pages: OidcPages): Promise<Provider> {
  let provider = providers.get(ctx);
  if (!provider) {
    provider = createProvider(ctx, pages);
    providers.set(ctx, provider);
    provider.catch(() => providers.delete(ctx));
  }
  return provider;
}

async function createProvider(ctx: AppContext, pages: OidcPages): Promise<Provider> {
  const { oidcJwks } = await testIdpKeys(ctx);
  const configuration: Configuration = {
    adapter: databaseAdapter(ctx, (id) => clientMetadata(ctx, id)),
    jwks: oidcJwks,
    cookies: {
      keys: [ctx.secrets.sign("testidp-oidc-cookies", "v1")],
      // lax: every step is a top-level navigation; SameSite=None would need https
      long: { httpOnly: true, sameSite: "lax", signed: true },
      short: { httpOnly: true, sameSite: "lax", signed: true },
    },
    scopes: OIDC_SCOPES,
    claims: {
      // acr and amr with openid: in the ID Token always, not only when acr_values asked for them
      openid: ["sub", "acr", "amr"],
      profile: ["given_name", "family_name", "birthdate", "organization_name"],
      email: ["email", "email_verified"],
      address: ["address"],
      auth_time: null,
      sid: null,
    },
    // put the scope's claims into the ID Token too, not only at the userinfo endpoint
    conformIdTokenClaims: false,
    acrValues: [...ACR_VALUES],
    responseTypes: ["code"],
    pkce: { methods: ["S256"], required: () => true },
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    clientDefaults: { grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic", id_token_signed_response_alg: "RS256" },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (kctx: KoaContext, form: string) => pages.logoutConfirm(kctx, form),
        postLogoutSuccessSource: async (kctx: KoaContext) => pages.loggedOut(kctx),
      },
    },
    interactions: {
      url: async (_kctx: KoaContext, interaction: { uid: string }) => `${INTERACTION_PREFIX}/${interaction.uid}`,
    },
    findAccount: async (_kctx: KoaContext, sub: string) => {
      const persona = personaBySub(sub);
      if (!persona) return undefined;
      return { accountId: sub, claims: async () => personaClaims(persona) };
    },
    loadExistingGrant,
    renderError: async (kctx: KoaContext, out: Record<string, unknown>) => pages.error(kctx, out),
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 1800, Session: 3600, Grant: 3600 },
  };
  const provider = new Provider(oidcIssuer(ctx), configuration);
  // behind a reverse proxy, the scheme comes from X-Forwarded-Proto (same switch as the platform's)
  provider.proxy = ctx.config.trustProxy;
  // Without a login session, oidc-provider answers a logout request with its own auto-submitting
  // page (English, not marked as a test system): show our confirmation page for that case too.
  provider.use(async (kctx, next) => {
    await next();
    if (kctx.oidc?.route !== "end_session" || kctx.status !== 200 || typeof kctx.body !== "string" || kctx.state.testidpPage) return;
    const form = /<form method="post" action="([^"]+)">\s*<input type="hidden" name="xsrf" value="([^"]+)"\/>/.exec(kctx.body);
    if (form) pages.logoutConfirm(kctx, `<form id="op.logoutForm" method="post" action="${form[1]}"><input type="hidden" name="xsrf" value="${form[2]}"/></form>`);
  });
  provider.on("server_error", (_kctx: KoaContext, err: Error) => ctx.log.error({ err }, "testidp oidc: server error"));
  for (const event of ["authorization.error", "grant.error", "end_session.error", "userinfo.error"]) {
    provider.on(event, (_kctx: KoaContext, err: Error & { error_description?: string }) =>
      ctx.log.info({ event, error: err.message, description: err.error_description }, "testidp oidc: request refused"),
    );
  }
  return provider;
}

/**
 * Consent is given automatically: the grant covers whatever OIDC scopes and claims the client
 * asked for (this is a test system, the client is the platform itself).
 */
async function loadExistingGrant(kctx: KoaContext) {
  const oidc = kctx.oidc;
  const accountId: string = oidc.account.accountId;
  const clientId: string = oidc.client.clientId;
  const grantId: string | undefined = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) {
    grant = new oidc.provider.Grant({ accountId, clientId });
  }
  const scopes = [...(oidc.requestParamOIDCScopes as Set<string>)];
  if (scopes.length) grant.addOIDCScope(scopes.join(" "));
  const claims = [...(oidc.requestParamClaims as Set<string>)];
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}
