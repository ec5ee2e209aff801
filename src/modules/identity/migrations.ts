import type { Migration } from "../../platform/db/migrate.js";

export const identityMigrations: Migration[] = [
  {
    name: "001_identity",
    async up(db, { types }) {
      await db.schema
        .createTable("identity_providers")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("audience", "text", (c) => c.notNull())
        .addColumn("enabled", types.flag, (c) => c.notNull().defaultTo(1))
        .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("config", types.json, (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("identity_providers_tenant_key", ["tenant_id", "key"])
        .execute();
      await db.schema
        .createTable("citizen_accounts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("provider_id", "text", (c) => c.notNull().references("identity_providers.id").onDelete("cascade"))
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("trust_level", "text", (c) => c.notNull())
        .addColumn("attributes", types.json, (c) => c.notNull())
        .addColumn("contact", types.json, (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("last_login_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("citizen_accounts_subject", ["tenant_id", "provider_id", "subject"])
        .execute();
      await db.schema
        .createTable("login_requests")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("provider_id", "text", (c) => c.notNull())
        .addColumn("return_to", "text", (c) => c.notNull())
        .addColumn("required_trust", "text", (c) => c.notNull())
        .addColumn("state", "text")
        .addColumn("nonce", "text")
        .addColumn("code_verifier", "text")
        .addColumn("browser_hash", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("expires_at", types.instant, (c) => c.notNull())
        .addColumn("used_at", types.instant)
        .execute();
      await db.schema.createIndex("login_requests_state").on("login_requests").column("state").execute();
      await db.schema
        .createTable("saml_consumed_assertions")
        .addColumn("assertion_id", "text", (c) => c.primaryKey())
        .addColumn("expires_at", types.instant, (c) => c.notNull())
        .execute();
    },
  },
];
