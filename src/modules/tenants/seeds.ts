import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/accounts.js";
import { tenantService } from "./index.js";
import { demoTenants } from "./demo-data.js";

/** Demo accounts; documented in the README. Created only in demo mode. */
export const DEMO_ACCOUNTS = [
  { email: "admin@demo.example", name: "Demo-Administration", password: "Rathaus-Demo-2026", platformAdmin: true, tenants: [] as string[] },
  { email: "verwaltung@usingen.example", name: "Demo-Verwaltung Usingen", password: "Usingen-Demo-2026", platformAdmin: false, tenants: ["usingen"] },
  { email: "verwaltung@neu-anspach.example", name: "Demo-Verwaltung Neu-Anspach", password: "NeuAnspach-Demo-2026", platformAdmin: false, tenants: ["neu-anspach"] },
];

export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  const service = tenantService(ctx);
  const ids = new Map<string, string>();
  for (const t of demoTenants) {
    const { id, created } = await service.importSeed(t);
    ids.set(t.slug, id);
    if (created) ctx.log.info({ tenant: t.slug }, "demo municipality created");
  }
  for (const a of DEMO_ACCOUNTS) {
    if (await ctx.accounts.exists(a.email)) continue;
    const id = await ctx.accounts.create({ email: a.email, name: a.name, password: a.password, platformAdmin: a.platformAdmin });
    for (const slug of a.tenants) await ctx.accounts.grantRole(id, ids.get(slug)!, TENANT_ADMIN_ROLE);
    await ctx.audit.record({ actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
  }
}
