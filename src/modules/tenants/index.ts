import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/accounts.js";
import { tenantMigrations } from "./migrations.js";
import { CachedTenantDirectory } from "./directory.js";
import { TenantService } from "./service.js";
import { registerPublicRoutes } from "./routes-public.js";
import { registerStaffRoutes } from "./routes-staff.js";

const services = new WeakMap<AppContext, TenantService>();

/** The public face of the tenants module for other modules. */
export function tenantService(ctx: AppContext): TenantService {
  const s = services.get(ctx);
  if (!s) throw new Error("tenants module not initialised");
  return s;
}
export type { TenantService } from "./service.js";
export type { TenantProfile, Department } from "./store.js";
export { RESPONSIBILITY_KEYS, type ResponsibilityKey } from "./seed-types.js";
export { RESPONSIBILITY_LABELS } from "./responsibilities.js";

export const tenantsModule: ModuleManifest = {
  name: "tenants",
  migrations: tenantMigrations,
  init(ctx) {
    ctx.tenants = new CachedTenantDirectory(ctx.db);
    services.set(ctx, new TenantService(ctx));
  },
  routes(app, ctx) {
    registerPublicRoutes(app, ctx, tenantService(ctx));
    registerStaffRoutes(app, ctx, tenantService(ctx));
  },
  navigation: [
    { label: "Startseite", path: "", area: "public", order: 0 },
    { label: "Kontakt", path: "kontakt", area: "public", order: 90 },
    { label: "Übersicht", path: "verwaltung/", area: "staff", order: 0 },
    { label: "Einstellungen", path: "verwaltung/einstellungen", area: "staff", order: 80, role: TENANT_ADMIN_ROLE },
    { label: "Ämter", path: "verwaltung/aemter", area: "staff", order: 81, role: TENANT_ADMIN_ROLE },
    { label: "Barrieren", path: "verwaltung/barrieren", area: "staff", order: 82, role: TENANT_ADMIN_ROLE },
    { label: "Gebärdensprache", path: "verwaltung/gebaerdensprache", area: "staff", order: 83, role: TENANT_ADMIN_ROLE },
  ],
  analyticsAreas: [
    { key: "startseite", label: "Startseite", pathPrefix: "" },
    { key: "kontakt", label: "Kontakt und Ämter", pathPrefix: "kontakt" },
    { key: "aemter", label: "Kontakt und Ämter", pathPrefix: "aemter/" },
    { key: "barrierefreiheit", label: "Barrierefreiheit", pathPrefix: "barrierefreiheit" },
    { key: "leichte-sprache", label: "Leichte Sprache", pathPrefix: "leichte-sprache" },
    { key: "gebaerdensprache", label: "Gebärdensprache", pathPrefix: "gebaerdensprache" },
    { key: "rechtliches", label: "Impressum und Datenschutz", pathPrefix: "impressum" },
    { key: "datenschutz", label: "Impressum und Datenschutz", pathPrefix: "datenschutz" },
  ],
  roles: [{ key: TENANT_ADMIN_ROLE, label: "Administration der Kommune" }],
  seeds: () => import("./seeds.js"),
};
