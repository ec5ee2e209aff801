import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseXPlanGml, XPlanError, type XPlanImport } from "./parse.js";
import { utmToWgs84, wgs84ToUtm } from "./reproject.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const SAMPLES = join(root, "..", "shared", "standards", "xplanung", "samples");
const SKIP = "../shared/standards/xplanung/samples not present (shared/ is laid next to the repo by CI)";
const sample = (name: string): string => readFileSync(join(SAMPLES, name), "utf8");

// ---------------------------------------------------------------------------------------------
// helpers

/** The 1-based line of the first line of `text` containing all of `needles`. */
function lineOf(text: string, ...needles: string[]): number {
  const index = text.split("\n").findIndex((l) => needles.every((n) => l.includes(n)));
  assert.ok(index >= 0, `no line with ${needles.join(", ")}`);
  return index + 1;
}

/** The first posList inside the raeumlicherGeltungsbereich, read with a regex (independently of the parser). */
function scopePositions(text: string): [number, number][] {
  const scope = /<xplan:raeumlicherGeltungsbereich>([\s\S]*?)<\/xplan:raeumlicherGeltungsbereich>/.exec(text)![1]!;
  const values = /<gml:posList[^>]*>([^<]*)<\/gml:posList>/.exec(scope)![1]!.trim().split(/\s+/).map(Number);
  const out: [number, number][] = [];
  for (let i = 0; i < values.length; i += 2) out.push([values[i]!, values[i + 1]!]);
  return out;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** The ring equals the expected one in the same or the opposite direction (orientation is normalised). */
function assertSameRing(actual: number[][], expected: number[][]) {
  const reversed = [...expected].reverse();
  assert.ok(
    JSON.stringify(actual) === JSON.stringify(expected) || JSON.stringify(actual) === JSON.stringify(reversed),
    `ring differs:\n${JSON.stringify(actual.slice(0, 3))}…\n${JSON.stringify(expected.slice(0, 3))}…`,
  );
}

/** Twice the signed area in lon/lat: positive counter-clockwise. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return sum;
}

function refused(input: Buffer | string, message: RegExp, line?: number): XPlanError {
  let caught: unknown;
  try {
    parseXPlanGml(input);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof XPlanError, `expected an XPlanError, got ${String(caught)}`);
  assert.match(caught.message, message);
  if (line !== undefined) {
    assert.equal(caught.line, line, caught.message);
    assert.match(caught.message, new RegExp(`^Zeile ${line}\\b`));
  }
  return caught;
}

const XPLAN_53 = "http://www.xplanung.de/xplangml/5/3";

/** A small XPlanGML document around the content of one plan. */
function xplanDoc(planContent: string, opts: { ns?: string; planClass?: string; rootBoundedBy?: string; after?: string } = {}): string {
  const planClass = opts.planClass ?? "BP_Plan";
  return `<?xml version="1.0" encoding="UTF-8"?>
<xplan:XPlanAuszug xmlns:xplan="${opts.ns ?? XPLAN_53}" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="GML_root">
${opts.rootBoundedBy ?? ""}
  <gml:featureMember>
    <xplan:${planClass} gml:id="GML_plan">
      <xplan:name>Testplan</xplan:name>
${planContent}
    </xplan:${planClass}>
  </gml:featureMember>
${opts.after ?? ""}
</xplan:XPlanAuszug>
`;
}

/** A 100 m square in UTM 32 near Hamburg, counter-clockwise, as a posList. */
const SQUARE = "565000 5940000 565100 5940000 565100 5940100 565000 5940100 565000 5940000";

const scopeWith = (geometry: string) => `<xplan:raeumlicherGeltungsbereich>\n${geometry}\n</xplan:raeumlicherGeltungsbereich>`;
const polygon = (posList: string, srs = ' srsName="EPSG:25832"', holes: string[] = []) =>
  `<gml:Polygon${srs} gml:id="GML_poly"><gml:exterior><gml:LinearRing><gml:posList>${posList}</gml:posList></gml:LinearRing></gml:exterior>` +
  holes.map((h) => `<gml:interior><gml:LinearRing><gml:posList>${h}</gml:posList></gml:LinearRing></gml:interior>`).join("") +
  "</gml:Polygon>";

const squareLonLat = SQUARE.split(" ")
  .map(Number)
  .reduce<number[][]>((acc, v, i, all) => (i % 2 ? acc : [...acc, [all[i]!, all[i + 1]!]]), [])
  .map(([e, n]) => utmToWgs84(e!, n!, 32).map(round7));

// ---------------------------------------------------------------------------------------------
// the samples

test("sample XPlanGML 6.0 (Hamburg test plan): metadata, codes, dates and an outline in Hamburg", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const text = sample("bp_6-0_hamburg_test.gml");
  const plan = parseXPlanGml(Buffer.from(text));
  assert.equal(plan.version, "6.0");
  assert.equal(plan.planClass, "BP_Plan");
  assert.equal(plan.planType, "bebauungsplan");
  assert.equal(plan.name, "BPlan002_6-0-NKS");
  assert.equal(plan.description, "Testdaten");
  assert.equal(plan.number, "1", "no nummer on the plan: the first Bereich's");
  assert.deepEqual(plan.municipalities, [{ ags: "02000000", name: "Freie und Hansestadt Hamburg", district: null }]);
  assert.deepEqual(plan.planArt, [{ code: "1000", label: "Bebauungsplan" }]);
  assert.deepEqual(plan.legalState, { code: "3000", label: "Satzung" });
  assert.deepEqual(plan.procedure, { code: "1000", label: "Normales Verfahren" }, "verfahren of the BP_Bereich");
  assert.deepEqual(plan.dates, { technHerstellDatum: ["2021-07-01"] }, "versionBauGB's nested datum is no *Datum of the plan");
  assert.deepEqual(plan.externalReferences, []);
  assert.equal(plan.crs, "EPSG:25832");
  assert.ok(plan.warnings.some((w) => w.includes("Nummer des ersten Bereichs")), plan.warnings.join("\n"));

  // the outline: every vertex of the sample, reprojected, where Hamburg is
  const expected = scopePositions(text).map(([e, n]) => utmToWgs84(e, n, 32).map(round7));
  assert.equal(plan.scope!.coordinates.length, 1);
  assertSameRing(plan.scope!.coordinates[0]![0]!, expected);
  const [minLon, minLat, maxLon, maxLat] = plan.bbox!;
  assert.ok(Math.abs((minLon + maxLon) / 2 - 9.98) < 0.02 && Math.abs((minLat + maxLat) / 2 - 53.6) < 0.02, `bbox ${plan.bbox}`);
  assert.ok(maxLon - minLon < 0.01 && maxLat - minLat < 0.01, "a plan of about 90 × 80 m");
});

test("sample XPlanGML 5.3 (Wustermark): municipality with Ortsteil, reference, dates and an outline in Elstal", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const text = sample("bp_5-3_wustermark.gml");
  const plan = parseXPlanGml(text);
  assert.equal(plan.version, "5.3");
  assert.equal(plan.planClass, "BP_Plan");
  assert.equal(plan.planType, "bebauungsplan");
  assert.equal(plan.name, "Denkmalbereichssatzung Eisenbahnersiedlung");
  assert.match(plan.description!, /^1\. Satzung zur Änderung der Satzung zum Schutz des Denkmalbereiches/);
  assert.equal(plan.number, null);
  assert.deepEqual(plan.municipalities, [{ ags: "12063357", name: "Wustermark", district: "Elstal" }]);
  assert.deepEqual(plan.planArt, [{ code: "1000", label: "Bebauungsplan" }]);
  assert.deepEqual(plan.procedure, { code: "1000", label: "Normales Verfahren" });
  assert.deepEqual(plan.legalState, { code: "1000", label: "Aufstellungsbeschluss" });
  assert.deepEqual(plan.dates, { ausfertigungsDatum: ["2001-03-14"] });
  assert.deepEqual(plan.externalReferences, [
    {
      name: 'Satzung Denkmalbereichssatzung "Eisenbahnersiedlung"',
      url: "https://www.wustermark.de/fileadmin/user_upload/Ortsrecht/E%2027_Denkmalbereichssatzung%20Eisenbahnersiedlung%20Elstal.pdf",
      mimeType: "application/pdf",
      type: "1060",
      typeLabel: "Satzung",
    },
  ]);
  assert.equal(plan.crs, "EPSG:25833");
  assert.deepEqual(plan.warnings, []);

  const expected = scopePositions(text).map(([e, n]) => utmToWgs84(e, n, 33).map(round7));
  assert.equal(expected.length, 89);
  assertSameRing(plan.scope!.coordinates[0]![0]!, expected);
  assert.ok(signedArea(plan.scope!.coordinates[0]![0]!) > 0, "exterior counter-clockwise (RFC 7946)");
  const [minLon, minLat, maxLon, maxLat] = plan.bbox!;
  assert.ok(Math.abs((minLon + maxLon) / 2 - 12.95) < 0.05 && Math.abs((minLat + maxLat) / 2 - 52.54) < 0.02, `bbox ${plan.bbox}`);
  for (const ring of plan.scope!.coordinates[0]!) for (const p of ring) for (const v of p) assert.equal(v, round7(v), "7 decimals");
});

test("sample SAGis 5.3: the 7-digit easting under EPSG:25833 is refused as no zone prefix, naming value and line", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const text = sample("bp_5-3_sagis.gml");
  const line = lineOf(text, "<gml:posList", "3479367.656");
  const err = refused(text, /Rechtswert 3479367\.656 passt nicht zu EPSG:25833/, line);
  assert.match(err.message, /Die führende „3“ ist kein Zonenpräfix/);
  assert.match(err.message, /Zonenpräfix „33“/);
});

test("sample SAGis 5.3 without its broken geometry: two municipalities, repeated dates, local and Bereich references", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const text = sample("bp_5-3_sagis.gml").replace(
    /<xplan:raeumlicherGeltungsbereich>[\s\S]*?<\/xplan:raeumlicherGeltungsbereich>/,
    "",
  );
  const plan = parseXPlanGml(text);
  assert.equal(plan.name, "bp_plan");
  assert.equal(plan.planType, "aenderung", "xplan:aendert names the plan it changes");
  assert.equal(plan.number, "3262", "first Bereich in the order the plan lists them");
  assert.deepEqual(plan.municipalities, [
    { ags: "37815", name: "Berlin", district: null },
    { ags: "4326436", name: "Bestensee", district: null },
  ]);
  assert.deepEqual(plan.dates, { technHerstellDatum: ["2021-06-04"], auslegungsStartDatum: ["2021-08-19", "2021-08-20"] });
  assert.deepEqual(plan.externalReferences, [
    { name: "ref1", url: null, mimeType: "application/pdf", type: "1000", typeLabel: "Beschreibung" },
    { name: "ref1", url: "https://www.geoportal-hoppegarten.de/docs/hopp_bp02/Plandokument.pdf", mimeType: "application/pdf", type: null, typeLabel: "Plan (Scan)" },
    { name: "ref2", url: "https://www.geoportal-hoppegarten.de/docs/hopp_bp02/Plandokument.pdf", mimeType: "application/pdf", type: null, typeLabel: "Plan (Scan)" },
    { name: "ref1", url: "https://www.geoportal-hoppegarten.de/docs/hopp_bp08/Plandokument.pdf", mimeType: "application/pdf", type: null, typeLabel: "Plan (Scan)" },
  ]);
  assert.equal(plan.scope, null);
  assert.equal(plan.bbox, null);
  assert.equal(plan.crs, null);
  const warnings = plan.warnings.join("\n");
  assert.match(warnings, /keinen räumlichen Geltungsbereich/);
  assert.match(warnings, /Gemeindeschlüssel „37815“ \(Berlin\) hat nicht acht Ziffern/);
  assert.match(warnings, /„ref1“ hat keine Internetadresse, sondern „D:\\Downloads\\document\.pdf“/);
});

test("a zone-prefixed copy of the Hamburg sample (32564984.128 …) gives the same outline, with a warning", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const text = sample("bp_6-0_hamburg_test.gml");
  const prefixed = text.replace(/(<gml:posList[^>]*>)([^<]*)(<\/gml:posList>)/g, (_m, open: string, list: string, close: string) => {
    const values = list.trim().split(/\s+/);
    return open + values.map((v, i) => (i % 2 === 0 ? `32${v}` : v)).join(" ") + close;
  });
  assert.match(prefixed, /32564984\.1281112354 5940442\.48611/);
  const original = parseXPlanGml(text);
  const copy = parseXPlanGml(prefixed);
  assert.deepEqual(copy.scope, original.scope);
  assert.deepEqual(copy.bbox, original.bbox);
  assert.ok(copy.warnings.some((w) => w.startsWith("Koordinaten mit Zonenpräfix 32 erkannt")), copy.warnings.join("\n"));
  assert.ok(!original.warnings.some((w) => w.includes("Zonenpräfix")));
});

// ---------------------------------------------------------------------------------------------
// what is not XPlanGML, or is broken

test("an empty file is refused", () => {
  refused(Buffer.alloc(0), /^Die Datei ist leer\.$/);
  refused("  \n ", /^Die Datei ist leer\.$/);
});

test("a PDF, a PNG and a ZIP archive are named as such", () => {
  refused(Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "latin1"), /ist ein PDF-Dokument, keine XPlanGML-Datei/);
  refused(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), /ist ein PNG-Bild/);
  refused(Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]), /ZIP-Archiv.*xplan\.gml/);
});

test("text that is no XML is refused with how it begins", () => {
  refused(Buffer.from("Bebauungsplan Nr. 12, Stand 2024\n"), /^Die Datei ist kein XML: sie beginnt mit „Bebauungsplan Nr\. 12…“ statt mit „<“\.$/);
});

test("XML that is not XPlanGML: the message names the root element and its namespace", () => {
  const err = refused('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', /kein XPlanGML/, 2);
  assert.match(err.message, /<html> im Namensraum „http:\/\/www\.w3\.org\/1999\/xhtml“/);
  refused("<Plan><name>x</name></Plan>", /<Plan> im Namensraum „\(keiner\)“/, 1);
});

test("XPlanGML 4.1 and 7.0 are refused with the version found", () => {
  refused(xplanDoc("", { ns: "http://www.xplanung.de/xplangml/4/1" }), /XPlanGML 4\.1 wird nicht unterstützt; unterstützt werden XPlanGML 5\.x und 6\.x/, 2);
  refused(xplanDoc("", { ns: "http://www.xplanung.de/xplangml/7/0" }), /XPlanGML 7\.0 wird nicht unterstützt/);
  refused(xplanDoc("", { ns: "http://www.xplanung.de/xplangml" }), /Diese XPlanGML-Version \(Namensraum http:\/\/www\.xplanung\.de\/xplangml\) wird nicht unterstützt/);
});

test("an XPlanGML file without a *_Plan feature is refused", () => {
  const onlyBereich = xplanDoc("").replace(/<gml:featureMember>[\s\S]*<\/gml:featureMember>/, "<gml:featureMember><xplan:BP_Bereich gml:id=\"b\"><xplan:nummer>0</xplan:nummer></xplan:BP_Bereich></gml:featureMember>");
  refused(onlyBereich, /keinen Plan: kein BP_Plan, FP_Plan, SO_Plan, RP_Plan oder LP_Plan unter <xplan:XPlanAuszug>/);
});

test("broken XML: an element that is never closed is named with its line", (t) => {
  if (!existsSync(SAMPLES)) return t.skip(SKIP);
  const text = sample("bp_6-0_hamburg_test.gml");
  const unclosed = text.replace("</xplan:beschreibung>", "");
  const err = refused(unclosed, /Das Element <xplan:beschreibung> wird nicht geschlossen/, lineOf(text, "<xplan:beschreibung>"));
  assert.match(err.message, new RegExp(`in Zeile ${lineOf(text, "</xplan:BP_Plan>")} folgt ein schließendes Tag`));
  const truncated = text.slice(0, text.indexOf("</xplan:XP_Gemeinde>"));
  refused(truncated, /Das Element <xplan:XP_Gemeinde> wird nicht geschlossen; die Datei endet vorher/, lineOf(text, "<xplan:XP_Gemeinde>"));
});

test("broken XML: other well-formedness errors carry the parser's line and column", () => {
  const duplicate = xplanDoc('<xplan:nummer a="1" a="2">1</xplan:nummer>');
  const err = refused(duplicate, /kein wohlgeformtes XML \(duplicate attribute: a\)/, lineOf(duplicate, 'a="2"'));
  assert.ok(err.column! > 1);
  const ampersand = xplanDoc("<xplan:nummer>1 & 2</xplan:nummer>");
  refused(ampersand, /Ein „&“ steht ohne Entität im Text; in XML muss es „&amp;“ heißen/, lineOf(ampersand, "1 & 2"));
  const prefix = xplanDoc("<p:nummer>1</p:nummer>");
  refused(prefix, /Das Namensraum-Präfix „p“ ist nicht deklariert/, lineOf(prefix, "<p:nummer>"));
});

test("entities are never resolved: a DTD with an external entity is refused, nothing is read", () => {
  const doc = xplanDoc("<xplan:beschreibung>&secret;</xplan:beschreibung>").replace(
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
  );
  refused(doc, /Unbekannte Entität .* werden nicht aufgelöst/, lineOf(doc, "&secret;"));
});

test("a file that is not UTF-8 although it says nothing else is refused with the line; a declared ISO-8859-1 is read", () => {
  const latinText = xplanDoc("<xplan:beschreibung>1. Änderung</xplan:beschreibung>");
  refused(Buffer.from(latinText, "latin1"), /nicht gültig UTF-8-kodiert/, lineOf(latinText, "Änderung"));
  const declared = Buffer.from(
    xplanDoc("").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("<xplan:name>Testplan</xplan:name>", "<xplan:name>1. Änderung des B-Plans Nr. 4</xplan:name>"),
    "latin1",
  );
  const plan = parseXPlanGml(declared);
  assert.equal(plan.name, "1. Änderung des B-Plans Nr. 4");
  assert.equal(plan.planType, "aenderung");
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xplanDoc("").replace('encoding="UTF-8"', 'encoding="UTF-16"'), "utf16le")]);
  assert.equal(parseXPlanGml(utf16).name, "Testplan");
  refused(Buffer.from(xplanDoc("").replace('encoding="UTF-8"', 'encoding="EBCDIC-DE"')), /Zeichenkodierung „EBCDIC-DE“ wird nicht unterstützt/);
});

// ---------------------------------------------------------------------------------------------
// geometry

test("a plan without geometry is taken, with scope null and a warning", () => {
  const plan = parseXPlanGml(xplanDoc(""));
  assert.equal(plan.scope, null);
  assert.equal(plan.bbox, null);
  assert.equal(plan.crs, null);
  assert.ok(plan.warnings.some((w) => w.includes("keinen räumlichen Geltungsbereich")));
});

test("polygon holes are kept; rings come out closed, exterior counter-clockwise, holes clockwise", () => {
  const clockwise = "565000 5940000 565000 5940100 565100 5940100 565100 5940000 565000 5940000";
  const hole = "565040 5940040 565060 5940040 565060 5940060 565040 5940060 565040 5940040"; // counter-clockwise
  const plan = parseXPlanGml(xplanDoc(scopeWith(polygon(clockwise, ' srsName="EPSG:25832"', [hole]))));
  const [outer, inner] = plan.scope!.coordinates[0]!;
  assert.equal(plan.scope!.coordinates[0]!.length, 2);
  assert.ok(signedArea(outer!) > 0 && signedArea(inner!) < 0);
  assert.deepEqual(outer![0], outer!.at(-1));
  assert.deepEqual(inner![0], inner!.at(-1));
  assertSameRing(outer!, squareLonLat);
});

test("MultiSurface with surfaceMembers, Surface with PolygonPatch, gml:pos lists and 3D posLists give the same square", () => {
  const pos = SQUARE.split(" ").reduce<string[]>((acc, v, i, all) => (i % 2 ? acc : [...acc, `<gml:pos>${v} ${all[i + 1]}</gml:pos>`]), []).join("");
  const threeD = SQUARE.split(" ").reduce<string[]>((acc, v, i, all) => (i % 2 ? acc : [...acc, `${v} ${all[i + 1]} 12.5`]), []).join(" ");
  const variants = [
    `<gml:MultiSurface srsName="EPSG:25832"><gml:surfaceMembers>${polygon(SQUARE, "")}${polygon(SQUARE, "")}</gml:surfaceMembers></gml:MultiSurface>`,
    `<gml:Surface srsName="EPSG:25832"><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing><gml:posList>${SQUARE}</gml:posList></gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface>`,
    `<gml:Polygon srsName="EPSG:25832"><gml:exterior><gml:LinearRing>${pos}</gml:LinearRing></gml:exterior></gml:Polygon>`,
    `<gml:Polygon srsName="EPSG:25832" srsDimension="3"><gml:exterior><gml:LinearRing><gml:posList>${threeD}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`,
    `<gml:Polygon srsName="EPSG:25832"><gml:exterior><gml:LinearRing><gml:posList count="5">${threeD}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`,
  ];
  for (const [i, geometry] of variants.entries()) {
    const plan = parseXPlanGml(xplanDoc(scopeWith(geometry)));
    assert.equal(plan.scope!.coordinates.length, i === 0 ? 2 : 1, `variant ${i}`);
    for (const poly of plan.scope!.coordinates) assertSameRing(poly[0]!, squareLonLat);
  }
});

test("srsName is inherited: from the plan's boundedBy, else from the file's; without any the file is refused", () => {
  const envelope = (srs: string) => `<gml:boundedBy><gml:Envelope srsName="${srs}"><gml:lowerCorner>0 0</gml:lowerCorner><gml:upperCorner>1 1</gml:upperCorner></gml:Envelope></gml:boundedBy>`;
  const geometry = scopeWith(polygon(SQUARE, ""));
  assert.equal(parseXPlanGml(xplanDoc(`${envelope("urn:ogc:def:crs:EPSG::25832")}\n${geometry}`)).crs, "EPSG:25832");
  const fromRoot = parseXPlanGml(xplanDoc(geometry, { rootBoundedBy: envelope("EPSG:25833") }));
  assert.equal(fromRoot.crs, "EPSG:25833");
  assert.equal(fromRoot.bbox![0], round7(utmToWgs84(565000, 5940000, 33)[0]), "read in zone 33");
  const bare = xplanDoc(geometry);
  refused(bare, /kein Koordinatensystem angegeben \(srsName fehlt\)/, lineOf(bare, "<gml:Polygon"));
});

test("geographic coordinates: the URN form of EPSG:4326 is latitude first, the short form longitude first", () => {
  const latLon = "53.6 9.98 53.6 9.99 53.61 9.99 53.61 9.98 53.6 9.98";
  const lonLat = "9.98 53.6 9.99 53.6 9.99 53.61 9.98 53.61 9.98 53.6";
  for (const [srs, list] of [
    ["urn:ogc:def:crs:EPSG::4326", latLon],
    ["http://www.opengis.net/def/crs/EPSG/0/4258", latLon],
    ["EPSG:4326", lonLat],
  ] as const) {
    const plan = parseXPlanGml(xplanDoc(scopeWith(polygon(list, ` srsName="${srs}"`))));
    assert.deepEqual(plan.bbox, [9.98, 53.6, 9.99, 53.61], srs);
    assert.ok(!plan.warnings.some((w) => w.includes("vertauscht")), srs);
  }
  // the short form written latitude first, as some exporters do: recognised in Germany and swapped
  const swapped = parseXPlanGml(xplanDoc(scopeWith(polygon(latLon, ' srsName="EPSG:4326"'))));
  assert.deepEqual(swapped.bbox, [9.98, 53.6, 9.99, 53.61]);
  assert.ok(swapped.warnings.some((w) => w.includes("Breite und Länge standen in vertauschter Reihenfolge")));
});

test("an unsupported CRS is refused with its name and the line of the srsName", () => {
  const doc = xplanDoc(scopeWith(polygon(SQUARE, ' srsName="EPSG:31467"')));
  const line = lineOf(doc, 'srsName="EPSG:31467"');
  refused(
    doc,
    new RegExp(`^Zeile ${line}: Das Koordinatensystem EPSG:31467 wird nicht unterstützt; unterstützt werden ETRS89/UTM 32 und 33 \\(EPSG:25832, EPSG:25833\\)\\.$`),
    line,
  );
});

test("a posList with an odd number of values, or a word in it, is refused with its line", () => {
  const odd = xplanDoc(scopeWith(polygon("565000 5940000 565100 5940000 565100 5940100 565000 5940000 565000")));
  refused(odd, /ungerade Anzahl von Werten \(9\)/, lineOf(odd, "<gml:posList"));
  const multiLine = xplanDoc(scopeWith(polygon("565000 5940000\n565100 5940000\n565100 59401OO\n565000 5940000")));
  refused(multiLine, /„59401OO“ in <gml:posList> ist keine Zahl/, lineOf(multiLine, "59401OO"));
});

test("an easting with the other zone's prefix, or with swapped axes, is refused", () => {
  const otherZone = xplanDoc(scopeWith(polygon("33565000 5940000 33565100 5940000 33565100 5940100 33565000 5940000")));
  refused(otherZone, /Rechtswert 33565000 trägt den Zonenpräfix 33, das Koordinatensystem EPSG:25832 ist aber UTM-Zone 32/, lineOf(otherZone, "33565000"));
  const swapped = xplanDoc(scopeWith(polygon("5940000 565000 5940000 565100 5940100 565100 5940000 565000")));
  refused(swapped, /Rechts- und Hochwert scheinen vertauscht/, lineOf(swapped, "5940000 565000"));
});

test("a ring with an arc (gml:Arc in a gml:Ring) is approximated by chords at most 5 cm off the circle", () => {
  // a half-disc: line from the bottom (565050 5940000) to the right end, arc over the top, line back
  const ring = `<gml:Polygon srsName="EPSG:25832"><gml:exterior><gml:Ring><gml:curveMember><gml:Curve><gml:segments>
    <gml:LineStringSegment><gml:posList>565050 5940000 565100 5940050</gml:posList></gml:LineStringSegment>
    <gml:Arc><gml:posList>565100 5940050 565050 5940100 565000 5940050</gml:posList></gml:Arc>
    <gml:LineStringSegment><gml:posList>565000 5940050 565050 5940000</gml:posList></gml:LineStringSegment>
  </gml:segments></gml:Curve></gml:curveMember></gml:Ring></gml:exterior></gml:Polygon>`;
  const plan = parseXPlanGml(xplanDoc(scopeWith(ring)));
  assert.ok(plan.warnings.some((w) => w.startsWith("Kreisbögen im Geltungsbereich wurden durch Streckenzüge angenähert")));
  const points = plan.scope!.coordinates[0]![0]!.map(([lon, lat]) => wgs84ToUtm(lon!, lat!, 32));
  const onArc = points.filter(([, n]) => n > 5940050.01);
  assert.ok(onArc.length >= 20, `${onArc.length} points on the arc`);
  for (const [e, n] of onArc) {
    const r = Math.hypot(e - 565050, n - 5940050);
    assert.ok(r <= 50.02 && r >= 50 - 0.05 - 0.02, `radius ${r}`); // 5 cm chord tolerance + 7-decimal rounding
  }
  assert.ok(Math.max(...onArc.map(([, n]) => n)) > 5940099.9, "reaches the top of the arc");
});

test("a full gml:Circle (three points, clockwise) becomes a closed ring of the right size, counter-clockwise", () => {
  const circle = `<gml:Polygon srsName="EPSG:25832"><gml:exterior><gml:Ring><gml:curveMember><gml:Curve><gml:segments>
    <gml:Circle><gml:posList>565030 5940000 565000 5940030 565030 5940060</gml:posList></gml:Circle>
  </gml:segments></gml:Curve></gml:curveMember></gml:Ring></gml:exterior></gml:Polygon>`;
  const plan = parseXPlanGml(xplanDoc(scopeWith(circle)));
  const ring = plan.scope!.coordinates[0]![0]!;
  assert.deepEqual(ring[0], ring.at(-1));
  assert.ok(signedArea(ring) > 0);
  const utm = ring.map(([lon, lat]) => wgs84ToUtm(lon!, lat!, 32));
  for (const [e, n] of utm) assert.ok(Math.abs(Math.hypot(e - 565030, n - 5940030) - 30) < 0.07, `${e} ${n}`);
  let area = 0;
  for (let i = 0; i + 1 < utm.length; i++) area += (utm[i]![0] * utm[i + 1]![1] - utm[i + 1]![0] * utm[i]![1]) / 2;
  assert.ok(Math.abs(area / (Math.PI * 30 * 30) - 1) < 0.005, `area ${area}`);
});

test("curves that are not three-point arcs are refused, naming the element", () => {
  const ring = `<gml:Polygon srsName="EPSG:25832"><gml:exterior><gml:Ring><gml:curveMember><gml:Curve><gml:segments>
    <gml:CircleByCenterPoint numArc="1"><gml:pos>565050 5940050</gml:pos><gml:radius uom="m">50</gml:radius></gml:CircleByCenterPoint>
  </gml:segments></gml:Curve></gml:curveMember></gml:Ring></gml:exterior></gml:Polygon>`;
  const circle = xplanDoc(scopeWith(ring));
  refused(circle, /Kurvenstück <gml:CircleByCenterPoint>, das nicht unterstützt wird/, lineOf(circle, "<gml:CircleByCenterPoint"));
  const line = xplanDoc(scopeWith('<gml:LineString srsName="EPSG:25832"><gml:posList>565000 5940000 565100 5940000</gml:posList></gml:LineString>'));
  refused(line, /muss eine Fläche sein; <gml:LineString>/, lineOf(line, "<gml:LineString"));
});

test("an unclosed ring is closed with a warning", () => {
  const open = "565000 5940000 565100 5940000 565100 5940100 565000 5940100";
  const plan = parseXPlanGml(xplanDoc(scopeWith(polygon(open))));
  assertSameRing(plan.scope!.coordinates[0]![0]!, squareLonLat);
  assert.ok(plan.warnings.some((w) => w.includes("nicht geschlossen")));
});

// ---------------------------------------------------------------------------------------------
// metadata

test("FP_Plan: its own code lists, unknown codes as 'Code NNNN', bad dates skipped with a warning", () => {
  const plan = parseXPlanGml(
    xplanDoc(
      `<xplan:nummer>FNP-3</xplan:nummer>
       <xplan:planArt>8000</xplan:planArt>
       <xplan:planArt>1234</xplan:planArt>
       <xplan:verfahren>2000</xplan:verfahren>
       <xplan:rechtsstand>4000</xplan:rechtsstand>
       <xplan:aufstellungsbeschlussDatum>2024-02-30</xplan:aufstellungsbeschlussDatum>
       <xplan:wirksamkeitsDatum>2025-01-15Z</xplan:wirksamkeitsDatum>`,
      { planClass: "FP_Plan" },
    ),
  );
  assert.equal(plan.planClass, "FP_Plan");
  assert.equal(plan.planType, "flaechennutzungsplan");
  assert.equal(plan.number, "FNP-3");
  assert.deepEqual(plan.planArt, [
    { code: "8000", label: "Sachlicher Teilflächennutzungsplan" },
    { code: "1234", label: "Code 1234" },
  ]);
  assert.deepEqual(plan.procedure, { code: "2000", label: "Vereinfachtes Verfahren (§ 13 BauGB)" });
  assert.deepEqual(plan.legalState, { code: "4000", label: "Wirksam" });
  assert.deepEqual(plan.dates, { wirksamkeitsDatum: ["2025-01-15"] });
  assert.ok(plan.warnings.some((w) => w.includes("„2024-02-30“ in xplan:aufstellungsbeschlussDatum ist kein gültiges Datum")));
});

test("BP rechtsstand labels follow the XPlanung list; SO_Plan is 'sonstiges' with raw codes", () => {
  const expected: Record<string, string> = {
    "2100": "Frühzeitige Behördenbeteiligung",
    "2200": "Frühzeitige Öffentlichkeitsbeteiligung",
    "2300": "Behördenbeteiligung",
    "2400": "Öffentliche Auslegung",
    "4000": "In Kraft getreten",
    "4500": "Teilweise untergegangen",
    "50001": "Außer Kraft",
  };
  for (const [code, label] of Object.entries(expected)) {
    assert.deepEqual(parseXPlanGml(xplanDoc(`<xplan:rechtsstand>${code}</xplan:rechtsstand>`)).legalState, { code, label });
  }
  const so = parseXPlanGml(xplanDoc('<xplan:planArt codeSpace="https://registry.gdi-de.org/codelist/de.xleitstelle.xplanung/SO_PlanArt">1000</xplan:planArt>', { planClass: "SO_Plan" }));
  assert.equal(so.planType, "sonstiges");
  assert.deepEqual(so.planArt, [{ code: "1000", label: "Code 1000" }]);
});

test("two plans in one file: the first is taken and staff are told", () => {
  const second = `<gml:featureMember><xplan:BP_Plan gml:id="GML_plan2"><xplan:name>Zweiter Plan</xplan:name></xplan:BP_Plan></gml:featureMember>`;
  const plan = parseXPlanGml(xplanDoc("", { after: second }));
  assert.equal(plan.name, "Testplan");
  assert.ok(plan.warnings.includes("Die Datei enthält 2 Pläne; übernommen wurde der erste."));
});

test("references: only http(s) URLs are kept as links; 4.x-style ref… properties are typed by their name", () => {
  const plan = parseXPlanGml(
    xplanDoc(`<xplan:externeReferenz><xplan:XP_SpezExterneReferenz>
        <xplan:referenzName>Böse</xplan:referenzName><xplan:referenzURL>javascript:alert(1)</xplan:referenzURL><xplan:typ>1010</xplan:typ>
      </xplan:XP_SpezExterneReferenz></xplan:externeReferenz>
      <xplan:refBegruendung><xplan:XP_ExterneReferenz>
        <xplan:referenzName>Begründung</xplan:referenzName><xplan:referenzURL>https://example.org/b.pdf</xplan:referenzURL>
      </xplan:XP_ExterneReferenz></xplan:refBegruendung>`),
  );
  assert.deepEqual(plan.externalReferences, [
    { name: "Böse", url: null, mimeType: null, type: "1010", typeLabel: "Begründung" },
    { name: "Begründung", url: "https://example.org/b.pdf", mimeType: null, type: "1010", typeLabel: "Begründung" },
  ]);
  assert.ok(plan.warnings.some((w) => w.includes("„Böse“ hat keine Internetadresse")));
});

test("a plan without name or municipality is taken with a provisional name and warnings", () => {
  const plan: XPlanImport = parseXPlanGml(xplanDoc("<xplan:nummer>12a</xplan:nummer>").replace("<xplan:name>Testplan</xplan:name>", ""));
  assert.equal(plan.name, "Plan 12a");
  assert.deepEqual(plan.municipalities, []);
  assert.ok(plan.warnings.some((w) => w.includes("keinen Namen")));
  assert.ok(plan.warnings.some((w) => w.includes("keine Gemeinde")));
});
