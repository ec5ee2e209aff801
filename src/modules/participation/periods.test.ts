import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPeriod, minimumLastDay, oneMonthLastDay, periodInstants } from "./periods.js";

test("one month by §§ 187 (2), 188 (2) and (3) BGB", () => {
  assert.equal(oneMonthLastDay("2026-12-01"), "2026-12-31");
  assert.equal(oneMonthLastDay("2026-12-15"), "2027-01-14");
  assert.equal(oneMonthLastDay("2027-01-28"), "2027-02-27");
  // 29 February 2027 does not exist: the last day of February (§ 188 Abs. 3)
  assert.equal(oneMonthLastDay("2027-01-29"), "2027-02-28");
  assert.equal(oneMonthLastDay("2027-01-31"), "2027-02-28");
  assert.equal(oneMonthLastDay("2028-01-30"), "2028-02-29");
  assert.equal(oneMonthLastDay("2027-03-31"), "2027-04-30");
});

test("the § 3 (2) BauGB minimum is the later of one month and 30 days", () => {
  // December has 31 days: the month ends later than 30 days
  assert.equal(minimumLastDay("foermlich", "2026-12-01"), "2026-12-31");
  // February: 30 days end later than the month
  assert.equal(minimumLastDay("foermlich", "2027-02-01"), "2027-03-02");
  assert.equal(minimumLastDay("foermlich", "2028-02-01"), "2028-03-01");
  assert.equal(minimumLastDay("foermlich", "2027-01-31"), "2027-03-01");
  assert.equal(minimumLastDay("fruehzeitig", "2027-02-01"), null);
});

test("a period ends at 24:00 Berlin time of its last day, also across the DST change", () => {
  const winter = periodInstants("2026-12-01", "2026-12-31");
  assert.equal(winter.opensAt.toISOString(), "2026-11-30T23:00:00.000Z");
  assert.equal(winter.closesAt.toISOString(), "2026-12-31T23:00:00.000Z");
  const spring = periodInstants("2027-03-01", "2027-03-31");
  assert.equal(spring.closesAt.toISOString(), "2027-03-31T22:00:00.000Z");
});

test("checkPeriod: too short, before tomorrow, shortened with and without reason", () => {
  assert.deepEqual(checkPeriod({ stage: "foermlich", start: "2027-02-01", end: "2027-03-02", today: "2027-01-20" }), {});
  const short = checkPeriod({ stage: "foermlich", start: "2027-02-01", end: "2027-03-01", today: "2027-01-20" });
  assert.match(short.ende!, /frühestens am 02\.03\.2027/);
  assert.match(checkPeriod({ stage: "foermlich", start: "2027-01-20", end: "2027-03-01", today: "2027-01-20" }).beginn!, /frühestens morgen/);
  const erneut = checkPeriod({ stage: "erneut", start: "2027-02-01", end: "2027-02-15", today: "2027-01-20" });
  assert.ok(erneut.verkuerzung);
  assert.deepEqual(checkPeriod({ stage: "erneut", start: "2027-02-01", end: "2027-02-15", today: "2027-01-20", shortenedReason: "Nur Festsetzung 3 geändert" }), {});
  assert.deepEqual(checkPeriod({ stage: "fruehzeitig", start: "2027-02-01", end: "2027-02-10", today: "2027-01-20" }), {});
  assert.match(checkPeriod({ stage: "fruehzeitig", start: "2027-02-10", end: "2027-02-01", today: "2027-01-20" }).ende!, /vor ihrem ersten Tag/);
});
