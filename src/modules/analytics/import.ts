import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { StringDecoder } from "node:string_decoder";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";
import { analyticsService } from "./index.js";
import { classify, storedPath, type AreaRule } from "./classify.js";
import { visitorHash } from "./recorder.js";
import { browserOf, deviceOf, isBot, referrerDomain } from "./ua.js";
import { addDays } from "./service.js";
import { SITE, type DailyAreaRow, type DailyPageRow, type Dimension } from "./store.js";

/**
 * History import (issue 9, item 5): web-server access logs in the Combined Log Format become the
 * same daily aggregates live counting produces — streamed line by line, only per-day aggregates
 * and per-day visitor sets in memory, never a raw event or an IP address stored.
 */

/** One parsed line of `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"` (extra fields after it are ignored). */
export interface LogLine {
  ip: string;
  at: Date;
  method: string;
  /** the request target without query, "" when the request line has none */
  path: string;
  status: number;
  referer: string;
  userAgent: string;
}

const LINE = /^(\S+) \S+ \S+ \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (?:\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(?:\s.*)?$/;
const STAMP = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Apache escapes `"` as `\"`, nginx as `\x22`. */
function unescapeField(v: string): string {
  return v.includes("\\") ? v.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_m, hex: string | undefined, c: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : c!)) : v;
}

/** `10/Oct/2026:13:55:36 +0200` → the instant; undefined for an impossible date. */
export function parseLogTime(stamp: string): Date | undefined {
  const m = STAMP.exec(stamp);
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  const [d, y, hh, mm, ss, oh, om] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map(Number) as [number, number, number, number, number, number, number];
  if (month === undefined || hh > 23 || mm > 59 || ss > 60 || oh > 14 || om > 59) return undefined;
  const local = Date.UTC(y, month, d, hh, mm, Math.min(ss, 59));
  if (new Date(local).getUTCDate() !== d) return undefined; // 31/Feb
  const offset = (m[7] === "-" ? -1 : 1) * (oh * 60 + om);
  return new Date(local - offset * 60_000);
}

/** A line of the Combined Log Format, or the reason it is malformed. */
export function parseCombinedLine(text: string): LogLine | { error: string } {
  const m = LINE.exec(text);
  if (!m) return { error: "not the Combined Log Format" };
  if (m[5] === undefined) return { error: "no referrer and user agent (Common Log Format?)" };
  const at = parseLogTime(m[2]!);
  if (!at) return { error: "bad date" };
  const [method = "", target = ""] = unescapeField(m[3]!).split(" ");
  let path = target.split(/[?#]/)[0]!;
  if (/^https?:\/\//i.test(path)) {
    // absolute form (requests through a proxy)
    try {
      path = new URL(path).pathname;
    } catch {
      path = "";
    }
  }
  if (!path.startsWith("/")) path = "";
  return { ip: m[1]!, at, method, path, status: Number(m[4]), referer: unescapeField(m[5]), userAgent: unescapeField(m[6]!) };
}

/** Files that are not HTML pages: style sheets, scripts, images, fonts, downloads, feeds. */
const ASSET = /\.(?:css|js|mjs|map|json|xml|txt|csv|ics|rss|atom|png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?|woff2?|ttf|otf|eot|pdf|odt|ods|odp|docx?|xlsx?|pptx?|rtf|zip|gz|mp3|mp4|webm|ogg|wav)$/i;
const ASSET_DIR = /(?:^|\/)(?:static|\.well-known)\//;

export function isAsset(path: string): boolean {
  return ASSET_DIR.test(path) || ASSET.test(path);
}

export interface ImportOptions {
  tenant: Tenant;
  /**
   * Where the town's pages are in the log's paths. Default `/{slug}/` (the platform's own paths);
   * "/" for the log of a town's own old website (paths relative to the town).
   */
  prefix?: string;
  /** host names of the site itself: a referrer from them is no external referrer */
  ownHosts?: string[];
  /** overwrite days that already have statistics (live or imported) */
  replace?: boolean;
  /** count only; write nothing */
  dryRun?: boolean;
}

export interface ImportDay {
  day: string;
  views: number;
  visitors: number;
  /** written; refused (the day has statistics and --replace was not given, or it is not over yet); counted only (dry run) */
  outcome: "written" | "refused" | "dry-run";
  reason?: string;
}

export interface ImportResult {
  lines: number;
  counted: number;
  skipped: {
    /** style sheets, scripts, images, downloads … */
    assets: number;
    bots: number;
    /** status other than 200 and 304 */
    status: number;
    /** method other than GET */
    method: number;
    /** not a public page of the town (other towns, staff pages, paths outside the prefix) */
    outside: number;
    /** a line of a day already closed (the log went more than an hour past that day's end) */
    late: number;
  };
  malformed: number;
  /** the first five malformed lines */
  malformedSamples: { source: string; line: number; reason: string; text: string }[];
  days: ImportDay[];
  firstDay: string | null;
  lastDay: string | null;
}

interface Counter {
  views: number;
  visitors: Set<number>;
}
const counter = (): Counter => ({ views: 0, visitors: new Set() });
const SEP = "\u0000";

/** One Berlin day of the log: the same figures rollUpDay computes from raw events, with exact distinct visitors. */
class DayAggregate {
  /** visitor hash → small number (the sets below hold the numbers) */
  private readonly ids = new Map<string, number>();
  readonly pages = new Map<string, Counter & { area: string; subArea: string }>();
  readonly areas = new Map<string, Counter>();
  readonly subAreas = new Map<string, Counter>();
  readonly site = counter();
  readonly hours = new Map<string, Counter>();
  readonly dims = new Map<string, number>();
  /** the day's own random salt, made for this import and forgotten with the aggregate */
  readonly salt = randomBytes(32).toString("hex");

  constructor(
    readonly day: string,
    /** the instant after which the day is closed (its end plus a grace hour for lines logged out of order) */
    readonly closesAt: number,
  ) {}

  add(v: { visitor: string; hour: number; path: string; area: string; subArea: string; referrer: string | undefined; device: string; browser: string }): void {
    let id = this.ids.get(v.visitor);
    if (id === undefined) this.ids.set(v.visitor, (id = this.ids.size));
    const bump = <K>(map: Map<K, Counter>, key: K) => {
      let c = map.get(key);
      if (!c) map.set(key, (c = counter()));
      c.views++;
      c.visitors.add(id);
    };
    let page = this.pages.get(v.path);
    if (!page) this.pages.set(v.path, (page = { ...counter(), area: v.area, subArea: v.subArea }));
    page.views++;
    page.visitors.add(id);
    bump(this.areas, v.area);
    if (v.subArea !== "") bump(this.subAreas, `${v.area}${SEP}${v.subArea}`);
    this.site.views++;
    this.site.visitors.add(id);
    bump(this.hours, `${v.hour}${SEP}${v.area}`);
    const dim = (d: Dimension, value: string) => this.dims.set(`${d}${SEP}${value}`, (this.dims.get(`${d}${SEP}${value}`) ?? 0) + 1);
    if (v.referrer) dim("referrer", v.referrer);
    dim("device", v.device);
    dim("browser", v.browser);
  }

  rows(tenantId: string) {
    const day = this.day;
    const pages: DailyPageRow[] = [...this.pages].map(([path, p]) => ({ tenant_id: tenantId, day, path, area: p.area, sub_area: p.subArea, views: p.views, visitors: p.visitors.size }));
    const areas: DailyAreaRow[] = [
      ...[...this.areas].map(([area, c]) => ({ tenant_id: tenantId, day, area, sub_area: "", views: c.views, visitors: c.visitors.size })),
      ...[...this.subAreas].map(([key, c]) => {
        const [area, subArea] = key.split(SEP) as [string, string];
        return { tenant_id: tenantId, day, area, sub_area: subArea, views: c.views, visitors: c.visitors.size };
      }),
      { tenant_id: tenantId, day, area: SITE, sub_area: "", views: this.site.views, visitors: this.site.visitors.size },
    ];
    const hours = [...this.hours].map(([key, c]) => {
      const [hour, area] = key.split(SEP) as [string, string];
      return { hour: Number(hour), area, views: c.views, visitors: c.visitors.size };
    });
    const dims = [...this.dims].map(([key, views]) => {
      const [dimension, value] = key.split(SEP) as [Dimension, string];
      return { dimension, value, views };
    });
    return { pages, areas, hours, dims };
  }
}

const GRACE_MS = 60 * 60_000;
const STAFF = /^verwaltung(?:\/|$)/;

/**
 * Reads access-log lines and writes the days' aggregates. Days are kept in memory until the log is
 * an hour past their end (access logs are nearly, not strictly, in time order), then written.
 */
export class AccessLogImport {
  private readonly result: ImportResult = { lines: 0, counted: 0, skipped: { assets: 0, bots: 0, status: 0, method: 0, outside: 0, late: 0 }, malformed: 0, malformedSamples: [], days: [], firstDay: null, lastDay: null };
  private readonly open = new Map<string, DayAggregate>();
  private readonly closed = new Set<string>();
  private nextClose = Infinity;
  private latest = -Infinity;
  private readonly prefix: string;
  private readonly ownHosts: Set<string>;
  /** Berlin day and hour per UTC hour (Berlin's offsets are whole hours) */
  private readonly hourCache = new Map<number, { date: string; hour: number }>();
  private readonly today: string;

  private constructor(
    private readonly ctx: AppContext,
    private readonly opts: ImportOptions,
    private readonly rules: AreaRule[],
  ) {
    const p = opts.prefix ?? `/${opts.tenant.slug}/`;
    this.prefix = p.endsWith("/") ? p : `${p}/`;
    const hosts = [...(opts.ownHosts ?? []), ...opts.tenant.hosts];
    try {
      hosts.push(new URL(ctx.config.baseUrl).hostname);
    } catch {
      /* no usable BASE_URL */
    }
    // "https://www.usingen.de/" and "www.usingen.de:443" name the same site as "usingen.de"
    this.ownHosts = new Set(hosts.map((h) => h.toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("/")[0]!.replace(/:\d+$/, "").replace(/^www\./, "")));
    this.today = berlinDateTime(ctx.clock.now()).date;
  }

  static async start(ctx: AppContext, opts: ImportOptions): Promise<AccessLogImport> {
    return new AccessLogImport(ctx, opts, await analyticsService(ctx).rulesOf(opts.tenant.id));
  }

  /**
   * Takes one line of the log (`source` and `lineNo` only name it in the report of malformed lines).
   * Synchronous, except when the line closes earlier days: then the returned promise writes them,
   * and the caller must wait for it before the next line.
   */
  line(text: string, source: string, lineNo: number): Promise<void> | undefined {
    const r = this.result;
    r.lines++;
    const parsed = parseCombinedLine(text);
    if ("error" in parsed) {
      r.malformed++;
      if (r.malformedSamples.length < 5) r.malformedSamples.push({ source, line: lineNo, reason: parsed.error, text: text.length > 120 ? `${text.slice(0, 120)}…` : text });
      return undefined;
    }
    const t = parsed.at.getTime();
    this.count(parsed, t);
    if (t > this.latest) {
      this.latest = t;
      // a line's own day closes an hour after its end, so it is never among the days closed here
      if (t >= this.nextClose) return this.closeDays(t);
    }
    return undefined;
  }

  private count(parsed: LogLine, t: number): void {
    const r = this.result;
    if (parsed.method !== "GET") return void r.skipped.method++;
    if (parsed.status !== 200 && parsed.status !== 304) return void r.skipped.status++;
    if (isAsset(parsed.path)) return void r.skipped.assets++;
    const town = this.townPath(parsed.path);
    if (town === undefined) return void r.skipped.outside++;
    if (isBot(parsed.userAgent)) return void r.skipped.bots++;
    const { date: day, hour } = this.berlin(t);
    if (this.closed.has(day)) return void r.skipped.late++;
    let agg = this.open.get(day);
    if (!agg) {
      agg = new DayAggregate(day, berlinToInstant(addDays(day, 1)).getTime() + GRACE_MS);
      this.open.set(day, agg);
      this.nextClose = Math.min(this.nextClose, agg.closesAt);
    }
    const { path, rel } = storedPath(town, this.opts.tenant.slug);
    const { area, subArea } = classify(rel, this.rules);
    agg.add({
      visitor: visitorHash(agg.salt, this.opts.tenant.id, parsed.ip, parsed.userAgent),
      hour,
      path,
      area,
      subArea,
      referrer: this.referrer(parsed.referer),
      device: deviceOf(parsed.userAgent),
      browser: browserOf(parsed.userAgent),
    });
    r.counted++;
  }

  /** Writes the days still open and returns the result. */
  async finish(): Promise<ImportResult> {
    await this.closeDays(Infinity);
    const r = this.result;
    r.days.sort((a, b) => a.day.localeCompare(b.day));
    r.firstDay = r.days[0]?.day ?? null;
    r.lastDay = r.days.at(-1)?.day ?? null;
    return r;
  }

  /** The log's path as the platform's path of the town (`/{slug}/…`), or undefined when it is not a public page of the town. */
  private townPath(path: string): string | undefined {
    const slug = this.opts.tenant.slug;
    let rest: string;
    if (path === this.prefix.slice(0, -1) || path.startsWith(this.prefix)) rest = path.slice(this.prefix.length);
    else return undefined;
    if (this.opts.prefix === undefined && STAFF.test(rest)) return undefined; // staff pages are never counted
    return `/${slug}/${rest}`;
  }

  private referrer(referer: string): string | undefined {
    const domain = referrerDomain(referer, undefined);
    return domain && !this.ownHosts.has(domain) ? domain : undefined;
  }

  private berlin(t: number): { date: string; hour: number } {
    const key = Math.floor(t / 3_600_000);
    let b = this.hourCache.get(key);
    if (!b) {
      if (this.hourCache.size > 2000) this.hourCache.clear();
      const full = berlinDateTime(new Date(key * 3_600_000));
      b = { date: full.date, hour: full.hour };
      this.hourCache.set(key, b);
    }
    return b;
  }

  private async closeDays(until: number): Promise<void> {
    for (const [day, agg] of [...this.open].sort(([a], [b]) => a.localeCompare(b))) {
      if (agg.closesAt > until) continue;
      this.open.delete(day);
      this.closed.add(day);
      this.result.days.push(await this.write(agg));
    }
    this.nextClose = Math.min(Infinity, ...[...this.open.values()].map((a) => a.closesAt));
  }

  private async write(agg: DayAggregate): Promise<ImportDay> {
    const tenantId = this.opts.tenant.id;
    const rows = agg.rows(tenantId);
    const base = { day: agg.day, views: agg.site.views, visitors: agg.site.visitors.size };
    if (agg.day >= this.today) return { ...base, outcome: "refused", reason: "the day is not over yet (live counting owns it)" };
    if (!this.opts.replace && (await hasStatistics(this.ctx, tenantId, agg.day))) return { ...base, outcome: "refused", reason: "the day already has statistics (use --replace to overwrite them)" };
    if (this.opts.dryRun) return { ...base, outcome: "dry-run" };
    const store = analyticsService(this.ctx).store;
    await this.ctx.db.tx((trx) => store.replaceDay(tenantId, agg.day, rows, trx));
    return { ...base, outcome: "written" };
  }
}

/**
 * Whether a town's day already has statistics: aggregates, or raw events not yet rolled up (a later
 * roll-up of those would replace an import). The store has no such query; it is read here.
 */
async function hasStatistics(ctx: AppContext, tenantId: string, day: string): Promise<boolean> {
  const k = ctx.db.kysely;
  const agg = await k.selectFrom("analytics_daily_areas").select("day").where("tenant_id", "=", tenantId).where("day", "=", day).limit(1).executeTakeFirst();
  if (agg) return true;
  const raw = await k.selectFrom("analytics_events").select("day").where("tenant_id", "=", tenantId).where("day", "=", day).limit(1).executeTakeFirst();
  return !!raw;
}

/**
 * The lines of a log file (`.gz` decompressed) or of a stream ("-" = stdin), in batches of one read
 * chunk each: the stream is read only as fast as the lines are taken (a log may be gigabytes).
 */
export async function* logLineBatches(source: string, stdin?: Readable): AsyncGenerator<string[]> {
  let input: Readable;
  if (source === "-") {
    if (!stdin) throw new Error("no standard input");
    input = stdin;
  } else {
    const file = createReadStream(source);
    input = file;
    if (source.endsWith(".gz")) {
      input = file.pipe(createGunzip());
      // a read error of the file (missing, unreadable) ends the decompressed stream with it
      file.on("error", (err) => input.destroy(err));
    }
  }
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of input) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer));
    const lines = text.split("\n");
    rest = lines.pop()!;
    yield lines.map(stripCr);
  }
  rest += decoder.end();
  if (rest !== "") yield [stripCr(rest)];
}

const stripCr = (l: string) => (l.endsWith("\r") ? l.slice(0, -1) : l);

/** Imports several log files (or "-") in the given order, as one log: oldest first. */
export async function importAccessLogs(ctx: AppContext, opts: ImportOptions, sources: string[], stdin?: Readable): Promise<ImportResult> {
  const run = await AccessLogImport.start(ctx, opts);
  for (const source of sources) {
    let n = 0;
    for await (const batch of logLineBatches(source, stdin)) {
      for (const text of batch) {
        const closing = run.line(text, source, ++n);
        if (closing) await closing;
      }
    }
  }
  return run.finish();
}
