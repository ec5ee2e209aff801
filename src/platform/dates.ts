/**
 * Dates and times as people type them in forms: "27.11.2026" or "2026-11-27", "18:30" or "18.30".
 * One parser for every module (applications, council, publishing, figures).
 */

/** A calendar day as "YYYY-MM-DD", from "27.11.2026", "1.2.2026" or "2026-11-27"; undefined if there is no such day or the year is out of range. */
export function parseCalendarDate(raw: string, range: { minYear?: number; maxYear?: number } = {}): string | undefined {
  const v = raw.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  if (y < (range.minYear ?? 1850) || y > (range.maxYear ?? 2200)) return undefined;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A wall-clock time from "18:30", "8:05" or "18.30" as [hour, minute]; undefined if it is none. */
export function parseClockTime(raw: string): [number, number] | undefined {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const hh = Number(m[1]);
  const mm = Number(m[2]);
  return hh < 24 && mm < 60 ? [hh, mm] : undefined;
}
