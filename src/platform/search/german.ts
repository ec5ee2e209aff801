/**
 * German text analysis for the platform search, done in the application so that SQLite and
 * PostgreSQL index and query exactly the same terms (SQLite FTS5 has no German stemming).
 *
 * Pipeline for a text: normalise (lower case, ß → ss, accents other than ä/ö/ü dropped), split
 * into tokens of letters and digits, drop stop words and one-letter words, stem each token with
 * the Snowball German stemmer. The stemmer itself handles umlauts:
 *   - it reads "ae", "oe", "ue" as ä, ö, ü (not "ue" after "q", and not where the u sits between
 *     vowels: "Feuer", "neue" keep their u) — so "Muell" is "Müll";
 *   - it folds ä → a, ö → o, ü → u in the stem — so "Müll", "Muell" and "Mull" all stem to "mull",
 *     and "Abfälle" and "Abfall" to "abfall".
 * Both rules apply to documents and queries alike, so nothing depends on how a citizen types.
 */

const VOWELS = new Set(["a", "e", "i", "o", "u", "y", "ä", "ö", "ü"]);
const S_ENDING = new Set(["b", "d", "f", "g", "h", "k", "l", "m", "n", "r", "t"]);
const ST_ENDING = new Set(["b", "d", "f", "g", "h", "k", "l", "m", "n", "t"]);

// Longest first: Snowball's `among` takes the longest suffix that matches, and only that one.
const STEP1_SUFFIXES = ["lns", "ern", "em", "er", "en", "es", "ln", "e", "s"];
const STEP2_SUFFIXES = ["est", "en", "er", "st"];
const STEP3_SUFFIXES = ["isch", "lich", "heit", "keit", "end", "ung", "ig", "ik"];

const isVowel = (c: string | undefined) => c !== undefined && VOWELS.has(c);

/** Lower case, ß → ss, and every accent except the umlauts of ä, ö, ü removed ("café" → "cafe"). */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .toLowerCase()
    // drop accents, but keep the diaeresis of ä, ö, ü (the stemmer needs them)
    .replace(/([aou])?(\p{M}+)/gu, (_m, base: string | undefined, marks: string) => (base ? (marks.includes("\u0308") ? `${base}\u0308` : base) : ""))
    .normalize("NFC")
    .replace(/ß/g, "ss");
}

/** The prelude of the Snowball German stemmer: u/y between vowels marked as consonants (U, Y), ae/oe/ue → ä/ö/ü. */
function prelude(word: string): string[] {
  const chars = Array.from(word.replace(/ß/g, "ss"));
  for (let i = 1; i < chars.length - 1; i++) {
    const c = chars[i];
    if ((c === "u" || c === "y") && isVowel(chars[i - 1]) && isVowel(chars[i + 1])) chars[i] = c.toUpperCase();
  }
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const pair = chars[i]! + (chars[i + 1] ?? "");
    if (pair === "ae" || pair === "oe" || pair === "ue") {
      out.push(pair === "ae" ? "ä" : pair === "oe" ? "ö" : "ü");
      i++;
    } else if (pair === "qu") {
      out.push("q", "u");
      i++;
    } else {
      out.push(chars[i]!);
    }
  }
  return out;
}

const POSTLUDE: Record<string, string> = { U: "u", Y: "y", ä: "a", ö: "o", ü: "u" };
const postlude = (chars: string[]) => chars.map((c) => POSTLUDE[c] ?? c).join("");

/** Start of the region after the first non-vowel that follows a vowel, from `from` on (or the end). */
function regionStart(chars: string[], from: number): number {
  let i = from;
  while (i < chars.length && !isVowel(chars[i])) i++;
  while (i < chars.length && isVowel(chars[i])) i++;
  return i < chars.length ? i + 1 : chars.length;
}

function endsWith(chars: string[], suffix: string): boolean {
  if (suffix.length > chars.length) return false;
  for (let i = 0; i < suffix.length; i++) {
    if (chars[chars.length - suffix.length + i] !== suffix[i]) return false;
  }
  return true;
}

const longestSuffix = (chars: string[], suffixes: string[]) => suffixes.find((s) => endsWith(chars, s));

/**
 * The Snowball German stemmer (snowballstem.org, algorithms/german, the current version that
 * includes the former "german2" ae/oe/ue handling, keeps "-system" and turns "-ln"/"-lns" into "-l"),
 * followed by umlaut folding. Expects one lower-case word.
 */
export function stem(word: string): string {
  const w = prelude(word);
  const n = w.length;
  // R1 and R2; R1 starts after at least 3 letters. Words shorter than 3 letters have neither.
  let p1 = n;
  let p2 = n;
  if (n >= 3) {
    p1 = Math.max(regionStart(w, 0), 3);
    p2 = regionStart(w, regionStart(w, 0));
  }
  const cut = (len: number) => void w.splice(w.length - len, len);
  const startOf = (suffix: string) => w.length - suffix.length;

  // Step 1
  const s1 = longestSuffix(w, STEP1_SUFFIXES);
  if (s1 && startOf(s1) >= p1) {
    const start = startOf(s1);
    if (s1 === "em") {
      if (w.slice(start - 4, start).join("") !== "syst") cut(2);
    } else if (s1 === "ern" || s1 === "er") {
      cut(s1.length);
    } else if (s1 === "e" || s1 === "en" || s1 === "es") {
      cut(s1.length);
      if (endsWith(w, "niss")) cut(1);
    } else if (s1 === "s") {
      if (S_ENDING.has(w[start - 1] ?? "")) cut(1);
    } else {
      cut(s1.length); // "ln", "lns" → "l"
      w.push("l");
    }
  }

  // Step 2
  const s2 = longestSuffix(w, STEP2_SUFFIXES);
  if (s2 && startOf(s2) >= p1) {
    const start = startOf(s2);
    if (s2 !== "st") cut(s2.length);
    else if (ST_ENDING.has(w[start - 1] ?? "") && start - 1 >= 3) cut(2);
  }

  // Step 3: derivational suffixes, in R2
  const s3 = longestSuffix(w, STEP3_SUFFIXES);
  if (s3 && startOf(s3) >= p2) {
    const before = w[startOf(s3) - 1];
    if (s3 === "end" || s3 === "ung") {
      cut(3);
      if (endsWith(w, "ig") && w[w.length - 3] !== "e" && startOf("ig") >= p2) cut(2);
    } else if (s3 === "ig" || s3 === "ik" || s3 === "isch") {
      if (before !== "e") cut(s3.length);
    } else if (s3 === "lich" || s3 === "heit") {
      cut(4);
      const s = longestSuffix(w, ["er", "en"]);
      if (s && startOf(s) >= p1) cut(2);
    } else {
      cut(4); // "keit"
      const s = longestSuffix(w, ["lich", "ig"]);
      if (s && startOf(s) >= p2) cut(s.length);
    }
  }
  return postlude(w);
}

/** The spelling the stemmer compares: "für", "fuer" and "fur" are all "fur". */
export function fold(word: string): string {
  return postlude(prelude(word));
}

// The Snowball German stop word list, without "weg" and "machen" (real search words here).
const STOP_WORD_LIST = `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
anderm andern anderr anders auch auf aus bei bin bis bist da damit dann der den des dem die das daß dass derselbe
derselben denselben desselben demselben dieselbe dieselben dasselbe dazu dein deine deinem deinen deiner deines denn
derer dessen dich dir du dies diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer eines einig
einige einigem einigen einiger einiges einmal er ihn ihm es etwas euer eure eurem euren eurer eures für gegen gewesen
hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem ihren ihrer ihres euch im in indem ins ist
jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können
könnte man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss musste nach nicht
nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie ihnen sind so solche
solchem solchen solcher solches soll sollte sondern sonst über um und uns unsere unserem unseren unser unseres unter
viel vom von vor während war waren warst was weil weiter welche welchem welchen welcher welches wenn werde werden wie
wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen`;

const STOP_WORDS = new Set(STOP_WORD_LIST.split(/\s+/).map((w) => fold(normalize(w))));

/** True for a German stop word, however its umlauts are typed ("für", "fuer"). Expects a normalised token. */
export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(fold(token));
}

/** The tokens (normalised, not stemmed) of a text: runs of letters and digits. */
export function tokenize(text: string): string[] {
  return normalize(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Tokens worth indexing or searching: no stop words, no single letters (single digits stay). */
export function searchTokens(text: string): string[] {
  return tokenize(text).filter((t) => (t.length > 1 || /\p{N}/u.test(t)) && !isStopWord(t));
}

/** The stems of a text, in order, with repetitions. */
export function analyze(text: string): string[] {
  return searchTokens(text).map(stem);
}

/**
 * Heads of German compounds that citizens search for on their own ("Müll" for "Sperrmüll",
 * "Steuer" for "Hundesteuer"). A stem that ends in one of them, after at least
 * MIN_COMPOUND_MODIFIER letters, is also indexed under the head and under the stem of the
 * part before it ("Hundesteuer" as "hund" and "steu"), so "Hund Steuer" finds it too.
 * A short list on purpose: splitting compounds by a dictionary invents false words.
 */
const COMPOUND_HEAD_WORDS = [
  "müll", "abfall", "tonne", "steuer", "gebühr", "abgabe", "beitrag", "ausweis", "pass", "karte",
  "urkunde", "bescheinigung", "zeugnis", "genehmigung", "erlaubnis", "antrag", "anmeldung",
  "abmeldung", "ummeldung", "wahl", "hund", "platz", "halle", "bad", "schule", "amt", "zulassung",
  "termin", "auskunft", "beratung", "förderung", "zuschuss", "wohnung", "gewerbe", "straße", "kindergarten",
];
const MIN_COMPOUND_MODIFIER = 4;
// Longest first, so "meldebescheinigung" gives "bescheinigung" and not a shorter head inside it.
const COMPOUND_HEADS = [...new Set(COMPOUND_HEAD_WORDS.map((w) => stem(normalize(w))))].sort((a, b) => b.length - a.length);

/** The stems of the parts of a compound ending in a known head ("hundesteu" → hund + steu), else undefined. */
export function compoundParts(stemmed: string): { modifier: string; head: string } | undefined {
  const head = COMPOUND_HEADS.find((h) => stemmed.length - h.length >= MIN_COMPOUND_MODIFIER && stemmed.endsWith(h));
  return head === undefined ? undefined : { modifier: stem(stemmed.slice(0, -head.length)), head };
}

/** One search term of a query: a stem to match exactly, or (the last word) as the start of a stem. */
export interface QueryTerm {
  stem: string;
  prefix: boolean;
}

/** A prefix shorter than this matches exactly only ("Ab" must not find every "Ab…"). */
export const MIN_PREFIX_LENGTH = 3;
/** More words than this in a query are ignored (each word is one more index lookup). */
export const MAX_QUERY_TERMS = 8;

/**
 * A citizen's query as search terms: each word stemmed like the documents; the last word also
 * matches as the beginning of a stem, so "Sperr" finds "Sperrmüll" and "Hunde" "Hundesteuer".
 */
export function parseQuery(q: string): QueryTerm[] {
  const stems = analyze(q.slice(0, 500));
  const last = stems.at(-1);
  if (last === undefined) return [];
  const others = [...new Set(stems.slice(0, -1))].filter((s) => s !== last).slice(0, MAX_QUERY_TERMS - 1);
  return [...others.map((s) => ({ stem: s, prefix: false })), { stem: last, prefix: last.length >= MIN_PREFIX_LENGTH }];
}
