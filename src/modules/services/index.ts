import type { AnalyticsArea, ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/accounts.js";
import { serviceMigrations } from "./migrations.js";
import { ServiceCatalogue, REINDEX_JOB } from "./service.js";
import { loadDefinitions } from "./definitions.js";
import { AREA_LABELS } from "./labels.js";
import { registerPublicRoutes } from "./routes-public.js";
import { registerStaffRoutes } from "./routes-staff.js";

const catalogues = new WeakMap<AppContext, ServiceCatalogue>();

/**
 * The public face of the services module for other modules (form engine, cases, search):
 * enabledServices(tenantId), service(tenantId, serviceId) — the current version with the
 * municipality's overrides, undefined when it does not offer the service —,
 * definitionVersion(serviceId, version) — exactly the stored version a submission refers to —
 * and department(tenantId, serviceId). Returned definitions are frozen: copy before changing.
 */
export function serviceCatalogue(ctx: AppContext): ServiceCatalogue {
  const c = catalogues.get(ctx);
  if (!c) throw new Error("services module not initialised");
  return c;
}
export type { ServiceCatalogue, ServiceOverrides, MunicipalService, InstalledService, ImportResult } from "./service.js";
export type { ServiceDefinition, FieldDefinition, StepDefinition, Option } from "./definitions.js";
export { allFields, logicVariables } from "./definitions.js";
export { AREA_LABELS, LIFE_SITUATION_LABELS, formatEuro } from "./labels.js";
/** The form engine: the rules of a definition's steps and fields, without HTTP (applications, PDF forms). */
export { readStep, visibleSteps, isVisible, isRequired, optionsOf, summarise, groupItemCount } from "./form/engine.js";
export type { Answers, AnswerValue, Address, FileRef, StepErrors, SummaryRow } from "./form/engine.js";
export { formatGermanDate, parseDate } from "./form/validators.js";

/** Page views of /dienste/bereich/<area> and of each shipped service's pages count for the service's area. */
function analyticsAreas(): AnalyticsArea[] {
  const areas: AnalyticsArea[] = [{ key: "dienste", label: "Digitales Rathaus", pathPrefix: "dienste/" }];
  for (const [key, label] of Object.entries(AREA_LABELS)) areas.push({ key: `dienste-${key}`, label: "Digitales Rathaus", subArea: label, pathPrefix: `dienste/bereich/${key}` });
  for (const d of loadDefinitions().definitions) {
    areas.push({ key: `dienste-${d.area}`, label: "Digitales Rathaus", subArea: AREA_LABELS[d.area] ?? d.area, pathPrefix: `dienste/${d.id}` });
  }
  return areas;
}
let areasMemo: AnalyticsArea[] | undefined;

export const servicesModule: ModuleManifest = {
  name: "services",
  migrations: serviceMigrations,
  async init(ctx) {
    const catalogue = new ServiceCatalogue(ctx);
    catalogues.set(ctx, catalogue);
    // Shipped definitions into the database (insert … on conflict do nothing: N processes may start at once).
    await catalogue.syncShipped();
  },
  routes(app, ctx) {
    registerPublicRoutes(app, ctx, serviceCatalogue(ctx));
    registerStaffRoutes(app, ctx, serviceCatalogue(ctx));
  },
  searchTypes: [{ type: "service", label: "Online-Dienste und Leistungen" }],
  navigation: [
    { label: "Digitales Rathaus", path: "dienste/", area: "public", order: 10 },
    { label: "Online-Dienste", path: "verwaltung/dienste", area: "staff", order: 20, role: TENANT_ADMIN_ROLE },
  ],
  get analyticsAreas() {
    return (areasMemo ??= analyticsAreas());
  },
  jobs: [
    {
      type: REINDEX_JOB,
      async handler(payload, { ctx }) {
        const { tenantId } = payload as { tenantId: string };
        await serviceCatalogue(ctx).reindex(tenantId);
      },
    },
  ],
  seeds: () => import("./seeds.js"),
};
