import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { lastModifiedFromBody } from "../../platform/http/last-modified.js";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendCached, sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { csrfToken, FORM_PAGE_TTL_MS } from "../../platform/http/csrf.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { PAPER_TYPES, type CouncilService } from "./service.js";
import type { AlertRow } from "./store.js";
import { atomLastModified, calendarLastModified } from "./feeds.js";
import { CouncilFeeds, describeSearch, parseCouncilSearch, searchQueryString, type CouncilSearch } from "./feeds-service.js";
import { councilAlerts } from "./alerts.js";
import { AlertForm, AlertRequested, ConfirmPage, Confirmed, LinkInvalid, UnsubscribePage, Unsubscribed } from "./views/feeds/alerts.js";

type P = { Params: { tenant: string } };
type TokenP = { Params: { tenant: string; token: string } };
type Query = { Querystring: Record<string, unknown> };

const ICS = "text/calendar; charset=utf-8";
const ATOM = "application/atom+xml; charset=utf-8";

/** iCalendar and Atom feeds, e-mail alerts on a saved search (issue 6, item 7). All public: viewer PUBLIC. */
export function registerFeedRoutes(app: FastifyInstance, ctx: AppContext, council: CouncilService): void {
  const feeds = new CouncilFeeds(ctx, council);
  const alerts = councilAlerts(ctx, council);
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const searchOf = async (t: Tenant, query: Record<string, unknown>, forAlert: boolean): Promise<CouncilSearch> => {
    const organizations = await council.store.organizations(t.id);
    const parsed = parseCouncilSearch(forAlert ? { q: query.q, art: query.art, gremium: query.gremium } : query, organizations, { requireQuery: true });
    if (!parsed.ok) throw new HttpError(400, parsed.message, `council feed: bad parameter ${String(parsed.field)}`);
    if (forAlert && parsed.value.art && !(PAPER_TYPES as string[]).includes(parsed.value.art)) {
      throw new HttpError(400, `Benachrichtigungen gibt es für Vorlagen (${PAPER_TYPES.join(", ")}), nicht für „${parsed.value.art}“.`, "council alert: art is no paper type");
    }
    return parsed.value;
  };
  const crumbs = (t: Tenant, label: string) => [
    { label: "Startseite", href: `/${t.slug}/` },
    { label: "Ratsinformation", href: `/${t.slug}/rat/` },
    { label },
  ];

  // ---- feeds (anonymous, render cache with ETag by content version, Last-Modified from the feed) ----

  const ics = { onSend: lastModifiedFromBody(calendarLastModified) };
  const atom = { onSend: lastModifiedFromBody(atomLastModified) };

  app.get<P>("/:tenant/rat/kalender.ics", ics, (req, reply) => {
    const t = tenantOf(req);
    return sendCached(ctx, req, reply, ICS, async () => (await feeds.calendar(t))!);
  });

  app.get<{ Params: { tenant: string; orgId: string } }>("/:tenant/rat/gremien/:orgId/kalender.ics", ics, (req, reply) => {
    const t = tenantOf(req);
    return sendCached(ctx, req, reply, ICS, async () => {
      const body = await feeds.calendar(t, req.params.orgId);
      if (body === undefined) throw notFound("Dieses Gremium");
      return body;
    });
  });

  app.get<P>("/:tenant/rat/vorlagen.atom", atom, (req, reply) => {
    const t = tenantOf(req);
    return sendCached(ctx, req, reply, ATOM, () => feeds.papersFeed(t));
  });

  // The search is validated on a cache miss only: a bad URL throws before anything is cached.
  app.get<P & Query>("/:tenant/rat/suche.atom", atom, (req, reply) => {
    const t = tenantOf(req);
    return sendCached(ctx, req, reply, ATOM, async () => feeds.searchFeed(t, await searchOf(t, req.query, false)));
  });

  // ---- e-mail alerts ------------------------------------------------------------------------

  const formPath = (t: Tenant) => `/${t.slug}/rat/benachrichtigungen`;
  const alertForm = async (req: FastifyRequest, t: Tenant, search: CouncilSearch, email: string, errors: Record<string, string>) => ({
    search,
    words: describeSearch(search, await council.store.organizations(t.id)),
    csrf: csrfToken(ctx, req, formPath(t)),
    email,
    errors,
    feedUrl: `/${t.slug}/rat/suche.atom?${searchQueryString(search)}`,
  });

  app.get<P & Query>("/:tenant/rat/benachrichtigungen", (req, reply) =>
    sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const t = tenantOf(req);
        const f = await alertForm(req, t, await searchOf(t, req.query, true), "", {});
        return { opts: { title: "Benachrichtigung per E-Mail", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung") }, body: <AlertForm tenant={t} {...f} /> };
      },
      { ttlMs: FORM_PAGE_TTL_MS },
    ),
  );

  app.post<P & { Body: Record<string, unknown> }>("/:tenant/rat/benachrichtigungen", { bodyLimit: 16 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const search = await searchOf(t, body, true);
    const organizations = await council.store.organizations(t.id);
    const email = typeof body.email === "string" ? body.email : "";
    const result = await alerts.subscribe(t, email, search, organizations);
    if (!result.ok) {
      req.log.info({ fields: Object.keys(result.errors) }, "council alert rejected: invalid input");
      const f = await alertForm(req, t, search, email, result.errors);
      return sendPage(ctx, req, reply, { title: "Fehler: Benachrichtigung per E-Mail", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung"), status: 422 }, <AlertForm tenant={t} {...f} />);
    }
    return sendPage(ctx, req, reply, { title: "Bitte bestätigen Sie Ihre E-Mail-Adresse", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung") }, <AlertRequested tenant={t} words={describeSearch(search, organizations)} />);
  });

  /** The alert of a link, or a 404 page saying the link no longer works. Pages with a token in the URL are never cached or indexed. */
  const withAlert = async (req: FastifyRequest<TokenP>, reply: FastifyReply, then: (t: Tenant, alert: AlertRow, words: string) => Promise<FastifyReply>) => {
    const t = tenantOf(req);
    reply.header("x-robots-tag", "noindex");
    const alert = await alerts.byToken(t, req.params.token);
    if (!alert) {
      req.log.info("council alert link unknown or expired");
      return sendPage(ctx, req, reply, { title: "Link ungültig", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung"), status: 404 }, <LinkInvalid tenant={t} />);
    }
    return then(t, alert, describeSearch(alerts.savedSearch(alert), await council.store.organizations(t.id)));
  };
  const confirmPath = (t: Tenant, token: string) => `/${t.slug}/rat/benachrichtigungen/bestaetigen/${token}`;
  const unsubscribePath = (t: Tenant, token: string) => `/${t.slug}/rat/benachrichtigungen/abmelden/${token}`;

  // GET never changes anything: mail scanners open links. The button POSTs.
  app.get<TokenP>("/:tenant/rat/benachrichtigungen/bestaetigen/:token", (req, reply) =>
    withAlert(req, reply, async (t, alert, words) => {
      const action = confirmPath(t, req.params.token);
      return sendPage(ctx, req, reply, { title: "Benachrichtigung bestätigen", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung") }, <ConfirmPage tenant={t} words={words} action={action} csrf={csrfToken(ctx, req, action)} confirmed={!!alert.confirmed_at} />);
    }),
  );

  app.post<TokenP>("/:tenant/rat/benachrichtigungen/bestaetigen/:token", { bodyLimit: 4 * 1024 }, (req, reply) =>
    withAlert(req, reply, async (t, alert, words) => {
      await alerts.confirm(t, alert);
      return sendPage(ctx, req, reply, { title: "Benachrichtigung bestätigt", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung") }, <Confirmed tenant={t} words={words} unsubscribeUrl={unsubscribePath(t, req.params.token)} />);
    }),
  );

  app.get<TokenP>("/:tenant/rat/benachrichtigungen/abmelden/:token", (req, reply) =>
    withAlert(req, reply, async (t, _alert, words) => {
      const action = unsubscribePath(t, req.params.token);
      return sendPage(ctx, req, reply, { title: "Benachrichtigung abbestellen", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung") }, <UnsubscribePage tenant={t} words={words} action={action} csrf={csrfToken(ctx, req, action)} />);
    }),
  );

  // csrf: false — RFC 8058 one-click: the mail provider POSTs "List-Unsubscribe=One-Click" from its own
  // servers without our form token. The 256-bit secret token in the URL is the authorisation, and
  // the only effect is that its owner stops getting mail.
  app.post<TokenP>("/:tenant/rat/benachrichtigungen/abmelden/:token", { config: { csrf: false }, bodyLimit: 4 * 1024 }, (req, reply) =>
    withAlert(req, reply, async (t, alert) => {
      await alerts.unsubscribe(t, alert);
      return sendPage(ctx, req, reply, { title: "Benachrichtigung abbestellt", tenant: t, breadcrumbs: crumbs(t, "Benachrichtigung") }, <Unsubscribed tenant={t} />);
    }),
  );
}
