import type { ModuleManifest } from "../../platform/module.js";
import type { FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { SafeHtml } from "../../platform/ui/jsx.js";
import type { Submission } from "./service.js";
import { createVirusScanner, type VirusScanner } from "../../platform/storage/virus-scan.js";
import { serviceCatalogue, summarise } from "../services/index.js";
import { onAccountDeleted } from "../identity/index.js";
import { applicationMigrations } from "./migrations.js";
import { Applications, PURGE_JOB, RECEIPT_JOB, SUBMITTED_JOB, type SubmissionHandler, type SubmittedEvent } from "./service.js";
import { registerApplicationRoutes } from "./routes.js";
import { receiptPdf } from "./pdf/receipt.js";

const instances = new WeakMap<AppContext, { apps: Applications; scanner: VirusScanner }>();

/** Logged-in drafts are kept longer: their owner finds them in "Mein Rathaus". */
const ACCOUNT_DRAFT_DAYS = 180;

/**
 * The public face of the applications module: `applications(ctx)` (drafts, submissions) and
 * `onSubmitted(ctx, handler)` — the back office registers here to receive every new submission
 * (called from a job, at least once: handlers must be idempotent).
 */
export function applications(ctx: AppContext): Applications {
  const i = instances.get(ctx);
  if (!i) throw new Error("applications module not initialised");
  return i.apps;
}
export function onSubmitted(ctx: AppContext, handler: SubmissionHandler): void {
  applications(ctx).handlers.push(handler);
}
export type { Draft, Submission, SubmittedEvent, SubmissionHandler } from "./service.js";

/**
 * For the usage statistics' service funnel: the forms of a municipality started in [from, to)
 * (ISO instants) with the moment each was submitted (null: not submitted). Service ids and times
 * only, nothing personal. Drafts deleted meanwhile (expired, discarded, past retention) are gone.
 */
export async function startedForms(ctx: AppContext, tenantId: string, from: string, to: string): Promise<{ serviceId: string; startedAt: string; submittedAt: string | null }[]> {
  const rows = await ctx.db.kysely
    .selectFrom("application_drafts as d")
    .leftJoin("submissions as s", (j) => j.onRef("s.draft_id", "=", "d.id").onRef("s.tenant_id", "=", "d.tenant_id"))
    .select(["d.service_id", "d.created_at", "s.submitted_at"])
    .where("d.tenant_id", "=", tenantId)
    .where("d.created_at", ">=", from)
    .where("d.created_at", "<", to)
    .execute();
  return rows.map((r) => ({ serviceId: r.service_id, startedAt: r.created_at, submittedAt: r.submitted_at ?? null }));
}

/** How the applicant reached the submission's page: logged in, or through the secret status link. */
export type SubmissionAccess = { kind: "account" } | { kind: "link"; token: string };
/** A part of the applicant's submission page contributed by another module (the back office: messages, Bescheide). */
export type SubmissionSection = (req: FastifyRequest, tenant: Tenant, submission: Submission, access: SubmissionAccess) => Promise<SafeHtml | undefined>;
const sections = new WeakMap<AppContext, SubmissionSection[]>();
export function registerSubmissionSection(ctx: AppContext, section: SubmissionSection): void {
  sections.set(ctx, [...(sections.get(ctx) ?? []), section]);
}
export function submissionSections(ctx: AppContext): SubmissionSection[] {
  return sections.get(ctx) ?? [];
}

async function renderReceipt(ctx: AppContext, payload: { tenantId: string; submissionId: string }): Promise<void> {
  const apps = applications(ctx);
  const s = await apps.submission(payload.tenantId, payload.submissionId);
  if (!s) return; // deleted meanwhile (retention)
  if (s.receiptKey) return; // done before (a retried job)
  const tenant = ctx.tenants.byId(s.tenantId);
  if (!tenant) return;
  const def = await apps.definitionOf(s);
  const files = await apps.submissionFiles(s);
  const department = await serviceCatalogue(ctx).department(s.tenantId, s.serviceId);
  const pdf = await receiptPdf({
    municipality: `${tenant.kind} ${tenant.name}`,
    serviceTitle: def.title,
    reference: s.reference,
    submittedAt: new Date(s.submittedAt),
    definitionVersion: s.definitionVersion,
    sections: summarise(def, s.answers).map(({ step, rows }) => ({ title: step.title, rows })),
    files: files.map((f) => ({ name: f.file_name, size: f.size })),
    ...(s.accountId ? {} : { statusUrl: `${ctx.config.baseUrl}/${tenant.slug}/antrag/status/${apps.statusToken(s)}` }),
    ...(department ? { department: { name: department.name } } : {}),
  });
  const key = `applications/${s.tenantId}/${s.id}/eingangsbestaetigung.pdf`;
  await ctx.storage.put(key, pdf);
  await apps.store.setReceipt(s.tenantId, s.id, key);
}

export const applicationsModule: ModuleManifest = {
  name: "applications",
  migrations: applicationMigrations,
  init(ctx) {
    const scanner = createVirusScanner({ clamd: ctx.config.clamd }, ctx.log);
    const apps = new Applications(ctx, { anonymousDraftDays: ctx.config.anonymousDraftDays, accountDraftDays: ACCOUNT_DRAFT_DAYS });
    instances.set(ctx, { apps, scanner });
    // A deleted citizen account takes its unfinished drafts with it; submitted applications stay with their cases until retention.
    onAccountDeleted(ctx, async (trx, a) => {
      const keys = await apps.store.deleteDraftsOfAccount(trx, a.tenantId, a.accountId);
      return async () => {
        for (const key of keys) await ctx.storage.delete(key);
      };
    });
  },
  routes(app, ctx) {
    registerApplicationRoutes(app, ctx, applications(ctx), instances.get(ctx)!.scanner, () => submissionSections(ctx));
  },
  accountLinks: [{ label: "Meine Anträge", path: "mein-rathaus/antraege", description: "Angefangene und abgesendete Anträge, Eingangsbestätigungen und der Stand der Bearbeitung." }],
  jobs: [
    { type: RECEIPT_JOB, handler: (payload, { ctx }) => renderReceipt(ctx, payload as { tenantId: string; submissionId: string }) },
    { type: SUBMITTED_JOB, handler: (payload, { ctx }) => applications(ctx).dispatch(payload as SubmittedEvent) },
    {
      type: PURGE_JOB,
      schedule: { dailyAt: "03:20" },
      async handler(_payload, { ctx }) {
        const n = await applications(ctx).purgeExpired();
        if (n) ctx.log.info({ drafts: n }, "expired application drafts deleted");
      },
    },
  ],
};
