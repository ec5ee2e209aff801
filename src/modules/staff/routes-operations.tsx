import type { FastifyInstance } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { can } from "../../platform/auth/permissions.js";
import { AuditPage, JobsPage, OutboxPage, StaffOverview } from "./views.js";

/** The staff overview of all municipalities, and the operator pages (jobs, audit log, outbox) for platform admins. */
export function registerOperationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const operator = staffOnly({ platformAdmin: true });

  app.get("/verwaltung/", { preHandler: staffOnly() }, async (req, reply) => {
    const staff = req.staff!;
    const tenants = ctx.tenants.all().filter((t) => can(staff, t.id));
    return sendPage(ctx, req, reply, { title: "Verwaltungsbereich", area: "staff" }, <StaffOverview name={staff.name} tenants={tenants} platformAdmin={staff.platformAdmin} totpEnabled={staff.totpEnabled} />);
  });
  app.get("/verwaltung", async (_req, reply) => reply.redirect("/verwaltung/", 301));

  app.get<{ Querystring: { status?: string } }>("/verwaltung/aufgaben", { preHandler: operator }, async (req, reply) => {
    const status = ["pending", "running", "done", "failed"].includes(req.query.status ?? "") ? req.query.status : undefined;
    const [jobs, counts] = await Promise.all([ctx.jobs.list({ status: status as never, limit: 100 }), ctx.jobs.counts()]);
    return sendPage(ctx, req, reply, { title: "Hintergrundaufgaben", area: "staff", breadcrumbs: [{ label: "Verwaltung", href: "/verwaltung/" }, { label: "Hintergrundaufgaben" }] }, <JobsPage jobs={jobs} counts={counts} status={status} csrf={req.session!.csrfToken} />);
  });

  app.post<{ Params: { id: string } }>("/verwaltung/aufgaben/:id/wiederholen", { preHandler: operator, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const job = await ctx.jobs.get(req.params.id);
    if (!job) throw notFound("Diese Aufgabe");
    if (job.status !== "failed") throw new HttpError(409, "Nur fehlgeschlagene Aufgaben können wiederholt werden.");
    await ctx.jobs.retry(job.id);
    await ctx.audit.record({ actor: { type: "staff", id: req.staff!.id }, action: "job.retry", object: { type: "job", id: job.id } });
    return reply.redirect("/verwaltung/aufgaben?status=pending", 303);
  });

  app.get<{ Querystring: { vor?: string } }>("/verwaltung/protokoll", { preHandler: operator }, async (req, reply) => {
    const before = Number(req.query.vor);
    const entries = await ctx.audit.list({ limit: 100, beforeSeq: Number.isInteger(before) && before > 0 ? before : undefined });
    const tenantNames = Object.fromEntries(ctx.tenants.all().map((t) => [t.id, t.name]));
    const last = entries.at(-1);
    return sendPage(ctx, req, reply, { title: "Protokoll", area: "staff", breadcrumbs: [{ label: "Verwaltung", href: "/verwaltung/" }, { label: "Protokoll" }] }, <AuditPage entries={entries} tenantNames={tenantNames} nextBefore={entries.length === 100 && last ? Number(last.seq) : undefined} />);
  });

  app.get("/verwaltung/postausgang", { preHandler: operator }, async (req, reply) => {
    const mails = await ctx.mail.list({ limit: 100 });
    return sendPage(ctx, req, reply, { title: "Postausgang", area: "staff", breadcrumbs: [{ label: "Verwaltung", href: "/verwaltung/" }, { label: "Postausgang" }] }, <OutboxPage mails={mails} demo={ctx.config.demo && !ctx.config.smtpUrl} />);
  });
}
