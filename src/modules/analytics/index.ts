import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { analyticsMigrations } from "./migrations.js";
import { AnalyticsService } from "./service.js";
import { WRITE_JOB } from "./recorder.js";
import { registerAnalyticsRoutes } from "./routes.js";

/**
 * Usage statistics without cookies (issue 9): page views and visitors per area and sub-area,
 * shares, ranks, month-over-month change — counted on the server, no script, no cookie, no third
 * party, no stored IP address (a daily salted hash, the salt destroyed after its day).
 */
const services = new WeakMap<AppContext, AnalyticsService>();

export function analyticsService(ctx: AppContext): AnalyticsService {
  const s = services.get(ctx);
  if (!s) throw new Error("analytics module not initialised");
  return s;
}

export const STATISTICS_ROLE = "statistik";
export const ROLLUP_JOB = "analytics.rollup";
export const PURGE_JOB = "analytics.purge";

export const analyticsModule: ModuleManifest = {
  name: "analytics",
  migrations: analyticsMigrations,
  async init(ctx) {
    const s = new AnalyticsService(ctx);
    services.set(ctx, s);
    if (ctx.config.analyticsCounting) ctx.pageViews = s.recorder;
    try {
      await s.recorder.salt.load(s.today());
    } catch {
      // before the first migration (rathaus migrate): the salt is made when the first view comes
    }
  },
  routes(app, ctx) {
    const s = analyticsService(ctx);
    app.addHook("onClose", async () => {
      await s.recorder.flush();
    });
    registerAnalyticsRoutes(app, ctx, s);
  },
  navigation: [{ label: "Statistik", path: "verwaltung/statistik", area: "staff", order: 80, role: STATISTICS_ROLE }],
  seeds: () => import("./seeds.js"),
  jobs: [
    {
      type: WRITE_JOB,
      async handler(_payload, job) {
        await analyticsService(job.ctx).drain();
      },
    },
    {
      type: ROLLUP_JOB,
      schedule: { everyMs: 5 * 60_000 },
      async handler(_p, job) {
        await analyticsService(job.ctx).rollUp();
      },
    },
    {
      type: PURGE_JOB,
      schedule: { dailyAt: "00:05" },
      async handler(_p, job) {
        const r = await analyticsService(job.ctx).purge();
        job.ctx.log.info(r, "analytics: past salts and old raw page views deleted");
      },
    },
  ],
};
