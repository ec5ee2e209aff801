import type { FastifyReply, FastifyRequest } from "fastify";
import { h, type SafeHtml, type Child } from "../ui/jsx.js";
import { Layout, type Crumb } from "../ui/layout.js";
import type { AppContext } from "../context.js";
import type { Tenant } from "../tenancy.js";
import { hasRole } from "../auth/accounts.js";
import type { NavEntry } from "../module.js";

declare module "fastify" {
  interface FastifyRequest {
    /** the municipality this request is for (by first path segment or mapped host), resolved once per request */
    tenant: Tenant | undefined;
    /** the content version of everything this page may show; part of the render cache key */
    contentVersion: string;
  }
}

export interface PageOptions {
  title: string;
  tenant?: Tenant | undefined;
  breadcrumbs?: Crumb[];
  area?: "public" | "staff";
  status?: number;
}

export const ASSET_VERSION = "6";

function navFor(ctx: AppContext, req: FastifyRequest, area: "public" | "staff", tenant: Tenant | undefined): NavEntry[] {
  const entries = ctx.modules.flatMap((m) => m.navigation ?? []).filter((n) => n.area === area);
  const visible = area === "staff" ? entries.filter((n) => (tenant ? hasRole(req.staff, tenant.id, n.role) : req.staff?.platformAdmin)) : entries;
  return visible.sort((a, b) => a.order - b.order);
}

/** Renders a whole HTML document in the layout. */
export function renderPage(ctx: AppContext, req: FastifyRequest, opts: PageOptions, body: Child): string {
  const area = opts.area ?? "public";
  const tenant = opts.tenant;
  // Without a municipality there is no public navigation; the platform's staff pages have their own.
  const nav = tenant ? navFor(ctx, req, area, tenant) : area === "staff" ? platformStaffNav(req) : [];
  const doc: SafeHtml = (
    <Layout
      title={opts.title}
      tenant={tenant}
      breadcrumbs={opts.breadcrumbs}
      area={area}
      nav={nav}
      currentPath={req.url.split("?")[0]!}
      staff={req.staff && req.session ? { name: req.staff.name, csrfToken: req.session.csrfToken } : undefined}
      assetVersion={ASSET_VERSION}
      themeVersion={req.contentVersion}
    >
      {body}
    </Layout>
  );
  return doc.html;
}

function platformStaffNav(req: FastifyRequest): NavEntry[] {
  if (!req.staff) return [];
  const nav: NavEntry[] = [{ label: "Übersicht", path: "", area: "staff", order: 0 }];
  if (req.staff.platformAdmin) {
    nav.push(
      { label: "Hintergrundaufgaben", path: "aufgaben", area: "staff", order: 10 },
      { label: "Protokoll", path: "protokoll", area: "staff", order: 20 },
      { label: "Postausgang", path: "postausgang", area: "staff", order: 30 },
    );
  }
  return nav;
}

/** Sends a page rendered for this request only (staff pages, pages with a session, form results). */
export function sendPage(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, opts: PageOptions, body: Child): FastifyReply {
  reply.header("cache-control", "private, no-store");
  return reply.code(opts.status ?? 200).type("text/html; charset=utf-8").send(renderPage(ctx, req, opts, body));
}

/**
 * Serves an anonymous GET page from the render cache (keyed by host, URL and content version,
 * with ETag/304), rendering it once per version. Visitors with a session get a fresh render.
 * `ttlMs` bounds pages whose content depends on time or that carry a stateless form token.
 * A cache hit is answered synchronously (returns undefined): no promise on the hot path.
 */
export function sendCachedPage(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  render: () => Promise<{ opts: PageOptions; body: Child }> | { opts: PageOptions; body: Child },
  options: { ttlMs?: number } = {},
): Promise<FastifyReply> | undefined {
  if (req.session || req.method !== "GET") {
    return (async () => {
      const { opts, body } = await render();
      return sendPage(ctx, req, reply, opts, body);
    })();
  }
  return sendCached(ctx, req, reply, "text/html; charset=utf-8", async () => {
    const { opts, body } = await render();
    return renderPage(ctx, req, opts, body);
  }, options);
}

/** The render cache for any anonymous GET response body (pages, feeds, theme CSS). Synchronous on a hit. */
export function sendCached(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  contentType: string,
  produce: () => Promise<string> | string,
  options: { ttlMs?: number } = {},
): Promise<FastifyReply> | undefined {
  const nowMs = ctx.clock.now().getTime();
  const key = `${req.hostname}|${req.url}`;
  const hit = ctx.cache.get(key, req.contentVersion, nowMs);
  if (hit) {
    sendEntry(req, reply, hit);
    return undefined;
  }
  return (async () => {
    const body = await produce();
    return sendEntry(req, reply, ctx.cache.set(key, req.contentVersion, body, contentType, options.ttlMs ? nowMs + options.ttlMs : Infinity));
  })();
}

function sendEntry(req: FastifyRequest, reply: FastifyReply, entry: { etag: string; body: Buffer; contentType: string }): FastifyReply {
  reply.header("etag", entry.etag).header("cache-control", "no-cache");
  if (req.headers["if-none-match"] === entry.etag) return reply.code(304).send();
  return reply.type(entry.contentType).send(entry.body);
}
