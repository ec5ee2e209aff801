import type { FastifyReply, FastifyRequest } from "fastify";
import type { Tenant } from "../../platform/tenancy.js";
import type { TrustLevel } from "../../platform/auth/trust.js";
import type { CitizenAttributes, IdentityProvider } from "./types.js";
import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { identityMigrations } from "./migrations.js";
import { IdentityService, type AccountDeletionHandler, type TestSystemResolver } from "./service.js";
import { registerIdentityRoutes } from "./routes.js";
import { registerProviderAdminRoutes } from "./routes-admin.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";

const services = new WeakMap<AppContext, IdentityService>();

/** A module deletes its data of a citizen account together with the account (drafts, for example). */
export function onAccountDeleted(ctx: AppContext, handler: AccountDeletionHandler): void {
  identityService(ctx).deletionHandlers.push(handler);
}
export type { AccountDeletionHandler } from "./service.js";

export function identityService(ctx: AppContext): IdentityService {
  const s = services.get(ctx);
  if (!s) throw new Error("identity module not initialised");
  return s;
}

/** The embedded test IdP registers how its providers' configuration is computed from the current BASE_URL. */
export function registerTestSystem(ctx: AppContext, resolver: TestSystemResolver): void {
  identityService(ctx).testSystem = resolver;
}

export type { IdentityProvider, SamlProviderConfig, OidcProviderConfig, CitizenAttributes, VerifiedLogin } from "./types.js";
export type { CitizenAccount } from "./store.js";
export { LoginError } from "./types.js";
/** The OIDC client, for the staff module's single sign-on start. */
export { authorizationRedirectUrl, oidcLoginParameters } from "./oidc/rp.js";

// ---- staff single sign-on: the identity module runs the protocol, the staff module decides the account ----

/**
 * What the OIDC callback of a provider with audience "staff" hands over. `ok: true` only after the
 * complete protocol check (state of an open login request, the browser binding, code exchange with
 * PKCE, ID Token signature, nonce, trust level); the login request is used up by then.
 */
export type StaffLoginOutcome =
  | {
      ok: true;
      tenant: Tenant;
      provider: IdentityProvider;
      /** `sub` at the provider */
      subject: string;
      trustLevel: TrustLevel;
      attributes: CitizenAttributes;
      /** the signed ID Token says `email_verified: true` for exactly `attributes.email` */
      emailVerified: boolean;
      /** the same-site path given when the login started */
      returnTo: string;
    }
  | { ok: false; tenant: Tenant; provider: IdentityProvider; reason: string; userMessage: string };

/** Answers the browser at the end of a staff login (session, redirect, or a refusal page). */
export type StaffLoginCompletion = (req: FastifyRequest, reply: FastifyReply, outcome: StaffLoginOutcome) => Promise<FastifyReply>;

const staffLoginCompletions = new WeakMap<AppContext, StaffLoginCompletion>();

/**
 * The staff module registers how a staff login ends. Without a registration the callback of a
 * staff provider answers 404 (no staff area, no staff login).
 */
export function registerStaffLoginCompletion(ctx: AppContext, completion: StaffLoginCompletion): void {
  staffLoginCompletions.set(ctx, completion);
}

export { LOGIN_BINDING_COOKIE, loginBindingCookie, oidcCallbackUrl } from "./login-binding.js";


export const identityModule: ModuleManifest = {
  name: "identity",
  migrations: identityMigrations,
  init(ctx) {
    services.set(ctx, new IdentityService(ctx));
  },
  routes(app, ctx) {
    registerIdentityRoutes(app, ctx, identityService(ctx), () => staffLoginCompletions.get(ctx));
    registerProviderAdminRoutes(app, ctx, identityService(ctx));
  },
  navigation: [
    { label: "Mein Rathaus", path: "mein-rathaus/", area: "public", order: 95 },
    { label: "Anmeldedienste", path: "verwaltung/anmeldedienste", area: "staff", order: 85, role: TENANT_ADMIN_ROLE },
  ],
  analyticsAreas: [{ key: "mein-rathaus", label: "Mein Rathaus", pathPrefix: "mein-rathaus" }],
  jobs: [
    {
      type: "identity.purgeLoginRequests",
      schedule: { everyMs: 60 * 60 * 1000 },
      async handler(_payload, { ctx }) {
        await identityService(ctx).store.purgeExpired(ctx.clock.now().toISOString());
      },
    },
  ],
  seeds: () => import("./seeds.js"),
};
