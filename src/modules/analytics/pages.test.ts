import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { createTestApp, form, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { berlinToInstant } from "../../platform/clock.js";
import type { Tenant } from "../../platform/tenancy.js";
import { analyticsService } from "./index.js";

/**
 * The statistics pages over HTTP: guards, the report with hand-computed figures of a small
 * fixture, the period form, the CSV export, the chart and its table, area rules, settings, the
 * public page and Do Not Track.
 *
 * Fixture (each group on one day, every group with its own addresses, so visitors add up):
 *   10.10.2025  Startseite 50 views / 20 visitors, Ratsinformation 30/10, Meldewesen 7/3,
 *               Ordnungsamt 5/5, Sonstige 8/4                       = 100 views, 42 visitors
 *   12.11.2025  Startseite 40/16, Ratsinformation 20/8, Meldewesen 10/5, Ordnungsamt 9/3,
 *               Abfallentsorgung 5/5, Sonstige 16/8                 = 100 views, 45 visitors
 * Over both months: Startseite 90 (45,0 %), Ratsinformation 50 (25,0 %), Digitales Rathaus 36
 * (18,0 %; 21 visitors), Sonstige 24 (12,0 %); the Digitales Rathaus doubled from 12 to 24.
 * Later tests count their views in September 2025, outside the fixture's months and outside the
 * public page's twelve months (November 2025 to October 2026 on the test clock).
 */

let t: TestApp;
let usingen: Tenant;
let neuAnspach: Tenant;
let statistik: { cookie: string; csrf: string };
let redaktion: { cookie: string; csrf: string };
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const BASE = "/usingen/verwaltung/statistik";
const a = () => analyticsService(t.ctx);

async function settle(): Promise<void> {
  await a().recorder.flush();
  await t.ctx.jobs.runDue(500);
  await a().rollUp();
}

/** `views` page views of `path` on a Berlin day from `visitors` addresses (round robin). */
function feed(path: string, day: string, views: number, visitors: number, ipBase: string, referer?: string): void {
  for (let i = 0; i < views; i++) {
    a().recorder.record({ tenantId: usingen.id, slug: "usingen", path, at: berlinToInstant(day, 10, i % 60), ip: `${ipBase}.${i % visitors}`, userAgent: FIREFOX, referer: i === 0 ? referer : undefined, host: "localhost", optOut: false });
  }
}

const get = (url: string, cookie?: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers: { ...headers, ...(cookie ? { cookie } : {}) } });
const post = (url: string, fields: Record<string, string>, who?: { cookie: string; csrf: string }) =>
  t.app.inject({ method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded", ...(who ? { cookie: who.cookie } : {}) }, payload: form({ ...(who ? { _csrf: who.csrf } : {}), ...fields }) });

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();

/** The rows (cells as text) of the table with a caption starting with `caption`. */
function tableRows(html: string, caption: string, part: "tbody" | "tfoot" = "tbody"): string[][] {
  const tables = html.split("<table").slice(1).map((x) => x.slice(0, x.indexOf("</table>")));
  const table = tables.find((x) => text(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(x)?.[1] ?? "").startsWith(caption));
  assert.ok(table, `no table "${caption}"`);
  const body = new RegExp(`<${part}[^>]*>([\\s\\S]*?)</${part}>`).exec(table)![1]!;
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]!)));
}

function fieldError(res: LightMyRequestResponse, field: string): string {
  const m = new RegExp(`id="${field}-fehler"[^>]*>([\\s\\S]*?)</p>`).exec(res.body);
  assert.ok(m, `no error at field ${field} (status ${res.statusCode})`);
  return text(m[1]!);
}

before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" });
  usingen = t.ctx.tenants.bySlug("usingen")!;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!;
  const s = await t.ctx.accounts.create({ email: "statistik.test@usingen.example", name: "Statistik Usingen", password: "Statistik-Test-2026" });
  await t.ctx.accounts.grantRole(s, usingen.id, "statistik", null);
  const r = await t.ctx.accounts.create({ email: "redaktion.stat@usingen.example", name: "Redaktion Usingen", password: "Redaktion-Test-2026" });
  await t.ctx.accounts.grantRole(r, usingen.id, "redaktion", null);
  statistik = await loginStaff(t.app, "statistik.test@usingen.example", "Statistik-Test-2026");
  redaktion = await loginStaff(t.app, "redaktion.stat@usingen.example", "Redaktion-Test-2026");

  feed("/usingen/", "2025-10-10", 50, 20, "10.1.1", "https://www.google.de/search?q=usingen");
  feed("/usingen/rat/sitzungen", "2025-10-10", 30, 10, "10.1.2");
  feed("/usingen/dienste/bereich/meldewesen", "2025-10-10", 7, 3, "10.1.3");
  feed("/usingen/dienste/bereich/ordnungsamt", "2025-10-10", 5, 5, "10.1.4");
  feed("/usingen/irgendwo", "2025-10-10", 8, 4, "10.1.5");
  feed("/usingen/", "2025-11-12", 40, 16, "10.2.1");
  feed("/usingen/rat/sitzungen", "2025-11-12", 20, 8, "10.2.2");
  feed("/usingen/dienste/bereich/meldewesen", "2025-11-12", 10, 5, "10.2.3");
  feed("/usingen/dienste/bereich/ordnungsamt", "2025-11-12", 9, 3, "10.2.4");
  feed("/usingen/dienste/bereich/abfall", "2025-11-12", 5, 5, "10.2.5");
  feed("/usingen/irgendwo", "2025-11-12", 16, 8, "10.2.6");
  await settle();
});
after(async () => t?.close());

const PERIOD = "?von=01.10.2025&bis=30.11.2025";

test("guards: anonymous → login, another role or town → 403, the Statistik role → 200", async () => {
  for (const path of [BASE, `${BASE}.csv${PERIOD}`, `${BASE}/bereiche`, `${BASE}/einstellungen`]) {
    const anon = await get(path);
    assert.equal(anon.statusCode, 303, path);
    assert.match(String(anon.headers.location), /^\/verwaltung\/anmelden\?weiter=/);
    assert.equal((await get(path, redaktion.cookie)).statusCode, 403, `redaktion at ${path}`);
    assert.equal((await get(path, statistik.cookie)).statusCode, 200, `statistik at ${path}`);
  }
  assert.equal((await post(`${BASE}/bereiche`, { pfad: "x", bereich: "X" })).statusCode, 403, "anonymous POST");
  assert.equal((await post(`${BASE}/einstellungen`, { tage: "7" }, redaktion)).statusCode, 403, "another role may not change settings");
  const na = DEMO_ACCOUNTS.find((x) => x.email === "verwaltung@neu-anspach.example")!;
  const naAdmin = await loginStaff(t.app, na.email, na.password);
  assert.equal((await get(BASE, naAdmin.cookie)).statusCode, 403, "another town's administration");
  assert.equal((await get("/neu-anspach/verwaltung/statistik", statistik.cookie)).statusCode, 403, "the role counts in its own town only");
  // the session's CSRF token is required
  assert.equal((await post(`${BASE}/einstellungen`, { _csrf: "falsch", tage: "7" }, { cookie: statistik.cookie, csrf: "falsch" })).statusCode, 403);
});

test("the report shows the hand-computed figures: totals, shares, ranks, sub-areas, month change, summary", async () => {
  const res = await get(`${BASE}${PERIOD}`, statistik.cookie);
  assert.equal(res.statusCode, 200);
  const body = text(res.body);
  assert.match(body, /Seitenaufrufe 200 Besuche 87/);
  assert.deepEqual(tableRows(res.body, "Seitenaufrufe nach Bereich"), [
    ["1", "Startseite", "90", "45,0 %", "36"],
    ["2", "Ratsinformation", "50", "25,0 %", "18"],
    ["3", "Digitales Rathaus", "36", "18,0 %", "21"],
    ["4", "Sonstige", "24", "12,0 %", "12"],
  ]);
  assert.deepEqual(tableRows(res.body, "Seitenaufrufe nach Bereich", "tfoot"), [["", "Alle Seiten", "200", "100,0 %", "87"]]);
  assert.deepEqual(tableRows(res.body, "Unterbereiche von „Digitales Rathaus“"), [
    ["Meldewesen", "17", "8,5 %", "47,2 %", "8"],
    ["Ordnungsamt", "14", "7,0 %", "38,9 %", "8"],
    ["Abfallentsorgung", "5", "2,5 %", "13,9 %", "5"],
  ]);
  assert.deepEqual(tableRows(res.body, "Seitenaufrufe im November 2025 und im Oktober 2025"), [
    ["Alle Seiten", "100", "100", "0", "0,0 %"],
    ["Startseite", "50", "40", "−10", "−20,0 %"],
    ["Ratsinformation", "30", "20", "−10", "−33,3 %"],
    ["Digitales Rathaus", "12", "24", "+12", "+100,0 %"],
    ["Sonstige", "8", "16", "+8", "+100,0 %"],
  ]);
  assert.ok(
    body.includes(
      "Vom 01.10.2025 bis 30.11.2025 wurde der Bereich „Digitales Rathaus“ 36-mal aufgerufen (21 Besuche). " +
        "Das sind 18,0 % aller 200 Seitenaufrufe der Website der Stadt Usingen. " +
        "Damit ist „Digitales Rathaus“ nach „Startseite“ und „Ratsinformation“ der am häufigsten besuchte Bereich (Rang 3 von 4). " +
        "Am meisten genutzt wurden Meldewesen, Ordnungsamt und Abfallentsorgung. " +
        "Im November 2025 wurde der Bereich 24-mal aufgerufen, 12-mal häufiger als im Oktober 2025 (+100,0 %).",
    ),
    "the summary about the Digitales Rathaus (the default area)",
  );
  assert.match(res.body, /<option value="Digitales Rathaus" selected>/);
  assert.deepEqual(tableRows(res.body, "Verweisende Websites"), [["google.de", "1", "0,5 %"]]);
  assert.deepEqual(tableRows(res.body, "Die 6 meistbesuchten Seiten").map((r) => [r[0], r[1], r[2], r[3]]), [
    ["/usingen/", "Startseite", "90", "36"],
    ["/usingen/rat/sitzungen", "Ratsinformation", "50", "18"],
    ["/usingen/irgendwo", "Sonstige", "24", "12"],
    ["/usingen/dienste/bereich/meldewesen", "Digitales Rathaus – Meldewesen", "17", "8"],
    ["/usingen/dienste/bereich/ordnungsamt", "Digitales Rathaus – Ordnungsamt", "14", "8"],
    ["/usingen/dienste/bereich/abfall", "Digitales Rathaus – Abfallentsorgung", "5", "5"],
  ]);

  // another area for the summary
  const rat = await get(`${BASE}${PERIOD}&bereich=Ratsinformation`, statistik.cookie);
  assert.equal(rat.statusCode, 200);
  assert.match(text(rat.body), /Das sind 25,0 % aller 200 Seitenaufrufe der Website der Stadt Usingen\. Damit ist „Ratsinformation“ nach „Startseite“ der am häufigsten besuchte Bereich \(Rang 2 von 4\)\./);

  // a period without a complete month pair says so
  const short = await get(`${BASE}?von=05.11.2025&bis=30.11.2025`, statistik.cookie);
  assert.match(text(short.body), /Der Zeitraum enthält keine zwei aufeinanderfolgenden vollständigen Kalendermonate/);
  assert.match(text(short.body), /Seitenaufrufe 100 Besuche 45/);
});

test("the default period is the last 30 days; the presets link to their periods", async () => {
  const res = await get(BASE, statistik.cookie);
  assert.equal(res.statusCode, 200);
  // the clock says 27.11.2026
  assert.match(res.body, /name="von"[^>]*value="29\.10\.2026"/);
  assert.match(res.body, /name="bis"[^>]*value="27\.11\.2026"/);
  assert.match(res.body, /href="\/usingen\/verwaltung\/statistik\?von=01\.10\.2026&amp;bis=31\.10\.2026[^"]*"[^>]*>Letzter Monat/);
  assert.match(res.body, /href="\/usingen\/verwaltung\/statistik\?von=10\.10\.2025&amp;bis=27\.11\.2026[^"]*"[^>]*>Seit Beginn der Zählung/);
  assert.match(res.body, /aria-current="true"><strong>Letzte 30 Tage/);
});

test("a bad period or area is refused with 422 and a message at the field", async () => {
  const cases: [string, string, RegExp][] = [
    ["?von=31.02.2025&bis=30.11.2025", "von", /TT\.MM\.JJJJ/],
    ["?von=01.10.2025&bis=irgendwann", "bis", /TT\.MM\.JJJJ/],
    ["?von=01.12.2025&bis=30.11.2025", "von", /vor dem Ende/],
    ["?von=01.10.2026&bis=28.11.2026", "bis", /nicht nach heute \(27\.11\.2026\)/],
    [`${PERIOD}&bereich=Gibt-es-nicht`, "bereich", /aus der Liste/],
  ];
  for (const [q, field, message] of cases) {
    const res = await get(`${BASE}${q}`, statistik.cookie);
    assert.equal(res.statusCode, 422, q);
    assert.match(fieldError(res, field), message, q);
    assert.match(res.body, new RegExp(`href="#${field}"`), "the error summary links to the field");
    assert.doesNotMatch(res.body, /Seitenaufrufe nach Bereich/, "no figures for a refused period");
  }
  assert.equal((await get(`${BASE}.csv?von=31.02.2025&bis=30.11.2025`, statistik.cookie)).statusCode, 422);
});

test("the chart has a title and a description, and its table has the same numbers", async () => {
  const res = await get(`${BASE}${PERIOD}`, statistik.cookie);
  const svg = /<svg[^>]*role="img"[^>]*>([\s\S]*?)<\/svg>/.exec(res.body);
  assert.ok(svg, "an SVG with role=img");
  assert.match(svg[0], /aria-labelledby="verlauf-diagramm-titel"/);
  assert.equal(text(/<title[^>]*>([\s\S]*?)<\/title>/.exec(svg[1]!)![1]!), "Seitenaufrufe und Besuche pro Tag, vom 01.10.2025 bis 30.11.2025");
  const desc = text(/<desc[^>]*>([\s\S]*?)<\/desc>/.exec(svg[1]!)![1]!);
  assert.equal(
    desc,
    "Insgesamt 200 Seitenaufrufe und 87 Besuche in 61 Tagen. Höchster Wert: 100 Seitenaufrufe am 10.10.2025. " +
      "Niedrigster Wert: 0 Seitenaufrufe (an 59 Tagen, zuerst am 01.10.2025). Die meisten Besuche an einem Tag: 45 am 12.11.2025.",
  );
  const rows = tableRows(res.body, "Seitenaufrufe und Besuche pro Tag");
  assert.equal(rows.length, 61, "one row per day of the period");
  assert.deepEqual(rows.filter((r) => r[1] !== "0"), [["10.10.2025", "100", "42"], ["12.11.2025", "100", "45"]]);
  assert.deepEqual(tableRows(res.body, "Seitenaufrufe und Besuche pro Tag", "tfoot"), [["Summe", "200", "87"]]);
  const bars = [...svg[1]!.matchAll(/class="analytics-chart__bar"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(bars.length, 2, "a bar for each day with views");
  assert.equal(bars[0], bars[1], "equal views, equal bars");
  assert.match(res.body, /<details[^>]*>\s*<summary/);
});

test("the CSV parses back: BOM, semicolons, CRLF, the report's numbers", async () => {
  const res = await get(`${BASE}.csv${PERIOD}`, statistik.cookie);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /^text\/csv; charset=utf-8/);
  assert.equal(res.headers["content-disposition"], 'attachment; filename="statistik-usingen-2025-10-01-bis-2025-11-30.csv"');
  assert.equal(res.rawPayload.subarray(0, 3).toString("hex"), "efbbbf", "UTF-8 byte order mark");
  const csv = res.rawPayload.subarray(3).toString("utf8");
  assert.ok(csv.endsWith("\r\n"));
  assert.ok(!/[^\r]\n/.test(csv), "every line ends with CRLF");
  const lines = csv.slice(0, -2).split("\r\n").map((l) => l.split(";"));
  assert.deepEqual(lines[0], ["Art", "Bereich", "Unterbereich", "Merkmal", "Seitenaufrufe", "Besuche", "Anteil in %"]);
  assert.ok(lines.every((l) => l.length === 7), "seven cells in every row");
  const of = (art: string) => lines.filter((l) => l[0] === art);
  assert.deepEqual(of("Gesamt"), [["Gesamt", "", "", "01.10.2025 bis 30.11.2025", "200", "87", "100,0"]]);
  assert.deepEqual(of("Bereich").map((l) => [l[1], l[4], l[5], l[6]]), [["Startseite", "90", "36", "45,0"], ["Ratsinformation", "50", "18", "25,0"], ["Digitales Rathaus", "36", "21", "18,0"], ["Sonstige", "24", "12", "12,0"]]);
  assert.deepEqual(of("Unterbereich").map((l) => [l[1], l[2], l[4], l[5], l[6]]), [["Digitales Rathaus", "Meldewesen", "17", "8", "8,5"], ["Digitales Rathaus", "Ordnungsamt", "14", "8", "7,0"], ["Digitales Rathaus", "Abfallentsorgung", "5", "5", "2,5"]]);
  assert.deepEqual(of("Herkunft"), [["Herkunft", "", "", "google.de", "1", "", "0,5"]]);
  assert.deepEqual(of("Geräteart"), [["Geräteart", "", "", "Desktop", "200", "", "100,0"]]);
  const days = of("Tag");
  assert.equal(days.length, 61);
  assert.equal(days.reduce((n, l) => n + Number(l[4]), 0), 200);
  assert.deepEqual(days.find((l) => l[3] === "12.11.2025"), ["Tag", "", "", "12.11.2025", "100", "45", ""]);
});

test("the CSV guards against formulas in area names", async () => {
  const add = await post(`${BASE}/bereiche`, { pfad: "formel", bereich: "=2+3", unterbereich: "@x" }, statistik);
  assert.equal(add.statusCode, 303);
  feed("/usingen/formel/test", "2025-09-05", 1, 1, "10.3.1");
  await settle();
  const csv = (await get(`${BASE}.csv?von=05.09.2025&bis=05.09.2025`, statistik.cookie)).rawPayload.subarray(3).toString("utf8");
  assert.match(csv, /\r\nBereich;'=2\+3;;;1;1;100,0\r\n/);
  assert.match(csv, /\r\nUnterbereich;'=2\+3;'@x;;1;1;100,0\r\n/);
  assert.match(csv, /\r\nSeite;'=2\+3;'@x;\/usingen\/formel\/test;1;1;100,0\r\n/);
  assert.doesNotMatch(csv, /(^|;)[=+@-]/m, "no cell starts with a formula character");
});

test("area rules: added and removed through the page, they change how new views are counted", async () => {
  const page = await get(`${BASE}/bereiche`, statistik.cookie);
  assert.match(text(page.body), /Ein Seitenaufruf zählt für die Regel mit dem längsten passenden Pfad; Ihre Regeln gehen vor\. Aufrufe ohne Regel zählen als „Sonstige“\. Neue Regeln gelten für neue Aufrufe\./);
  assert.ok(tableRows(page.body, "Voreingestellte Regeln").some((r) => r[0] === "/usingen/rat" && r[1] === "Ratsinformation"), "the modules' defaults are listed");

  // a whole address is understood as the path relative to the town
  const add = await post(`${BASE}/bereiche`, { pfad: "http://localhost/usingen/aktuelles/corona", bereich: "Corona", unterbereich: "" }, statistik);
  assert.equal(add.statusCode, 303);
  assert.equal(add.headers.location, `${BASE}/bereiche?hinweis=regel-angelegt`);
  const listed = await get(`${BASE}/bereiche?hinweis=regel-angelegt`, statistik.cookie);
  assert.match(text(listed.body), /Die Regel ist angelegt/);
  assert.deepEqual(tableRows(listed.body, "Eigene Regeln").find((r) => r[1] === "Corona")?.slice(0, 3), ["/usingen/aktuelles/corona", "Corona", "–"]);
  feed("/usingen/aktuelles/corona-regeln", "2025-09-10", 1, 1, "10.4.1");
  await settle();
  assert.deepEqual((await a().report(usingen.id, "2025-09-10", "2025-09-10")).areas.map((x) => x.area), ["Corona"]);

  const refused: [Record<string, string>, string, RegExp][] = [
    [{ pfad: "aktuelles/corona", bereich: "Noch einmal" }, "pfad", /schon eine Regel/],
    [{ pfad: "", bereich: "Leer" }, "pfad", /Anfang des Pfads/],
    [{ pfad: "mit leerzeichen", bereich: "X" }, "pfad", /ohne Leerzeichen/],
    [{ pfad: "ohne-bereich", bereich: "  " }, "bereich", /Namen des Bereichs/],
    [{ pfad: "lang", bereich: "X", unterbereich: "u".repeat(81) }, "unterbereich", /höchstens 80 Zeichen/],
  ];
  for (const [fields, field, message] of refused) {
    const res = await post(`${BASE}/bereiche`, { unterbereich: "", ...fields }, statistik);
    assert.equal(res.statusCode, 422, JSON.stringify(fields));
    assert.match(fieldError(res, field), message);
    assert.match(res.body, new RegExp(`name="pfad"[^>]*value="${fields.pfad!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`), "the input is kept");
  }
  assert.equal((await a().store.rules(usingen.id)).filter((r) => r.area === "Corona").length, 1, "nothing half-written");

  const id = (await a().store.rules(usingen.id)).find((r) => r.area === "Corona")!.id;
  const removed = await post(`${BASE}/bereiche/${id}/entfernen`, {}, statistik);
  assert.equal(removed.statusCode, 303);
  assert.equal(removed.headers.location, `${BASE}/bereiche?hinweis=regel-entfernt`);
  feed("/usingen/aktuelles/corona-regeln", "2025-09-11", 1, 1, "10.4.2");
  await settle();
  assert.deepEqual((await a().report(usingen.id, "2025-09-11", "2025-09-11")).areas.map((x) => x.area), ["Aktuelles"], "without the rule the default counts again");
  const audit = (await t.ctx.audit.list({ limit: 200 })).filter((e) => e.object?.id === id).map((e) => e.action);
  assert.deepEqual(audit.sort(), ["analytics.rule.add", "analytics.rule.remove"]);
});

test("another town's rule cannot be removed (404), nor a made-up id", async () => {
  const foreign = await a().addRule(neuAnspach.id, { prefix: "aktuelles/fremd", area: "Fremd" }, { id: "test" });
  assert.equal((await post(`${BASE}/bereiche/${foreign}/entfernen`, {}, statistik)).statusCode, 404);
  assert.equal((await post(`${BASE}/bereiche/keine-uuid/entfernen`, {}, statistik)).statusCode, 404);
  assert.ok((await a().store.rules(neuAnspach.id)).some((r) => r.id === foreign), "Neu-Anspach's rule is untouched");
});

test("settings: the public page is 404 until switched on, then 200 (cached), and 404 again after switching off", async () => {
  assert.equal((await get("/usingen/statistik")).statusCode, 404);
  const bad = await post(`${BASE}/einstellungen`, { oeffentlich: "ja", tage: "32" }, statistik);
  assert.equal(bad.statusCode, 422);
  assert.match(fieldError(bad, "tage"), /1 bis 31/);
  assert.match(bad.body, /name="oeffentlich" value="ja" checked/, "the checkbox keeps its value");
  assert.equal((await post(`${BASE}/einstellungen`, { tage: "drei" }, statistik)).statusCode, 422);
  assert.equal((await get("/usingen/statistik")).statusCode, 404, "nothing saved by a refused form");

  const ok = await post(`${BASE}/einstellungen`, { oeffentlich: "ja", tage: "14" }, statistik);
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, `${BASE}/einstellungen?hinweis=gespeichert`);
  assert.deepEqual(await a().store.settings(usingen.id), { honourOptOut: false, publicPage: true, retentionDays: 14 });
  const settingsPage = await get(`${BASE}/einstellungen?hinweis=gespeichert`, statistik.cookie);
  assert.match(text(settingsPage.body), /Diese Einzelaufrufe werden nach 14 Tagen gelöscht/);

  const pub = await get("/usingen/statistik");
  assert.equal(pub.statusCode, 200);
  assert.equal(pub.headers["set-cookie"], undefined, "no cookie for the public");
  const body = text(pub.body);
  // the clock says 27.11.2026: the twelve complete months are November 2025 to October 2026 (the fixture's November counts)
  assert.match(body, /Überblick vom 01\.11\.2025 bis 31\.10\.2026/);
  assert.match(body, /Seitenaufrufe 100 Besuche 45/);
  assert.deepEqual(tableRows(pub.body, "Seitenaufrufe nach Bereich"), [
    ["1", "Startseite", "40", "40,0 %", "16"],
    ["2", "Digitales Rathaus", "24", "24,0 %", "13"],
    ["3", "Ratsinformation", "20", "20,0 %", "8"],
    ["4", "Sonstige", "16", "16,0 %", "8"],
  ]);
  const months = tableRows(pub.body, "Seitenaufrufe und Besuche pro Monat");
  assert.equal(months.length, 12);
  assert.deepEqual(months[0], ["November 2025", "100", "45"]);
  assert.match(body, /Vom 01\.11\.2025 bis 31\.10\.2026 wurde der Bereich „Digitales Rathaus“ 24-mal aufgerufen/);
  assert.match(body, /So zählt die Statistik/);
  assert.doesNotMatch(body, /Meistbesuchte Seiten|Verweisende Websites|google\.de/, "no single pages and no referrers for the public");
  const again = await get("/usingen/statistik", undefined, { "if-none-match": String(pub.headers.etag) });
  assert.equal(again.statusCode, 304, "served from the render cache");

  assert.equal((await post(`${BASE}/einstellungen`, { tage: "14" }, statistik)).statusCode, 303);
  assert.equal((await get("/usingen/statistik")).statusCode, 404, "switched off: the cached copy is gone");
  assert.equal((await get("/neu-anspach/statistik")).statusCode, 404, "another town's page stays off");
});

test("Do Not Track: counted before the town honours it, not counted after", async () => {
  const today = a().today();
  const viewsToday = async () => (await a().report(usingen.id, today, today)).views;
  await settle();
  const start = await viewsToday();
  await get("/usingen/", undefined, { "user-agent": FIREFOX, dnt: "1" });
  await settle();
  assert.equal(await viewsToday(), start + 1, "DNT is not honoured by default");

  assert.equal((await post(`${BASE}/einstellungen`, { dnt: "ja", tage: "7" }, statistik)).statusCode, 303);
  await get("/usingen/", undefined, { "user-agent": FIREFOX, dnt: "1" });
  await get("/usingen/", undefined, { "user-agent": FIREFOX, "sec-gpc": "1" });
  await settle();
  assert.equal(await viewsToday(), start + 1, "DNT and GPC are honoured once switched on");
  await get("/usingen/", undefined, { "user-agent": FIREFOX });
  await settle();
  assert.equal(await viewsToday(), start + 2, "without the signal the view counts");
  const page = await get(`${BASE}/einstellungen`, statistik.cookie);
  assert.match(page.body, /name="dnt" value="ja" checked/);
  assert.match(text(page.body), /wird Ihr Aufruf nicht gezählt/);
});
