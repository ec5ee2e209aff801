import type { AppContext } from "../../platform/context.js";
import { systemClock } from "../../platform/clock.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    testidp_oidc_entries: {
      key: string;
      model: string;
      payload: string;
      grant_id: string | null;
      uid: string | null;
      user_code: string | null;
      /** epoch seconds, as oidc-provider counts */
      consumed_at: number | null;
      expires_at: string | null;
    };
  }
}

/**
 * oidc-provider computes every expiry from the wall clock (epoch seconds), so its store does too:
 * a moved test clock must not expire codes that the provider itself still considers valid.
 */
const wallClock = systemClock;

export type AdapterPayload = Record<string, unknown>;

/** The adapter interface of oidc-provider (https://github.com/panva/node-oidc-provider/blob/v8.x/example/my_adapter.js). */
export interface OidcAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/**
 * A database-backed adapter, so an authorization code issued by one process can be redeemed at
 * another. Clients are not stored: `findClient` derives them from the municipalities.
 */
export function databaseAdapter(ctx: AppContext, findClient: (id: string) => AdapterPayload | undefined): new (model: string) => OidcAdapter {
  const db = ctx.db.kysely;
  const now = () => wallClock.now().toISOString();

  return class DatabaseAdapter implements OidcAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const row = {
        payload: JSON.stringify(payload),
        grant_id: typeof payload.grantId === "string" ? payload.grantId : null,
        uid: typeof payload.uid === "string" ? payload.uid : null,
        user_code: typeof payload.userCode === "string" ? payload.userCode : null,
        consumed_at: null,
        expires_at: expiresIn ? new Date(wallClock.now().getTime() + expiresIn * 1000).toISOString() : null,
      };
      await db
        .insertInto("testidp_oidc_entries")
        .values({ key: this.key(id), model: this.model, ...row })
        .onConflict((oc) => oc.column("key").doUpdateSet(row))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === "Client") return findClient(id);
      return this.read("key", this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.read("uid", uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.read("user_code", userCode);
    }

    async consume(id: string): Promise<void> {
      await db
        .updateTable("testidp_oidc_entries")
        .set({ consumed_at: Math.floor(wallClock.now().getTime() / 1000) })
        .where("key", "=", this.key(id))
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom("testidp_oidc_entries").where("key", "=", this.key(id)).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom("testidp_oidc_entries").where("grant_id", "=", grantId).execute();
    }

    private async read(column: "key" | "uid" | "user_code", value: string): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom("testidp_oidc_entries")
        .select(["payload", "consumed_at"])
        .where("model", "=", this.model)
        .where(column, "=", value)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now())]))
        .executeTakeFirst();
      if (!row) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      return row.consumed_at === null ? payload : { ...payload, consumed: row.consumed_at };
    }
  };
}

/** Removes expired entries (hourly job). */
export async function purgeExpiredOidcEntries(ctx: AppContext): Promise<void> {
  await ctx.db.kysely.deleteFrom("testidp_oidc_entries").where("expires_at", "<", wallClock.now().toISOString()).execute();
}
