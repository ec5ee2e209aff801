import type { Migration } from "../../platform/db/migrate.js";

/**
 * Usage statistics without cookies (issue 9). Raw page views are kept for a few days (the town's
 * setting, default 7) and rolled up into daily and hourly aggregates, which are kept. Visitors are
 * counted per Europe/Berlin day by a hash of a random daily salt, the municipality, the IP address
 * and the user agent; the salt is deleted after its day, so nobody can be followed across days.
 * No IP address and no user agent is ever stored.
 */
export const analyticsMigrations: Migration[] = [
  {
    name: "001_analytics",
    async up(db, { types }) {
      await db.schema
        .createTable("analytics_settings")
        .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id").onDelete("cascade"))
        // honour Do Not Track / Global Privacy Control
        .addColumn("honour_opt_out", types.flag, (c) => c.notNull().defaultTo(0))
        .addColumn("public_page", types.flag, (c) => c.notNull().defaultTo(0))
        .addColumn("retention_days", "integer", (c) => c.notNull().defaultTo(7))
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("analytics_rules")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        // relative to the municipality: "aktuelles/corona" counts /usingen/aktuelles/corona…
        .addColumn("path_prefix", "text", (c) => c.notNull())
        .addColumn("area", "text", (c) => c.notNull())
        .addColumn("sub_area", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("analytics_rules_prefix", ["tenant_id", "path_prefix"])
        .execute();
      // one random salt per Berlin day for all towns (the hash also contains the town); deleted after its day
      await db.schema
        .createTable("analytics_salts")
        .addColumn("day", "text", (c) => c.primaryKey())
        .addColumn("salt", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("analytics_events")
        .addColumn("id", types.serial, (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("at", types.instant, (c) => c.notNull())
        // Berlin calendar day and hour of `at`
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("hour", "integer", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("area", "text", (c) => c.notNull())
        // "" when the area has no sub-areas
        .addColumn("sub_area", "text", (c) => c.notNull())
        .addColumn("referrer", "text")
        // desktop | mobil | tablet
        .addColumn("device", "text", (c) => c.notNull())
        .addColumn("browser", "text", (c) => c.notNull())
        // first 16 hex digits of sha256(salt of the day | town | ip | user agent)
        .addColumn("visitor", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("analytics_events_day").on("analytics_events").columns(["tenant_id", "day"]).execute();
      await db.schema.createIndex("analytics_events_purge").on("analytics_events").columns(["day"]).execute();

      // the kept aggregates
      await db.schema
        .createTable("analytics_daily_pages")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("area", "text", (c) => c.notNull())
        .addColumn("sub_area", "text", (c) => c.notNull())
        .addColumn("views", "integer", (c) => c.notNull())
        .addColumn("visitors", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_daily_pages_pk", ["tenant_id", "day", "path"])
        .execute();
      // per area and sub-area; area "*" = the whole site (visitors are distinct per day, not a sum of areas)
      await db.schema
        .createTable("analytics_daily_areas")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("area", "text", (c) => c.notNull())
        .addColumn("sub_area", "text", (c) => c.notNull())
        .addColumn("views", "integer", (c) => c.notNull())
        .addColumn("visitors", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_daily_areas_pk", ["tenant_id", "day", "area", "sub_area"])
        .execute();
      await db.schema
        .createTable("analytics_hourly")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("hour", "integer", (c) => c.notNull())
        .addColumn("area", "text", (c) => c.notNull())
        .addColumn("views", "integer", (c) => c.notNull())
        .addColumn("visitors", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_hourly_pk", ["tenant_id", "day", "hour", "area"])
        .execute();
      // referrer domains, devices and browsers per day: dimension "referrer" | "device" | "browser"
      await db.schema
        .createTable("analytics_daily_dimensions")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("dimension", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("views", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_daily_dimensions_pk", ["tenant_id", "day", "dimension", "value"])
        .execute();
      // which days of which town must be rolled up again (new raw events arrived)
      await db.schema
        .createTable("analytics_dirty_days")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("day", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_dirty_days_pk", ["tenant_id", "day"])
        .execute();
    },
  },
  {
    name: "002_analytics_batches_and_months",
    async up(db, { types }) {
      // buffered views on their way to the raw events: written by the serving process in one insert
      // per batch, drained by the write job (deleted when written, so nothing outlives the raw events)
      await db.schema
        .createTable("analytics_batches")
        .addColumn("id", types.serial, (c) => c.primaryKey())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("payload", types.json, (c) => c.notNull())
        .execute();
      // page views per month and path (kept with the daily ones): long periods read whole months here
      await db.schema
        .createTable("analytics_monthly_pages")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("month", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("area", "text", (c) => c.notNull())
        .addColumn("sub_area", "text", (c) => c.notNull())
        .addColumn("views", "integer", (c) => c.notNull())
        .addColumn("visitors", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("analytics_monthly_pages_pk", ["tenant_id", "month", "path"])
        .execute();
      await db.schema.dropIndex("analytics_events_purge").execute();
    },
  },
  {
    name: "003_analytics_event_counts",
    async up(db) {
      // the recorder merges identical views of one visitor in the same hour (same page, referrer,
      // device, browser) into one row with a count: a burst of reloads costs one row
      await db.schema.alterTable("analytics_events").addColumn("views", "integer", (c) => c.notNull().defaultTo(1)).execute();
    },
  },
];
