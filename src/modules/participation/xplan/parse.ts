import { planCode, REFERENCE_ELEMENT_TYPE, referenceTypeLabel, type XPlanCode } from "./codes.js";
import { errorAt, XPlanError } from "./errors.js";
import { readScope } from "./gml.js";
import { childrenNamed, childText, fileText, firstChild, parseXml, type XNode } from "./xml.js";

/**
 * XPlanGML import for participation procedures: what a procedure can be prefilled with from a
 * plan exported by the planning office's CAD/GIS (XPlanGML 5.x and 6.x). Everything the file
 * does not say stays null; everything staff should look at again becomes a German warning.
 * Files that cannot be read are refused with an XPlanError that names the problem and the line.
 */

export { XPlanError } from "./errors.js";
export type { XPlanCode } from "./codes.js";

export interface XPlanReference {
  name: string | null;
  /** only absolute http(s) URLs; a local path or a file name in an archive becomes null and a warning */
  url: string | null;
  mimeType: string | null;
  /** XP_ExterneReferenzTyp code, e.g. "1060" */
  type: string | null;
  typeLabel: string | null;
}

export interface XPlanImport {
  /** "5.3", "6.0" … from the root namespace http://www.xplanung.de/xplangml/X/Y */
  version: string;
  /** the feature element: "BP_Plan", "FP_Plan", "SO_Plan", "RP_Plan", "LP_Plan" */
  planClass: string;
  /** suggestion for our plan type */
  planType: "bebauungsplan" | "flaechennutzungsplan" | "aenderung" | "sonstiges";
  name: string;
  /** xplan:nummer of the plan, else of its first Bereich */
  number: string | null;
  /** xplan:beschreibung */
  description: string | null;
  /** XP_Gemeinde (ortsteilName = district) */
  municipalities: { ags: string | null; name: string | null; district: string | null }[];
  planArt: XPlanCode[];
  /** xplan:verfahren of the plan, else of its first Bereich */
  procedure: XPlanCode | null;
  /** xplan:rechtsstand */
  legalState: XPlanCode | null;
  /** every *Datum element of the plan: local name → ISO dates in document order */
  dates: Record<string, string[]>;
  /** xplan:externeReferenz, the older xplan:ref… properties, and xplan:refScan of the plan's Bereiche */
  externalReferences: XPlanReference[];
  /** the raeumlicherGeltungsbereich in WGS84, GeoJSON MultiPolygon [lon, lat] rounded to 7 decimals */
  scope: { type: "MultiPolygon"; coordinates: number[][][][] } | null;
  /** [minLon, minLat, maxLon, maxLat] of scope */
  bbox: [number, number, number, number] | null;
  /** the source CRS, e.g. "EPSG:25832" (null without scope) */
  crs: string | null;
  /** German notes for staff */
  warnings: string[];
}

const XPLAN_NS = /^https?:\/\/www\.xplanung\.de\/xplangml\/(\d+)\/(\d+)\/?$/;
const PLAN = /^[A-Z]{2}_Plan$/;
const BEREICH = /^[A-Z]{2}_Bereich$/;
const SUPPORTED_MAJOR_VERSIONS = new Set([5, 6]);

const isXPlan = (el: { ns: string }): boolean => XPLAN_NS.test(el.ns);
const isGml = (el: { ns: string }): boolean => el.ns.startsWith("http://www.opengis.net/gml");

/** Parse an XPlanGML file (the bytes of the upload, or its text). */
export function parseXPlanGml(input: Buffer | string): XPlanImport {
  const { root, captured } = parseXml(
    fileText(input),
    (el, depth) => (isXPlan(el) && (PLAN.test(el.local) || BEREICH.test(el.local))) || (depth === 1 && isGml(el) && el.local === "boundedBy"),
  );
  const version = versionOf(root, captured);

  const plans = captured.filter((el) => isXPlan(el) && PLAN.test(el.local));
  if (plans.length === 0) {
    throw new XPlanError(
      `Die Datei enthält keinen Plan: kein BP_Plan, FP_Plan, SO_Plan, RP_Plan oder LP_Plan unter <${root.name}>.`,
    );
  }
  const warnings = new Set<string>();
  const warn = (w: string) => warnings.add(w);
  if (plans.length > 1) warn(`Die Datei enthält ${plans.length} Pläne; übernommen wurde der erste.`);
  const plan = plans[0]!;
  const planClass = plan.local;
  const bereiche = bereicheOf(plan, captured, plans.length);

  let number = childText(plan, "nummer");
  if (!number) {
    number = bereiche.map((b) => childText(b, "nummer")).find((n) => n) ?? null;
    if (number) warn(`Der Plan hat keine eigene Nummer; übernommen wurde die Nummer des ersten Bereichs („${number}“).`);
  }
  let name = childText(plan, "name");
  if (!name) {
    name = number ? `Plan ${number}` : "Unbenannter Plan";
    warn(`Der Plan hat keinen Namen (xplan:name); vorläufig heißt er „${name}“.`);
  }

  const code = (kind: "planArt" | "verfahren" | "rechtsstand", el: XNode | undefined): XPlanCode | null => {
    const value = el?.text.trim();
    return value ? planCode(planClass, kind, value) : null;
  };
  const procedure =
    code("verfahren", firstChild(plan, "verfahren")) ??
    code("verfahren", bereiche.map((b) => firstChild(b, "verfahren")).find((v) => v));

  const scopeProperty = firstChild(plan, "raeumlicherGeltungsbereich");
  const scope = scopeProperty ? readScope(scopeProperty, inheritedSrs(plan, root), warn) : null;
  if (!scope) warn("Der Plan hat keinen räumlichen Geltungsbereich (xplan:raeumlicherGeltungsbereich); bitte ergänzen Sie ihn von Hand.");

  return {
    version,
    planClass,
    planType: planTypeOf(plan, name),
    name,
    number,
    description: childText(plan, "beschreibung"),
    municipalities: municipalitiesOf(plan, warn),
    planArt: childrenNamed(plan, "planArt").map((el) => code("planArt", el)).filter((c): c is XPlanCode => c !== null),
    procedure,
    legalState: code("rechtsstand", firstChild(plan, "rechtsstand")),
    dates: datesOf(plan, warn),
    externalReferences: referencesOf(plan, bereiche, warn),
    scope: scope?.scope ?? null,
    bbox: scope?.bbox ?? null,
    crs: scope?.crs ?? null,
    warnings: [...warnings],
  };
}

// ---------------------------------------------------------------------------------------------

function versionOf(root: XNode, captured: XNode[]): string {
  // A WFS or GML FeatureCollection around the plans is fine: then the features say the version.
  const ns = isXPlan(root) ? root.ns : captured.find(isXPlan)?.ns;
  const m = ns ? XPLAN_NS.exec(ns) : null;
  if (!m) {
    if (root.ns.startsWith("http://www.xplanung.de/xplangml")) {
      throw errorAt(
        `Diese XPlanGML-Version (Namensraum ${root.ns}) wird nicht unterstützt; bitte exportieren Sie den Plan als XPlanGML 5.x oder 6.x.`,
        root.line,
        root.column,
      );
    }
    throw errorAt(
      `Die Datei ist kein XPlanGML: das Wurzelelement ist <${root.name}> im Namensraum „${root.ns || "(keiner)"}“. ` +
        "Erwartet wird ein XPlanAuszug im Namensraum http://www.xplanung.de/xplangml/5/… oder …/6/….",
      root.line,
      root.column,
    );
  }
  const version = `${m[1]}.${m[2]}`;
  if (!SUPPORTED_MAJOR_VERSIONS.has(Number(m[1]))) {
    throw errorAt(
      `XPlanGML ${version} wird nicht unterstützt; unterstützt werden XPlanGML 5.x und 6.x. Bitte exportieren Sie den Plan in einer dieser Versionen.`,
      root.line,
      root.column,
    );
  }
  return version;
}

/** The plan's Bereiche: those it lists (xplan:bereich), else those that point to it, else (one plan) all. */
function bereicheOf(plan: XNode, captured: XNode[], planCount: number): XNode[] {
  const all = captured.filter((el) => isXPlan(el) && BEREICH.test(el.local));
  const byId = new Map(all.filter((b) => b.attrs.id).map((b) => [b.attrs.id!, b]));
  const listed = childrenNamed(plan, "bereich")
    .map((ref) => (ref.attrs.href?.startsWith("#") ? byId.get(ref.attrs.href.slice(1)) : undefined) ?? ref.children.find((c) => BEREICH.test(c.local)))
    .filter((b): b is XNode => b !== undefined);
  if (listed.length) return listed;
  const pointing = all.filter((b) => plan.attrs.id && firstChild(b, "gehoertZuPlan")?.attrs.href === `#${plan.attrs.id}`);
  if (pointing.length) return pointing;
  return planCount === 1 ? all : [];
}

/** The CRS inherited by the geometry: the plan's boundedBy, else the file's. */
function inheritedSrs(plan: XNode, root: XNode): { srsName: string | null; line: number } {
  for (const holder of [plan, root]) {
    const envelope = firstChild(holder, "boundedBy")?.children.find((c) => c.attrs.srsName);
    if (envelope) return { srsName: envelope.attrs.srsName!.trim(), line: envelope.line };
  }
  return { srsName: root.attrs.srsName?.trim() || null, line: root.line };
}

function planTypeOf(plan: XNode, name: string): XPlanImport["planType"] {
  const amends = ["aendert", "aendertPlan", "aendertPlanBereich"].some((p) => firstChild(plan, p));
  if (amends || /(^|\s)(\d+\.\s*)?Änderung\b/i.test(name)) return "aenderung";
  if (plan.local === "BP_Plan") return "bebauungsplan";
  if (plan.local === "FP_Plan") return "flaechennutzungsplan";
  return "sonstiges";
}

function municipalitiesOf(plan: XNode, warn: (w: string) => void): XPlanImport["municipalities"] {
  const out: XPlanImport["municipalities"] = [];
  for (const property of [...childrenNamed(plan, "gemeinde"), ...childrenNamed(plan, "planaufstellendeGemeinde")]) {
    for (const g of childrenNamed(property, "XP_Gemeinde")) {
      const entry = { ags: childText(g, "ags"), name: childText(g, "gemeindeName"), district: childText(g, "ortsteilName") };
      if (out.some((o) => o.ags === entry.ags && o.name === entry.name && o.district === entry.district)) continue;
      if (entry.ags && !/^\d{8}$/.test(entry.ags)) {
        warn(`Der Gemeindeschlüssel „${entry.ags}“${entry.name ? ` (${entry.name})` : ""} hat nicht acht Ziffern; bitte prüfen Sie ihn.`);
      }
      out.push(entry);
    }
  }
  if (out.length === 0) warn("Der Plan nennt keine Gemeinde (xplan:gemeinde).");
  return out;
}

function isValidDate(iso: string): boolean {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

function datesOf(plan: XNode, warn: (w: string) => void): Record<string, string[]> {
  const dates: Record<string, string[]> = {};
  for (const el of plan.children) {
    if (!el.local.endsWith("Datum")) continue;
    const raw = el.text.trim();
    // xs:date may carry a time zone ("2021-08-19Z", "2021-08-19+02:00"); the calendar day is what counts.
    const iso = /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(raw)?.[1];
    if (!iso || !isValidDate(iso)) {
      warn(`Zeile ${el.line}: „${raw}“ in xplan:${el.local} ist kein gültiges Datum und wurde übergangen.`);
      continue;
    }
    (dates[el.local] ??= []).push(iso);
  }
  return dates;
}

function referencesOf(plan: XNode, bereiche: XNode[], warn: (w: string) => void): XPlanReference[] {
  const found: { el: XNode; type: string | null; typeLabel: string | null }[] = [];
  for (const property of plan.children) {
    const elementType = REFERENCE_ELEMENT_TYPE[property.local];
    if (property.local !== "externeReferenz" && !elementType) continue;
    for (const ref of property.children.filter((c) => /ExterneReferenz$/.test(c.local))) {
      const type = childText(ref, "typ") ?? elementType ?? null;
      found.push({ el: ref, type, typeLabel: type ? referenceTypeLabel(type) : null });
    }
  }
  for (const bereich of bereiche) {
    for (const property of childrenNamed(bereich, "refScan")) {
      for (const ref of property.children.filter((c) => /ExterneReferenz$/.test(c.local))) {
        found.push({ el: ref, type: childText(ref, "typ"), typeLabel: "Plan (Scan)" });
      }
    }
  }
  const out: XPlanReference[] = [];
  for (const { el, type, typeLabel } of found) {
    const name = childText(el, "referenzName") ?? childText(el, "beschreibung");
    const target = childText(el, "referenzURL");
    let url: string | null = null;
    if (target && /^https?:\/\/[^\s]+$/i.test(target)) {
      url = target;
    } else if (target) {
      warn(
        `Zeile ${el.line}: Das Dokument „${name ?? target}“ hat keine Internetadresse, sondern „${target}“; bitte laden Sie es von Hand hoch.`,
      );
    }
    const reference = { name, url, mimeType: childText(el, "referenzMimeType"), type, typeLabel };
    if (out.some((r) => r.url === reference.url && r.name === reference.name && r.type === reference.type)) continue;
    out.push(reference);
  }
  return out;
}
