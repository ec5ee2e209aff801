import type { Migration } from "../../platform/db/migrate.js";

/** The OIDC provider's short-lived state (sessions, interactions, codes, tokens, grants), shared by all processes. */
export const testIdpMigrations: Migration[] = [
  {
    name: "001_oidc_store",
    async up(db, { types }) {
      await db.schema
        .createTable("testidp_oidc_entries")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("model", "text", (c) => c.notNull())
        .addColumn("payload", types.json, (c) => c.notNull())
        .addColumn("grant_id", "text")
        .addColumn("uid", "text")
        .addColumn("user_code", "text")
        .addColumn("consumed_at", "integer")
        .addColumn("expires_at", types.instant)
        .execute();
      await db.schema.createIndex("testidp_oidc_entries_grant").on("testidp_oidc_entries").column("grant_id").execute();
      await db.schema.createIndex("testidp_oidc_entries_uid").on("testidp_oidc_entries").columns(["model", "uid"]).execute();
      await db.schema.createIndex("testidp_oidc_entries_expires").on("testidp_oidc_entries").column("expires_at").execute();
    },
  },
];
