import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { loadConfig, type Config } from "../config.js";
import { migrate } from "../platform/db/migrate.js";
import { buildApp, migrationSets } from "../app.js";
import { seedAll } from "../server.js";
import { ManualClock } from "../platform/clock.js";
import type { AppContext } from "../platform/context.js";
import { createTestDatabase, type TestDatabase } from "./db.js";
import { DEMO_ACCOUNTS } from "../modules/tenants/seeds.js";

export { DEMO_ACCOUNTS };

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database (SQLite, or PostgreSQL under npm run test:pg), migrated
 * and seeded with the demo municipalities and accounts, on a manual clock.
 */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = new ManualClock("2026-11-27T09:00:00Z");
  const config: Config = {
    ...loadConfig({ DATA_DIR: database.dataDir, DEMO: "true" } as NodeJS.ProcessEnv),
    databaseUrl: database.databaseUrl,
    rateLimitPerMinute: 1000,
    // the full demo council (hundreds of papers with PDFs) is for `npm start`; tests build on a small one
    demoSize: "small",
    ...overrides,
  };
  await migrate(database.db, migrationSets(), clock);
  const { app, ctx } = await buildApp({ config, db: database.db, clock, logger: false });
  await seedAll(ctx, { demo: true });
  await app.ready();
  return {
    app,
    ctx,
    clock,
    database,
    config,
    async close() {
      await ctx.jobs.stop();
      await app.close();
      await database.dispose();
    },
  };
}

/** The value of a hidden `_csrf` field in a page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no _csrf field in page");
  return m[1]!;
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const raw = res.headers["set-cookie"];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  // A login that replaces a session first clears the old cookie, then sets the new one: take the last.
  const c = all.filter((x) => x.startsWith("rathaus_sid=")).at(-1);
  if (!c) throw new Error("no session cookie set");
  return c.split(";")[0]!;
}

export function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

/** Logs a staff member in through the real login form; returns the cookie and the session's CSRF token. */
export async function loginStaff(app: FastifyInstance, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const page = await app.inject({ url: "/verwaltung/anmelden" });
  const res = await app.inject({
    method: "POST",
    url: "/verwaltung/anmelden",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: form({ _csrf: csrfFrom(page.body), email, password }),
  });
  if (res.statusCode !== 303) throw new Error(`login failed with ${res.statusCode}`);
  const cookie = sessionCookie(res);
  const overview = await app.inject({ url: "/verwaltung/", headers: { cookie } });
  return { cookie, csrf: csrfFrom(overview.body) };
}

/** The current values of all text fields of a form page (inputs and textareas). */
export function formValues(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) if (!/type="(checkbox|radio|hidden)"/.test(m[0])) out[m[1]!] = decode(m[2]!);
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]!] = decode(m[2]!);
  return out;
}
