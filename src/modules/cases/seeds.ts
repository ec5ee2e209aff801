import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { tenantService } from "../tenants/index.js";
import { PROCESSING_ROLE } from "./workflow.js";

/** Demo staff who process cases in one department each (the municipality's administration may process all). */
export const DEMO_CASEWORKERS = [
  { email: "buergerbuero@usingen.example", name: "Bea Bürgerbüro (Usingen)", password: "Buergerbuero-Demo-2026", tenant: "usingen", responsibility: "meldewesen" },
  { email: "ordnungsamt@usingen.example", name: "Otto Ordnungsamt (Usingen)", password: "Ordnungsamt-Demo-2026", tenant: "usingen", responsibility: "ordnungsamt" },
  { email: "buergerservice@neu-anspach.example", name: "Nora Bürgerservice (Neu-Anspach)", password: "Buergerservice-Demo-2026", tenant: "neu-anspach", responsibility: "meldewesen" },
];

export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  for (const a of DEMO_CASEWORKERS) {
    if (await ctx.accounts.exists(a.email)) continue;
    const tenant = ctx.tenants.bySlug(a.tenant);
    if (!tenant) continue;
    const department = await tenantService(ctx).store.departmentForResponsibility(tenant.id, a.responsibility);
    if (!department) continue;
    const id = await ctx.accounts.create({ email: a.email, name: a.name, password: a.password });
    await ctx.accounts.grantRole(id, tenant.id, PROCESSING_ROLE, department.id);
    await ctx.audit.record({ tenantId: tenant.id, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
  }
}
