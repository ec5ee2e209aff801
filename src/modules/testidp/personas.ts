import type { TrustLevel } from "../../platform/auth/trust.js";

/**
 * The fictitious people the test identity provider can log in. Erika Mustermann carries the
 * sample data printed on the German identity card; everything else is made up. The subjects
 * are fixed so a persona keeps "her" citizen account across restarts and installations.
 */
export interface Persona {
  /** form value and URL key */
  key: string;
  /** shown on the chooser */
  label: string;
  /** how this persona "authenticates", shown on the chooser */
  method: string;
  storkLevel: "STORK-QAA-Level-1" | "STORK-QAA-Level-2" | "STORK-QAA-Level-3" | "STORK-QAA-Level-4";
  acr: "urn:rathaus:loa:basic" | "urn:rathaus:loa:substantial" | "urn:rathaus:loa:high";
  trust: Exclude<TrustLevel, "none">;
  /** OIDC authentication method references (RFC 8176) */
  amr: string[];
  /** bPK2-like subject for SAML (BundID) */
  bpk2: string;
  /** `sub` for OIDC */
  oidcSub: string;
  givenName: string;
  surname: string;
  /** ISO date */
  birthDate?: string;
  placeOfBirth?: string;
  address: { street: string; postalCode: string; city: string; country: string };
  email: string;
  /** BundID postbox reference (Postfachreferenz) */
  postboxReference?: string;
  /** set for a business account: the organisation the person acts for */
  organisationName?: string;
}

export const PERSONAS: readonly Persona[] = [
  {
    key: "erika",
    label: "Erika Mustermann",
    method: "Online-Ausweis (eID)",
    storkLevel: "STORK-QAA-Level-4",
    acr: "urn:rathaus:loa:high",
    trust: "high",
    amr: ["hwk", "pin"],
    bpk2: "30z4qllzVQrsBt52xYSmd6NWbb/V",
    oidcSub: "61fcacc9-1ce8-4962-aa9b-5d3f7af01c35",
    givenName: "Erika",
    surname: "Mustermann",
    birthDate: "1964-08-12",
    placeOfBirth: "Berlin",
    address: { street: "Heidestraße 17", postalCode: "51147", city: "Köln", country: "DE" },
    email: "erika.mustermann@example.org",
    postboxReference: "0465eeeb03bdabe49534be2f50d66d39",
  },
  {
    key: "max",
    label: "Max Mustermann",
    method: "Benutzername und Passwort",
    storkLevel: "STORK-QAA-Level-1",
    acr: "urn:rathaus:loa:basic",
    trust: "basic",
    amr: ["pwd"],
    bpk2: "9XKpelQDzLb4dyPjy2zlR43u2M0j",
    oidcSub: "7fd6fbd2-2f41-45c6-a790-0d73ffaf65fd",
    givenName: "Max",
    surname: "Mustermann",
    address: { street: "Musterweg 5", postalCode: "61250", city: "Usingen", country: "DE" },
    email: "max.mustermann@example.org",
    postboxReference: "e9cbf8ac45ad55f92daf249853c84fbb",
  },
  {
    key: "musterfirma",
    label: "Jonas Beispiel für Musterfirma GmbH",
    method: "ELSTER-Unternehmenskonto (Zertifikat)",
    storkLevel: "STORK-QAA-Level-3",
    acr: "urn:rathaus:loa:substantial",
    trust: "substantial",
    amr: ["swk", "pin"],
    bpk2: "iLoF83Q28B70m6CjgtD/nOcXK3dG",
    oidcSub: "d174c8ff-5ca4-4b09-814e-9f71af0ac9cf",
    givenName: "Jonas",
    surname: "Beispiel",
    address: { street: "Industriestraße 3", postalCode: "61267", city: "Neu-Anspach", country: "DE" },
    email: "jonas.beispiel@musterfirma.example",
    postboxReference: "2917aebaa0690feb7aaf5901412a37f4",
    organisationName: "Musterfirma GmbH",
  },
];

/**
 * Staff of the demo municipalities, as a town hall's own directory (Keycloak, Active Directory)
 * would log them in: for staff single sign-on over OpenID Connect only — offered on the OIDC
 * page when the client is a municipality's staff provider, never on the BundID page. Their
 * addresses are those of the demo staff accounts; acr "substantial" stands for a login with a
 * second factor at the directory.
 */
export const STAFF_PERSONAS: readonly Persona[] = [
  {
    key: "petra",
    label: "Petra Verwaltung (Stadt Usingen)",
    method: "Konto der Stadtverwaltung mit zweitem Faktor",
    storkLevel: "STORK-QAA-Level-3",
    acr: "urn:rathaus:loa:substantial",
    trust: "substantial",
    amr: ["pwd", "otp", "mfa"],
    bpk2: "pV8qTz4mWc1sNe7hRy2bLu0kXa3d",
    oidcSub: "3b0c6f6e-5d0a-4c39-9a51-7f1e2d8c4a10",
    givenName: "Petra",
    surname: "Verwaltung",
    address: { street: "Wilhelmjstraße 1", postalCode: "61250", city: "Usingen", country: "DE" },
    email: "verwaltung@usingen.example",
  },
  {
    key: "nils",
    label: "Nils Verwaltung (Stadt Neu-Anspach)",
    method: "Konto der Stadtverwaltung mit zweitem Faktor",
    storkLevel: "STORK-QAA-Level-3",
    acr: "urn:rathaus:loa:substantial",
    trust: "substantial",
    amr: ["pwd", "otp", "mfa"],
    bpk2: "nA5rKd8wQe2tJm6yHs9cVb1pZf4g",
    oidcSub: "9e4d2a71-0c8b-4f36-b2d5-6a1f3e7c9b24",
    givenName: "Nils",
    surname: "Verwaltung",
    address: { street: "Bahnhofstraße 26", postalCode: "61267", city: "Neu-Anspach", country: "DE" },
    email: "verwaltung@neu-anspach.example",
  },
];

/** A citizen persona (`staff`: a staff persona too, for a staff provider's client). */
export function personaByKey(key: unknown, opts: { staff?: boolean } = {}): Persona | undefined {
  return PERSONAS.find((p) => p.key === key) ?? (opts.staff ? STAFF_PERSONAS.find((p) => p.key === key) : undefined);
}

/** Any persona by its OIDC subject (the provider looks accounts up by `sub` alone). */
export function personaBySub(sub: string): Persona | undefined {
  return PERSONAS.find((p) => p.oidcSub === sub) ?? STAFF_PERSONAS.find((p) => p.oidcSub === sub);
}

/** STORK-QAA levels in ascending order; the number is the level. */
export const STORK_LEVELS = ["STORK-QAA-Level-1", "STORK-QAA-Level-2", "STORK-QAA-Level-3", "STORK-QAA-Level-4"] as const;

export function storkRank(level: string): number {
  return (STORK_LEVELS as readonly string[]).indexOf(level) + 1;
}

/** The acr values of the OIDC side, in ascending order. */
export const ACR_VALUES = ["urn:rathaus:loa:basic", "urn:rathaus:loa:substantial", "urn:rathaus:loa:high"] as const;

export function acrRank(acr: string): number {
  return (ACR_VALUES as readonly string[]).indexOf(acr) + 1;
}

export const ACR_TRUST: Record<(typeof ACR_VALUES)[number], Exclude<TrustLevel, "none">> = {
  "urn:rathaus:loa:basic": "basic",
  "urn:rathaus:loa:substantial": "substantial",
  "urn:rathaus:loa:high": "high",
};
