import type { Verdict, WeighingRow } from "./types.js";

/**
 * Deterministic fake rows of realistic length for tests and the benchmark: statements of
 * 600–2,500 characters in paragraphs, responses of 300–1,200, German text with umlauts, ß and
 * typographic quotes, about one in twenty late, one in eight from a Träger öffentlicher Belange.
 * The same `n` and `seed` give the same rows; nothing is held beyond the row being produced.
 */
export async function* generateRows(n: number, seed = 1): AsyncIterable<WeighingRow> {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  for (let position = 1; position <= n; position++) {
    const agency = random() < 0.125;
    const day = between(0, 45);
    const received = new Date(Date.UTC(2026, 11, 1 + day));
    yield {
      position,
      reference: `ST-2026-${String(position).padStart(5, "0")}`,
      submitter: agency ? pick(AGENCIES) : `Bürgerin/Bürger ${position}`,
      submitterKind: agency ? "Träger öffentlicher Belange" : "Öffentlichkeit",
      receivedOn: received.toISOString().slice(0, 10),
      late: day > 44 || random() < 0.03,
      documentReference: random() < 0.6 ? `${pick(DOCUMENTS)}, S. ${between(1, 80)}` : null,
      topics: random() < 0.7 ? [...new Set([pick(TOPICS), pick(TOPICS)])].join(", ") : null,
      statement: text(random, between(600, 2500)),
      response: text(random, between(300, 1200)),
      verdict: random() < 0.1 ? null : pick(VERDICTS),
    };
  }
}

const VERDICTS: readonly Verdict[] = ["beruecksichtigt", "teilweise", "nicht_beruecksichtigt", "kenntnis"];
const AGENCIES = ["Regierungspräsidium Darmstadt", "Hessen Mobil – Straßen- und Verkehrsmanagement", "Kreisausschuss des Hochtaunuskreises", "Deutsche Telekom Technik GmbH", "Wasserverband Usingen", "Landesamt für Denkmalpflege Hessen"];
const DOCUMENTS = ["Begründung", "Planzeichnung", "Umweltbericht", "Textliche Festsetzungen", "Schalltechnisches Gutachten", "Verkehrsgutachten"];
const TOPICS = ["Verkehr", "Lärmschutz", "Naturschutz", "Entwässerung", "Stellplätze", "Gebäudehöhe", "Grünflächen", "Denkmalschutz", "Klimaschutz"];
const SENTENCES = [
  "Die geplante Erschließung über die Mühlbachstraße führt zu erheblichem Durchgangsverkehr in einem reinen Wohngebiet.",
  "Wir bitten darum, die zulässige Gebäudehöhe im Übergang zur bestehenden Bebauung auf zwei Vollgeschosse zu begrenzen.",
  "Das schalltechnische Gutachten berücksichtigt die Spitzenbelastung während der Schulzeiten nicht ausreichend.",
  "Der Bachlauf ist als „gesetzlich geschütztes Biotop“ zu erhalten; ein Gewässerrandstreifen von zehn Metern ist einzuhalten.",
  "Die Anzahl der Stellplätze je Wohneinheit erscheint zu gering – schon heute wird in den Seitenstraßen beidseitig geparkt.",
  "Für die Versickerung des Niederschlagswassers fehlen belastbare Bodenuntersuchungen.",
  "Die Kosten für den Ausbau der Kreuzung (ca. 450.000 €) dürfen nicht auf die Anlieger umgelegt werden.",
  "Aus Sicht der Denkmalpflege ist die Sichtachse auf die Hugenottenkirche freizuhalten.",
  "Die Dachbegrünung sollte für alle Flachdächer über 50 m² verbindlich festgesetzt werden.",
  "Es wird angeregt, einen Fußweg entlang des Mühlbachs als öffentliche Grünfläche festzusetzen.",
  "Größere Bäume auf den Grundstücken Nr. 12 bis 18 sind als zu erhalten festzusetzen.",
  "Die Stellungnahme vom 3. Dezember bleibt in vollem Umfang aufrechterhalten.",
];

/** Sentences up to `length` characters, with a paragraph break now and then. */
function text(random: () => number, length: number): string {
  let out = "";
  while (out.length < length) {
    const sentence = SENTENCES[Math.floor(random() * SENTENCES.length)]!;
    const separator = out === "" ? "" : random() < 0.15 ? "\n\n" : " ";
    out += separator + sentence;
  }
  return out.slice(0, length).trimEnd();
}

/** A small, fast, seedable pseudo-random generator (not for security). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
