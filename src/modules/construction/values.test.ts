import { test } from "node:test";
import assert from "node:assert/strict";
import { endsBeforeStart, firstParagraph, formValueOf, formatEuros, formatMonthOrDay, formatPeriod, paragraphsOf, parseCoordinate, parseEuros, parseMonthOrDay, telHref } from "./values.js";

/** How construction values are typed and shown: month-precision dates, euros, coordinates, paragraphs. */

test("planned dates: TT.MM.JJJJ or MM.JJJJ (and ISO) accepted, impossible dates refused, shown in German", () => {
  assert.equal(parseMonthOrDay("15.03.2027"), "2027-03-15");
  assert.equal(parseMonthOrDay(" 3.2027 "), "2027-03");
  assert.equal(parseMonthOrDay("2027-03"), "2027-03");
  assert.equal(parseMonthOrDay("2027-03-15"), "2027-03-15");
  for (const bad of ["13.2027", "31.02.2027", "03/2027", "März 2027", "", "01.1850"]) assert.equal(parseMonthOrDay(bad), undefined, bad);
  assert.equal(formatMonthOrDay("2027-03"), "März 2027");
  assert.equal(formatMonthOrDay("2027-03-15"), "15.03.2027");
  assert.equal(formValueOf("2027-03"), "03.2027");
  assert.equal(formValueOf("2027-03-15"), "15.03.2027");
  assert.equal(formatPeriod("2026-03", "2027-10-15"), "März 2026 bis 15.10.2027");
  assert.equal(formatPeriod("2026-03", null), "ab März 2026");
  assert.equal(formatPeriod(null, null), "noch nicht festgelegt");
  assert.equal(endsBeforeStart("2027-03", "2027-03-01"), false, "same month");
  assert.equal(endsBeforeStart("2027-03-10", "2027-03-09"), true);
  assert.equal(endsBeforeStart("2027-03", "2027-02-28"), true);
});

test("budgets: typed with dots, spaces, € or cents; shown as 1.250.000 €", () => {
  for (const typed of ["1.250.000", "1250000", "1.250.000 €", "1 250 000 EUR", "1.250.000,00"]) assert.equal(parseEuros(typed), 125_000_000, typed);
  assert.equal(parseEuros("1.250.000,5"), 125_000_050);
  assert.equal(parseEuros(""), null);
  for (const bad of ["1,250,000", "12.34", "viel", "-5", "1.25.000"]) assert.equal(parseEuros(bad), undefined, bad);
  assert.equal(formatEuros(125_000_000), "1.250.000 €");
  assert.equal(formatEuros(125_000_050), "1.250.000,50 €");
  assert.equal(formatEuros(99_900), "999 €");
  assert.equal(formatEuros(123_456_789_00), "123.456.789 €");
});

test("coordinates, paragraphs, teasers, phone links", () => {
  assert.equal(parseCoordinate("50,3345", -90, 90), 50.3345);
  assert.equal(parseCoordinate("-8.5", -180, 180), -8.5);
  assert.equal(parseCoordinate("", -90, 90), null);
  assert.equal(parseCoordinate("91", -90, 90), undefined);
  assert.equal(parseCoordinate("50°20'", -90, 90), undefined);
  assert.deepEqual(paragraphsOf("Erster Absatz\nzweite Zeile\r\n\r\n\n Zweiter Absatz "), [["Erster Absatz", "zweite Zeile"], ["Zweiter Absatz"]]);
  assert.equal(firstParagraph("Kurz.\n\nLang."), "Kurz.");
  assert.equal(firstParagraph(`${"Wort ".repeat(100)}\n\nx`, 40), "Wort Wort Wort Wort Wort Wort Wort Wort …");
  assert.equal(telHref("06081 999-120"), "tel:06081999120");
  assert.equal(telHref("+49 (6081) 999-120"), "tel:+496081999120");
});
