/**
 * OParl and council search benchmark (issue 6): with 100,000 papers,
 * - OParl paper-list throughput at the default page size (target >= 10,000 objects/s),
 * - the cost of a page deep in the list (the page the 1,000th `next` link leads to) against the
 *   first page (target <= 1.5×; keyset pagination, no OFFSET),
 * - council search p95 over the papers (target < 50 ms),
 * on SQLite and on PostgreSQL.
 *
 * Per database: a fresh DATA_DIR (and on PostgreSQL a fresh database in a throwaway cluster,
 * scripts/pg.mjs), migrated and seeded (DEMO_SIZE=small). Then 100,000 (+100, so the page after
 * 1,000 next links is full) public papers are written
 * directly into the tables for Usingen in transactions of 5,000 (multi-row inserts of 500): each
 * with a realistic subject and text (~60 words), 1–2 consultations (Vorberatung in a committee,
 * Entscheidung in the parliament) and a main file row (name, size, checksums; no bytes, the list
 * does not read them). The search index gets the same papers written directly in bulk
 * (search_documents + search_terms, the terms computed with the index's own documentTerms(),
 * as SearchIndex.upsert would write them). PostgreSQL gets VACUUM ANALYZE afterwards (the state autovacuum
 * reaches by itself after a bulk load).
 *
 * Measured inside the server: the real app (openPlatform) in this process, each request with
 * app.inject(): routing, the OParl queries, JSON — no sockets.
 * - Throughput: the whole paper list walked from the first page through every `next` link
 *   (default page size 100); objects delivered / wall time of the walk.
 * - Deep page: the URL of the page after 1,000 `next` links (taken from the walk), timed 30 times
 *   alternating with the first page after 5 warm-ups; ratio of medians.
 * - Search: a mix of queries (whole words, German word forms, a prefix of the last word, two
 *   words) through council.search.query(tenantId, q, { types: ["council.paper"] }), 3 rounds.
 *
 * From bench/run.ts (BENCH_OPARL=0 skips it). Standalone: `node --import tsx bench/oparl.ts [sqlite|postgres ...]`.
 * Env: BENCH_OPARL_PAPERS (100000).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { CompiledQuery } from "kysely";
import { loadConfig } from "../src/config.js";
import { openPlatform, type Platform } from "../src/server.js";
import type { DialectName } from "../src/platform/db/index.js";
import { newId } from "../src/platform/ids.js";
import { documentTerms, excerptOf, rankOf } from "../src/platform/search/index.js";
import { fold, normalize } from "../src/platform/search/german.js";
import { councilService } from "../src/modules/council/index.js";
import { SEARCH_TYPES } from "../src/modules/council/service.js";
import type { ConsultationRow, FileRow, PaperRow } from "../src/modules/council/store.js";

export interface OparlDialectResult {
  dialect: DialectName;
  papers: number;
  insertMs: number;
  indexMs: number;
  walk: { pages: number; objects: number; ms: number; objectsPerSec: number; pageP50Ms: number; pageP95Ms: number };
  deep: { page: number; firstP50Ms: number; deepP50Ms: number; ratio: number };
  search: { queries: number; p50Ms: number; p95Ms: number; maxMs: number; slowest: string };
}

export interface OparlBenchResult {
  results: OparlDialectResult[];
  targets: { name: string; target: string; measured: number; unit: string; met: boolean }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const BATCH = 5000;
const ROWS = 500;
const DEEP_LINKS = 1000;
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

export const SEARCH_QUERIES = ["Bebauungsplan", "Bebauungspläne", "Straßen", "Kindertagesstätte", "Haushaltssatzung 2025", "Feuerwehr", "Sanier", "Grundschule Erweiterung", "Radweg", "Wasserleitungen", "Friedhof", "Gewerbegebiet Nord", "Spielpl", "Zuschüsse Vereine", "Photovoltaik"];

export async function benchOparl(opts: { dialects?: DialectName[]; papers?: number; log?: (l: string) => void } = {}): Promise<OparlBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const results: OparlDialectResult[] = [];
  let pgServer: { adminUrl: string; stop(): Promise<void> } | undefined;
  try {
    for (const dialect of opts.dialects ?? ["sqlite", "postgres"]) {
      let adminUrl: string | undefined;
      if (dialect === "postgres") {
        const { startPostgres } = (await import(pathToFileURL(join(repo, "scripts", "pg.mjs")).href)) as { startPostgres(o: { log(...a: unknown[]): void }): Promise<{ adminUrl: string; stop(): Promise<void> }> };
        pgServer = await startPostgres({ log: (...a) => log(a.join(" ")) });
        adminUrl = pgServer.adminUrl;
      }
      results.push(await benchOne(dialect, adminUrl, opts.papers ?? 100_000, log));
    }
  } finally {
    await pgServer?.stop();
  }
  const targets = results.flatMap((r) => [
    { name: `OParl paper list on ${r.dialect} (default page size, walked through next links)`, target: ">= 10000", measured: r.walk.objectsPerSec, unit: "objects/s", met: r.walk.objectsPerSec >= 10_000 },
    { name: `OParl page after ${r.deep.page - 1} next links vs. first page on ${r.dialect}`, target: "<= 1.5", measured: r.deep.ratio, unit: "×", met: r.deep.ratio <= 1.5 },
    { name: `council search p95 over ${r.papers} papers on ${r.dialect}`, target: "< 50", measured: r.search.p95Ms, unit: "ms", met: r.search.p95Ms < 50 },
  ]);
  return { results, targets };
}

export function formatOparlResult(r: OparlBenchResult): string {
  const lines: string[] = [];
  for (const d of r.results) {
    lines.push(`\nOParl on ${d.dialect}: ${d.papers} papers inserted in ${Math.round(d.insertMs)} ms, indexed for search in ${Math.round(d.indexMs)} ms`);
    lines.push(`  paper list walk: ${d.walk.pages} pages, ${d.walk.objects} objects in ${Math.round(d.walk.ms)} ms = ${d.walk.objectsPerSec} objects/s (page p50 ${d.walk.pageP50Ms} ms, p95 ${d.walk.pageP95Ms} ms)`);
    lines.push(`  page ${d.deep.page} (after ${d.deep.page - 1} next links): p50 ${d.deep.deepP50Ms} ms vs. first page p50 ${d.deep.firstP50Ms} ms = ${d.deep.ratio}×`);
    lines.push(`  search (${d.search.queries} queries): p50 ${d.search.p50Ms} ms, p95 ${d.search.p95Ms} ms, max ${d.search.maxMs} ms (slowest: "${d.search.slowest}")`);
  }
  lines.push("\nTargets (OParl, search):");
  for (const t of r.targets) lines.push(`  ${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.measured} ${t.unit} (target ${t.target} ${t.unit})`);
  return lines.join("\n");
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function benchOne(dialect: DialectName, adminUrl: string | undefined, count: number, log: (l: string) => void): Promise<OparlDialectResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "rathaus-bench-oparl-"));
  let databaseUrl: string | undefined;
  const dbName = `bench_oparl_${randomBytes(4).toString("hex")}`;
  if (adminUrl) {
    await adminQuery(adminUrl, `create database ${dbName}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const env = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, DEMO: "true", DEMO_SIZE: "small", LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000000" };
  let p: Platform | undefined;
  try {
    p = await openPlatform({ config: loadConfig(env as NodeJS.ProcessEnv), logger: false, seed: true });
    await p.ctx.jobs.stop();
    const tenant = p.ctx.tenants.bySlug("usingen")!;
    const t0 = performance.now();
    // 100 more than `count`, so that the page after 1,000 next links is a full page (the seed adds a few of its own)
    const docs = await insertPapers(p, tenant.id, count + 100);
    const insertMs = performance.now() - t0;
    log(`${dialect}: ${count} papers inserted in ${Math.round(insertMs)} ms`);
    const t1 = performance.now();
    await indexPapers(p, tenant.id, tenant.slug, docs);
    // the steady state autovacuum reaches after a bulk load (PostgreSQL 13+ vacuums insert-only tables too):
    // statistics and the visibility map, so index-only scans need no heap visits
    if (dialect === "postgres") await p.db.kysely.executeQuery(CompiledQuery.raw("vacuum analyze"));
    const indexMs = performance.now() - t1;
    log(`${dialect}: search index written in ${Math.round(indexMs)} ms`);

    // the walk
    const base = p.ctx.config.baseUrl;
    const first = `/oparl/v1.1/body/${tenant.slug}/paper`;
    for (let i = 0; i < 5; i++) await p.app.inject({ url: first });
    const times: number[] = [];
    let objects = 0;
    let url: string | undefined = first;
    let deepUrl: string | undefined;
    let lastUrl = first;
    const w0 = performance.now();
    while (url) {
      const s = performance.now();
      const res: { statusCode: number; body: string } = await p.app.inject({ url });
      times.push(performance.now() - s);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      // the client's side kept small (no JSON.parse of 100 objects in this same process): the
      // top-level objects are the Paper ones (embedded objects are Files and Consultations), the next link is the last property
      objects += res.body.split('"type":"https://schema.oparl.org/1.1/Paper"').length - 1;
      const next: string | undefined = /"next":"([^"]+)"\}\}$/.exec(res.body)?.[1];
      lastUrl = url;
      url = next?.slice(base.length);
      if (times.length === DEEP_LINKS && url) deepUrl = url;
    }
    const walkMs = performance.now() - w0;
    const deepPage = deepUrl ? DEEP_LINKS + 1 : times.length;
    deepUrl ??= lastUrl;
    log(`${dialect}: walked ${times.length} pages (${objects} objects) in ${Math.round(walkMs)} ms`);

    // deep page against first page
    for (let i = 0; i < 5; i++) {
      await p.app.inject({ url: first });
      await p.app.inject({ url: deepUrl });
    }
    const firstT: number[] = [];
    const deepT: number[] = [];
    for (let i = 0; i < 30; i++) {
      let s = performance.now();
      await p.app.inject({ url: first });
      firstT.push(performance.now() - s);
      s = performance.now();
      await p.app.inject({ url: deepUrl });
      deepT.push(performance.now() - s);
    }
    const firstP50 = pct(firstT, 50);
    const deepP50 = pct(deepT, 50);

    // search
    const council = councilService(p.ctx);
    const st: { q: string; ms: number }[] = [];
    for (const q of SEARCH_QUERIES) await council.search.query(tenant.id, q, { types: [SEARCH_TYPES.paper] });
    for (let round = 0; round < 3; round++) {
      for (const q of SEARCH_QUERIES) {
        const s = performance.now();
        await council.search.query(tenant.id, q, { types: [SEARCH_TYPES.paper] });
        st.push({ q, ms: performance.now() - s });
      }
    }
    const slowest = st.reduce((a, b) => (b.ms > a.ms ? b : a));
    return {
      dialect,
      papers: count,
      insertMs,
      indexMs,
      walk: { pages: times.length, objects, ms: walkMs, objectsPerSec: Math.round(objects / (walkMs / 1000)), pageP50Ms: round2(pct(times, 50)), pageP95Ms: round2(pct(times, 95)) },
      deep: { page: deepPage, firstP50Ms: round2(firstP50), deepP50Ms: round2(deepP50), ratio: round2(deepP50 / firstP50) },
      search: { queries: st.length, p50Ms: round2(pct(st.map((x) => x.ms), 50)), p95Ms: round2(pct(st.map((x) => x.ms), 95)), maxMs: round1(slowest.ms), slowest: slowest.q },
    };
  } finally {
    await p?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => undefined);
  }
}

// ---------------------------------------------------------------- data

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  "Bebauungsplan Nr. {n} „Am Mühlbach“ – Aufstellungsbeschluss",
  "Sanierung der Grundschule {place} – Vergabe der Bauleistungen",
  "Haushaltssatzung {year} mit Haushaltsplan",
  "Neubau einer Kindertagesstätte in {place}",
  "Beschaffung eines Löschfahrzeugs für die Freiwillige Feuerwehr {place}",
  "Radwegeverbindung {place} – Bahnhof",
  "Erneuerung der Wasserleitungen in der {street}",
  "Änderung der Friedhofssatzung",
  "Erschließung Gewerbegebiet Nord, {n}. Bauabschnitt",
  "Zuschüsse an Vereine und Verbände {year}",
  "Photovoltaikanlagen auf kommunalen Dächern",
  "Sanierung des Spielplatzes {street}",
  "Anfrage zur Straßenbeleuchtung in {place}",
  "Bericht über die Umsetzung des Klimaschutzkonzepts {year}",
];
const PLACES = ["Eschbach", "Wernborn", "Kransberg", "Merzhausen", "Wilhelmsdorf", "Michelbach", "Westerfeld", "Hausen-Arnsbach"];
const STREETS = ["Weilburger Straße", "Obergasse", "Hattsteiner Allee", "Schlossplatz", "Zitzergasse", "Am Riedborn", "Kreuzgasse"];
const SENTENCES = [
  "Die Verwaltung wird beauftragt, die erforderlichen Schritte einzuleiten.",
  "Die Kosten sind im Haushalt unter der genannten Produktnummer veranschlagt.",
  "Der Ortsbeirat wurde beteiligt und hat der Maßnahme zugestimmt.",
  "Die Bebauungspläne der Nachbargemeinden wurden bei der Planung berücksichtigt.",
  "Fördermittel des Landes Hessen wurden beantragt.",
  "Die Arbeiten sollen nach der Vergabe im kommenden Frühjahr beginnen.",
  "Die Stellungnahmen der Träger öffentlicher Belange liegen vor.",
  "Die Straßen im Baugebiet werden verkehrsberuhigt ausgebaut.",
  "Die Maßnahme trägt zur Erreichung der Klimaschutzziele bei.",
  "Die Folgekosten für Unterhaltung und Betrieb sind dargestellt.",
];

interface PaperDoc {
  id: string;
  reference: string;
  name: string;
  paperType: string;
  body: string;
  date: string;
  orgs: string[];
}

export async function insertPapers(p: Platform, tenantId: string, count: number): Promise<PaperDoc[]> {
  const s = councilService(p.ctx);
  const parlament = await s.createOrganization(tenantId, { name: "Stadtverordnetenversammlung (Bench)", kind: "parlament" });
  const committees = [await s.createOrganization(tenantId, { name: "Bau- und Umweltausschuss (Bench)", kind: "ausschuss" }), await s.createOrganization(tenantId, { name: "Haupt- und Finanzausschuss (Bench)", kind: "ausschuss" })];
  const random = rng(20261127);
  const types = ["Beschlussvorlage", "Beschlussvorlage", "Beschlussvorlage", "Antrag", "Anfrage", "Mitteilung", "Bericht"] as const;
  const now = Date.now();
  const DAY = 86_400_000;
  const times = Array.from({ length: count }, () => now - Math.floor(random() * 5 * 365 * DAY)).sort((a, b) => a - b);
  const counters = new Map<number, number>();
  const docs: PaperDoc[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const papers: PaperRow[] = [];
    const consultations: ConsultationRow[] = [];
    const files: FileRow[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const created = times[i]!;
      const at = new Date(created).toISOString();
      const published = new Date(created + DAY).toISOString();
      const clock = { now: () => new Date(created) };
      const year = new Date(created).getUTCFullYear();
      const n = (counters.get(year) ?? 0) + 1;
      counters.set(year, n);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      const name = pick(TOPICS).replace("{n}", String(1 + Math.floor(random() * 120))).replace("{place}", pick(PLACES)).replace("{street}", pick(STREETS)).replace("{year}", String(year));
      const body = Array.from({ length: 5 + Math.floor(random() * 3) }, () => pick(SENTENCES)).join(" ");
      const id = newId(clock);
      const paperType = pick(types);
      const committee = pick(committees);
      const twoSteps = random() < 0.6;
      papers.push({
        id, tenant_id: tenantId, reference: `VO/B${year}/${String(n).padStart(5, "0")}`, name, paper_type: paperType, date: at.slice(0, 10), state: "freigegeben", body_text: body,
        originator_organization_id: null, originator_person_id: null, under_direction_of: pick(["Bauamt", "Kämmerei", "Hauptamt", "Ordnungsamt"]), created_by: null, approved_by: null, approved_at: at,
        published_at: published, created_at: at, modified_at: published, deleted_at: null,
      });
      const steps = twoSteps ? [{ org: committee, role: "Vorberatung" as const }, { org: parlament, role: "Entscheidung" as const }] : [{ org: committee, role: "Entscheidung" as const }];
      steps.forEach((st, k) =>
        consultations.push({ id: newId(clock), tenant_id: tenantId, paper_id: id, organization_id: st.org, position: k + 1, role: st.role, authoritative: st.role === "Entscheidung" ? 1 : 0, meeting_id: null, agenda_item_id: null, status: k === 0 ? "beraten" : "offen", created_at: at, modified_at: published, deleted_at: null }),
      );
      const fileId = newId(clock);
      files.push({
        id: fileId, tenant_id: tenantId, owner_type: "paper", owner_id: id, role: "main", name: paperType, file_name: "vorlage.pdf", mime_type: "application/pdf", size: 40_000 + Math.floor(random() * 400_000),
        sha1: createHash("sha1").update(fileId).digest("hex"), sha512: createHash("sha512").update(fileId).digest("hex"), storage_key: `council/${tenantId}/${fileId}.pdf`, date: at.slice(0, 10),
        text_status: "ok", text: `${name}\n${body}`, created_at: at, modified_at: published, deleted_at: null,
      });
      docs.push({ id, reference: papers.at(-1)!.reference, name, paperType, body, date: at.slice(0, 10), orgs: steps.map((x) => x.org) });
    }
    await p.db.tx(async (trx) => {
      for (let j = 0; j < papers.length; j += ROWS) await trx.insertInto("council_papers").values(papers.slice(j, j + ROWS)).execute();
      for (let j = 0; j < consultations.length; j += ROWS) await trx.insertInto("council_consultations").values(consultations.slice(j, j + ROWS)).execute();
      for (let j = 0; j < files.length; j += ROWS) await trx.insertInto("council_files").values(files.slice(j, j + ROWS)).execute();
    });
  }
  return docs;
}

/** The papers into the search index in bulk: rows as SearchIndex.upsert writes them (same terms, same columns). */
export async function indexPapers(p: Platform, tenantId: string, slug: string, docs: PaperDoc[]): Promise<void> {
  const now = new Date().toISOString();
  for (let start = 0; start < docs.length; start += BATCH) {
    const batch = docs.slice(start, start + BATCH);
    await p.db.tx(async (trx) => {
      for (let j = 0; j < batch.length; j += ROWS) {
        const chunk = batch.slice(j, j + ROWS);
        const search = chunk.map((d) => ({ title: `${d.reference} ${d.name}`, keywords: [d.paperType], body: `${d.body}\n${d.paperType}\n${d.name}\n${d.body}` }));
        const ids = await trx
          .insertInto("search_documents")
          .values(
            chunk.map((d, k) => ({
              tenant_id: tenantId, tenant_key: tenantId, doc_type: SEARCH_TYPES.paper, doc_id: d.id, title: search[k]!.title, sort_key: fold(normalize(search[k]!.title)).replace(/\s+/g, " ").trim(),
              url: `/${slug}/rat/vorlagen/${d.id}`, body_excerpt: excerptOf(search[k]!.body), updated_at: now, facets: `|kind:${d.paperType}|${d.orgs.map((o) => `org:${o}`).join("|")}|`, doc_date: d.date,
            })),
          )
          .returning(["id", "doc_id"])
          .execute();
        const idOf = new Map(ids.map((r) => [r.doc_id, Number(r.id)]));
        const terms = chunk.flatMap((d, k) => [...documentTerms(search[k]!)].map(([term, weight]) => ({ document_id: idOf.get(d.id)!, term, weight, rank: rankOf(d.date) })));
        for (let x = 0; x < terms.length; x += ROWS) await trx.insertInto("search_terms").values(terms.slice(x, x + ROWS)).execute();
      }
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dialects = process.argv.slice(2).filter((a): a is DialectName => a === "sqlite" || a === "postgres");
  const papers = process.env.BENCH_OPARL_PAPERS ? Number(process.env.BENCH_OPARL_PAPERS) : undefined;
  const r = await benchOparl({ ...(dialects.length ? { dialects } : {}), ...(papers ? { papers } : {}) });
  console.log(formatOparlResult(r));
}
