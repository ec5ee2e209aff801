import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { identityMigrations } from "./migrations.js";
import { IdentityService, type TestSystemResolver } from "./service.js";
import { registerIdentityRoutes } from "./routes.js";

const services = new WeakMap<AppContext, IdentityService>();

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

export const identityModule: ModuleManifest = {
  name: "identity",
  migrations: identityMigrations,
  init(ctx) {
    services.set(ctx, new IdentityService(ctx));
  },
  routes(app, ctx) {
    registerIdentityRoutes(app, ctx, identityService(ctx));
  },
  navigation: [{ label: "Mein Rathaus", path: "mein-rathaus/", area: "public", order: 95 }],
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
