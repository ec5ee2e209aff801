import { sql } from "kysely";
import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    analytics_settings: SettingsRow;
    analytics_rules: RuleRow;
    analytics_salts: { day: string; salt: string };
    analytics_events: EventRow;
    analytics_daily_pages: DailyPageRow;
    analytics_daily_areas: DailyAreaRow;
    analytics_hourly: { tenant_id: string; day: string; hour: number; area: string; views: number; visitors: number };
    analytics_daily_dimensions: { tenant_id: string; day: string; dimension: Dimension; value: string; views: number };
    analytics_dirty_days: { tenant_id: string; day: string };
    analytics_batches: { id?: number; created_at: string; payload: string };
    analytics_monthly_pages: { tenant_id: string; month: string; path: string; area: string; sub_area: string; views: number; visitors: number };
  }
}

export type Dimension = "referrer" | "device" | "browser";

export interface SettingsRow {
  tenant_id: string;
  honour_opt_out: number;
  public_page: number;
  retention_days: number;
  modified_at: string;
}

export interface RuleRow {
  id: string;
  tenant_id: string;
  path_prefix: string;
  area: string;
  sub_area: string | null;
  created_at: string;
}

export interface EventRow {
  id?: number;
  tenant_id: string;
  at: string;
  day: string;
  hour: number;
  path: string;
  area: string;
  sub_area: string;
  referrer: string | null;
  device: string;
  browser: string;
  visitor: string;
  /** identical views merged by the recorder (default 1) */
  views?: number;
}

export interface DailyPageRow {
  tenant_id: string;
  day: string;
  path: string;
  area: string;
  sub_area: string;
  views: number;
  visitors: number;
}

export interface DailyAreaRow {
  tenant_id: string;
  day: string;
  area: string;
  sub_area: string;
  views: number;
  visitors: number;
}

export const SITE = "*";
const ROWS = 400;

/** The module's queries; every method takes the municipality first. */
export class AnalyticsStore {
  constructor(private readonly db: Db) {}

  private get k() {
    return this.db.kysely;
  }

  async settings(tenantId: string, ex: Executor = this.k): Promise<{ honourOptOut: boolean; publicPage: boolean; retentionDays: number }> {
    const r = await ex.selectFrom("analytics_settings").selectAll().where("tenant_id", "=", tenantId).executeTakeFirst();
    return { honourOptOut: !!r?.honour_opt_out, publicPage: !!r?.public_page, retentionDays: r?.retention_days ?? 7 };
  }

  async saveSettings(tenantId: string, s: { honourOptOut: boolean; publicPage: boolean; retentionDays: number }, now: string, ex: Executor): Promise<void> {
    const row = { honour_opt_out: s.honourOptOut ? 1 : 0, public_page: s.publicPage ? 1 : 0, retention_days: s.retentionDays, modified_at: now };
    await ex.insertInto("analytics_settings").values({ tenant_id: tenantId, ...row }).onConflict((oc) => oc.column("tenant_id").doUpdateSet(row)).execute();
  }

  async rules(tenantId: string, ex: Executor = this.k): Promise<RuleRow[]> {
    return ex.selectFrom("analytics_rules").selectAll().where("tenant_id", "=", tenantId).orderBy("path_prefix").execute();
  }

  async insertRule(row: RuleRow, ex: Executor): Promise<void> {
    await ex.insertInto("analytics_rules").values(row).execute();
  }

  async deleteRule(tenantId: string, id: string, ex: Executor): Promise<number> {
    const r = await ex.deleteFrom("analytics_rules").where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- raw events and roll-ups ------------------------------------------------------------------

  async insertEvents(rows: EventRow[], ex: Executor): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS) await ex.insertInto("analytics_events").values(rows.slice(i, i + ROWS)).execute();
  }

  async markDirty(pairs: { tenant_id: string; day: string }[], ex: Executor): Promise<void> {
    if (!pairs.length) return;
    await ex.insertInto("analytics_dirty_days").values(pairs).onConflict((oc) => oc.columns(["tenant_id", "day"]).doNothing()).execute();
  }

  async dirtyDays(ex: Executor = this.k): Promise<{ tenant_id: string; day: string }[]> {
    return ex.selectFrom("analytics_dirty_days").selectAll().orderBy("day").limit(500).execute();
  }

  /**
   * Recomputes the aggregates of one town's day from its raw events (exact distinct visitors):
   * pages, areas (and the whole site as area "*"), hours, referrers, devices, browsers.
   */
  async rollUpDay(tenantId: string, day: string, ex: Executor): Promise<void> {
    for (const t of ["analytics_daily_pages", "analytics_daily_areas", "analytics_hourly", "analytics_daily_dimensions"] as const) {
      await ex.deleteFrom(t).where("tenant_id", "=", tenantId).where("day", "=", day).execute();
    }
    const ev = () => ex.selectFrom("analytics_events").where("tenant_id", "=", tenantId).where("day", "=", day);
    const pages = await ev()
      .select(["path", sql<string>`min(area)`.as("area"), sql<string>`min(sub_area)`.as("sub_area"), sql<number>`sum(views)`.as("views"), sql<number>`count(distinct visitor)`.as("visitors")])
      .groupBy("path")
      .execute();
    await insertMany(ex, "analytics_daily_pages", pages.map((p) => ({ tenant_id: tenantId, day, path: p.path, area: p.area, sub_area: p.sub_area, views: Number(p.views), visitors: Number(p.visitors) })));
    const areas = await ev().select(["area", "sub_area", sql<number>`sum(views)`.as("views"), sql<number>`count(distinct visitor)`.as("visitors")]).groupBy(["area", "sub_area"]).execute();
    const areaTotals = await ev().select(["area", sql<number>`sum(views)`.as("views"), sql<number>`count(distinct visitor)`.as("visitors")]).groupBy("area").execute();
    const site = await ev().select([sql<number>`sum(views)`.as("views"), sql<number>`count(distinct visitor)`.as("visitors")]).executeTakeFirst();
    const areaRows: DailyAreaRow[] = [
      // sub_area "" = the whole area (its visitors are distinct across its sub-areas)
      ...areaTotals.map((a) => ({ tenant_id: tenantId, day, area: a.area, sub_area: "", views: Number(a.views), visitors: Number(a.visitors) })),
      ...areas.filter((a) => a.sub_area !== "").map((a) => ({ tenant_id: tenantId, day, area: a.area, sub_area: a.sub_area, views: Number(a.views), visitors: Number(a.visitors) })),
    ];
    if (site && Number(site.views) > 0) areaRows.push({ tenant_id: tenantId, day, area: SITE, sub_area: "", views: Number(site.views), visitors: Number(site.visitors) });
    await insertMany(ex, "analytics_daily_areas", areaRows);
    const hours = await ev().select(["hour", "area", sql<number>`sum(views)`.as("views"), sql<number>`count(distinct visitor)`.as("visitors")]).groupBy(["hour", "area"]).execute();
    await insertMany(ex, "analytics_hourly", hours.map((x) => ({ tenant_id: tenantId, day, hour: Number(x.hour), area: x.area, views: Number(x.views), visitors: Number(x.visitors) })));
    const dims: { tenant_id: string; day: string; dimension: Dimension; value: string; views: number }[] = [];
    for (const [dimension, column] of [["referrer", "referrer"], ["device", "device"], ["browser", "browser"]] as const) {
      const rows = await ev().select([sql<string>`${sql.ref(column)}`.as("value"), sql<number>`sum(views)`.as("views")]).where(column, "is not", null).groupBy(column).execute();
      for (const r of rows) dims.push({ tenant_id: tenantId, day, dimension, value: String(r.value), views: Number(r.views) });
    }
    await insertMany(ex, "analytics_daily_dimensions", dims);
    await this.rollUpMonth(tenantId, day.slice(0, 7), ex);
    await ex.deleteFrom("analytics_dirty_days").where("tenant_id", "=", tenantId).where("day", "=", day).execute();
  }

  /** The month's page totals again from its daily rows. */
  async rollUpMonth(tenantId: string, month: string, ex: Executor): Promise<void> {
    await ex.deleteFrom("analytics_monthly_pages").where("tenant_id", "=", tenantId).where("month", "=", month).execute();
    const rows = await ex
      .selectFrom("analytics_daily_pages")
      .select(["path", sql<string>`min(area)`.as("area"), sql<string>`min(sub_area)`.as("sub_area"), sql<number>`sum(views)`.as("views"), sql<number>`sum(visitors)`.as("visitors")])
      .where("tenant_id", "=", tenantId)
      .where("day", ">=", `${month}-01`)
      .where("day", "<=", `${month}-31`)
      .groupBy("path")
      .execute();
    await insertMany(ex, "analytics_monthly_pages", rows.map((r) => ({ tenant_id: tenantId, month, path: r.path, area: r.area, sub_area: r.sub_area, views: Number(r.views), visitors: Number(r.visitors) })));
  }

  // ---- batches (serving process → write job) ---------------------------------------------------

  async insertBatch(payload: string, now: string, ex: Executor = this.k): Promise<void> {
    await ex.insertInto("analytics_batches").values({ created_at: now, payload }).execute();
  }

  async batches(limit: number, ex: Executor): Promise<{ id: number; payload: string }[]> {
    const rows = await ex.selectFrom("analytics_batches").select(["id", "payload"]).orderBy("id").limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), payload: r.payload }));
  }

  async deleteBatch(id: number, ex: Executor): Promise<void> {
    await ex.deleteFrom("analytics_batches").where("id", "=", id).execute();
  }

  /** Imported history (access logs): the aggregates of a day written directly (replacing what was there). */
  async replaceDay(tenantId: string, day: string, agg: { pages: DailyPageRow[]; areas: DailyAreaRow[]; hours: { hour: number; area: string; views: number; visitors: number }[]; dims: { dimension: Dimension; value: string; views: number }[] }, ex: Executor, opts: { deferMonth?: boolean } = {}): Promise<void> {
    for (const t of ["analytics_daily_pages", "analytics_daily_areas", "analytics_hourly", "analytics_daily_dimensions"] as const) {
      await ex.deleteFrom(t).where("tenant_id", "=", tenantId).where("day", "=", day).execute();
    }
    await insertMany(ex, "analytics_daily_pages", agg.pages);
    await insertMany(ex, "analytics_daily_areas", agg.areas);
    await insertMany(ex, "analytics_hourly", agg.hours.map((x) => ({ tenant_id: tenantId, day, ...x })));
    await insertMany(ex, "analytics_daily_dimensions", agg.dims.map((x) => ({ tenant_id: tenantId, day, ...x })));
    if (!opts.deferMonth) await this.rollUpMonth(tenantId, day.slice(0, 7), ex);
  }

  /** Deletes raw events of days before `day` for one town (the aggregates stay). */
  async purgeEvents(tenantId: string, beforeDay: string, ex: Executor = this.k): Promise<number> {
    const r = await ex.deleteFrom("analytics_events").where("tenant_id", "=", tenantId).where("day", "<", beforeDay).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async deleteSaltsBefore(day: string, ex: Executor = this.k): Promise<number> {
    const r = await ex.deleteFrom("analytics_salts").where("day", "<", day).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- reports (from the aggregates) ------------------------------------------------------------

  /** Views and visitors per area and sub-area ("" = the area as a whole; area "*" = the site) in a period. */
  async areaTotals(tenantId: string, from: string, to: string, ex: Executor = this.k): Promise<{ area: string; sub_area: string; views: number; visitors: number }[]> {
    const rows = await ex
      .selectFrom("analytics_daily_areas")
      .select(["area", "sub_area", sql<number>`sum(views)`.as("views"), sql<number>`sum(visitors)`.as("visitors")])
      .where("tenant_id", "=", tenantId)
      .where("day", ">=", from)
      .where("day", "<=", to)
      .groupBy(["area", "sub_area"])
      .execute();
    return rows.map((r) => ({ area: r.area, sub_area: r.sub_area, views: Number(r.views), visitors: Number(r.visitors) }));
  }

  /** Views per area per calendar month (YYYY-MM), for the month-over-month change. */
  async monthlyAreas(tenantId: string, from: string, to: string, ex: Executor = this.k): Promise<{ month: string; area: string; views: number }[]> {
    const rows = await ex
      .selectFrom("analytics_daily_areas")
      .select([sql<string>`substr(day, 1, 7)`.as("month"), "area", sql<number>`sum(views)`.as("views")])
      .where("tenant_id", "=", tenantId)
      .where("day", ">=", from)
      .where("day", "<=", to)
      .where("sub_area", "=", "")
      .groupBy([sql`substr(day, 1, 7)`, "area"])
      .execute();
    return rows.map((r) => ({ month: r.month, area: r.area, views: Number(r.views) }));
  }

  /** The whole site per day (for the chart). */
  async dailySite(tenantId: string, from: string, to: string, ex: Executor = this.k): Promise<{ day: string; views: number; visitors: number }[]> {
    const rows = await ex
      .selectFrom("analytics_daily_areas")
      .select(["day", "views", "visitors"])
      .where("tenant_id", "=", tenantId)
      .where("area", "=", SITE)
      .where("day", ">=", from)
      .where("day", "<=", to)
      .orderBy("day")
      .execute();
    return rows.map((r) => ({ day: r.day, views: Number(r.views), visitors: Number(r.visitors) }));
  }

  /**
   * The most viewed pages of a period: whole months from the monthly totals, the partial months at
   * the edges from the daily rows (a report over years reads a few thousand rows, not hundreds of thousands).
   */
  async topPages(tenantId: string, from: string, to: string, limit: number, ex: Executor = this.k): Promise<{ path: string; area: string; sub_area: string; views: number; visitors: number }[]> {
    const firstWhole = from.slice(8) === "01" ? from.slice(0, 7) : nextMonth(from.slice(0, 7));
    const lastWhole = to === lastDayOf(to.slice(0, 7)) ? to.slice(0, 7) : prevMonth(to.slice(0, 7));
    const acc = new Map<string, { path: string; area: string; sub_area: string; views: number; visitors: number }>();
    const add = (r: { path: string; area: string; sub_area: string; views: number | string; visitors: number | string }) => {
      const cur = acc.get(r.path);
      if (cur) {
        cur.views += Number(r.views);
        cur.visitors += Number(r.visitors);
      } else acc.set(r.path, { path: r.path, area: r.area, sub_area: r.sub_area, views: Number(r.views), visitors: Number(r.visitors) });
    };
    const daily = (a: string, b: string) =>
      ex
        .selectFrom("analytics_daily_pages")
        .select(["path", sql<string>`min(area)`.as("area"), sql<string>`min(sub_area)`.as("sub_area"), sql<number>`sum(views)`.as("views"), sql<number>`sum(visitors)`.as("visitors")])
        .where("tenant_id", "=", tenantId)
        .where("day", ">=", a)
        .where("day", "<=", b)
        .groupBy("path")
        .execute();
    if (firstWhole > lastWhole) {
      for (const r of await daily(from, to)) add(r);
    } else {
      if (from < `${firstWhole}-01`) for (const r of await daily(from, `${prevMonth(firstWhole)}-31`)) add(r);
      const months = await ex
        .selectFrom("analytics_monthly_pages")
        .select(["path", sql<string>`min(area)`.as("area"), sql<string>`min(sub_area)`.as("sub_area"), sql<number>`sum(views)`.as("views"), sql<number>`sum(visitors)`.as("visitors")])
        .where("tenant_id", "=", tenantId)
        .where("month", ">=", firstWhole)
        .where("month", "<=", lastWhole)
        .groupBy("path")
        .execute();
      for (const r of months) add(r);
      if (to > lastDayOf(lastWhole)) for (const r of await daily(`${nextMonth(lastWhole)}-01`, to)) add(r);
    }
    return [...acc.values()].sort((a, b) => b.views - a.views || a.path.localeCompare(b.path)).slice(0, limit);
  }

  async dimension(tenantId: string, dimension: Dimension, from: string, to: string, limit: number, ex: Executor = this.k): Promise<{ value: string; views: number }[]> {
    const rows = await ex
      .selectFrom("analytics_daily_dimensions")
      .select(["value", sql<number>`sum(views)`.as("views")])
      .where("tenant_id", "=", tenantId)
      .where("dimension", "=", dimension)
      .where("day", ">=", from)
      .where("day", "<=", to)
      .groupBy("value")
      .orderBy(sql`sum(views)`, "desc")
      .orderBy("value")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ value: r.value, views: Number(r.views) }));
  }

  /** The first day with counted views (for "seit dem …"), or undefined. */
  async firstDay(tenantId: string, ex: Executor = this.k): Promise<string | undefined> {
    const r = await ex.selectFrom("analytics_daily_areas").select(sql<string>`min(day)`.as("d")).where("tenant_id", "=", tenantId).where("area", "=", SITE).executeTakeFirst();
    return r?.d ?? undefined;
  }
}

function nextMonth(ym: string): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}
function prevMonth(ym: string): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}
function lastDayOf(ym: string): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
}

async function insertMany<T extends "analytics_daily_pages" | "analytics_daily_areas" | "analytics_hourly" | "analytics_daily_dimensions" | "analytics_monthly_pages">(ex: Executor, table: T, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS) await ex.insertInto(table).values(rows.slice(i, i + ROWS) as never).execute();
}
