import type { ModuleManifest } from "../../platform/module.js";
import type { AppContext } from "../../platform/context.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import { createVirusScanner } from "../../platform/storage/virus-scan.js";
import { handoffMigrations } from "./migrations.js";
import { onCaseRetention } from "../records/index.js";
import { HandoffStore } from "./store.js";
import { ApiKeys } from "./keys.js";
import { CaseHandoff } from "./service.js";
import { DELIVER_JOB, DELIVERY_MAX_ATTEMPTS, SCAN_JOB, Webhooks } from "./webhooks.js";
import { registerApiRoutes } from "./api.js";
import { registerStaffRoutes } from "./routes-staff.js";

/** The hand-off to specialised systems: API keys, the case API, signed webhooks. */
export interface Handoff {
  store: HandoffStore;
  keys: ApiKeys;
  cases: CaseHandoff;
  webhooks: Webhooks;
}

const instances = new WeakMap<AppContext, Handoff>();

export function handoff(ctx: AppContext): Handoff {
  const h = instances.get(ctx);
  if (!h) throw new Error("handoff module not initialised");
  return h;
}
export { SCOPES, type ApiKey, type Scope } from "./keys.js";
export { WEBHOOK_EVENTS, webhookSignature, type WebhookEvent } from "./webhooks.js";
/** Another module with /api/v1/ routes describes them here (the test requires every such route in /api/openapi.json). */
export { addApiDescription, openApiDocument, type ApiDescriptionPart } from "./openapi.js";

export const handoffModule: ModuleManifest = {
  name: "handoff",
  migrations: handoffMigrations,
  init(ctx) {
    const store = new HandoffStore(ctx.db);
    instances.set(ctx, { store, keys: new ApiKeys(ctx, store), cases: new CaseHandoff(ctx, store), webhooks: new Webhooks(ctx, store) });
    // Webhook bodies and acknowledgements go with the case at the end of its retention.
    onCaseRetention(ctx, (trx, d) => store.forgetCase(trx, d.tenantId, d.caseId));
  },
  async routes(app, ctx) {
    const h = handoff(ctx);
    registerStaffRoutes(app, ctx, { keys: h.keys, webhooks: h.webhooks });
    await registerApiRoutes(app, ctx, { keys: h.keys, cases: h.cases, scanner: createVirusScanner({ clamd: ctx.config.clamd }, ctx.log) });
  },
  navigation: [{ label: "Schnittstellen", path: "verwaltung/schnittstellen", area: "staff", order: 88, role: TENANT_ADMIN_ROLE }],
  jobs: [
    // No event hook in the cases module yet: its history is polled (docs/handoff.md).
    { type: SCAN_JOB, schedule: { everyMs: 10_000 }, handler: async (_payload, { ctx }) => void (await handoff(ctx).webhooks.scan()) },
    { type: DELIVER_JOB, maxAttempts: DELIVERY_MAX_ATTEMPTS, handler: (payload, { ctx, attempt }) => handoff(ctx).webhooks.deliver((payload as { messageId: string }).messageId, attempt) },
    { type: "handoff.purgeDeliveries", schedule: { dailyAt: "03:40" }, handler: (_payload, { ctx }) => handoff(ctx).webhooks.purge() },
  ],
};
