import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";

/**
 * The scope area (Geltungsbereich) of a plan as an accessible SVG outline, drawn on our own server:
 * no map library, no request to another host. The WGS84 (Multi)Polygon is projected with Web
 * Mercator into a viewBox with a margin; a scale bar in metres and a north arrow make it readable
 * as a map; title, description and a caption below say the same in words. When the town configured
 * a tile server, the tiles covering the view are drawn underneath as SVG <image> elements (computed
 * here, so they line up with the outline without any script and without inline styles).
 */

const EARTH_RADIUS_M = 6_378_137;
const MAX_INNER = 560;
const MIN_INNER = 200;
const MARGIN = 40;
const BAR_STRIP = 44;
const TILE_SIZE = 256;
const MAX_TILES = 36;

type Position = [number, number];
type Ring = Position[];

export interface TileSource {
  /** https URL with {z}, {x} and {y} */
  urlTemplate: string;
  attribution: string;
}

export interface ScopeFacts {
  /** east-west and north-south extent in metres */
  widthM: number;
  heightM: number;
  center: { lat: number; lon: number };
}

/** How the viewBox maps to Web Mercator (radians): the script for the statement form inverts it. */
export interface ScopeProjection {
  minX: number;
  maxY: number;
  scale: number;
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
  /** the height of the map part (the strip below holds the scale bar) */
  mapHeight: number;
}

export interface ScopeDrawing {
  facts: ScopeFacts;
  projection: ScopeProjection;
  /** path data of all rings (holes included) in viewBox units */
  path: string;
  scaleBar: { metres: number; px: number; label: string };
  tiles: { href: string; x: number; y: number; size: number }[];
  tileZoom: number | null;
}

const mercX = (lon: number) => (lon * Math.PI) / 180;
const mercY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The polygons' rings, or undefined when the value is not a usable WGS84 Polygon/MultiPolygon. */
export function scopeRings(geojson: string | object): Ring[] | undefined {
  let g: unknown = geojson;
  if (typeof geojson === "string") {
    try {
      g = JSON.parse(geojson);
    } catch {
      return undefined;
    }
  }
  const geom = g as { type?: string; coordinates?: unknown };
  const polygons: unknown[] = geom?.type === "Polygon" ? [geom.coordinates] : geom?.type === "MultiPolygon" && Array.isArray(geom.coordinates) ? geom.coordinates : [];
  const rings: Ring[] = [];
  for (const poly of polygons) {
    if (!Array.isArray(poly)) return undefined;
    for (const ring of poly) {
      if (!Array.isArray(ring) || ring.length < 3) return undefined;
      const out: Ring = [];
      for (const p of ring) {
        if (!Array.isArray(p) || typeof p[0] !== "number" || typeof p[1] !== "number" || !Number.isFinite(p[0]) || !Number.isFinite(p[1]) || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 85) return undefined;
        out.push([p[0], p[1]]);
      }
      rings.push(out);
    }
  }
  return rings.length ? rings : undefined;
}

/** "620 m", "1,2 km" */
export function formatLength(m: number): string {
  if (m >= 1000) return `${(Math.round(m / 100) / 10).toLocaleString("de-DE")} km`;
  if (m >= 100) return `${Math.round(m / 10) * 10} m`;
  return `${Math.max(1, Math.round(m))} m`;
}

/** "52,5412° N, 12,9531° O" */
export function formatPosition(lat: number, lon: number): string {
  const f = (n: number) => Math.abs(n).toLocaleString("de-DE", { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  return `${f(lat)}° ${lat >= 0 ? "N" : "S"}, ${f(lon)}° ${lon >= 0 ? "O" : "W"}`;
}

export function describeScope(f: ScopeFacts): string {
  return `Umriss des Geltungsbereichs, etwa ${formatLength(f.widthM)} × ${formatLength(f.heightM)}, Mittelpunkt ${formatPosition(f.center.lat, f.center.lon)}`;
}

/** 1, 2 or 5 times a power of ten, not above `m`. */
function niceLength(m: number): number {
  const p = 10 ** Math.floor(Math.log10(m));
  const f = m / p;
  return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
}

/** Everything the figure needs, computed once; undefined for an unusable geometry. */
export function drawScope(geojson: string | object, tile?: TileSource): ScopeDrawing | undefined {
  const rings = scopeRings(geojson);
  if (!rings) return undefined;
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (const r of rings) {
    for (const [lon, lat] of r) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  const centerLat = (minLat + maxLat) / 2;
  const center = { lat: centerLat, lon: (minLon + maxLon) / 2 };
  const cos = Math.cos((centerLat * Math.PI) / 180);
  const facts: ScopeFacts = {
    widthM: (((maxLon - minLon) * Math.PI) / 180) * EARTH_RADIUS_M * cos,
    heightM: (((maxLat - minLat) * Math.PI) / 180) * EARTH_RADIUS_M,
    center,
  };

  const minX = mercX(minLon);
  const maxX = mercX(maxLon);
  const minY = mercY(minLat);
  const maxY = mercY(maxLat);
  // a point or a line still gets a drawing: at least ~10 m either way
  const tiny = 10 / EARTH_RADIUS_M / cos;
  const spanX = Math.max(maxX - minX, tiny);
  const spanY = Math.max(maxY - minY, tiny);
  const scale = MAX_INNER / Math.max(spanX, spanY);
  const innerW = Math.max(spanX * scale, MIN_INNER);
  const innerH = Math.max(spanY * scale, MIN_INNER);
  const width = innerW + 2 * MARGIN;
  const mapHeight = innerH + 2 * MARGIN;
  const height = mapHeight + BAR_STRIP;
  const offsetX = MARGIN + (innerW - (maxX - minX) * scale) / 2;
  const offsetY = MARGIN + (innerH - (maxY - minY) * scale) / 2;
  const px = (lon: number) => offsetX + (mercX(lon) - minX) * scale;
  const py = (lat: number) => offsetY + (maxY - mercY(lat)) * scale;
  const path = rings.map((r) => `M${r.map(([lon, lat]) => `${round1(px(lon))},${round1(py(lat))}`).join("L")}Z`).join("");

  const metresPerPx = (EARTH_RADIUS_M * cos) / scale;
  const metres = niceLength((innerW / 4) * metresPerPx);
  const scaleBar = { metres, px: round1(metres / metresPerPx), label: formatLength(metres) };

  const projection: ScopeProjection = { minX, maxY, scale, offsetX, offsetY, width: round1(width), height: round1(height), mapHeight: round1(mapHeight) };
  const { tiles, zoom } = tile ? tilesFor(tile.urlTemplate, projection) : { tiles: [], zoom: null };
  return { facts, projection, path, scaleBar, tiles, tileZoom: zoom };
}

/**
 * The tiles (x/y/z of the usual web map scheme) that cover the map part of the view, at the zoom
 * whose pixels come closest to the drawing's: the area then fits the ~600 px of the figure.
 */
export function tilesFor(urlTemplate: string, pr: ScopeProjection): { tiles: ScopeDrawing["tiles"]; zoom: number } {
  const zoom = Math.min(19, Math.max(0, Math.round(Math.log2((pr.scale * 2 * Math.PI) / TILE_SIZE))));
  const n = 2 ** zoom;
  const unit = (2 * Math.PI) / n;
  const toX = (vx: number) => pr.minX + (vx - pr.offsetX) / pr.scale;
  const toY = (vy: number) => pr.maxY - (vy - pr.offsetY) / pr.scale;
  const tx = (x: number) => Math.min(n - 1, Math.max(0, Math.floor((x + Math.PI) / unit)));
  const ty = (y: number) => Math.min(n - 1, Math.max(0, Math.floor((Math.PI - y) / unit)));
  const x0 = tx(toX(0)), x1 = tx(toX(pr.width));
  const y0 = ty(toY(0)), y1 = ty(toY(pr.mapHeight));
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES) return { tiles: [], zoom };
  const tiles: ScopeDrawing["tiles"] = [];
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const left = x * unit - Math.PI;
      const top = Math.PI - y * unit;
      tiles.push({
        href: urlTemplate.replace("{z}", String(zoom)).replace("{x}", String(x)).replace("{y}", String(y)),
        x: round1(pr.offsetX + (left - pr.minX) * pr.scale),
        y: round1(pr.offsetY + (pr.maxY - top) * pr.scale),
        size: Math.ceil(unit * pr.scale * 10) / 10 + 0.5,
      });
    }
  }
  return { tiles, zoom };
}

/** The origin a tile template loads from (for the page's Content-Security-Policy), or undefined. */
export function tileOrigin(urlTemplate: string): string | undefined {
  try {
    const u = new URL(urlTemplate.replace(/\{[xyz]\}/g, "0"));
    return u.protocol === "https:" ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The figure: SVG with role="img", <title> and <desc>, and a caption with the same facts.
 * `pickInput` names a hidden input: the statement form's script then lets a click on the map set a
 * point there (the data attributes carry the projection it needs).
 */
export function ScopeOutline(p: { geojson: string | object | null | undefined; title: string; tile?: TileSource | undefined; id?: string; pickInput?: string }): SafeHtml {
  if (!p.geojson) return <Fragment />;
  const d = drawScope(p.geojson, p.tile);
  if (!d) return <Fragment />;
  const id = p.id ?? "geltungsbereich-karte";
  const pr = d.projection;
  const desc = describeScope(d.facts);
  const barY = pr.height - 14;
  const arrowX = pr.width - 22;
  const pick = p.pickInput
    ? {
        "data-pick-input": p.pickInput,
        "data-min-x": String(pr.minX),
        "data-max-y": String(pr.maxY),
        "data-scale": String(pr.scale),
        "data-offset-x": String(pr.offsetX),
        "data-offset-y": String(pr.offsetY),
        "data-map-height": String(pr.mapHeight),
      }
    : {};
  return (
    <figure className="scope-map" id={id}>
      <svg viewBox={`0 0 ${pr.width} ${pr.height}`} width={String(Math.round(pr.width))} height={String(Math.round(pr.height))} role="img" aria-labelledby={`${id}-titel`} aria-describedby={`${id}-beschreibung`} className="scope-map__svg" {...pick}>
        <title id={`${id}-titel`}>{p.title}</title>
        <desc id={`${id}-beschreibung`}>{desc}</desc>
        <rect x="0" y="0" width={String(pr.width)} height={String(pr.height)} fill="#f7f8fa" />
        {d.tiles.length ? (
          <g className="scope-map__tiles">
            {d.tiles.map((t) => (
              <image href={t.href} x={String(t.x)} y={String(t.y)} width={String(t.size)} height={String(t.size)} preserveAspectRatio="none" />
            ))}
          </g>
        ) : null}
        <path d={d.path} fill="#1d4f91" fill-opacity={d.tiles.length ? "0.12" : "0.15"} stroke="#0b3e82" stroke-width="3" stroke-linejoin="round" fill-rule="evenodd" vector-effect="non-scaling-stroke" />
        <rect x="0" y={String(pr.mapHeight)} width={String(pr.width)} height={String(pr.height - pr.mapHeight)} fill="#ffffff" />
        <g className="scope-map__scale" aria-hidden="true">
          <path d={`M16,${barY - 8}V${barY}H${round1(16 + d.scaleBar.px)}V${barY - 8}`} fill="none" stroke="#171a1c" stroke-width="2" />
          <text x={String(round1(24 + d.scaleBar.px))} y={String(barY)} font-size="14" fill="#171a1c">{d.scaleBar.label}</text>
        </g>
        <g className="scope-map__north" aria-hidden="true">
          <path d={`M${arrowX},4L${arrowX + 7},24L${arrowX},20L${arrowX - 7},24Z`} fill="#171a1c" stroke="#ffffff" stroke-width="1" />
          <text x={String(arrowX)} y="38" font-size="13" font-weight="bold" text-anchor="middle" fill="#171a1c" stroke="#ffffff" stroke-width="3" paint-order="stroke">N</text>
        </g>
      </svg>
      <figcaption className="kern-body kern-body--small">
        {desc}. Maßstabsleiste: {d.scaleBar.label}; Norden ist oben.
        {p.tile && d.tiles.length ? <Fragment> Kartengrundlage: {p.tile.attribution}</Fragment> : null}
      </figcaption>
    </figure>
  );
}
