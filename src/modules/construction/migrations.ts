import type { Migration } from "../../platform/db/migrate.js";

/**
 * Tables of public construction projects: the project, its milestones, its status updates and
 * their photos. Planned dates are text with month or day precision ("2027-03" or "2027-03-15");
 * the budget is kept in cents. A project is public while `published_at` is set; an update is
 * public while its own `published_at` is set and its project is public.
 */
export const constructionMigrations: Migration[] = [
  {
    name: "001_construction",
    async up(db, { dialect, types }) {
      const real = dialect === "postgres" ? "double precision" : "real";
      await db.schema
        .createTable("construction_projects")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("teaser", "text", (c) => c.notNull())
        // plain text, paragraphs separated by blank lines
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("location", "text", (c) => c.notNull())
        .addColumn("latitude", real)
        .addColumn("longitude", real)
        .addColumn("budget_cents", types.bigint)
        .addColumn("funding", "text")
        // geplant | in-bau | unterbrochen | abgeschlossen
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("start_date", "text")
        .addColumn("end_date", "text")
        .addColumn("contact_name", "text", (c) => c.notNull())
        .addColumn("contact_phone", "text")
        .addColumn("contact_email", "text")
        .addColumn("published_at", types.instant)
        .addColumn("created_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("construction_projects_tenant").on("construction_projects").columns(["tenant_id", "published_at"]).execute();

      await db.schema
        .createTable("construction_milestones")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("project_id", "text", (c) => c.notNull().references("construction_projects.id").onDelete("cascade"))
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("planned_date", "text", (c) => c.notNull())
        .addColumn("done_date", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("construction_milestones_project").on("construction_milestones").columns(["tenant_id", "project_id"]).execute();

      await db.schema
        .createTable("construction_updates")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("project_id", "text", (c) => c.notNull().references("construction_projects.id").onDelete("cascade"))
        // the day the update is about (YYYY-MM-DD)
        .addColumn("update_date", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("published_at", types.instant)
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("construction_updates_project").on("construction_updates").columns(["tenant_id", "project_id"]).execute();

      await db.schema
        .createTable("construction_photos")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("project_id", "text", (c) => c.notNull())
        .addColumn("update_id", "text", (c) => c.notNull().references("construction_updates.id").onDelete("cascade"))
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("alt", "text", (c) => c.notNull())
        .addColumn("mime_type", "text", (c) => c.notNull())
        .addColumn("width", "integer", (c) => c.notNull())
        .addColumn("height", "integer", (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("construction_photos_update").on("construction_photos").columns(["tenant_id", "update_id"]).execute();
    },
  },
];
