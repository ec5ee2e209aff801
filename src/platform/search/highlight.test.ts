import { test } from "node:test";
import assert from "node:assert/strict";
import { highlight, snippet } from "./highlight.js";

test("highlight marks other word forms of the query words, and nothing else", () => {
  const segs = highlight("Die Bebauungspläne „Am Hollerbusch“ und der Bebauungsplan Nr. 12", "Bebauungsplan");
  assert.deepEqual(
    segs.filter((s) => s.match).map((s) => s.text),
    ["Bebauungspläne", "Bebauungsplan"],
  );
  assert.equal(segs.map((s) => s.text).join(""), "Die Bebauungspläne „Am Hollerbusch“ und der Bebauungsplan Nr. 12");
});

test("highlight: the last query word counts as a prefix; no query marks nothing", () => {
  assert.deepEqual(highlight("Sperrmüll und Sperrgut", "Sperr").filter((s) => s.match).map((s) => s.text), ["Sperrmüll", "Sperrgut"]);
  assert.deepEqual(highlight("Text", "  "), [{ text: "Text", match: false }]);
});

test("snippet shows the text around the first match, cut at words", () => {
  const text = `${"Vorwort ".repeat(80)}Hier steht der Haushaltsplan 2027 mit allen Zahlen. ${"Anhang ".repeat(80)}`;
  const s = snippet(text, "Haushaltsplan", 120);
  assert.ok(s.includes("Haushaltsplan 2027"), s);
  assert.ok(s.startsWith("… ") && s.endsWith(" …"), s);
  assert.ok(s.length <= 130, `${s.length}`);
  assert.equal(snippet("kurz", "x"), "kurz");
});
