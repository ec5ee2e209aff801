import type { AppContext } from "../../platform/context.js";
import { berlinToInstant } from "../../platform/clock.js";
import { startedForms } from "../applications/index.js";
import { serviceCatalogue } from "../services/index.js";
import { addDays } from "./service.js";
import { formatPermille, sharePermille } from "./report.js";

/** One online service in the funnel of a period. */
export interface FunnelRow {
  serviceId: string;
  /** the service's title as the town offers it (the id when the service is no longer installed) */
  title: string;
  /** forms started in the period */
  started: number;
  /** of those, how many were submitted (by now) */
  submitted: number;
  /** submitted / started in tenths of a percent, rounded half up (667 = 66,7 %); null when none was started */
  rate: number | null;
  /** median minutes from start to submission, one decimal (rounded half up); null when none was submitted */
  medianMinutes: number | null;
  /** "66,7 %" or "–" */
  rateText: string;
  /** "12,5 Minuten" or "–" */
  medianText: string;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DASH = "–";

/**
 * The service funnel (issue 9, item 6): per online service, the forms started in the period
 * (Europe/Berlin days `from`..`to`, both included) and how many of those were submitted, the
 * completion rate and the median time from start to submission. A form counts in the period it
 * was started (a cohort), so the rate never exceeds 100 %. Sorted by started, most first.
 */
export async function serviceFunnel(ctx: AppContext, tenantId: string, from: string, to: string): Promise<FunnelRow[]> {
  if (!DAY_RE.test(from) || !DAY_RE.test(to) || from > to) throw new RangeError(`invalid period ${from}..${to}`);
  const forms = await startedForms(ctx, tenantId, berlinToInstant(from).toISOString(), berlinToInstant(addDays(to, 1)).toISOString());
  const byService = new Map<string, { started: number; durations: number[] }>();
  for (const f of forms) {
    let s = byService.get(f.serviceId);
    if (!s) byService.set(f.serviceId, (s = { started: 0, durations: [] }));
    s.started++;
    if (f.submittedAt) s.durations.push(Math.max(0, Date.parse(f.submittedAt) - Date.parse(f.startedAt)));
  }
  const titles = new Map((await serviceCatalogue(ctx).municipalServices(tenantId)).map((s) => [s.id, s.effective.title]));
  const rows: FunnelRow[] = [...byService].map(([serviceId, s]) => {
    const submitted = s.durations.length;
    const rate = s.started ? sharePermille(submitted, s.started) : null;
    const medianMinutes = medianTenthsOfMinutes(s.durations);
    return {
      serviceId,
      title: titles.get(serviceId) ?? serviceId,
      started: s.started,
      submitted,
      rate,
      medianMinutes: medianMinutes === null ? null : medianMinutes / 10,
      rateText: rate === null ? DASH : formatPermille(rate),
      medianText: medianMinutes === null ? DASH : `${formatTenths(medianMinutes)} Minuten`,
    };
  });
  return rows.sort((a, b) => b.started - a.started || b.submitted - a.submitted || a.title.localeCompare(b.title, "de"));
}

/**
 * The median of durations in milliseconds as tenths of a minute, rounded half up with integers
 * only (of two middle values, their mean); null for none.
 */
export function medianTenthsOfMinutes(durationsMs: number[]): number | null {
  if (!durationsMs.length) return null;
  const d = [...durationsMs].sort((a, b) => a - b);
  const mid = d.length >> 1;
  // twice the median in ms: the middle value doubled, or the sum of the two middle values
  const twice = d.length % 2 ? 2 * d[mid]! : d[mid - 1]! + d[mid]!;
  // tenths of a minute = twice / 2 / 6000, rounded half up
  return Math.floor((twice + 6000) / 12000);
}

/** 125 → "12,5"; 28800 → "2.880,0". */
export function formatTenths(tenths: number): string {
  return `${Math.floor(tenths / 10).toLocaleString("de-DE")},${tenths % 10}`;
}
