import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../../platform/context.js";
import { initFediverse, type FediverseService } from "./service.js";
import { registerFediverseStaffRoutes } from "./routes-staff.js";

/** Media types of ActivityPub POSTs: kept as raw bytes, because the HTTP signature covers their digest. */
const ACTIVITY_TYPES = ["application/activity+json", "application/ld+json", "application/json"];

/**
 * WebFinger, actor, inboxes, outbox, followers and the items as objects (all answered by Fedify,
 * bridged from Fastify), and the staff pages under /{slug}/verwaltung/fediverse.
 */
export function registerFediverseRoutes(app: FastifyInstance, ctx: AppContext): void {
  const fediverse = initFediverse(ctx);
  void app.register(async (scope) => {
    // In this scope only: the body reaches Fedify byte for byte (Digest and signature checks).
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser(ACTIVITY_TYPES, { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    const handler = (req: FastifyRequest, reply: FastifyReply) => bridge(ctx, fediverse, req, reply);
    scope.get("/.well-known/webfinger", handler);
    // csrf: false — inbox POSTs come from other servers and are authenticated by HTTP signatures (Fedify refuses others)
    scope.route({ method: ["GET", "POST"], url: "/ap/*", config: { csrf: false }, handler });
  });
  registerFediverseStaffRoutes(app, ctx, fediverse);
}

/** Hands a Fastify request to Fedify as a Fetch Request (absolute URL from BASE_URL) and sends its Response back. */
async function bridge(ctx: AppContext, fediverse: FediverseService, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const url = new URL(req.url, `${ctx.config.baseUrl}/`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const body = req.method === "POST" ? (Buffer.isBuffer(req.body) ? req.body : typeof req.body === "string" ? req.body : undefined) : undefined;
  if (req.method === "POST" && body === undefined) return reply.code(415).type("text/plain; charset=utf-8").send("Erwartet wird application/activity+json.");
  const request = new Request(url, { method: req.method, headers, body: typeof body === "string" ? body : body ? new Uint8Array(body) : null });
  const response = await fediverse.runtime.federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("Nicht gefunden.", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } }),
    // A person opening the town's actor in a browser gets the town's home page.
    onNotAcceptable: (r) => {
      const m = /^\/ap\/([^/]+)\/?$/.exec(new URL(r.url).pathname);
      const t = m ? ctx.tenants.bySlug(decodeURIComponent(m[1]!)) : undefined;
      if (t) return new Response(null, { status: 302, headers: { location: `/${t.slug}/`, vary: "Accept" } });
      return new Response("Nur als ActivityPub-Dokument verfügbar.", { status: 406, headers: { "content-type": "text/plain; charset=utf-8", vary: "Accept" } });
    },
  });
  if (response.status >= 400 && req.method === "POST") req.log.info({ url: url.pathname, status: response.status }, "fediverse: inbox request refused");
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "transfer-encoding") reply.header(name, value);
  });
  reply.header("cache-control", response.headers.get("cache-control") ?? "no-cache");
  return reply.send(Buffer.from(await response.arrayBuffer()));
}
