import type { Migration } from "../../platform/db/migrate.js";

export const caseMigrations: Migration[] = [
  {
    name: "001_cases",
    async up(db, { types }) {
      // A case (Vorgang): one per submission, in the department the municipality maps the service to.
      await db.schema
        .createTable("cases")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("submission_id", "text", (c) => c.notNull().unique())
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("definition_version", "integer", (c) => c.notNull())
        .addColumn("reference", "text", (c) => c.notNull())
        .addColumn("department_id", "text")
        .addColumn("account_id", "text")
        .addColumn("applicant", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("assignee_id", "text")
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("state_since", types.instant, (c) => c.notNull())
        .addColumn("due_at", types.instant)
        .addColumn("search_text", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addColumn("closed_at", types.instant)
        .execute();
      // The inbox reads newest first by (created_at, id), per department and status: keyset pagination on these.
      await db.schema.createIndex("cases_inbox_idx").on("cases").columns(["tenant_id", "department_id", "created_at", "id"]).execute();
      await db.schema.createIndex("cases_status_idx").on("cases").columns(["tenant_id", "department_id", "status", "created_at", "id"]).execute();
      await db.schema.createIndex("cases_assignee_idx").on("cases").columns(["tenant_id", "assignee_id", "created_at", "id"]).execute();
      await db.schema.createIndex("cases_due_idx").on("cases").columns(["tenant_id", "due_at"]).execute();
      await db.schema.createIndex("cases_account_idx").on("cases").columns(["tenant_id", "account_id"]).execute();

      // The history: every change, who and when; `public` entries are shown to the citizen.
      await db.schema
        .createTable("case_events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("at", types.instant, (c) => c.notNull())
        .addColumn("actor_type", "text", (c) => c.notNull())
        .addColumn("actor_id", "text")
        .addColumn("actor_name", "text")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("from_status", "text")
        .addColumn("to_status", "text")
        .addColumn("text", "text")
        .addColumn("public", types.flag, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("case_events_case_idx").on("case_events").columns(["tenant_id", "case_id", "at"]).execute();

      // Messages between the town and the applicant (Nachforderung and answer).
      await db.schema
        .createTable("case_messages")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("direction", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("staff_id", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("read_at", types.instant)
        .execute();
      await db.schema.createIndex("case_messages_case_idx").on("case_messages").columns(["tenant_id", "case_id", "created_at"]).execute();

      // Files of a case beyond the application's: the citizen's answers, Bescheide.
      await db.schema
        .createTable("case_files")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("message_id", "text")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("file_name", "text", (c) => c.notNull())
        .addColumn("content_type", "text", (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("first_read_at", types.instant)
        .execute();
      await db.schema.createIndex("case_files_case_idx").on("case_files").columns(["tenant_id", "case_id", "created_at"]).execute();

      // Internal notes: staff only, never shown to the citizen.
      await db.schema
        .createTable("case_notes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("case_id", "text", (c) => c.notNull())
        .addColumn("staff_id", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("case_notes_case_idx").on("case_notes").columns(["tenant_id", "case_id", "created_at"]).execute();
    },
  },
  {
    name: "002_inbox_indexes",
    async up(db) {
      // The inbox of viewers who see every department (the administration) reads newest first per
      // municipality, with or without a status: without these it sorted all the municipality's
      // cases for every page (bench/cases.ts: 100,000 cases).
      await db.schema.createIndex("cases_tenant_created_idx").on("cases").columns(["tenant_id", "created_at", "id"]).execute();
      await db.schema.createIndex("cases_tenant_status_idx").on("cases").columns(["tenant_id", "status", "created_at", "id"]).execute();
      // No query searches a deadline range; SQLite (which has no statistics here) chose this index
      // for the "overdue" filter and then sorted every overdue case instead of reading in inbox order.
      await db.schema.dropIndex("cases_due_idx").execute();
    },
  },
  {
    name: "003_retention_index",
    async up(db) {
      // The daily retention job looks for closed cases per service version.
      await db.schema.createIndex("cases_retention_idx").on("cases").columns(["service_id", "definition_version", "closed_at"]).execute();
    },
  },
];
