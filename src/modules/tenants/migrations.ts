import type { Migration } from "../../platform/db/migrate.js";

export const tenantMigrations: Migration[] = [
  {
    name: "001_tenants",
    async up(db, { types }) {
      await db.schema
        .createTable("tenants")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("slug", "text", (c) => c.notNull().unique())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("ags", "text", (c) => c.notNull())
        .addColumn("district", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("state", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("coat_of_arms_svg", "text", (c) => c.notNull())
        .addColumn("colors", types.json, (c) => c.notNull())
        .addColumn("address", types.json, (c) => c.notNull())
        .addColumn("contact", types.json, (c) => c.notNull())
        .addColumn("opening_hours", types.json, (c) => c.notNull())
        .addColumn("welcome", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("impressum", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("datenschutz", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("barrierefreiheit", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("leichte_sprache", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("gebaerdensprache_hinweis", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("gebaerdensprache_video", types.json)
        .addColumn("accessibility_email", "text", (c) => c.notNull())
        .addColumn("hosts", types.json, (c) => c.notNull().defaultTo("[]"))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("departments")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("address", types.json, (c) => c.notNull())
        .addColumn("room", "text")
        .addColumn("contact", types.json, (c) => c.notNull())
        .addColumn("opening_hours", types.json, (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("departments_tenant_key", ["tenant_id", "key"])
        .execute();
      await db.schema
        .createTable("responsibilities")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("responsibility_key", "text", (c) => c.notNull())
        .addColumn("department_id", "text", (c) => c.notNull().references("departments.id").onDelete("cascade"))
        .addPrimaryKeyConstraint("responsibilities_pk", ["tenant_id", "responsibility_key"])
        .execute();
      await db.schema
        .createTable("barrier_reports")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("reference", "text", (c) => c.notNull().unique())
        .addColumn("page_url", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("name", "text")
        .addColumn("email", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("resolved_at", types.instant)
        .execute();
      await db.schema.createIndex("barrier_reports_tenant").on("barrier_reports").columns(["tenant_id", "created_at"]).execute();
    },
  },
];
