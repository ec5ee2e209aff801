import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { IdentityService } from "./service.js";
import { ProviderSettings } from "./provider-settings.js";
import { ProviderForm, ProviderList, providerValues } from "./views-admin.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };
type Body = { Body: Record<string, unknown> };

/** Staff pages where a municipality chooses and configures its identity providers. */
export function registerProviderAdminRoutes(app: FastifyInstance, ctx: AppContext, service: IdentityService): void {
  const settings = new ProviderSettings(ctx, service.store);
  const admin = staffOnly({ tenant: true, role: TENANT_ADMIN_ROLE });
  const base = (t: Tenant) => `/${t.slug}/verwaltung/anmeldedienste`;
  const actor = (req: FastifyRequest) => ({ type: "staff" as const, id: req.staff!.id });
  const crumbs = (t: Tenant, label?: string) => [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, ...(label ? [{ label: "Anmeldedienste", href: base(t) }, { label }] : [{ label: "Anmeldedienste" }])];
  const providerOf = async (t: Tenant, id: string) => {
    const p = await service.store.providerById(t.id, id);
    if (!p) throw notFound("Dieser Anmeldedienst");
    return p;
  };
  const strings = (body: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(body ?? {}).filter(([k, v]) => typeof v === "string" && k !== "_csrf" && k !== "clientSecret")) as Record<string, string>;

  app.get<TP & { Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/anmeldedienste", { preHandler: admin }, async (req, reply) => {
    const t = req.tenant!;
    return sendPage(ctx, req, reply, { title: "Anmeldedienste", tenant: t, area: "staff", breadcrumbs: crumbs(t) },
      <ProviderList tenant={t} providers={await service.store.providers(t.id)} csrf={req.session!.csrfToken} baseUrl={ctx.config.baseUrl} saved={req.query.gespeichert === "1"} />);
  });

  for (const kind of ["saml", "oidc"] as const) {
    const title = kind === "saml" ? "SAML-Dienst einrichten" : "OpenID-Connect-Dienst einrichten";
    app.get<TP>(`/:tenant/verwaltung/anmeldedienste/neu-${kind}`, { preHandler: admin }, async (req, reply) => {
      const t = req.tenant!;
      return sendPage(ctx, req, reply, { title, tenant: t, area: "staff", breadcrumbs: crumbs(t, title) }, <ProviderForm tenant={t} kind={kind} values={{}} errors={{}} csrf={req.session!.csrfToken} />);
    });
    app.post<TP & Body>(`/:tenant/verwaltung/anmeldedienste/neu-${kind}`, { preHandler: admin, bodyLimit: 64 * 1024 }, async (req, reply) => {
      const t = req.tenant!;
      const result = await settings.create(t, kind, req.body ?? {}, actor(req));
      if (result.ok) return reply.redirect(`${base(t)}?gespeichert=1`, 303);
      return sendPage(ctx, req, reply, { title: `Fehler: ${title}`, tenant: t, area: "staff", breadcrumbs: crumbs(t, title), status: 400 }, <ProviderForm tenant={t} kind={kind} values={strings(req.body)} errors={result.errors} csrf={req.session!.csrfToken} />);
    });
  }

  app.get<IP>("/:tenant/verwaltung/anmeldedienste/:id", { preHandler: admin }, async (req, reply) => {
    const t = req.tenant!;
    const p = await providerOf(t, req.params.id);
    if (p.config.testSystem) throw notFound("Dieser Anmeldedienst");
    return sendPage(ctx, req, reply, { title: `Anmeldedienst: ${p.label}`, tenant: t, area: "staff", breadcrumbs: crumbs(t, p.label) }, <ProviderForm tenant={t} kind={p.config.kind} provider={p} values={providerValues(p)} errors={{}} csrf={req.session!.csrfToken} />);
  });
  app.post<IP & Body>("/:tenant/verwaltung/anmeldedienste/:id", { preHandler: admin, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const t = req.tenant!;
    const p = await providerOf(t, req.params.id);
    const result = await settings.update(t, p, req.body ?? {}, actor(req));
    if (result.ok) return reply.redirect(`${base(t)}?gespeichert=1`, 303);
    return sendPage(ctx, req, reply, { title: `Fehler: ${p.label}`, tenant: t, area: "staff", breadcrumbs: crumbs(t, p.label), status: 400 }, <ProviderForm tenant={t} kind={p.config.kind} provider={p} values={{ ...providerValues(p), ...strings(req.body) }} errors={result.errors} csrf={req.session!.csrfToken} />);
  });
  for (const [action, enabled] of [["einschalten", true], ["abschalten", false]] as const) {
    app.post<IP>(`/:tenant/verwaltung/anmeldedienste/:id/${action}`, { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
      const t = req.tenant!;
      await settings.setEnabled(t, await providerOf(t, req.params.id), enabled, actor(req));
      return reply.redirect(`${base(t)}?gespeichert=1`, 303);
    });
  }
}
