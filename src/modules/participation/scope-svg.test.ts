import { test } from "node:test";
import assert from "node:assert/strict";
import { ScopeOutline, drawScope, scopeRings, tileOrigin } from "./scope-svg.js";

/** Great-circle distance (haversine), independent of the module's projection. */
function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = 6_371_008.8;
  const rad = (d: number) => (d * Math.PI) / 180;
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

const RECT = { w: 8.531, e: 8.541, s: 50.331, n: 50.338 };
const rectangle = { type: "MultiPolygon", coordinates: [[[[RECT.w, RECT.s], [RECT.e, RECT.s], [RECT.e, RECT.n], [RECT.w, RECT.n], [RECT.w, RECT.s]]]] };
// an area with a courtyard cut out (a hole), as a plain Polygon
const withHole = {
  type: "Polygon",
  coordinates: [
    [[12.95, 52.54], [12.96, 52.54], [12.96, 52.547], [12.95, 52.547], [12.95, 52.54]],
    [[12.953, 52.542], [12.956, 52.542], [12.956, 52.545], [12.953, 52.545], [12.953, 52.542]],
  ],
};

function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

function svgOf(html: string): { width: number; height: number; d: string; desc: string; title: string } {
  const vb = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(html);
  const d = /<path d="([^"]+)" fill="#1d4f91"/.exec(html);
  const desc = /<desc id="[^"]+">([^<]*)<\/desc>/.exec(html);
  const title = /<title id="[^"]+">([^<]*)<\/title>/.exec(html);
  assert.ok(vb && d && desc && title, "svg with viewBox, outline path, title and desc");
  return { width: Number(vb![1]), height: Number(vb![2]), d: d![1]!, desc: desc![1]!, title: title![1]! };
}

test("the outline lies inside the viewBox, with its margin, and keeps the area's proportions", () => {
  for (const g of [rectangle, withHole]) {
    const html = ScopeOutline({ geojson: JSON.stringify(g), title: "Geltungsbereich" }).html;
    const s = svgOf(html);
    const pts = pathPoints(s.d);
    assert.ok(pts.length >= 5);
    const drawing = drawScope(g)!;
    for (const [x, y] of pts) {
      assert.ok(x >= 0 && x <= s.width, `x ${x} within 0..${s.width}`);
      assert.ok(y >= 0 && y <= drawing.projection.mapHeight, `y ${y} within the map part (0..${drawing.projection.mapHeight})`);
    }
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    assert.ok(Math.min(...xs) >= 39 && Math.max(...xs) <= s.width - 39, "a margin on both sides");
    assert.ok(Math.min(...ys) >= 39, "a margin on top (room for the north arrow)");
  }
  // aspect: the drawn width/height equals the ground's east-west/north-south extent
  const s = svgOf(ScopeOutline({ geojson: rectangle, title: "x" }).html);
  const pts = pathPoints(s.d);
  const drawnRatio = (Math.max(...pts.map((p) => p[0])) - Math.min(...pts.map((p) => p[0]))) / (Math.max(...pts.map((p) => p[1])) - Math.min(...pts.map((p) => p[1])));
  const midLat = (RECT.s + RECT.n) / 2;
  const groundRatio = haversine(midLat, RECT.w, midLat, RECT.e) / haversine(RECT.s, RECT.w, RECT.n, RECT.w);
  assert.ok(Math.abs(drawnRatio / groundRatio - 1) < 0.01, `drawn ${drawnRatio.toFixed(4)} vs ground ${groundRatio.toFixed(4)}`);
});

test("title and description say size and centre in words, and the caption repeats them", () => {
  const html = ScopeOutline({ geojson: rectangle, title: "Geltungsbereich: Bebauungsplan Nr. 42" }).html;
  assert.match(html, /role="img"/);
  assert.match(html, /aria-labelledby="geltungsbereich-karte-titel"/);
  const s = svgOf(html);
  const m = /^Umriss des Geltungsbereichs, etwa (\d+) m × (\d+) m, Mittelpunkt (\d+),(\d{4})° N, (\d+),(\d{4})° O$/.exec(s.desc);
  assert.ok(m, s.desc);
  const midLat = (RECT.s + RECT.n) / 2;
  const ew = haversine(midLat, RECT.w, midLat, RECT.e);
  const ns = haversine(RECT.s, RECT.w, RECT.n, RECT.w);
  assert.ok(Math.abs(Number(m![1]) - ew) <= 10, `east-west ${m![1]} m vs ${ew.toFixed(0)} m`);
  assert.ok(Math.abs(Number(m![2]) - ns) <= 10, `north-south ${m![2]} m vs ${ns.toFixed(0)} m`);
  assert.equal(Number(`${m![3]}.${m![4]}`), Number(midLat.toFixed(4)));
  assert.equal(Number(`${m![5]}.${m![6]}`), Number(((RECT.w + RECT.e) / 2).toFixed(4)));
  const caption = /<figcaption[^>]*>([\s\S]*?)<\/figcaption>/.exec(html)![1]!;
  assert.ok(caption.includes(s.desc), "the caption holds the same facts");
  assert.match(caption, /Maßstabsleiste: (1|2|5)0* m; Norden ist oben/);
  // the scale bar's label is a round length and its drawn length matches it
  const d = drawScope(rectangle)!;
  assert.match(String(d.scaleBar.metres), /^[125]0*$/);
  const metresPerPx = ew / (Math.max(...pathPoints(d.path).map((p) => p[0])) - Math.min(...pathPoints(d.path).map((p) => p[0])));
  assert.ok(Math.abs((d.scaleBar.px * metresPerPx) / d.scaleBar.metres - 1) < 0.02);
});

test("the title is escaped: markup in a plan's name stays text", () => {
  const html = ScopeOutline({ geojson: rectangle, title: `Plan "<script>alert(1)</script>" & <img src=x onerror=alert(2)>` }).html;
  assert.ok(!html.includes("<script>") && !html.includes("<img"), "no markup from the title");
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;") && html.includes("&quot;") && html.includes("&amp;"));
});

test("holes are drawn: one path, one subpath per ring, even-odd fill", () => {
  const html = ScopeOutline({ geojson: withHole, title: "x" }).html;
  const s = svgOf(html);
  assert.equal(s.d.match(/M/g)?.length, 2);
  assert.equal(s.d.match(/Z/g)?.length, 2);
  assert.match(html, /fill-rule="evenodd"/);
  assert.match(html, /stroke-width="3"/);
});

test("unusable geometries draw nothing", () => {
  for (const g of [null, "", "not json", JSON.stringify({ type: "Point", coordinates: [8.5, 50.3] }), JSON.stringify({ type: "Polygon", coordinates: [[[8.5, 50.3], [200, 50.3], [8.5, 50.4]]] }), JSON.stringify({ type: "Polygon", coordinates: [[["a", 1]]] })]) {
    assert.equal(ScopeOutline({ geojson: g, title: "x" }).html, "", String(g));
  }
  assert.equal(scopeRings({ type: "MultiPolygon", coordinates: [] }), undefined);
});

test("without a tile server no image is loaded; with one, tiles cover the whole outline at a zoom that fits ~600 px", () => {
  const plain = ScopeOutline({ geojson: rectangle, title: "x" }).html;
  assert.ok(!plain.includes("<image"));
  assert.ok(!/(href|src)="https?:/.test(plain), "no request leaves our host");
  assert.ok(!plain.includes("http"), "not even a namespace URL");

  const tile = { urlTemplate: "https://tiles.example.org/basemap/{z}/{x}/{y}.png", attribution: "© GeoBasis-DE / BKG" };
  const html = ScopeOutline({ geojson: rectangle, title: "x", tile }).html;
  const d = drawScope(rectangle, tile)!;
  assert.ok(d.tileZoom! >= 14 && d.tileZoom! <= 17, `zoom ${d.tileZoom}`);
  const images = [...html.matchAll(/<image href="https:\/\/tiles\.example\.org\/basemap\/(\d+)\/(\d+)\/(\d+)\.png" x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)];
  assert.ok(images.length >= 1 && images.length <= 36, `${images.length} tiles`);
  for (const m of images) assert.equal(Number(m[1]), d.tileZoom);
  // the tile x/y agree with the standard scheme for the area's corner
  const n = 2 ** d.tileZoom!;
  const tx = Math.floor(((RECT.w + 180) / 360) * n);
  const latR = (RECT.n * Math.PI) / 180;
  const ty = Math.floor(((1 - Math.log(Math.tan(latR) + 1 / Math.cos(latR)) / Math.PI) / 2) * n);
  assert.ok(images.some((m) => Number(m[2]) === tx && Number(m[3]) === ty), `tile ${tx}/${ty} of the north-west corner is drawn`);
  // every point of the outline lies on some tile
  for (const [x, y] of pathPoints(d.path)) {
    assert.ok(images.some((m) => x >= Number(m[4]) && x <= Number(m[4]) + Number(m[6]) && y >= Number(m[5]) && y <= Number(m[5]) + Number(m[7])), `point ${x},${y} on a tile`);
  }
  assert.match(html, /Kartengrundlage: © GeoBasis-DE \/ BKG/);
  assert.equal(tileOrigin(tile.urlTemplate), "https://tiles.example.org");
  assert.equal(tileOrigin("http://insecure.example/{z}/{x}/{y}"), undefined);
});
