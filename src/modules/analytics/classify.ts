import type { AnalyticsArea } from "../../platform/module.js";

/** A rule: page views under `prefix` (relative to the municipality; "" = the home page only) count for area / sub-area. */
export interface AreaRule {
  prefix: string;
  area: string;
  subArea: string;
  /** a town's own rule (wins over a module's default with the same prefix) */
  own: boolean;
}

export const OTHER_AREA = "Sonstige";

export function defaultRules(areas: AnalyticsArea[]): AreaRule[] {
  return areas.map((a) => ({ prefix: normalisePrefix(a.pathPrefix), area: a.label, subArea: a.subArea ?? "", own: false }));
}

export function normalisePrefix(prefix: string): string {
  return prefix.trim().replace(/^\/+/, "").replace(/[?#].*$/, "");
}

/**
 * Does a rule match the path? "" matches only the home page. A module's default matches at a
 * path-segment boundary ("rat" matches "rat" and "rat/…", not "rathaus/…"); a town's own rule is a
 * plain "begins with" ("aktuelles/corona" also matches "aktuelles/corona-regeln"), as its form says.
 */
function matches(r: AreaRule, rel: string): boolean {
  if (r.prefix === "") return rel === "";
  if (r.own) return rel.startsWith(r.prefix);
  const dir = r.prefix.endsWith("/") ? r.prefix : `${r.prefix}/`;
  return rel === r.prefix || rel === dir.slice(0, -1) || rel.startsWith(dir);
}

/** The longest matching prefix wins; a town's own rule wins over a default with the same prefix. "" matches only the home page. */
export function classify(rel: string, rules: AreaRule[]): { area: string; subArea: string } {
  let best: AreaRule | undefined;
  for (const r of rules) {
    const hit = matches(r, rel);
    if (!hit) continue;
    if (!best || r.prefix.length > best.prefix.length || (r.prefix.length === best.prefix.length && r.own && !best.own)) best = r;
  }
  return best ? { area: best.area, subArea: best.subArea } : { area: OTHER_AREA, subArea: "" };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The path as stored: personal links (invitation and result tokens, 20+ characters of letters and
 * digits that are not an id) are replaced by "…", so the statistics never hold a capability.
 * Returns the stored path and the path relative to the municipality (no leading slash).
 */
export function storedPath(path: string, slug: string): { path: string; rel: string } {
  let p = path.split(/[?#]/)[0]!.replace(/\/{2,}/g, "/");
  try {
    p = decodeURI(p);
  } catch {
    /* keep it encoded */
  }
  const segments = p.split("/").map((s) => (s.length >= 20 && !UUID.test(s) && /\d/.test(s) && /[A-Za-z]/.test(s) && /^[A-Za-z0-9_-]+$/.test(s) ? "…" : s));
  p = segments.join("/").slice(0, 500);
  const base = `/${slug}`;
  const rel = p === base || p === `${base}/` ? "" : p.startsWith(`${base}/`) ? p.slice(base.length + 1) : p.replace(/^\//, "");
  return { path: p, rel };
}
