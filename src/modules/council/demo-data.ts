/**
 * Invented people, places and parties of the demo councils of Usingen and Neu-Anspach. Every
 * person is made up; addresses of rooms other than the town halls are invented; contact data
 * uses example.org and the telephone range the Bundesnetzagentur keeps free for fiction.
 */

export type FactionKey = "cdu" | "spd" | "gruene" | "fdp" | "fw" | "afd";

export interface FactionData {
  key: FactionKey;
  /** the faction's organisation name */
  name: string;
  shortName: string;
  /** the party as written on a person */
  party: string;
  seats: number;
  /** in the Magistrat (ehrenamtliche Stadträte) */
  magistratSeats: number;
  /** governing coalition: usually votes with the Magistrat's proposals */
  coalition: boolean;
}

export interface LocationData {
  key: "saal" | "magistrat" | "halle" | "ortsteil";
  description: string;
  room: string;
  streetAddress: string;
  postalCode: string;
  locality: string;
}

export interface NamedPerson {
  givenName: string;
  familyName: string;
  gender: "female" | "male";
  title?: string;
}

export interface TownData {
  slug: string;
  name: string;
  postalCode: string;
  stadtteile: string[];
  streets: string[];
  /** Bebauungspläne: number and name */
  bplans: { n: string; name: string }[];
  kitas: string[];
  vereine: string[];
  /** Dorfgemeinschafts- und Bürgerhäuser */
  halls: string[];
  locations: LocationData[];
  factions: FactionData[];
  departments: { finanzen: string; bau: string; soziales: string; zentral: string; ordnung: string; gremien: string };
  mayor: NamedPerson & { party: string };
  /** the person the demo login mandat@… belongs to: Stadtverordnetenversammlung and Haupt- und Finanzausschuss */
  member: NamedPerson & { faction: FactionKey };
  ortsbeirat?: { name: string; stadtteil: string; seats: number; location: LocationData["key"] };
  /** seed of the town's random numbers (names, votes, attendance) */
  seed: number;
}

export const TERM = { name: "Wahlperiode 2026–2031", startDate: "2026-04-01", endDate: "2031-03-31", electionDate: "2026-03-15" };

export const COMMITTEES = [
  { key: "hfa", name: "Haupt- und Finanzausschuss", shortName: "HFA", genitive: "des Haupt- und Finanzausschusses" },
  { key: "bau", name: "Bau-, Planungs- und Umweltausschuss", shortName: "BPU", genitive: "des Bau-, Planungs- und Umweltausschusses" },
  { key: "soz", name: "Ausschuss für Soziales, Jugend, Kultur und Sport", shortName: "SJKS", genitive: "des Ausschusses für Soziales, Jugend, Kultur und Sport" },
  { key: "svd", name: "Ausschuss für Stadtentwicklung, Verkehr und Digitales", shortName: "SVD", genitive: "des Ausschusses für Stadtentwicklung, Verkehr und Digitales" },
] as const;
export type CommitteeKey = (typeof COMMITTEES)[number]["key"];

export const USINGEN: TownData = {
  slug: "usingen",
  name: "Usingen",
  postalCode: "61250",
  stadtteile: ["Eschbach", "Kransberg", "Merzhausen", "Michelbach", "Wernborn", "Wilhelmsdorf"],
  streets: ["Weilburger Straße", "Obergasse", "Neutorstraße", "Zitzergasse", "Kreuzgasse", "Schlappgasse", "Hattsteiner Allee", "Am Riedborn", "Kransberger Straße", "Eschbacher Weg", "Wernborner Straße", "Am Schäferborn"],
  bplans: [
    { n: "61", name: "Am Riedborn II" },
    { n: "63", name: "Schleichenbach-Süd" },
    { n: "64", name: "Alte Ziegelei" },
    { n: "66", name: "Gewerbegebiet Kransberger Straße" },
    { n: "67", name: "Im Kirschgarten" },
    { n: "68", name: "Ortsmitte Eschbach" },
    { n: "70", name: "Wohnen am Stadtpark" },
  ],
  kitas: ["Kita Sonnenschein", "Kita Regenbogen", "Kita Kleine Strolche", "Waldkindergarten Eschbach", "Kita Am Schlossgarten"],
  vereine: ["TSG Usingen", "FC Eschbach", "Musikverein Wernborn", "Heimat- und Geschichtsverein Usingen", "Freiwillige Feuerwehr Kransberg", "Tennisclub Usingen"],
  halls: ["Bürgerhaus Eschbach", "Dorfgemeinschaftshaus Wernborn", "Dorfgemeinschaftshaus Michelbach", "Stadthalle Usingen"],
  locations: [
    { key: "saal", description: "Rathaus Usingen, Sitzungssaal", room: "Sitzungssaal (1. OG)", streetAddress: "Wilhelmjstraße 1", postalCode: "61250", locality: "Usingen" },
    { key: "magistrat", description: "Rathaus Usingen, Magistratszimmer", room: "Magistratszimmer (Raum 204)", streetAddress: "Wilhelmjstraße 1", postalCode: "61250", locality: "Usingen" },
    { key: "halle", description: "Stadthalle Usingen, Großer Saal", room: "Großer Saal", streetAddress: "Hugenottenweg 3", postalCode: "61250", locality: "Usingen" },
    { key: "ortsteil", description: "Bürgerhaus Eschbach, Vereinsraum", room: "Vereinsraum", streetAddress: "Am Lindenplatz 2", postalCode: "61250", locality: "Usingen-Eschbach" },
  ],
  factions: [
    { key: "cdu", name: "CDU-Fraktion", shortName: "CDU", party: "CDU", seats: 12, magistratSeats: 3, coalition: true },
    { key: "spd", name: "SPD-Fraktion", shortName: "SPD", party: "SPD", seats: 8, magistratSeats: 2, coalition: false },
    { key: "gruene", name: "Fraktion BÜNDNIS 90/DIE GRÜNEN", shortName: "GRÜNE", party: "BÜNDNIS 90/DIE GRÜNEN", seats: 6, magistratSeats: 1, coalition: true },
    { key: "fw", name: "FWG-Fraktion", shortName: "FWG", party: "FWG", seats: 5, magistratSeats: 1, coalition: true },
    { key: "fdp", name: "FDP-Fraktion", shortName: "FDP", party: "FDP", seats: 3, magistratSeats: 1, coalition: false },
    { key: "afd", name: "AfD-Fraktion", shortName: "AfD", party: "AfD", seats: 3, magistratSeats: 0, coalition: false },
  ],
  departments: {
    finanzen: "Fachbereich Finanzen",
    bau: "Fachbereich Bauen und Umwelt",
    soziales: "Fachbereich Kinder, Jugend und Soziales",
    zentral: "Hauptamt",
    ordnung: "Ordnungsamt",
    gremien: "Büro der Stadtverordnetenversammlung",
  },
  mayor: { givenName: "Andreas", familyName: "Kellermann", gender: "male", party: "parteilos" },
  member: { givenName: "Miriam", familyName: "Hartwig", gender: "female", faction: "spd" },
  ortsbeirat: { name: "Ortsbeirat Eschbach", stadtteil: "Eschbach", seats: 7, location: "ortsteil" },
  seed: 61250,
};

export const NEU_ANSPACH: TownData = {
  slug: "neu-anspach",
  name: "Neu-Anspach",
  postalCode: "61267",
  stadtteile: ["Anspach", "Hausen-Arnsbach", "Rod am Berg", "Westerfeld"],
  streets: ["Bahnhofstraße", "Schubertstraße", "Feldbergstraße", "Usinger Straße", "Am Weiher", "Saalburgstraße", "Heisterbachstraße", "Gustav-Heinemann-Straße", "Raiffeisenstraße", "Rathausplatz", "Brunnenweg", "Im Wiesengrund"],
  bplans: [
    { n: "A 41", name: "Westerfeld-Ost" },
    { n: "A 42", name: "Am Heisterbach" },
    { n: "H 17", name: "Hausen-Arnsbach Nord" },
    { n: "R 9", name: "Rod am Berg – Ortsmitte" },
    { n: "A 44", name: "Gewerbepark Saalburgstraße" },
    { n: "A 45", name: "Quartier am Bahnhof" },
    { n: "W 12", name: "Im Wiesengrund" },
  ],
  kitas: ["Kita Pusteblume", "Kita Zwergenland", "Kita Arche Noah", "Kita Sternschnuppe", "Naturkindergarten Rod am Berg"],
  vereine: ["SG Anspach", "TV Westerfeld", "Gesangverein Hausen-Arnsbach", "Reit- und Fahrverein Neu-Anspach", "Freiwillige Feuerwehr Rod am Berg", "Schwimmverein Neu-Anspach"],
  halls: ["Bürgerhaus Neu-Anspach", "Dorfgemeinschaftshaus Westerfeld", "Dorfgemeinschaftshaus Rod am Berg", "Bürgerhaus Hausen-Arnsbach"],
  locations: [
    { key: "saal", description: "Rathaus Neu-Anspach, Sitzungssaal", room: "Sitzungssaal (2. OG)", streetAddress: "Bahnhofstraße 26", postalCode: "61267", locality: "Neu-Anspach" },
    { key: "magistrat", description: "Rathaus Neu-Anspach, Magistratssaal", room: "Magistratssaal (Raum 2.14)", streetAddress: "Bahnhofstraße 26", postalCode: "61267", locality: "Neu-Anspach" },
    { key: "halle", description: "Bürgerhaus Neu-Anspach, Saal Feldberg", room: "Saal Feldberg", streetAddress: "Schubertstraße 32", postalCode: "61267", locality: "Neu-Anspach" },
    { key: "ortsteil", description: "Dorfgemeinschaftshaus Westerfeld", room: "Kleiner Saal", streetAddress: "Am Weiher 4", postalCode: "61267", locality: "Neu-Anspach-Westerfeld" },
  ],
  factions: [
    { key: "spd", name: "SPD-Fraktion", shortName: "SPD", party: "SPD", seats: 11, magistratSeats: 3, coalition: true },
    { key: "cdu", name: "CDU-Fraktion", shortName: "CDU", party: "CDU", seats: 10, magistratSeats: 2, coalition: false },
    { key: "gruene", name: "Fraktion BÜNDNIS 90/DIE GRÜNEN", shortName: "GRÜNE", party: "BÜNDNIS 90/DIE GRÜNEN", seats: 6, magistratSeats: 1, coalition: true },
    { key: "fw", name: "UWG-Fraktion", shortName: "UWG", party: "UWG", seats: 4, magistratSeats: 1, coalition: false },
    { key: "fdp", name: "FDP-Fraktion", shortName: "FDP", party: "FDP", seats: 3, magistratSeats: 1, coalition: true },
    { key: "afd", name: "AfD-Fraktion", shortName: "AfD", party: "AfD", seats: 3, magistratSeats: 0, coalition: false },
  ],
  departments: {
    finanzen: "Fachbereich 2 – Finanzen",
    bau: "Fachbereich 5 – Planen, Bauen und Umwelt",
    soziales: "Fachbereich 4 – Soziales, Kinder und Familie",
    zentral: "Fachbereich 1 – Zentrale Dienste",
    ordnung: "Fachbereich 3 – Bürgerservice und Ordnung",
    gremien: "Fachbereich 1 – Zentrale Dienste (Gremienbüro)",
  },
  mayor: { givenName: "Sabine", familyName: "Görlach", gender: "female", party: "SPD" },
  member: { givenName: "Jonas", familyName: "Weidmann", gender: "male", faction: "cdu" },
  seed: 61267,
};

export const DEMO_TOWNS: TownData[] = [USINGEN, NEU_ANSPACH];

/** Demo staff logins of the council module (documented in the README). */
export const DEMO_COUNCIL_LOGINS = [
  { tenant: "usingen", kind: "sitzungsdienst", email: "sitzungsdienst@usingen.example", password: "Sitzungsdienst-Demo-2026", name: "Svenja Sitzungsdienst (Usingen)" },
  { tenant: "usingen", kind: "mandat", email: "mandat@usingen.example", password: "Mandat-Demo-2026", name: "Miriam Hartwig (Stadtverordnete, Usingen)" },
  { tenant: "neu-anspach", kind: "sitzungsdienst", email: "sitzungsdienst@neu-anspach.example", password: "Sitzungsdienst-Demo-2026", name: "Stefan Sitzungsdienst (Neu-Anspach)" },
  { tenant: "neu-anspach", kind: "mandat", email: "mandat@neu-anspach.example", password: "Mandat-Demo-2026", name: "Jonas Weidmann (Stadtverordneter, Neu-Anspach)" },
] as const;

export const FEMALE_NAMES = [
  "Anna", "Birgit", "Claudia", "Daniela", "Elke", "Franziska", "Gabriele", "Heike", "Ines", "Julia", "Karin", "Laura", "Monika", "Nadine", "Petra", "Renate",
  "Sandra", "Tanja", "Ursula", "Verena", "Yvonne", "Christiane", "Sophie", "Lea", "Katrin", "Silke", "Martina", "Jutta", "Esra", "Marta", "Hannah", "Doris",
];
export const MALE_NAMES = [
  "Alexander", "Bernd", "Christian", "Dieter", "Erik", "Frank", "Günter", "Holger", "Jan", "Jürgen", "Klaus", "Lukas", "Markus", "Norbert", "Oliver", "Peter",
  "Ralf", "Stefan", "Thomas", "Uwe", "Volker", "Wolfgang", "Tobias", "Matthias", "Kemal", "Felix", "Dirk", "Rainer", "Hans-Jürgen", "Karl-Heinz", "Niklas", "Sebastian",
];
export const FAMILY_NAMES = [
  "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
  "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Köhler", "Herrmann",
  "Walter", "König", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Keller", "Roth", "Frank",
  "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Ludwig", "Winter", "Simon", "Böhm", "Schuster", "Kraus", "Heinrich", "Seibert", "Dietz", "Reuter",
  "Kunz", "Stein", "Gerlach", "Jäger", "Ott", "Heil", "Brück", "Emmel", "Kilb", "Wenzel", "Yılmaz", "Nowak", "Sauer", "Bender", "Eckhardt", "Pfeiffer",
];

/** Small deterministic random numbers (mulberry32): the same town gets the same people every time. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** "Jürgen Weiß" → "juergen.weiss@example.org" */
export function exampleEmail(givenName: string, familyName: string): string {
  const ascii = (s: string) =>
    s
      .toLowerCase()
      .replace(/ä/g, "ae")
      .replace(/ö/g, "oe")
      .replace(/ü/g, "ue")
      .replace(/ß/g, "ss")
      .replace(/ı/g, "i")
      .normalize("NFD")
      .replace(/[^a-z-]/g, "");
  return `${ascii(givenName)}.${ascii(familyName)}@example.org`;
}

/** Seats of a committee by the Hare-Niemeyer method (largest remainder), as many Hessian Hauptsatzungen prescribe. */
export function hareNiemeyer(factions: { key: FactionKey; seats: number }[], size: number): Map<FactionKey, number> {
  const total = factions.reduce((s, f) => s + f.seats, 0);
  const quotas = factions.map((f) => ({ key: f.key, q: (f.seats * size) / total }));
  const out = new Map(quotas.map((x) => [x.key, Math.floor(x.q)]));
  let left = size - [...out.values()].reduce((s, n) => s + n, 0);
  for (const x of [...quotas].sort((a, b) => b.q - Math.floor(b.q) - (a.q - Math.floor(a.q)))) {
    if (left-- <= 0) break;
    out.set(x.key, out.get(x.key)! + 1);
  }
  return out;
}
