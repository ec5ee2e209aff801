/**
 * German labels for the XPlanung enumerations an import shows to staff: planArt, verfahren and
 * rechtsstand of BP_Plan and FP_Plan (XPlanung 5.x and 6.0; codes marked "6.0" are new there),
 * and the type of external references (XP_ExterneReferenzTyp). A code we do not know is shown
 * as "Code NNNN" rather than refused: newer minor versions add codes.
 */

export interface XPlanCode {
  code: string;
  /** German, e.g. "Öffentliche Auslegung" */
  label: string;
}

type Table = Readonly<Record<string, string>>;

const BP_PLAN_ART: Table = {
  "1000": "Bebauungsplan",
  "10000": "Einfacher Bebauungsplan",
  "10001": "Qualifizierter Bebauungsplan",
  "10002": "Bebauungsplan zur Wohnraumversorgung", // 6.0
  "3000": "Vorhabenbezogener Bebauungsplan",
  "3100": "Vorhaben- und Erschließungsplan",
  "4000": "Innenbereichssatzung",
  "40000": "Klarstellungssatzung",
  "40001": "Entwicklungssatzung",
  "40002": "Ergänzungssatzung",
  "5000": "Außenbereichssatzung",
  "7000": "Örtliche Bauvorschrift",
  "9999": "Sonstige Planart",
};

const FP_PLAN_ART: Table = {
  "1000": "Flächennutzungsplan",
  "2000": "Gemeinsamer Flächennutzungsplan",
  "3000": "Regionaler Flächennutzungsplan",
  "4000": "Flächennutzungsplan mit Regionalplan",
  "8000": "Sachlicher Teilflächennutzungsplan",
  "9999": "Sonstige Planart",
};

const BP_VERFAHREN: Table = {
  "1000": "Normales Verfahren",
  "2000": "Vereinfachtes Verfahren (§ 13 BauGB)",
  "3000": "Beschleunigtes Verfahren (§ 13a BauGB)",
  "4000": "Verfahren nach § 13b BauGB",
};

const FP_VERFAHREN: Table = {
  "1000": "Normales Verfahren",
  "2000": "Vereinfachtes Verfahren (§ 13 BauGB)",
};

/** The steps up to "Öffentliche Auslegung" are the same for both plan kinds. */
const PROCEDURE_STEPS: Table = {
  "1000": "Aufstellungsbeschluss",
  "2000": "Entwurf",
  "2100": "Frühzeitige Behördenbeteiligung",
  "2200": "Frühzeitige Öffentlichkeitsbeteiligung",
  "2250": "Entwurfsbeschluss", // 6.0
  "2300": "Behördenbeteiligung",
  "2400": "Öffentliche Auslegung",
};

const BP_RECHTSSTAND: Table = {
  ...PROCEDURE_STEPS,
  "3000": "Satzung",
  "4000": "In Kraft getreten",
  "4500": "Teilweise untergegangen",
  "45000": "Teilweise aufgehoben", // 6.0
  "45001": "Teilweise außer Kraft", // 6.0
  "5000": "Untergegangen",
  "50000": "Aufgehoben",
  "50001": "Außer Kraft",
};

const FP_RECHTSSTAND: Table = {
  ...PROCEDURE_STEPS,
  "3000": "Plan",
  "4000": "Wirksam",
  "5000": "Untergegangen",
  "50000": "Aufgehoben",
  "50001": "Außer Kraft",
};

/** XP_ExterneReferenzTyp: what a referenced document is. */
const REFERENCE_TYPE: Table = {
  "1000": "Beschreibung",
  "1010": "Begründung",
  "1020": "Legende",
  "1030": "Rechtsplan",
  "1040": "Plangrundlage",
  "1050": "Umweltbericht",
  "1060": "Satzung",
  "1065": "Verordnung",
  "1070": "Karte",
  "1080": "Erläuterung",
  "1090": "Zusammenfassende Erklärung",
  "2000": "Koordinatenliste",
  "2100": "Grundstücksverzeichnis",
  "2200": "Pflanzliste",
  "2300": "Grünordnungsplan",
  "2400": "Erschließungsvertrag",
  "2500": "Durchführungsvertrag",
  "2600": "Städtebaulicher Vertrag",
  "2700": "Umweltbezogene Stellungnahmen",
  "2800": "Beschluss",
  "2900": "Vorhaben- und Erschließungsplan",
  "3000": "Metadaten des Plans",
  "4000": "Genehmigung",
  "5000": "Bekanntmachung",
  "6000": "Schutzgebietsverordnung", // 6.0
  "9998": "Rechtsverbindliches Dokument",
  "9999": "Informelles Dokument",
};

/**
 * XPlanung 4.x-style reference properties (refBegruendung …), still met in files converted
 * from older versions: the element name says the type.
 */
export const REFERENCE_ELEMENT_TYPE: Readonly<Record<string, string>> = {
  refBeschreibung: "1000",
  refBegruendung: "1010",
  refLegende: "1020",
  refRechtsplan: "1030",
  refPlangrundlage: "1040",
  refUmweltbericht: "1050",
  refSatzung: "1060",
  refKarte: "1070",
  refErlaeuterung: "1080",
  refZusammenfassendeErklaerung: "1090",
  refKoordinatenListe: "2000",
  refGrundstuecksverzeichnis: "2100",
  refPflanzliste: "2200",
  refGruenordnungsplan: "2300",
  refErschliessungsvertrag: "2400",
  refDurchfuehrungsvertrag: "2500",
  refStaedtebaulicherVertrag: "2600",
  refUmweltbezogeneStellungnahmen: "2700",
  refBeschluss: "2800",
  refVorhabenUndErschliessungsplan: "2900",
  refMetadatenPlan: "3000",
};

export type CodeKind = "planArt" | "verfahren" | "rechtsstand";

const TABLES: Record<string, Record<CodeKind, Table>> = {
  BP_Plan: { planArt: BP_PLAN_ART, verfahren: BP_VERFAHREN, rechtsstand: BP_RECHTSSTAND },
  FP_Plan: { planArt: FP_PLAN_ART, verfahren: FP_VERFAHREN, rechtsstand: FP_RECHTSSTAND },
};

const unknown = (code: string): string => (/^\d+$/.test(code) ? `Code ${code}` : code);

/**
 * The label of a plan code. Plan classes other than BP_Plan and FP_Plan (SO, RP, LP) use their
 * own lists, which we do not carry: their codes come back as "Code NNNN" (or as the text, for
 * code lists whose values are words).
 */
export function planCode(planClass: string, kind: CodeKind, code: string): XPlanCode {
  const label = TABLES[planClass]?.[kind][code];
  return { code, label: label ?? unknown(code) };
}

/** The label of an XP_ExterneReferenzTyp code. */
export function referenceTypeLabel(code: string): string {
  return REFERENCE_TYPE[code] ?? unknown(code);
}
