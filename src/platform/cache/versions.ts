import type { Db } from "../db/index.js";

declare module "../db/schema.js" {
  interface Database {
    content_versions: { scope: string; version: number };
  }
}

export const GLOBAL_SCOPE = "global";
export const tenantScope = (tenantId: string) => `tenant:${tenantId}`;

/**
 * Content versions kept in the database: every change to public content bumps its scope, and
 * every process checks them on each request, so N processes never serve stale pages.
 * PostgreSQL: one primary-key query per request. SQLite: the versions are held in memory and
 * re-read only after this process bumped one or another process committed (PRAGMA
 * data_version) — the per-request query was half the cost of a cached page (docs/benchmarks.md).
 */
export class ContentVersions {
  private cached = new Map<string, number>();
  private seenExternal = Number.NaN;
  private dirty = true;

  constructor(private readonly db: Db) {}

  /**
   * The versions without waiting, when memory is known to be current (SQLite, nothing changed
   * since the last read); undefined when read() must ask the database.
   */
  readCached(scopes: string[]): Map<string, number> | undefined {
    const external = this.db.externalChanges?.();
    if (external === undefined || this.dirty || external !== this.seenExternal) return undefined;
    const map = new Map<string, number>();
    for (const s of scopes) map.set(s, this.cached.get(s) ?? 0);
    return map;
  }

  async read(scopes: string[]): Promise<Map<string, number>> {
    const external = this.db.externalChanges?.();
    const map = new Map<string, number>();
    if (external === undefined) {
      const rows = await this.db.kysely.selectFrom("content_versions").select(["scope", "version"]).where("scope", "in", scopes).execute();
      for (const s of scopes) map.set(s, 0);
      for (const r of rows) map.set(r.scope, Number(r.version));
      return map;
    }
    if (this.dirty || external !== this.seenExternal) {
      // Cleared before the query: a bump during it marks the cache dirty again.
      this.dirty = false;
      this.seenExternal = external;
      const rows = await this.db.kysely.selectFrom("content_versions").select(["scope", "version"]).execute();
      this.cached = new Map(rows.map((r) => [r.scope, Number(r.version)]));
    }
    for (const s of scopes) map.set(s, this.cached.get(s) ?? 0);
    return map;
  }

  async bump(scope: string, trx = this.db.kysely): Promise<void> {
    await trx
      .insertInto("content_versions")
      .values({ scope, version: 1 })
      .onConflict((oc) => oc.column("scope").doUpdateSet((eb) => ({ version: eb("content_versions.version", "+", 1) })))
      .execute();
    this.dirty = true;
  }
}
