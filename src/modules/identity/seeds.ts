import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { newId } from "../../platform/ids.js";
import { DEFAULT_STORK_MAPPING } from "../../platform/auth/trust.js";
import { identityService } from "./index.js";

/**
 * Demo mode: each municipality offers "BundID" over SAML and "Servicekonto Hessen" over OIDC to
 * citizens, and its staff a single sign-on over OIDC ("personal"), all answered by the embedded
 * test identity provider (marked as test systems).
 */
export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  const store = identityService(ctx).store;
  const now = ctx.clock.now().toISOString();
  for (const tenant of ctx.tenants.all().length ? ctx.tenants.all() : await loadTenants(ctx)) {
    await store.insertProvider({
      id: newId(ctx.clock),
      tenantId: tenant.id,
      key: "bundid",
      label: "BundID (Testsystem)",
      audience: "citizen",
      enabled: true,
      position: 0,
      now,
      config: { kind: "saml", testSystem: true, idpEntityId: "", idpSsoUrl: "", idpCertificates: [], onlineServiceId: "rathaus-demo", displayName: `${tenant.kind} ${tenant.name}`, requestedAttributes: [], trustMapping: DEFAULT_STORK_MAPPING },
    });
    await store.insertProvider({
      id: newId(ctx.clock),
      tenantId: tenant.id,
      key: "hessen",
      label: "Servicekonto Hessen (Testsystem)",
      audience: "citizen",
      enabled: true,
      position: 1,
      now,
      config: { kind: "oidc", testSystem: true, issuer: "", clientId: "", clientSecret: "", scopes: [], acrMapping: {}, defaultTrust: "basic" },
    });
    // Staff single sign-on: the municipality's own directory, simulated by the test IdP's staff personas.
    await store.insertProvider({
      id: newId(ctx.clock),
      tenantId: tenant.id,
      key: "personal",
      label: "Anmeldung der Stadtverwaltung (Testsystem)",
      audience: "staff",
      enabled: true,
      position: 2,
      now,
      config: { kind: "oidc", testSystem: true, issuer: "", clientId: "", clientSecret: "", scopes: [], acrMapping: {}, defaultTrust: "basic" },
    });
  }
}

async function loadTenants(ctx: AppContext) {
  const version = await ctx.versions.read(["global"]);
  await ctx.tenants.refreshIfStale(version.get("global")!);
  return ctx.tenants.all();
}
