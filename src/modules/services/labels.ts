/** German labels of the catalogue's areas and life situations (keys as in the published schema). */

export const AREA_LABELS: Record<string, string> = {
  meldewesen: "Meldewesen",
  "pass-ausweis": "Pass und Personalausweis",
  ordnungsamt: "Ordnungsamt",
  friedhof: "Friedhöfe und Trauerfälle",
  abfall: "Abfallentsorgung",
  standesamt: "Standesamt",
  steuern: "Steuern und Abgaben",
  wahlen: "Wahlen",
  kinderbetreuung: "Kinderbetreuung",
  bauen: "Bauen",
  soziales: "Soziales",
};

export const LIFE_SITUATION_LABELS: Record<string, string> = {
  umzug: "Umzug",
  geburt: "Geburt",
  heirat: "Heirat",
  todesfall: "Todesfall",
  reisen: "Reisen",
  hund: "Hund",
  veranstaltung: "Veranstaltung",
  "bauen-wohnen": "Bauen und Wohnen",
  wahlen: "Wahlen",
  familie: "Familie",
  unternehmen: "Unternehmen",
  "verlust-diebstahl": "Verlust und Diebstahl",
  "garten-umwelt": "Garten und Umwelt",
  fahrzeug: "Fahrzeug",
};

export const AREA_KEYS = Object.keys(AREA_LABELS);
export const LIFE_SITUATION_KEYS = Object.keys(LIFE_SITUATION_LABELS);

/** What a citizen needs to log in with for a trust level (shown next to the trust label). */
export const LOGIN_HINTS: Record<string, string> = {
  none: "Sie können den Antrag ohne Anmeldung stellen.",
  basic: "Sie melden sich mit einem Servicekonto an, zum Beispiel mit Benutzername und Passwort der BundID.",
  substantial: "Sie melden sich mit einem Servicekonto an, mindestens mit einem ELSTER-Zertifikat oder dem Online-Ausweis (BundID).",
  high: "Sie melden sich mit dem Online-Ausweis (eID-Funktion des Personalausweises) über die BundID an.",
};

/** "8,00 €" (with a non-breaking space before the sign), "1.234,50 €". */
export function formatEuro(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const euros = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${negative ? "-" : ""}${euros},${String(abs % 100).padStart(2, "0")}\u00a0€`;
}

/** "12,50", "12", "1.234,50 €", "12.50 Euro" → cents; undefined when it is not an amount. */
export function parseEuro(text: string): number | undefined {
  let s = text.trim().replace(/\s*(€|EUR|Euro)$/i, "").trim();
  if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+([,.]\d{1,2})?$/.test(s)) return undefined;
  if (/,/.test(s) || /^\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, "").replace(",", ".");
  const value = Math.round(Number(s) * 100);
  return Number.isSafeInteger(value) && value >= 0 && value <= 100_000_000 ? value : undefined;
}
