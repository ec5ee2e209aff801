import type { AppContext } from "../../platform/context.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { SearchIndex, type SearchHit } from "../../platform/search/index.js";
import { parseQuery } from "../../platform/search/german.js";

/** Longest query accepted (characters, after trimming); longer is a 422 at the field. */
export const MAX_QUERY_CHARS = 200;
/** Hits shown at most; one more is fetched to know that there are more. */
export const MAX_HITS = 50;

/** A kind of public document a module registered for the site-wide search (manifest `searchTypes`). */
export interface SearchKind {
  type: string;
  label: string;
}

export interface SiteSearchInput {
  /** the query, trimmed ("" = nothing asked yet) */
  q: string;
  /** the chosen kinds (document types); empty = all kinds */
  art: string[];
}

export interface SiteSearchResult {
  /** at most MAX_HITS, best first */
  hits: SearchHit[];
  /** more hits exist than shown */
  more: boolean;
  /** the query has no searchable word (only stop words or punctuation) */
  noWords: boolean;
}

/** Every kind the modules registered, in module order, each type once. */
export function searchKinds(ctx: AppContext): SearchKind[] {
  const seen = new Set<string>();
  return ctx.modules.flatMap((m) => m.searchTypes ?? []).filter((k) => !seen.has(k.type) && seen.add(k.type));
}

const strings = (v: unknown): string[] | undefined => (typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : v === undefined ? [] : undefined);

/**
 * Reads `q` and `art` (one value or repeated) from a query string. Errors are German messages per
 * field; the input is returned as far as it could be read, so the form shows it again.
 */
export function readSearchInput(query: Record<string, unknown>, kinds: SearchKind[]): { input: SiteSearchInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const qs = strings(query.q);
  let q = "";
  if (!qs || qs.length > 1) errors.q = "Bitte geben Sie genau einen Suchbegriff ein.";
  else q = (qs[0] ?? "").trim();
  if (q.length > MAX_QUERY_CHARS) {
    errors.q = `Der Suchbegriff ist zu lang. Bitte verwenden Sie höchstens ${MAX_QUERY_CHARS} Zeichen.`;
    q = q.slice(0, MAX_QUERY_CHARS);
  }
  const known = new Set(kinds.map((k) => k.type));
  const raw = strings(query.art);
  const art = [...new Set((raw ?? []).filter((a) => a !== ""))];
  if (!raw || art.some((a) => !known.has(a))) errors.art = "Diese Art von Inhalten gibt es nicht. Bitte wählen Sie eine Art aus der Liste.";
  return { input: { q, art: art.filter((a) => known.has(a)) }, errors };
}

/**
 * The search itself. Why nothing non-public can appear: the platform index holds only what the
 * modules put there while it is public — the council indexes a paper only once its meeting's
 * invitation is published and never a non-public item, the Magistrat's papers or drafts; publishing
 * indexes an item when it goes public and removes it when it is withdrawn or expires — and
 * `SearchIndex.query` sees only this municipality's documents and the shared ones (tenant_id
 * null). On top, only the kinds a module registered are asked for, so a document type nobody
 * declared as public never shows up here.
 */
export async function siteSearch(ctx: AppContext, tenantId: string, input: SiteSearchInput, kinds: SearchKind[]): Promise<SiteSearchResult> {
  if (!input.q) return { hits: [], more: false, noWords: false };
  if (parseQuery(input.q).length === 0) return { hits: [], more: false, noWords: true };
  const types = input.art.length > 0 ? input.art : kinds.map((k) => k.type);
  const found = await new SearchIndex({ db: ctx.db, clock: ctx.clock }).query(tenantId, input.q, { types, limit: MAX_HITS + 1 });
  return { hits: found.slice(0, MAX_HITS), more: found.length > MAX_HITS, noWords: false };
}

/** The number of shown hits per kind, in the order of `kinds` (kinds without hits left out). */
export function hitsPerKind(hits: SearchHit[], kinds: SearchKind[]): { kind: SearchKind; count: number }[] {
  const counts = new Map<string, number>();
  for (const hit of hits) counts.set(hit.type, (counts.get(hit.type) ?? 0) + 1);
  return kinds.filter((k) => counts.has(k.type)).map((kind) => ({ kind, count: counts.get(kind.type)! }));
}

const MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

/** A document date "2026-12-08" as "8. Dezember 2026" (a calendar day: no time zone involved). */
export function germanDay(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  return `${Number(m[3])}. ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}
