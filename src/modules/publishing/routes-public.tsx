import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { lastModifiedFromBody } from "../../platform/http/last-modified.js";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import type { Crumb } from "../../platform/ui/layout.js";
import { sendCached, sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { can } from "../../platform/auth/permissions.js";
import { UUID_RE } from "../../platform/ids.js";
import { berlinToInstant } from "../../platform/clock.js";
import { publishingService } from "./service.js";
import type { ItemKind, ItemRow } from "./store.js";
import { feedLastModified, feedUrn, renderAtom, renderRss, type Feed } from "./feeds.js";
import { AnnouncementsPage, ItemPage, NewsListPage, announcementsPath, itemPath, newsPath, type ItemPageData } from "./views/public.js";

const PER_PAGE = 10;
const FEED_ENTRIES = 50;
const RSS = "application/rss+xml; charset=utf-8";
const ATOM = "application/atom+xml; charset=utf-8";
type Q = Record<string, unknown>;
const str = (q: Q, k: string) => (typeof q[k] === "string" ? (q[k] as string).trim() : "");

const lastModified = lastModifiedFromBody(feedLastModified);

/**
 * Public pages: news (list with category filter and paging, item pages), announcements (current,
 * archive by year, item pages with their legal date), attachments, RSS and Atom feeds. Anonymous
 * responses come from the render cache; they live until the next scheduled change of the town's
 * items (an item appearing or expiring), so time alone changes what is shown.
 */
export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const s = publishingService(ctx);
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Startseite", href: `/${t.slug}/` }, ...rest];
  /** Milliseconds until the town's next scheduled change (undefined: none pending). */
  const ttlUntilNextChange = async (tenantId: string, now: string, kind?: ItemKind) => {
    const next = await s.store.nextChange(tenantId, now, kind);
    return next ? Math.max(1000, Date.parse(next) - Date.parse(now)) : undefined;
  };

  /** A cached anonymous page whose lifetime the render decides. */
  const cachedPage = (req: FastifyRequest, reply: FastifyReply, render: (t: Tenant, now: string) => Promise<{ title: string; crumbs: Crumb[]; body: ReturnType<typeof h> }>) => {
    let ttlMs: number | undefined;
    return sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const t = tenantOf(req);
        const now = s.now();
        const r = await render(t, now);
        ttlMs = await ttlUntilNextChange(t.id, now);
        return { opts: { title: r.title, tenant: t, breadcrumbs: r.crumbs }, body: r.body };
      },
      {
        get ttlMs() {
          return ttlMs;
        },
      },
    );
  };

  const invalid = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: ReturnType<typeof h>, errors: FieldErrors) => {
    req.log.info({ fields: Object.keys(errors), url: req.url.split("?")[0] }, "publishing: invalid query");
    return sendPage(ctx, req, reply, { title: `Fehler: ${title}`, tenant: t, status: 422, breadcrumbs: trail }, body);
  };

  const pageData = async (item: ItemRow, now: string): Promise<ItemPageData> => {
    const [attachments, corrections, corrected] = await Promise.all([
      s.store.attachments(item.tenant_id, item.id),
      s.store.corrections(item.tenant_id, item.id),
      item.corrects_id ? s.store.item(item.tenant_id, item.corrects_id) : Promise.resolve(undefined),
    ]);
    return {
      item,
      attachments,
      correctedBy: corrections.filter((c) => s.visibleToPublic(c, now)),
      corrects: corrected && s.visibleToPublic(corrected, now) ? corrected : undefined,
      now,
    };
  };

  // ---- news ----------------------------------------------------------------------------------

  app.get<{ Params: { tenant: string }; Querystring: Q }>("/:tenant/aktuelles", async (req, reply) => {
    const t = tenantOf(req);
    const category = str(req.query, "kategorie").slice(0, 60);
    const seite = str(req.query, "seite");
    const errors: FieldErrors = {};
    if (seite && !/^[1-9]\d{0,4}$/.test(seite)) errors.seite = "Die Seitenzahl muss eine ganze Zahl ab 1 sein.";
    const page = errors.seite ? 1 : Number(seite || "1");
    const now = s.now();
    const categories = await s.store.publicCategories(t.id, "news", now);
    if (category && !categories.includes(category)) errors.kategorie = "Diese Kategorie gibt es unter den aktuellen Meldungen nicht. Bitte wählen Sie eine Kategorie aus der Liste.";
    const trail = crumbs(t, { label: "Aktuelles" });
    if (Object.keys(errors).length) return invalid(req, reply, t, "Aktuelles", trail, <NewsListPage tenant={t} items={[]} categories={categories} category={category} page={1} pages={1} errors={errors} />, errors);
    return cachedPage(req, reply, async (t, now) => {
      const total = await s.store.countPublic(t.id, "news", now, category || undefined);
      const pages = Math.max(1, Math.ceil(total / PER_PAGE));
      if (page > pages) throw notFound("Diese Seite der Meldungen");
      const items = await s.store.publicItems(t.id, "news", now, { category: category || undefined, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
      return { title: category ? `Aktuelles: ${category}` : "Aktuelles", crumbs: trail, body: <NewsListPage tenant={t} items={items} categories={categories} category={category} page={page} pages={pages} errors={{}} /> };
    });
  });

  const itemRoute = (kind: ItemKind) => (req: FastifyRequest<{ Params: { tenant: string; id: string } }>, reply: FastifyReply) => {
    tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Dieser Beitrag");
    return cachedPage(req, reply, async (t, now) => {
      const item = await s.store.item(t.id, req.params.id);
      if (!item || !s.visibleToPublic(item, now)) throw notFound("Dieser Beitrag");
      if (item.kind !== kind) throw new Redirect(itemPath(t, item));
      const list: Crumb = kind === "news" ? { label: "Aktuelles", href: newsPath(t) } : { label: "Bekanntmachungen", href: announcementsPath(t) };
      return { title: item.title, crumbs: crumbs(t, list, { label: item.title }), body: <ItemPage tenant={t} data={await pageData(item, now)} /> };
    })?.catch((e: unknown) => {
      if (e instanceof Redirect) return reply.redirect(e.location, 301);
      throw e;
    });
  };

  app.get<{ Params: { tenant: string; id: string } }>("/:tenant/aktuelles/:id", itemRoute("news"));
  app.get<{ Params: { tenant: string; id: string } }>("/:tenant/bekanntmachungen/:id", itemRoute("announcement"));

  // ---- announcements -------------------------------------------------------------------------

  app.get<{ Params: { tenant: string }; Querystring: Q }>("/:tenant/bekanntmachungen", async (req, reply) => {
    const t = tenantOf(req);
    const jahr = str(req.query, "jahr");
    const now = s.now();
    const years = await s.store.announcementYears(t.id, now);
    const errors: FieldErrors = {};
    if (jahr && !years.includes(jahr)) errors.jahr = /^\d{4}$/.test(jahr) ? `Aus dem Jahr ${jahr} gibt es keine Bekanntmachungen. Bitte wählen Sie ein Jahr aus dem Archiv.` : "Bitte geben Sie das Jahr vierstellig an, zum Beispiel 2026.";
    const trail = crumbs(t, { label: "Bekanntmachungen", href: announcementsPath(t) }, ...(jahr && !errors.jahr ? [{ label: `Archiv ${jahr}` }] : []));
    if (Object.keys(errors).length) return invalid(req, reply, t, "Amtliche Bekanntmachungen", trail, <AnnouncementsPage tenant={t} items={[]} year={null} years={years} errors={errors} />, errors);
    return cachedPage(req, reply, async (t, now) => {
      const items = jahr
        ? await s.store.publicItems(t.id, "announcement", now, { current: false, from: berlinToInstant(`${jahr}-01-01`).toISOString(), to: berlinToInstant(`${Number(jahr) + 1}-01-01`).toISOString(), limit: 1000 })
        : await s.store.publicItems(t.id, "announcement", now, { limit: 200 });
      return { title: jahr ? `Amtliche Bekanntmachungen ${jahr}` : "Amtliche Bekanntmachungen", crumbs: trail, body: <AnnouncementsPage tenant={t} items={items} year={jahr || null} years={years} errors={{}} /> };
    });
  });

  // ---- attachments ---------------------------------------------------------------------------

  app.get<{ Params: { tenant: string; id: string; name: string } }>("/:tenant/aktuelles/anhaenge/:id/:name", async (req, reply) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Dieser Anhang");
    const a = await s.store.attachment(t.id, req.params.id);
    const item = a ? await s.store.item(t.id, a.item_id) : undefined;
    if (!a || !item) throw notFound("Dieser Anhang");
    const isPublicFile = s.visibleToPublic(item);
    // the Redaktion sees the attachments of drafts (preview); nobody else does
    const staffMay = !!req.staff && req.session?.kind === "staff" && can(req.staff, t.id, "redaktion");
    if (!isPublicFile && !staffMay) throw notFound("Dieser Anhang");
    if (req.params.name !== a.file_name) return reply.redirect(newsPath(t, `anhaenge/${a.id}/${a.file_name}`), 301);
    reply.header("x-content-type-options", "nosniff").header("content-disposition", `inline; filename="${a.file_name}"`);
    if (isPublicFile) {
      const etag = `"${a.sha1}"`;
      reply.header("cache-control", "public, no-cache").header("etag", etag);
      if (req.headers["if-none-match"] === etag) return reply.code(304).send();
    } else {
      reply.header("cache-control", "private, no-store");
    }
    return reply.type(a.mime_type).send(await ctx.storage.read(a.storage_key));
  });

  // ---- feeds ---------------------------------------------------------------------------------

  const feedRoute = (kind: ItemKind, format: "rss" | "atom") => (req: FastifyRequest<{ Params: { tenant: string }; Querystring: Q }>, reply: FastifyReply) => {
    const t = tenantOf(req);
    const category = str(req.query, "kategorie").slice(0, 60);
    let ttlMs: number | undefined;
    return sendCached(
      ctx,
      req,
      reply,
      format === "rss" ? RSS : ATOM,
      async () => {
        const now = s.now();
        if (category && !(await s.store.publicCategories(t.id, kind, now, false)).includes(category)) throw notFound("Diese Kategorie");
        const items = await s.store.publicItems(t.id, kind, now, { category: category || undefined, limit: FEED_ENTRIES });
        const last = await s.store.lastPublicChange(t.id, kind, now, category || undefined);
        ttlMs = await ttlUntilNextChange(t.id, now, kind);
        const base = ctx.config.baseUrl.replace(/\/+$/, "");
        const page = kind === "news" ? newsPath(t) : announcementsPath(t);
        const q = category ? `?kategorie=${encodeURIComponent(category)}` : "";
        const what = kind === "news" ? "Aktuelles" : "Amtliche Bekanntmachungen";
        const feed: Feed = {
          id: feedUrn(t.id, kind, category),
          title: `${what} – ${t.kind} ${t.name}${category ? ` – ${category}` : ""}`,
          description: kind === "news" ? `Meldungen aus ${t.name}` : `Amtliche Bekanntmachungen der ${t.kind} ${t.name}`,
          link: `${base}${page}${q}`,
          selfUrl: `${base}${page}.${format}${q}`,
          author: `${t.kind} ${t.name}`,
          updated: new Date(last ?? "2000-01-01T00:00:00Z"),
          entries: items.map((i) => ({
            id: `urn:uuid:${i.id}`,
            title: i.title,
            link: `${base}${itemPath(t, i)}`,
            summary: i.teaser,
            category: i.category,
            published: new Date(i.publish_at!),
            updated: new Date([new Date(i.publish_at!).toISOString(), new Date(i.modified_at).toISOString()].sort()[1]!),
          })),
        };
        return format === "rss" ? renderRss(feed) : renderAtom(feed);
      },
      {
        get ttlMs() {
          return ttlMs;
        },
      },
    );
  };

  const feed = { onSend: lastModified };
  type FP = { Params: { tenant: string }; Querystring: Q };
  app.get<FP>("/:tenant/aktuelles.rss", feed, feedRoute("news", "rss"));
  app.get<FP>("/:tenant/aktuelles.atom", feed, feedRoute("news", "atom"));
  app.get<FP>("/:tenant/bekanntmachungen.rss", feed, feedRoute("announcement", "rss"));
  app.get<FP>("/:tenant/bekanntmachungen.atom", feed, feedRoute("announcement", "atom"));
}

/** An item asked for under the other kind's address: answered with a redirect to its own. */
class Redirect extends Error {
  constructor(readonly location: string) {
    super(location);
  }
}
