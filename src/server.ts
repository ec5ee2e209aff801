import type { FastifyInstance } from "fastify";
import { loadConfig, type Config } from "./config.js";
import { openDatabase, type Db } from "./platform/db/index.js";
import { migrate } from "./platform/db/migrate.js";
import { buildApp, migrationSets } from "./app.js";
import type { AppContext } from "./platform/context.js";
import { systemClock, type Clock } from "./platform/clock.js";
import { modules as defaultModules } from "./modules/index.js";
import type { ModuleManifest } from "./platform/module.js";

export interface Platform {
  app: FastifyInstance;
  ctx: AppContext;
  db: Db;
  close(): Promise<void>;
}

/** Opens the database, applies migrations, seeds (demo mode) and builds the app — what `serve` and the CLI share. */
export async function openPlatform(opts: { config?: Config; clock?: Clock; modules?: ModuleManifest[]; logger?: Parameters<typeof buildApp>[0]["logger"]; seed?: boolean } = {}): Promise<Platform> {
  const config = opts.config ?? loadConfig();
  const modules = opts.modules ?? defaultModules;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db, migrationSets(modules), opts.clock ?? systemClock);
    const { app, ctx } = await buildApp({ config, db, clock: opts.clock, modules, logger: opts.logger });
    if (opts.seed ?? config.demo) await seedAll(ctx, { demo: config.demo });
    return {
      app,
      ctx,
      db,
      async close() {
        await ctx.jobs.stop();
        await app.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

export async function seedAll(ctx: AppContext, options: { demo: boolean }): Promise<void> {
  for (const m of ctx.modules) {
    if (!m.seeds) continue;
    const seeds = await m.seeds();
    await seeds.seed(ctx, options);
  }
}
