import type { Writable } from "node:stream";

/**
 * The weighing table (Abwägungstabelle) of a procedure as the exports read it: a header and rows
 * that arrive one by one, so that a table of thousands of statements never sits in memory.
 */

export type Verdict = "beruecksichtigt" | "teilweise" | "nicht_beruecksichtigt" | "kenntnis";

export const VERDICT_LABELS: Record<Verdict, string> = {
  beruecksichtigt: "berücksichtigt",
  teilweise: "teilweise berücksichtigt",
  nicht_beruecksichtigt: "nicht berücksichtigt",
  kenntnis: "zur Kenntnis genommen",
};

export interface WeighingRow {
  /** running number in the table, 1… */
  position: number;
  /** statement reference, e.g. "ST-2026-00042" */
  reference: string;
  /** anonymised for publication: "Bürgerin/Bürger 12", or the agency name for Träger öffentlicher Belange */
  submitter: string;
  /** "Öffentlichkeit" | "Träger öffentlicher Belange" */
  submitterKind: string;
  /** ISO date (Berlin) */
  receivedOn: string;
  late: boolean;
  /** e.g. "Begründung, S. 12" or null */
  documentReference: string | null;
  /** "Thema A, Thema B" or null */
  topics: string | null;
  /** the statement text, already anonymised (names, addresses replaced by the caller) — plain text, may contain line breaks */
  statement: string;
  /** the drafted response (Abwägungsvorschlag), plain text */
  response: string;
  verdict: Verdict | null;
}

export interface WeighingTable {
  /** e.g. "Abwägungstabelle – Bebauungsplan Nr. 42 „Am Mühlbach“" */
  title: string;
  /** e.g. "Förmliche Beteiligung nach § 3 Abs. 2 und § 4 Abs. 2 BauGB, 01.12.2026 – 15.01.2027" */
  subtitle: string;
  municipality: string; // "Stadt Usingen"
  generatedAt: Date; // shown as TT.MM.JJJJ HH:MM (Europe/Berlin; see platform/clock.ts formatDateTime)
  /** counts per verdict for a summary line at the top; rows iterate once */
  summary: { total: number; byVerdict: Record<Verdict, number>; late: number };
  rows: AsyncIterable<WeighingRow>;
}

/** The shape of the three writers (PDF, ODT, CSV): they end `out`, or destroy it and reject. */
export type WeighingWriter = (table: WeighingTable, out: Writable) => Promise<void>;
