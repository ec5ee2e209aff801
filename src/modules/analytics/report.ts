import { OTHER_AREA } from "./classify.js";
import { SITE } from "./store.js";

/** German number formats: 1.612 · 8,3 % · +120 · −4,2 %. */
export const formatCount = (n: number) => Math.round(n).toLocaleString("de-DE");

/**
 * A share in tenths of a percent, rounded half up with integers only (no floating-point surprises):
 * 83 means 8,3 %.
 */
export function sharePermille(part: number, total: number): number {
  if (total <= 0) return 0;
  return Math.floor((part * 2000 + total) / (2 * total));
}

/** "8,3 %" from tenths of a percent. */
export function formatPermille(p: number): string {
  const sign = p < 0 ? "−" : "";
  const a = Math.abs(p);
  return `${sign}${Math.floor(a / 10).toLocaleString("de-DE")},${a % 10} %`;
}

/** A change in tenths of a percent against a base (rounded half up, away from zero for negative values), or null without a base. */
export function changePermille(now: number, before: number): number | null {
  if (before <= 0) return null;
  const d = now - before;
  const p = sharePermille(Math.abs(d), before);
  return d < 0 ? -p : p;
}

export interface AreaFigure {
  area: string;
  views: number;
  visitors: number;
  /** share of all page views of the municipality in the period, tenths of a percent */
  share: number;
  /** 1 = most views; equal views share a rank */
  rank: number;
  subAreas: { subArea: string; views: number; visitors: number; share: number }[];
}

export interface MonthChange {
  month: string;
  previousMonth: string;
  views: number;
  previousViews: number;
  change: number;
  /** tenths of a percent, null when the previous month had no views */
  changePermille: number | null;
}

export interface Report {
  from: string;
  to: string;
  views: number;
  visitors: number;
  areas: AreaFigure[];
  /** the period's last complete calendar month against the one before, for the whole site and per area */
  monthly: { site: MonthChange | null; byArea: Record<string, MonthChange> };
  topPages: { path: string; area: string; subArea: string; views: number; visitors: number }[];
  referrers: { value: string; views: number }[];
  devices: { value: string; views: number }[];
  browsers: { value: string; views: number }[];
  daily: { day: string; views: number; visitors: number }[];
  /** the first day with counted views (ever), for "seit dem …" */
  countingSince: string | null;
}

/** Areas with shares and ranks from the period's totals; Sonstige included, "*" is the site. */
export function areaFigures(totals: { area: string; sub_area: string; views: number; visitors: number }[]): { views: number; visitors: number; areas: AreaFigure[] } {
  const site = totals.find((t) => t.area === SITE && t.sub_area === "");
  const whole = totals.filter((t) => t.area !== SITE && t.sub_area === "");
  const views = site?.views ?? whole.reduce((a, t) => a + t.views, 0);
  const visitors = site?.visitors ?? 0;
  const sorted = [...whole].sort((a, b) => b.views - a.views || a.area.localeCompare(b.area, "de"));
  const areas: AreaFigure[] = [];
  let rank = 0;
  let lastViews = -1;
  sorted.forEach((a, i) => {
    if (a.views !== lastViews) {
      rank = i + 1;
      lastViews = a.views;
    }
    const subs = totals
      .filter((t) => t.area === a.area && t.sub_area !== "")
      .sort((x, y) => y.views - x.views || x.sub_area.localeCompare(y.sub_area, "de"))
      .map((t) => ({ subArea: t.sub_area, views: t.views, visitors: t.visitors, share: sharePermille(t.views, views) }));
    areas.push({ area: a.area, views: a.views, visitors: a.visitors, share: sharePermille(a.views, views), rank, subAreas: subs });
  });
  return { views, visitors, areas };
}

/** The last complete calendar month within [from, to] and the month before it (YYYY-MM), or null. */
export function comparedMonths(from: string, to: string): { month: string; previousMonth: string } | null {
  const [y, m, d] = to.split("-").map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  let ly = y;
  let lm = m;
  if (d !== lastDay) {
    lm -= 1;
    if (lm === 0) {
      lm = 12;
      ly -= 1;
    }
  }
  const month = `${ly}-${String(lm).padStart(2, "0")}`;
  const py = lm === 1 ? ly - 1 : ly;
  const pm = lm === 1 ? 12 : lm - 1;
  const previousMonth = `${py}-${String(pm).padStart(2, "0")}`;
  if (`${previousMonth}-01` < from) return null;
  return { month, previousMonth };
}

export function monthChanges(rows: { month: string; area: string; views: number }[], months: { month: string; previousMonth: string } | null): Report["monthly"] {
  if (!months) return { site: null, byArea: {} };
  const get = (area: string, month: string) => rows.filter((r) => r.area === area && r.month === month).reduce((a, r) => a + r.views, 0);
  const change = (area: string): MonthChange => {
    const views = get(area, months.month);
    const previousViews = get(area, months.previousMonth);
    return { ...months, views, previousViews, change: views - previousViews, changePermille: changePermille(views, previousViews) };
  };
  const byArea: Record<string, MonthChange> = {};
  for (const area of new Set(rows.map((r) => r.area))) if (area !== SITE) byArea[area] = change(area);
  return { site: change(SITE), byArea };
}

const MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
export const monthName = (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
export const germanDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

function listDe(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} und ${items[items.length - 1]}`;
}

/**
 * The sentences the article says about the Digitales Rathaus, for any area of any town: views since
 * a date, the share of all page views, the rank among all areas, the most used sub-areas, and the
 * change of the last calendar month against the month before.
 */
export function summaryText(r: Report, area: string, site: string): string {
  const a = r.areas.find((x) => x.area === area);
  if (!a || a.views === 0) return `Im Zeitraum vom ${germanDate(r.from)} bis ${germanDate(r.to)} wurden für den Bereich „${area}“ keine Seitenaufrufe gezählt.`;
  const sentences: string[] = [];
  sentences.push(`Vom ${germanDate(r.from)} bis ${germanDate(r.to)} wurde der Bereich „${area}“ ${formatCount(a.views)}-mal aufgerufen${a.visitors ? ` (${formatCount(a.visitors)} ${a.visitors === 1 ? "Besuch" : "Besuche"})` : ""}.`);
  sentences.push(`Das sind ${formatPermille(a.share)} aller ${formatCount(r.views)} Seitenaufrufe ${site}.`);
  const before = r.areas.filter((x) => x.rank < a.rank && x.area !== OTHER_AREA).map((x) => `„${x.area}“`);
  if (a.rank === 1) sentences.push(`Damit ist „${area}“ der meistbesuchte Bereich.`);
  else sentences.push(`Damit ist „${area}“ nach ${listDe(before)} der am häufigsten besuchte Bereich (Rang ${a.rank} von ${r.areas.length}).`);
  const subs = a.subAreas.slice(0, 5).map((s) => s.subArea);
  if (subs.length) sentences.push(`Am meisten genutzt wurden ${listDe(subs)}.`);
  const m = r.monthly.byArea[area];
  if (m && (m.views > 0 || m.previousViews > 0)) {
    const diff = m.change;
    const pct = m.changePermille === null ? "" : ` (${m.changePermille > 0 ? "+" : ""}${formatPermille(m.changePermille)})`;
    if (diff === 0) sentences.push(`Im ${monthName(m.month)} wurde der Bereich so oft aufgerufen wie im ${monthName(m.previousMonth)} (${formatCount(m.views)}-mal).`);
    else sentences.push(`Im ${monthName(m.month)} wurde der Bereich ${formatCount(m.views)}-mal aufgerufen, ${formatCount(Math.abs(diff))}-mal ${diff > 0 ? "häufiger" : "seltener"} als im ${monthName(m.previousMonth)}${pct}.`);
  }
  return sentences.join(" ");
}
