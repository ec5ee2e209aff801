import { berlinToInstant } from "../../platform/clock.js";

/**
 * Periods of participation, counted as the BGB counts them (§§ 187–188) and as § 3 Abs. 2 BauGB
 * demands: "für die Dauer eines Monats, mindestens jedoch für die Dauer von 30 Tagen".
 *
 * A period that starts with the beginning of a day counts that day (§ 187 Abs. 2 BGB). A period of
 * one month then ends with the end of the day before the day of the next month that bears the same
 * number as the first day (§ 188 Abs. 2, second case); if the next month has no such day, it ends
 * with the last day of that month (§ 188 Abs. 3). A period of 30 days ends with the end of the 30th
 * day. A period ends at 24:00 Europe/Berlin of its last day.
 *
 * § 193 BGB (a last day on a Sunday or holiday moves to the next working day) is not applied: the
 * town states the last day in its announcement and may always choose a longer period.
 */

export type Stage = "fruehzeitig" | "foermlich" | "erneut";

export const STAGES: Stage[] = ["fruehzeitig", "foermlich", "erneut"];

export const STAGE_LABELS: Record<Stage, string> = {
  fruehzeitig: "Frühzeitige Beteiligung",
  foermlich: "Förmliche Beteiligung (Veröffentlichung im Internet)",
  erneut: "Erneute Beteiligung",
};

/** The legal basis of a stage, for the public (public and/or agencies take part). */
export function stageParagraphs(stage: Stage, publicPart: boolean, agencies: boolean): string {
  const p = { fruehzeitig: ["§ 3 Abs. 1 BauGB", "§ 4 Abs. 1 BauGB"], foermlich: ["§ 3 Abs. 2 BauGB", "§ 4 Abs. 2 BauGB"], erneut: ["§ 4a Abs. 3 BauGB", "§ 4a Abs. 3 BauGB"] }[stage];
  const parts = [publicPart ? p[0] : null, agencies ? p[1] : null].filter((x): x is string => !!x);
  return [...new Set(parts)].join(" und ");
}

const parse = (d: string) => {
  const [y, m, day] = d.split("-").map(Number) as [number, number, number];
  return { y, m, day };
};
const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** YYYY-MM-DD plus n calendar days. */
export function addDays(date: string, n: number): string {
  const { y, m, day } = parse(date);
  const t = new Date(Date.UTC(y, m - 1, day + n));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  return Math.round((Date.UTC(pb.y, pb.m - 1, pb.day) - Date.UTC(pa.y, pa.m - 1, pa.day)) / 86_400_000);
}

/** The last day of a one-month period that begins with the start of `start` (§ 187 Abs. 2, § 188 Abs. 2 and 3 BGB). */
export function oneMonthLastDay(start: string): string {
  const { y, m, day } = parse(start);
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  if (day > daysInMonth(ny, nm)) return iso(ny, nm, daysInMonth(ny, nm)); // § 188 Abs. 3
  return addDays(iso(ny, nm, day), -1);
}

/** The last day of a period of n days beginning with the start of `start`. */
export function daysLastDay(start: string, n: number): string {
  return addDays(start, n - 1);
}

/** The earliest last day the law allows for a stage (null: no statutory minimum, "angemessen"). */
export function minimumLastDay(stage: Stage, start: string): string | null {
  if (stage === "fruehzeitig") return null;
  const month = oneMonthLastDay(start);
  const thirty = daysLastDay(start, 30);
  return month > thirty ? month : thirty;
}

/** The period's instants: from 00:00 of the first day to 24:00 of the last day, Europe/Berlin. */
export function periodInstants(start: string, end: string): { opensAt: Date; closesAt: Date } {
  return { opensAt: berlinToInstant(start, 0, 0), closesAt: berlinToInstant(addDays(end, 1), 0, 0) };
}

export interface PeriodCheck {
  start: string;
  end: string;
  stage: Stage;
  /** today in Berlin: the announcement is published today, so the period must start later */
  today: string;
  shortenedReason?: string | null;
}

/** German messages per field ("beginn", "ende", "verkuerzung"); empty when the period is lawful. */
export function checkPeriod(p: PeriodCheck): Record<string, string> {
  const errors: Record<string, string> = {};
  if (p.start <= p.today) errors.beginn = "Die Frist muss nach der Bekanntmachung beginnen: Bitte wählen Sie als ersten Tag frühestens morgen.";
  if (p.end < p.start) {
    errors.ende = "Der letzte Tag der Frist liegt vor ihrem ersten Tag.";
    return errors;
  }
  const min = minimumLastDay(p.stage, p.start);
  if (min && p.end < min) {
    const reason = p.shortenedReason?.trim();
    if (p.stage === "erneut" && reason) return errors;
    const [y, m, d] = min.split("-");
    errors.ende =
      p.stage === "erneut"
        ? `Die Frist ist kürzer als einen Monat und 30 Tage (frühestens bis ${d}.${m}.${y}). Eine erneute Beteiligung darf nach § 4a Abs. 3 BauGB angemessen verkürzt werden – bitte begründen Sie die Verkürzung.`
        : `Die Frist muss mindestens einen Monat und mindestens 30 Tage dauern (§ 3 Abs. 2 BauGB): letzter Tag frühestens am ${d}.${m}.${y}.`;
    if (p.stage === "erneut") errors.verkuerzung = "Bitte geben Sie den Grund für die kürzere Frist an.";
  }
  return errors;
}
