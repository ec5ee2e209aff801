import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCalendarDate, parseClockTime } from "./dates.js";

test("parseCalendarDate: German and ISO forms, real days only, year range", () => {
  assert.equal(parseCalendarDate("27.11.2026"), "2026-11-27");
  assert.equal(parseCalendarDate(" 1.2.2026 "), "2026-02-01");
  assert.equal(parseCalendarDate("2026-11-27"), "2026-11-27");
  assert.equal(parseCalendarDate("29.02.2028"), "2028-02-29");
  assert.equal(parseCalendarDate("29.02.2027"), undefined);
  assert.equal(parseCalendarDate("2026-13-01"), undefined);
  assert.equal(parseCalendarDate("27/11/2026"), undefined);
  assert.equal(parseCalendarDate("01.01.1999", { minYear: 2000 }), undefined);
  assert.equal(parseCalendarDate("01.01.1849"), undefined);
});

test("parseClockTime: hours and minutes with colon or dot", () => {
  assert.deepEqual(parseClockTime("18:30"), [18, 30]);
  assert.deepEqual(parseClockTime("8.05"), [8, 5]);
  assert.equal(parseClockTime("24:00"), undefined);
  assert.equal(parseClockTime("18:60"), undefined);
  assert.equal(parseClockTime("18 Uhr"), undefined);
});
