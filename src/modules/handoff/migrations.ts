import type { Migration } from "../../platform/db/migrate.js";

export const handoffMigrations: Migration[] = [
  {
    name: "001_handoff",
    async up(db, { types }) {
      // API keys of a municipality: only a hash of the secret is kept; `prefix` finds the row.
      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("prefix", "text", (c) => c.notNull().unique())
        .addColumn("secret_hash", "text", (c) => c.notNull())
        .addColumn("scopes", types.json, (c) => c.notNull())
        .addColumn("department_id", "text")
        .addColumn("created_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("last_used_at", types.instant)
        .addColumn("revoked_at", types.instant)
        .execute();
      await db.schema.createIndex("api_keys_tenant_idx").on("api_keys").columns(["tenant_id", "created_at"]).execute();

      // A specialised system took the case over (POST …/ack).
      await db.schema
        .createTable("case_handoff")
        .addColumn("case_id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("acknowledged_at", types.instant, (c) => c.notNull())
        .addColumn("acknowledged_by_key", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("case_handoff_tenant_idx").on("case_handoff").columns(["tenant_id", "acknowledged_at"]).execute();

      // Webhook subscriptions; the secret is encrypted (Secrets.encrypt, purpose "webhook:<id>").
      await db.schema
        .createTable("webhook_subscriptions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("events", types.json, (c) => c.notNull())
        .addColumn("created_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        // soft delete: the delivery log keeps naming the address
        .addColumn("deleted_at", types.instant)
        .execute();
      await db.schema.createIndex("webhook_subscriptions_tenant_idx").on("webhook_subscriptions").columns(["tenant_id", "deleted_at"]).execute();

      // One message per subscription and case event; its id is the X-Rathaus-Delivery header (the same on every retry).
      await db.schema
        .createTable("webhook_messages")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("subscription_id", "text", (c) => c.notNull())
        .addColumn("case_event_id", "text", (c) => c.notNull())
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("delivered_at", types.instant)
        .addUniqueConstraint("webhook_messages_once", ["subscription_id", "case_event_id"])
        .execute();

      // Every delivery attempt, for the staff page.
      await db.schema
        .createTable("webhook_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("subscription_id", "text", (c) => c.notNull())
        .addColumn("message_id", "text", (c) => c.notNull())
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("at", types.instant, (c) => c.notNull())
        .addColumn("outcome", "text", (c) => c.notNull())
        .addColumn("http_status", "integer")
        .addColumn("error", "text")
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_deliveries_tenant_idx").on("webhook_deliveries").columns(["tenant_id", "at"]).execute();

      // How far the scan of case_events got per municipality (high-water mark) …
      await db.schema
        .createTable("webhook_cursors")
        .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id").onDelete("cascade"))
        .addColumn("last_at", types.instant, (c) => c.notNull())
        .addColumn("last_id", "text", (c) => c.notNull())
        .execute();
      // … and which events within the look-back window behind it were handled already (see webhooks.ts).
      await db.schema
        .createTable("webhook_seen_events")
        .addColumn("case_event_id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("event_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_seen_events_at_idx").on("webhook_seen_events").columns(["event_at"]).execute();
    },
  },
];
