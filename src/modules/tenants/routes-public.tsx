import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendCached, sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { csrfToken, FORM_PAGE_TTL_MS } from "../../platform/http/csrf.js";
import { notFound } from "../../platform/http/errors.js";
import type { TenantService } from "./service.js";
import type { TenantProfile } from "./store.js";
import { RESPONSIBILITY_LABELS } from "./responsibilities.js";
import { BarrierReportForm, BarrierReportThanks, ContactPage, DepartmentPage, Home, MunicipalityList, SignLanguagePage, TextPage, type BarrierFormValues } from "./views/public.js";

type TenantParams = { Params: { tenant: string } };

export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext, service: TenantService): void {
  const profileOf = async (req: FastifyRequest): Promise<TenantProfile> => {
    const t = req.tenant;
    const profile = t ? await service.store.profile(t.id) : undefined;
    if (!profile) throw notFound("Diese Kommune");
    return profile;
  };
  const crumbs = (t: TenantProfile, label: string) => [{ label: "Startseite", href: `/${t.slug}/` }, { label }];

  app.get("/", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => ({
      opts: { title: "Kommunen" },
      body: <MunicipalityList tenants={await service.store.listAll()} />,
    })),
  );

  app.get<TenantParams>("/:tenant", async (req, reply) => {
    await profileOf(req);
    return reply.redirect(`/${req.params.tenant}/`, 301);
  });

  app.get<TenantParams>("/:tenant/", (req, reply) => {
    // Sections from the modules (news, upcoming meetings …) depend on the time: the cached page lives
    // only as long as its shortest-lived section stays true.
    let validForMs: number | undefined;
    const render = async () => {
      const t = await profileOf(req);
      const sections = ctx.modules.flatMap((m) => m.navigation ?? []).filter((n) => n.area === "public" && n.path !== "").sort((a, b) => a.order - b.order);
      const now = ctx.clock.now();
      const current = [];
      for (const s of ctx.modules.flatMap((m) => m.homeSections ?? []).sort((a, b) => a.order - b.order)) {
        const r = await s.render(ctx, req.tenant!, now);
        if (!r) continue;
        if (r.validForMs !== undefined) validForMs = Math.min(validForMs ?? Infinity, Math.max(1000, r.validForMs));
        current.push(r);
      }
      return { opts: { title: "Startseite", tenant: req.tenant }, body: <Home tenant={t} sections={sections} current={current} /> };
    };
    // the render decides the lifetime, so render first on a miss (sendCachedPage asks for it lazily)
    return sendCachedPage(ctx, req, reply, render, {
      get ttlMs() {
        return validForMs;
      },
    });
  });

  // Assets on every page: the municipality comes from the in-memory directory, the profile is read only on a cache miss.
  app.get<TenantParams>("/:tenant/wappen.svg", (req, reply) => {
    if (!req.tenant) throw notFound("Diese Kommune");
    // An SVG opened directly must never run anything, whatever it contains.
    reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    return sendCached(ctx, req, reply, "image/svg+xml; charset=utf-8", async () => (await profileOf(req)).coatOfArmsSvg);
  });

  app.get<TenantParams>("/:tenant/theme.css", (req, reply) => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return sendCached(ctx, req, reply, "text/css; charset=utf-8", async () => {
      const t = await profileOf(req);
      return themeCss(t.colors.primary, t.colors.secondary);
    });
  });

  app.get<TenantParams>("/:tenant/kontakt", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = await profileOf(req);
      return { opts: { title: "Kontakt und Öffnungszeiten", tenant: req.tenant, breadcrumbs: crumbs(t, "Kontakt") }, body: <ContactPage tenant={t} departments={await service.store.departments(t.id)} /> };
    }),
  );

  app.get<{ Params: { tenant: string; key: string } }>("/:tenant/aemter/:key", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = await profileOf(req);
      const d = await service.store.department(t.id, req.params.key);
      if (!d) throw notFound("Dieses Amt");
      return {
        opts: { title: d.name, tenant: req.tenant, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Kontakt", href: `/${t.slug}/kontakt` }, { label: d.name }] },
        body: <DepartmentPage tenant={t} department={d} responsibilityLabels={RESPONSIBILITY_LABELS} />,
      };
    }),
  );

  const textPages: [string, string, (t: TenantProfile) => string][] = [
    ["impressum", "Impressum", (t) => t.impressum],
    ["datenschutz", "Datenschutzerklärung", (t) => t.datenschutz],
    ["barrierefreiheit", "Erklärung zur Barrierefreiheit", (t) => t.barrierefreiheit],
    ["leichte-sprache", "Leichte Sprache", (t) => t.leichteSprache],
  ];
  for (const [path, title, text] of textPages) {
    app.get<TenantParams>(`/:tenant/${path}`, (req, reply) =>
      sendCachedPage(ctx, req, reply, async () => {
        const t = await profileOf(req);
        return { opts: { title, tenant: req.tenant, breadcrumbs: crumbs(t, title) }, body: <TextPage title={title} text={text(t)} /> };
      }),
    );
  }

  app.get<TenantParams>("/:tenant/gebaerdensprache", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = await profileOf(req);
      return { opts: { title: "Gebärdensprache", tenant: req.tenant, breadcrumbs: crumbs(t, "Gebärdensprache") }, body: <SignLanguagePage tenant={t} /> };
    }),
  );

  app.get<TenantParams>("/:tenant/gebaerdensprache/video", async (req, reply) => {
    const t = await profileOf(req);
    const video = t.gebaerdenspracheVideo;
    if (!video) throw notFound("Das Video");
    reply.header("cache-control", "public, max-age=3600").type(video.contentType);
    return reply.send(await ctx.storage.get(video.key));
  });

  const formPath = (t: TenantProfile) => `/${t.slug}/barrierefreiheit/melden`;
  app.get<TenantParams & { Querystring: { seite?: string } }>("/:tenant/barrierefreiheit/melden", (req, reply) =>
    sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const t = await profileOf(req);
        const values: BarrierFormValues = { pageUrl: typeof req.query.seite === "string" ? req.query.seite.slice(0, 500) : "" };
        return {
          opts: { title: "Barriere melden", tenant: req.tenant, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Barrierefreiheit", href: `/${t.slug}/barrierefreiheit` }, { label: "Barriere melden" }] },
          body: <BarrierReportForm tenant={t} csrf={csrfToken(ctx, req, formPath(t))} values={values} errors={{}} />,
        };
      },
      { ttlMs: FORM_PAGE_TTL_MS },
    ),
  );

  app.post<TenantParams & { Body: Record<string, unknown> }>("/:tenant/barrierefreiheit/melden", { bodyLimit: 32 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await service.reportBarrier(t, body);
    const breadcrumbs = [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Barrierefreiheit", href: `/${t.slug}/barrierefreiheit` }, { label: "Barriere melden" }];
    if (!result.ok) {
      req.log.info({ fields: Object.keys(result.errors) }, "barrier report rejected: invalid input");
      const values: BarrierFormValues = { pageUrl: str(body.pageUrl), description: str(body.description), name: str(body.name), email: str(body.email) };
      return sendPage(ctx, req, reply, { title: "Fehler: Barriere melden", tenant: req.tenant, breadcrumbs, status: 400 }, <BarrierReportForm tenant={t} csrf={csrfToken(ctx, req, formPath(t))} values={values} errors={result.errors} />);
    }
    return sendPage(ctx, req, reply, { title: "Meldung eingegangen", tenant: req.tenant, breadcrumbs }, <BarrierReportThanks tenant={t} reference={result.value.reference} withEmail={!!str(body.email)} />);
  });
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function themeCss(primary: string, secondary: string): string {
  return `:root{--town-primary:${primary};--town-secondary:${secondary};}\n.site-header{border-top:6px solid ${primary};}\n.site-nav{background:${primary};}\n.site-nav__link,.site-nav__link:visited{color:#fff;}\n.site-footer{border-top:4px solid ${primary};}\n`;
}
