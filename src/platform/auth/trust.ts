/** The platform's one trust scale for citizen logins (eIDAS-like levels). */
export const TRUST_LEVELS = ["none", "basic", "substantial", "high"] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

export const TRUST_LABELS: Record<TrustLevel, string> = {
  none: "ohne Anmeldung",
  basic: "Benutzername und Passwort (niedrig)",
  substantial: "substanziell, z. B. ELSTER-Zertifikat",
  high: "hoch, z. B. Online-Ausweis (eID)",
};

export function isTrustLevel(v: unknown): v is TrustLevel {
  return typeof v === "string" && (TRUST_LEVELS as readonly string[]).includes(v);
}

/** Does `have` satisfy `need`? */
export function meetsTrust(have: TrustLevel, need: TrustLevel): boolean {
  return TRUST_LEVELS.indexOf(have) >= TRUST_LEVELS.indexOf(need);
}

/** BundID's default mapping of STORK-QAA levels (configurable per provider). */
export const DEFAULT_STORK_MAPPING: Record<string, TrustLevel> = {
  "STORK-QAA-Level-1": "basic",
  "STORK-QAA-Level-2": "basic",
  "STORK-QAA-Level-3": "substantial",
  "STORK-QAA-Level-4": "high",
};

/** The STORK level to request for a needed trust level. */
export function storkLevelFor(need: TrustLevel, mapping: Record<string, TrustLevel> = DEFAULT_STORK_MAPPING): string {
  const candidates = Object.entries(mapping).filter(([, level]) => meetsTrust(level, need === "none" ? "basic" : need));
  candidates.sort((a, b) => a[0].localeCompare(b[0]));
  return candidates[0]?.[0] ?? "STORK-QAA-Level-1";
}
