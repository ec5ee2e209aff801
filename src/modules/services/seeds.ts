import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { tenantScope } from "../../platform/cache/versions.js";
import { tenantService } from "../tenants/index.js";
import { serviceCatalogue } from "./index.js";
import type { ServiceOverrides } from "./service.js";

/** Demo: both municipalities offer every shipped service; Neu-Anspach charges postage for the Meldebescheinigung by post. */
export const DEMO_OVERRIDES: Record<string, Record<string, ServiceOverrides>> = {
  "neu-anspach": {
    meldebescheinigung: {
      fees: [
        { label: "Einfache Meldebescheinigung", amountCents: 800 },
        { label: "Erweiterte Meldebescheinigung", amountCents: 1000 },
        { label: "Versand per Post", amountCents: 150, note: "zusätzlich, nur wenn Sie die Zustellung per Post wählen (Verwaltungskostensatzung der Stadt Neu-Anspach)" },
      ],
    },
  },
};

export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  const catalogue = serviceCatalogue(ctx);
  const shipped = (await catalogue.installed()).filter((s) => s.source === "shipped");
  const now = ctx.clock.now().toISOString();
  for (const slug of ["usingen", "neu-anspach"]) {
    const tenant = await tenantService(ctx).store.bySlug(slug);
    if (!tenant) continue;
    let created = 0;
    for (const s of shipped) {
      // Only where the municipality has not decided yet: a re-seed never undoes an admin's choice.
      const overrides = DEMO_OVERRIDES[slug]?.[s.id] ?? {};
      if (await catalogue.store.insertSettingIfAbsent(tenant.id, { service_id: s.id, enabled: 1, overrides: JSON.stringify(overrides), updated_at: now })) created++;
    }
    if (created) {
      await ctx.versions.bump(tenantScope(tenant.id));
      await catalogue.reindex(tenant.id);
      ctx.log.info({ tenant: slug, services: created }, "demo services enabled");
    }
  }
}
