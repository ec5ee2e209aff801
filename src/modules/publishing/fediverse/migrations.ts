import type { Migration } from "../../../platform/db/migrate.js";

/**
 * Tables of the Fediverse part (issue 7): Fedify's key-value store, the towns' key pairs, followers,
 * accounts a town follows, what a town received from accounts it follows, the items it federated
 * (its outbox), every delivery (Fediverse inboxes and Mastodon) and the optional Mastodon account.
 */
export const fediverseMigrations: Migration[] = [
  {
    name: "fediverse.001_create",
    async up(db, { types }) {
      // Fedify's cache (remote documents, public keys, activity idempotence); key = JSON array text
      await db.schema
        .createTable("fediverse_kv")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", types.json, (c) => c.notNull())
        .addColumn("expires_at", types.instant)
        .execute();
      await db.schema.createIndex("fediverse_kv_expires_idx").on("fediverse_kv").column("expires_at").execute();

      // one RSA (HTTP Signatures) and one Ed25519 (Object Integrity Proofs) key pair per town; private keys encrypted
      await db.schema
        .createTable("fediverse_keys")
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("algorithm", "text", (c) => c.notNull())
        .addColumn("public_jwk", types.json, (c) => c.notNull())
        .addColumn("private_jwk_box", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint("fediverse_keys_pk", ["tenant_id", "algorithm"])
        .execute();

      await db.schema
        .createTable("fediverse_followers")
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("actor_id", "text", (c) => c.notNull())
        .addColumn("handle", "text")
        .addColumn("inbox", "text", (c) => c.notNull())
        .addColumn("shared_inbox", "text")
        .addColumn("follow_id", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint("fediverse_followers_pk", ["tenant_id", "actor_id"])
        .execute();

      await db.schema
        .createTable("fediverse_following")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("actor_id", "text", (c) => c.notNull())
        .addColumn("handle", "text")
        .addColumn("name", "text")
        .addColumn("inbox", "text", (c) => c.notNull())
        .addColumn("follow_activity_id", "text", (c) => c.notNull())
        /** pending | accepted | rejected */
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("accepted_at", types.instant)
        .addUniqueConstraint("fediverse_following_actor_uq", ["tenant_id", "actor_id"])
        .execute();

      // posts received from accounts the town follows (Create of Note/Article)
      await db.schema
        .createTable("fediverse_received")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("activity_id", "text", (c) => c.notNull())
        .addColumn("actor_id", "text", (c) => c.notNull())
        .addColumn("object_id", "text")
        .addColumn("object_type", "text", (c) => c.notNull())
        .addColumn("title", "text")
        .addColumn("content", "text")
        .addColumn("url", "text")
        .addColumn("received_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("fediverse_received_activity_uq", ["tenant_id", "activity_id"])
        .execute();
      await db.schema.createIndex("fediverse_received_tenant_idx").on("fediverse_received").columns(["tenant_id", "received_at"]).execute();

      // the town's outbox: every published item it federated, newest first
      await db.schema
        .createTable("fediverse_posts")
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("item_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("teaser", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("published_at", types.instant, (c) => c.notNull())
        .addColumn("federated_at", types.instant)
        .addColumn("mastodon_queued_at", types.instant)
        .addPrimaryKeyConstraint("fediverse_posts_pk", ["tenant_id", "item_id"])
        .execute();
      await db.schema.createIndex("fediverse_posts_outbox_idx").on("fediverse_posts").columns(["tenant_id", "published_at", "item_id"]).execute();

      // every delivery: to a Fediverse inbox, or to the town's Mastodon account
      await db.schema
        .createTable("fediverse_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        /** "fediverse" | "mastodon" */
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("item_id", "text")
        .addColumn("activity_type", "text", (c) => c.notNull())
        .addColumn("activity_id", "text")
        /** the inbox URL, or the Mastodon instance URL */
        .addColumn("target", "text", (c) => c.notNull())
        /** queued | sent | failed */
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_error", "text")
        /** Fedify's outbox message without private keys (JSON); null for Mastodon */
        .addColumn("message", types.json)
        .addColumn("job_id", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addColumn("sent_at", types.instant)
        .execute();
      await db.schema.createIndex("fediverse_deliveries_tenant_idx").on("fediverse_deliveries").columns(["tenant_id", "created_at"]).execute();
      await db.schema.createIndex("fediverse_deliveries_status_idx").on("fediverse_deliveries").columns(["tenant_id", "status"]).execute();

      await db.schema
        .createTable("fediverse_mastodon")
        .addColumn("tenant_id", "text", (c) => c.primaryKey())
        .addColumn("instance_url", "text", (c) => c.notNull())
        .addColumn("token_box", "text", (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addColumn("updated_by", "text")
        .execute();
    },
  },
];
