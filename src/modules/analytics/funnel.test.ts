import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { ApplicationClient } from "../../test-support/applications.js";
import { berlinDateTime } from "../../platform/clock.js";
import { loadDefinitions } from "../services/definitions.js";
import { serviceFunnel, medianTenthsOfMinutes, formatTenths } from "./funnel.js";
import { analyticsCli } from "./cli.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t?.close());

const definitions = loadDefinitions().definitions;
const MINUTE = 60_000;

/**
 * A citizen starts a form over HTTP, takes `minutes` (the clock moves), fills every step and
 * submits — or leaves the form unfinished when `submit` is false.
 */
async function apply(slug: string, serviceId: string, minutes: number, submit = true): Promise<void> {
  const def = definitions.find((d) => d.id === serviceId)!;
  const c = new ApplicationClient(t.app, slug);
  const start = await c.start(serviceId);
  assert.equal(start.statusCode, 303, `${serviceId}: started`);
  t.clock.advance(minutes * MINUTE);
  if (!submit) return;
  await c.fillAll(def, berlinDateTime(t.clock.now()).date);
  const res = await c.submit();
  assert.equal(res.statusCode, 303, `${serviceId}: submitted`);
}

test("the funnel per service: started, submitted, completion rate and median minutes to submit, on real applications", async () => {
  const usingen = t.ctx.tenants.bySlug("usingen")!.id;
  t.clock.set("2026-11-20T08:00:00Z"); // Friday, 09:00 in Usingen
  // Fundsache melden: submitted after 10, 20, 25 and 45 minutes; one left after 5 minutes → 4 of 5, median 22,5 minutes
  await apply("usingen", "fundsache-melden", 10);
  await apply("usingen", "fundsache-melden", 45);
  await apply("usingen", "fundsache-melden", 5, false);
  await apply("usingen", "fundsache-melden", 20);
  await apply("usingen", "fundsache-melden", 25);
  // Ruhestörung melden: one submitted after 3 minutes, two left → 1 of 3
  await apply("usingen", "ruhestoerung-melden", 3);
  await apply("usingen", "ruhestoerung-melden", 1, false);
  await apply("usingen", "ruhestoerung-melden", 1, false);
  // another town, and the next day: not in Usingen's funnel of the 20th
  await apply("neu-anspach", "fundsache-melden", 7);
  t.clock.set("2026-11-21T10:00:00Z");
  await apply("usingen", "ruhestoerung-melden", 8);

  const rows = await serviceFunnel(t.ctx, usingen, "2026-11-20", "2026-11-20");
  const titleOf = (id: string) => definitions.find((d) => d.id === id)!.title;
  assert.deepEqual(rows, [
    { serviceId: "fundsache-melden", title: titleOf("fundsache-melden"), started: 5, submitted: 4, rate: 800, medianMinutes: 22.5, rateText: "80,0 %", medianText: "22,5 Minuten" },
    { serviceId: "ruhestoerung-melden", title: titleOf("ruhestoerung-melden"), started: 3, submitted: 1, rate: 333, medianMinutes: 3, rateText: "33,3 %", medianText: "3,0 Minuten" },
  ]);
  // both days: Ruhestörung 2 of 4, median of 3 and 8 minutes = 5,5
  const two = await serviceFunnel(t.ctx, usingen, "2026-11-20", "2026-11-21");
  assert.deepEqual(
    two.map((r) => [r.serviceId, r.started, r.submitted, r.rateText, r.medianText]),
    [
      ["fundsache-melden", 5, 4, "80,0 %", "22,5 Minuten"],
      ["ruhestoerung-melden", 4, 2, "50,0 %", "5,5 Minuten"],
    ],
  );
  assert.deepEqual(await serviceFunnel(t.ctx, usingen, "2026-11-22", "2026-11-30"), [], "nothing started then");
  await assert.rejects(serviceFunnel(t.ctx, usingen, "2026-11-21", "2026-11-20"), RangeError);

  // the command line: --funnel in the report, as JSON and as text
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  assert.equal(await analyticsCli(t.ctx, "report", ["--tenant", "usingen", "--from", "20.11.2026", "--to", "20.11.2026", "--funnel", "--json"], io), 0, err.join("\n"));
  assert.deepEqual((JSON.parse(out.join("\n")) as { funnel: unknown }).funnel, rows);
  out.length = 0;
  assert.equal(await analyticsCli(t.ctx, "report", ["--tenant", "usingen", "--from", "2026-11-20", "--to", "2026-11-20", "--funnel"], io), 0, err.join("\n"));
  const text = out.join("\n");
  assert.match(text, /Online-Dienste \(begonnen im Zeitraum\)/);
  assert.ok(text.split("\n").some((l) => l.startsWith(titleOf("fundsache-melden")) && /\s5\s+4\s+80,0 %\s+22,5 Minuten$/.test(l)), text);
});

test("median: the middle value, or the mean of the two middle ones; tenths of a minute rounded half up", () => {
  assert.equal(medianTenthsOfMinutes([]), null);
  assert.equal(medianTenthsOfMinutes([3 * MINUTE]), 30);
  assert.equal(medianTenthsOfMinutes([45 * MINUTE, 10 * MINUTE, 20 * MINUTE, 25 * MINUTE]), 225);
  assert.equal(medianTenthsOfMinutes([3_000]), 1, "3 s = 0,05 min → 0,1");
  assert.equal(medianTenthsOfMinutes([2_999]), 0);
  assert.equal(formatTenths(225), "22,5");
  assert.equal(formatTenths(28_800), "2.880,0");
});
