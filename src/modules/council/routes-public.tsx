import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { can } from "../../platform/auth/permissions.js";
import { UUID_RE } from "../../platform/ids.js";
import type { CouncilService } from "./service.js";
import { SEARCH_TYPES } from "./service.js";
import { CouncilPublicStore } from "./public-store.js";
import { PUBLIC, type Viewer } from "./visibility.js";
import { Invisible, PortalData, Withdrawn, type Base } from "./views/public/model.js";
import { WithdrawnPage } from "./views/public/common.js";
import { berlinMonth, isDay, isMonth, monthLabel, monthRange, ratPath } from "./views/public/format.js";
import { CalendarPage, MeetingPageView, meetingBodies } from "./views/public/meetings.js";
import { PaperListPage, PaperPageView } from "./views/public/papers.js";
import { BodiesPage, BodyPageView, PersonPageView } from "./views/public/bodies.js";
import { OverviewPage } from "./views/public/overview.js";
import { SEARCH_KINDS, SearchPage, type SearchParams } from "./views/public/search.js";

/** Pages whose content moves with the clock (next meetings, the current month) are re-rendered at least this often. */
const TIME_DEPENDENT_TTL_MS = 10 * 60 * 1000;
const PAPERS_PER_PAGE = 25;
const OVERVIEW_ITEMS = 5;
const SEARCH_LIMIT = 50;

type Rendered = { title: string; crumbs?: Crumb[]; body: Child };
type Q = Record<string, unknown>;

const str = (q: Q, k: string) => (typeof q[k] === "string" ? (q[k] as string).trim() : "");

/**
 * The public council portal under /{slug}/rat/: overview, meeting calendar and pages, papers,
 * bodies, persons, file downloads and search. Anonymous pages come from the render cache
 * (invalidated by the content version the service bumps on every publication); council members
 * and the Sitzungsdienst, who see more, always get a fresh render. What anybody sees is decided
 * in visibility.ts (through views/public/model.ts).
 */
export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext, council: CouncilService): void {
  const data = new PortalData(council, new CouncilPublicStore(ctx.db));

  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };

  /** No staff session: the public. A staff session: a council member, the Sitzungsdienst, or (other staff) the public. */
  const viewerOf = async (req: FastifyRequest, t: Tenant): Promise<Viewer> => {
    if (!req.staff || req.session?.kind !== "staff") return PUBLIC;
    return council.viewerFor(t.id, req.staff, can(req.staff, t.id, "sitzungsdienst"));
  };

  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Ratsinformation", href: ratPath(t) }, ...rest];

  /**
   * A portal page: cached for anonymous visitors, fresh for everybody else. A withdrawn paper or
   * meeting answers 410 with a short explanation (never cached), anything not visible 404.
   */
  const portalPage = (req: FastifyRequest, reply: FastifyReply, render: (t: Tenant, b: Base) => Promise<Rendered>, options: { ttlMs?: number } = {}) => {
    const sent = sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const t = tenantOf(req);
        const b = await data.base(t.id, await viewerOf(req, t), ctx.clock.now());
        try {
          const r = await render(t, b);
          return { opts: { title: r.title, tenant: t, breadcrumbs: r.crumbs ?? crumbs(t, { label: r.title }) }, body: r.body };
        } catch (e) {
          if (e instanceof Invisible) throw notFound(e.what === "paper" ? "Diese Vorlage" : e.what === "meeting" ? "Diese Sitzung" : e.what === "person" ? "Diese Person" : "Dieses Gremium");
          throw e;
        }
      },
      options,
    );
    return sent?.catch((e: unknown) => {
      if (!(e instanceof Withdrawn)) throw e;
      const t = tenantOf(req);
      req.log.info({ kind: e.kind }, "council: withdrawn object requested");
      const title = e.kind === "paper" ? "Vorlage zurückgezogen" : "Sitzung zurückgezogen";
      return sendPage(ctx, req, reply, { title, tenant: t, status: 410, breadcrumbs: crumbs(t, { label: title }) }, <WithdrawnPage tenant={t} kind={e.kind} />);
    });
  };

  /** A page with input errors: 422, rendered for this request only (never cached). */
  const invalidPage = async (req: FastifyRequest, reply: FastifyReply, render: (t: Tenant, b: Base) => Promise<Rendered>, errors: FieldErrors) => {
    const t = tenantOf(req);
    req.log.info({ fields: Object.keys(errors), url: req.url.split("?")[0] }, "council portal: invalid query");
    const b = await data.base(t.id, await viewerOf(req, t), ctx.clock.now());
    const r = await render(t, b);
    return sendPage(ctx, req, reply, { title: `Fehler: ${r.title}`, tenant: t, status: 422, breadcrumbs: r.crumbs ?? crumbs(t, { label: r.title }) }, r.body);
  };

  const requireId = (id: string, what: string) => {
    if (!UUID_RE.test(id)) throw notFound(what);
    return id;
  };

  // ---- overview --------------------------------------------------------------------------------

  app.get<{ Params: { tenant: string } }>("/:tenant/rat", (req, reply) => reply.redirect(ratPath(tenantOf(req)), 301));

  app.get<{ Params: { tenant: string } }>("/:tenant/rat/", (req, reply) =>
    portalPage(
      req,
      reply,
      async (t, b) => {
        const [next, papers] = await Promise.all([data.meetingList(b, { from: b.now, limit: OVERVIEW_ITEMS }), data.publicPapers(b, OVERVIEW_ITEMS)]);
        return { title: "Ratsinformation", crumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Ratsinformation" }], body: <OverviewPage tenant={t} viewer={b.viewer} next={next} papers={papers} orgs={[...b.orgs.values()]} /> };
      },
      { ttlMs: TIME_DEPENDENT_TTL_MS },
    ),
  );

  // ---- meetings --------------------------------------------------------------------------------

  app.get<{ Params: { tenant: string }; Querystring: Q }>("/:tenant/rat/sitzungen", (req, reply) => {
    const monthInput = str(req.query, "monat");
    const gremium = str(req.query, "gremium");
    const errors: FieldErrors = {};
    if (monthInput && !isMonth(monthInput)) errors.monat = "Bitte geben Sie den Monat im Format JJJJ-MM an, zum Beispiel 2026-12.";
    if (gremium && !UUID_RE.test(gremium)) errors.gremium = "Dieses Gremium gibt es nicht. Bitte wählen Sie ein Gremium aus der Liste.";
    const render = async (t: Tenant, b: Base): Promise<Rendered> => {
      const month = monthInput && !errors.monat ? monthInput : berlinMonth(ctx.clock.now());
      const bodies = meetingBodies(b.orgs.values());
      const org = gremium && !errors.gremium ? bodies.find((o) => o.id === gremium) : undefined;
      if (gremium && !errors.gremium && !org) errors.gremium = "Dieses Gremium gibt es nicht. Bitte wählen Sie ein Gremium aus der Liste.";
      const invalid = Object.keys(errors).length > 0;
      const entries = invalid ? [] : await data.meetingList(b, { ...monthRange(month), organizationId: org?.id });
      const title = `Sitzungskalender ${monthLabel(month)}`;
      return {
        title,
        crumbs: crumbs(t, { label: "Sitzungskalender", href: ratPath(t, "sitzungen") }, { label: monthLabel(month) }),
        body: <CalendarPage tenant={t} viewer={b.viewer} month={month} monthInput={monthInput} organization={org} bodies={bodies} entries={entries} errors={errors} />,
      };
    };
    if (Object.keys(errors).length > 0) return invalidPage(req, reply, render, errors);
    // An unknown body is found only while rendering: then the page is the 422 one.
    return portalPage(req, reply, async (t, b) => {
      const r = await render(t, b);
      if (Object.keys(errors).length > 0) throw new InvalidQuery();
      return r;
    }, monthInput ? {} : { ttlMs: TIME_DEPENDENT_TTL_MS })?.catch((e: unknown) => {
      if (e instanceof InvalidQuery) return invalidPage(req, reply, render, errors);
      throw e;
    });
  });

  app.get<{ Params: { tenant: string; id: string } }>("/:tenant/rat/sitzungen/:id", (req, reply) =>
    portalPage(req, reply, async (t, b) => {
      const page = await data.meetingPage(b, requireId(req.params.id, "Diese Sitzung"));
      const m = page.entry.meeting;
      const title = page.entry.view === "full" ? m.name : "Nichtöffentliche Sitzung";
      const month = berlinMonth(new Date(m.start_at));
      return {
        title,
        crumbs: crumbs(t, { label: "Sitzungskalender", href: ratPath(t, "sitzungen") }, { label: monthLabel(month), href: `${ratPath(t, "sitzungen")}?monat=${month}` }, { label: title }),
        body: <MeetingPageView tenant={t} viewer={b.viewer} page={page} />,
      };
    }),
  );

  // ---- papers ----------------------------------------------------------------------------------

  app.get<{ Params: { tenant: string }; Querystring: Q }>("/:tenant/rat/vorlagen", (req, reply) =>
    portalPage(req, reply, async (t, b) => {
      const weiter = str(req.query, "weiter");
      let after: { publishedAt: string; id: string } | undefined;
      if (weiter) {
        const last = UUID_RE.test(weiter) ? await council.store.paper(t.id, weiter) : undefined;
        if (!last || !last.published_at) throw notFound("Diese Seite der Vorlagenliste");
        after = { publishedAt: last.published_at, id: last.id };
      }
      const rows = await data.publicPapers(b, PAPERS_PER_PAGE + 1, after);
      const papers = rows.slice(0, PAPERS_PER_PAGE);
      const nextHref = rows.length > PAPERS_PER_PAGE ? `${ratPath(t, "vorlagen")}?weiter=${papers.at(-1)!.id}` : undefined;
      return { title: "Vorlagen", body: <PaperListPage tenant={t} viewer={b.viewer} papers={papers} nextHref={nextHref} continued={!!after} /> };
    }),
  );

  app.get<{ Params: { tenant: string; id: string } }>("/:tenant/rat/vorlagen/:id", (req, reply) =>
    portalPage(req, reply, async (t, b) => {
      const page = await data.paperPage(b, requireId(req.params.id, "Diese Vorlage"));
      return {
        title: page.paper.name,
        crumbs: crumbs(t, { label: "Vorlagen", href: ratPath(t, "vorlagen") }, { label: page.paper.reference }),
        body: <PaperPageView tenant={t} viewer={b.viewer} page={page} />,
      };
    }),
  );

  // ---- bodies and persons ----------------------------------------------------------------------

  app.get<{ Params: { tenant: string } }>("/:tenant/rat/gremien", (req, reply) =>
    portalPage(req, reply, async (t, b) => ({ title: "Gremien", body: <BodiesPage tenant={t} viewer={b.viewer} orgs={[...b.orgs.values()]} /> })),
  );

  app.get<{ Params: { tenant: string; id: string } }>("/:tenant/rat/gremien/:id", (req, reply) =>
    portalPage(
      req,
      reply,
      async (t, b) => {
        const page = await data.bodyPage(b, requireId(req.params.id, "Dieses Gremium"));
        return { title: page.org.name, crumbs: crumbs(t, { label: "Gremien", href: ratPath(t, "gremien") }, { label: page.org.name }), body: <BodyPageView tenant={t} viewer={b.viewer} page={page} /> };
      },
      { ttlMs: TIME_DEPENDENT_TTL_MS },
    ),
  );

  app.get<{ Params: { tenant: string; id: string } }>("/:tenant/rat/personen/:id", (req, reply) =>
    portalPage(req, reply, async (t, b) => {
      const page = await data.personPage(b, requireId(req.params.id, "Diese Person"));
      const name = `${page.person.given_name} ${page.person.family_name}`;
      return { title: name, crumbs: crumbs(t, { label: "Gremien", href: ratPath(t, "gremien") }, { label: name }), body: <PersonPageView tenant={t} viewer={b.viewer} page={page} /> };
    }),
  );

  // ---- files -----------------------------------------------------------------------------------

  app.get<{ Params: { tenant: string; fileId: string; fileName: string } }>("/:tenant/rat/dokumente/:fileId/:fileName", async (req, reply) => {
    const t = tenantOf(req);
    const id = requireId(req.params.fileId, "Dieses Dokument");
    const file = await council.store.file(t.id, id);
    if (!file) throw notFound("Dieses Dokument");
    const b = await data.base(t.id, await viewerOf(req, t), ctx.clock.now());
    const access = await data.fileAccess(b, file);
    if (!access.visible) throw notFound("Dieses Dokument");
    // One stable address per file: another name in the path leads to the right one.
    if (req.params.fileName !== file.file_name) return reply.redirect(ratPath(t, `dokumente/${file.id}/${encodeURIComponent(file.file_name)}`), 301);
    reply.header("x-content-type-options", "nosniff").header("content-disposition", inlineDisposition(file.file_name));
    if (access.isPublic) {
      const etag = `"${file.sha1}"`;
      reply.header("cache-control", "public, no-cache").header("etag", etag);
      if (req.headers["if-none-match"] === etag) return reply.code(304).send();
    } else {
      reply.header("cache-control", "private, no-store");
    }
    return reply.type("application/pdf").send(await ctx.storage.read(file.storage_key));
  });

  // ---- search ----------------------------------------------------------------------------------

  app.get<{ Params: { tenant: string }; Querystring: Q }>("/:tenant/rat/suche", (req, reply) => {
    const params: SearchParams = { q: str(req.query, "q").slice(0, 200), art: str(req.query, "art"), gremium: str(req.query, "gremium"), von: str(req.query, "von"), bis: str(req.query, "bis") };
    const errors: FieldErrors = {};
    if (params.art && !(SEARCH_KINDS as readonly string[]).includes(params.art)) errors.art = "Bitte wählen Sie eine Art aus der Liste.";
    if (params.gremium && !UUID_RE.test(params.gremium)) errors.gremium = "Dieses Gremium gibt es nicht. Bitte wählen Sie ein Gremium aus der Liste.";
    if (params.von && !isDay(params.von)) errors.von = "Bitte geben Sie das Datum „von“ als Jahr-Monat-Tag an, zum Beispiel 2026-01-31.";
    if (params.bis && !isDay(params.bis)) errors.bis = "Bitte geben Sie das Datum „bis“ als Jahr-Monat-Tag an, zum Beispiel 2026-12-31.";
    if (!errors.von && !errors.bis && params.von && params.bis && params.von > params.bis) errors.bis = "Das Datum „bis“ liegt vor dem Datum „von“. Bitte prüfen Sie den Zeitraum.";
    const render = async (t: Tenant, b: Base): Promise<Rendered> => {
      const bodies = meetingBodies(b.orgs.values());
      if (params.gremium && !errors.gremium && !b.orgs.has(params.gremium)) errors.gremium = "Dieses Gremium gibt es nicht. Bitte wählen Sie ein Gremium aus der Liste.";
      const valid = Object.keys(errors).length === 0;
      const hits =
        valid && params.q
          ? await council.search.query(t.id, params.q, {
              types: Object.values(SEARCH_TYPES),
              facets: [...(params.art ? [`kind:${params.art}`] : []), ...(params.gremium ? [`org:${params.gremium}`] : [])],
              ...(params.von ? { from: params.von } : {}),
              ...(params.bis ? { to: params.bis } : {}),
              limit: SEARCH_LIMIT,
            })
          : undefined;
      const title = params.q && valid ? `Suche: ${params.q}` : "Suche";
      return {
        title,
        crumbs: crumbs(t, { label: "Suche" }),
        body: <SearchPage tenant={t} viewer={b.viewer} params={params} bodies={bodies} errors={errors} hits={hits} limit={SEARCH_LIMIT} />,
      };
    };
    if (Object.keys(errors).length > 0) return invalidPage(req, reply, render, errors);
    return portalPage(req, reply, async (t, b) => {
      const r = await render(t, b);
      if (Object.keys(errors).length > 0) throw new InvalidQuery();
      return r;
    })?.catch((e: unknown) => {
      if (e instanceof InvalidQuery) return invalidPage(req, reply, render, errors);
      throw e;
    });
  });
}

/** A query found invalid only while rendering (an unknown body): the request is answered with the 422 page instead. */
class InvalidQuery extends Error {}

/** `inline` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 5987). */
function inlineDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
