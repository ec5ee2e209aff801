import type { Db } from "../../../platform/db/index.js";

/** Queries of the Fediverse part. Every query of a town's data takes the tenant id first. */

export interface KvRow { key: string; value: string; expires_at: string | null }
export interface KeyRow { tenant_id: string; algorithm: string; public_jwk: string; private_jwk_box: string; created_at: string }
export interface FollowerRow { tenant_id: string; actor_id: string; handle: string | null; inbox: string; shared_inbox: string | null; follow_id: string | null; created_at: string }
export type FollowingStatus = "pending" | "accepted" | "rejected";
export interface FollowingRow { id: string; tenant_id: string; actor_id: string; handle: string | null; name: string | null; inbox: string; follow_activity_id: string; status: FollowingStatus; created_at: string; accepted_at: string | null }
export interface ReceivedRow { id: string; tenant_id: string; activity_id: string; actor_id: string; object_id: string | null; object_type: string; title: string | null; content: string | null; url: string | null; received_at: string }
export interface PostRow { tenant_id: string; item_id: string; kind: string; title: string; teaser: string; path: string; published_at: string; federated_at: string | null; mastodon_queued_at: string | null }
export type DeliveryChannel = "fediverse" | "mastodon";
export type DeliveryStatus = "queued" | "sent" | "failed";
export interface DeliveryRow {
  id: string;
  tenant_id: string;
  channel: DeliveryChannel;
  item_id: string | null;
  activity_type: string;
  activity_id: string | null;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  message: string | null;
  job_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}
export interface MastodonRow { tenant_id: string; instance_url: string; token_box: string; updated_at: string; updated_by: string | null }

declare module "../../../platform/db/schema.js" {
  interface Database {
    fediverse_kv: KvRow;
    fediverse_keys: KeyRow;
    fediverse_followers: FollowerRow;
    fediverse_following: FollowingRow;
    fediverse_received: ReceivedRow;
    fediverse_posts: PostRow;
    fediverse_deliveries: DeliveryRow;
    fediverse_mastodon: MastodonRow;
  }
}

export class FediverseStore {
  constructor(private readonly db: Db) {}

  // ---- Fedify's key-value store (installation-wide, not tenant data) -----------------------------

  async kvGet(key: string, now: string): Promise<string | undefined> {
    const row = await this.db.kysely.selectFrom("fediverse_kv").select(["value", "expires_at"]).where("key", "=", key).executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined;
    return row.value;
  }

  async kvSet(key: string, value: string, expiresAt: string | null): Promise<void> {
    await this.db.kysely
      .insertInto("fediverse_kv")
      .values({ key, value, expires_at: expiresAt })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, expires_at: expiresAt }))
      .execute();
  }

  async kvDelete(key: string): Promise<void> {
    await this.db.kysely.deleteFrom("fediverse_kv").where("key", "=", key).execute();
  }

  async kvPurgeExpired(now: string): Promise<number> {
    const res = await this.db.kysely.deleteFrom("fediverse_kv").where("expires_at", "<=", now).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  // ---- keys ------------------------------------------------------------------------------------

  async keys(tenantId: string): Promise<KeyRow[]> {
    return this.db.kysely.selectFrom("fediverse_keys").selectAll().where("tenant_id", "=", tenantId).orderBy("algorithm", "desc").execute();
  }

  /** Inserts unless another process was first; the caller reads back what is stored. */
  async insertKey(row: KeyRow): Promise<void> {
    await this.db.kysely.insertInto("fediverse_keys").values(row).onConflict((oc) => oc.columns(["tenant_id", "algorithm"]).doNothing()).execute();
  }

  // ---- followers ---------------------------------------------------------------------------------

  async addFollower(row: FollowerRow): Promise<void> {
    await this.db.kysely
      .insertInto("fediverse_followers")
      .values(row)
      .onConflict((oc) => oc.columns(["tenant_id", "actor_id"]).doUpdateSet({ inbox: row.inbox, shared_inbox: row.shared_inbox, handle: row.handle, follow_id: row.follow_id }))
      .execute();
  }

  async removeFollower(tenantId: string, actorId: string): Promise<boolean> {
    const res = await this.db.kysely.deleteFrom("fediverse_followers").where("tenant_id", "=", tenantId).where("actor_id", "=", actorId).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async followers(tenantId: string, opts: { limit?: number; offset?: number } = {}): Promise<FollowerRow[]> {
    let q = this.db.kysely.selectFrom("fediverse_followers").selectAll().where("tenant_id", "=", tenantId).orderBy("created_at", "desc").orderBy("actor_id");
    if (opts.limit !== undefined) q = q.limit(opts.limit).offset(opts.offset ?? 0);
    return q.execute();
  }

  async followerCount(tenantId: string): Promise<number> {
    const r = await this.db.kysely.selectFrom("fediverse_followers").select((eb) => eb.fn.countAll<number>().as("n")).where("tenant_id", "=", tenantId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- following ---------------------------------------------------------------------------------

  async upsertFollowing(row: FollowingRow): Promise<void> {
    await this.db.kysely
      .insertInto("fediverse_following")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["tenant_id", "actor_id"]).doUpdateSet({ follow_activity_id: row.follow_activity_id, status: row.status, inbox: row.inbox, handle: row.handle, name: row.name, accepted_at: null }),
      )
      .execute();
  }

  async following(tenantId: string): Promise<FollowingRow[]> {
    return this.db.kysely.selectFrom("fediverse_following").selectAll().where("tenant_id", "=", tenantId).orderBy("created_at", "desc").execute();
  }

  async followingByActor(tenantId: string, actorId: string): Promise<FollowingRow | undefined> {
    return this.db.kysely.selectFrom("fediverse_following").selectAll().where("tenant_id", "=", tenantId).where("actor_id", "=", actorId).executeTakeFirst();
  }

  async setFollowingStatus(tenantId: string, actorId: string, status: FollowingStatus, at: string): Promise<boolean> {
    const res = await this.db.kysely
      .updateTable("fediverse_following")
      .set({ status, accepted_at: status === "accepted" ? at : null })
      .where("tenant_id", "=", tenantId)
      .where("actor_id", "=", actorId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async removeFollowing(tenantId: string, id: string): Promise<FollowingRow | undefined> {
    const row = await this.db.kysely.selectFrom("fediverse_following").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    if (row) await this.db.kysely.deleteFrom("fediverse_following").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
    return row;
  }

  // ---- received ---------------------------------------------------------------------------------

  async addReceived(row: ReceivedRow): Promise<void> {
    await this.db.kysely.insertInto("fediverse_received").values(row).onConflict((oc) => oc.columns(["tenant_id", "activity_id"]).doNothing()).execute();
  }

  async received(tenantId: string, limit = 50): Promise<ReceivedRow[]> {
    return this.db.kysely.selectFrom("fediverse_received").selectAll().where("tenant_id", "=", tenantId).orderBy("received_at", "desc").orderBy("id", "desc").limit(limit).execute();
  }

  // ---- posts (the outbox) ----------------------------------------------------------------------------

  /** Returns true when the item is new to the outbox. */
  async addPost(row: PostRow): Promise<boolean> {
    const res = await this.db.kysely
      .insertInto("fediverse_posts")
      .values(row)
      .onConflict((oc) => oc.columns(["tenant_id", "item_id"]).doNothing())
      .returning("item_id")
      .executeTakeFirst();
    return res !== undefined;
  }

  async post(tenantId: string, itemId: string): Promise<PostRow | undefined> {
    return this.db.kysely.selectFrom("fediverse_posts").selectAll().where("tenant_id", "=", tenantId).where("item_id", "=", itemId).executeTakeFirst();
  }

  async markPost(tenantId: string, itemId: string, field: "federated_at" | "mastodon_queued_at", at: string): Promise<void> {
    await this.db.kysely.updateTable("fediverse_posts").set({ [field]: at }).where("tenant_id", "=", tenantId).where("item_id", "=", itemId).execute();
  }

  /** Newest first; only items whose publication time has come. */
  async posts(tenantId: string, now: string, opts: { limit: number; offset: number }): Promise<PostRow[]> {
    return this.db.kysely
      .selectFrom("fediverse_posts")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("published_at", "<=", now)
      .orderBy("published_at", "desc")
      .orderBy("item_id", "desc")
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
  }

  async postCount(tenantId: string, now: string): Promise<number> {
    const r = await this.db.kysely
      .selectFrom("fediverse_posts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("tenant_id", "=", tenantId)
      .where("published_at", "<=", now)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ---- deliveries -----------------------------------------------------------------------------------

  async addDelivery(row: DeliveryRow): Promise<void> {
    await this.db.kysely.insertInto("fediverse_deliveries").values(row).execute();
  }

  async delivery(tenantId: string, id: string): Promise<DeliveryRow | undefined> {
    return this.db.kysely.selectFrom("fediverse_deliveries").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  /** For the job, which knows only the delivery id (the tenant is read from the row). */
  async deliveryById(id: string): Promise<DeliveryRow | undefined> {
    return this.db.kysely.selectFrom("fediverse_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async updateDelivery(tenantId: string, id: string, change: Partial<Pick<DeliveryRow, "status" | "attempts" | "last_error" | "job_id" | "sent_at" | "updated_at">>): Promise<void> {
    await this.db.kysely.updateTable("fediverse_deliveries").set(change).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async deliveries(tenantId: string, opts: { status?: DeliveryStatus; limit?: number } = {}): Promise<DeliveryRow[]> {
    let q = this.db.kysely.selectFrom("fediverse_deliveries").selectAll().where("tenant_id", "=", tenantId);
    if (opts.status) q = q.where("status", "=", opts.status);
    return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(opts.limit ?? 100).execute();
  }

  /** Every delivery of one published item (the Redaktion's item page shows them). */
  async deliveriesOfItem(tenantId: string, itemId: string): Promise<DeliveryRow[]> {
    return this.db.kysely.selectFrom("fediverse_deliveries").selectAll().where("tenant_id", "=", tenantId).where("item_id", "=", itemId).orderBy("created_at").orderBy("id").execute();
  }

  // ---- Mastodon account --------------------------------------------------------------------------------

  async mastodon(tenantId: string): Promise<MastodonRow | undefined> {
    return this.db.kysely.selectFrom("fediverse_mastodon").selectAll().where("tenant_id", "=", tenantId).executeTakeFirst();
  }

  async saveMastodon(row: MastodonRow): Promise<void> {
    await this.db.kysely
      .insertInto("fediverse_mastodon")
      .values(row)
      .onConflict((oc) => oc.column("tenant_id").doUpdateSet({ instance_url: row.instance_url, token_box: row.token_box, updated_at: row.updated_at, updated_by: row.updated_by }))
      .execute();
  }

  async removeMastodon(tenantId: string): Promise<void> {
    await this.db.kysely.deleteFrom("fediverse_mastodon").where("tenant_id", "=", tenantId).execute();
  }
}
