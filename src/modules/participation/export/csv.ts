import type { Writable } from "node:stream";
import { germanDate, verdictLabel } from "./format.js";
import { runExport } from "./sink.js";
import type { WeighingRow, WeighingTable } from "./types.js";

/**
 * The Abwägungstabelle as CSV the way German spreadsheets open it: UTF-8 with a byte order mark
 * (so Excel reads umlauts), semicolons, CRLF, RFC 4180 quoting — one line per statement.
 */

export const CSV_HEADER = [
  "Nr.",
  "Stellungnahme-Nr.",
  "Eingang",
  "Verspätet",
  "Einreichende",
  "Art",
  "Bezug",
  "Themen",
  "Stellungnahme",
  "Abwägungsvorschlag",
  "Votum",
] as const;

export async function writeWeighingCsv(table: WeighingTable, out: Writable): Promise<void> {
  await runExport(out, async (sink) => {
    await sink.write(`\uFEFF${csvLine(CSV_HEADER)}`);
    for await (const row of table.rows) await sink.write(csvLine(csvCells(row)));
  });
}

export function csvCells(row: WeighingRow): string[] {
  return [
    String(row.position),
    row.reference,
    germanDate(row.receivedOn),
    row.late ? "ja" : "nein",
    row.submitter,
    row.submitterKind,
    row.documentReference ?? "",
    row.topics ?? "",
    row.statement,
    row.response,
    verdictLabel(row.verdict),
  ];
}

const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(";")}\r\n`;

/**
 * A cell quoted when needed, and never read as a formula: a leading = + - @ tab or CR gets a "'"
 * (OWASP's advice against CSV injection; statements are text from the public).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
