import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import type { Tenant } from "../../platform/tenancy.js";
import { analyticsService } from "./index.js";
import { importAccessLogs, parseCombinedLine, parseLogTime, type ImportResult } from "./import.js";

let t: TestApp;
let usingen: Tenant;
let dir: string;
before(async () => {
  t = await createTestApp();
  usingen = t.ctx.tenants.bySlug("usingen")!;
  dir = mkdtempSync(join(tmpdir(), "rathaus-accesslog-"));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** One line of the Combined Log Format. */
const line = (ip: string, stamp: string, request: string, status: number, referer: string, ua: string) => `${ip} - - [${stamp}] "${request}" ${status} 5120 "${referer}" "${ua}"`;

/**
 * Two visitors on two days (March 2026, CET = +0100): A (desktop Firefox) and B (an iPhone).
 * Counted: day 1 — A home (referrer google.de), A Meldebescheinigung (referrer is the site itself),
 * B Meldebescheinigung (304: cached by the browser, still a view); day 2 — A council meetings,
 * A home at 00:30 Berlin time, logged in UTC. Not counted: a bot, two assets, a 404, a POST, a HEAD,
 * a staff page and another town's page.
 */
const GOOD = [
  line("203.0.113.10", "10/Mar/2026:09:00:00 +0100", "GET /usingen/ HTTP/1.1", 200, "https://www.google.de/search?q=usingen", FIREFOX),
  line("203.0.113.10", "10/Mar/2026:09:01:10 +0100", "GET /usingen/dienste/meldebescheinigung?x=1 HTTP/1.1", 200, "http://localhost:3000/usingen/", FIREFOX),
  line("203.0.113.10", "10/Mar/2026:09:01:11 +0100", "GET /static/app.css?v=7 HTTP/1.1", 200, "http://localhost:3000/usingen/", FIREFOX),
  line("203.0.113.10", "10/Mar/2026:09:01:11 +0100", "GET /usingen/aktuelles/anhaenge/0194/plan.pdf HTTP/1.1", 200, "-", FIREFOX),
  line("198.51.100.20", "10/Mar/2026:14:30:00 +0100", "GET /usingen/dienste/meldebescheinigung HTTP/2.0", 304, "-", IPHONE),
  line("66.249.66.1", "10/Mar/2026:15:00:00 +0100", "GET /usingen/ HTTP/1.1", 200, "-", GOOGLEBOT),
  line("198.51.100.20", "10/Mar/2026:15:10:00 +0100", "GET /usingen/gibt-es-nicht HTTP/1.1", 404, "-", IPHONE),
  line("198.51.100.20", "10/Mar/2026:15:11:00 +0100", "POST /usingen/dienste/meldebescheinigung/antrag HTTP/1.1", 303, "-", IPHONE),
  line("198.51.100.20", "10/Mar/2026:15:12:00 +0100", "HEAD /usingen/ HTTP/1.1", 200, "-", IPHONE),
  line("198.51.100.20", "10/Mar/2026:15:13:00 +0100", "GET /usingen/verwaltung/statistik HTTP/1.1", 200, "-", IPHONE),
  line("198.51.100.20", "10/Mar/2026:15:14:00 +0100", "GET /neu-anspach/ HTTP/1.1", 200, "-", IPHONE),
  line("203.0.113.10", "11/Mar/2026:08:00:00 +0100", "GET /usingen/rat/sitzungen HTTP/1.1", 200, "-", FIREFOX),
  line("203.0.113.10", "10/Mar/2026:23:30:00 +0000", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX),
];
const BROKEN = [
  `203.0.113.10 - - [10/Mar/2026:10:00:00 +0100] "GET /usingen/ HTT`,
  line("203.0.113.10", "99/Foo/2026:25:00:00 +0100", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX),
  "\u0016\u0003\u0001 garbage that is no log line at all",
];
// the broken lines sit between the good ones, as they would in a real log
const LOG = [...GOOD.slice(0, 3), BROKEN[0]!, ...GOOD.slice(3, 8), BROKEN[1]!, ...GOOD.slice(8), BROKEN[2]!];

const a = () => analyticsService(t.ctx);

test("log lines: time with its offset, escaped quotes, absolute request targets; broken lines say why", () => {
  assert.equal(parseLogTime("10/Mar/2026:23:30:00 +0000")?.toISOString(), "2026-03-10T23:30:00.000Z");
  assert.equal(parseLogTime("10/Oct/2026:13:55:36 -0700")?.toISOString(), "2026-10-10T20:55:36.000Z");
  assert.equal(parseLogTime("31/Feb/2026:10:00:00 +0100"), undefined);
  const p = parseCombinedLine(`1.2.3.4 - - [10/Mar/2026:09:00:00 +0100] "GET http://example.de/usingen/a?b=1 HTTP/1.1" 200 - "-" "Say \\"hi\\" \\x22x\\x22" "10.0.0.1"`);
  assert.ok(!("error" in p), JSON.stringify(p));
  assert.deepEqual([p.method, p.path, p.status, p.userAgent], ["GET", "/usingen/a", 200, `Say "hi" "x"`]);
  assert.deepEqual(parseCombinedLine(BROKEN[0]!), { error: "not the Combined Log Format" });
  assert.deepEqual(parseCombinedLine(BROKEN[1]!), { error: "bad date" });
  assert.deepEqual(parseCombinedLine(`1.2.3.4 - - [10/Mar/2026:09:00:00 +0100] "GET / HTTP/1.1" 200 12`), { error: "no referrer and user agent (Common Log Format?)" });
});

test("a log with good and broken lines: exact counts, and the report shows the views and visitors per area", async () => {
  const run = await importFrom(LOG);
  assert.equal(run.lines, GOOD.length + BROKEN.length);
  assert.equal(run.counted, 5);
  assert.deepEqual(run.skipped, { assets: 2, bots: 1, status: 1, method: 2, outside: 2, late: 0 });
  assert.equal(run.malformed, 3);
  assert.equal(run.lines, run.counted + Object.values(run.skipped).reduce((x, y) => x + y, 0) + run.malformed, "every line is in exactly one count");
  assert.deepEqual(
    run.malformedSamples.map((m) => [m.line, m.reason]),
    [
      [4, "not the Combined Log Format"],
      [10, "bad date"],
      [16, "not the Combined Log Format"],
    ],
  );
  assert.deepEqual(run.days, [
    { day: "2026-03-10", views: 3, visitors: 2, outcome: "written" },
    { day: "2026-03-11", views: 2, visitors: 1, outcome: "written" },
  ]);
  assert.deepEqual([run.firstDay, run.lastDay], ["2026-03-10", "2026-03-11"]);

  const report = await a().report(usingen.id, "2026-03-10", "2026-03-11");
  assert.equal(report.views, 5);
  assert.equal(report.visitors, 3, "A on two days is two visitors, B one");
  assert.deepEqual(
    report.areas.map((x) => [x.area, x.views, x.visitors, x.rank]),
    [
      ["Digitales Rathaus", 2, 2, 1],
      ["Startseite", 2, 2, 1],
      ["Ratsinformation", 1, 1, 3],
    ],
  );
  assert.deepEqual(report.areas[0]!.subAreas.map((s) => [s.subArea, s.views, s.visitors]), [["Meldewesen", 2, 2]]);
  assert.deepEqual(report.referrers, [{ value: "google.de", views: 1 }], "the site's own address is no referrer");
  assert.deepEqual(Object.fromEntries(report.devices.map((d) => [d.value, d.views])), { desktop: 4, mobil: 1 });
  assert.deepEqual(report.daily, [
    { day: "2026-03-10", views: 3, visitors: 2 },
    { day: "2026-03-11", views: 2, visitors: 1 },
  ]);
  assert.deepEqual(
    report.topPages.map((p) => [p.path, p.views]),
    [
      ["/usingen/", 2],
      ["/usingen/dienste/meldebescheinigung", 2],
      ["/usingen/rat/sitzungen", 1],
    ],
  );
  // the line logged in UTC (23:30 +0000) is 00:30 of the next Berlin day
  const hours = await t.ctx.db.kysely
    .selectFrom("analytics_hourly")
    .select(["day", "hour", "area", "views"])
    .where("tenant_id", "=", usingen.id)
    .where("day", "in", ["2026-03-10", "2026-03-11"])
    .orderBy("day")
    .orderBy("hour")
    .orderBy("area")
    .execute();
  assert.deepEqual(
    hours.map((h) => [h.day, Number(h.hour), h.area, Number(h.views)]),
    [
      ["2026-03-10", 9, "Digitales Rathaus", 1],
      ["2026-03-10", 9, "Startseite", 1],
      ["2026-03-10", 14, "Digitales Rathaus", 1],
      ["2026-03-11", 0, "Startseite", 1],
      ["2026-03-11", 8, "Ratsinformation", 1],
    ],
  );
  // nothing raw is kept: no events, no salt, no address
  const events = await t.ctx.db.kysely.selectFrom("analytics_events").select("id").where("tenant_id", "=", usingen.id).where("day", "in", ["2026-03-10", "2026-03-11"]).execute();
  assert.equal(events.length, 0);
  const salts = await t.ctx.db.kysely.selectFrom("analytics_salts").select("day").where("day", "in", ["2026-03-10", "2026-03-11"]).execute();
  assert.equal(salts.length, 0);
});

test("a re-import without --replace is refused for days that have statistics; with --replace the days are written again", async () => {
  const again = await importFrom(LOG);
  assert.deepEqual(
    again.days.map((d) => [d.day, d.outcome]),
    [
      ["2026-03-10", "refused"],
      ["2026-03-11", "refused"],
    ],
  );
  const extra = [...LOG, line("192.0.2.99", "11/Mar/2026:12:00:00 +0100", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX)];
  await importFrom(extra);
  assert.equal((await a().report(usingen.id, "2026-03-10", "2026-03-11")).views, 5, "refused days are unchanged");
  const replaced = await importFrom(extra, { replace: true });
  assert.deepEqual(
    replaced.days.map((d) => [d.day, d.outcome, d.views, d.visitors]),
    [
      ["2026-03-10", "written", 3, 2],
      ["2026-03-11", "written", 3, 2],
    ],
  );
  const r = await a().report(usingen.id, "2026-03-10", "2026-03-11");
  assert.deepEqual([r.views, r.visitors], [6, 4]);
});

test("days with live statistics and days not yet over are refused", async () => {
  // a live view on 2026-03-20 (rolled up), and "today" of the test clock
  // (written as the write job writes a batch from the recorder)
  await a().writeEvents([{ t: usingen.id, at: "2026-03-20T10:00:00.000Z", day: "2026-03-20", hour: 11, path: "/usingen/", rel: "", ref: null, device: "desktop", browser: "Firefox", visitor: "0123456789abcdef", optOut: false }]);
  await a().rollUp();
  const run = await importFrom([line("192.0.2.2", "20/Mar/2026:11:00:00 +0100", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX), line("192.0.2.2", "27/Nov/2026:08:00:00 +0100", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX)]);
  assert.deepEqual(
    run.days.map((d) => [d.day, d.outcome, d.reason]),
    [
      ["2026-03-20", "refused", "the day already has statistics (use --replace to overwrite them)"],
      ["2026-11-27", "refused", "the day is not over yet (live counting owns it)"],
    ],
  );
  const r = await a().report(usingen.id, "2026-03-20", "2026-03-20");
  assert.equal(r.views, 1, "the live figure stays");
});

test("a day is written when the log is an hour past it; its lines after that are counted as late", async () => {
  const run = await importFrom(
    [
      line("192.0.2.3", "05/Apr/2026:23:59:58 +0200", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX),
      // logged a moment later, out of order by seconds: still its day
      line("192.0.2.4", "06/Apr/2026:00:00:05 +0200", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX),
      line("192.0.2.5", "05/Apr/2026:23:59:59 +0200", "GET /usingen/aktuelles/ HTTP/1.1", 200, "-", FIREFOX),
      line("192.0.2.4", "06/Apr/2026:02:00:00 +0200", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX),
      // hours after its day was closed (a rotated file given in the wrong order)
      line("192.0.2.6", "05/Apr/2026:12:00:00 +0200", "GET /usingen/ HTTP/1.1", 200, "-", FIREFOX),
    ],
    { dryRun: true },
  );
  assert.equal(run.skipped.late, 1);
  assert.deepEqual(
    run.days.map((d) => [d.day, d.views, d.outcome]),
    [
      ["2026-04-05", 2, "dry-run"],
      ["2026-04-06", 2, "dry-run"],
    ],
  );
  assert.equal((await a().report(usingen.id, "2026-04-05", "2026-04-06")).views, 0, "a dry run writes nothing");
});

test("--prefix /: the log of a town's old website, paths relative to the town, own rules apply", async () => {
  const rule = await a().addRule(usingen.id, { prefix: "corona", area: "Corona" }, { id: "test" });
  const file = join(dir, "old-site.log");
  writeFileSync(
    file,
    [
      line("192.0.2.7", "01/May/2026:10:00:00 +0200", "GET / HTTP/1.1", 200, "https://www.usingen.de/", FIREFOX),
      line("192.0.2.7", "01/May/2026:10:01:00 +0200", "GET /corona/regeln.html HTTP/1.1", 200, "https://www.usingen.de/", FIREFOX),
      line("192.0.2.7", "01/May/2026:10:02:00 +0200", "GET /buergerinfo/oeffnungszeiten.php HTTP/1.1", 200, "https://www.bing.com/", FIREFOX),
      line("192.0.2.7", "01/May/2026:10:02:00 +0200", "GET /images/logo.png HTTP/1.1", 200, "-", FIREFOX),
    ].join("\r\n") + "\r\n",
  );
  const run = await importAccessLogs(t.ctx, { tenant: usingen, prefix: "/", ownHosts: ["www.usingen.de"] }, [file]);
  assert.equal(run.counted, 3);
  assert.equal(run.skipped.assets, 1);
  const r = await a().report(usingen.id, "2026-05-01", "2026-05-01");
  assert.deepEqual(r.areas.map((x) => [x.area, x.views]).sort(), [["Corona", 1], ["Sonstige", 1], ["Startseite", 1]]);
  assert.deepEqual(r.referrers, [{ value: "bing.com", views: 1 }]);
  assert.deepEqual(r.topPages.map((p) => p.path).sort(), ["/usingen/", "/usingen/buergerinfo/oeffnungszeiten.php", "/usingen/corona/regeln.html"]);
  await a().removeRule(usingen.id, rule, { id: "test" });
});

async function importFrom(lines: string[], opts: { replace?: boolean; dryRun?: boolean } = {}): Promise<ImportResult> {
  const file = join(dir, `log-${Math.random().toString(16).slice(2)}.log`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return importAccessLogs(t.ctx, { tenant: usingen, ...opts }, [file]);
}
