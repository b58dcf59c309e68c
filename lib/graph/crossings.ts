/**
 * How many times the drawn edges of a laid-out picture cross: the measure by which layouts
 * are compared (the own layout against Graphviz's, in the bench and the tests). Every edge is
 * taken as drawn (the smooth path through its points, or its Bézier route) and sampled into
 * short segments; two edges crossing counts once per crossing point. Touching where two edges
 * meet a node they share is not a crossing. Written here because the graph libraries count
 * crossings, if at all, on their own layered model (between adjacent ranks, straight lines),
 * not on the curves a picture finally draws, which is what a reader sees.
 */
import type { Placed, PlacedEdge, Point } from './layout';

/** Segments per cubic Bézier segment. */
const SAMPLES = 12;
/** Within this distance of an edge's own end, a meeting is at a node, not a crossing. */
const NEAR_END = 3;

function cubic(p0: Point, p1: Point, p2: Point, p3: Point, out: Point[]): void {
  for (let k = 1; k <= SAMPLES; k++) {
    const t = k / SAMPLES;
    const u = 1 - t;
    out.push({ x: u * u * u * p0.x + 3 * u * u * t * p1.x + 3 * u * t * t * p2.x + t * t * t * p3.x, y: u * u * u * p0.y + 3 * u * u * t * p1.y + 3 * u * t * t * p2.y + t * t * t * p3.y });
  }
}

/** The edge as the SVG draws it, as a polyline. */
export function drawnPolyline(e: PlacedEdge): Point[] {
  const b = e.bezier;
  if (b && b.length >= 4) {
    const out = [b[0]];
    for (let i = 1; i + 2 < b.length; i += 3) cubic(b[i - 1], b[i], b[i + 1], b[i + 2], out);
    return out;
  }
  const p = e.points;
  if (e.selfLoop && p.length === 4) {
    const out = [p[0]];
    cubic(p[0], p[1], p[2], p[3], out);
    return out;
  }
  const out = [p[0]];
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1];
    const c = p[i];
    const dy = (c.y - a.y) / 2;
    cubic(a, { x: a.x, y: a.y + dy }, { x: c.x, y: c.y - dy }, c, out);
  }
  return out;
}

interface Segment {
  readonly edge: number;
  readonly a: Point;
  readonly b: Point;
}

/** Where segments ab and cd cross properly, if they do. */
function intersection(a: Point, b: Point, c: Point, d: Point): Point | undefined {
  const rx = b.x - a.x;
  const ry = b.y - a.y;
  const sx = d.x - c.x;
  const sy = d.y - c.y;
  const den = rx * sy - ry * sx;
  if (Math.abs(den) < 1e-12) return undefined; // parallel or collinear: no single crossing point
  const t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / den;
  const u = ((c.x - a.x) * ry - (c.y - a.y) * rx) / den;
  if (t < 0 || t >= 1 || u < 0 || u >= 1) return undefined;
  return { x: a.x + t * rx, y: a.y + t * ry };
}

/** The number of edge crossings in a laid-out picture. */
export function countCrossings(p: Placed): number {
  const lines = p.edges.map(drawnPolyline);
  const ends = lines.map((l) => [l[0], l[l.length - 1]]);
  const segments: Segment[] = [];
  lines.forEach((l, edge) => {
    for (let i = 1; i < l.length; i++) segments.push({ edge, a: l[i - 1], b: l[i] });
  });
  if (!segments.length) return 0;
  // A uniform grid: each segment is tested against those sharing a cell; a crossing is counted in the cell it lies in.
  const cell = 40;
  const grid = new Map<number, Segment[]>();
  // A loop, not Math.max(...): a spread of a large picture's segments overflows the stack.
  let right = p.width;
  for (const s of segments) right = Math.max(right, s.a.x, s.b.x);
  const width = Math.ceil(right / cell) + 2;
  const key = (cx: number, cy: number) => cy * width + cx;
  const cellOf = (v: number) => Math.max(0, Math.floor(v / cell));
  for (const s of segments) {
    for (let cx = cellOf(Math.min(s.a.x, s.b.x)); cx <= cellOf(Math.max(s.a.x, s.b.x)); cx++)
      for (let cy = cellOf(Math.min(s.a.y, s.b.y)); cy <= cellOf(Math.max(s.a.y, s.b.y)); cy++) {
        const k = key(cx, cy);
        const list = grid.get(k);
        if (list) list.push(s);
        else grid.set(k, [s]);
      }
  }
  const nearEnd = (q: Point, edge: number) => ends[edge].some((e) => Math.abs(e.x - q.x) <= NEAR_END && Math.abs(e.y - q.y) <= NEAR_END);
  let count = 0;
  for (const [k, list] of grid) {
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const s = list[i];
        const t = list[j];
        if (s.edge === t.edge) continue;
        const q = intersection(s.a, s.b, t.a, t.b);
        if (!q || key(cellOf(q.x), cellOf(q.y)) !== k) continue;
        if (nearEnd(q, s.edge) || nearEnd(q, t.edge)) continue;
        count++;
      }
  }
  return count;
}
