import { sql, type Kysely } from "kysely";
import type { Db, DialectName } from "./index.js";
import { columnTypes } from "./index.js";

export interface Migration {
  /** unique within its module, ordered by the list it stands in */
  name: string;
  up(db: Kysely<any>, ctx: { dialect: DialectName; types: ReturnType<typeof columnTypes> }): Promise<void>;
}

export interface MigrationSet {
  owner: string;
  migrations: Migration[];
}

/**
 * Applies every pending migration in manifest order, each in its own transaction, under a
 * cross-process lock so several starting processes never migrate twice.
 * Returns the ids of the migrations applied now.
 */
export async function migrate(db: Db, sets: MigrationSet[], clock: { now(): Date } = { now: () => new Date() }): Promise<string[]> {
  const types = columnTypes(db.dialect);
  await db.kysely.schema
    .createTable("schema_migrations")
    .ifNotExists()
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("applied_at", "text", (c) => c.notNull())
    .execute();
  return db.locked("schema_migrations", async (trx) => {
    const rows = await sql<{ id: string }>`select id from schema_migrations`.execute(trx);
    const done = new Set(rows.rows.map((r) => r.id));
    const applied: string[] = [];
    for (const set of sets) {
      for (const m of set.migrations) {
        const id = `${set.owner}/${m.name}`;
        if (done.has(id)) continue;
        await m.up(trx as Kysely<any>, { dialect: db.dialect, types });
        await sql`insert into schema_migrations (id, applied_at) values (${id}, ${clock.now().toISOString()})`.execute(trx);
        applied.push(id);
      }
    }
    return applied;
  });
}

export async function pendingMigrations(db: Db, sets: MigrationSet[]): Promise<string[]> {
  let done = new Set<string>();
  try {
    const rows = await sql<{ id: string }>`select id from schema_migrations`.execute(db.kysely);
    done = new Set(rows.rows.map((r) => r.id));
  } catch {
    // no table yet: everything is pending
  }
  return sets.flatMap((s) => s.migrations.map((m) => `${s.owner}/${m.name}`)).filter((id) => !done.has(id));
}
