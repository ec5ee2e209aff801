import type { FastifyInstance } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { ModuleManifest } from "../../platform/module.js";
import { sendPage } from "../../platform/http/pages.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { safeReturnPath, staffOnly } from "../../platform/auth/guards.js";
import { hasRole } from "../../platform/auth/accounts.js";
import { AuditPage, JobsPage, LoginPage, OutboxPage, StaffOverview } from "./views.js";

/**
 * The staff entrance of the platform: login and logout of administration staff, the overview
 * of their municipalities, and the operator pages (jobs, audit log, outbox).
 */
export const staffModule: ModuleManifest = {
  name: "staff",
  migrations: [],
  routes,
};

const LOGIN_PATH = "/verwaltung/anmelden";

function routes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { weiter?: string } }>(LOGIN_PATH, async (req, reply) => {
    if (req.staff) return reply.redirect(safeReturnPath(req.query.weiter) ?? "/verwaltung/", 303);
    return sendPage(ctx, req, reply, { title: "Anmeldung", area: "staff" }, <LoginPage csrf={csrfToken(ctx, req, LOGIN_PATH)} email="" errors={{}} next={safeReturnPath(req.query.weiter)} demoHint={ctx.config.demo} />);
  });

  app.post<{ Body: { email?: string; password?: string; weiter?: string } }>(LOGIN_PATH, { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const email = typeof req.body?.email === "string" ? req.body.email.trim() : "";
    const password = typeof req.body?.password === "string" ? req.body.password : "";
    const next = safeReturnPath(req.body?.weiter);
    const errors: Record<string, string> = {};
    if (!email) errors.email = "Bitte geben Sie Ihre E-Mail-Adresse an.";
    if (!password) errors.password = "Bitte geben Sie Ihr Passwort an.";
    if (!errors.email && !errors.password) {
      const result = await ctx.accounts.authenticate(email, password);
      if (result.ok) {
        await app.sessions.start(req, reply, { kind: "staff", staffAccountId: result.account.id });
        await ctx.audit.record({ actor: { type: "staff", id: result.account.id }, action: "staff.login", object: { type: "staff-account", id: result.account.id } });
        return reply.redirect(next ?? "/verwaltung/", 303);
      }
      req.log.info({ reason: result.reason }, "staff login refused");
      errors.email =
        result.reason === "locked"
          ? "Zu viele fehlgeschlagene Versuche: Das Konto ist für 15 Minuten gesperrt. Bitte versuchen Sie es später erneut."
          : "E-Mail-Adresse oder Passwort sind nicht richtig.";
    }
    return sendPage(ctx, req, reply, { title: "Fehler: Anmeldung", area: "staff", status: 400 }, <LoginPage csrf={csrfToken(ctx, req, LOGIN_PATH)} email={email} errors={errors} next={next} demoHint={ctx.config.demo} />);
  });

  app.post("/verwaltung/abmelden", { bodyLimit: 4 * 1024 }, async (req, reply) => {
    if (req.staff) await ctx.audit.record({ actor: { type: "staff", id: req.staff.id }, action: "staff.logout", object: { type: "staff-account", id: req.staff.id } });
    await app.sessions.destroy(req, reply);
    return reply.redirect(LOGIN_PATH, 303);
  });

  app.get("/verwaltung/", { preHandler: staffOnly() }, async (req, reply) => {
    const staff = req.staff!;
    const tenants = ctx.tenants.all().filter((t) => hasRole(staff, t.id));
    return sendPage(ctx, req, reply, { title: "Verwaltungsbereich", area: "staff" }, <StaffOverview name={staff.name} tenants={tenants} platformAdmin={staff.platformAdmin} />);
  });
  app.get("/verwaltung", async (_req, reply) => reply.redirect("/verwaltung/", 301));

  app.get<{ Querystring: { status?: string } }>("/verwaltung/aufgaben", { preHandler: staffOnly({ platformAdmin: true }) }, async (req, reply) => {
    const status = ["pending", "running", "done", "failed"].includes(req.query.status ?? "") ? req.query.status : undefined;
    const [jobs, counts] = await Promise.all([ctx.jobs.list({ status: status as never, limit: 100 }), ctx.jobs.counts()]);
    return sendPage(ctx, req, reply, { title: "Hintergrundaufgaben", area: "staff", breadcrumbs: [{ label: "Verwaltung", href: "/verwaltung/" }, { label: "Hintergrundaufgaben" }] }, <JobsPage jobs={jobs} counts={counts} status={status} csrf={req.session!.csrfToken} />);
  });

  app.post<{ Params: { id: string } }>("/verwaltung/aufgaben/:id/wiederholen", { preHandler: staffOnly({ platformAdmin: true }), bodyLimit: 4 * 1024 }, async (req, reply) => {
    const job = await ctx.jobs.get(req.params.id);
    if (!job) throw notFound("Diese Aufgabe");
    if (job.status !== "failed") throw new HttpError(409, "Nur fehlgeschlagene Aufgaben können wiederholt werden.");
    await ctx.jobs.retry(job.id);
    await ctx.audit.record({ actor: { type: "staff", id: req.staff!.id }, action: "job.retry", object: { type: "job", id: job.id } });
    return reply.redirect("/verwaltung/aufgaben?status=pending", 303);
  });

  app.get<{ Querystring: { vor?: string } }>("/verwaltung/protokoll", { preHandler: staffOnly({ platformAdmin: true }) }, async (req, reply) => {
    const before = Number(req.query.vor);
    const entries = await ctx.audit.list({ limit: 100, beforeSeq: Number.isInteger(before) && before > 0 ? before : undefined });
    const tenantNames = Object.fromEntries(ctx.tenants.all().map((t) => [t.id, t.name]));
    const last = entries.at(-1);
    return sendPage(ctx, req, reply, { title: "Protokoll", area: "staff", breadcrumbs: [{ label: "Verwaltung", href: "/verwaltung/" }, { label: "Protokoll" }] }, <AuditPage entries={entries} tenantNames={tenantNames} nextBefore={entries.length === 100 && last ? Number(last.seq) : undefined} />);
  });

  app.get("/verwaltung/postausgang", { preHandler: staffOnly({ platformAdmin: true }) }, async (req, reply) => {
    const mails = await ctx.mail.list({ limit: 100 });
    return sendPage(ctx, req, reply, { title: "Postausgang", area: "staff", breadcrumbs: [{ label: "Verwaltung", href: "/verwaltung/" }, { label: "Postausgang" }] }, <OutboxPage mails={mails} demo={ctx.config.demo && !ctx.config.smtpUrl} />);
  });
}
