import { sql } from "kysely";
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
  {
    // Second factor, lockout back-off, forced password change, department-scoped roles and
    // links to the municipality's single sign-on (OIDC) for staff.
    name: "002_staff_security",
    async up(db, { types }) {
      // SQLite adds one column per ALTER TABLE.
      await db.schema.alterTable("staff_accounts").addColumn("totp_secret", "text").execute();
      await db.schema.alterTable("staff_accounts").addColumn("totp_enabled_at", types.instant).execute();
      await db.schema.alterTable("staff_accounts").addColumn("totp_last_step", types.bigint).execute();
      await db.schema.alterTable("staff_accounts").addColumn("must_change_password", types.flag, (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("staff_accounts").addColumn("password_changed_at", types.instant).execute();

      // staff_roles gains a nullable department: its primary key cannot hold a NULL, so the table
      // is rebuilt (both databases) with a unique index that treats "no department" as ''.
      await db.schema
        .createTable("staff_roles_v2")
        .addColumn("account_id", "text", (c) => c.notNull().references("staff_accounts.id").onDelete("cascade"))
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("department_id", "text")
        .execute();
      await sql`insert into staff_roles_v2 (account_id, tenant_id, role, department_id) select account_id, tenant_id, role, null from staff_roles`.execute(db);
      await db.schema.dropTable("staff_roles").execute();
      await db.schema.alterTable("staff_roles_v2").renameTo("staff_roles").execute();
      await sql`create unique index staff_roles_grant_uq on staff_roles (account_id, tenant_id, role, coalesce(department_id, ''))`.execute(db);
      await db.schema.createIndex("staff_roles_tenant_idx").on("staff_roles").columns(["tenant_id", "account_id"]).execute();

      // The hook for staff single sign-on: which subject at which provider is which account.
      await db.schema
        .createTable("staff_identities")
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("provider_id", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("account_id", "text", (c) => c.notNull().references("staff_accounts.id").onDelete("cascade"))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("last_login_at", types.instant)
        .addPrimaryKeyConstraint("staff_identities_pk", ["tenant_id", "provider_id", "subject"])
        .execute();
      await db.schema.createIndex("staff_identities_account_idx").on("staff_identities").column("account_id").execute();
    },
  },
];
