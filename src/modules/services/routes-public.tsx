import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendCachedPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { csrfToken, FORM_PAGE_TTL_MS } from "../../platform/http/csrf.js";
import type { ServiceCatalogue } from "./service.js";
import { AREA_LABELS, LIFE_SITUATION_LABELS } from "./labels.js";
import { CatalogueIndex, SearchResults, ServiceGroupPage, ServicePage } from "./views/public.js";

type P = { Params: { tenant: string } };
const has = (o: Record<string, string>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext, catalogue: ServiceCatalogue): void {
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const crumbs = (t: Tenant, label?: string) => [
    { label: "Startseite", href: `/${t.slug}/` },
    { label: "Digitales Rathaus", href: `/${t.slug}/dienste/` },
    ...(label ? [{ label }] : []),
  ];

  app.get<P>("/:tenant/dienste", async (req, reply) => {
    const t = tenantOf(req);
    return reply.redirect(`/${t.slug}/dienste/`, 301);
  });

  app.get<P>("/:tenant/dienste/", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      return {
        opts: { title: "Digitales Rathaus", tenant: t, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Digitales Rathaus" }] },
        body: <CatalogueIndex tenant={t} services={await catalogue.enabledServices(t.id)} />,
      };
    }),
  );

  app.get<{ Params: { tenant: string; area: string } }>("/:tenant/dienste/bereich/:area", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const area = req.params.area;
      if (!has(AREA_LABELS, area)) throw notFound("Dieser Bereich");
      const label = AREA_LABELS[area]!;
      const services = (await catalogue.enabledServices(t.id)).filter((s) => s.area === area);
      return {
        opts: { title: `${label} – Online-Dienste`, tenant: t, breadcrumbs: crumbs(t, label) },
        body: <ServiceGroupPage tenant={t} title={`Online-Dienste: ${label}`} intro={`Anträge und Meldungen im Bereich ${label}, die Sie bei der ${t.kind} ${t.name} online erledigen können.`} services={services} />,
      };
    }),
  );

  app.get<{ Params: { tenant: string; key: string } }>("/:tenant/dienste/lebenslage/:key", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const key = req.params.key;
      if (!has(LIFE_SITUATION_LABELS, key)) throw notFound("Diese Lebenslage");
      const label = LIFE_SITUATION_LABELS[key]!;
      const services = (await catalogue.enabledServices(t.id)).filter((s) => s.lifeSituations?.includes(key));
      return {
        opts: { title: `Lebenslage ${label}`, tenant: t, breadcrumbs: crumbs(t, `Lebenslage: ${label}`) },
        body: <ServiceGroupPage tenant={t} title={`Lebenslage: ${label}`} intro={`Online-Dienste der ${t.kind} ${t.name}, die Sie in der Lebenslage „${label}“ brauchen können.`} services={services} />,
      };
    }),
  );

  app.get<P & { Querystring: { q?: string } }>("/:tenant/dienste/suche", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const q = typeof req.query.q === "string" ? req.query.q.trim().slice(0, 200) : "";
      const hits = q ? await catalogue.search(t.id, q) : [];
      return {
        opts: { title: q ? `Suche: ${q}` : "Leistungen suchen", tenant: t, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Online-Dienste", href: `/${t.slug}/dienste/` }, { label: "Suche" }] },
        body: <SearchResults tenant={t} q={q} hits={hits} />,
      };
    }),
  );

  app.get<{ Params: { tenant: string; serviceId: string } }>("/:tenant/dienste/:serviceId", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const service = await catalogue.service(t.id, req.params.serviceId);
      if (!service) throw notFound("Dieser Online-Dienst");
      const department = await catalogue.department(t.id, service.id);
      return {
        opts: { title: service.title, tenant: t, breadcrumbs: [...crumbs(t), { label: AREA_LABELS[service.area] ?? service.area, href: `/${t.slug}/dienste/bereich/${service.area}` }, { label: service.title }] },
        body: <ServicePage tenant={t} service={service} department={department} rathausContactHref={`/${t.slug}/kontakt`} start={{ action: `/${t.slug}/dienste/${service.id}/antrag`, csrf: csrfToken(ctx, req, `/${t.slug}/dienste/${service.id}/antrag`), pdfHref: `/${t.slug}/dienste/${service.id}/pdf-formular` }} />,
      };
    }, { ttlMs: FORM_PAGE_TTL_MS }),
  );
}
