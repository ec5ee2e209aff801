/**
 * Circular arcs as chords, in the plane of the CRS (UTM metres, or degrees for geographic
 * coordinates): the arc through three points (start, a point on the arc, end) as GML's
 * gml:Arc, gml:ArcString and gml:Circle define it.
 */

export type Point = [number, number];

/** An upper bound, for arcs of huge radius given with a tiny tolerance. */
const MAX_POINTS_PER_ARC = 512;

/**
 * Points along the circular arc through a, m, b, a excluded and b included (for a full circle:
 * around and back to a), no chord farther than `tolerance` from the arc. Collinear points are a
 * straight line.
 */
export function arcPoints(a: Point, m: Point, b: Point, full: boolean, tolerance: number): Point[] {
  const d = 2 * (a[0] * (m[1] - b[1]) + m[0] * (b[1] - a[1]) + b[0] * (a[1] - m[1]));
  const scale = Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[0] - m[0]), Math.abs(a[1] - m[1]));
  if (Math.abs(d) <= 1e-12 * scale * scale) return [m, b];
  const sq = (p: Point) => p[0] * p[0] + p[1] * p[1];
  const cx = (sq(a) * (m[1] - b[1]) + sq(m) * (b[1] - a[1]) + sq(b) * (a[1] - m[1])) / d;
  const cy = (sq(a) * (b[0] - m[0]) + sq(m) * (a[0] - b[0]) + sq(b) * (m[0] - a[0])) / d;
  const r = Math.hypot(a[0] - cx, a[1] - cy);
  const angle = (p: Point) => Math.atan2(p[1] - cy, p[0] - cx);
  const turn = (x: number) => ((x % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  const a0 = angle(a);
  const toMid = turn(angle(m) - a0);
  const toEnd = turn(angle(b) - a0);
  // counter-clockwise when the middle point comes first going counter-clockwise from the start;
  // a full circle runs the way its three points do (d > 0: counter-clockwise)
  const ccw = full ? d > 0 : toMid < toEnd;
  const sweep = full ? (ccw ? 2 * Math.PI : -2 * Math.PI) : ccw ? toEnd : -(2 * Math.PI - toEnd);
  const step = tolerance >= r ? Math.PI / 2 : 2 * Math.acos(1 - tolerance / r);
  const n = Math.min(MAX_POINTS_PER_ARC, Math.max(2, Math.ceil(Math.abs(sweep) / step)));
  const out: Point[] = [];
  for (let i = 1; i < n; i++) {
    const t = a0 + (sweep * i) / n;
    out.push([cx + r * Math.cos(t), cy + r * Math.sin(t)]);
  }
  out.push(full ? a : b);
  return out;
}
