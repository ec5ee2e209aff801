import { VERDICT_LABELS, type Verdict, type WeighingRow, type WeighingTable } from "./types.js";

/** Wording shared by the three exports, so that PDF, ODT and CSV say the same things. */

export const COLUMN_LABELS = ["Nr.", "Eingang", "Stellungnahme", "Abwägungsvorschlag", "Votum"] as const;

export const LATE_LABEL = "verspätet";
/** shown in the Votum column while a statement has no verdict yet */
export const NO_VERDICT_LABEL = "offen";

const count = new Intl.NumberFormat("de-DE");

/** "2026-12-03" → "03.12.2026" (a calendar date, no time zone involved). */
export function germanDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : isoDate;
}

export function verdictLabel(verdict: Verdict | null): string {
  return verdict ? VERDICT_LABELS[verdict] : NO_VERDICT_LABEL;
}

/** "5.000 Stellungnahmen, davon 12 verspätet. Votum: berücksichtigt 1.200 · teilweise …" */
export function summaryLine(summary: WeighingTable["summary"]): string {
  const verdicts = (Object.keys(VERDICT_LABELS) as Verdict[]).map((v) => `${VERDICT_LABELS[v]} ${count.format(summary.byVerdict[v] ?? 0)}`);
  const statements = summary.total === 1 ? "1 Stellungnahme" : `${count.format(summary.total)} Stellungnahmen`;
  return `${statements}, davon ${count.format(summary.late)} ${LATE_LABEL}. Votum: ${verdicts.join(" · ")}`;
}

/** The lines of the "Bezug"/"Themen" notes above a statement's text. */
export function statementNotes(row: WeighingRow): string[] {
  const notes: string[] = [];
  if (row.documentReference) notes.push(`Bezug: ${row.documentReference}`);
  if (row.topics) notes.push(`Themen: ${row.topics}`);
  return notes;
}
