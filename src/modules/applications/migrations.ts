import type { Migration } from "../../platform/db/migrate.js";

export const applicationMigrations: Migration[] = [
  {
    name: "001_applications",
    async up(db, { types }) {
      // An application being filled in: answers so far, the steps completed, who may continue it.
      await db.schema
        .createTable("application_drafts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("definition_version", "integer", (c) => c.notNull())
        .addColumn("account_id", "text")
        .addColumn("answers", types.json, (c) => c.notNull())
        .addColumn("steps_done", types.json, (c) => c.notNull())
        .addColumn("prefilled", types.json, (c) => c.notNull().defaultTo("[]"))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("submission_id", "text")
        .addColumn("link_salt", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addColumn("expires_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("application_drafts_account_idx").on("application_drafts").columns(["tenant_id", "account_id"]).execute();
      await db.schema.createIndex("application_drafts_expiry_idx").on("application_drafts").columns(["status", "expires_at"]).execute();

      // A submitted application: what the back office receives. One per draft (draft_id unique): a double submit cannot make two.
      await db.schema
        .createTable("submissions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("draft_id", "text", (c) => c.notNull().unique())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("definition_version", "integer", (c) => c.notNull())
        .addColumn("reference", "text", (c) => c.notNull())
        .addColumn("account_id", "text")
        .addColumn("answers", types.json, (c) => c.notNull())
        .addColumn("contact_email", "text")
        .addColumn("contact_name", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("link_salt", "text", (c) => c.notNull())
        .addColumn("receipt_key", "text")
        .addColumn("submitted_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("submissions_reference_uq", ["tenant_id", "reference"])
        .execute();
      await db.schema.createIndex("submissions_account_idx").on("submissions").columns(["tenant_id", "account_id"]).execute();
      await db.schema.createIndex("submissions_service_idx").on("submissions").columns(["tenant_id", "service_id", "submitted_at"]).execute();

      // Uploaded files: first of a draft, then (same row) of its submission.
      await db.schema
        .createTable("application_files")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("draft_id", "text", (c) => c.notNull())
        .addColumn("submission_id", "text")
        .addColumn("input_name", "text", (c) => c.notNull())
        .addColumn("file_name", "text", (c) => c.notNull())
        .addColumn("content_type", "text", (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("application_files_draft_idx").on("application_files").columns(["tenant_id", "draft_id"]).execute();

      // Human reference numbers (USI-2026-000123): one counter per municipality and year.
      await db.schema
        .createTable("application_counters")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("year", "integer", (c) => c.notNull())
        .addColumn("last", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("application_counters_pk", ["tenant_id", "year"])
        .execute();
    },
  },
];
