import type { StatementFilter, StatementSource, StatementStatus, Verdict } from "../../store.js";
import { VERDICTS } from "../../store.js";

/**
 * The filters of the statement list as they travel in the URL (a GET form): parsed into the
 * store's StatementFilter, and written back into links (paging, statement pages, bulk actions)
 * so that the planning office never loses its selection.
 */

export interface FilterValues {
  phase: string;
  status: string;
  herkunft: string;
  /** a verdict, "offen" (no verdict yet) or "" */
  votum: string;
  /** a staff account id, "niemand" or "" */
  zustaendig: string;
  thema: string;
  gruppe: string;
  /** "ja", "nein" or "" */
  verspaetet: string;
  q: string;
}

export const PAGE_SIZE = 50;

const STATUSES: StatementStatus[] = ["neu", "in_bearbeitung", "abgewogen"];
const SOURCES: StatementSource[] = ["oeffentlichkeit", "toeb"];
const ID_RE = /^[0-9A-Za-z-]{1,64}$/;

const first = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const idOrEmpty = (v: unknown) => {
  const s = first(v).trim();
  return ID_RE.test(s) ? s : "";
};

/** Reads the filter from a query string; values that are not allowed are dropped (never an error). */
export function parseFilter(query: Record<string, unknown>): { values: FilterValues; filter: StatementFilter } {
  const status = first(query.status);
  const herkunft = first(query.herkunft);
  const votum = first(query.votum);
  const verspaetet = first(query.verspaetet);
  const values: FilterValues = {
    phase: idOrEmpty(query.phase),
    status: (STATUSES as string[]).includes(status) ? status : "",
    herkunft: (SOURCES as string[]).includes(herkunft) ? herkunft : "",
    votum: votum === "offen" || (VERDICTS as string[]).includes(votum) ? votum : "",
    zustaendig: idOrEmpty(query.zustaendig),
    thema: idOrEmpty(query.thema),
    gruppe: idOrEmpty(query.gruppe),
    verspaetet: verspaetet === "ja" || verspaetet === "nein" ? verspaetet : "",
    q: first(query.q).trim().slice(0, 100),
  };
  const filter: StatementFilter = {};
  if (values.phase) filter.phaseId = values.phase;
  if (values.status) filter.status = values.status as StatementStatus;
  if (values.herkunft) filter.source = values.herkunft as StatementSource;
  if (values.votum) filter.verdict = values.votum as Verdict | "offen";
  if (values.zustaendig) filter.assigneeId = values.zustaendig;
  if (values.thema) filter.topicId = values.thema;
  if (values.gruppe) filter.groupId = values.gruppe;
  if (values.verspaetet) filter.late = values.verspaetet === "ja";
  if (values.q) filter.q = values.q;
  return { values, filter };
}

/** The 1-based page number from the query (at least 1). */
export function parsePage(query: Record<string, unknown>): number {
  const n = Number.parseInt(first(query.seite), 10);
  return Number.isFinite(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** The position of a statement in the filtered list (0-based), carried from the list to the statement page. */
export function parsePosition(query: Record<string, unknown>): number | undefined {
  const raw = first(query.nr);
  if (!/^\d{1,6}$/.test(raw)) return undefined;
  return Number(raw);
}

/** "?status=neu&q=Lärm" (with `extra` appended); "" when nothing is set. */
export function filterQuery(v: FilterValues, extra: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const key of ["phase", "status", "herkunft", "votum", "zustaendig", "thema", "gruppe", "verspaetet", "q"] as const) if (v[key]) p.set(key, v[key]);
  for (const [k, x] of Object.entries(extra)) if (x !== undefined && x !== "") p.set(k, String(x));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** Whether any filter is set (the list says "für diese Auswahl" then). */
export function hasFilter(v: FilterValues): boolean {
  return Object.values(v).some((x) => x !== "");
}
