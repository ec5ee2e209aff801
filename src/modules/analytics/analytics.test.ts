import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { analyticsService } from "./index.js";
import { changePermille, formatPermille, sharePermille } from "./report.js";
import { berlinToInstant } from "../../platform/clock.js";

let t: TestApp;
let tenantId: string;
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

before(async () => {
  t = await createTestApp();
  tenantId = t.ctx.tenants.bySlug("usingen")!.id;
});
after(async () => t?.close());

const a = () => analyticsService(t.ctx);

/** Writes everything counted so far: buffer → job queue → raw events → aggregates. */
async function settle(): Promise<void> {
  await a().recorder.flush();
  await t.ctx.jobs.runDue(500);
  await a().rollUp();
}

/** A view "served" at a Berlin wall time (directly into the recorder, as the platform's hook does). */
function view(path: string, day: string, hour: number, who: { ip: string; ua?: string; referer?: string }) {
  a().recorder.record({ tenantId, slug: "usingen", path, at: berlinToInstant(day, hour, 0), ip: who.ip, userAgent: who.ua ?? FIREFOX, referer: who.referer, host: "localhost", optOut: false });
}

test("real page requests are counted after the answer; staff pages, bots, errors and JSON are not", async () => {
  const before = a().recorder.stats.recorded;
  await t.app.inject({ url: "/usingen/", headers: { "user-agent": FIREFOX, referer: "https://www.google.de/search?q=usingen" } });
  await t.app.inject({ url: "/usingen/dienste/", headers: { "user-agent": IPHONE } });
  await t.app.inject({ url: "/usingen/", headers: { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" } });
  await t.app.inject({ url: "/usingen/gibt-es-nicht", headers: { "user-agent": FIREFOX } });
  await t.app.inject({ url: "/verwaltung/anmelden", headers: { "user-agent": FIREFOX } });
  await t.app.inject({ url: "/usingen/verwaltung/statistik", headers: { "user-agent": FIREFOX } });
  assert.equal(a().recorder.stats.recorded - before, 2);
  await settle();
  const day = a().today();
  const r = await a().report(tenantId, day, day);
  assert.equal(r.views, 2);
  assert.equal(r.visitors, 2, "the same address with two browsers is two visitors");
  const [ref] = r.referrers;
  assert.deepEqual(ref, { value: "google.de", views: 1 });
  assert.deepEqual(r.devices.map((d) => d.value).sort(), ["desktop", "mobil"]);
});

test("the same visitor on two days counts as two visitors, and the old day's salt is gone", async () => {
  view("/usingen/", "2026-09-01", 10, { ip: "203.0.113.7" });
  view("/usingen/aktuelles", "2026-09-01", 11, { ip: "203.0.113.7" });
  view("/usingen/", "2026-09-02", 9, { ip: "203.0.113.7" });
  await settle();
  const r = await a().report(tenantId, "2026-09-01", "2026-09-02");
  assert.equal(r.views, 3);
  assert.equal(r.visitors, 2);
  const hashes = await t.ctx.db.kysely.selectFrom("analytics_events").select(["day", "visitor"]).where("tenant_id", "=", tenantId).where("day", "in", ["2026-09-01", "2026-09-02"]).execute();
  const d1 = new Set(hashes.filter((h) => h.day === "2026-09-01").map((h) => h.visitor));
  const d2 = new Set(hashes.filter((h) => h.day === "2026-09-02").map((h) => h.visitor));
  assert.equal(d1.size, 1);
  assert.equal(d2.size, 1);
  assert.notDeepEqual([...d1], [...d2], "the hash differs between days");
  // no IP address or user agent is stored anywhere in the events
  assert.ok(!JSON.stringify(hashes).includes("203.0.113.7"));
  t.clock.set("2026-09-03T08:00:00Z");
  await a().purge();
  const salts = await t.ctx.db.kysely.selectFrom("analytics_salts").select("day").execute();
  assert.ok(salts.every((s) => s.day >= "2026-09-03"), `salts left: ${salts.map((s) => s.day).join(", ")}`);
  assert.ok(a().recorder.salt.heldDays.every((d) => d >= "2026-09-03"), `held in memory: ${a().recorder.salt.heldDays.join(", ")}`);
});

test("shares, ranks and the month-over-month change match the hand-computed values", async (tc) => {
  // views arrive in time order, as they do from the web server
  const queue: { path: string; day: string; ip: string }[] = [];
  const spread = (path: string, month: string, n: number, ipBase: string) => {
    for (let i = 0; i < n; i++) queue.push({ path, day: `${month}-${String(1 + (i % 28)).padStart(2, "0")}`, ip: `${ipBase}.${i % 250}` });
  };
  // October: Startseite 500, Digitales Rathaus 120 (Meldewesen 70, Ordnungsamt 50), Ratsinformation 300, Sonstige 80 = 1,000
  spread("/usingen/", "2025-10", 500, "10.1.1");
  spread("/usingen/dienste/bereich/meldewesen", "2025-10", 70, "10.1.2");
  spread("/usingen/dienste/bereich/ordnungsamt", "2025-10", 50, "10.1.3");
  spread("/usingen/rat/sitzungen", "2025-10", 300, "10.1.4");
  spread("/usingen/irgendwo", "2025-10", 80, "10.1.5");
  // November: Startseite 400, Digitales Rathaus 240 (Meldewesen 100, Ordnungsamt 90, Abfallentsorgung 50), Ratsinformation 200, Sonstige 160 = 1,000
  spread("/usingen/", "2025-11", 400, "10.2.1");
  spread("/usingen/dienste/bereich/meldewesen", "2025-11", 100, "10.2.2");
  spread("/usingen/dienste/bereich/ordnungsamt", "2025-11", 90, "10.2.3");
  spread("/usingen/dienste/bereich/abfall", "2025-11", 50, "10.2.4");
  spread("/usingen/rat/sitzungen", "2025-11", 200, "10.2.5");
  spread("/usingen/irgendwo", "2025-11", 160, "10.2.6");
  for (const q of queue.sort((x, y) => x.day.localeCompare(y.day))) view(q.path, q.day, 10, { ip: q.ip });
  const started = Date.now();
  await settle();
  tc.diagnostic(`2,000 views written and rolled up in ${Date.now() - started} ms`);
  const r = await a().report(tenantId, "2025-10-01", "2025-11-30");
  assert.equal(r.views, 2000);
  const by = Object.fromEntries(r.areas.map((x) => [x.area, x]));
  assert.deepEqual(
    r.areas.map((x) => [x.area, x.views, x.rank, formatPermille(x.share)]),
    [
      ["Startseite", 900, 1, "45,0 %"],
      ["Ratsinformation", 500, 2, "25,0 %"],
      ["Digitales Rathaus", 360, 3, "18,0 %"],
      ["Sonstige", 240, 4, "12,0 %"],
    ],
  );
  assert.deepEqual(by["Digitales Rathaus"]!.subAreas.map((s) => [s.subArea, s.views]), [["Meldewesen", 170], ["Ordnungsamt", 140], ["Abfallentsorgung", 50]]);
  const m = r.monthly.byArea["Digitales Rathaus"]!;
  assert.deepEqual([m.month, m.previousMonth, m.views, m.previousViews, m.change, m.changePermille], ["2025-11", "2025-10", 240, 120, 120, 1000]);
  assert.equal(r.monthly.site?.change, 0);
  const text = a().summary(r, tenantId);
  assert.equal(
    text,
    "Vom 01.10.2025 bis 30.11.2025 wurde der Bereich „Digitales Rathaus“ 360-mal aufgerufen (" +
      `${by["Digitales Rathaus"]!.visitors.toLocaleString("de-DE")} Besuche). ` +
      "Das sind 18,0 % aller 2.000 Seitenaufrufe der Website der Stadt Usingen. " +
      "Damit ist „Digitales Rathaus“ nach „Startseite“ und „Ratsinformation“ der am häufigsten besuchte Bereich (Rang 3 von 4). " +
      "Am meisten genutzt wurden Meldewesen, Ordnungsamt und Abfallentsorgung. " +
      "Im November 2025 wurde der Bereich 240-mal aufgerufen, 120-mal häufiger als im Oktober 2025 (+100,0 %).",
  );
});

test("reloads of the same page by the same visitor in the same hour are one row with a count, and still count as views", async () => {
  for (let i = 0; i < 3; i++) view("/usingen/kontakt", "2026-07-01", 9, { ip: "192.0.2.9" });
  view("/usingen/kontakt", "2026-07-01", 10, { ip: "192.0.2.9" });
  await settle();
  const rows = await t.ctx.db.kysely.selectFrom("analytics_events").select(["hour", "views"]).where("tenant_id", "=", tenantId).where("day", "=", "2026-07-01").orderBy("hour").execute();
  assert.deepEqual(rows.map((r) => [r.hour, Number(r.views)]), [[9, 3], [10, 1]]);
  const r = await a().report(tenantId, "2026-07-01", "2026-07-01");
  assert.deepEqual([r.views, r.visitors], [4, 1]);
});

test("a town's own rule (a Corona area) wins over the modules' defaults", async () => {
  const id = await a().addRule(tenantId, { prefix: "aktuelles/corona", area: "Corona" }, { id: "test" });
  view("/usingen/aktuelles/corona-regeln", "2026-08-10", 10, { ip: "198.51.100.1" });
  view("/usingen/aktuelles/", "2026-08-10", 10, { ip: "198.51.100.1" });
  await settle();
  const r = await a().report(tenantId, "2026-08-10", "2026-08-10");
  assert.deepEqual(r.areas.map((x) => [x.area, x.views]).sort(), [["Aktuelles", 1], ["Corona", 1]]);
  await a().removeRule(tenantId, id, { id: "test" });
});

test("rounding: one decimal, half up, German format", () => {
  assert.equal(formatPermille(sharePermille(83, 1000)), "8,3 %");
  assert.equal(formatPermille(sharePermille(165, 2000)), "8,3 %"); // 8.25 → 8.3
  assert.equal(formatPermille(sharePermille(1, 16)), "6,3 %"); // 6.25 → 6.3
  assert.equal(formatPermille(sharePermille(1, 3)), "33,3 %");
  assert.equal(formatPermille(sharePermille(2, 3)), "66,7 %");
  assert.equal(changePermille(1612, 1612 - 120), 80); // +120 on 1,492 = 8.04 % → 8,0 %
  assert.equal(formatPermille(changePermille(90, 100)!), "−10,0 %");
  assert.equal(changePermille(5, 0), null);
});
