import type { Migration } from "./db/migrate.js";

/** Tables of the platform itself (jobs, audit and mail bring their own migration sets). */
export const platformMigrations: Migration[] = [
  {
    name: "001_core",
    async up(db, { types }) {
      await db.schema
        .createTable("content_versions")
        .addColumn("scope", "text", (c) => c.primaryKey())
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable("platform_secrets")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("staff_account_id", "text")
        .addColumn("subject_id", "text")
        .addColumn("csrf_token", "text", (c) => c.notNull())
        .addColumn("data", types.json, (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("last_seen_at", types.instant, (c) => c.notNull())
        .addColumn("expires_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sessions_expires").on("sessions").column("expires_at").execute();
      await db.schema
        .createTable("rate_limits")
        .addColumn("bucket", "text", (c) => c.primaryKey())
        .addColumn("count", "integer", (c) => c.notNull())
        .addColumn("expires_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("staff_accounts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("platform_admin", types.flag, (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("disabled_at", types.instant)
        .addColumn("last_login_at", types.instant)
        .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("locked_until", types.instant)
        .execute();
      await db.schema
        .createTable("staff_roles")
        .addColumn("account_id", "text", (c) => c.notNull().references("staff_accounts.id").onDelete("cascade"))
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("staff_roles_pk", ["account_id", "tenant_id", "role"])
        .execute();
    },
  },
];
