import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import { newId } from "../../platform/ids.js";
import { berlinDateTime } from "../../platform/clock.js";
import { GLOBAL_SCOPE, tenantScope } from "../../platform/cache/versions.js";
import { AnalyticsStore, type EventRow } from "./store.js";
import { classify, defaultRules, normalisePrefix, type AreaRule } from "./classify.js";
import { PageViewRecorder, type BufferedView } from "./recorder.js";
import { areaFigures, comparedMonths, monthChanges, summaryText, type Report } from "./report.js";

export class AnalyticsRuleError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

export interface StaffActor {
  id: string;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Days as YYYY-MM-DD; adds n days. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

/**
 * Usage statistics: counting (the recorder), writing and rolling up, purging, rules, settings
 * and reports.
 */
export class AnalyticsService {
  readonly store: AnalyticsStore;
  readonly recorder: PageViewRecorder;
  private readonly defaults: AreaRule[];

  constructor(private readonly ctx: AppContext) {
    this.store = new AnalyticsStore(ctx.db);
    this.recorder = new PageViewRecorder(ctx);
    this.defaults = defaultRules(ctx.modules.flatMap((m) => m.analyticsAreas ?? []));
  }

  /** A job may run in a process that has served no request yet: load the municipalities first. */
  private async currentTenants(): Promise<void> {
    const v = await this.ctx.versions.read([GLOBAL_SCOPE]);
    await this.ctx.tenants.refreshIfStale(v.get(GLOBAL_SCOPE)!);
  }

  today(): string {
    return berlinDateTime(this.ctx.clock.now()).date;
  }

  /** The modules' default rules and the town's own, as classify() uses them. */
  async rulesOf(tenantId: string, ex?: Kdb): Promise<AreaRule[]> {
    const own = (await this.store.rules(tenantId, ex)).map((r) => ({ prefix: r.path_prefix, area: r.area, subArea: r.sub_area ?? "", own: true }));
    return [...own, ...this.defaults];
  }

  get defaultRules(): readonly AreaRule[] {
    return this.defaults;
  }

  /** The write job: a batch of buffered views into the raw events (opt-outs dropped where the town honours them). */
  async writeEvents(events: BufferedView[], outer?: Kdb): Promise<number> {
    // inside a transaction (drain) the caller has loaded the municipalities
    if (!outer) await this.currentTenants();
    const byTenant = new Map<string, BufferedView[]>();
    for (const e of events) {
      const list = byTenant.get(e.t);
      if (list) list.push(e);
      else byTenant.set(e.t, [e]);
    }
    let n = 0;
    for (const [tenantId, list] of byTenant) {
      if (!this.ctx.tenants.byId(tenantId)) continue;
      const [settings, rules] = outer ? [await this.store.settings(tenantId, outer), await this.rulesOf(tenantId, outer)] : await Promise.all([this.store.settings(tenantId), this.rulesOf(tenantId)]);
      const rows: EventRow[] = [];
      for (const e of list) {
        if (settings.honourOptOut && e.optOut) continue;
        const { area, subArea } = classify(e.rel, rules);
        rows.push({ tenant_id: tenantId, at: e.at, day: e.day, hour: e.hour, path: e.path, area, sub_area: subArea, referrer: e.ref, device: e.device, browser: e.browser, visitor: e.visitor, views: e.n ?? 1 });
      }
      if (!rows.length) continue;
      const days = [...new Set(rows.map((r) => r.day))].map((day) => ({ tenant_id: tenantId, day }));
      const write = async (trx: Kdb) => {
        await this.store.insertEvents(rows, trx);
        await this.store.markDirty(days, trx);
      };
      if (outer) await write(outer);
      else await this.ctx.db.tx(write);
      n += rows.reduce((a, r) => a + (r.views ?? 1), 0);
    }
    return n;
  }

  /**
   * The write job: drains the stored batches into the raw events, each batch in one transaction
   * with its deletion (so a batch is written exactly once, also with several processes: the drain
   * holds a lock).
   */
  async drain(): Promise<number> {
    await this.currentTenants();
    let n = 0;
    for (;;) {
      const done = await this.ctx.db.locked("analytics.drain", async (trx) => {
        const batches = await this.store.batches(5, trx);
        for (const b of batches) {
          n += await this.writeEvents(JSON.parse(b.payload) as BufferedView[], trx);
          await this.store.deleteBatch(b.id, trx);
        }
        return batches.length === 0;
      });
      if (done) return n;
    }
  }

  /** The roll-up job: every day with new raw events is aggregated again from its raw events. */
  async rollUp(): Promise<number> {
    let n = 0;
    for (const d of await this.store.dirtyDays()) {
      await this.ctx.db.tx((trx) => this.store.rollUpDay(d.tenant_id, d.day, trx));
      n++;
    }
    return n;
  }

  /**
   * The purge job (daily, after midnight): salts of past days are deleted (and forgotten in memory),
   * raw events older than each town's retention are deleted. Aggregates are kept.
   */
  async purge(): Promise<{ salts: number; events: number }> {
    await this.currentTenants();
    const today = this.today();
    this.recorder.salt.forgetBefore(today);
    const salts = await this.store.deleteSaltsBefore(today);
    let events = 0;
    await this.rollUp();
    for (const t of this.ctx.tenants.all()) {
      const s = await this.store.settings(t.id);
      events += await this.store.purgeEvents(t.id, addDays(today, -(s.retentionDays - 1)));
    }
    return { salts, events };
  }

  async addRule(tenantId: string, input: { prefix: string; area: string; subArea?: string }, actor: StaffActor): Promise<string> {
    const prefix = normalisePrefix(input.prefix);
    const area = input.area.trim();
    if (!area) throw new AnalyticsRuleError("Bitte geben Sie den Namen des Bereichs an.", "bereich");
    if (area === "*" || area.length > 80) throw new AnalyticsRuleError("Der Name des Bereichs ist ungültig (höchstens 80 Zeichen).", "bereich");
    if (prefix.length > 300 || /\s/.test(prefix)) throw new AnalyticsRuleError("Bitte geben Sie den Pfad ohne Leerzeichen an, zum Beispiel aktuelles/corona.", "pfad");
    if ((await this.store.rules(tenantId)).some((r) => r.path_prefix === prefix)) throw new AnalyticsRuleError("Für diesen Pfad gibt es schon eine Regel.", "pfad");
    const id = newId(this.ctx.clock);
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertRule({ id, tenant_id: tenantId, path_prefix: prefix, area, sub_area: input.subArea?.trim() || null, created_at: this.ctx.clock.now().toISOString() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "analytics.rule.add", object: { type: "analytics_rule", id } }, trx);
    });
    return id;
  }

  async removeRule(tenantId: string, id: string, actor: StaffActor): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      if (!(await this.store.deleteRule(tenantId, id, trx))) throw new AnalyticsRuleError("Diese Regel gibt es nicht.");
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "analytics.rule.remove", object: { type: "analytics_rule", id } }, trx);
    });
  }

  async saveSettings(tenantId: string, s: { honourOptOut: boolean; publicPage: boolean; retentionDays: number }, actor: StaffActor): Promise<void> {
    if (!Number.isInteger(s.retentionDays) || s.retentionDays < 1 || s.retentionDays > 31) throw new AnalyticsRuleError("Die Rohdaten werden 1 bis 31 Tage aufbewahrt; bitte geben Sie eine ganze Zahl an.", "tage");
    await this.ctx.db.tx(async (trx) => {
      await this.store.saveSettings(tenantId, s, this.ctx.clock.now().toISOString(), trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "analytics.settings.save", object: { type: "tenant", id: tenantId }, fields: ["honour_opt_out", "public_page", "retention_days"] }, trx);
      await this.ctx.versions.bump(tenantScope(tenantId), trx);
    });
  }

  /** The report for a period (from the aggregates). */
  async report(tenantId: string, from: string, to: string): Promise<Report> {
    if (!DAY_RE.test(from) || !DAY_RE.test(to) || from > to) throw new AnalyticsRuleError("Bitte geben Sie einen gültigen Zeitraum an (Beginn vor Ende).", "von");
    const [totals, monthly, daily, topPages, referrers, devices, browsers, countingSince] = await Promise.all([
      this.store.areaTotals(tenantId, from, to),
      this.store.monthlyAreas(tenantId, from, to),
      this.store.dailySite(tenantId, from, to),
      this.store.topPages(tenantId, from, to, 20),
      this.store.dimension(tenantId, "referrer", from, to, 20),
      this.store.dimension(tenantId, "device", from, to, 10),
      this.store.dimension(tenantId, "browser", from, to, 10),
      this.store.firstDay(tenantId),
    ]);
    const { views, visitors, areas } = areaFigures(totals);
    return {
      from,
      to,
      views,
      visitors,
      areas,
      monthly: monthChanges(monthly, comparedMonths(from, to)),
      topPages: topPages.map((p) => ({ path: p.path, area: p.area, subArea: p.sub_area, views: p.views, visitors: p.visitors })),
      referrers,
      devices,
      browsers,
      daily,
      countingSince: countingSince ?? null,
    };
  }

  /** The German text summary for an area (default: the Digitales Rathaus). */
  summary(report: Report, tenantId: string, area = "Digitales Rathaus"): string {
    const t = this.ctx.tenants.byId(tenantId)!;
    return summaryText(report, area, `der Website der ${t.kind} ${t.name}`);
  }
}
