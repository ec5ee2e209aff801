import type { Migration } from "../../platform/db/migrate.js";

export const recordsMigrations: Migration[] = [
  {
    name: "001_records",
    async up(db, { types }) {
      // The anonymous trace of a case deleted at the end of its retention: what statistics need,
      // nothing about the person (the reference number alone identifies no one once the case is gone).
      await db.schema
        .createTable("records_retention_log")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("case_id", "text", (c) => c.notNull().unique())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("definition_version", "integer", (c) => c.notNull())
        .addColumn("department_id", "text")
        .addColumn("reference", "text", (c) => c.notNull())
        .addColumn("outcome", "text", (c) => c.notNull())
        .addColumn("retention_days", "integer", (c) => c.notNull())
        .addColumn("received_at", types.instant, (c) => c.notNull())
        .addColumn("closed_at", types.instant, (c) => c.notNull())
        .addColumn("deleted_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("records_retention_log_received_idx").on("records_retention_log").columns(["tenant_id", "received_at"]).execute();
      await db.schema.createIndex("records_retention_log_closed_idx").on("records_retention_log").columns(["tenant_id", "closed_at"]).execute();

      // Files whose rows are already deleted, to be removed from storage (written in the deleting
      // transaction, removed once the file is gone): a crash between the two never leaves a file behind.
      await db.schema
        .createTable("records_file_deletions")
        .addColumn("storage_key", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
    },
  },
];
