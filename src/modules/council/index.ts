import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { councilMigrations } from "./migrations.js";
import { CouncilService, SEARCH_TYPES, TEXT_JOB } from "./service.js";
import { registerOparlRoutes } from "./oparl/routes.js";
import { registerPublicRoutes } from "./routes-public.js";
import { registerStaffRoutes } from "./routes-staff.js";
import { registerFeedRoutes } from "./routes-feeds.js";
import { alertJobs } from "./alerts.js";
import { councilHomeSection } from "./home.js";

const services = new WeakMap<AppContext, CouncilService>();

/** The council information system, for other modules (publishing, participation): `councilService(ctx)`. */
export function councilService(ctx: AppContext): CouncilService {
  const s = services.get(ctx);
  if (!s) throw new Error("council module not initialised");
  return s;
}
export { CouncilRuleError } from "./service.js";
export type { NewPaper, Decision, PaperDecision } from "./service.js";

export const SITZUNGSDIENST_ROLE = "sitzungsdienst";
export const MEMBER_ROLE = "mandatstraeger";

export const councilModule: ModuleManifest = {
  name: "council",
  migrations: councilMigrations,
  init(ctx) {
    services.set(ctx, new CouncilService(ctx));
  },
  routes(app, ctx) {
    const council = councilService(ctx);
    registerOparlRoutes(app, ctx, council);
    registerPublicRoutes(app, ctx, council);
    registerStaffRoutes(app, ctx, council);
    registerFeedRoutes(app, ctx, council);
  },
  navigation: [
    { label: "Ratsinformation", path: "rat/", area: "public", order: 30 },
    { label: "Sitzungsdienst", path: "verwaltung/rat", area: "staff", order: 30, role: SITZUNGSDIENST_ROLE },
    { label: "Meine Gremien", path: "verwaltung/rat/mandat", area: "staff", order: 31, role: MEMBER_ROLE },
  ],
  analyticsAreas: [{ key: "ratsinformation", label: "Ratsinformation", pathPrefix: "rat" }],
  homeSections: [councilHomeSection((ctx) => councilService(ctx))],
  searchTypes: [
    { type: SEARCH_TYPES.paper, label: "Vorlagen" },
    { type: SEARCH_TYPES.agendaItem, label: "Tagesordnungspunkte" },
    { type: SEARCH_TYPES.meeting, label: "Sitzungen" },
  ],
  jobs: [
    {
      type: TEXT_JOB,
      // a town uploading hundreds of PDFs (or the demo seed) must not delay mails and cases
      background: true,
      async handler(payload, job) {
        const p = payload as { tenantId: string; fileId: string };
        await councilService(job.ctx).extractText(p.tenantId, p.fileId);
      },
    },
    ...alertJobs,
  ],
  seeds: () => import("./seeds.js"),
};
