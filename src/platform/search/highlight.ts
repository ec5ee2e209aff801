import { analyze, compoundParts, parseQuery } from "./german.js";

export interface Segment {
  text: string;
  /** this word matches a word of the query (same stem, known compound part, or the query's last word as a prefix) */
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Splits `text` into segments and marks the words a search for `q` matched, by the same analysis
 * the index uses (german.ts): "Bebauungspläne" is marked for the query "Bebauungsplan". The
 * caller renders matches as <mark>, escaped like any text.
 */
export function highlight(text: string, q: string): Segment[] {
  const terms = parseQuery(q);
  if (terms.length === 0 || !text) return [{ text, match: false }];
  const segments: Segment[] = [];
  let last = 0;
  const push = (t: string, match: boolean) => {
    if (!t) return;
    const prev = segments.at(-1);
    if (prev && prev.match === match) prev.text += t;
    else segments.push({ text: t, match });
  };
  for (const m of text.matchAll(WORD)) {
    const stem = analyze(m[0])[0];
    const parts = stem === undefined ? undefined : compoundParts(stem);
    const candidates = stem === undefined ? [] : parts ? [stem, parts.head, parts.modifier] : [stem];
    const match = candidates.some((c) => terms.some((t) => (t.prefix ? c.startsWith(t.stem) : c === t.stem)));
    push(text.slice(last, m.index), false);
    push(m[0], match);
    last = m.index + m[0].length;
  }
  push(text.slice(last), false);
  return segments;
}

/**
 * A window of about `chars` characters around the first match of `q` in `text` (for result
 * excerpts from long texts such as a PDF's), cut at word boundaries; the start when nothing matches.
 */
export function snippet(text: string, q: string, chars = 240): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= chars) return clean;
  const first = highlight(clean, q).reduce<{ at: number; found: number }>(
    (acc, s) => (acc.found >= 0 ? acc : s.match ? { at: acc.at, found: acc.at } : { at: acc.at + s.text.length, found: -1 }),
    { at: 0, found: -1 },
  ).found;
  let start = first < 0 ? 0 : Math.max(0, first - Math.floor(chars / 3));
  if (start > 0) {
    const space = clean.indexOf(" ", start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(clean.length, start + chars);
  if (end < clean.length) {
    const space = clean.lastIndexOf(" ", end);
    if (space > start + chars / 2) end = space;
  }
  return `${start > 0 ? "… " : ""}${clean.slice(start, end)}${end < clean.length ? " …" : ""}`;
}
