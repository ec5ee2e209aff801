import { test } from "node:test";
import assert from "node:assert/strict";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { winAnsiSafe, wrapText } from "./text.js";

test("winAnsiSafe keeps German typography and transliterates the rest", () => {
  const german = "Größe „Straße“ – 12 € … Öffnungszeiten: Mo—Fr ‚ja‘ «ok» ß";
  assert.equal(winAnsiSafe(german), german);
  assert.equal(winAnsiSafe("Łukasz Wałęsa, Ștefan Țurcanu, Dvořák, İlkay, Đorđe"), "Lukasz Walesa, Stefan Turcanu, Dvorák, Ilkay, Dorde");
  // decomposed input (e + combining accent) is composed first, not turned into "?"
  assert.equal(winAnsiSafe("Rene\u0301"), "René");
  assert.equal(winAnsiSafe("北京 😀"), "?? ?");
  assert.equal(winAnsiSafe("a\tb\nc\r\nd\u0000e\u200Bf\u00ADg"), "a b c  defg");
});

test("winAnsiSafe output is always encodable by pdf-lib's Helvetica", async () => {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const supported = new Set(font.getCharacterSet());
  let all = "";
  for (let cp = 0; cp < 0x3000; cp++) if (cp < 0xd800 || cp > 0xdfff) all += String.fromCodePoint(cp);
  all += "😀👍🏽‍";
  const safe = winAnsiSafe(all);
  for (const c of safe) assert.ok(supported.has(c.codePointAt(0)!), `U+${c.codePointAt(0)!.toString(16)} is not encodable`);
  assert.doesNotThrow(() => font.encodeText(safe));
  // every WinAnsi character is kept as it is
  for (const cp of supported) if (cp >= 0x20 && cp !== 0xad) assert.equal(winAnsiSafe(String.fromCodePoint(cp)), String.fromCodePoint(cp));
});

test("wrapText breaks between words, at line breaks, and hard inside over-long words", () => {
  const width = (s: string) => s.length; // one unit per character
  assert.deepEqual(wrapText("eins zwei drei vier", 9, width), ["eins zwei", "drei vier"]);
  assert.deepEqual(wrapText("Zeile 1\nZeile 2\r\n\nEnde", 20, width), ["Zeile 1", "Zeile 2", "", "Ende"]);
  assert.deepEqual(wrapText("ab https://example.org/ein/sehr/langer/pfad xy", 10, width), ["ab", "https://ex", "ample.org/", "ein/sehr/l", "anger/pfad", "xy"]);
  const lines = wrapText("Donaudampfschifffahrtsgesellschaftskapitän ".repeat(20), 17, width);
  assert.ok(lines.every((l) => l.length <= 17));
  assert.equal(lines.join("").replace(/ /g, ""), "Donaudampfschifffahrtsgesellschaftskapitän".repeat(20));
  assert.deepEqual(wrapText("Ștefan", 20, width), ["Stefan"], "lines come out WinAnsi-safe");
});
