import type { Db } from "../db/index.js";

declare module "../db/schema.js" {
  interface Database {
    content_versions: { scope: string; version: number };
  }
}

export const GLOBAL_SCOPE = "global";
export const tenantScope = (tenantId: string) => `tenant:${tenantId}`;

/**
 * Content versions kept in the database: every change to public content bumps its scope,
 * and every process compares versions on each request, so N processes never serve stale pages.
 */
export class ContentVersions {
  constructor(private readonly db: Db) {}

  async read(scopes: string[]): Promise<Map<string, number>> {
    const rows = await this.db.kysely.selectFrom("content_versions").select(["scope", "version"]).where("scope", "in", scopes).execute();
    const map = new Map<string, number>();
    for (const s of scopes) map.set(s, 0);
    for (const r of rows) map.set(r.scope, Number(r.version));
    return map;
  }

  async bump(scope: string, trx = this.db.kysely): Promise<void> {
    await trx
      .insertInto("content_versions")
      .values({ scope, version: 1 })
      .onConflict((oc) => oc.column("scope").doUpdateSet((eb) => ({ version: eb("content_versions.version", "+", 1) })))
      .execute();
  }
}
