import { createHash, randomBytes } from "node:crypto";
import type { AppContext } from "../../platform/context.js";
import type { PageView, PageViewSink } from "../../platform/page-views.js";
import { berlinDateTime } from "../../platform/clock.js";
import { browserOf, deviceOf, isBot, referrerDomain } from "./ua.js";
import { storedPath } from "./classify.js";

export const WRITE_JOB = "analytics.write";
const FLUSH_AT = 500;
const FLUSH_MS = 1000;

/** A counted page view on its way to the database: no IP address, no user agent. */
export interface BufferedView {
  t: string;
  at: string;
  day: string;
  hour: number;
  path: string;
  rel: string;
  ref: string | null;
  device: string;
  browser: string;
  visitor: string;
  optOut: boolean;
  /** identical views merged in the buffer (same visitor, hour, page, referrer, device, browser) */
  n?: number;
}

/**
 * The day's salt: random, one per Europe/Berlin day for all processes (kept in the database while
 * its day lasts, deleted by the purge job after it). Memory holds the salts of at most the last
 * three days seen (a request served just after midnight may still belong to the day before).
 */
export class DailySalt {
  private readonly salts = new Map<string, string>();
  /** called when another process's salt was adopted (hashes made with ours must be forgotten) */
  onChange?: () => void;
  constructor(private readonly ctx: AppContext) {}

  /** The salt of `day` (sync): created at once if needed, reconciled with the database in the background. */
  of(day: string): string {
    const known = this.salts.get(day);
    if (known) return known;
    const salt = randomBytes(32).toString("hex");
    this.salts.set(day, salt);
    for (const d of [...this.salts.keys()].sort().slice(0, Math.max(0, this.salts.size - 3))) this.salts.delete(d);
    void this.reconcile(day, salt);
    return salt;
  }

  /** Another process may have made the day's salt first: adopt the stored one. */
  async reconcile(day: string, mine: string): Promise<void> {
    try {
      const db = this.ctx.db.kysely;
      await db.insertInto("analytics_salts").values({ day, salt: mine }).onConflict((oc) => oc.column("day").doNothing()).execute();
      const row = await db.selectFrom("analytics_salts").select("salt").where("day", "=", day).executeTakeFirst();
      if (row && this.salts.has(day) && row.salt !== mine) {
        this.salts.set(day, row.salt);
        this.onChange?.();
      }
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message }, "analytics: daily salt not stored");
    }
  }

  /** Loads the current day's salt (at start-up). */
  async load(day: string): Promise<void> {
    const row = await this.ctx.db.kysely.selectFrom("analytics_salts").select("salt").where("day", "=", day).executeTakeFirst();
    if (row) this.salts.set(day, row.salt);
  }

  /** Forget the days before `day` (the purge job deletes them from the database). */
  forgetBefore(day: string): void {
    for (const d of [...this.salts.keys()]) if (d < day) this.salts.delete(d);
  }

  /** For tests: the days whose salts are held in memory. */
  get heldDays(): string[] {
    return [...this.salts.keys()].sort();
  }
}

export function visitorHash(salt: string, tenantId: string, ip: string, userAgent: string): string {
  return createHash("sha256").update(`${salt}|${tenantId}|${ip}|${userAgent}`).digest("hex").slice(0, 16);
}

/**
 * The platform's page view sink: filters bots, computes the day's visitor hash, and buffers; the
 * buffer is stored as one batch row (every second or every 500 views) with a write job that drains
 * the batches into the raw events and deletes them. A failure is logged, never shown.
 */
export class PageViewRecorder implements PageViewSink {
  private buffer: BufferedView[] = [];
  /** the buffered views by what makes them identical (for merging) */
  private merged = new Map<string, BufferedView>();
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();
  readonly salt: DailySalt;
  /** counted and dropped views since start (for tests and the benchmark) */
  readonly stats = { recorded: 0, bots: 0, flushed: 0, failed: 0 };

  constructor(private readonly ctx: AppContext) {
    this.salt = new DailySalt(ctx);
    this.salt.onChange = () => {
      this.visitors = new Map();
    };
  }

  /** Berlin day and hour per UTC hour: Intl formatting per view was a third of the recording cost. */
  private hourKey = -1;
  private hourValue = { date: "", hour: 0 };
  private berlin(at: Date): { date: string; hour: number } {
    const key = Math.floor(at.getTime() / 3_600_000);
    if (key !== this.hourKey) {
      const b = berlinDateTime(at);
      this.hourKey = key;
      this.hourValue = { date: b.date, hour: b.hour };
    }
    return this.hourValue;
  }

  /** What a user agent is (bot, device, browser), remembered: user agents repeat a lot. */
  private readonly agents = new Map<string, { bot: boolean; device: string; browser: string }>();
  private agent(ua: string) {
    let a = this.agents.get(ua);
    if (!a) {
      if (this.agents.size >= 2000) this.agents.clear();
      a = { bot: isBot(ua), device: deviceOf(ua), browser: browserOf(ua) };
      this.agents.set(ua, a);
    }
    return a;
  }
  private readonly paths = new Map<string, { path: string; rel: string }>();
  private pathOf(path: string, slug: string) {
    const key = `${slug}|${path}`;
    let p = this.paths.get(key);
    if (!p) {
      if (this.paths.size >= 5000) this.paths.clear();
      p = storedPath(path, slug);
      this.paths.set(key, p);
    }
    return p;
  }
  private readonly referrers = new Map<string, string | null>();
  private referrerOf(referer: string | undefined, host: string | undefined): string | null {
    if (!referer) return null;
    const key = `${host}|${referer}`;
    let r = this.referrers.get(key);
    if (r === undefined) {
      if (this.referrers.size >= 5000) this.referrers.clear();
      r = referrerDomain(referer, host) ?? null;
      this.referrers.set(key, r);
    }
    return r;
  }

  /**
   * The visitor hash, remembered in this process's memory for the current hour only (never written
   * anywhere; the map is emptied when the hour changes and when it grows large).
   */
  private visitors = new Map<string, string>();
  private visitorsHour = -1;
  private visitorOf(day: string, tenantId: string, ip: string, ua: string): string {
    if (this.hourKey !== this.visitorsHour || this.visitors.size >= 20_000) {
      this.visitors = new Map();
      this.visitorsHour = this.hourKey;
    }
    const key = `${day}|${tenantId}|${ip}|${ua}`;
    let h = this.visitors.get(key);
    if (!h) {
      h = visitorHash(this.salt.of(day), tenantId, ip, ua);
      this.visitors.set(key, h);
    }
    return h;
  }

  record(v: PageView): void {
    const agent = this.agent(v.userAgent);
    if (agent.bot) {
      this.stats.bots++;
      return;
    }
    const b = this.berlin(v.at);
    const { path, rel } = this.pathOf(v.path, v.slug);
    const ref = this.referrerOf(v.referer, v.host);
    const visitor = this.visitorOf(b.date, v.tenantId, v.ip, v.userAgent);
    const key = `${v.tenantId}|${b.date}|${b.hour}|${path}|${ref}|${agent.device}|${agent.browser}|${visitor}|${v.optOut ? 1 : 0}`;
    this.stats.recorded++;
    const same = this.merged.get(key);
    if (same) {
      same.n = (same.n ?? 1) + 1;
      return;
    }
    const view: BufferedView = { t: v.tenantId, at: v.at.toISOString(), day: b.date, hour: b.hour, path, rel, ref, device: agent.device, browser: agent.browser, visitor, optOut: v.optOut, n: 1 };
    this.merged.set(key, view);
    this.buffer.push(view);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Hands the buffer to the job queue; resolves when it is queued. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return this.pending;
    const events = this.buffer;
    this.buffer = [];
    this.merged = new Map();
    this.pending = this.pending.then(async () => {
      try {
        // one row per batch; the job carries no views (finished jobs are kept for weeks)
        await this.ctx.db.tx(async (trx) => {
          await trx.insertInto("analytics_batches").values({ created_at: this.ctx.clock.now().toISOString(), payload: JSON.stringify(events) }).execute();
          await this.ctx.jobs.enqueue(WRITE_JOB, {}, {}, trx);
        });
        this.stats.flushed += events.reduce((a, e) => a + (e.n ?? 1), 0);
      } catch (err) {
        this.stats.failed += events.reduce((a, e) => a + (e.n ?? 1), 0);
        this.ctx.log.error({ err: (err as Error).message, views: events.length }, "analytics: page views could not be queued; they are not counted");
      }
    });
    return this.pending;
  }
}
