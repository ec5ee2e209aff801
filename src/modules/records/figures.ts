import type { AppContext } from "../../platform/context.js";
import { berlinDateTime, berlinToInstant } from "../../platform/clock.js";
import { serviceCatalogue, parseDate, formatGermanDate } from "../services/index.js";
import { tenantService } from "../tenants/index.js";
import type { DepartmentScope, RecordsStore } from "./store.js";

const DAY_MS = 86_400_000;
/** The default period: the last 30 calendar days, today included. */
export const DEFAULT_PERIOD_DAYS = 30;
const MAX_PERIOD_DAYS = 3660;

/** A period of calendar days in Europe/Berlin, both ends included (ISO dates). */
export interface Period {
  from: string;
  to: string;
}

export type PeriodResult = { ok: true; period: Period } | { ok: false; errors: Record<string, string> };

/** One line of the figures: a service in a department, a department, or the total. */
export interface FigureLine {
  serviceId?: string;
  serviceTitle?: string;
  departmentId: string | null;
  departmentName: string;
  /** received in the period */
  received: number;
  /** closed in the period */
  closed: number;
  /** median days from receipt to closing of the cases closed in the period; undefined without any */
  medianDays: number | undefined;
  /** open now */
  open: number;
  /** open now and past their deadline */
  overdue: number;
}

export interface Figures {
  period: Period;
  byService: FigureLine[];
  byDepartment: FigureLine[];
  total: FigureLine;
}

export const NO_DEPARTMENT = "Keine Zuständigkeit zugeordnet";

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Reads the period form (`von`, `bis`: TT.MM.JJJJ or JJJJ-MM-TT); empty fields take the default. */
export function parsePeriod(input: { von?: string | undefined; bis?: string | undefined }, today: string): PeriodResult {
  const errors: Record<string, string> = {};
  const rawTo = (input.bis ?? "").trim();
  const rawFrom = (input.von ?? "").trim();
  const to = rawTo ? parseDate(rawTo) : today;
  if (!to) errors.bis = "Bitte geben Sie das Enddatum in der Form TT.MM.JJJJ an, z. B. 31.10.2026.";
  const from = rawFrom ? parseDate(rawFrom) : addDays(to ?? today, -(DEFAULT_PERIOD_DAYS - 1));
  if (!from) errors.von = "Bitte geben Sie das Anfangsdatum in der Form TT.MM.JJJJ an, z. B. 01.10.2026.";
  if (from && to && from > to) errors.von = "Das Anfangsdatum muss vor dem Enddatum liegen oder gleich sein.";
  else if (from && to && (Date.parse(to) - Date.parse(from)) / DAY_MS >= MAX_PERIOD_DAYS) errors.von = "Bitte wählen Sie einen Zeitraum von höchstens zehn Jahren.";
  if (Object.keys(errors).length || !from || !to) return { ok: false, errors };
  return { ok: true, period: { from, to } };
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const daysFormat = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const daysFormatPlain = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false });
const countFormat = new Intl.NumberFormat("de-DE");

/** "2,5" — days with one decimal, German format; "–" without a value. */
export function formatDays(days: number | undefined, plain = false): string {
  if (days === undefined) return plain ? "" : "–";
  return (plain ? daysFormatPlain : daysFormat).format(days);
}
export const formatCount = (n: number) => countFormat.format(n);

/**
 * Figures for heads of department: cases received and closed in a period, the median processing
 * time (receipt → closing) of the cases closed in it, and the open and overdue cases now — per
 * service and per department, limited to the departments the viewer may see. Counted in SQL;
 * only the durations of the period's closed cases come to the application for the median.
 * Cases deleted at the end of their retention still count through their anonymous trace.
 */
export class FiguresService {
  constructor(
    private readonly ctx: AppContext,
    private readonly store: RecordsStore,
  ) {}

  today(): string {
    return berlinDateTime(this.ctx.clock.now()).date;
  }

  async compute(tenantId: string, scope: DepartmentScope, period: Period): Promise<Figures> {
    const from = berlinToInstant(period.from).toISOString();
    const to = berlinToInstant(addDays(period.to, 1)).toISOString();
    const now = this.ctx.clock.now().toISOString();
    const [received, closed, open, services, departments] = await Promise.all([
      this.store.received(tenantId, scope, from, to),
      this.store.closed(tenantId, scope, from, to),
      this.store.open(tenantId, scope, now),
      serviceCatalogue(this.ctx).municipalServices(tenantId),
      tenantService(this.ctx).store.departments(tenantId),
    ]);
    const titles = new Map(services.map((s) => [s.id, s.effective.title]));
    const names = new Map(departments.map((d) => [d.id, d.name]));
    const order = new Map(departments.map((d, i) => [d.id, i]));

    type Acc = { serviceId?: string; departmentId: string | null; received: number; open: number; overdue: number; durations: number[] };
    const byService = new Map<string, Acc>();
    const byDepartment = new Map<string, Acc>();
    const total: Acc = { departmentId: null, received: 0, open: 0, overdue: 0, durations: [] };
    const accs = (serviceId: string, departmentId: string | null): Acc[] => {
      const sk = `${serviceId}\u0000${departmentId ?? ""}`;
      const dk = departmentId ?? "";
      if (!byService.has(sk)) byService.set(sk, { serviceId, departmentId, received: 0, open: 0, overdue: 0, durations: [] });
      if (!byDepartment.has(dk)) byDepartment.set(dk, { departmentId, received: 0, open: 0, overdue: 0, durations: [] });
      return [byService.get(sk)!, byDepartment.get(dk)!, total];
    };
    for (const r of received) for (const a of accs(r.service_id, r.department_id)) a.received += r.n;
    for (const r of open) {
      for (const a of accs(r.service_id, r.department_id)) {
        a.open += r.open;
        a.overdue += r.overdue;
      }
    }
    for (const r of closed) {
      const days = (new Date(r.closed_at).getTime() - new Date(r.created_at).getTime()) / DAY_MS;
      for (const a of accs(r.service_id, r.department_id)) a.durations.push(days);
    }

    const line = (a: Acc): FigureLine => ({
      ...(a.serviceId ? { serviceId: a.serviceId, serviceTitle: titles.get(a.serviceId) ?? a.serviceId } : {}),
      departmentId: a.departmentId,
      departmentName: a.departmentId ? names.get(a.departmentId) ?? NO_DEPARTMENT : NO_DEPARTMENT,
      received: a.received,
      closed: a.durations.length,
      medianDays: median(a.durations),
      open: a.open,
      overdue: a.overdue,
    });
    // The municipality's order of departments (as on its Ämter page); cases without a department last.
    const rank = (l: FigureLine) => (l.departmentId === null ? Number.MAX_SAFE_INTEGER : order.get(l.departmentId) ?? Number.MAX_SAFE_INTEGER - 1);
    const sorted = (lines: FigureLine[]) => lines.sort((a, b) => rank(a) - rank(b) || a.departmentName.localeCompare(b.departmentName, "de") || (a.serviceTitle ?? "").localeCompare(b.serviceTitle ?? "", "de"));
    return {
      period,
      byService: sorted([...byService.values()].map(line)),
      byDepartment: sorted([...byDepartment.values()].map(line)),
      total: { ...line(total), departmentName: "Summe" },
    };
  }
}

/** A cell for a spreadsheet: quoted when needed, and never read as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The figures as CSV the way German spreadsheets open it: semicolons, decimal comma, CRLF, and a
 * byte order mark so that Excel reads UTF-8 (umlauts) correctly.
 */
export function figuresCsv(f: Figures, by: "service" | "department"): string {
  const head = [...(by === "service" ? ["Online-Dienst"] : []), "Amt", "Eingegangen", "Abgeschlossen", "Median Bearbeitungsdauer (Tage)", "Offen", "Überfällig"];
  const lines = (by === "service" ? f.byService : f.byDepartment).map((l) => [
    ...(by === "service" ? [l.serviceTitle ?? ""] : []),
    l.departmentName,
    String(l.received),
    String(l.closed),
    formatDays(l.medianDays, true),
    String(l.open),
    String(l.overdue),
  ]);
  return `\uFEFF${[head, ...lines].map((cells) => cells.map(csvCell).join(";")).join("\r\n")}\r\n`;
}

export function periodLabel(p: Period): string {
  return `${formatGermanDate(p.from)} bis ${formatGermanDate(p.to)}`;
}
