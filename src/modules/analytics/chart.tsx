import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { addDays } from "./service.js";
import { formatCount, germanDate, monthName } from "./report.js";
import { daysBetween, shiftMonth, type Period } from "./views/period.js";

/**
 * The report's chart: page views (bars) and visitors (a dashed line with dots) per day or per
 * month, drawn on the server as SVG — no script, no inline style (only presentation attributes),
 * so it works under the strict CSP and without JavaScript. The SVG is one image for assistive
 * technology (role="img", <title>, <desc> with total, maximum and minimum); the same numbers
 * follow as a table.
 */

export interface ChartPoint {
  /** YYYY-MM-DD or YYYY-MM */
  key: string;
  /** short axis label: "10.10." or "Okt 25" */
  short: string;
  /** full label for the table and the description: "10.10.2025" or "Oktober 2025" */
  long: string;
  views: number;
  visitors: number;
}

export interface ChartSeries {
  unit: "day" | "month";
  points: ChartPoint[];
}

/** Up to this many days the chart shows days; longer periods are shown per month. */
export const MAX_DAILY_POINTS = 93;

const SHORT_MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"];

/**
 * Every day (or month) of the period with its views and visitors; days without views are zero.
 * Per month, visitors are the sum of the daily visitors ("Besuche").
 */
export function chartSeries(daily: { day: string; views: number; visitors: number }[], period: Period, unit?: "day" | "month"): ChartSeries {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const u = unit ?? (daysBetween(period.from, period.to) + 1 <= MAX_DAILY_POINTS ? "day" : "month");
  if (u === "day") {
    const points: ChartPoint[] = [];
    for (let d = period.from; d <= period.to; d = addDays(d, 1)) {
      const v = byDay.get(d);
      points.push({ key: d, short: `${d.slice(8, 10)}.${d.slice(5, 7)}.`, long: germanDate(d), views: v?.views ?? 0, visitors: v?.visitors ?? 0 });
    }
    return { unit: u, points };
  }
  const points: ChartPoint[] = [];
  for (let m = period.from.slice(0, 7); m <= period.to.slice(0, 7); m = shiftMonth(m, 1)) {
    points.push({ key: m, short: `${SHORT_MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(2, 4)}`, long: monthName(m), views: 0, visitors: 0 });
  }
  const byMonth = new Map(points.map((p) => [p.key, p]));
  for (const d of daily) {
    const p = byMonth.get(d.day.slice(0, 7));
    if (!p) continue;
    p.views += d.views;
    p.visitors += d.visitors;
  }
  return { unit: u, points };
}

/** The words the SVG's <desc> and the figure caption say: totals, the highest and the lowest value. */
export function describeSeries(s: ChartSeries): string {
  const pts = s.points;
  if (!pts.length) return "Keine Werte.";
  const views = pts.reduce((a, p) => a + p.views, 0);
  const visitors = pts.reduce((a, p) => a + p.visitors, 0);
  const inOne = s.unit === "day" ? "an einem Tag" : "in einem Monat";
  const at = (p: ChartPoint) => (s.unit === "day" ? `am ${p.long}` : `im ${p.long}`);
  const max = pts.reduce((a, p) => (p.views > a.views ? p : a), pts[0]!);
  const min = pts.reduce((a, p) => (p.views < a.views ? p : a), pts[0]!);
  const minCount = pts.filter((p) => p.views === min.views).length;
  const maxVisitors = pts.reduce((a, p) => (p.visitors > a.visitors ? p : a), pts[0]!);
  const parts = [
    `Insgesamt ${formatCount(views)} Seitenaufrufe und ${formatCount(visitors)} Besuche in ${formatCount(pts.length)} ${s.unit === "day" ? (pts.length === 1 ? "Tag" : "Tagen") : pts.length === 1 ? "Monat" : "Monaten"}.`,
    `Höchster Wert: ${formatCount(max.views)} Seitenaufrufe ${at(max)}.`,
    `Niedrigster Wert: ${formatCount(min.views)} Seitenaufrufe ${minCount > 1 ? `(${s.unit === "day" ? "an" : "in"} ${formatCount(minCount)} ${s.unit === "day" ? "Tagen" : "Monaten"}, zuerst ${at(min)})` : at(min)}.`,
    `Die meisten Besuche ${inOne}: ${formatCount(maxVisitors.visitors)} ${at(maxVisitors)}.`,
  ];
  return parts.join(" ");
}

/** A round upper bound for the axis: 4 steps of 1, 2, 2.5 or 5 times a power of ten (at least 1). */
export function axisStep(max: number): number {
  const raw = Math.max(1, Math.ceil(max / 4));
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const f of [1, 2, 2.5, 5, 10]) {
    const step = f * pow;
    if (step >= raw && Number.isInteger(step)) return step;
  }
  return 10 * pow;
}

const W = 720;
const H = 300;
const LEFT = 64;
const RIGHT = 16;
const TOP = 40;
const BOTTOM = 40;
const BAR = "#1d4f91";
const LINE = "#b33c00";
const INK = "#171a1c";
const GRID = "#c9ced4";
const r1 = (n: number) => String(Math.round(n * 10) / 10);

/** The SVG with its title and description, and a caption; `id` makes the ids unique on the page. */
export function Chart(p: { id: string; title: string; series: ChartSeries }): SafeHtml {
  const pts = p.series.points;
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const step = axisStep(Math.max(0, ...pts.map((x) => Math.max(x.views, x.visitors))));
  const yMax = step * 4;
  const y = (v: number) => TOP + plotH - (v / yMax) * plotH;
  const slot = pts.length ? plotW / pts.length : plotW;
  const barW = Math.max(1, slot * 0.7);
  const cx = (i: number) => LEFT + i * slot + slot / 2;
  const every = Math.max(1, Math.ceil(pts.length / (p.series.unit === "day" ? 8 : 12)));
  const desc = describeSeries(p.series);
  const dots = pts.length <= 62;
  return (
    <figure className="analytics-chart" id={p.id}>
      <svg viewBox={`0 0 ${W} ${H}`} width={String(W)} height={String(H)} role="img" aria-labelledby={`${p.id}-titel`} aria-describedby={`${p.id}-beschreibung`} className="analytics-chart__svg">
        <title id={`${p.id}-titel`}>{p.title}</title>
        <desc id={`${p.id}-beschreibung`}>{desc}</desc>
        <rect x="0" y="0" width={String(W)} height={String(H)} fill="#ffffff" />
        <g className="analytics-chart__legend">
          <rect x={String(LEFT)} y="10" width="14" height="14" fill={BAR} />
          <text x={String(LEFT + 20)} y="22" font-size="13" fill={INK}>Seitenaufrufe (Balken)</text>
          <path d={`M${LEFT + 200},17H${LEFT + 230}`} stroke={LINE} stroke-width="2.5" stroke-dasharray="6 3" fill="none" />
          <circle cx={String(LEFT + 215)} cy="17" r="3.5" fill={LINE} />
          <text x={String(LEFT + 238)} y="22" font-size="13" fill={INK}>Besuche (Linie)</text>
        </g>
        <g className="analytics-chart__axis">
          {[0, 1, 2, 3, 4].map((i) => (
            <Fragment>
              <path d={`M${LEFT},${r1(y(i * step))}H${W - RIGHT}`} stroke={i === 0 ? INK : GRID} stroke-width="1" fill="none" />
              <text x={String(LEFT - 8)} y={r1(y(i * step) + 4)} font-size="12" text-anchor="end" fill={INK}>{formatCount(i * step)}</text>
            </Fragment>
          ))}
          {pts.map((pt, i) => (i % every === 0 ? <text x={r1(cx(i))} y={String(H - BOTTOM + 18)} font-size="12" text-anchor="middle" fill={INK}>{pt.short}</text> : null))}
        </g>
        <g className="analytics-chart__bars">
          {pts.map((pt, i) => (pt.views > 0 ? <rect className="analytics-chart__bar" x={r1(LEFT + i * slot + (slot - barW) / 2)} y={r1(y(pt.views))} width={r1(barW)} height={r1((pt.views / yMax) * plotH)} fill={BAR} /> : null))}
        </g>
        <g className="analytics-chart__line">
          {pts.length > 1 ? <polyline points={pts.map((pt, i) => `${r1(cx(i))},${r1(y(pt.visitors))}`).join(" ")} stroke={LINE} stroke-width="2.5" stroke-dasharray="6 3" stroke-linejoin="round" fill="none" /> : null}
          {dots || pts.length === 1 ? pts.map((pt, i) => <circle cx={r1(cx(i))} cy={r1(y(pt.visitors))} r="3.5" fill={LINE} />) : null}
        </g>
      </svg>
      <figcaption className="kern-body kern-body--small">{desc}</figcaption>
    </figure>
  );
}

/** The chart's numbers as a table (the accessible twin of the SVG). */
export function ChartTable(p: { caption: string; series: ChartSeries }): SafeHtml {
  const pts = p.series.points;
  const num = "kern-table__cell kern-table__cell--numeric";
  const numHead = "kern-table__header kern-table__header--numeric";
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--striped analytics-chart-table">
        <caption className="kern-title">{p.caption}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th className="kern-table__header" scope="col">{p.series.unit === "day" ? "Tag" : "Monat"}</th>
            <th className={numHead} scope="col">Seitenaufrufe</th>
            <th className={numHead} scope="col">Besuche</th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {pts.map((pt) => (
            <tr className="kern-table__row">
              <th className="kern-table__cell" scope="row">{pt.long}</th>
              <td className={num}>{formatCount(pt.views)}</td>
              <td className={num}>{formatCount(pt.visitors)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot className="kern-table__footer">
          <tr className="kern-table__row">
            <th className="kern-table__cell" scope="row">Summe</th>
            <td className={num}>{formatCount(pts.reduce((a, x) => a + x.views, 0))}</td>
            <td className={num}>{formatCount(pts.reduce((a, x) => a + x.visitors, 0))}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
