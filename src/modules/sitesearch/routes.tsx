import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { readSearchInput, searchKinds, siteSearch } from "./service.js";
import { SearchPage, hitCountText } from "./views.js";

/**
 * The index is written by the modules in the same transactions that bump the content version,
 * but some writes come from background jobs (the service catalogue's reindex runs after its
 * bump): a cached result page is re-rendered at least this often, so it is never stale for long.
 */
const RESULT_PAGE_TTL_MS = 5 * 60 * 1000;

type Q = { Params: { tenant: string }; Querystring: Record<string, unknown> };

/** GET /{slug}/suche?q=…&art=…: the site-wide search over every kind of public document the modules registered. */
export function registerSiteSearchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const crumbs = (t: Tenant) => [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Suche" }];

  app.get<Q>("/:tenant/suche", (req, reply) => {
    const t = tenantOf(req);
    const kinds = searchKinds(ctx);
    const { input, errors } = readSearchInput(req.query, kinds);
    const staff = req.session?.kind === "staff";
    if (Object.keys(errors).length > 0) {
      // field names and the query's length only: a query may carry personal words
      req.log.info({ fields: Object.keys(errors), qLength: input.q.length }, "sitesearch: invalid query");
      return sendPage(ctx, req, reply, { title: "Fehler: Suche", tenant: t, status: 422, breadcrumbs: crumbs(t) }, <SearchPage tenant={t} kinds={kinds} input={input} errors={errors} result={undefined} staff={staff} />);
    }
    return sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const result = input.q ? await siteSearch(ctx, t.id, input, kinds) : undefined;
        return {
          opts: { title: result ? `Suche: ${hitCountText(input.q, result)}` : "Suche", tenant: t, breadcrumbs: crumbs(t) },
          body: <SearchPage tenant={t} kinds={kinds} input={input} errors={{}} result={result} staff={staff} />,
        };
      },
      { ttlMs: RESULT_PAGE_TTL_MS },
    );
  });
}
