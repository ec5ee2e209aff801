import { sql, type ExpressionBuilder, type Generated } from "kysely";
import type { Database } from "../db/schema.js";
import { systemClock, type Clock } from "../clock.js";
import type { Db, Kdb } from "../db/index.js";
import type { Migration } from "../db/migrate.js";
import { analyze, compoundParts, parseQuery, normalize, fold, type QueryTerm } from "./german.js";

/**
 * The platform's full-text search: one index for every module (services, council papers, …).
 *
 * Text analysis (tokens, stop words, Snowball German stems, umlauts) happens in the application
 * (german.ts), and the index is two plain tables, so SQLite and PostgreSQL store the same terms,
 * run the same SQL and return the same results in the same order. Ranking is simple on purpose:
 * each query word contributes the weight of the best field it matched in (title 3, keywords 2,
 * body 1), every word must match, ties are ordered by title.
 */

export interface SearchDocumentsTable {
  id: Generated<number>;
  /** null: the document is for every municipality */
  tenant_id: string | null;
  /** tenant_id, or "" for every municipality: unique keys treat NULLs as distinct, "" is portable */
  tenant_key: string;
  doc_type: string;
  doc_id: string;
  title: string;
  /** the title folded (lower case, no umlauts or accents): the order of equally ranked results */
  sort_key: string;
  url: string;
  body_excerpt: string;
  updated_at: string;
  /** "|key|key|": attributes a query can filter on (e.g. "org:…", "type:Antrag"); "" for none */
  facets: string;
  /** the document's own date (YYYY-MM-DD), for filtering and display; null when it has none */
  doc_date: string | null;
}

export interface SearchTermsTable {
  document_id: number;
  /** a Snowball German stem (german.ts) */
  term: string;
  /** the best field the term occurs in: 3 title, 2 keywords, 1 body */
  weight: number;
  /** the document's date as YYYYMMDD (0 without a date): among equally scored hits the newer comes first */
  rank: number;
}

declare module "../db/schema.js" {
  interface Database {
    search_documents: SearchDocumentsTable;
    search_terms: SearchTermsTable;
  }
}

export const searchMigrations: Migration[] = [
  {
    name: "search.001_create",
    async up(db, { dialect, types }) {
      // Byte order on PostgreSQL too (SQLite's BINARY): identical ordering on both databases, and the
      // plain b-tree index on term serves the prefix range `term >= p and term < p'` in any database locale.
      const bytewiseText = dialect === "postgres" ? sql`text collate "C"` : sql`text`;
      await db.schema
        .createTable("search_documents")
        .addColumn("id", types.serial, (c) => c.primaryKey())
        .addColumn("tenant_id", "text")
        .addColumn("tenant_key", "text", (c) => c.notNull())
        .addColumn("doc_type", bytewiseText, (c) => c.notNull())
        .addColumn("doc_id", bytewiseText, (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("sort_key", bytewiseText, (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("body_excerpt", "text", (c) => c.notNull())
        .addColumn("updated_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("search_documents_key").on("search_documents").columns(["tenant_key", "doc_type", "doc_id"]).unique().execute();
      await db.schema
        .createTable("search_terms")
        .addColumn("document_id", types.bigint, (c) => c.notNull().references("search_documents.id").onDelete("cascade"))
        .addColumn("term", bytewiseText, (c) => c.notNull())
        .addColumn("weight", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("search_terms_pk", ["document_id", "term"])
        .execute();
      // lookups by term (exact and prefix range); covering, so matching never reads the table
      await db.schema.createIndex("search_terms_term_idx").on("search_terms").columns(["term", "document_id", "weight"]).execute();
    },
  },
  {
    name: "search.002_facets",
    async up(db) {
      await db.schema.alterTable("search_documents").addColumn("facets", "text", (c) => c.notNull().defaultTo("")).execute();
      await db.schema.alterTable("search_documents").addColumn("doc_date", "text").execute();
    },
  },
  {
    name: "search.003_rank",
    async up(db) {
      // Ranking reads only search_terms (no join over every matching document): the tie-break by date
      // lives in every term row, and the covering index carries it.
      await db.schema.alterTable("search_terms").addColumn("rank", "integer", (c) => c.notNull().defaultTo(0)).execute();
      await sql`update search_terms set rank = coalesce((select cast(replace(d.doc_date, '-', '') as integer) from search_documents d where d.id = search_terms.document_id and d.doc_date is not null), 0)`.execute(db);
      await db.schema.dropIndex("search_terms_term_idx").execute();
      await db.schema.createIndex("search_terms_term_idx").on("search_terms").columns(["term", "document_id", "weight", "rank"]).execute();
    },
  },
];

export const WEIGHT_TITLE = 3;
export const WEIGHT_KEYWORDS = 2;
export const WEIGHT_BODY = 1;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const EXCERPT_CHARS = 240;
const TERM_ROWS_PER_INSERT = 500;

export interface SearchDocument {
  /** null: shown to every municipality */
  tenantId: string | null;
  /** what kind of thing, e.g. "service", "council.paper" */
  type: string;
  /** the owner's id of the thing, unique per tenant and type */
  id: string;
  title: string;
  keywords?: string[];
  body: string;
  url: string;
  /** attributes to filter on, e.g. ["org:0193…", "type:Antrag"] (no "|" inside) */
  facets?: string[];
  /** the document's date (YYYY-MM-DD) for date filters */
  date?: string | null;
}

export interface SearchHit {
  type: string;
  id: string;
  title: string;
  url: string;
  excerpt: string;
  score: number;
  date: string | null;
}

export interface SearchOptions {
  /** only these document types (an empty list finds nothing) */
  types?: string[];
  /** at most this many hits (default 20, at most 100) */
  limit?: number;
  /** only documents carrying every one of these facets */
  facets?: string[];
  /** only documents dated on or after this day (YYYY-MM-DD) */
  from?: string;
  /** only documents dated on or before this day (YYYY-MM-DD) */
  to?: string;
}

/** The terms of a document with the weight of the best field each occurs in; the parts of a known compound count like the word. */
export function documentTerms(doc: Pick<SearchDocument, "title" | "keywords" | "body">): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const s of analyze(text)) {
      const parts = compoundParts(s);
      for (const term of parts ? [s, parts.modifier, parts.head] : [s]) {
        if ((terms.get(term) ?? 0) < weight) terms.set(term, weight);
      }
    }
  };
  add(doc.title, WEIGHT_TITLE);
  for (const k of doc.keywords ?? []) add(k, WEIGHT_KEYWORDS);
  add(doc.body, WEIGHT_BODY);
  return terms;
}

/** The start of the body, whitespace collapsed, cut at a word boundary. */
export function excerptOf(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  if (text.length <= EXCERPT_CHARS) return text;
  const cut = text.slice(0, EXCERPT_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > EXCERPT_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, "")} …`;
}

/** A document's date (YYYY-MM-DD) as the number YYYYMMDD, the tie-break of equally scored hits (newer first); 0 without one. */
export function rankOf(date: string | null | undefined): number {
  return date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? Number(date.replace(/-/g, "")) : 0;
}

/** Score and rank in one sortable integer (rank < 10^8, score ≤ 3 · MAX_QUERY_TERMS). */
const RANK_SPAN = 100_000_000;
/** Candidate ids per document query (bound parameters stay far below the databases' limits). */
const CANDIDATES_PER_QUERY = 500;

/** Byte order of the UTF-8 encodings (= code point order), as SQLite's BINARY and PostgreSQL's "C" collation compare. */
function byteCompare(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** LIKE pattern characters taken literally (facets are ids and words; "%" and "_" must not widen a filter). */
function escapeLike(value: string): string {
  return value.replace(/[%_|]/g, "");
}

/** The smallest string greater than every string that starts with `prefix` (in code point order). */
function prefixEnd(prefix: string): string {
  const chars = Array.from(prefix);
  const last = chars.pop()!;
  return chars.join("") + String.fromCodePoint(last.codePointAt(0)! + 1);
}

export class SearchIndex {
  private readonly db: Db;
  private readonly clock: Clock;

  constructor(opts: { db: Db; clock?: Clock }) {
    this.db = opts.db;
    this.clock = opts.clock ?? systemClock;
  }

  /** Adds a document or replaces it (all its terms), atomically; inside the caller's transaction when given one. */
  async upsert(doc: SearchDocument, trx?: Kdb): Promise<void> {
    if (trx) return this.write(trx, doc);
    return this.db.tx((t) => this.write(t, doc));
  }

  /** Removes a document from the index (no error when it is not there). */
  async remove(tenantId: string | null, type: string, id: string, trx?: Kdb): Promise<void> {
    const run = async (t: Kdb) => {
      const row = await t.selectFrom("search_documents").select("id").where("tenant_key", "=", tenantId ?? "").where("doc_type", "=", type).where("doc_id", "=", id).executeTakeFirst();
      if (!row) return;
      await t.deleteFrom("search_terms").where("document_id", "=", row.id).execute();
      await t.deleteFrom("search_documents").where("id", "=", row.id).execute();
    };
    if (trx) return run(trx);
    return this.db.tx(run);
  }

  /**
   * The documents of a municipality (and those for every municipality) that match every word of
   * `q` — the last word also as the start of a word — best first.
   */
  async query(tenantId: string, q: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    const terms = parseQuery(q);
    if (terms.length === 0 || (opts.types && opts.types.length === 0)) return [];
    const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
    const ranked = await this.rank(tenantId, terms, opts, limit);
    if (ranked.length === 0) return [];
    // Display columns only for the page of hits.
    const rows = await this.db.kysely
      .selectFrom("search_documents")
      .select(["id", "doc_type", "doc_id", "title", "url", "body_excerpt", "doc_date"])
      .where("id", "in", ranked.map((r) => r.id))
      .execute();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ranked.flatMap(({ id, score }) => {
      const r = byId.get(id);
      return r ? [{ type: r.doc_type, id: r.doc_id, title: r.title, url: r.url, excerpt: r.body_excerpt, score, date: r.doc_date }] : [];
    });
  }

  /**
   * The ranking, in two parts so that a common word (in half of 100,000 papers) never joins and
   * sorts every matching document:
   * 1. from search_terms alone (the covering index): every matching document's score (each query
   *    word adds the best weight it matched with; all words must match) and rank (its date), and
   *    of these the candidates from the `depth`-th best (score, rank) upwards, ties included;
   * 2. only those candidates' documents are read, filtered (municipality, types, facets, dates)
   *    and ordered by score, rank, title, type, id.
   * When filters leave fewer than `limit` hits although more candidates exist, the depth grows.
   */
  private async rank(tenantId: string, terms: QueryTerm[], opts: SearchOptions, limit: number): Promise<{ id: number; score: number }[]> {
    const k = this.db.kysely;
    const matches = terms
      .map((t, i) => k.selectFrom("search_terms").select(["document_id", "weight", "rank", sql.lit(i).as("word")]).where(this.termMatch(t)))
      .reduce((all, next) => all.unionAll(next));
    // per word: the best weight (null when the word does not match); the sum is null unless all match
    const score = terms.map((_, i) => sql<number>`max(case when m.word = ${sql.lit(i)} then m.weight end)`).reduce((a, b) => sql<number>`${a} + ${b}`);
    for (let depth = limit; ; depth *= 8) {
      const candidates = await k
        .with("c", (db) =>
          db
            .selectFrom(matches.as("m"))
            .select(["m.document_id", score.as("score"), sql<number>`${score} * ${sql.lit(RANK_SPAN)} + max(m.rank)`.as("key")])
            .groupBy("m.document_id")
            .having(score, "is not", null),
        )
        .selectFrom("c")
        .select(["c.document_id", "c.score", "c.key"])
        .where("c.key", ">=", sql<number>`coalesce((select c2.key from c as c2 order by c2.key desc limit 1 offset ${sql.lit(depth - 1)}), 0)`)
        .execute();
      const byId = new Map(candidates.map((c) => [Number(c.document_id), { score: Number(c.score), key: Number(c.key) }]));
      const docs: { id: number; sort_key: string; doc_type: string; doc_id: string }[] = [];
      for (let i = 0; i < candidates.length; i += CANDIDATES_PER_QUERY) {
        const chunk = candidates.slice(i, i + CANDIDATES_PER_QUERY).map((c) => Number(c.document_id));
        const rows = await k.selectFrom("search_documents as d").select(["d.id", "d.sort_key", "d.doc_type", "d.doc_id"]).where("d.id", "in", chunk).where(this.docFilter(tenantId, opts)).execute();
        for (const r of rows) docs.push({ ...r, id: Number(r.id) });
      }
      // by score and rank, then title, type and id in the databases' byte order (binary collation on both)
      docs.sort((a, b) => byId.get(b.id)!.key - byId.get(a.id)!.key || byteCompare(a.sort_key, b.sort_key) || byteCompare(a.doc_type, b.doc_type) || byteCompare(a.doc_id, b.doc_id));
      if (docs.length >= limit || candidates.length < depth) {
        return docs.slice(0, limit).map((d) => ({ id: d.id, score: byId.get(d.id)!.score }));
      }
    }
  }

  /** The filters every ranking applies to documents (alias "d"): municipality (or everywhere), types, facets, dates. */
  private docFilter(tenantId: string, opts: SearchOptions) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- applied to queries of different shapes that all have "d"
    return (eb: ExpressionBuilder<any, any>) => {
      const conds = [eb.or([eb("d.tenant_id", "=", tenantId), eb("d.tenant_id", "is", null)])];
      if (opts.types) conds.push(eb("d.doc_type", "in", opts.types));
      for (const f of opts.facets ?? []) conds.push(eb("d.facets", "like", `%|${escapeLike(f)}|%`));
      if (opts.from) conds.push(eb("d.doc_date", ">=", opts.from));
      if (opts.to) conds.push(eb("d.doc_date", "<=", opts.to));
      return eb.and(conds);
    };
  }

  private termMatch(t: QueryTerm) {
    return (eb: ExpressionBuilder<Database, "search_terms">) => (t.prefix ? eb.and([eb("term", ">=", t.stem), eb("term", "<", prefixEnd(t.stem))]) : eb("term", "=", t.stem));
  }

  private async write(trx: Kdb, doc: SearchDocument): Promise<void> {
    const values = {
      tenant_id: doc.tenantId,
      tenant_key: doc.tenantId ?? "",
      doc_type: doc.type,
      doc_id: doc.id,
      title: doc.title,
      sort_key: fold(normalize(doc.title)).replace(/\s+/g, " ").trim(),
      url: doc.url,
      body_excerpt: excerptOf(doc.body),
      updated_at: this.clock.now().toISOString(),
      facets: doc.facets?.length ? `|${doc.facets.map((f) => f.replace(/\|/g, "")).join("|")}|` : "",
      doc_date: doc.date ?? null,
    };
    const { id } = await trx
      .insertInto("search_documents")
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(["tenant_key", "doc_type", "doc_id"])
          .doUpdateSet({ title: values.title, sort_key: values.sort_key, url: values.url, body_excerpt: values.body_excerpt, updated_at: values.updated_at, facets: values.facets, doc_date: values.doc_date }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    const documentId = Number(id);
    await trx.deleteFrom("search_terms").where("document_id", "=", documentId).execute();
    const rank = rankOf(doc.date);
    const rows = [...documentTerms(doc)].map(([term, weight]) => ({ document_id: documentId, term, weight, rank }));
    for (let i = 0; i < rows.length; i += TERM_ROWS_PER_INSERT) {
      await trx.insertInto("search_terms").values(rows.slice(i, i + TERM_ROWS_PER_INSERT)).execute();
    }
  }
}
