/**
 * BundID (the federal citizen account, "Nutzerkonto Bund") on top of plain SAML 2.0:
 * the attribute OIDs it releases, the akdb:AuthenticationRequest extension it expects in the
 * AuthnRequest, and the mapping of released attributes to our CitizenAttributes.
 *
 * Sources (public; the operator's integration guide is only handed out on registration):
 * - the element names, order and namespaces of the extension follow keycloak-extension-bundid
 *   (IT-Systemhaus der Bundesagentur für Arbeit, in production use): AuthenticationRequest carries
 *   `Version="2"` as an XML attribute (not an `akdb:Version` element), then RequestedAttributes,
 *   then DisplayInformation, which wraps a `classic-ui:Version` element in its own namespace
 *   (https://www.akdb.de/request/2018/09/classic-ui/v1) holding OrganizationDisplayName and
 *   OnlineServiceId. One other public client spells the latter `OnlineServiceID`; we follow the
 *   production extension (`OnlineServiceId`).
 * - the OIDs agree across several public BundID integrations (Keycloak mappers, a node-saml
 *   based client, a Ruby client). Where they disagree it is noted below.
 */
import type { SamlProviderConfig, CitizenAttributes } from "../types.js";

export const AKDB_NAMESPACE = "https://www.akdb.de/request/2018/09";
export const AKDB_CLASSIC_UI_NAMESPACE = "https://www.akdb.de/request/2018/09/classic-ui/v1";
/** The akdb:AuthenticationRequest schema version current clients send. */
export const AKDB_REQUEST_VERSION = "2";

/** The attribute OIDs (SAML attribute Name, NameFormat uri) BundID releases. */
export const BUNDID_OID = {
  /** bereichsspezifisches Personenkennzeichen 2: the stable, service-specific subject */
  bPK2: "urn:oid:1.3.6.1.4.1.25484.494450.3",
  givenName: "urn:oid:2.5.4.42",
  surname: "urn:oid:2.5.4.4",
  birthName: "urn:oid:1.2.40.0.10.2.1.1.225566",
  birthDate: "urn:oid:1.2.40.0.10.2.1.1.55",
  placeOfBirth: "urn:oid:1.3.6.1.5.5.7.9.2",
  /** X.520 postalAddress; BundID sends street and house number in it */
  postalAddress: "urn:oid:2.5.4.16",
  /** X.520 street; not in BundID's list, read as a fallback for the street */
  street: "urn:oid:2.5.4.9",
  postalCode: "urn:oid:2.5.4.17",
  locality: "urn:oid:2.5.4.7",
  /** country of the address (nationality is a separate attribute) */
  country: "urn:oid:1.2.40.0.10.2.1.1.225599",
  nationality: "urn:oid:1.2.40.0.10.2.1.1.225577",
  email: "urn:oid:0.9.2342.19200300.100.1.3",
  telephone: "urn:oid:2.5.4.20",
  gender: "urn:oid:1.3.6.1.4.1.33592.1.3.5",
  personalTitle: "urn:oid:0.9.2342.19200300.100.1.40",
  /** the reference of the citizen's BundID postbox (legacy "Postkorb-Handle") */
  postboxHandle: "urn:oid:2.5.4.18",
  /** EID-CITIZEN-QAA-LEVEL: the STORK-QAA level of this login */
  trustLevel: "urn:oid:1.2.40.0.10.2.1.1.261.94",
  /**
   * AssertionProvedBy: the means of identification (e.g. "eID", "Elster"). Most sources give
   * .2; one gives .1 for it as well as for "Version" (an obvious copy error) — we follow .2.
   */
  assertionProvedBy: "urn:oid:1.3.6.1.4.1.25484.494450.2",
} as const;

export type BundIdAttributeKey = keyof typeof BUNDID_OID;

/** German labels for the configuration UI (which attributes a municipality requests). */
export const BUNDID_ATTRIBUTE_LABELS: Record<string, string> = {
  [BUNDID_OID.bPK2]: "Personenkennzeichen (bPK2)",
  [BUNDID_OID.givenName]: "Vorname",
  [BUNDID_OID.surname]: "Familienname",
  [BUNDID_OID.birthName]: "Geburtsname",
  [BUNDID_OID.birthDate]: "Geburtsdatum",
  [BUNDID_OID.placeOfBirth]: "Geburtsort",
  [BUNDID_OID.postalAddress]: "Anschrift (Straße und Hausnummer)",
  [BUNDID_OID.street]: "Straße",
  [BUNDID_OID.postalCode]: "Postleitzahl",
  [BUNDID_OID.locality]: "Wohnort",
  [BUNDID_OID.country]: "Land der Anschrift",
  [BUNDID_OID.nationality]: "Staatsangehörigkeit",
  [BUNDID_OID.email]: "E-Mail-Adresse",
  [BUNDID_OID.telephone]: "Telefonnummer",
  [BUNDID_OID.gender]: "Geschlecht",
  [BUNDID_OID.personalTitle]: "Akademischer Titel",
  [BUNDID_OID.postboxHandle]: "Postfach-Referenz (BundID-Postfach)",
  [BUNDID_OID.trustLevel]: "Vertrauensniveau der Anmeldung",
  [BUNDID_OID.assertionProvedBy]: "Nachweis durch (Identifizierungsmittel)",
};

/**
 * What a municipality requests unless it configures otherwise: the subject (bPK2) is required;
 * the level attribute is requested too (the level also arrives as AuthnContextClassRef); the rest
 * serves prefill and is optional (BundID then releases what the account has).
 */
export const DEFAULT_REQUESTED_ATTRIBUTES: readonly { oid: string; required: boolean }[] = [
  { oid: BUNDID_OID.bPK2, required: true },
  { oid: BUNDID_OID.trustLevel, required: false },
  { oid: BUNDID_OID.givenName, required: false },
  { oid: BUNDID_OID.surname, required: false },
  { oid: BUNDID_OID.birthDate, required: false },
  { oid: BUNDID_OID.placeOfBirth, required: false },
  { oid: BUNDID_OID.postalAddress, required: false },
  { oid: BUNDID_OID.postalCode, required: false },
  { oid: BUNDID_OID.locality, required: false },
  { oid: BUNDID_OID.country, required: false },
  { oid: BUNDID_OID.email, required: false },
  { oid: BUNDID_OID.postboxHandle, required: false },
];

const STORK_LEVEL = /^STORK-QAA-Level-[1-4]$/;

/**
 * The requested attribute list actually sent: the municipality's list, de-duplicated, with bPK2
 * always present and required (our subject depends on it) and the trust-level attribute always
 * present (the level is checked against it as well as against the AuthnContextClassRef).
 */
export function requestedAttributeList(config: Pick<SamlProviderConfig, "requestedAttributes">): { oid: string; required: boolean }[] {
  const byOid = new Map<string, boolean>();
  for (const a of config.requestedAttributes) {
    const oid = normaliseAttributeName(a.oid);
    if (!oid) continue;
    byOid.set(oid, (byOid.get(oid) ?? false) || a.required === true);
  }
  byOid.set(BUNDID_OID.bPK2, true);
  if (!byOid.has(BUNDID_OID.trustLevel)) byOid.set(BUNDID_OID.trustLevel, false);
  const list = [...byOid].map(([oid, required]) => ({ oid, required }));
  // bPK2 first: it is what identifies the person.
  list.sort((a, b) => Number(b.oid === BUNDID_OID.bPK2) - Number(a.oid === BUNDID_OID.bPK2));
  return list;
}

/**
 * The content of `<samlp:Extensions>` for a BundID AuthnRequest, in node-saml's
 * `samlAuthnRequestExtensions` form (an xmlbuilder object; xmlbuilder escapes text and attributes).
 *
 * `requestedStork` is the level sent in RequestedAuthnContext. The akdb extension has no level
 * element of its own (the level travels only in RequestedAuthnContext, Comparison "minimum"), so
 * it does not appear here; it is checked to be a STORK level or a level of the provider's mapping,
 * which catches a caller passing a platform TrustLevel by mistake.
 */
export function authenticationRequestExtension(config: SamlProviderConfig, requestedStork: string): Record<string, unknown> {
  if (!STORK_LEVEL.test(requestedStork) && !Object.prototype.hasOwnProperty.call(config.trustMapping, requestedStork)) {
    throw new Error(`not a STORK-QAA level of this provider: ${requestedStork}`);
  }
  if (!config.onlineServiceId.trim()) throw new Error("BundID provider has no onlineServiceId");
  if (!config.displayName.trim()) throw new Error("BundID provider has no displayName");
  return {
    "akdb:AuthenticationRequest": {
      "@xmlns:akdb": AKDB_NAMESPACE,
      "@Version": AKDB_REQUEST_VERSION,
      "akdb:RequestedAttributes": {
        "akdb:RequestedAttribute": requestedAttributeList(config).map((a) => ({
          "@Name": a.oid,
          "@RequiredAttribute": a.required ? "true" : "false",
        })),
      },
      "akdb:DisplayInformation": {
        "classic-ui:Version": {
          "@xmlns:classic-ui": AKDB_CLASSIC_UI_NAMESPACE,
          "classic-ui:OrganizationDisplayName": { "#text": config.displayName.trim() },
          "classic-ui:OnlineServiceId": { "#text": config.onlineServiceId.trim() },
        },
      },
    },
  };
}

/**
 * Attribute names as released. BundID's own simulator has been seen to send
 * "urn:oid: 1.2.40.0.10.2.1.1.261.94" (with a blank), so white space is removed.
 */
export function normaliseAttributeName(name: string): string {
  return name.replace(/\s+/g, "");
}

/** The first non-empty string of an attribute value as node-saml hands it over (string, array, or object with `_`). */
function firstString(value: unknown): string | undefined {
  if (typeof value === "string") {
    const v = value.trim();
    return v === "" ? undefined : v;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = firstString(v);
      if (s !== undefined) return s;
    }
    return undefined;
  }
  if (value && typeof value === "object" && "_" in value) return firstString((value as { _: unknown })._);
  return undefined;
}

/**
 * Maps the attributes of a verified assertion (node-saml's `profile.attributes`: Name → value)
 * to our model. `subject` is the bPK2, `stork` the level from the trust-level attribute.
 * Only pass attributes read from the signed, decrypted assertion.
 */
export function attributesFromAssertion(attrs: Record<string, unknown>): { subject?: string; stork?: string; attributes: CitizenAttributes } {
  const byName = new Map<string, unknown>();
  for (const [name, value] of Object.entries(attrs)) byName.set(normaliseAttributeName(name), value);
  const get = (oid: string) => firstString(byName.get(oid));

  const attributes: CitizenAttributes = {};
  const givenName = get(BUNDID_OID.givenName);
  if (givenName) attributes.givenName = givenName;
  const surname = get(BUNDID_OID.surname);
  if (surname) attributes.surname = surname;
  const birthDate = get(BUNDID_OID.birthDate);
  if (birthDate) attributes.birthDate = birthDate;
  const placeOfBirth = get(BUNDID_OID.placeOfBirth);
  if (placeOfBirth) attributes.placeOfBirth = placeOfBirth;
  const email = get(BUNDID_OID.email);
  if (email) attributes.email = email;
  const postbox = get(BUNDID_OID.postboxHandle);
  if (postbox) attributes.postboxHandle = postbox;

  const address: NonNullable<CitizenAttributes["address"]> = {};
  const street = get(BUNDID_OID.postalAddress) ?? get(BUNDID_OID.street);
  if (street) address.street = street;
  const postalCode = get(BUNDID_OID.postalCode);
  if (postalCode) address.postalCode = postalCode;
  const city = get(BUNDID_OID.locality);
  if (city) address.city = city;
  const country = get(BUNDID_OID.country);
  if (country) address.country = country;
  if (Object.keys(address).length > 0) attributes.address = address;

  const result: { subject?: string; stork?: string; attributes: CitizenAttributes } = { attributes };
  const subject = get(BUNDID_OID.bPK2);
  if (subject) result.subject = subject;
  const stork = get(BUNDID_OID.trustLevel);
  if (stork) result.stork = stork;
  return result;
}
