import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import type { AdminResult, StaffAdministration } from "./service.js";
import { OneTimePasswordPage, PersonalDetail, PersonalList, PersonalNewForm } from "./views-personal.js";

type P = { Params: { tenant: string } };
type PI = { Params: { tenant: string; id: string } };
type RoleBody = { Body: { role?: string; departmentId?: string } };

const NOTICES: Record<string, string> = {
  vergeben: "Die Rolle wurde vergeben.",
  entzogen: "Die Rolle wurde entzogen.",
  "zwei-faktor": "Die Zwei-Faktor-Anmeldung wurde zurückgesetzt.",
  deaktiviert: "Das Konto wurde deaktiviert. Laufende Anmeldungen sind beendet.",
  aktiviert: "Das Konto ist wieder aktiv.",
};

const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** /{slug}/verwaltung/personal: the municipality's administration manages its staff and their roles. */
export function registerPersonalRoutes(app: FastifyInstance, ctx: AppContext, service: StaffAdministration): void {
  const admin = staffOnly({ tenant: true, role: TENANT_ADMIN_ROLE });
  const base = (t: Tenant) => `/${t.slug}/verwaltung/personal`;
  const crumbs = (t: Tenant, label?: string) => [
    { label: "Verwaltung", href: `/${t.slug}/verwaltung/` },
    ...(label ? [{ label: "Personal", href: base(t) }, { label }] : [{ label: "Personal" }]),
  ];
  const page = (req: FastifyRequest, title: string, label: string | undefined, status = 200) => ({ title, tenant: req.tenant, area: "staff" as const, breadcrumbs: crumbs(req.tenant!, label), status });
  const lookup = async (t: Tenant) => ({ roles: service.roles(), departments: await service.departments(t.id) });

  /** 403/404 end as an error page; 400/409 re-render the account page with the message. */
  const failed = (r: Exclude<AdminResult<unknown>, { ok: true }>): HttpError | undefined =>
    r.status === 403 || r.status === 404 ? new HttpError(r.status, Object.values(r.errors)[0] ?? "Nicht erlaubt.") : undefined;

  async function detail(req: FastifyRequest<PI>, reply: FastifyReply, opts: { errors?: FieldErrors; values?: Record<string, string>; notice?: string | undefined; status?: number } = {}) {
    const t = req.tenant!;
    const member = await service.member(t.id, req.params.id);
    if (!member) throw notFound("Dieses Konto");
    const staff = req.staff!;
    const manageAccount = staff.platformAdmin || (!member.otherTenants && !member.platformAdmin && member.id !== staff.id);
    const status = opts.status ?? 200;
    return sendPage(
      ctx, req, reply,
      page(req, status === 200 ? `Personal: ${member.name}` : `Fehler: ${member.name}`, member.name, status),
      <PersonalDetail tenant={t} member={member} manageAccount={manageAccount} {...await lookup(t)} values={opts.values ?? {}} errors={opts.errors ?? {}} notice={opts.notice} csrf={req.session!.csrfToken} />,
    );
  }

  app.get<P>("/:tenant/verwaltung/personal", { preHandler: admin }, async (req, reply) => {
    const t = req.tenant!;
    return sendPage(ctx, req, reply, page(req, "Personal und Rollen", undefined), <PersonalList tenant={t} members={await service.members(t.id)} {...await lookup(t)} />);
  });

  app.get<P>("/:tenant/verwaltung/personal/neu", { preHandler: admin }, async (req, reply) => {
    const t = req.tenant!;
    return sendPage(ctx, req, reply, page(req, "Neues Konto", "Neues Konto"), <PersonalNewForm tenant={t} {...await lookup(t)} values={{}} errors={{}} csrf={req.session!.csrfToken} />);
  });

  app.post<P & { Body: Record<string, unknown> }>("/:tenant/verwaltung/personal/neu", { preHandler: admin, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const t = req.tenant!;
    const values = { name: str(req.body?.name), email: str(req.body?.email), role: str(req.body?.role), departmentId: str(req.body?.departmentId) };
    const result = await service.createMember(req.staff!, t.id, values);
    if (!result.ok) {
      const error = failed(result);
      if (error) throw error;
      return sendPage(ctx, req, reply, page(req, "Fehler: Neues Konto", "Neues Konto", 400), <PersonalNewForm tenant={t} {...await lookup(t)} values={values} errors={result.errors} csrf={req.session!.csrfToken} />);
    }
    if (!result.value.oneTimePassword) return reply.redirect(`${base(t)}/${result.value.accountId}?erledigt=vergeben`, 303);
    // Shown once, in this response only (no-store); never put into a URL or the log.
    return sendPage(ctx, req, reply, page(req, "Konto angelegt", "Konto angelegt"), <OneTimePasswordPage tenant={t} accountId={result.value.accountId} name={values.name} email={values.email.toLowerCase()} password={result.value.oneTimePassword} created />);
  });

  app.get<PI & { Querystring: { erledigt?: string } }>("/:tenant/verwaltung/personal/:id", { preHandler: admin }, async (req, reply) =>
    detail(req, reply, { notice: NOTICES[req.query.erledigt ?? ""] }),
  );

  const roleChange = (verb: "grant" | "revoke") => async (req: FastifyRequest<PI & RoleBody>, reply: FastifyReply) => {
    const t = req.tenant!;
    const role = str(req.body?.role);
    const departmentId = str(req.body?.departmentId);
    const result = verb === "grant" ? await service.grant(req.staff!, t.id, req.params.id, role, departmentId) : await service.revoke(req.staff!, t.id, req.params.id, role, departmentId);
    if (result.ok) return reply.redirect(`${base(t)}/${req.params.id}?erledigt=${verb === "grant" ? "vergeben" : "entzogen"}`, 303);
    const error = failed(result);
    if (error) throw error;
    return detail(req, reply, { errors: result.errors, values: verb === "grant" ? { role, departmentId } : {}, status: 400 });
  };
  app.post<PI & RoleBody>("/:tenant/verwaltung/personal/:id/rollen", { preHandler: admin, bodyLimit: 4 * 1024 }, roleChange("grant"));
  app.post<PI & RoleBody>("/:tenant/verwaltung/personal/:id/rollen/entziehen", { preHandler: admin, bodyLimit: 4 * 1024 }, roleChange("revoke"));

  app.post<PI>("/:tenant/verwaltung/personal/:id/passwort", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = req.tenant!;
    const result = await service.resetPassword(req.staff!, t.id, req.params.id);
    if (!result.ok) {
      const error = failed(result);
      if (error) throw error;
      return detail(req, reply, { errors: result.errors, status: 400 });
    }
    const member = (await service.member(t.id, req.params.id))!;
    return sendPage(ctx, req, reply, page(req, "Passwort zurückgesetzt", member.name), <OneTimePasswordPage tenant={t} accountId={member.id} name={member.name} email={member.email} password={result.value} created={false} />);
  });

  const accountAction = (action: (req: FastifyRequest<PI>) => Promise<AdminResult>, notice: string) => async (req: FastifyRequest<PI>, reply: FastifyReply) => {
    const result = await action(req);
    if (result.ok) return reply.redirect(`${base(req.tenant!)}/${req.params.id}?erledigt=${notice}`, 303);
    const error = failed(result);
    if (error) throw error;
    return detail(req, reply, { errors: result.errors, status: 400 });
  };
  app.post<PI>("/:tenant/verwaltung/personal/:id/zwei-faktor", { preHandler: admin, bodyLimit: 4 * 1024 }, accountAction((req) => service.resetTotp(req.staff!, req.tenant!.id, req.params.id), "zwei-faktor"));
  app.post<PI>("/:tenant/verwaltung/personal/:id/deaktivieren", { preHandler: admin, bodyLimit: 4 * 1024 }, accountAction((req) => service.setDisabled(req.staff!, req.tenant!.id, req.params.id, true), "deaktiviert"));
  app.post<PI>("/:tenant/verwaltung/personal/:id/aktivieren", { preHandler: admin, bodyLimit: 4 * 1024 }, accountAction((req) => service.setDisabled(req.staff!, req.tenant!.id, req.params.id, false), "aktiviert"));
}
