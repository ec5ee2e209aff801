import { errorAt, XPlanError } from "./errors.js";
import { arcPoints, type Point } from "./arcs.js";
import { parseCrs, utmToWgs84, type Crs } from "./reproject.js";
import type { XNode } from "./xml.js";

/**
 * The Geltungsbereich of a plan from GML 3.2 (and the GML 3.1/2 spellings still met): Polygon,
 * MultiSurface (surfaceMember/surfaceMembers), CompositeSurface, Surface with PolygonPatch,
 * MultiPolygon; rings as LinearRing (posList, pos, coordinates) or Ring of curves. Circular
 * arcs through three points (gml:Arc, gml:ArcString, gml:Circle) are approximated by chords in
 * the plane of the CRS, at most 5 cm off the arc; other curve types are refused.
 */

export type Warn = (message: string) => void;

export interface MultiPolygon {
  type: "MultiPolygon";
  coordinates: number[][][][];
}

export interface Scope {
  scope: MultiPolygon;
  bbox: [number, number, number, number];
  /** the CRS the coordinates were written in, e.g. "EPSG:25832" */
  crs: string;
}

/** A ring in the plane of its CRS: UTM metres (zone prefix removed) or [lon, lat] degrees. */
interface PlaneRing {
  crs: Crs;
  points: Point[];
  line: number;
}

interface PlanePolygon {
  exterior: PlaneRing;
  holes: PlaneRing[];
}

/** Inherited down the geometry tree: the nearest srsName and srsDimension. */
interface Inherited {
  srsName: string | null;
  srsLine: number;
  dimension: number | null;
}

const ARC_TOLERANCE = { utm: 0.05, geographic: 5e-7 } as const;
const ROUND = 1e7;

/** Germany, generously: outlines outside it point to a wrong CRS. */
const GERMANY = { minLon: 5.5, minLat: 47, maxLon: 15.5, maxLat: 55.5 };

const isGml = (el: XNode): boolean => el.ns.startsWith("http://www.opengis.net/gml");
const gmlChildren = (el: XNode, local?: string): XNode[] => el.children.filter((c) => isGml(c) && (!local || c.local === local));

function inherit(el: XNode, from: Inherited): Inherited {
  const dim = el.attrs.srsDimension;
  return {
    srsName: el.attrs.srsName?.trim() || from.srsName,
    srsLine: el.attrs.srsName ? el.line : from.srsLine,
    dimension: dim ? Number(dim) : from.dimension,
  };
}

function crsOf(el: XNode, ctx: Inherited): Crs {
  if (!ctx.srsName) {
    throw errorAt("Für den Geltungsbereich ist kein Koordinatensystem angegeben (srsName fehlt).", el.line, el.column);
  }
  try {
    return parseCrs(ctx.srsName);
  } catch (err) {
    if (err instanceof XPlanError) throw errorAt(err.message, ctx.srsLine);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// coordinates

interface Token {
  value: number;
  raw: string;
  index: number;
}

function tokens(el: XNode): Token[] {
  const out: Token[] = [];
  for (const m of el.text.matchAll(/\S+/g)) {
    const value = Number(m[0]);
    if (!Number.isFinite(value)) {
      throw errorAt(`„${m[0].slice(0, 30)}“ in <${el.name}> ist keine Zahl.`, lineOf(el, m.index));
    }
    out.push({ value, raw: m[0], index: m.index });
  }
  return out;
}

/** The line of a character of an element's text. */
function lineOf(el: XNode, index: number): number {
  let line = el.textLine;
  for (let i = 0; i < index; i++) if (el.text.charCodeAt(i) === 10) line++;
  return line;
}

/** Checks one position and brings it into the plane of its CRS. */
function normalise(crs: Crs, a: Token, b: Token, el: XNode, warn: Warn): Point {
  if (crs.kind === "geographic") {
    let [lon, lat] = crs.latFirst ? [b.value, a.value] : [a.value, b.value];
    const inGermany = (x: number, y: number) => x >= GERMANY.minLon && x <= GERMANY.maxLon && y >= GERMANY.minLat && y <= GERMANY.maxLat;
    if (!inGermany(lon, lat) && inGermany(lat, lon)) {
      [lon, lat] = [lat, lon];
      warn("Breite und Länge standen in vertauschter Reihenfolge; sie wurden getauscht.");
    }
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      throw errorAt(`Die Koordinate ${a.raw} ${b.raw} ist keine geographische Länge und Breite (${crs.name}).`, lineOf(el, a.index));
    }
    return [lon, lat];
  }
  const zone = crs.zone;
  let easting = a.value;
  const northing = b.value;
  const plain = (e: number) => e >= 100000 && e < 1000000;
  if (!plain(easting)) {
    const prefix = Math.floor(easting / 1000000);
    if (easting >= 10000000 && easting < 100000000 && prefix === zone && plain(easting - zone * 1000000)) {
      easting -= zone * 1000000;
      if (!crs.zonePrefixed) warn(`Koordinaten mit Zonenpräfix ${zone} erkannt (z. B. Rechtswert ${a.raw}); der Präfix wurde entfernt.`);
    } else if (easting >= 10000000 && easting < 100000000 && (prefix === 32 || prefix === 33)) {
      throw errorAt(
        `Der Rechtswert ${a.raw} trägt den Zonenpräfix ${prefix}, das Koordinatensystem ${crs.name} ist aber UTM-Zone ${zone}.`,
        lineOf(el, a.index),
      );
    } else if (easting >= 1000000 && easting < 10000000 && plain(northing)) {
      throw errorAt(
        `Rechts- und Hochwert scheinen vertauscht (${a.raw} ${b.raw}); in ${crs.name} steht der Rechtswert (sechs Stellen vor dem Komma) zuerst.`,
        lineOf(el, a.index),
      );
    } else {
      const digits = String(Math.trunc(Math.abs(easting))).length;
      const leading = String(Math.trunc(Math.abs(easting))).slice(0, digits - 6);
      const notPrefix = digits > 6 ? ` Die führende „${leading}“ ist kein Zonenpräfix.` : "";
      throw errorAt(
        `Der Rechtswert ${a.raw} passt nicht zu ${crs.name} (UTM-Zone ${zone}): erwartet werden sechs Stellen vor dem Komma ` +
          `oder acht mit dem Zonenpräfix „${zone}“ davor; er hat ${digits} Stellen.${notPrefix} ` +
          "Vermutlich stammen die Koordinaten aus einem anderen Koordinatensystem (z. B. Gauß-Krüger); bitte prüfen Sie den Export.",
        lineOf(el, a.index),
      );
    }
  }
  if (!(northing >= 1000000 && northing < 10000000)) {
    throw errorAt(`Der Hochwert ${b.raw} passt nicht zu ${crs.name}: erwartet werden sieben Stellen vor dem Komma.`, lineOf(el, b.index));
  }
  return [easting, northing];
}

/** Positions of a posList, a series of gml:pos / pointProperty, or GML 2 gml:coordinates. */
function positions(el: XNode, ctx: Inherited, crs: Crs, warn: Warn): Point[] {
  const out: Point[] = [];
  for (const c of gmlChildren(el)) {
    const here = inherit(c, ctx);
    const crsHere = here.srsName === ctx.srsName ? crs : crsOf(c, here);
    switch (c.local) {
      case "posList": {
        const values = tokens(c);
        const count = Number(c.attrs.count);
        const dim = here.dimension ?? (count > 0 && values.length % count === 0 ? values.length / count : 2);
        if (dim !== 2 && dim !== 3) {
          throw errorAt(`srsDimension=${dim} wird nicht unterstützt (nur 2 oder 3).`, c.line, c.column);
        }
        if (values.length % dim !== 0) {
          const what = dim === 2 ? "eine ungerade Anzahl von Werten" : "eine nicht durch 3 teilbare Anzahl von Werten";
          throw errorAt(
            `Die Koordinatenliste <${c.name}> enthält ${what} (${values.length}); zu jedem Punkt gehören ${dim === 2 ? "Rechts- und Hochwert" : "drei Werte"}.`,
            c.line,
            c.column,
          );
        }
        for (let i = 0; i < values.length; i += dim) out.push(normalise(crsHere, values[i]!, values[i + 1]!, c, warn));
        break;
      }
      case "pos": {
        const values = tokens(c);
        if (values.length !== 2 && values.length !== 3) {
          throw errorAt(`<${c.name}> muss zwei oder drei Werte enthalten, nicht ${values.length}.`, c.line, c.column);
        }
        out.push(normalise(crsHere, values[0]!, values[1]!, c, warn));
        break;
      }
      case "pointProperty":
      case "pointRep":
        for (const p of gmlChildren(c, "Point")) out.push(...positions(p, inherit(p, here), crsOf(p, inherit(p, here)), warn));
        break;
      case "coordinates": {
        // GML 2: "x,y x,y …" (cs="," ts=" " unless said otherwise)
        const cs = c.attrs.cs ?? ",";
        const ts = c.attrs.ts ?? " ";
        const tuples = c.text.trim().split(ts === " " ? /\s+/ : ts);
        for (const tuple of tuples) {
          const [x, y] = tuple.split(cs).map((v) => v.trim());
          const mk = (raw: string | undefined): Token => {
            const value = Number(raw);
            if (raw === undefined || !Number.isFinite(value)) throw errorAt(`„${tuple}“ in <${c.name}> ist kein Koordinatenpaar.`, c.line, c.column);
            return { value, raw, index: 0 };
          };
          out.push(normalise(crsHere, mk(x), mk(y), c, warn));
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// curves

const REFUSED_SEGMENTS = new Set([
  "ArcByCenterPoint",
  "CircleByCenterPoint",
  "ArcByBulge",
  "ArcStringByBulge",
  "CubicSpline",
  "BSpline",
  "Bezier",
  "Clothoid",
  "OffsetCurve",
]);

function appendPoints(target: Point[], more: Point[]): void {
  for (const p of more) {
    const last = target.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) target.push(p);
  }
}

/** The points of a curve (LineString, Curve with segments, CompositeCurve, OrientableCurve). */
function curvePoints(el: XNode, ctx: Inherited, warn: Warn): { crs: Crs; points: Point[] } {
  const here = inherit(el, ctx);
  const crs = crsOf(el, here);
  switch (el.local) {
    case "LineString":
    case "LineStringSegment":
    case "GeodesicString":
    case "Geodesic":
      return { crs, points: positions(el, here, crs, warn) };
    case "Curve": {
      const points: Point[] = [];
      for (const segments of gmlChildren(el, "segments")) {
        for (const seg of gmlChildren(segments)) appendPoints(points, segmentPoints(seg, inherit(segments, here), crs, warn));
      }
      return { crs, points };
    }
    case "CompositeCurve": {
      const points: Point[] = [];
      for (const member of gmlChildren(el, "curveMember")) for (const c of memberGeometry(member)) appendPoints(points, curvePoints(c, here, warn).points);
      return { crs, points };
    }
    case "OrientableCurve": {
      const base = gmlChildren(el, "baseCurve").flatMap(memberGeometry)[0];
      if (!base) throw errorAt(`<${el.name}> ohne Kurve.`, el.line, el.column);
      const { points } = curvePoints(base, here, warn);
      return { crs, points: el.attrs.orientation === "-" ? points.reverse() : points };
    }
    default:
      throw unsupportedGeometry(el);
  }
}

function segmentPoints(seg: XNode, ctx: Inherited, crs: Crs, warn: Warn): Point[] {
  const here = inherit(seg, ctx);
  if (seg.local === "LineStringSegment" || seg.local === "GeodesicString" || seg.local === "Geodesic") return positions(seg, here, crs, warn);
  if (seg.local === "Arc" || seg.local === "ArcString" || seg.local === "Circle") {
    const pts = positions(seg, here, crs, warn);
    const full = seg.local === "Circle";
    if (pts.length < 3 || (pts.length - 1) % 2 !== 0 || (seg.local !== "ArcString" && pts.length !== 3)) {
      throw errorAt(`<${seg.name}> braucht drei Punkte (Anfang, einen Punkt auf dem Bogen, Ende), hat aber ${pts.length}.`, seg.line, seg.column);
    }
    warn("Kreisbögen im Geltungsbereich wurden durch Streckenzüge angenähert (höchstens 5 cm Abweichung).");
    const tolerance = ARC_TOLERANCE[crs.kind];
    const out: Point[] = [pts[0]!];
    for (let i = 0; i + 2 < pts.length; i += 2) out.push(...arcPoints(pts[i]!, pts[i + 1]!, pts[i + 2]!, full, tolerance));
    return out;
  }
  if (REFUSED_SEGMENTS.has(seg.local)) {
    throw errorAt(
      `Der Geltungsbereich enthält ein Kurvenstück <${seg.name}>, das nicht unterstützt wird. ` +
        "Unterstützt werden Strecken und Kreisbögen durch drei Punkte (gml:Arc, gml:ArcString, gml:Circle); bitte exportieren Sie den Plan entsprechend.",
      seg.line,
      seg.column,
    );
  }
  throw unsupportedGeometry(seg);
}

// ---------------------------------------------------------------------------------------------
// rings, polygons, surfaces

function unsupportedGeometry(el: XNode): XPlanError {
  return errorAt(`Der Geltungsbereich muss eine Fläche sein; <${el.name}> wird hier nicht unterstützt.`, el.line, el.column);
}

/** The geometry element of a property (surfaceMember, exterior …); references by xlink:href are refused. */
function memberGeometry(property: XNode): XNode[] {
  if (property.attrs.href) {
    throw errorAt(
      `Verweise innerhalb der Geometrie (xlink:href="${property.attrs.href}") werden nicht unterstützt.`,
      property.line,
      property.column,
    );
  }
  return gmlChildren(property);
}

function ring(property: XNode, ctx: Inherited, warn: Warn): PlaneRing {
  const el = memberGeometry(property)[0];
  if (!el) throw errorAt(`<${property.name}> enthält keinen Ring.`, property.line, property.column);
  const here = inherit(el, ctx);
  let crs: Crs;
  let points: Point[];
  if (el.local === "LinearRing") {
    crs = crsOf(el, here);
    points = positions(el, here, crs, warn);
  } else if (el.local === "Ring") {
    crs = crsOf(el, here);
    points = [];
    for (const member of gmlChildren(el, "curveMember")) {
      for (const c of memberGeometry(member)) appendPoints(points, curvePoints(c, here, warn).points);
    }
  } else {
    throw unsupportedGeometry(el);
  }
  const first = points[0];
  const last = points.at(-1);
  if (first && last && points.length > 1) {
    const gap = Math.hypot(first[0] - last[0], first[1] - last[1]);
    if (gap > (crs.kind === "utm" ? 0.001 : 1e-8)) {
      warn(`Ein Ring des Geltungsbereichs war nicht geschlossen (Zeile ${el.line}); er wurde geschlossen.`);
      points.push([first[0], first[1]]);
    } else {
      points[points.length - 1] = [first[0], first[1]];
    }
  }
  if (points.length < 4) throw errorAt("Ein Ring des Geltungsbereichs hat weniger als drei Punkte.", el.line, el.column);
  return { crs, points, line: el.line };
}

function polygon(el: XNode, ctx: Inherited, warn: Warn): PlanePolygon {
  const exterior = [...gmlChildren(el, "exterior"), ...gmlChildren(el, "outerBoundaryIs")];
  if (exterior.length !== 1) throw errorAt(`<${el.name}> braucht genau einen äußeren Ring (gml:exterior).`, el.line, el.column);
  const holes = [...gmlChildren(el, "interior"), ...gmlChildren(el, "innerBoundaryIs")];
  return { exterior: ring(exterior[0]!, ctx, warn), holes: holes.map((h) => ring(h, ctx, warn)) };
}

function surfaces(el: XNode, ctx: Inherited, warn: Warn): PlanePolygon[] {
  const here = inherit(el, ctx);
  const members = (property: string) => gmlChildren(el, property).flatMap((p) => memberGeometry(p).flatMap((g) => surfaces(g, here, warn)));
  switch (el.local) {
    case "Polygon":
    case "PolygonPatch":
      return [polygon(el, here, warn)];
    case "Surface":
      return gmlChildren(el, "patches").flatMap((p) => gmlChildren(p).flatMap((patch) => surfaces(patch, inherit(p, here), warn)));
    case "MultiSurface":
      return [
        ...members("surfaceMember"),
        ...gmlChildren(el, "surfaceMembers").flatMap((p) => gmlChildren(p).flatMap((g) => surfaces(g, here, warn))),
      ];
    case "CompositeSurface":
      return members("surfaceMember");
    case "MultiPolygon":
      return members("polygonMember");
    case "OrientableSurface":
      return members("baseSurface");
    default:
      throw unsupportedGeometry(el);
  }
}

// ---------------------------------------------------------------------------------------------
// to GeoJSON

const round = (v: number): number => Math.round(v * ROUND) / ROUND;

/** Twice the signed area (positive counter-clockwise) of a closed ring. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return sum;
}

function toLonLat(r: PlaneRing): number[][] {
  const out: number[][] = [];
  for (const [x, y] of r.points) {
    const [lon, lat] = r.crs.kind === "utm" ? utmToWgs84(x, y, r.crs.zone) : [x, y];
    const p = [round(lon), round(lat)];
    const last = out.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/** A ring as RFC 7946 wants it: closed, exterior counter-clockwise, holes clockwise. */
function geoRing(r: PlaneRing, exterior: boolean): number[][] | null {
  const coords = toLonLat(r);
  if (coords.length < 4) return null;
  const ccw = signedArea(coords) > 0;
  return ccw === exterior ? coords : coords.reverse();
}

/**
 * The Geltungsbereich below `property` (xplan:raeumlicherGeltungsbereich) as a WGS84 GeoJSON
 * MultiPolygon, or null when the property holds no geometry. `srsName` is the CRS inherited from
 * the plan's or the file's boundedBy.
 */
export function readScope(property: XNode, inherited: { srsName: string | null; line: number }, warn: Warn): Scope | null {
  const geometry = memberGeometry(property);
  if (geometry.length === 0) return null;
  const ctx: Inherited = { srsName: inherited.srsName, srsLine: inherited.line, dimension: null };
  const polygons = geometry.flatMap((g) => surfaces(g, inherit(property, ctx), warn));
  if (polygons.length === 0) return null;
  const coordinates: number[][][][] = [];
  for (const p of polygons) {
    const outer = geoRing(p.exterior, true);
    if (!outer) throw errorAt("Eine Fläche des Geltungsbereichs ist kleiner als ein Zentimeter.", p.exterior.line);
    const holes = p.holes.map((h) => geoRing(h, false)).filter((h): h is number[][] => h !== null);
    coordinates.push([outer, ...holes]);
  }
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of coordinates) {
    for (const [lon, lat] of poly[0]!) {
      minLon = Math.min(minLon, lon!);
      maxLon = Math.max(maxLon, lon!);
      minLat = Math.min(minLat, lat!);
      maxLat = Math.max(maxLat, lat!);
    }
  }
  if (minLon < GERMANY.minLon || maxLon > GERMANY.maxLon || minLat < GERMANY.minLat || maxLat > GERMANY.maxLat) {
    warn(
      `Der Geltungsbereich liegt nicht in Deutschland (um ${round(minLat).toFixed(3)}° N, ${round(minLon).toFixed(3)}° O); ` +
        "bitte prüfen Sie das Koordinatensystem.",
    );
  }
  return {
    scope: { type: "MultiPolygon", coordinates },
    bbox: [minLon, minLat, maxLon, maxLat],
    crs: polygons[0]!.exterior.crs.name,
  };
}
