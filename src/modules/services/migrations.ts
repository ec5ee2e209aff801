import type { Migration } from "../../platform/db/migrate.js";

export const serviceMigrations: Migration[] = [
  {
    name: "001_service_catalogue",
    async up(db, { types }) {
      // The installation's definitions: every version is kept, so a submission keeps the version it was made with.
      await db.schema
        .createTable("service_definition_versions")
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("definition", types.json, (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("imported_at", types.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint("service_definition_versions_pk", ["service_id", "version"])
        .execute();
      // Per municipality: enabled or not, and its overrides of fees, texts and the department.
      await db.schema
        .createTable("service_settings")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("service_id", "text", (c) => c.notNull())
        .addColumn("enabled", types.flag, (c) => c.notNull().defaultTo(0))
        .addColumn("overrides", types.json, (c) => c.notNull().defaultTo("{}"))
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint("service_settings_pk", ["tenant_id", "service_id"])
        .execute();
    },
  },
];
