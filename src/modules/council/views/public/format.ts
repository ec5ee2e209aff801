import { TIME_ZONE, berlinDateTime, berlinToInstant } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";

/** Paths of the public council portal; other modules and the search index link to these. */
export const ratPath = (t: Pick<Tenant, "slug">, rest = "") => `/${t.slug}/rat/${rest}`;

const longDate = new Intl.DateTimeFormat("de-DE", { timeZone: TIME_ZONE, weekday: "long", day: "numeric", month: "long", year: "numeric" });
const shortDate = new Intl.DateTimeFormat("de-DE", { timeZone: TIME_ZONE, day: "2-digit", month: "2-digit", year: "numeric" });
const clockTime = new Intl.DateTimeFormat("de-DE", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const monthName = new Intl.DateTimeFormat("de-DE", { timeZone: "UTC", month: "long", year: "numeric" });

/** "Dienstag, 8. Dezember 2026" (Europe/Berlin). */
export const dateLong = (iso: string) => longDate.format(new Date(iso));
/** "08.12.2026" (Europe/Berlin). */
export const dateShort = (iso: string) => shortDate.format(new Date(iso));
/** "18:00" (Europe/Berlin). */
export const timeOf = (iso: string) => clockTime.format(new Date(iso));
/** "18:00 Uhr" or "18:00–20:00 Uhr". */
export const timeRange = (start: string, end: string | null) => `${timeOf(start)}${end ? `–${timeOf(end)}` : ""} Uhr`;
/** A calendar day "2026-12-08" as "08.12.2026". */
export const day = (ymd: string) => (/^(\d{4})-(\d{2})-(\d{2})$/.test(ymd) ? `${ymd.slice(8, 10)}.${ymd.slice(5, 7)}.${ymd.slice(0, 4)}` : ymd);
/** Machine-readable `datetime` for <time>. */
export const isoAttr = (iso: string) => new Date(iso).toISOString();

/** A valid calendar day YYYY-MM-DD? */
export function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A valid month YYYY-MM (years 1900–2999)? */
export const isMonth = (s: string) => /^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/.test(s);

/** The month of an instant in Europe/Berlin, "2026-12". */
export const berlinMonth = (at: Date) => berlinDateTime(at).date.slice(0, 7);

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The instants [from, to) of a month in Europe/Berlin (DST-aware). */
export function monthRange(month: string): { from: string; to: string } {
  return { from: berlinToInstant(`${month}-01`).toISOString(), to: berlinToInstant(`${shiftMonth(month, 1)}-01`).toISOString() };
}

/** "Dezember 2026". */
export const monthLabel = (month: string) => monthName.format(new Date(`${month}-01T12:00:00Z`));

/** "1,2 MB" / "830 KB". */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("de-DE")} KB`;
}
