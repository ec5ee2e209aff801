import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { createVirusScanner } from "../../platform/storage/virus-scan.js";
import { onSubmitted } from "../applications/index.js";
import { CaseService } from "./service.js";
import { caseMigrations } from "./migrations.js";
import { registerStaffRoutes } from "./routes-staff.js";
import { registerCitizenRoutes } from "./routes-citizen.js";
import { PROCESSING_ROLE } from "./workflow.js";

const services = new WeakMap<AppContext, CaseService>();

/** The back office's cases, for other modules (API, figures): `caseService(ctx)`. */
export function caseService(ctx: AppContext): CaseService {
  const s = services.get(ctx);
  if (!s) throw new Error("cases module not initialised");
  return s;
}
export type { Case } from "./service.js";
export { DEFAULT_WORKFLOW, PROCESSING_ROLE } from "./workflow.js";

export const casesModule: ModuleManifest = {
  name: "cases",
  migrations: caseMigrations,
  init(ctx) {
    const s = new CaseService(ctx);
    services.set(ctx, s);
    // Every submission becomes a case (from the submission's job: at least once, so onSubmitted is idempotent).
    onSubmitted(ctx, (e) => s.onSubmitted(e));
  },
  routes(app, ctx) {
    registerStaffRoutes(app, ctx, caseService(ctx));
    registerCitizenRoutes(app, ctx, caseService(ctx), createVirusScanner({ clamd: ctx.config.clamd }, ctx.log));
  },
  navigation: [{ label: "Vorgänge", path: "verwaltung/vorgaenge", area: "staff", order: 10, role: PROCESSING_ROLE }],
  seeds: () => import("./seeds.js"),
};
