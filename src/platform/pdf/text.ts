/**
 * Text for PDFs drawn with the standard fonts (Helvetica): they encode WinAnsi (Windows-1252)
 * only, and pdf-lib throws on any other character. Everything that is drawn goes through here.
 */

/** The characters of Windows-1252 beyond Latin-1 (its 0x80–0x9F block). */
const WIN_ANSI_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
const EXTRA = new Set([...WIN_ANSI_EXTRA].map((c) => c.codePointAt(0)!));

/** Letters NFD does not decompose into a base letter and a mark. */
const TRANSLITERATE: Record<string, string> = {
  ł: "l", Ł: "L", đ: "d", Đ: "D", ı: "i", ħ: "h", Ħ: "H", ŧ: "t", Ŧ: "T", ſ: "s",
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2015": "—", "\u2032": "'", "\u2033": '"',
};

export function isWinAnsi(codePoint: number): boolean {
  return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xff) || EXTRA.has(codePoint);
}

const encodable = (s: string) => [...s].every((c) => isWinAnsi(c.codePointAt(0)!));

/**
 * Keeps what WinAnsi can encode (umlauts, ß, „“ – — € …), transliterates the rest ("ł" → "l",
 * "Ș" → "S"), turns line breaks and other white space into spaces, removes control and format
 * characters, and writes "?" for anything left. Never throws.
 */
export function winAnsiSafe(text: string): string {
  let out = "";
  for (const c of text.normalize("NFC")) {
    const cp = c.codePointAt(0)!;
    if (cp === 0xad) continue; // soft hyphen: Helvetica would draw it as a visible hyphen
    if (isWinAnsi(cp)) out += c;
    else if (/\s/u.test(c)) out += " ";
    else if (/[\p{Cc}\p{Cf}\p{M}]/u.test(c)) continue;
    else if (TRANSLITERATE[c]) out += TRANSLITERATE[c];
    else {
      const base = c.normalize("NFD").replace(/\p{M}/gu, "");
      out += base && encodable(base) ? base : "?";
    }
  }
  return out;
}

/**
 * Splits text into lines no wider than `maxWidth` (as `widthOf` measures): at line breaks, then
 * between words; a word longer than a line is broken hard. Lines come out WinAnsi-safe.
 */
export function wrapText(text: string, maxWidth: number, widthOf: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = "";
    for (const word of winAnsiSafe(paragraph).split(" ").filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (widthOf(candidate) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = "";
      // The word does not fit on a line of its own: break it wherever the line is full.
      let rest = word;
      while (widthOf(rest) > maxWidth) {
        let cut = 1;
        while (cut < rest.length && widthOf(rest.slice(0, cut + 1)) <= maxWidth) cut++;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}
