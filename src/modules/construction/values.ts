import { parseCalendarDate } from "../../platform/dates.js";

/**
 * The values of a construction project as people type and read them: planned dates with month
 * precision ("03.2027" or "15.03.2027"), budgets in euros ("1.250.000 €"), coordinates with a
 * decimal comma, plain text with paragraphs. Pure functions, shared by the service and the views.
 */

export type ProjectStatus = "geplant" | "in-bau" | "unterbrochen" | "abgeschlossen";
export const STATUSES: ProjectStatus[] = ["geplant", "in-bau", "unterbrochen", "abgeschlossen"];
export const STATUS_LABELS: Record<ProjectStatus, string> = { geplant: "geplant", "in-bau": "in Bau", unterbrochen: "unterbrochen", abgeschlossen: "abgeschlossen" };
export const isStatus = (v: string): v is ProjectStatus => (STATUSES as string[]).includes(v);

const MIN_YEAR = 1990;
const MAX_YEAR = 2100;
const MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

/**
 * A planned date: "15.03.2027" or "2027-03-15" → "2027-03-15"; "03.2027", "3.2027" or "2027-03"
 * → "2027-03" (month precision). undefined when it is neither.
 */
export function parseMonthOrDay(raw: string): string | undefined {
  const v = raw.trim();
  let m: number;
  let y: number;
  let match = /^(\d{1,2})\.(\d{4})$/.exec(v);
  if (match) [m, y] = [Number(match[1]), Number(match[2])];
  else if ((match = /^(\d{4})-(\d{2})$/.exec(v))) [y, m] = [Number(match[1]), Number(match[2])];
  else return parseDay(v);
  if (m < 1 || m > 12 || y < MIN_YEAR || y > MAX_YEAR) return undefined;
  return `${y}-${String(m).padStart(2, "0")}`;
}

/** A day only: "15.03.2027" or "2027-03-15" → "2027-03-15". */
export function parseDay(raw: string): string | undefined {
  return parseCalendarDate(raw.trim(), { minYear: MIN_YEAR, maxYear: MAX_YEAR });
}

export const isMonthOnly = (v: string) => /^\d{4}-\d{2}$/.test(v);

/** "2027-03" → "März 2027", "2027-03-15" → "15.03.2027". */
export function formatMonthOrDay(v: string): string {
  if (isMonthOnly(v)) return `${MONTHS[Number(v.slice(5, 7)) - 1]} ${v.slice(0, 4)}`;
  return `${v.slice(8, 10)}.${v.slice(5, 7)}.${v.slice(0, 4)}`;
}

/** The value a form field shows again: "2027-03" → "03.2027", "2027-03-15" → "15.03.2027". */
export function formValueOf(v: string | null): string {
  if (!v) return "";
  return isMonthOnly(v) ? `${v.slice(5, 7)}.${v.slice(0, 4)}` : formatMonthOrDay(v);
}

/** Does `end` lie before `start`? Month precision compares by month (März 2027 to 15.03.2027 is fine). */
export function endsBeforeStart(start: string, end: string): boolean {
  if (isMonthOnly(start) || isMonthOnly(end)) return end.slice(0, 7) < start.slice(0, 7);
  return end < start;
}

/** "März 2026 bis Oktober 2027", "ab März 2026", "bis Oktober 2027", or "noch nicht festgelegt". */
export function formatPeriod(start: string | null, end: string | null): string {
  if (start && end) return `${formatMonthOrDay(start)} bis ${formatMonthOrDay(end)}`;
  if (start) return `ab ${formatMonthOrDay(start)}`;
  if (end) return `bis ${formatMonthOrDay(end)}`;
  return "noch nicht festgelegt";
}

/** The largest budget we accept (ten billion euros), in cents. */
const MAX_CENTS = 10_000_000_000 * 100;

/**
 * A budget in euros as typed: "1.250.000", "1250000", "1.250.000 €", "1.250.000,50 EUR" → cents;
 * null for an empty field; undefined when it is no amount.
 */
export function parseEuros(raw: string): number | null | undefined {
  const v = raw.replace(/\s+/g, "").replace(/(€|EUR|Euro)$/i, "");
  if (!v) return null;
  const m = /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/.exec(v);
  if (!m) return undefined;
  const euros = Number(m[1]!.replace(/\./g, ""));
  const cents = m[2] ? Number(m[2].padEnd(2, "0")) : 0;
  const total = euros * 100 + cents;
  return Number.isSafeInteger(total) && total <= MAX_CENTS ? total : undefined;
}

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");

/** Cents → "1.250.000 €" (with ",50" only when there are cents). */
export function formatEuros(cents: number): string {
  const euros = Math.floor(cents / 100);
  const rest = cents % 100;
  return `${group(String(euros))}${rest ? `,${String(rest).padStart(2, "0")}` : ""} €`;
}

/** The value the budget field shows again: "1.250.000" or "1.250.000,50". */
export function eurosFormValue(cents: number | null): string {
  return cents === null ? "" : formatEuros(cents).replace(/ €$/, "");
}

/** A coordinate typed with a decimal point or comma ("50,3345"); undefined when it is no number in [min, max]; null when empty. */
export function parseCoordinate(raw: string, min: number, max: number): number | null | undefined {
  const v = raw.trim().replace(",", ".");
  if (!v) return null;
  if (!/^-?\d{1,3}(\.\d{1,8})?$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

/** A coordinate for display and forms: "50,3345" (German decimal comma, at most 6 places). */
export function formatCoordinate(n: number): string {
  return String(Number(n.toFixed(6))).replace(".", ",");
}

/** Plain text → paragraphs (split at blank lines), each a list of lines. */
export function paragraphsOf(text: string): string[][] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.split("\n").map((l) => l.trim()).filter(Boolean))
    .filter((p) => p.length > 0);
}

/** The first paragraph of a text as one line, cut at a word after at most `max` characters. */
export function firstParagraph(text: string, max = 300): string {
  const first = (paragraphsOf(text)[0] ?? []).join(" ");
  if (first.length <= max) return first;
  const cut = first.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, "")} …`;
}

/** A phone number as people write it: digits, spaces, + ( ) / - */
export const PHONE_RE = /^\+?[0-9][0-9 ()/-]{3,38}$/;
/** Deliberately simple: something@something.tld, no spaces. */
export const EMAIL_RE = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]{2,}$/;

/** The phone number for a tel: link: only + and digits. */
export const telHref = (phone: string) => `tel:${phone.replace(/[^+0-9]/g, "")}`;
