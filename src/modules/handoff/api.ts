import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { HttpError } from "../../platform/http/errors.js";
import { RateLimiter } from "../../platform/http/rate-limit.js";
import { UUID_RE } from "../../platform/ids.js";
import { SNIFF_BYTES, sniffType } from "../../platform/storage/sniff.js";
import type { VirusScanner } from "../../platform/storage/virus-scan.js";
import type { Case } from "../cases/index.js";
import type { ApiKey, ApiKeys, Scope } from "./keys.js";
import { MAX_BESCHEID_BYTES, parseCursor, type CaseHandoff } from "./service.js";
import { apiDescriptionParts, openApiDocument } from "./openapi.js";

/** Requests per key and minute (kept in the database, so N processes share the limit). */
export const READS_PER_MINUTE = 600;
export const WRITES_PER_MINUTE = 120;
/** Requests with a wrong or missing key per client address and minute. */
export const FAILED_AUTH_PER_MINUTE = 30;

type TP = { Params: { tenant: string } };
type CP = { Params: { tenant: string; id: string } };
type FP = { Params: { tenant: string; id: string; fileId: string } };

const TITLES: Record<number, string> = { 409: "Konflikt", 422: "Die Angaben sind unvollständig oder ungültig" };
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The JSON API for specialised systems (docs/handoff.md). Authentication is an API key in
 * `Authorization: Bearer …`; no cookie is read, so the routes opt out of the CSRF check (a
 * browser cannot attach that header to a cross-site request without a CORS preflight, and we
 * answer none). Registered in its own plugin so the application/pdf body parser stays here.
 */
export async function registerApiRoutes(app: FastifyInstance, ctx: AppContext, deps: { keys: ApiKeys; cases: CaseHandoff; scanner: VirusScanner }): Promise<void> {
  const { keys, cases, scanner } = deps;
  const reads = new RateLimiter(ctx.db, ctx.clock, READS_PER_MINUTE);
  const writes = new RateLimiter(ctx.db, ctx.clock, WRITES_PER_MINUTE);
  const failures = new RateLimiter(ctx.db, ctx.clock, FAILED_AUTH_PER_MINUTE);
  const authenticated = new WeakMap<FastifyRequest, { key: ApiKey; tenant: Tenant }>();

  const retryAfter = (reply: FastifyReply) => reply.header("retry-after", String(60 - Math.floor((ctx.clock.now().getTime() % 60_000) / 1000)));

  /** The route's guard: a valid key of this municipality with `scope`, within its rate limit. */
  const requireKey = (scope: Scope) =>
    async function apiKeyGuard(req: FastifyRequest, reply: FastifyReply) {
      const check = await keys.check(req.headers.authorization);
      if (!check.ok) {
        if (!(await failures.hit(req.ip, "api-auth-failed"))) {
          retryAfter(reply);
          throw new HttpError(429, "Zu viele Anfragen mit ungültigem Schlüssel. Bitte warten Sie eine Minute.", `api: too many failed authentications from ${req.ip}`);
        }
        reply.header("www-authenticate", check.reason === "missing" ? 'Bearer realm="rathaus"' : 'Bearer realm="rathaus", error="invalid_token"');
        throw new HttpError(401, check.reason === "missing" ? "Bitte senden Sie den API-Schlüssel im Kopf Authorization: Bearer …" : "Der API-Schlüssel ist ungültig oder widerrufen.", `api key refused: ${check.reason}`);
      }
      const { key } = check;
      const tenant = ctx.tenants.bySlug((req.params as { tenant: string }).tenant);
      if (!tenant || tenant.id !== key.tenantId) throw new HttpError(403, "Dieser API-Schlüssel gilt nicht für diese Kommune.", `api key ${key.id} used for another municipality`);
      if (!key.scopes.includes(scope)) {
        reply.header("www-authenticate", `Bearer realm="rathaus", error="insufficient_scope", scope="${scope}"`);
        throw new HttpError(403, `Diesem API-Schlüssel fehlt die Berechtigung ${scope}.`, `api key ${key.id} lacks ${scope}`);
      }
      const limiter = req.method === "GET" ? reads : writes;
      if (!(await limiter.hit(key.id, req.method === "GET" ? "api-read" : "api-write"))) {
        retryAfter(reply);
        throw new HttpError(429, "Zu viele Anfragen mit diesem Schlüssel. Bitte warten Sie bis zur nächsten Minute.", `api key ${key.id} over its rate limit`);
      }
      authenticated.set(req, { key, tenant });
    };
  const who = (req: FastifyRequest) => authenticated.get(req)!;
  const caseOf = async (req: FastifyRequest<CP>): Promise<Case> => {
    const c = UUID_RE.test(req.params.id) ? await cases.caseFor(who(req).key, req.params.id) : undefined;
    if (!c) throw new HttpError(404, "Diesen Vorgang gibt es nicht (oder nicht im Bereich dieses Schlüssels).");
    return c;
  };
  const refuse = (req: FastifyRequest, reply: FastifyReply, status: number, message: string, extra: Record<string, unknown> = {}) =>
    reply.code(status).send({ error: TITLES[status] ?? "Fehler", message, requestId: req.id, ...extra });

  // The description of the API: fixed URL, public (it describes, it holds no data).
  app.get("/api/openapi.json", async (_req, reply) => reply.header("cache-control", "public, max-age=300").header("access-control-allow-origin", "*").send(openApiDocument(ctx.config.baseUrl, apiDescriptionParts(ctx))));

  await app.register(async (api) => {
    api.addContentTypeParser("application/pdf", { parseAs: "buffer", bodyLimit: MAX_BESCHEID_BYTES }, (_req, body, done) => done(null, body));
    // Answers carry personal data: never kept by a cache on the way.
    api.addHook("onSend", async (_req, reply, payload) => {
      reply.header("cache-control", "no-store");
      return payload;
    });
    const read = { preHandler: requireKey("cases:read") };
    const write = { preHandler: requireKey("cases:write"), config: { csrf: false } };

    api.get<TP & { Querystring: Record<string, unknown> }>("/api/v1/:tenant/cases", read, async (req) => {
      const q = req.query;
      const status = str(q.status);
      if (status !== undefined && !/^[a-z0-9-]{1,50}$/.test(status)) throw new HttpError(400, "status: bitte einen Status wie eingegangen angeben.");
      const ack = str(q.acknowledged);
      if (ack !== undefined && ack !== "true" && ack !== "false") throw new HttpError(400, "acknowledged: bitte true oder false angeben.");
      const afterRaw = str(q.after);
      const after = afterRaw ? parseCursor(afterRaw) : undefined;
      if (afterRaw && !after) throw new HttpError(400, "after: bitte den Wert next einer vorigen Seite angeben.");
      const limitRaw = str(q.limit);
      const limit = limitRaw === undefined ? 50 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, "limit: bitte eine ganze Zahl von 1 bis 100 angeben.");
      const { key, tenant } = who(req);
      return cases.page(key, tenant, { status, acknowledged: ack === undefined ? undefined : ack === "true", after, limit });
    });

    api.get<CP>("/api/v1/:tenant/cases/:id", read, async (req) => {
      const { key, tenant } = who(req);
      return cases.detail(key, tenant, await caseOf(req));
    });

    api.get<FP>("/api/v1/:tenant/cases/:id/files/:fileId", read, async (req, reply) => {
      const c = await caseOf(req);
      const f = UUID_RE.test(req.params.fileId) ? await cases.file(who(req).key, c, req.params.fileId) : undefined;
      if (!f) throw new HttpError(404, "Diese Datei gibt es in diesem Vorgang nicht.");
      return reply
        .header("content-disposition", `attachment; filename="${f.name.replace(/[^\w.-]/g, "_")}"`)
        .header("x-content-type-options", "nosniff")
        .type(f.contentType)
        .send(await ctx.storage.read(f.storageKey));
    });

    api.post<CP>("/api/v1/:tenant/cases/:id/ack", { ...write, bodyLimit: 1024 }, async (req) => {
      const r = await cases.acknowledge(who(req).key, await caseOf(req));
      return { acknowledgedAt: r.acknowledgedAt, acknowledgedByKey: r.acknowledgedByKey };
    });

    api.post<CP & { Body: unknown }>("/api/v1/:tenant/cases/:id/status", { ...write, bodyLimit: 64 * 1024 }, async (req, reply) => {
      const body = req.body;
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, 'Bitte senden Sie JSON wie {"to": "in-bearbeitung"}.');
      const b = body as Record<string, unknown>;
      const unknown = Object.keys(b).filter((k) => !["to", "version", "text"].includes(k));
      if (unknown.length) throw new HttpError(400, `Unbekannte Angaben: ${unknown.join(", ")}.`);
      if (typeof b.to !== "string" || !/^[a-z0-9-]{1,50}$/.test(b.to)) throw new HttpError(400, "to: bitte den Zielstatus angeben, z. B. in-bearbeitung.");
      if (b.version !== undefined && !Number.isInteger(b.version)) throw new HttpError(400, "version: bitte eine ganze Zahl angeben.");
      if (b.text !== undefined && typeof b.text !== "string") throw new HttpError(400, "text: bitte Text angeben.");
      const { key, tenant } = who(req);
      const r = await cases.transition(key, tenant, await caseOf(req), { to: b.to, version: b.version as number | undefined, text: b.text as string | undefined });
      if (r.ok) return r.case;
      return refuse(req, reply, r.status, r.message, r.errors ? { errors: r.errors } : {});
    });

    api.post<CP & { Body: unknown; Querystring: Record<string, unknown> }>("/api/v1/:tenant/cases/:id/bescheid", { ...write, bodyLimit: MAX_BESCHEID_BYTES }, async (req, reply) => {
      const c = await caseOf(req);
      const data = req.body;
      if (!Buffer.isBuffer(data)) throw new HttpError(415, "Bitte senden Sie den Bescheid als PDF mit Content-Type: application/pdf.");
      if (data.length === 0) throw new HttpError(400, "Der Bescheid ist leer.");
      if (sniffType(data.subarray(0, SNIFF_BYTES))?.mime !== "application/pdf") throw new HttpError(415, "Der Inhalt ist kein PDF-Dokument.", "bescheid upload is not a PDF by its bytes");
      const title = (str(req.query.title) ?? "Bescheid").trim().slice(0, 200) || "Bescheid";
      const fileName = ((str(req.query.filename) ?? "").trim().replace(/[^\wÄÖÜäöüß.-]/g, "_").slice(0, 200) || `Bescheid-${c.reference}`).replace(/(\.pdf)?$/i, ".pdf");
      const scan = await scanner.scan(data);
      if (scan.status === "infected") {
        req.log.warn({ caseId: c.id, signature: scan.signature }, "bescheid upload refused: virus found");
        return refuse(req, reply, 422, "Die Datei enthält Schadsoftware und wurde nicht angenommen.");
      }
      if (scan.status === "error") throw new HttpError(503, "Die Virenprüfung ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut.", `virus scan failed: ${scan.message}`);
      const { key, tenant } = who(req);
      const file = await cases.deliverBescheid(key, tenant, c, { data, title, fileName });
      return reply.code(201).send(file);
    });
  });
}
