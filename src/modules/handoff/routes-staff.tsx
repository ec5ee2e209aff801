import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import { UUID_RE } from "../../platform/ids.js";
import { tenantService } from "../tenants/index.js";
import type { ApiKeys } from "./keys.js";
import type { Webhooks } from "./webhooks.js";
import { InterfacesPage, type InterfacesPageProps } from "./views.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };
type Form = { Body: Record<string, unknown> };

const str = (v: unknown) => (typeof v === "string" ? v : "");
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

/** The municipality's administration manages API keys and webhooks and sees the delivery log. */
export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, deps: { keys: ApiKeys; webhooks: Webhooks }): void {
  const { keys, webhooks } = deps;
  const admin = staffOnly({ tenant: true, role: TENANT_ADMIN_ROLE });
  const base = (t: Tenant) => `/${t.slug}/verwaltung/schnittstellen`;
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const departments = async (t: Tenant) => (await tenantService(ctx).store.departments(t.id)).map((d) => ({ id: d.id, name: d.name }));

  const render = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, extra: Partial<Pick<InterfacesPageProps, "created" | "notice" | "errors" | "values">> & { status?: number } = {}) => {
    const [keyList, subs, log, depts] = await Promise.all([keys.list(t.id), webhooks.list(t.id), webhooks.deliveries(t.id, 50), departments(t)]);
    const failed = extra.errors && Object.keys(extra.errors).length > 0;
    return sendPage(ctx, req, reply, { title: `${failed ? "Fehler: " : ""}Schnittstellen`, tenant: t, area: "staff", status: extra.status ?? 200, breadcrumbs: [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Schnittstellen" }] },
      <InterfacesPage
        tenant={t}
        keys={keyList}
        subscriptions={subs}
        deliveries={log.map((d) => ({ at: d.at, url: d.url, eventType: d.event_type, attempt: d.attempt, ok: d.outcome === "ok", httpStatus: d.http_status, error: d.error, durationMs: d.duration_ms }))}
        departments={depts}
        csrf={req.session!.csrfToken}
        baseUrl={ctx.config.baseUrl}
        created={extra.created}
        notice={extra.notice}
        errors={extra.errors ?? {}}
        values={extra.values ?? {}}
      />);
  };

  app.get<TP & { Querystring: { erledigt?: string } }>("/:tenant/verwaltung/schnittstellen", { preHandler: admin }, async (req, reply) => {
    const notices: Record<string, string> = { widerrufen: "Der API-Schlüssel wurde widerrufen.", geloescht: "Der Webhook wurde gelöscht." };
    const notice = notices[str(req.query.erledigt)];
    return render(req, reply, tenantOf(req), { notice });
  });

  // The secret is shown in the answer to the POST itself (no redirect): it never appears in a URL or a later page.
  app.post<TP & Form>("/:tenant/verwaltung/schnittstellen/schluessel", { preHandler: admin, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const input = { label: str(req.body.label), scopes: strings(req.body.scopes), departmentId: str(req.body.department) || null };
    const errors = keys.validate(input, (await departments(t)).map((d) => d.id));
    if (Object.keys(errors).length) return render(req, reply, t, { errors, values: { label: input.label, scopes: input.scopes, department: input.departmentId ?? "" }, status: 400 });
    const { key, secret } = await keys.create(t.id, input, req.staff!.id);
    return render(req, reply, t, { created: { kind: "key", label: key.label, secret } });
  });

  app.post<IP>("/:tenant/verwaltung/schnittstellen/schluessel/:id/widerrufen", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id) || !(await keys.get(t.id, req.params.id))) throw notFound("Dieser API-Schlüssel");
    await keys.revoke(t.id, req.params.id, req.staff!.id);
    return reply.redirect(`${base(t)}?erledigt=widerrufen`, 303);
  });

  app.post<TP & Form>("/:tenant/verwaltung/schnittstellen/webhooks", { preHandler: admin, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const input = { url: str(req.body.url), events: strings(req.body.events) };
    const errors = webhooks.validate(input);
    if (Object.keys(errors).length) return render(req, reply, t, { errors, values: { url: input.url, events: input.events }, status: 400 });
    const { subscription, secret } = await webhooks.create(t.id, input, req.staff!.id);
    return render(req, reply, t, { created: { kind: "webhook", label: subscription.url, secret } });
  });

  app.post<IP>("/:tenant/verwaltung/schnittstellen/webhooks/:id/loeschen", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id) || !(await webhooks.delete(t.id, req.params.id, req.staff!.id))) throw notFound("Dieser Webhook");
    return reply.redirect(`${base(t)}?erledigt=geloescht`, 303);
  });
}
