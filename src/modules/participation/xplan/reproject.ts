import { XPlanError } from "./errors.js";

/**
 * ETRS89 / UTM (EPSG:25832, EPSG:25833) to geographic coordinates, for drawing a plan's
 * Geltungsbereich on a web map. ETRS89 equals WGS84 to well under a metre, which is all an
 * outline on a map needs, so the result is used as WGS84 (GeoJSON lon/lat).
 *
 * The transverse Mercator is Krüger's n-series to sixth order (Karney, "Transverse Mercator
 * with an accuracy of a few nanometers", J. Geodesy 85 (2011), eqs. 11, 35, 36): far below a
 * millimetre within 1,000 km of the central meridian, i.e. everywhere in Germany in either zone.
 */

/** GRS80, the ellipsoid of ETRS89. */
const A_AXIS = 6378137;
const FLATTENING = 1 / 298.257222101;
/** UTM: scale on the central meridian, false easting, false northing (northern hemisphere). */
const K0 = 0.9996;
const FALSE_EASTING = 500000;

const n = FLATTENING / (2 - FLATTENING);
const n2 = n * n;
const n3 = n2 * n;
const n4 = n3 * n;
const n5 = n4 * n;
const n6 = n5 * n;

/** Rectifying radius A (the meridian arc per radian). */
const RECTIFYING = (A_AXIS / (1 + n)) * (1 + n2 / 4 + n4 / 64 + n6 / 256);

/** Forward series: conformal sphere to transverse Mercator (α in Karney 2011, eq. 35). */
const ALPHA = [
  n / 2 - (2 * n2) / 3 + (5 * n3) / 16 + (41 * n4) / 180 - (127 * n5) / 288 + (7891 * n6) / 37800,
  (13 * n2) / 48 - (3 * n3) / 5 + (557 * n4) / 1440 + (281 * n5) / 630 - (1983433 * n6) / 1935360,
  (61 * n3) / 240 - (103 * n4) / 140 + (15061 * n5) / 26880 + (167603 * n6) / 181440,
  (49561 * n4) / 161280 - (179 * n5) / 168 + (6601661 * n6) / 7257600,
  (34729 * n5) / 80640 - (3418889 * n6) / 1995840,
  (212378941 * n6) / 319334400,
];

/** Inverse series: transverse Mercator to conformal sphere (β, eq. 36). */
const BETA = [
  n / 2 - (2 * n2) / 3 + (37 * n3) / 96 - n4 / 360 - (81 * n5) / 512 + (96199 * n6) / 604800,
  n2 / 48 + n3 / 15 - (437 * n4) / 1440 + (46 * n5) / 105 - (1118711 * n6) / 3870720,
  (17 * n3) / 480 - (37 * n4) / 840 - (209 * n5) / 4480 + (5569 * n6) / 90720,
  (4397 * n4) / 161280 - (11 * n5) / 504 - (830251 * n6) / 7257600,
  (4583 * n5) / 161280 - (108847 * n6) / 3991680,
  (20648693 * n6) / 638668800,
];

/** Conformal latitude χ to geodetic latitude φ (δ, the series for φ − χ). */
const DELTA = [
  2 * n - (2 * n2) / 3 - 2 * n3 + (116 * n4) / 45 + (26 * n5) / 45 - (2854 * n6) / 675,
  (7 * n2) / 3 - (8 * n3) / 5 - (227 * n4) / 45 + (2704 * n5) / 315 + (2323 * n6) / 945,
  (56 * n3) / 15 - (136 * n4) / 35 - (1262 * n5) / 105 + (73814 * n6) / 2835,
  (4279 * n4) / 630 - (332 * n5) / 35 - (399572 * n6) / 14175,
  (4174 * n5) / 315 - (144838 * n6) / 6237,
  (601676 * n6) / 22275,
];

const DEG = 180 / Math.PI;
const centralMeridian = (zone: number): number => (zone * 6 - 183) / DEG;

/** UTM easting/northing (metres, northern hemisphere, without zone prefix) to [lon, lat] in degrees. */
export function utmToWgs84(easting: number, northing: number, zone: 32 | 33): [number, number] {
  const xi = northing / (K0 * RECTIFYING);
  const eta = (easting - FALSE_EASTING) / (K0 * RECTIFYING);
  let xiP = xi;
  let etaP = eta;
  for (let j = 1; j <= 6; j++) {
    const b = BETA[j - 1]!;
    xiP -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    etaP -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const chi = Math.asin(Math.sin(xiP) / Math.cosh(etaP));
  let phi = chi;
  for (let j = 1; j <= 6; j++) phi += DELTA[j - 1]! * Math.sin(2 * j * chi);
  const lambda = centralMeridian(zone) + Math.atan2(Math.sinh(etaP), Math.cos(xiP));
  return [lambda * DEG, phi * DEG];
}

/** [lon, lat] in degrees to UTM [easting, northing] in the given zone (used by tests and for round trips). */
export function wgs84ToUtm(lon: number, lat: number, zone: 32 | 33): [number, number] {
  const phi = lat / DEG;
  const dLambda = lon / DEG - centralMeridian(zone);
  const e = (2 * Math.sqrt(n)) / (1 + n); // first eccentricity of GRS80
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - e * Math.atanh(e * Math.sin(phi)));
  const xiP = Math.atan2(t, Math.cos(dLambda));
  const etaP = Math.atanh(Math.sin(dLambda) / Math.sqrt(1 + t * t));
  let xi = xiP;
  let eta = etaP;
  for (let j = 1; j <= 6; j++) {
    const a = ALPHA[j - 1]!;
    xi += a * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
    eta += a * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
  }
  return [FALSE_EASTING + K0 * RECTIFYING * eta, K0 * RECTIFYING * xi];
}

// ---------------------------------------------------------------------------------------------
// coordinate reference systems named in srsName

export type Crs =
  | {
      kind: "utm";
      zone: 32 | 33;
      /** normalised name, e.g. "EPSG:25832" */
      name: string;
      /** the CRS itself writes eastings with the zone in front (EPSG:4647, EPSG:5650) */
      zonePrefixed: boolean;
    }
  | {
      kind: "geographic";
      name: string;
      /** axis order latitude, longitude (EPSG's order, used by the URN and http forms) */
      latFirst: boolean;
    };

const UTM_CODES: Record<string, { zone: 32 | 33; zonePrefixed: boolean }> = {
  "25832": { zone: 32, zonePrefixed: false }, // ETRS89 / UTM zone 32N
  "25833": { zone: 33, zonePrefixed: false }, // ETRS89 / UTM zone 33N
  "4647": { zone: 32, zonePrefixed: true }, // ETRS89 / UTM zone 32N (zE-N)
  "5650": { zone: 33, zonePrefixed: true }, // ETRS89 / UTM zone 33N (zE-N)
  "32632": { zone: 32, zonePrefixed: false }, // WGS 84 / UTM zone 32N: the same grid to under a metre
  "32633": { zone: 33, zonePrefixed: false },
};
const GEOGRAPHIC_CODES = new Set(["4258", "4326"]); // ETRS89, WGS 84

const unsupported = (name: string): XPlanError =>
  new XPlanError(
    `Das Koordinatensystem ${name} wird nicht unterstützt; unterstützt werden ETRS89/UTM 32 und 33 (EPSG:25832, EPSG:25833).`,
  );

/**
 * The CRS an srsName stands for. Understood: "EPSG:25832", "urn:ogc:def:crs:EPSG::25832",
 * "http://www.opengis.net/def/crs/EPSG/0/25832", "http://www.opengis.net/gml/srs/epsg.xml#25832",
 * the AdV form "urn:adv:crs:ETRS89_UTM32", for 25832/25833 (and their zone-prefixed and WGS 84
 * twins) and the geographic 4258/4326. Anything else is refused with an XPlanError naming it.
 */
export function parseCrs(srsName: string): Crs {
  const raw = srsName.trim();
  const adv = /^urn:adv:crs:ETRS89_UTM(32|33)$/i.exec(raw);
  if (adv) {
    const zone = adv[1] === "32" ? 32 : 33;
    return { kind: "utm", zone, name: `EPSG:258${zone}`, zonePrefixed: false };
  }
  // The short and the legacy GML 2 forms are read longitude first; the URN and http forms in EPSG's axis order.
  let code: string | undefined;
  let epsgAxisOrder = false;
  let m: RegExpExecArray | null;
  if ((m = /^EPSG:(\d+)$/i.exec(raw))) code = m[1];
  else if ((m = /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d+)$/i.exec(raw))) code = m[1];
  else if ((m = /^urn:(?:x-)?ogc:def:crs:EPSG:(?:[^:]*:)?(\d+)$/i.exec(raw))) [code, epsgAxisOrder] = [m[1], true];
  else if ((m = /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[^/]+\/(\d+)$/i.exec(raw))) [code, epsgAxisOrder] = [m[1], true];
  if (!code) throw unsupported(`„${raw}“`);
  const utm = UTM_CODES[code];
  if (utm) return { kind: "utm", zone: utm.zone, name: `EPSG:${code}`, zonePrefixed: utm.zonePrefixed };
  if (GEOGRAPHIC_CODES.has(code)) return { kind: "geographic", name: `EPSG:${code}`, latFirst: epsgAxisOrder };
  throw unsupported(`EPSG:${code}`);
}

/** The UTM zone of an srsName, null for geographic coordinates (EPSG:4258/4326); XPlanError otherwise. */
export function crsZone(srsName: string): 32 | 33 | null {
  const crs = parseCrs(srsName);
  return crs.kind === "utm" ? crs.zone : null;
}
