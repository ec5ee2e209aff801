import { test } from "node:test";
import assert from "node:assert/strict";
import { crsZone, parseCrs, utmToWgs84, wgs84ToUtm } from "./reproject.js";
import { XPlanError } from "./parse.js";

/**
 * Reference points: the BKG's BeTA2007 test data (Bundesamt für Kartographie und Geodäsie,
 * BETA2007testdaten.csv, as carried in PROJ's test/gie/DHDN_ETRS89.gie). For test points of
 * the German survey it lists the ETRS89 latitude/longitude and the same points in ETRS89/UTM
 * zone 32 and, east of 12°, zone 33 as well. Rows of the two tables belong together (same
 * DHDN point); each pair below is one point.
 */
const BKG_POINTS: { where: string; lon: number; lat: number; utm32: [number, number]; utm33?: [number, number] }[] = [
  // DHDN 8°40' E 53°07' N (near Bremen): zone 32 only
  { where: "Bremen", lon: 8.665654272188, lat: 53.115169791635, utm32: [477621.722499, 5885134.566914] },
  // DHDN 10°45' E 53°35' N (east of Hamburg): both zones, 6.3° from zone 33's meridian
  { where: "Hamburg-Ost", lon: 10.748659705929, lat: 53.581781243436, utm32: [615764.364007, 5938413.81915], utm33: [218617.111391, 5945399.220269] },
  // DHDN 13°28' E 52°29' N (Berlin): zone 33, and zone 32 extended to 4.5° from its meridian
  { where: "Berlin", lon: 13.464913254978, lat: 52.481930297429, utm32: [803137.012417, 5824018.671556], utm33: [395754.092849, 5815749.835902] },
  // DHDN 13°33' E 51°20' N (near Dresden)
  { where: "Sachsen", lon: 13.548264242652, lat: 51.332063317958, utm32: [816793.461724, 5696579.298817], utm33: [398863.493307, 5687753.12902] },
];

/** 1e-8 degrees is about a millimetre; the BKG lists 1e-12 degrees and 1e-6 metres. */
const DEGREE_TOLERANCE = 1e-8;
const METRE_TOLERANCE = 0.001;

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (off by ${Math.abs(actual - expected)})`);

for (const p of BKG_POINTS) {
  test(`UTM to ETRS89 geographic matches the BKG test point ${p.where} in every zone it is listed in`, () => {
    const zones: [32 | 33, [number, number] | undefined][] = [
      [32, p.utm32],
      [33, p.utm33],
    ];
    for (const [zone, utm] of zones) {
      if (!utm) continue;
      const [lon, lat] = utmToWgs84(utm[0], utm[1], zone);
      close(lon, p.lon, DEGREE_TOLERANCE, `${p.where} zone ${zone} lon`);
      close(lat, p.lat, DEGREE_TOLERANCE, `${p.where} zone ${zone} lat`);
      const [e, n] = wgs84ToUtm(p.lon, p.lat, zone);
      close(e, utm[0], METRE_TOLERANCE, `${p.where} zone ${zone} easting`);
      close(n, utm[1], METRE_TOLERANCE, `${p.where} zone ${zone} northing`);
    }
  });
}

test("forward and inverse are each other's inverse across Germany in both zones (to 1e-9 degrees)", () => {
  let checked = 0;
  for (let lat = 47; lat <= 55.5; lat += 0.5) {
    for (let lon = 5.5; lon <= 15.5; lon += 0.5) {
      for (const zone of [32, 33] as const) {
        const [e, n] = wgs84ToUtm(lon, lat, zone);
        const [lon2, lat2] = utmToWgs84(e, n, zone);
        close(lon2, lon, 1e-9, `lon at ${lon},${lat} zone ${zone}`);
        close(lat2, lat, 1e-9, `lat at ${lon},${lat} zone ${zone}`);
        checked++;
      }
    }
  }
  assert.equal(checked, 18 * 21 * 2);
});

test("the central meridian and the equator map to the false easting and northing 0", () => {
  for (const [zone, meridian] of [[32, 9], [33, 15]] as const) {
    const [lon, lat] = utmToWgs84(500000, 0, zone);
    close(lon, meridian, 1e-12, `zone ${zone} lon`);
    close(lat, 0, 1e-12, `zone ${zone} lat`);
  }
  const [lon, lat] = utmToWgs84(500000, 5000000, 33);
  close(lon, 15, 1e-12, "meridian lon");
  assert.ok(lat > 45 && lat < 45.2, `lat ${lat}`);
});

test("crsZone understands the spellings of EPSG:25832/25833 and the geographic CRSs", () => {
  const cases: [string, 32 | 33 | null][] = [
    ["EPSG:25832", 32],
    ["epsg:25833", 33],
    ["urn:ogc:def:crs:EPSG::25832", 32],
    ["urn:ogc:def:crs:EPSG:6.9:25833", 33],
    ["urn:x-ogc:def:crs:EPSG:25832", 32],
    ["http://www.opengis.net/def/crs/EPSG/0/25833", 33],
    ["http://www.opengis.net/gml/srs/epsg.xml#25832", 32],
    ["urn:adv:crs:ETRS89_UTM32", 32],
    ["EPSG:4647", 32],
    ["EPSG:5650", 33],
    ["EPSG:4258", null],
    ["EPSG:4326", null],
    ["urn:ogc:def:crs:EPSG::4326", null],
  ];
  for (const [srsName, zone] of cases) assert.equal(crsZone(srsName), zone, srsName);
});

test("geographic CRSs: the URN and http forms are latitude first, the short form longitude first", () => {
  assert.deepEqual(parseCrs("urn:ogc:def:crs:EPSG::4326"), { kind: "geographic", name: "EPSG:4326", latFirst: true });
  assert.deepEqual(parseCrs("http://www.opengis.net/def/crs/EPSG/0/4258"), { kind: "geographic", name: "EPSG:4258", latFirst: true });
  assert.deepEqual(parseCrs("EPSG:4326"), { kind: "geographic", name: "EPSG:4326", latFirst: false });
  assert.deepEqual(parseCrs("urn:adv:crs:ETRS89_UTM33"), { kind: "utm", zone: 33, name: "EPSG:25833", zonePrefixed: false });
});

test("other CRSs are refused with a German message that names them", () => {
  assert.throws(
    () => crsZone("EPSG:31467"),
    (err: unknown) =>
      err instanceof XPlanError &&
      err.message ===
        "Das Koordinatensystem EPSG:31467 wird nicht unterstützt; unterstützt werden ETRS89/UTM 32 und 33 (EPSG:25832, EPSG:25833).",
  );
  assert.throws(() => crsZone("urn:ogc:def:crs:EPSG::3044"), /Das Koordinatensystem EPSG:3044 wird nicht unterstützt/);
  assert.throws(() => crsZone("Gauss-Krueger 3"), /Das Koordinatensystem „Gauss-Krueger 3“ wird nicht unterstützt/);
});
