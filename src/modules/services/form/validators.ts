/** Checks of single values that German forms need; pure functions. */
import { parseCalendarDate } from "../../../platform/dates.js";

/** IBAN check digits (ISO 13616, mod 97); German IBANs have 22 characters. */
export function isValidIban(raw: string): boolean {
  const iban = raw.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  if (iban.startsWith("DE") && iban.length !== 22) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

export function formatIban(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase().replace(/(.{4})/g, "$1 ").trim();
}

export const isValidEmail = (v: string) => /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]{2,}$/.test(v) && v.length <= 254;
export const isValidPhone = (v: string) => /^\+?[0-9][0-9 ()/-]{3,28}[0-9]$/.test(v);
export const isValidPostalCode = (v: string) => /^[0-9]{5}$/.test(v);

/** A calendar date from "2026-11-27" or "27.11.2026" (what people type); undefined if there is no such day. */
export function parseDate(raw: string): string | undefined {
  return parseCalendarDate(raw);
}

/** Resolves "today", "today+3d", "today-18y", "today+2m" or a fixed date against today's Europe/Berlin date. */
export function resolveDateBound(bound: string, today: string): string {
  if (bound === "today") return today;
  const rel = /^today([+-])(\d+)([dmy])$/.exec(bound);
  if (!rel) return bound;
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  const n = Number(rel[2]) * (rel[1] === "-" ? -1 : 1);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (rel[3] === "d") date.setUTCDate(date.getUTCDate() + n);
  if (rel[3] === "m") date.setUTCMonth(date.getUTCMonth() + n);
  if (rel[3] === "y") date.setUTCFullYear(date.getUTCFullYear() + n);
  return date.toISOString().slice(0, 10);
}

export function formatGermanDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}
