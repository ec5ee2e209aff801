import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, loginStaff, type TestApp } from "../../test-support/app.js";
import { councilFixture, MEMBER_LOGIN, PUBLIC_TITLE, SECRET_TITLE, type CouncilFixture } from "../../test-support/council.js";
import { SearchIndex } from "../../platform/search/index.js";
import { tenantScope } from "../../platform/cache/versions.js";
import { modules } from "../index.js";
import { sitesearchModule } from "./index.js";
import { MAX_HITS } from "./service.js";

let t: TestApp;
let f: CouncilFixture;
let index: SearchIndex;
let usingen: string;
let neuAnspach: string;
before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
  index = new SearchIndex({ db: t.ctx.db, clock: t.clock });
  usingen = t.ctx.tenants.bySlug("usingen")!.id;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!.id;
});
after(() => t.close());

const search = (query: string, headers: Record<string, string> = {}) => t.app.inject({ url: `/usingen/suche?${query}`, headers });
const qs = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};
const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
/** The result list items: [kind line, link, excerpt] of each hit. */
const hitsOf = (html: string) => [...(/<ol class="search-results">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? "").matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
const hrefs = (html: string) => hitsOf(html).map((li) => /href="([^"]+)"/.exec(li)?.[1]);

/** One h1 first, no skipped heading levels (what the axe crawl checks too). */
function assertHeadings(html: string, where: string): void {
  const levels = [...main(html).matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
  assert.equal(levels.filter((l) => l === 1).length, 1, `${where}: exactly one h1`);
  assert.equal(levels[0], 1, `${where}: the h1 comes first`);
  for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `${where}: h${levels[i]} follows h${levels[i - 1]}`);
}

test("the module is registered in src/modules/index.ts", () => {
  assert.ok(modules.includes(sitesearchModule));
});

test("a service is found by another word form: 'Hunde' finds the Hundesteuer, highlighted", async () => {
  const res = await search(qs({ q: "Hunde" }));
  assert.equal(res.statusCode, 200);
  assertHeadings(res.body, "results");
  assert.match(res.body, /<form method="get" action="\/usingen\/suche" class="site-search" role="search"/);
  const hit = hitsOf(res.body).find((li) => li.includes('href="/usingen/dienste/hund-anmelden"'));
  assert.ok(hit, "Hund anmelden (Hundesteuer) is a hit");
  assert.match(hit, /Online-Dienste und Leistungen/);
  assert.match(hit, /<mark>Hundesteuer<\/mark>/);
  const count = /<h2 class="kern-heading-medium" id="treffer">(\d+) Treffer für „Hunde“<\/h2>/.exec(res.body);
  assert.ok(count, "the count is announced in a heading");
  assert.equal(Number(count[1]), hitsOf(res.body).length);
  assert.match(res.body, new RegExp(`<title>Suche: ${count[1]} Treffer für „Hunde“`));
  // the same URL again comes from the render cache
  assert.equal((await search(qs({ q: "Hunde" }))).headers.etag, res.headers.etag);
});

test("the public council paper is found by 'Bebauungspläne' with <mark>; the kind filter narrows to one kind", async () => {
  const paperUrl = `/usingen/rat/vorlagen/${f.publicPaper}`;
  const all = await search(qs({ q: "Bebauungspläne" }));
  assert.equal(all.statusCode, 200);
  const paper = hitsOf(all.body).find((li) => li.includes(`href="${paperUrl}"`));
  assert.ok(paper, "the public paper is a hit");
  assert.match(paper, /Vorlagen/);
  assert.match(paper, /<mark>Bebauungsplan<\/mark>/);
  assert.ok(paper.includes("Hollerbusch"), PUBLIC_TITLE);
  assert.ok(hrefs(all.body).some((u) => u?.startsWith(`/usingen/rat/sitzungen/${f.meeting}#top-`)), "its agenda item is a hit too");

  const onlyPapers = await search(qs({ q: "Bebauungspläne", art: "council.paper" }));
  assert.equal(onlyPapers.statusCode, 200);
  const kinds = hitsOf(onlyPapers.body).map((li) => /<p class="kern-body kern-body--small">([^<,]+)/.exec(li)?.[1]);
  assert.ok(kinds.length > 0);
  assert.deepEqual([...new Set(kinds)], ["Vorlagen"]);
  assert.ok(hrefs(onlyPapers.body).includes(paperUrl));
  assert.match(onlyPapers.body, /<input class="kern-form-check__checkbox" type="checkbox" id="[^"]+" name="art" value="council.paper" checked>/, "the chosen kind stays ticked");

  const twoKinds = await search(qs({ q: "Bebauungspläne", art: ["council.paper", "council.agendaItem"] }));
  assert.deepEqual(new Set(hitsOf(twoKinds.body).map((li) => /<p class="kern-body kern-body--small">([^<,]+)/.exec(li)?.[1])), new Set(["Vorlagen", "Tagesordnungspunkte"]));

  const noServices = await search(qs({ q: "Bebauungspläne", art: "service" }));
  assert.equal(hitsOf(noServices.body).length, 0);
  assert.match(noServices.body, /Keine Treffer für „Bebauungspläne“/);
  assert.ok(noServices.body.includes(`href="/usingen/suche?q=Bebauungspl%C3%A4ne"`), "a tip links to the search without the filter");
});

test("the non-public paper and the Magistrat's paper are never found, also not for a logged-in council member", async () => {
  const member = await loginStaff(t.app, MEMBER_LOGIN.email, MEMBER_LOGIN.password);
  for (const headers of [{}, { cookie: member.cookie }] as Record<string, string>[]) {
    for (const q of ["Grundstücksangelegenheit", "Geheim", "Zitronenfalter", "Kaufvertrag", "Personalangelegenheit", "Vertraulich", "Flur 7 Verkauf"]) {
      const res = await search(qs({ q }), headers);
      assert.equal(res.statusCode, 200, q);
      for (const secret of [SECRET_TITLE, f.secretPaper, f.secretItem, f.magistratPaper, f.magistratMeeting, "Personalangelegenheit Bauhof"]) {
        assert.ok(!main(res.body).includes(secret), `${q}: ${secret} not on the page`);
      }
      assert.equal(hitsOf(res.body).length, 0, `${q}: no hits`);
    }
  }
  const logged = await search(qs({ q: "Bebauungsplan" }), { cookie: member.cookie });
  assert.match(logged.body, /Die Suche findet nur öffentliche Inhalte/);
});

test("another municipality's documents are never found; a type no module registered is never shown", async () => {
  await index.upsert({ tenantId: neuAnspach, type: "publishing.news", id: "na-1", title: "Quastenflosser im Weiher", body: "Nur in Neu-Anspach.", url: "/neu-anspach/aktuelles/na-1" });
  await index.upsert({ tenantId: usingen, type: "internal.draft", id: "x-1", title: "Quastenflosser Entwurf", body: "Ein Typ, den kein Modul als öffentlich angemeldet hat.", url: "/usingen/intern/x-1" });
  await t.ctx.versions.bump(tenantScope(usingen));
  await t.ctx.versions.bump(tenantScope(neuAnspach));
  const inUsingen = await search(qs({ q: "Quastenflosser" }));
  assert.equal(inUsingen.statusCode, 200);
  assert.equal(hitsOf(inUsingen.body).length, 0);
  assert.ok(!inUsingen.body.includes("/neu-anspach/aktuelles/na-1"));
  assert.ok(!inUsingen.body.includes("/usingen/intern/x-1"));
  assert.match(inUsingen.body, /Keine Treffer für „Quastenflosser“/);
  const inNeuAnspach = await t.app.inject({ url: `/neu-anspach/suche?${qs({ q: "Quastenflosser" })}` });
  assert.deepEqual(hrefs(inNeuAnspach.body), ["/neu-anspach/aktuelles/na-1"], "found where it belongs (so the Usingen miss is the tenant rule)");
});

test("publishing items: shown with their kind label and date, gone after remove (content version, or the page's lifetime)", async () => {
  const before = await search(qs({ q: "Kerbeumzug" }));
  assert.equal(hitsOf(before.body).length, 0);
  await index.upsert({ tenantId: usingen, type: "publishing.news", id: "n-1", title: "Kerbeumzug 2026", body: "Der Kerbeumzug zieht am Samstag durch die Altstadt.", url: "/usingen/aktuelles/n-1", date: "2026-11-20" });
  await index.upsert({ tenantId: usingen, type: "publishing.announcement", id: "a-1", title: "Bekanntmachung zum Kerbeumzug", body: "Straßensperrungen wegen der Kerbeumzüge.", url: "/usingen/bekanntmachungen/a-1", date: "2026-11-02" });
  await t.ctx.versions.bump(tenantScope(usingen)); // what the publishing module does with every publication
  const found = await search(qs({ q: "Kerbeumzug" }));
  const items = hitsOf(found.body);
  const news = items.find((li) => li.includes('href="/usingen/aktuelles/n-1"'));
  const announcement = items.find((li) => li.includes('href="/usingen/bekanntmachungen/a-1"'));
  assert.ok(news && announcement);
  assert.match(news, /Aktuelles, <time dateTime="2026-11-20">20\. November 2026<\/time>/);
  assert.match(news, /<mark>Kerbeumzug<\/mark> 2026/);
  assert.match(announcement, /Amtliche Bekanntmachungen, <time dateTime="2026-11-02">2\. November 2026<\/time>/);
  assert.match(announcement, /<mark>Kerbeumzüge<\/mark>/, "another word form highlighted in the excerpt");
  assert.match(found.body, /Davon: Aktuelles 1, Amtliche Bekanntmachungen 1/);
  const onlyNews = await search(qs({ q: "Kerbeumzug", art: "publishing.news" }));
  assert.deepEqual(hrefs(onlyNews.body), ["/usingen/aktuelles/n-1"]);

  await index.remove(usingen, "publishing.announcement", "a-1");
  await t.ctx.versions.bump(tenantScope(usingen));
  assert.deepEqual(hrefs((await search(qs({ q: "Kerbeumzug" }))).body), ["/usingen/aktuelles/n-1"]);

  // a removal by a background job without a version bump: the cached page lives at most 5 minutes
  await index.remove(usingen, "publishing.news", "n-1");
  assert.deepEqual(hrefs((await search(qs({ q: "Kerbeumzug" }))).body), ["/usingen/aktuelles/n-1"], "still the cached page");
  t.clock.advance(5 * 60 * 1000 + 1);
  const gone = await search(qs({ q: "Kerbeumzug" }));
  assert.equal(hitsOf(gone.body).length, 0);
  assert.match(gone.body, /Keine Treffer für „Kerbeumzug“/);
  assert.match(gone.body, /Prüfen Sie die Schreibweise/);
});

test(`at most ${MAX_HITS} hits, with a note when there are more`, async () => {
  for (let i = 0; i < MAX_HITS + 3; i++) {
    await index.upsert({ tenantId: usingen, type: "publishing.news", id: `m-${i}`, title: `Weihnachtsmarkt Nachricht ${i}`, body: "Vom Weihnachtsmarkt.", url: `/usingen/aktuelles/m-${i}` });
  }
  await t.ctx.versions.bump(tenantScope(usingen));
  const res = await search(qs({ q: "Weihnachtsmärkte" }));
  assert.equal(hitsOf(res.body).length, MAX_HITS);
  assert.match(res.body, new RegExp(`<h2 class="kern-heading-medium" id="treffer">Mehr als ${MAX_HITS} Treffer für „Weihnachtsmärkte“</h2>`));
  assert.match(res.body, new RegExp(`Es werden die ${MAX_HITS} besten Treffer gezeigt`));
  for (let i = 0; i < MAX_HITS + 3; i++) await index.remove(usingen, "publishing.news", `m-${i}`);
  await t.ctx.versions.bump(tenantScope(usingen));
});

test("bad input is a 422 with a German message at the field; an empty query is the form with a hint", async () => {
  const long = await search(qs({ q: "Hund ".repeat(41) + "x" }));
  assert.equal(long.statusCode, 422);
  assert.equal(long.headers["cache-control"], "private, no-store");
  assertHeadings(long.body, "422 long");
  assert.match(long.body, /Bitte prüfen Sie Ihre Angaben/);
  assert.match(long.body, /<a class="kern-link" href="#q">Der Suchbegriff ist zu lang\. Bitte verwenden Sie höchstens 200 Zeichen\.<\/a>/);
  assert.match(long.body, /<p class="kern-error" id="q-fehler" role="alert">/);
  assert.match(long.body, /aria-describedby="q-hinweis q-fehler" aria-invalid="true"/);

  const kind = await search(qs({ q: "Hund", art: ["service", "gibt.es.nicht"] }));
  assert.equal(kind.statusCode, 422);
  assert.match(kind.body, /<a class="kern-link" href="#art">Diese Art von Inhalten gibt es nicht\. Bitte wählen Sie eine Art aus der Liste\.<\/a>/);
  assert.match(kind.body, /id="art"/, "the summary's link has a target");
  assert.equal(hitsOf(kind.body).length, 0, "no search on invalid input");

  const twoQueries = await search(qs({ q: ["Hund", "Katze"] }));
  assert.equal(twoQueries.statusCode, 422);

  for (const query of ["", "q=", "q=%20%20", "art=service"]) {
    const empty = await search(query);
    assert.equal(empty.statusCode, 200, query);
    assert.match(empty.body, /Bitte geben Sie einen Suchbegriff ein\./, query);
    assert.ok(!empty.body.includes('id="treffer"'), query);
    assertHeadings(empty.body, `empty ${query}`);
  }

  const stopWords = await search(qs({ q: "der die das" }));
  assert.equal(stopWords.statusCode, 200);
  assert.match(stopWords.body, /nur aus sehr häufigen Wörtern/);

  const script = await search(qs({ q: "<script>alert(1)</script>" }));
  assert.equal(script.statusCode, 200);
  assert.ok(!script.body.includes("<script>alert(1)"), "the query is escaped");
  assert.ok(script.body.includes("&lt;script&gt;alert(1)"));
});

test("the home page has the search box first, and the navigation has 'Suche'", async () => {
  const home = await t.app.inject({ url: "/usingen/" });
  assert.equal(home.statusCode, 200);
  assertHeadings(home.body, "home");
  const body = main(home.body);
  const section = /<section aria-labelledby="([^"]+)" class="home-current"><h2 class="kern-heading-medium" id="\1">Suche im Rathaus<\/h2>([\s\S]*?)<\/section>/.exec(body);
  assert.ok(section, "a section 'Suche im Rathaus'");
  assert.ok(body.indexOf("Suche im Rathaus") < body.indexOf("Nächste Sitzungen"), "the search comes before the other sections");
  assert.match(section[2]!, /<form method="get" action="\/usingen\/suche" class="site-search" role="search" aria-label="Rathaus durchsuchen">/);
  assert.match(section[2]!, /<label class="kern-label" for="startseite-suche">Suchbegriff<\/label>/);
  assert.match(section[2]!, /<input class="kern-form-input__input" type="search" id="startseite-suche" name="q"/);
  assert.match(home.body, /<a[^>]*href="\/usingen\/suche"[^>]*>Suche</, "navigation entry");
  const neuAnspachHome = await t.app.inject({ url: "/neu-anspach/" });
  assert.match(neuAnspachHome.body, /action="\/neu-anspach\/suche"/);
});

test("an unknown municipality is a 404", async () => {
  const res = await t.app.inject({ url: `/nirgendwo/suche?${qs({ q: "Hund" })}` });
  assert.equal(res.statusCode, 404);
});
