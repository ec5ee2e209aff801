import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { PROCESSING_ROLE } from "../cases/index.js";
import { recordsMigrations } from "./migrations.js";
import { RecordsStore } from "./store.js";
import { Retention, RETENTION_JOB } from "./retention.js";
import { CitizenExport } from "./export.js";
import { FiguresService } from "./figures.js";
import { registerCitizenRoutes } from "./routes-citizen.js";
import { registerStaffRoutes } from "./routes-staff.js";

export interface Records {
  store: RecordsStore;
  retention: Retention;
  export: CitizenExport;
  figures: FiguresService;
}

const instances = new WeakMap<AppContext, Records>();

/**
 * Records management across the case's life: retention (closed cases are deleted when their
 * service's retention ends, leaving an anonymous trace), the citizen's data export, and figures
 * for heads of department. `records(ctx)` for other modules and tests.
 */
export function records(ctx: AppContext): Records {
  const r = instances.get(ctx);
  if (!r) throw new Error("records module not initialised");
  return r;
}
export { DEFAULT_RETENTION_DAYS, RETENTION_JOB, onCaseRetention, type DeletedCase, type RetentionHandler } from "./retention.js";
export type { CitizenData } from "./export.js";
export type { Figures, FigureLine, Period } from "./figures.js";

export const recordsModule: ModuleManifest = {
  name: "records",
  migrations: recordsMigrations,
  init(ctx) {
    const store = new RecordsStore(ctx.db);
    instances.set(ctx, { store, retention: new Retention(ctx, store), export: new CitizenExport(ctx), figures: new FiguresService(ctx, store) });
  },
  routes(app, ctx) {
    registerCitizenRoutes(app, ctx, records(ctx).export);
    registerStaffRoutes(app, ctx, records(ctx).figures);
  },
  navigation: [{ label: "Kennzahlen", path: "verwaltung/kennzahlen", area: "staff", order: 12, role: PROCESSING_ROLE }],
  accountLinks: [{ label: "Meine Daten herunterladen", path: "mein-rathaus/meine-daten", description: "Alles, was das Rathaus zu Ihrem Konto speichert – Konto, Anträge, Bearbeitung, Nachrichten und Bescheide – als PDF oder JSON." }],
  jobs: [
    {
      type: RETENTION_JOB,
      schedule: { dailyAt: "03:40" },
      async handler(_payload, { ctx }) {
        const r = await records(ctx).retention.run();
        if (r.cases || r.files) ctx.log.info(r, "retention: expired cases deleted");
      },
    },
  ],
};
