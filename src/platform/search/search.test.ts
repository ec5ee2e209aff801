import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../clock.js";
import { migrate } from "../db/migrate.js";
import { platformMigrations } from "../migrations.js";
import { createTestDatabase, testDialect, type TestDatabase } from "../../test-support/db.js";
import { SearchIndex, searchMigrations, excerptOf, type SearchDocument } from "./index.js";

const USINGEN = "tenant-usingen";
const NEU_ANSPACH = "tenant-neu-anspach";

async function withIndex(fn: (search: SearchIndex, t: TestDatabase) => Promise<void>): Promise<void> {
  const t = await createTestDatabase();
  try {
    const clock = new ManualClock("2026-11-27T09:00:00.000Z");
    await migrate(
      t.db,
      [
        { owner: "platform", migrations: platformMigrations },
        { owner: "platform.search", migrations: searchMigrations },
      ],
      clock,
    );
    await fn(new SearchIndex({ db: t.db, clock }), t);
  } finally {
    await t.dispose();
  }
}

function service(id: string, title: string, body = "", extra: Partial<SearchDocument> = {}): SearchDocument {
  return { tenantId: null, type: "service", id, title, body, url: `/leistungen/${id}`, ...extra };
}

const CATALOGUE: SearchDocument[] = [
  service("meldebescheinigung", "Meldebescheinigung beantragen", "Sie erhalten eine Bescheinigung über Ihre Wohnung beim Bürgerbüro.", {
    keywords: ["Wohnsitz", "Meldebestätigung"],
  }),
  service("hund", "Hund anmelden", "Wer einen Hund hält, muss ihn bei der Gemeinde anmelden und Hundesteuer zahlen."),
  service("hundesteuer", "Hundesteuer", "Die Steuer für Hunde wird jährlich erhoben."),
  service("sperrmuell", "Sperrmüll anmelden", "Große Abfälle holt der Abfallbetrieb nach Anmeldung ab.", { keywords: ["Abfall"] }),
  service("wohnsitz", "Wohnsitz anmelden", "Nach einem Umzug melden Sie Ihren neuen Wohnsitz innerhalb von zwei Wochen an."),
  service("usingen-fest", "Laurentiusmarkt Standplatz", "Standplatz für Schausteller beantragen.", { tenantId: USINGEN, type: "event", url: "/usingen/markt" }),
  service("neu-anspach-hund", "Hundewiese Neu-Anspach", "Eine Wiese für Hunde.", { tenantId: NEU_ANSPACH, url: "/neu-anspach/hundewiese" }),
];

async function seed(search: SearchIndex): Promise<void> {
  for (const doc of CATALOGUE) await search.upsert(doc);
}

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

test("an inflected query finds the document: Meldebescheinigungen → Meldebescheinigung beantragen", async () => {
  await withIndex(async (search) => {
    await seed(search);
    const hits = await search.query(USINGEN, "Meldebescheinigungen");
    assert.deepEqual(ids(hits), ["meldebescheinigung"]);
    assert.deepEqual(hits[0], {
      type: "service",
      id: "meldebescheinigung",
      title: "Meldebescheinigung beantragen",
      url: "/leistungen/meldebescheinigung",
      excerpt: "Sie erhalten eine Bescheinigung über Ihre Wohnung beim Bürgerbüro.",
      score: 3,
      date: null,
    });
  });
});

test("every word must match; title matches rank first: Hunde anmelden", async () => {
  await withIndex(async (search) => {
    await seed(search);
    const hits = await search.query(USINGEN, "Hunde anmelden");
    // "Hund anmelden" matches both words in its title (3 + 3); "Hundesteuer" has no "anmelden".
    assert.deepEqual(ids(hits), ["hund"]);
    assert.equal(hits[0]!.score, 6);
    // Hunde alone: the title "Hund anmelden" (3) and the compound "Hundesteuer" (prefix "hund…", 3) before body matches
    const hunde = await search.query(USINGEN, "Hunde");
    assert.deepEqual(ids(hunde), ["hund", "hundesteuer"]);
    assert.deepEqual(
      hunde.map((h) => h.score),
      [3, 3],
    );
  });
});

test("the last word matches as a prefix: Sperr → Sperrmüll anmelden", async () => {
  await withIndex(async (search) => {
    await seed(search);
    assert.deepEqual(ids(await search.query(USINGEN, "Sperr")), ["sperrmuell"]);
    assert.deepEqual(ids(await search.query(USINGEN, "anmelden sperr")), ["sperrmuell"]);
    // not a prefix when it is not the last word …
    assert.deepEqual(ids(await search.query(USINGEN, "sperrm anmelden")), []);
    // … but "Sperr" is a word of its own: the modifier of the known compound "Sperrmüll"
    assert.deepEqual(ids(await search.query(USINGEN, "sperr anmelden")), ["sperrmuell"]);
    // too short a prefix matches exactly only
    assert.deepEqual(ids(await search.query(USINGEN, "Sp")), []);
  });
});

test("umlauts however typed: Müll, Muell, Mull, and the compound head", async () => {
  await withIndex(async (search) => {
    await seed(search);
    for (const q of ["Sperrmüll", "Sperrmuell", "sperrmull", "SPERRMÜLL"]) assert.deepEqual(ids(await search.query(USINGEN, q)), ["sperrmuell"], q);
    // "Müll" finds "Sperrmüll" through the indexed head of the compound
    for (const q of ["Müll", "Muell", "müll", "Mull"]) assert.deepEqual(ids(await search.query(USINGEN, q)), ["sperrmuell"], q);
    // Abfälle (body) and Abfall (keyword) meet in one stem
    assert.deepEqual(ids(await search.query(USINGEN, "Abfälle")), ["sperrmuell"]);
  });
});

test("a tenant sees its own documents and those for everyone, never another tenant's", async () => {
  await withIndex(async (search) => {
    await seed(search);
    assert.deepEqual(ids(await search.query(USINGEN, "Hundewiese")), []);
    assert.deepEqual(ids(await search.query(NEU_ANSPACH, "Hundewiese")), ["neu-anspach-hund"]);
    assert.deepEqual(ids(await search.query(USINGEN, "Standplatz")), ["usingen-fest"]);
    assert.deepEqual(ids(await search.query(NEU_ANSPACH, "Standplatz")), []);
    assert.deepEqual(ids(await search.query(NEU_ANSPACH, "Hunde")), ["hund", "hundesteuer", "neu-anspach-hund"]);
    // the same type and id may exist per tenant and for everyone, as separate documents
    await search.upsert(service("hund", "Hund anmelden in Usingen", "", { tenantId: USINGEN }));
    assert.deepEqual(ids(await search.query(USINGEN, "Usingen")), ["hund"]);
    assert.deepEqual(ids(await search.query(NEU_ANSPACH, "Usingen")), []);
  });
});

test("type filter and limit", async () => {
  await withIndex(async (search) => {
    await seed(search);
    assert.deepEqual(ids(await search.query(USINGEN, "beantragen", { types: ["event"] })), ["usingen-fest"]);
    assert.deepEqual(ids(await search.query(USINGEN, "beantragen", { types: ["service"] })), ["meldebescheinigung"]);
    assert.deepEqual(ids(await search.query(USINGEN, "beantragen", { types: [] })), []);
    assert.deepEqual(ids(await search.query(USINGEN, "anmelden")), ["hund", "sperrmuell", "wohnsitz"]);
    assert.deepEqual(ids(await search.query(USINGEN, "anmelden", { limit: 2 })), ["hund", "sperrmuell"]);
  });
});

test("stop words are ignored; an empty query finds nothing", async () => {
  await withIndex(async (search) => {
    await seed(search);
    assert.deepEqual(ids(await search.query(USINGEN, "der Hund und die Steuer")), ids(await search.query(USINGEN, "Hund Steuer")));
    assert.deepEqual(ids(await search.query(USINGEN, "Hund Steuer")), ["hundesteuer", "hund"]);
    assert.deepEqual(await search.query(USINGEN, ""), []);
    assert.deepEqual(await search.query(USINGEN, "  – ! "), []);
    assert.deepEqual(await search.query(USINGEN, "die und für"), []);
  });
});

test("upsert replaces the old terms; remove deletes", async (t) => {
  await withIndex(async (search, tdb) => {
    await seed(search);
    await search.upsert(service("sperrmuell", "Grünschnitt abgeben", "Gartenabfälle am Wertstoffhof abgeben."));
    assert.deepEqual(ids(await search.query(USINGEN, "Sperrmüll")), []);
    assert.deepEqual(ids(await search.query(USINGEN, "Grünschnitt")), ["sperrmuell"]);
    const docs = await tdb.db.kysely.selectFrom("search_documents").select("title").where("doc_id", "=", "sperrmuell").execute();
    assert.deepEqual(docs, [{ title: "Grünschnitt abgeben" }]);

    await search.remove(null, "service", "sperrmuell");
    assert.deepEqual(ids(await search.query(USINGEN, "Grünschnitt")), []);
    const orphans = await tdb.db.kysely.selectFrom("search_terms").leftJoin("search_documents", "search_documents.id", "search_terms.document_id").select("term").where("search_documents.id", "is", null).execute();
    assert.deepEqual(orphans, []);
    await search.remove(null, "service", "sperrmuell"); // gone already: no error
    t.diagnostic(`dialect ${testDialect}`);
  });
});

test("upsert inside the caller's transaction rolls back with it", async () => {
  await withIndex(async (search, tdb) => {
    await seed(search);
    await assert.rejects(
      tdb.db.tx(async (trx) => {
        await search.upsert(service("sperrmuell", "Grünschnitt abgeben", ""), trx);
        throw new Error("business rule failed");
      }),
      /business rule failed/,
    );
    assert.deepEqual(ids(await search.query(USINGEN, "Sperrmüll")), ["sperrmuell"]);
    assert.deepEqual(ids(await search.query(USINGEN, "Grünschnitt")), []);
  });
});

test("results are the same on both databases (fixed expectation checked on each)", async () => {
  await withIndex(async (search) => {
    await seed(search);
    const hits = await search.query(NEU_ANSPACH, "anmelden");
    // score desc, then title folded and byte-ordered (same on SQLite and PostgreSQL "C")
    assert.deepEqual(
      hits.map((h) => [h.id, h.score]),
      [
        ["hund", 3],
        ["sperrmuell", 3],
        ["wohnsitz", 3],
      ],
    );
    const wohn = await search.query(NEU_ANSPACH, "Wohn");
    assert.deepEqual(
      wohn.map((h) => [h.id, h.score]),
      [
        ["wohnsitz", 3],
        ["meldebescheinigung", 2],
      ],
    );
  });
});

test("excerpt: whitespace collapsed, long bodies cut at a word", () => {
  assert.equal(excerptOf("  Ein\n kurzer   Text. "), "Ein kurzer Text.");
  const long = excerptOf("Wort ".repeat(100));
  assert.ok(long.length <= 242 && long.endsWith(" …"), long);
});

describe("ranking at scale: ties by date, filters that need a deeper pass", () => {
  let t: TestDatabase;
  let search: SearchIndex;
  before(async () => {
    t = await createTestDatabase();
    await migrate(t.db, [{ owner: "platform.search", migrations: searchMigrations }]);
    search = new SearchIndex({ db: t.db });
    // 60 papers with the same words: equal scores, so the date decides (newer first), then the title
    for (let i = 0; i < 60; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      await search.upsert({ tenantId: USINGEN, type: "council.paper", id: `p${i}`, title: `Vorlage ${String(i).padStart(2, "0")} Kanalsanierung`, body: "Die Kanalsanierung im Ortskern.", url: `/p${i}`, date: `2026-${i < 30 ? "01" : "02"}-${day}`, facets: [i === 0 ? "org:selten" : "org:haeufig"] });
    }
    await search.upsert({ tenantId: USINGEN, type: "council.paper", id: "undated", title: "Kanalsanierung ohne Datum", body: "", url: "/u" });
  });
  after(() => t.dispose());

  test("equally scored hits: newer first, then by title; undated ones last", async () => {
    const hits = await search.query(USINGEN, "Kanalsanierung", { limit: 100 });
    assert.equal(hits.length, 61);
    const dates = hits.map((h) => h.date ?? "");
    assert.deepEqual(dates.slice(0, -1), [...dates.slice(0, -1)].sort().reverse(), "newest first");
    assert.equal(hits.at(-1)!.id, "undated");
    const sameDay = hits.filter((h) => h.date === "2026-02-01").map((h) => h.title);
    assert.deepEqual(sameDay, [...sameDay].sort(), "same day: by title");
  });

  test("a filter that only the oldest hit passes still finds it (deeper pass), the page size is kept", async () => {
    assert.deepEqual(ids(await search.query(USINGEN, "Kanalsanierung", { facets: ["org:selten"], limit: 5 })), ["p0"]);
    assert.equal((await search.query(USINGEN, "Kanalsanierung", { facets: ["org:haeufig"], limit: 7 })).length, 7);
    assert.deepEqual(await search.query(USINGEN, "Kanalsanierung", { facets: ["org:gibtsnicht"] }), []);
  });
});
