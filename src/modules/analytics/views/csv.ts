import { germanDate, sharePermille, type Report } from "../report.js";
import type { ChartPoint } from "../chart.js";
import { DEVICE_LABELS } from "./parts.js";

/**
 * The report as one CSV table in long format, the way German spreadsheets open it: UTF-8 with a
 * byte order mark, semicolons, CRLF, decimal comma. Every row says what it is in the first column
 * ("Art"), so the file can be filtered without knowing its layout:
 *
 *   Art;Bereich;Unterbereich;Merkmal;Seitenaufrufe;Besuche;Anteil in %
 *   Gesamt;;;01.10.2025 bis 30.11.2025;200;87;100,0
 *   Bereich;Startseite;;;90;36;45,0
 *   Unterbereich;Digitales Rathaus;Meldewesen;;17;8;8,5
 *   Seite;Startseite;;/usingen/;90;36;45,0
 *   Herkunft|Geräteart|Browser;;;google.de;3;;1,5
 *   Tag;;;10.10.2025;100;45;
 *
 * Counts are plain integers (no thousands separator) so that spreadsheets read them as numbers;
 * shares are of all page views of the period. Visitors are not known per referrer, device or
 * browser (those cells stay empty).
 */

export const CSV_HEADER = ["Art", "Bereich", "Unterbereich", "Merkmal", "Seitenaufrufe", "Besuche", "Anteil in %"];

/** Tenths of a percent as "8,3" (no unit: the column says it). */
const pct = (permille: number) => `${Math.floor(permille / 10)},${permille % 10}`;

/** A cell quoted when needed, and never read as a formula: a leading = + - @ tab or CR gets a "'" (OWASP's advice against CSV injection; area names are free text). */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(r: Report, days: ChartPoint[]): string {
  const rows: string[][] = [CSV_HEADER];
  const share = (views: number) => pct(sharePermille(views, r.views));
  rows.push(["Gesamt", "", "", `${germanDate(r.from)} bis ${germanDate(r.to)}`, String(r.views), String(r.visitors), r.views > 0 ? "100,0" : "0,0"]);
  for (const a of r.areas) {
    rows.push(["Bereich", a.area, "", "", String(a.views), String(a.visitors), pct(a.share)]);
    for (const s of a.subAreas) rows.push(["Unterbereich", a.area, s.subArea, "", String(s.views), String(s.visitors), pct(s.share)]);
  }
  for (const p of r.topPages) rows.push(["Seite", p.area, p.subArea, p.path, String(p.views), String(p.visitors), share(p.views)]);
  for (const x of r.referrers) rows.push(["Herkunft", "", "", x.value, String(x.views), "", share(x.views)]);
  for (const x of r.devices) rows.push(["Geräteart", "", "", DEVICE_LABELS[x.value] ?? x.value, String(x.views), "", share(x.views)]);
  for (const x of r.browsers) rows.push(["Browser", "", "", x.value, String(x.views), "", share(x.views)]);
  for (const d of days) rows.push(["Tag", "", "", d.long, String(d.views), String(d.visitors), ""]);
  return `\uFEFF${rows.map((cells) => cells.map(csvCell).join(";")).join("\r\n")}\r\n`;
}
