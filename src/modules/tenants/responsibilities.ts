import type { ResponsibilityKey } from "./seed-types.js";

/** German labels of the shared responsibility keys. */
export const RESPONSIBILITY_LABELS: Record<ResponsibilityKey, string> = {
  meldewesen: "Meldewesen",
  "pass-ausweis": "Pass und Personalausweis",
  ordnungsamt: "Ordnungsamt",
  gewerbe: "Gewerbe",
  friedhof: "Friedhöfe und Trauerfälle",
  abfall: "Abfallentsorgung",
  standesamt: "Standesamt",
  steuern: "Steuern und Abgaben",
  wahlen: "Wahlen",
  kinderbetreuung: "Kinderbetreuung",
  bauamt: "Bauen",
  planung: "Stadtplanung und Bauleitplanung",
  sitzungsdienst: "Sitzungsdienst",
  presse: "Presse- und Öffentlichkeitsarbeit",
  finanzen: "Finanzen",
  soziales: "Soziales",
};
