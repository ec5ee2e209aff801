import { createServer, type AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { loadConfig, type Config } from "../config.js";
import { buildApp, migrationSets } from "../app.js";
import { seedAll } from "../server.js";
import { migrate } from "../platform/db/migrate.js";
import { ManualClock } from "../platform/clock.js";
import type { AppContext } from "../platform/context.js";
import type { ModuleManifest } from "../platform/module.js";
import { modules as defaultModules } from "../modules/index.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ListeningTestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** BASE_URL of the app, e.g. http://127.0.0.1:41234 */
  base: string;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The real app on a free port with BASE_URL pointing at it, for protocols that call back over
 * HTTP (the test identity provider fetches SP metadata; the OIDC client calls the token endpoint).
 * The clock is far from the wall clock: protocol timestamps must not depend on it.
 */
export async function startListeningApp(opts: { overrides?: Partial<Config>; modules?: ModuleManifest[]; listen?: boolean } = {}): Promise<ListeningTestApp> {
  const database = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config: Config = {
    ...loadConfig({ DATA_DIR: database.dataDir, DEMO: "true", PORT: String(port), BASE_URL: base } as NodeJS.ProcessEnv),
    databaseUrl: database.databaseUrl,
    rateLimitPerMinute: 10_000,
    testIdp: true,
    demoSize: "small",
    ...opts.overrides,
  };
  const modules = opts.modules ?? defaultModules;
  const clock = new ManualClock("2031-03-03T12:00:00Z");
  await migrate(database.db, migrationSets(modules), clock);
  const { app, ctx } = await buildApp({ config, db: database.db, clock, modules, logger: false });
  await seedAll(ctx, { demo: true });
  if (opts.listen ?? true) await app.listen({ port, host: "127.0.0.1" });
  else await app.ready();
  return {
    app,
    ctx,
    base,
    database,
    async close() {
      await ctx.jobs.stop();
      await app.close();
      await database.dispose();
    },
  };
}

/** fetch with a cookie jar and without following redirects: a browser, step by step. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  get(url: string): Promise<Response> {
    return this.send(url, {});
  }

  post(url: string, fields: Record<string, string>): Promise<Response> {
    return this.send(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(url.startsWith("http") ? url : `${this.base}${url}`, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0]!;
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === "" || /max-age=0(;|$)/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}
