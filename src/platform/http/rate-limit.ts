import type { Db } from "../db/index.js";
import type { Clock } from "../clock.js";

/**
 * A fixed-window counter per client and minute, kept in the database so that N processes
 * behind a load balancer share one limit.
 */
export class RateLimiter {
  constructor(private readonly db: Db, private readonly clock: Clock, private readonly perMinute: number) {}

  /** Counts one request; true when it is within the limit. */
  async hit(client: string, scope = "post"): Promise<boolean> {
    const now = this.clock.now().getTime();
    const window = Math.floor(now / 60_000);
    const bucket = `${scope}:${client}:${window}`;
    const row = await this.db.kysely
      .insertInto("rate_limits")
      .values({ bucket, count: 1, expires_at: new Date((window + 2) * 60_000).toISOString() })
      .onConflict((oc) => oc.column("bucket").doUpdateSet((eb) => ({ count: eb("rate_limits.count", "+", 1) })))
      .returning("count")
      .executeTakeFirstOrThrow();
    return Number(row.count) <= this.perMinute;
  }

  async purgeExpired(): Promise<void> {
    await this.db.kysely.deleteFrom("rate_limits").where("expires_at", "<=", this.clock.now().toISOString()).execute();
  }
}

declare module "../db/schema.js" {
  interface Database {
    rate_limits: { bucket: string; count: number; expires_at: string };
  }
}
