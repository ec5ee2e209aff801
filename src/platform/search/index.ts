import { sql, type Generated } from "kysely";
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
    const k = this.db.kysely;

    // One row per (document, query word) it matches, with the best weight among the matching terms.
    const matchesOf = (t: QueryTerm, i: number) =>
      k
        .selectFrom("search_terms")
        .select(["document_id", "weight", sql.lit(i).as("word")])
        .where((eb) => (t.prefix ? eb.and([eb("term", ">=", t.stem), eb("term", "<", prefixEnd(t.stem))]) : eb("term", "=", t.stem)));
    const matches = terms.map(matchesOf).reduce((all, next) => all.unionAll(next));
    const perWord = k
      .selectFrom(matches.as("m"))
      .select((eb) => ["m.document_id", "m.word", eb.fn.max("m.weight").as("best")])
      .groupBy(["m.document_id", "m.word"]);

    let query = k
      .selectFrom(perWord.as("w"))
      .innerJoin("search_documents as d", "d.id", "w.document_id")
      .select((eb) => ["d.doc_type", "d.doc_id", "d.title", "d.url", "d.body_excerpt", "d.doc_date", eb.fn.sum<number>("w.best").as("score")])
      .where((eb) => eb.or([eb("d.tenant_id", "=", tenantId), eb("d.tenant_id", "is", null)]))
      .groupBy(["d.id", "d.doc_type", "d.doc_id", "d.title", "d.url", "d.body_excerpt", "d.sort_key", "d.doc_date"])
      // AND: the document matched every query word
      .having((eb) => eb.fn.count("w.word"), "=", terms.length)
      .orderBy("score", "desc")
      .orderBy("d.sort_key")
      .orderBy("d.doc_type")
      .orderBy("d.doc_id")
      .limit(limit);
    if (opts.types) query = query.where("d.doc_type", "in", opts.types);
    for (const f of opts.facets ?? []) query = query.where("d.facets", "like", `%|${escapeLike(f)}|%`);
    if (opts.from) query = query.where("d.doc_date", ">=", opts.from);
    if (opts.to) query = query.where("d.doc_date", "<=", opts.to);
    const rows = await query.execute();
    return rows.map((r) => ({ type: r.doc_type, id: r.doc_id, title: r.title, url: r.url, excerpt: r.body_excerpt, score: Number(r.score), date: r.doc_date }));
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
    const rows = [...documentTerms(doc)].map(([term, weight]) => ({ document_id: documentId, term, weight }));
    for (let i = 0; i < rows.length; i += TERM_ROWS_PER_INSERT) {
      await trx.insertInto("search_terms").values(rows.slice(i, i + TERM_ROWS_PER_INSERT)).execute();
    }
  }
}
