import { test } from "node:test";
import assert from "node:assert/strict";
import { analyze, compoundParts, fold, isStopWord, normalize, parseQuery, stem, tokenize } from "./german.js";

// word → stem pairs from the Snowball German vocabulary (snowball-data german/diffs.txt); the
// current algorithm agrees with them for every word that does not hit one of its later rules.
const SNOWBALL_VOCABULARY: [string, string][] = [
  ["aalglatten", "aalglatt"],
  ["aargauer", "aargau"],
  ["aasen", "aas"],
  ["aashöllen", "aasholl"],
  ["abbildung", "abbild"],
  ["abenddämmerung", "abenddammer"],
  ["abende", "abend"],
  ["abendländischem", "abendland"],
  ["abendlichen", "abend"],
  ["abends", "abend"],
  ["abendschöppchen", "abendschoppch"],
  ["abendstern", "abend"],
  ["abenteuer", "abenteu"],
  ["abenteuerlichem", "abenteu"],
  ["abenteuerspielplätzen", "abenteuerspielplatz"],
  ["abenteurer", "abenteur"],
  ["abfall", "abfall"],
  ["abfällige", "abfall"],
  ["abfällt", "abfallt"],
  ["abführung", "abfuhr"],
  ["abge", "abg"],
  ["abgemessenheit", "abgemess"],
  ["abgeordnetenversammlung", "abgeordnetenversamml"],
  ["abgesprungen", "abgespr"],
  ["abgezogenheit", "abgezog"],
  ["abgöttisches", "abgott"],
  ["abgründe", "abgrund"],
  ["abhängigkeit", "abhang"],
  ["abhängig", "abhang"],
  ["abhebenden", "abheb"],
  ["ablässt", "ablasst"],
  ["abläßt", "ablasst"],
  ["abschluß", "abschluss"],
  ["abscheulichste", "abscheulich"],
  ["abscheus", "abscheus"],
  ["abseits", "abseit"],
  ["absichtlich", "absicht"],
  ["absonderliche", "absond"],
  ["abspenstig", "abspenst"],
  ["abstimmungdie", "abstimmungdi"],
  ["abteilungen", "abteil"],
  ["ab", "ab"],
  ["aa", "aa"],
  ["überschwenglichen", "uberschweng"],
  ["übersinnliches", "ubersinn"],
  ["überverdienstlicher", "uberverdienst"],
  ["überwies", "uberwi"],
  ["überzeugungen", "uberzeug"],
  ["übrigens", "ubrig"],
  ["ufern", "ufern"],
  ["ufers", "ufer"],
  ["uhrfeder", "uhrfed"],
  ["umarmungen", "umarm"],
  ["umhalste", "umhal"],
  ["umher", "umh"],
  ["umsetzwohnung", "umsetzwohn"],
  ["umsonst", "umson"],
  ["umstrittensten", "umstritten"],
  ["umständlichen", "umstand"],
  ["unabänderlich", "unaband"],
  ["unabhängigkeit", "unabhang"],
  ["unannehmlichkeit", "unannehm"],
  ["unähnlichkeit", "unahn"],
];

test("stem: the Snowball German vocabulary", () => {
  for (const [word, expected] of SNOWBALL_VOCABULARY) assert.equal(stem(word), expected, word);
});

test("stem: rules of the current algorithm (ae/oe/ue, -system, -ln, -nisse)", () => {
  const cases: [string, string][] = [
    ["muell", "mull"], // "ue" read as ü …
    ["müll", "mull"],
    ["mull", "mull"],
    ["quelle", "quell"], // … but not after q
    ["feuer", "feu"], // … nor where the u stands between vowels
    ["neue", "neu"],
    ["neuen", "neu"],
    ["strasse", "strass"],
    ["straße", "strass"],
    ["system", "system"], // -em stays after "syst"
    ["systemen", "system"],
    ["umverteilungssystem", "umverteilungssystem"],
    ["übersiedeln", "ubersiedel"], // -ln → -l
    ["wechseln", "wechsel"],
    ["ergebnisse", "ergebnis"], // -nisse → -nis
    ["kenntnissen", "kenntnis"],
  ];
  for (const [word, expected] of cases) assert.equal(stem(word), expected, word);
});

test("stem: words of municipal services", () => {
  const cases: [string, string][] = [
    ["aufeinanderfolgenden", "aufeinanderfolg"],
    // Snowball removes "-ig" before "-ung" in R2: Bescheinigung and bescheinen share the stem "beschein"
    ["bescheinigungen", "beschein"],
    ["bescheinigung", "beschein"],
    ["meldebescheinigung", "meldebeschein"],
    ["meldebescheinigungen", "meldebeschein"],
    ["hund", "hund"],
    ["hunde", "hund"],
    ["hundes", "hund"],
    ["anmelden", "anmeld"],
    ["anmeldung", "anmeld"],
    ["anmeldungen", "anmeld"],
    ["abfälle", "abfall"],
    ["abfaelle", "abfall"],
    ["sperrmüll", "sperrmull"],
    ["sperrmuell", "sperrmull"],
    ["hundesteuer", "hundesteu"],
    ["steuer", "steu"],
    ["2026", "2026"],
  ];
  for (const [word, expected] of cases) assert.equal(stem(word), expected, word);
});

test("normalize, tokenize: lower case, ß, accents, non-letters split", () => {
  assert.equal(normalize("Straße MÜLL Café Ærø"), "strasse müll cafe ærø");
  assert.equal(normalize("Mu\u0308ll"), "müll"); // decomposed input
  assert.deepEqual(tokenize("Kfz-Zulassung (2026): Führerschein/Pass!"), ["kfz", "zulassung", "2026", "führerschein", "pass"]);
  assert.deepEqual(tokenize("  … "), []);
});

test("stop words, typed with or without umlauts", () => {
  for (const w of ["der", "die", "und", "für", "fuer", "über", "ueber", "dass", "daß"]) assert.ok(isStopWord(normalize(w)), w);
  for (const w of ["hund", "müll", "anmelden", "weg"]) assert.ok(!isStopWord(normalize(w)), w);
  assert.deepEqual(analyze("Die Anmeldung für den Hund"), ["anmeld", "hund"]);
  assert.equal(fold("für"), fold("fuer"));
});

test("compound parts", () => {
  assert.deepEqual(compoundParts(stem("sperrmüll")), { modifier: "sperr", head: "mull" });
  assert.deepEqual(compoundParts(stem("hundesteuer")), { modifier: "hund", head: "steu" });
  assert.deepEqual(compoundParts(stem("reisepass")), { modifier: "reis", head: "pass" });
  assert.deepEqual(compoundParts(stem("geburtsurkunde")), { modifier: "geburt", head: "urkund" });
  assert.deepEqual(compoundParts(stem("meldebescheinigung")), { modifier: "meld", head: "beschein" });
  assert.equal(compoundParts(stem("kompass")), undefined); // "kom" is too short to be a word of its own
  assert.equal(compoundParts(stem("müll")), undefined);
});

test("parseQuery: stems, stop words dropped, the last word as prefix", () => {
  assert.deepEqual(parseQuery("Hunde anmelden"), [
    { stem: "hund", prefix: false },
    { stem: "anmeld", prefix: true },
  ]);
  assert.deepEqual(parseQuery("Sperr"), [{ stem: "sperr", prefix: true }]);
  assert.deepEqual(parseQuery("Ab"), [{ stem: "ab", prefix: false }]);
  assert.deepEqual(parseQuery("die und der"), []);
  assert.deepEqual(parseQuery("   "), []);
  assert.deepEqual(parseQuery("Müll Sperr Müll"), [
    { stem: "sperr", prefix: false },
    { stem: "mull", prefix: true },
  ]);
});
