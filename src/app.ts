import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "./config.js";
import type { Db } from "./platform/db/index.js";
import type { MigrationSet } from "./platform/db/migrate.js";
import { systemClock, type Clock } from "./platform/clock.js";
import type { AppContext } from "./platform/context.js";
import type { ModuleManifest } from "./platform/module.js";
import { platformMigrations } from "./platform/migrations.js";
import { JobQueue, jobMigrations } from "./platform/jobs/queue.js";
import { AuditLog, auditJobs, auditMigrations } from "./platform/audit/audit.js";
import { Mailer, mailJobs, mailMigrations } from "./platform/mail/mailer.js";
import { searchMigrations } from "./platform/search/index.js";
import { LocalDiskStorage } from "./platform/storage/storage.js";
import { ContentVersions, GLOBAL_SCOPE, tenantScope } from "./platform/cache/versions.js";
import { RenderCache } from "./platform/cache/render-cache.js";
import { Secrets } from "./platform/secrets.js";
import { StaffAccounts } from "./platform/auth/accounts.js";
import { recordRoutes } from "./platform/auth/route-inventory.js";
import { Sessions } from "./platform/http/session.js";
import { checkCsrf } from "./platform/http/csrf.js";
import { RateLimiter } from "./platform/http/rate-limit.js";
import { setUpSecurityHeaders } from "./platform/http/security.js";
import { setUpErrorHandling } from "./platform/http/error-pages.js";
import { HttpError } from "./platform/http/errors.js";
import type { JobDefinition } from "./platform/jobs/types.js";
import { modules as defaultModules } from "./modules/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

export interface AppDeps {
  config: Config;
  db: Db;
  clock?: Clock;
  modules?: ModuleManifest[];
  /** pino options, or false for silence in tests */
  logger?: FastifyServerOptions["logger"];
}

/** Every migration of the platform and the modules, in the order they must run. */
export function migrationSets(modules: ModuleManifest[] = defaultModules): MigrationSet[] {
  return [
    { owner: "platform", migrations: platformMigrations },
    { owner: "platform.jobs", migrations: jobMigrations },
    { owner: "platform.audit", migrations: auditMigrations },
    { owner: "platform.mail", migrations: mailMigrations },
    { owner: "platform.search", migrations: searchMigrations },
    ...modules.map((m) => ({ owner: m.name, migrations: m.migrations })),
  ];
}

const SKIP_CONTEXT = /^\/(static\/|healthz|readyz|favicon\.ico)/;
/** staff pages of a municipality: never counted in the usage statistics */
const STAFF_PATH = /^\/[^/?#]+\/verwaltung(?:[/?#]|$)/;
const PLATFORM_PREFIXES = /^\/(static\/|healthz|readyz|verwaltung|api\/|oparl\/|ap\/|\.well-known\/|idp\/|saml\/|oidc\/)/;

/** Builds the app: platform services, then HTTP steps in order, then every module (style.md: wiring you can read top to bottom). */
export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const { config, db } = deps;
  const clock = deps.clock ?? systemClock;
  const modules = deps.modules ?? defaultModules;
  let ctxRef: AppContext | undefined;

  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel, redact: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'] },
    genReqId: () => randomUUID(),
    // Request lines are logged by our own hook below, and only when the level shows them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    // A host name mapped to a municipality serves that municipality's pages without the slug prefix.
    rewriteUrl(req) {
      const url = req.url ?? "/";
      const host = req.headers.host;
      const tenant = host && ctxRef ? ctxRef.tenants.byHost(host) : undefined;
      if (!tenant || url.startsWith(`/${tenant.slug}/`) || url === `/${tenant.slug}` || PLATFORM_PREFIXES.test(url)) return url;
      return `/${tenant.slug}${url}`;
    },
  });

  // Every route registered from here on is listed in app.registeredRoutes (security tests walk it).
  recordRoutes(app);

  // 1. Platform services
  const secrets = await Secrets.load(db, config.secretKey);
  const versions = new ContentVersions(db);
  const jobs = new JobQueue({ db, clock, log: app.log, definitions: [], context: () => ctx });
  const audit = new AuditLog({ db, clock, headFile: join(config.dataDir, "audit-head.jsonl"), log: app.log });
  const mail = new Mailer({ db, clock, jobs, smtpUrl: config.smtpUrl, from: config.mailFrom, log: app.log });
  const ctx: AppContext = {
    config,
    db,
    clock,
    log: app.log,
    modules,
    secrets,
    versions,
    cache: new RenderCache(),
    jobs,
    audit,
    mail,
    storage: new LocalDiskStorage(join(config.dataDir, "files")),
    accounts: new StaffAccounts(db, clock, secrets),
    tenants: undefined as unknown as AppContext["tenants"],
  };
  ctxRef = ctx;
  const sessions = new Sessions(ctx);
  const rateLimiter = new RateLimiter(db, clock, config.rateLimitPerMinute);
  app.decorate("rathaus", ctx);
  app.decorate("sessions", sessions);
  app.decorateRequest("session", undefined);
  app.decorateRequest("staff", undefined);
  app.decorateRequest("tenant", undefined);
  app.decorateRequest("contentVersion", "");

  const platformJobs: JobDefinition[] = [
    ...mailJobs(mail),
    ...auditJobs(audit, config.auditHeadIntervalMs),
    {
      type: "platform.purge",
      schedule: { everyMs: 60 * 60 * 1000 },
      async handler() {
        await sessions.purgeExpired();
        await rateLimiter.purgeExpired();
        await jobs.purgeFinished(new Date(clock.now().getTime() - 30 * 24 * 60 * 60 * 1000));
      },
    },
  ];
  jobs.register([...platformJobs, ...modules.flatMap((m) => m.jobs ?? [])]);
  for (const m of modules) await m.init?.(ctx);
  if (!ctx.tenants) throw new Error("the tenants module must be part of the module list");

  // 2. Web security, health, parsing, static files
  setUpSecurityHeaders(app, config);
  if (["trace", "debug", "info"].includes(app.log.level)) {
    app.addHook("onResponse", (req, reply, done) => {
      req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request completed");
      done();
    });
  }
  // Public page views for the usage statistics: after the answer went out, only GET pages of a
  // municipality (HTML, 200), never staff pages; the sink buffers and never throws into a request.
  app.addHook("onResponse", (req, reply, done) => {
    const sink = ctx.pageViews;
    // a 304 for a cached page the browser revalidated is a view too (browsers navigate with Accept: text/html)
    const page = reply.statusCode === 200 ? String(reply.getHeader("content-type") ?? "").startsWith("text/html") : reply.statusCode === 304 && String(req.headers.accept ?? "").includes("text/html");
    if (sink && req.tenant && req.method === "GET" && page && !STAFF_PATH.test(req.url)) {
      try {
        const q = req.url.indexOf("?");
        sink.record({
          tenantId: req.tenant.id,
          slug: req.tenant.slug,
          path: q === -1 ? req.url : req.url.slice(0, q),
          at: clock.now(),
          ip: req.ip,
          userAgent: String(req.headers["user-agent"] ?? ""),
          referer: typeof req.headers.referer === "string" ? req.headers.referer : undefined,
          host: req.headers.host,
          optOut: req.headers.dnt === "1" || req.headers["sec-gpc"] === "1",
        });
      } catch (err) {
        req.log.warn({ err: (err as Error).message }, "page view not counted");
      }
    }
    done();
  });
  // Graceful shutdown: answers sent after close() began end their keep-alive connection,
  // so an idle pooled connection (a proxy's) cannot hold the process open.
  let draining = false;
  app.addHook("preClose", async () => {
    draining = true;
  });
  app.addHook("onSend", (_req, reply, payload, done) => {
    if (draining) reply.header("connection", "close");
    done(null, payload);
  });
  app.get("/healthz", async (_req, reply) => reply.header("cache-control", "no-store").send({ status: "ok" }));
  app.get("/readyz", async (req, reply) => {
    reply.header("cache-control", "no-store");
    try {
      await Promise.race([db.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref())]);
      return reply.send({ status: "ok" });
    } catch (err) {
      req.log.warn({ err: (err as Error).message }, "readiness check failed: database unreachable");
      return reply.code(503).send({ status: "unavailable", reason: "database" });
    }
  });
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(multipart, { limits: { fileSize: 20 * 1024 * 1024, files: 10, fields: 200 } });
  await app.register(fastifyStatic, {
    root: join(dirname(require.resolve("@kern-ux/native/package.json")), "dist"),
    prefix: "/static/kern/",
    maxAge: "7d",
    index: false,
  });
  await app.register(fastifyStatic, { root: join(root, "public"), prefix: "/static/", decorateReply: false, maxAge: "1d", index: false });

  // 3. Which municipality, which content version. On the hot path (a cached public page on
  // SQLite) this hook and the next two finish without a promise: that is a third of the cost.
  const resolveContext = async (req: FastifyRequest, reply: FastifyReply, slug: string | undefined) => {
    let tenant = slug ? ctx.tenants.bySlug(slug) : undefined;
    let v = await versions.read(tenant ? [GLOBAL_SCOPE, tenantScope(tenant.id)] : [GLOBAL_SCOPE]);
    const global = v.get(GLOBAL_SCOPE)!;
    await ctx.tenants.refreshIfStale(global);
    const fresh = slug ? ctx.tenants.bySlug(slug) : undefined;
    if (fresh?.id !== tenant?.id) {
      tenant = fresh;
      if (tenant) v = await versions.read([GLOBAL_SCOPE, tenantScope(tenant.id)]);
    }
    // rewriteUrl ran with the directory as it was; if a host mapping appeared just now, route again.
    const mapped = req.headers.host ? ctx.tenants.byHost(req.headers.host) : undefined;
    if (mapped && mapped.id !== tenant?.id && !PLATFORM_PREFIXES.test(req.url)) return reply.redirect(req.url, 307);
    req.tenant = tenant;
    req.contentVersion = tenant ? `${global}.${v.get(tenantScope(tenant.id))}` : `${global}`;
  };
  app.addHook("onRequest", (req, reply, done) => {
    if (SKIP_CONTEXT.test(req.url)) return done();
    const slug = firstSegment(req.url);
    const tenant = slug ? ctx.tenants.bySlug(slug) : undefined;
    const cached = versions.readCached(tenant ? [GLOBAL_SCOPE, tenantScope(tenant.id)] : [GLOBAL_SCOPE]);
    const global = cached?.get(GLOBAL_SCOPE);
    if (cached && global !== undefined && ctx.tenants.isCurrent(global) && !(req.headers.host && ctx.tenants.byHost(req.headers.host))) {
      req.tenant = tenant;
      req.contentVersion = tenant ? `${global}.${cached.get(tenantScope(tenant.id))}` : `${global}`;
      return done();
    }
    resolveContext(req, reply, slug).then(() => done(), done);
  });

  // 4. Session (only when the visitor has a session cookie: anonymous visitors get none)
  app.addHook("onRequest", (req, _reply, done) => {
    if (!req.headers.cookie?.includes("rathaus_sid=")) return done();
    sessions.load(req).then(() => done(), done);
  });

  // 5. Rate limits and CSRF on every state-changing request
  const checkStateChange = async (req: FastifyRequest) => {
    if (!(await rateLimiter.hit(req.ip))) throw new HttpError(429, "Sie haben in kurzer Zeit zu viele Anfragen gesendet. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.", `rate limit for ${req.ip}`);
    if (req.routeOptions.config.csrf === false) return;
    const failure = checkCsrf(ctx, req);
    if (failure) {
      throw new HttpError(
        403,
        failure === "expired"
          ? "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es erneut."
          : "Das Formular konnte nicht sicher übermittelt werden. Bitte laden Sie die Seite neu und senden Sie es erneut.",
        `csrf check failed: ${failure}`,
      );
    }
  };
  app.addHook("preHandler", (req, _reply, done) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return done();
    checkStateChange(req).then(() => done(), done);
  });

  // 6. Not found and errors — before any module route: Fastify binds a route to the error
  // handler in force when the route is built, and a module that awaits register() builds early.
  setUpErrorHandling(app, ctx);

  // 7. Modules
  for (const m of modules) {
    if (m.routes) await m.routes(app, ctx);
  }

  return { app, ctx };
}

function firstSegment(url: string): string | undefined {
  const m = /^\/([^/?#]+)/.exec(url);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    rathaus: AppContext;
    sessions: Sessions;
  }
}
