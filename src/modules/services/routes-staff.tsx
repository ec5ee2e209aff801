import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/accounts.js";
import { tenantService } from "../tenants/index.js";
import { feeLines, type MunicipalService, type ServiceCatalogue } from "./service.js";
import { ServicesAdminList, ServiceSettingsForm } from "./views/staff.js";

type P = { Params: { tenant: string } };
type S = { Params: { tenant: string; serviceId: string } };

export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, catalogue: ServiceCatalogue): void {
  const admin = staffOnly({ tenant: true, role: TENANT_ADMIN_ROLE });
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ type: "staff" as const, id: req.staff!.id });
  const listCrumb = (t: Tenant) => ({ label: "Online-Dienste", href: `/${t.slug}/verwaltung/dienste` });
  const opts = (req: FastifyRequest, t: Tenant, title: string, label: string | undefined, status = 200) => ({
    title,
    tenant: t,
    area: "staff" as const,
    status,
    breadcrumbs: [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, ...(label ? [listCrumb(t), { label }] : [{ label: "Online-Dienste" }])],
  });

  app.get<P & { Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/dienste", { preHandler: admin }, async (req, reply) => {
    const t = tenantOf(req);
    const saved = typeof req.query.gespeichert === "string" ? req.query.gespeichert : undefined;
    return sendPage(ctx, req, reply, opts(req, t, "Online-Dienste", undefined), <ServicesAdminList tenant={t} services={await catalogue.municipalServices(t.id)} csrf={req.session!.csrfToken} saved={saved} />);
  });

  app.post<S & { Body: Record<string, unknown> }>("/:tenant/verwaltung/dienste/:serviceId/status", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const enabled = (req.body ?? {}).enabled === "1";
    if (!(await catalogue.setEnabled(t.id, req.params.serviceId, enabled, actor(req)))) throw notFound("Dieser Online-Dienst");
    return reply.redirect(`/${t.slug}/verwaltung/dienste?gespeichert=${encodeURIComponent(req.params.serviceId)}`, 303);
  });

  const form = async (req: FastifyRequest, t: Tenant, s: MunicipalService, values: Record<string, string>, errors: Record<string, string>, saved: boolean) => {
    const tenants = tenantService(ctx);
    return (
      <ServiceSettingsForm
        tenant={t}
        service={s}
        departments={await tenants.store.departments(t.id)}
        mappedDepartment={await tenants.departmentFor(t.id, s.definition.responsibilityKey)}
        values={values}
        errors={errors}
        csrf={req.session!.csrfToken}
        saved={saved}
      />
    );
  };

  app.get<S & { Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/dienste/:serviceId", { preHandler: admin }, async (req, reply) => {
    const t = tenantOf(req);
    const s = await catalogue.municipalService(t.id, req.params.serviceId);
    if (!s) throw notFound("Dieser Online-Dienst");
    const o = s.overrides;
    const values = { fees: feeLines(o.fees), summary: o.summary ?? "", description: o.description ?? "", processingTime: o.processingTime ?? "", departmentKey: o.departmentKey ?? "" };
    return sendPage(ctx, req, reply, opts(req, t, `Anpassen: ${s.definition.title}`, s.definition.title), await form(req, t, s, values, {}, req.query.gespeichert === "1"));
  });

  app.post<S & { Body: Record<string, unknown> }>("/:tenant/verwaltung/dienste/:serviceId", { preHandler: admin, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const s = await catalogue.municipalService(t.id, req.params.serviceId);
    if (!s) throw notFound("Dieser Online-Dienst");
    const body = req.body ?? {};
    const result = await catalogue.updateOverrides(t.id, s.id, body, actor(req));
    if (result.ok) return reply.redirect(`/${t.slug}/verwaltung/dienste/${s.id}?gespeichert=1`, 303);
    req.log.info({ fields: Object.keys(result.errors) }, "service overrides rejected: invalid input");
    const values: Record<string, string> = {};
    for (const k of ["fees", "summary", "description", "processingTime", "departmentKey"]) values[k] = typeof body[k] === "string" ? (body[k] as string) : "";
    return sendPage(ctx, req, reply, opts(req, t, `Fehler: ${s.definition.title}`, s.definition.title, 400), await form(req, t, s, values, result.errors, false));
  });
}
