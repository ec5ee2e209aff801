import { parseCalendarDate } from "../../../platform/dates.js";
import type { FieldErrors } from "../../../platform/ui/forms.js";
import { germanDate } from "../report.js";
import { addDays } from "../service.js";

/** A report period: calendar days (Europe/Berlin) as YYYY-MM-DD, both included. */
export interface Period {
  from: string;
  to: string;
}

export interface Preset {
  label: string;
  period: Period;
}

/** The longest period a report may cover (about ten years). */
const MAX_DAYS = 3660;

/** "2026-02" → "2026-01"; n months later with a positive n. */
export function shiftMonth(ym: string, n: number): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
}

/** The last day of a month "YYYY-MM" as YYYY-MM-DD. */
export function monthEnd(ym: string): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The quick choices of the report form, relative to today. */
export function presets(today: string, countingSince: string | null): Preset[] {
  const month = today.slice(0, 7);
  const previous = shiftMonth(month, -1);
  return [
    { label: "Letzte 30 Tage", period: { from: addDays(today, -29), to: today } },
    { label: "Dieser Monat", period: { from: `${month}-01`, to: today } },
    { label: "Letzter Monat", period: { from: `${previous}-01`, to: monthEnd(previous) } },
    { label: "Dieses Jahr", period: { from: `${today.slice(0, 4)}-01-01`, to: today } },
    { label: "Seit Beginn der Zählung", period: { from: countingSince && countingSince <= today ? countingSince : today, to: today } },
  ];
}

export type PeriodResult = { ok: true; period: Period } | { ok: false; errors: FieldErrors };

/**
 * The period of the report form: von/bis as TT.MM.JJJJ (or YYYY-MM-DD); both empty = the last
 * 30 days; an empty end = today; an empty start = 30 days before the end.
 */
export function parsePeriod(input: { von: string; bis: string }, today: string): PeriodResult {
  const errors: FieldErrors = {};
  const rawFrom = input.von.trim();
  const rawTo = input.bis.trim();
  const to = rawTo ? parseCalendarDate(rawTo, { minYear: 2000 }) : today;
  if (!to) errors.bis = "Bitte geben Sie das Ende des Zeitraums als TT.MM.JJJJ an, zum Beispiel 31.10.2026.";
  else if (to > today) errors.bis = `Das Ende des Zeitraums darf nicht nach heute (${germanDate(today)}) liegen.`;
  const from = rawFrom ? parseCalendarDate(rawFrom, { minYear: 2000 }) : addDays(to && to <= today ? to : today, -29);
  if (!from) errors.von = "Bitte geben Sie den Beginn des Zeitraums als TT.MM.JJJJ an, zum Beispiel 01.10.2026.";
  else if (to && !errors.bis && from > to) errors.von = "Der Beginn des Zeitraums muss vor dem Ende liegen oder auf denselben Tag fallen.";
  else if (to && !errors.bis && daysBetween(from, to) >= MAX_DAYS) errors.von = "Bitte wählen Sie einen Zeitraum von höchstens zehn Jahren.";
  if (Object.keys(errors).length || !from || !to) return { ok: false, errors };
  return { ok: true, period: { from, to } };
}

/**
 * The public page's period: the last twelve complete calendar months, or since counting began
 * when that is later; if counting began in the current month, from then until today. Null
 * before the first counted view.
 */
export function publicPeriod(today: string, countingSince: string | null): Period | null {
  if (!countingSince) return null;
  const lastMonth = shiftMonth(today.slice(0, 7), -1);
  const end = monthEnd(lastMonth);
  const start = `${shiftMonth(lastMonth, -11)}-01`;
  const from = countingSince > start ? countingSince : start;
  if (from > end) return { from: countingSince <= today ? countingSince : today, to: today };
  return { from, to: end };
}

/** The form's query string for a period (German dates), with further parameters. */
export function periodQuery(p: Period, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams({ von: germanDate(p.from), bis: germanDate(p.to) });
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  return `?${q.toString()}`;
}
