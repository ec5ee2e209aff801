import { parseArgs } from "node:util";
import type { Readable } from "node:stream";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { parseCalendarDate } from "../../platform/dates.js";
import { GLOBAL_SCOPE } from "../../platform/cache/versions.js";
import { analyticsService } from "./index.js";
import { OTHER_AREA } from "./classify.js";
import { formatCount, formatPermille, germanDate, monthName, type MonthChange, type Report } from "./report.js";
import { importAccessLogs, type ImportResult } from "./import.js";
import { serviceFunnel, type FunnelRow } from "./funnel.js";

export interface AnalyticsCliIo {
  out(line: string): void;
  err(line: string): void;
  /** for `import … -` */
  stdin?: Readable;
}

export const ANALYTICS_USAGE = `usage: rathaus analytics import --tenant SLUG [--prefix /] [--host NAME]… [--replace] [--dry-run] FILE…|-
       rathaus analytics report --tenant SLUG --from DATE --to DATE [--area NAME] [--funnel] [--json]
         DATE: YYYY-MM-DD or TT.MM.JJJJ`;

const DEFAULT_AREA = "Digitales Rathaus";

/** `rathaus analytics import|report` on an opened platform; returns the exit code (2: bad arguments). */
export async function analyticsCli(ctx: AppContext, sub: string | undefined, args: string[], io: AnalyticsCliIo): Promise<number> {
  if (sub === "import") return importCommand(ctx, args, io);
  if (sub === "report") return reportCommand(ctx, args, io);
  io.err(ANALYTICS_USAGE);
  return 2;
}

/** Runs parseArgs; a usage error goes to stderr and gives undefined. */
function parse<T>(run: () => T, io: AnalyticsCliIo): T | undefined {
  try {
    return run();
  } catch (err) {
    io.err(`Fehler: ${(err as Error).message}\n${ANALYTICS_USAGE}`);
    return undefined;
  }
}

async function tenantOf(ctx: AppContext, slug: string | undefined, io: AnalyticsCliIo): Promise<Tenant | undefined> {
  if (!slug) {
    io.err(`Fehler: --tenant fehlt.\n${ANALYTICS_USAGE}`);
    return undefined;
  }
  // The municipality directory is loaded by requests; a command has served none.
  const v = await ctx.versions.read([GLOBAL_SCOPE]);
  await ctx.tenants.refreshIfStale(v.get(GLOBAL_SCOPE)!);
  const t = ctx.tenants.bySlug(slug);
  if (!t) io.err(`Fehler: Es gibt keine Kommune mit dem Kurznamen „${slug}“.`);
  return t;
}

// ---- import ---------------------------------------------------------------------------------------

async function importCommand(ctx: AppContext, args: string[], io: AnalyticsCliIo): Promise<number> {
  const parsed = parse(() => parseArgs({ args, allowPositionals: true, options: { tenant: { type: "string" }, prefix: { type: "string" }, host: { type: "string", multiple: true }, replace: { type: "boolean", default: false }, "dry-run": { type: "boolean", default: false } } }), io);
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const tenant = await tenantOf(ctx, values.tenant, io);
  if (!tenant) return 2;
  if (!positionals.length) {
    io.err(`Fehler: Bitte geben Sie die Protokolldatei an (oder - für die Standardeingabe).\n${ANALYTICS_USAGE}`);
    return 2;
  }
  const prefix = values.prefix;
  if (prefix !== undefined && !prefix.startsWith("/")) {
    io.err("Fehler: --prefix muss mit / beginnen, zum Beispiel --prefix / für die Protokolle der bisherigen Website der Kommune.");
    return 2;
  }
  let result: ImportResult;
  try {
    result = await importAccessLogs(ctx, { tenant, prefix, ownHosts: values.host, replace: values.replace, dryRun: values["dry-run"] }, positionals, io.stdin);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    io.err(`Fehler: Das Protokoll kann nicht gelesen werden (${e.code ?? e.message}).`);
    ctx.log.error({ err: e.message, files: positionals }, "analytics import failed");
    return 1;
  }
  for (const line of importReport(result, tenant, !!values["dry-run"])) io.out(line);
  return result.days.some((d) => d.outcome === "refused") ? 1 : 0;
}

/** The import's report for the operator (English, like the other operator commands). */
export function importReport(r: ImportResult, tenant: Tenant, dryRun: boolean): string[] {
  const s = r.skipped;
  const skipped = s.assets + s.bots + s.status + s.method + s.outside + s.late;
  const out = [
    `access-log import for ${tenant.kind} ${tenant.name} (${tenant.slug})${dryRun ? " — dry run, nothing written" : ""}`,
    `  lines read        ${r.lines}`,
    `  counted views     ${r.counted}`,
    `  skipped           ${skipped} (assets ${s.assets}, bots ${s.bots}, status not 200/304 ${s.status}, method not GET ${s.method}, not a public page of the town ${s.outside}, late ${s.late})`,
    `  malformed         ${r.malformed}`,
  ];
  for (const m of r.malformedSamples) out.push(`    ${m.source}:${m.line}: ${m.reason}: ${m.text}`);
  const written = r.days.filter((d) => d.outcome === "written");
  const refused = r.days.filter((d) => d.outcome === "refused");
  const done = dryRun ? `${r.days.length - refused.length} counted only (dry run)` : `${written.length} written`;
  out.push(`  days              ${r.days.length}${r.firstDay ? ` (${r.firstDay} to ${r.lastDay})` : ""}: ${done}, ${refused.length} refused`);
  for (const d of r.days) out.push(`    ${d.day}  ${String(d.views).padStart(8)} views ${String(d.visitors).padStart(7)} visitors  ${d.outcome}${d.reason ? ` — ${d.reason}` : ""}`);
  if (refused.length) out.push(`  REFUSED ${refused.length} day(s): ${refused.map((d) => d.day).join(", ")} — not written; the statistics there are unchanged`);
  if (s.late) out.push(`  ${s.late} line(s) came after their day was closed: give rotated files oldest first in one command`);
  return out;
}

// ---- report ---------------------------------------------------------------------------------------

async function reportCommand(ctx: AppContext, args: string[], io: AnalyticsCliIo): Promise<number> {
  const parsed = parse(() => parseArgs({ args, allowPositionals: true, options: { tenant: { type: "string" }, from: { type: "string" }, to: { type: "string" }, area: { type: "string" }, funnel: { type: "boolean", default: false }, json: { type: "boolean", default: false } } }), io);
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  if (positionals.length) {
    io.err(`Fehler: unerwartetes Argument ${positionals[0]}\n${ANALYTICS_USAGE}`);
    return 2;
  }
  const tenant = await tenantOf(ctx, values.tenant, io);
  if (!tenant) return 2;
  const from = parseCalendarDate(String(values.from ?? ""));
  const to = parseCalendarDate(String(values.to ?? ""));
  if (!from || !to) {
    io.err(`Fehler: Bitte geben Sie --from und --to als Datum an (JJJJ-MM-TT oder TT.MM.JJJJ).\n${ANALYTICS_USAGE}`);
    return 2;
  }
  if (from > to) {
    io.err("Fehler: Der Beginn (--from) liegt nach dem Ende (--to).");
    return 2;
  }
  const service = analyticsService(ctx);
  const area = values.area?.trim() || DEFAULT_AREA;
  const known = new Set([OTHER_AREA, ...(await service.rulesOf(tenant.id)).map((r) => r.area)]);
  if (!known.has(area)) {
    io.err(`Fehler: Den Bereich „${area}“ gibt es nicht. Bereiche: ${[...known].sort((a, b) => a.localeCompare(b, "de")).join(", ")}`);
    return 2;
  }
  const report = await service.report(tenant.id, from, to);
  const summary = service.summary(report, tenant.id, area);
  const funnel = values.funnel ? await serviceFunnel(ctx, tenant.id, from, to) : undefined;
  if (values.json) io.out(JSON.stringify({ ...report, area, summary, ...(funnel ? { funnel } : {}) }, null, 2));
  else for (const line of reportText(report, tenant, area, summary, funnel)) io.out(line);
  return 0;
}

/** A column table: the first column left-aligned, the others right-aligned. */
function table(head: string[], rows: string[][]): string[] {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join("  ").trimEnd();
  return [line(head), line(width.map((w) => "-".repeat(w))), ...rows.map(line)];
}

function changeText(m: MonthChange): string {
  const sign = m.change > 0 ? "+" : m.change < 0 ? "−" : "±";
  const pct = m.changePermille === null ? "" : ` (${m.changePermille > 0 ? "+" : ""}${formatPermille(m.changePermille)})`;
  return `${formatCount(m.views)} gegenüber ${formatCount(m.previousViews)} im ${monthName(m.previousMonth)}: ${sign}${formatCount(Math.abs(m.change))}${pct}`;
}

/** The report as aligned German text (figures in German format) for operators. */
export function reportText(r: Report, tenant: Tenant, area: string, summary: string, funnel?: FunnelRow[]): string[] {
  const out = [
    `Statistik ${tenant.kind} ${tenant.name}: ${germanDate(r.from)} bis ${germanDate(r.to)}`,
    `Seitenaufrufe ${formatCount(r.views)} · Besuche ${formatCount(r.visitors)}${r.countingSince ? ` · gezählt seit ${germanDate(r.countingSince)}` : ""}`,
    "",
    "Bereiche",
  ];
  const rows: string[][] = [];
  for (const a of r.areas) {
    rows.push([a.area, String(a.rank), formatCount(a.views), formatPermille(a.share), formatCount(a.visitors)]);
    for (const s of a.subAreas) rows.push([`  ${s.subArea}`, "", formatCount(s.views), formatPermille(s.share), formatCount(s.visitors)]);
  }
  out.push(...(rows.length ? table(["Bereich", "Rang", "Aufrufe", "Anteil", "Besuche"], rows) : ["(keine Seitenaufrufe)"]));
  if (r.monthly.site) {
    out.push("", `Monatsvergleich ${monthName(r.monthly.site.month)}`, `  gesamt: ${changeText(r.monthly.site)}`);
    const m = r.monthly.byArea[area];
    if (m) out.push(`  ${area}: ${changeText(m)}`);
  }
  if (r.topPages.length) out.push("", "Meistbesuchte Seiten", ...table(["Seite", "Aufrufe", "Besuche"], r.topPages.map((p) => [p.path, formatCount(p.views), formatCount(p.visitors)])));
  if (r.referrers.length) out.push("", "Verweisende Websites", ...table(["Domain", "Aufrufe"], r.referrers.map((x) => [x.value, formatCount(x.views)])));
  if (funnel) {
    out.push("", "Online-Dienste (begonnen im Zeitraum)");
    out.push(...(funnel.length ? table(["Dienst", "begonnen", "abgesendet", "Quote", "Median bis zum Absenden"], funnel.map((f) => [f.title, formatCount(f.started), formatCount(f.submitted), f.rateText, f.medianText])) : ["(keine Anträge begonnen)"]));
  }
  out.push("", "Zusammenfassung", summary);
  return out;
}
