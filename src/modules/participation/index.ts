import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { councilService } from "../council/index.js";
import { participationMigrations } from "./migrations.js";
import { FEEDBACK_JOB, PHASE_JOB, REMINDER_JOB, ParticipationService } from "./service.js";
import { Weighing } from "./weighing.js";
import { registerPublicRoutes } from "./routes-public.js";
import { registerStaffRoutes } from "./routes-staff.js";
import { participationHomeSection } from "./home.js";

/**
 * Bürgerbeteiligung in der Bauleitplanung (issue 8): procedures (also from XPlanGML), phases with
 * the statutory periods, statements from the public and from agencies, the planning office's
 * weighing, the weighing table handed to the council (through the council's index) and the
 * feedback to submitters after the council's decision.
 */
export interface Participation {
  service: ParticipationService;
  weighing: Weighing;
}

const instances = new WeakMap<AppContext, Participation>();

export function participation(ctx: AppContext): Participation {
  const p = instances.get(ctx);
  if (!p) throw new Error("participation module not initialised");
  return p;
}

export const PLANNING_ROLE = "stadtplanung";

export const participationModule: ModuleManifest = {
  name: "participation",
  migrations: participationMigrations,
  init(ctx) {
    const service = new ParticipationService(ctx);
    const weighing = new Weighing(ctx, service);
    instances.set(ctx, { service, weighing });
    councilService(ctx).onPaperDecided((d, trx) => weighing.onDecision(d, trx));
  },
  routes(app, ctx) {
    registerPublicRoutes(app, ctx, participation(ctx));
    registerStaffRoutes(app, ctx, participation(ctx));
  },
  navigation: [
    { label: "Beteiligung", path: "beteiligung/", area: "public", order: 40 },
    { label: "Bauleitplanung", path: "verwaltung/beteiligung", area: "staff", order: 40, role: PLANNING_ROLE },
  ],
  accountLinks: [{ label: "Meine Stellungnahmen", path: "beteiligung/meine", description: "Ihre Stellungnahmen zu Bauleitplänen und das Ergebnis der Abwägung." }],
  analyticsAreas: [{ key: "beteiligung", label: "Beteiligung", pathPrefix: "beteiligung" }],
  homeSections: [participationHomeSection],
  jobs: [
    {
      type: PHASE_JOB,
      schedule: { everyMs: 60_000 },
      async handler(_payload, job) {
        await participation(job.ctx).service.processDuePhases();
      },
    },
    {
      type: REMINDER_JOB,
      schedule: { dailyAt: "07:00" },
      async handler(_payload, job) {
        await participation(job.ctx).service.sendReminders();
      },
    },
    {
      type: FEEDBACK_JOB,
      async handler(payload, job) {
        const p = payload as { tenantId: string; weighingId: string };
        await participation(job.ctx).weighing.sendFeedback(p.tenantId, p.weighingId);
      },
    },
  ],
  seeds: () => import("./seeds.js"),
};
