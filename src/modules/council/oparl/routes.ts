import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../../../platform/context.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { CouncilService } from "../service.js";
import type { AgendaItemRow, ConsultationRow, FileRow, LocationRow, MeetingRow, MembershipRow, OrganizationRow, PaperRow, PersonRow, TermRow } from "../store.js";
import {
  LIST_TYPES,
  OPARL_VERSION,
  OparlUrls,
  bodyObject,
  buildAgendaItems,
  buildConsultations,
  buildFiles,
  buildLocations,
  buildMeetings,
  buildMemberships,
  buildOrganizations,
  buildPapers,
  buildPersons,
  buildTerms,
  fileViewOf,
  typeUrl,
  type Json,
  type ListType,
  type Scope,
} from "./serialize.js";
import { OparlStore, type ListFilter } from "./store.js";

/**
 * OParl 1.1 at /oparl/v1.1/… (spec in ../shared/standards/oparl-1.1): one System, one Body per
 * municipality, the ten lists of each body with keyset pagination and the filters of 2-05, every
 * object under its canonical URL, files with accessUrl/downloadUrl (2-07), tombstones (2-08),
 * error objects (2-09) and CORS (2-06) on every response. Only what the public may see: the
 * rules are visibility.ts's, applied in serialize.ts.
 */

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const ERROR_TYPE = "https://schema.oparl.org/1.1/Error";
const JSON_TYPE = "application/json; charset=utf-8";
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** ISO 8601 date-time with an offset (or Z); seconds and fractions optional. */
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const FILTERS = ["created_since", "created_until", "modified_since", "modified_until"] as const;

class OparlError extends Error {
  constructor(readonly status: number, readonly userMessage: string, readonly debug: string) {
    super(debug);
  }
}

function cors(reply: FastifyReply): FastifyReply {
  return reply.header("access-control-allow-origin", "*").header("access-control-expose-headers", "ETag, Last-Modified, Content-Length, Content-Disposition");
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return cors(reply).code(status).header("cache-control", status === 200 ? "public, max-age=60" : "no-store").type(JSON_TYPE).send(JSON.stringify(body));
}

function sendError(req: FastifyRequest, reply: FastifyReply, e: OparlError): FastifyReply {
  req.log.info({ status: e.status, url: req.url, detail: e.debug }, "oparl: request refused");
  return sendJson(reply, e.status, { type: ERROR_TYPE, message: e.userMessage, debug: e.debug });
}

const notFound = (what: string, debug: string) => new OparlError(404, `${what} wurde nicht gefunden.`, debug);

/** The query of a list, checked; `raw` keeps the client's spelling of each given filter for the links. */
export interface ListQuery {
  filter: Omit<ListFilter, "limit">;
  limit: number;
  omitInternal: boolean;
  raw: [string, string][];
}

/** Parses date-time filters, omit_internal, limit and the page cursor; throws a 400 OParl error on bad values. */
export function parseListQuery(q: Record<string, unknown>): ListQuery {
  const one = (name: string): string | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) throw new OparlError(400, `Der Parameter ${name} darf nur einmal angegeben werden.`, `${name} given ${v.length} times`);
    return String(v);
  };
  const filter: ListQuery["filter"] = {};
  const raw: [string, string][] = [];
  for (const name of FILTERS) {
    let v = one(name);
    if (v === undefined) continue;
    // an unencoded "+" of the offset arrives as a space
    v = v.replace(/ (\d{2}:?\d{2})$/, "+$1");
    const m = DATE_TIME_RE.exec(v);
    const ms = m ? Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")) : NaN;
    if (!m || Number.isNaN(ms) || Number(m[2]) > 12 || Number(m[3]) > 31 || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
      throw new OparlError(400, `Der Filter ${name} enthält keinen gültigen Zeitpunkt. Erwartet wird ein Zeitpunkt nach ISO 8601 mit Zeitzone, z. B. 2026-01-01T00:00:00+01:00.`, `${name}=${JSON.stringify(v).slice(0, 100)}: not an ISO 8601 date-time with offset`);
    }
    const iso = new Date(ms).toISOString();
    if (name === "created_since") filter.createdSince = iso;
    else if (name === "created_until") filter.createdUntil = iso;
    else if (name === "modified_since") filter.modifiedSince = iso;
    else filter.modifiedUntil = iso;
    raw.push([name, v]);
  }
  let omitInternal = false;
  const oi = one("omit_internal");
  if (oi !== undefined) {
    if (oi !== "true" && oi !== "false") throw new OparlError(400, "Der Parameter omit_internal muss true oder false sein.", `omit_internal=${JSON.stringify(oi).slice(0, 100)}`);
    omitInternal = oi === "true";
    raw.push(["omit_internal", oi]);
  }
  let limit = DEFAULT_LIMIT;
  const l = one("limit");
  if (l !== undefined) {
    if (!/^\d{1,9}$/.test(l) || Number(l) < 1) throw new OparlError(400, "Der Parameter limit muss eine ganze Zahl ab 1 sein.", `limit=${JSON.stringify(l).slice(0, 100)}`);
    // a client must not expect the server to keep to its limit (2-05): larger ones are capped
    limit = Math.min(MAX_LIMIT, Number(l));
    raw.push(["limit", String(limit)]);
  }
  const after = one("after");
  if (after !== undefined) {
    if (!ID_RE.test(after)) throw new OparlError(400, "Der Parameter after ist ungültig. Bitte folgen Sie den Links der Liste.", `after=${JSON.stringify(after).slice(0, 100)}`);
    filter.after = after;
  }
  return { filter, limit, omitInternal, raw };
}

function withQuery(url: string, params: [string, string][]): string {
  if (params.length === 0) return url;
  return `${url}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}

interface ListSpec {
  list(s: Scope, f: ListFilter, organizationId?: string): Promise<{ id: string }[]>;
  one(s: Scope, id: string): Promise<{ id: string } | undefined>;
  build(s: Scope, rows: any[]): Promise<Json[]>;
  what: string;
}

export function registerOparlRoutes(app: FastifyInstance, ctx: AppContext, council: CouncilService): void {
  const store = new OparlStore(ctx.db);
  const urls = new OparlUrls(ctx.config.baseUrl);
  const cs = council.store;
  const nonpublicListed = (s: Scope) => (s.settings?.nonpublic_meetings ?? "date") === "date";

  const specs: Record<ListType, ListSpec> = {
    organization: { what: "Die Gruppierung", list: (s, f) => store.organizationList(s.tenant.id, f), one: (s, id) => cs.organization(s.tenant.id, id), build: (s, r: OrganizationRow[]) => buildOrganizations(s, r) },
    person: { what: "Die Person", list: (s, f) => store.personList(s.tenant.id, f), one: (s, id) => cs.person(s.tenant.id, id), build: (s, r: PersonRow[]) => buildPersons(s, r) },
    meeting: {
      what: "Die Sitzung",
      list: (s, f, organizationId) => store.meetingList(s.tenant.id, f, { nonpublicListed: nonpublicListed(s), ...(organizationId ? { organizationId } : {}) }),
      one: (s, id) => cs.meeting(s.tenant.id, id),
      build: (s, r: MeetingRow[]) => buildMeetings(s, r),
    },
    paper: { what: "Die Drucksache", list: (s, f) => store.paperList(s.tenant.id, f), one: (s, id) => cs.paper(s.tenant.id, id), build: (s, r: PaperRow[]) => buildPapers(s, r) },
    agendaItem: { what: "Der Tagesordnungspunkt", list: (s, f) => store.agendaItemList(s.tenant.id, f), one: (s, id) => cs.agendaItem(s.tenant.id, id), build: (s, r: AgendaItemRow[]) => buildAgendaItems(s, r) },
    consultation: { what: "Die Beratung", list: (s, f) => store.consultationList(s.tenant.id, f), one: (s, id) => cs.consultation(s.tenant.id, id), build: (s, r: ConsultationRow[]) => buildConsultations(s, r) },
    file: { what: "Die Datei", list: (s, f) => store.fileList(s.tenant.id, f), one: (s, id) => store.file(s.tenant.id, id), build: (s, r: FileRow[]) => buildFiles(s, r) },
    membership: { what: "Die Mitgliedschaft", list: (s, f) => store.membershipList(s.tenant.id, f), one: (s, id) => store.membership(s.tenant.id, id), build: (s, r: MembershipRow[]) => buildMemberships(s, r) },
    legislativeTerm: { what: "Die Wahlperiode", list: (s, f) => store.termList(s.tenant.id, f), one: (s, id) => store.term(s.tenant.id, id), build: (s, r: TermRow[]) => buildTerms(s, r) },
    location: { what: "Der Ort", list: (s, f) => store.locationList(s.tenant.id, f), one: (s, id) => cs.location(s.tenant.id, id), build: (s, r: LocationRow[]) => buildLocations(s, r) },
  };

  const tenantOf = (slug: string): Tenant => {
    const t = ctx.tenants.bySlug(slug);
    if (!t) throw notFound("Die Körperschaft", `no body ${JSON.stringify(slug).slice(0, 80)}`);
    return t;
  };

  const scopeOf = async (tenant: Tenant, omitInternal: boolean): Promise<Scope> => {
    const [settings, orgs] = await Promise.all([cs.settings(tenant.id), cs.organizations(tenant.id)]);
    return { tenant, settings, orgs: new Map(orgs.map((o) => [o.id, o])), urls, store, omitInternal };
  };

  const body = async (tenant: Tenant, omitInternal: boolean): Promise<Json> => {
    const settings = (await cs.settings(tenant.id)) ?? (await council.ensureSettings(tenant.id));
    const terms = await store.terms(tenant.id);
    const modified = terms.reduce((m, t) => (t.modified_at > m ? t.modified_at : m), settings.modified_at);
    return bodyObject({ tenant, urls }, terms, { created: settings.created_at, modified }, omitInternal);
  };

  const specOf = (type: string): ListSpec => {
    if (!(LIST_TYPES as readonly string[]).includes(type)) throw notFound("Die Liste", `no list type ${JSON.stringify(type).slice(0, 80)}`);
    return specs[type as ListType];
  };

  /** One page of a list: keyset by id; the next link keeps every filter. */
  const page = async (s: Scope, spec: ListSpec, q: ListQuery, listUrl: string, organizationId?: string) => {
    const rows = await spec.list(s, { ...q.filter, limit: q.limit + 1 }, organizationId);
    const pageRows = rows.slice(0, q.limit);
    const data = await spec.build(s, pageRows);
    const links: Record<string, string> = { first: withQuery(listUrl, q.raw), self: withQuery(listUrl, [...q.raw, ...(q.filter.after ? [["after", q.filter.after] as [string, string]] : [])]) };
    if (rows.length > q.limit) links.next = withQuery(listUrl, [...q.raw, ["after", pageRows.at(-1)!.id]]);
    // no elementsPerPage: a page holds at most `limit` objects, fewer where rows were not public
    return { data, pagination: {}, links };
  };

  const handle = (fn: (req: FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, unknown> }>, reply: FastifyReply) => Promise<unknown>) =>
    async (req: FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, unknown> }>, reply: FastifyReply) => {
      try {
        return await fn(req, reply);
      } catch (e) {
        if (e instanceof OparlError) return sendError(req, reply, e);
        req.log.error({ err: e }, "oparl: request failed");
        return sendError(req, reply, new OparlError(500, "Bei der Verarbeitung ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.", `internal error, request id ${req.id}`));
      }
    };

  app.get(
    "/oparl/v1.1/system",
    handle(async (_req, reply) => {
      const bodies = await Promise.all(ctx.tenants.all().map((t) => body(t, true)));
      const created = bodies.map((b) => String(b.created)).sort()[0];
      const modified = bodies.map((b) => String(b.modified)).sort().at(-1);
      return sendJson(reply, 200, {
        id: urls.system(),
        type: typeUrl("System"),
        oparlVersion: OPARL_VERSION,
        body: urls.bodies(),
        name: "Digitales Rathaus – Ratsinformation",
        website: `${urls.base}/`,
        product: "https://github.com/digitales-rathaus",
        ...(created ? { created, modified } : {}),
      });
    }),
  );

  app.get(
    "/oparl/v1.1/body",
    handle(async (req, reply) => {
      const q = parseListQuery(req.query);
      const all = [...ctx.tenants.all()].sort((a, b) => (a.slug < b.slug ? -1 : 1));
      const started = q.filter.after ? all.filter((t) => t.slug > q.filter.after!) : all;
      const bodies: Json[] = [];
      for (const t of started) {
        const b = await body(t, q.omitInternal);
        const c = Date.parse(String(b.created));
        const m = Date.parse(String(b.modified));
        const f = q.filter;
        if (f.createdSince && c < Date.parse(f.createdSince)) continue;
        if (f.createdUntil && c > Date.parse(f.createdUntil)) continue;
        if (f.modifiedSince && m < Date.parse(f.modifiedSince)) continue;
        if (f.modifiedUntil && m > Date.parse(f.modifiedUntil)) continue;
        bodies.push(b);
      }
      const list = urls.bodies();
      return sendJson(reply, 200, { data: bodies, pagination: { totalElements: bodies.length }, links: { first: withQuery(list, q.raw), self: withQuery(list, q.raw) } });
    }),
  );

  app.get(
    "/oparl/v1.1/body/:slug",
    handle(async (req, reply) => {
      const q = parseListQuery(req.query);
      return sendJson(reply, 200, await body(tenantOf(req.params.slug!), q.omitInternal));
    }),
  );

  app.get(
    "/oparl/v1.1/body/:slug/:type",
    handle(async (req, reply) => {
      const tenant = tenantOf(req.params.slug!);
      const spec = specOf(req.params.type!);
      const q = parseListQuery(req.query);
      const s = await scopeOf(tenant, q.omitInternal);
      return sendJson(reply, 200, await page(s, spec, q, urls.list(tenant.slug, req.params.type as ListType)));
    }),
  );

  app.get(
    "/oparl/v1.1/body/:slug/:type/:id",
    handle(async (req, reply) => {
      const tenant = tenantOf(req.params.slug!);
      const spec = specOf(req.params.type!);
      const q = parseListQuery(req.query);
      const id = req.params.id!;
      if (!ID_RE.test(id)) throw notFound(spec.what, `malformed id ${JSON.stringify(id).slice(0, 80)}`);
      const s = await scopeOf(tenant, q.omitInternal);
      const row = await spec.one(s, id);
      const [obj] = row ? await spec.build(s, [row]) : [];
      if (!obj) throw notFound(spec.what, `no public ${req.params.type} ${id}`);
      return sendJson(reply, 200, obj);
    }),
  );

  // Sub-resources: a file's bytes (access, download) and an organisation's meetings.
  app.get(
    "/oparl/v1.1/body/:slug/:type/:id/:sub",
    handle(async (req, reply) => {
      const tenant = tenantOf(req.params.slug!);
      const { type, id, sub } = req.params as { type: string; id: string; sub: string };
      if (!ID_RE.test(id)) throw notFound("Die Ressource", `malformed id ${JSON.stringify(id).slice(0, 80)}`);
      if (type === "organization" && sub === "meeting") {
        const q = parseListQuery(req.query);
        const s = await scopeOf(tenant, q.omitInternal);
        const org = s.orgs.get(id);
        if (!org || org.deleted_at) throw notFound("Die Gruppierung", `no organization ${id}`);
        return sendJson(reply, 200, await page(s, specs.meeting, q, urls.organizationMeetings(tenant.slug, id), id));
      }
      if (type === "file" && (sub === "access" || sub === "download")) return sendFile(req, reply, tenant, id, sub);
      throw notFound("Die Ressource", `no sub-resource ${JSON.stringify(`${type}/${sub}`).slice(0, 80)}`);
    }),
  );

  const sendFile = async (req: FastifyRequest, reply: FastifyReply, tenant: Tenant, id: string, sub: "access" | "download") => {
    const s = await scopeOf(tenant, false);
    const row = await store.file(tenant.id, id);
    const view = row ? await fileViewOf(s, row) : "hidden";
    if (!row || view === "hidden") throw notFound("Die Datei", `no public file ${id}`);
    if (view === "tombstone") throw new OparlError(410, "Die Datei wurde zurückgezogen.", `file ${id} was withdrawn`);
    const etag = `"${row.sha1}"`;
    const ascii = row.file_name.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_") || "dokument.pdf";
    const disposition = `${sub === "download" ? "attachment" : "inline"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.file_name)}`;
    cors(reply)
      .header("etag", etag)
      .header("last-modified", new Date(row.created_at).toUTCString())
      .header("cache-control", "public, max-age=300")
      .header("content-disposition", disposition);
    const inm = req.headers["if-none-match"];
    if (inm && inm.split(",").some((t) => t.trim() === etag || t.trim() === "*")) return reply.code(304).send();
    const ims = req.headers["if-modified-since"];
    if (!inm && ims && !Number.isNaN(Date.parse(ims)) && Date.parse(ims) >= Math.floor(Date.parse(row.created_at) / 1000) * 1000) return reply.code(304).send();
    const stream = await ctx.storage.get(row.storage_key);
    return reply.code(200).type(row.mime_type).header("content-length", String(row.size)).send(stream);
  };

  // Preflight (2-06): any origin, GET only.
  const preflight = (_req: FastifyRequest, reply: FastifyReply) =>
    cors(reply)
      .header("access-control-allow-methods", "GET, HEAD, OPTIONS")
      .header("access-control-allow-headers", "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range")
      .header("access-control-max-age", "86400")
      .header("cache-control", "public, max-age=86400")
      .code(204)
      .send();
  app.options("/oparl", preflight);
  app.options("/oparl/*", preflight);

  // Anything else under /oparl/: an OParl error object, with CORS.
  app.get(
    "/oparl/*",
    handle(async (req) => {
      throw notFound("Die Adresse", `no OParl resource at ${req.url.slice(0, 200)}`);
    }),
  );
}
