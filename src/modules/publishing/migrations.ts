import type { Migration } from "../../platform/db/migrate.js";

/**
 * Tables of the publishing core: news and announcements (one table, `kind`), their attachments,
 * the town's rules for events from other modules, and the events received (idempotency key).
 * Visibility is decided at read time from the clock (state = veroeffentlicht, publish_at ≤ now,
 * no expiry or now < expires_at); `released_at` and `expiry_processed_at` only record that the
 * side effects (search index, emitItemPublished) have happened.
 */
export const publishingMigrations: Migration[] = [
  {
    name: "001_publishing",
    async up(db, { types }) {
      await db.schema
        .createTable("publishing_items")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        // news | announcement
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("teaser", "text", (c) => c.notNull().defaultTo(""))
        // sanitized on save (sanitize.ts): only this is ever rendered
        .addColumn("body_html", "text", (c) => c.notNull().defaultTo(""))
        // what the sanitizer removed at the last save (JSON list of German descriptions)
        .addColumn("removed_on_save", types.json, (c) => c.notNull().defaultTo("[]"))
        .addColumn("category", "text")
        // entwurf → pruefung → veroeffentlicht
        .addColumn("state", "text", (c) => c.notNull())
        // planned time while a draft; the legal publication date once published
        .addColumn("publish_at", types.instant)
        .addColumn("expires_at", types.instant)
        .addColumn("released_at", types.instant)
        .addColumn("expiry_processed_at", types.instant)
        // an announcement correcting an earlier one (Berichtigung)
        .addColumn("corrects_id", "text")
        // the page of the thing an event from another module is about
        .addColumn("link", "text")
        .addColumn("source_type", "text")
        .addColumn("created_by", "text")
        .addColumn("published_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("publishing_items_public").on("publishing_items").columns(["tenant_id", "kind", "state", "publish_at"]).execute();
      await db.schema.createIndex("publishing_items_release").on("publishing_items").columns(["state", "released_at", "publish_at"]).execute();
      await db.schema.createIndex("publishing_items_corrects").on("publishing_items").columns(["tenant_id", "corrects_id"]).execute();

      await db.schema
        .createTable("publishing_attachments")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("item_id", "text", (c) => c.notNull())
        .addColumn("file_name", "text", (c) => c.notNull())
        .addColumn("mime_type", "text", (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("sha1", "text", (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("publishing_attachments_item").on("publishing_attachments").columns(["tenant_id", "item_id"]).execute();

      await db.schema
        .createTable("publishing_event_rules")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("event_type", "text", (c) => c.notNull())
        // auto | draft | ignore
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint("publishing_event_rules_pk", ["tenant_id", "event_type"])
        .execute();

      await db.schema
        .createTable("publishing_events")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("source_id", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("item_id", "text")
        .addColumn("received_at", types.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint("publishing_events_pk", ["tenant_id", "event_type", "source_id"])
        .execute();
    },
  },
];
