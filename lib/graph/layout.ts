/**
 * A small, deterministic layered layout (after Sugiyama et al.): break cycles, put every
 * node on a layer so that edges point down (tenants above their providers), route long edges
 * through virtual points, order each layer to reduce crossings (barycentre sweeps), then
 * give x coordinates that sit each node over its neighbours without overlaps (an isotonic
 * regression per layer). External Services are laid out in a column of their own, to the
 * right of everything else. The same graph always gives the same coordinates.
 *
 * Kept, beside Graphviz (lib/graph/graphviz.ts), for small pictures: on the examples (up
 * to 51 nodes and edges) it crosses as few edges as Graphviz's dot or fewer and takes about a
 * millisecond, against 100 ms and more for starting Graphviz's WebAssembly. Mid-size graphs go
 * to Graphviz (see OWN_LAYOUT_UP_TO in lib/graph/index.ts). Graphs too large for Graphviz (a
 * minute and more) come back here, and are ordered by {@link orderLarge}: dot's own remedies
 * (components apart, a depth-first initial order, median sweeps with transposition), which
 * bring the generated 50k and 100k clouds to 1.2-1.7x dot's crossings in seconds (bench/README.md).
 */
import type { Graph, GraphEdge, GraphNode } from './graph';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode {
  readonly node: GraphNode;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly layer: number;
}

export interface PlacedEdge {
  readonly edge: GraphEdge;
  /** From the source's border to the target's border, through the virtual points. */
  readonly points: readonly Point[];
  /**
   * The route as cubic Bézier segments (start, then three points per segment), when the
   * layout routed it as splines (Graphviz); drawn instead of the smooth path through `points`.
   */
  readonly bezier?: readonly Point[];
  /** Where the label goes (the middle of the edge). */
  readonly labelAt: Point;
  readonly selfLoop: boolean;
}

export interface Placed {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  /** The frame around the external Services, when there are any. */
  readonly externalBox?: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

/** Sizes, in SVG user units. */
export const METRICS = {
  nodeHeight: 44,
  layerGap: 64,
  nodeGap: 28,
  dummyGap: 14,
  margin: 24,
  top: 56,
  labelChar: 7.4,
  detailChar: 6.1,
  padding: 26,
  minWidth: 96,
  externalGap: 56,
  externalPad: 16,
} as const;

/** The width a node needs for its text (an estimate that errs wide: no font is measured). */
export function nodeWidth(n: GraphNode): number {
  const text = Math.max(n.label.length * METRICS.labelChar, (n.detail ?? '').length * METRICS.detailChar);
  return Math.max(METRICS.minWidth, Math.ceil(text + METRICS.padding));
}

interface Vertex {
  readonly id: string;
  readonly node?: GraphNode;
  readonly w: number;
  layer: number;
  x: number;
  readonly external: boolean;
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** Lay out a graph. */
export function layoutGraph(g: Graph): Placed {
  const index = new Map(g.nodes.map((n, i) => [n.id, i]));
  const edges = g.edges.filter((e) => index.has(e.from) && index.has(e.to));
  const proper = edges.filter((e) => e.from !== e.to);

  // 1. Break cycles: a depth-first search in node order; an edge into a node on the stack is reversed.
  const out = new Map<string, GraphEdge[]>();
  for (const e of proper) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const reversed = new Set<GraphEdge>();
  const state = new Map<string, 1 | 2>();
  const visit = (n: string) => {
    state.set(n, 1);
    for (const e of out.get(n) ?? []) {
      const s = state.get(e.to);
      if (s === 1) reversed.add(e);
      else if (s === undefined) visit(e.to);
    }
    state.set(n, 2);
  };
  for (const n of g.nodes) if (!state.has(n.id)) visit(n.id);
  const down = proper.map((e) => (reversed.has(e) ? { from: e.to, to: e.from, e } : { from: e.from, to: e.to, e }));

  // 2. Layers: longest path from the sources, then sources pulled down next to their first successor.
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const d of down) {
    preds.set(d.to, [...(preds.get(d.to) ?? []), d.from]);
    succs.set(d.from, [...(succs.get(d.from) ?? []), d.to]);
  }
  const topo = topological(g.nodes.map((n) => n.id), preds, succs);
  const layer = new Map<string, number>();
  for (const n of topo) layer.set(n, Math.max(0, ...(preds.get(n) ?? []).map((p) => (layer.get(p) ?? 0) + 1)));
  for (const n of [...topo].reverse()) {
    if ((preds.get(n) ?? []).length || !(succs.get(n) ?? []).length) continue;
    layer.set(n, Math.max(0, Math.min(...(succs.get(n) ?? []).map((s) => layer.get(s) ?? 0)) - 1));
  }
  // Deployments are the floor everything stands on: one row, at the bottom.
  const floor = g.nodes.filter((n) => n.kind === 'deployment');
  if (floor.length) {
    const above = maxOf(g.nodes.filter((n) => n.kind !== 'deployment').map((n) => layer.get(n.id) ?? 0), -1);
    for (const n of floor) layer.set(n.id, above + 1);
  }

  // 3. Virtual points on edges that span more than one layer.
  const vertices = new Map<string, Vertex>();
  for (const n of g.nodes) vertices.set(n.id, { id: n.id, node: n, w: nodeWidth(n), layer: layer.get(n.id) ?? 0, x: 0, external: n.group === 'external' });
  const chains = new Map<GraphEdge, string[]>();
  const links: [string, string][] = [];
  down.forEach((d, i) => {
    const chain = [d.from];
    for (let l = (layer.get(d.from) ?? 0) + 1; l < (layer.get(d.to) ?? 0); l++) {
      const id = `\u0000v${i}:${l}`;
      vertices.set(id, { id, w: 0, layer: l, x: 0, external: false });
      chain.push(id);
    }
    chain.push(d.to);
    for (let k = 0; k + 1 < chain.length; k++) links.push([chain[k], chain[k + 1]]);
    chains.set(d.e, reversed.has(d.e) ? [...chain].reverse() : chain);
  });

  // 4. Order each layer: barycentre sweeps, keeping the ordering with the fewest crossings.
  const depth = maxOf([...vertices.values()].map((v) => v.layer), 0) + 1;
  let layers: string[][] = Array.from({ length: depth }, () => []);
  for (const v of vertices.values()) layers[v.layer].push(v.id);
  const up = new Map<string, string[]>();
  const dn = new Map<string, string[]>();
  for (const [a, b] of links) {
    dn.set(a, [...(dn.get(a) ?? []), b]);
    up.set(b, [...(up.get(b) ?? []), a]);
  }
  const ext = (id: string) => (vertices.get(id)!.external ? 1 : 0);
  /** Edge crossings between consecutive layers: inversions of lower positions, with the segments in upper order. */
  const crossings = (ls: string[][]): number => {
    let c = 0;
    for (let l = 0; l + 1 < ls.length; l++) {
      const pos = new Map(ls[l + 1].map((id, i) => [id, i]));
      const segs: [number, number][] = [];
      ls[l].forEach((id, i) => (dn.get(id) ?? []).forEach((t) => segs.push([i, pos.get(t) ?? 0])));
      segs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      c += inversions(segs.map((s) => s[1]));
    }
    return c;
  };
  layers = layers.map((ids) => [...ids].sort((a, b) => ext(a) - ext(b)));
  const large = g.nodes.length + g.edges.length > LARGE_FROM;
  layers = large ? orderLarge(layers, links, (id) => vertices.get(id)!.external) : orderSmall(layers, up, dn, ext, crossings);

  // 5. x: pack, then pull each node over its neighbours, without overlaps, a few times each way.
  const gapAfter = (a: Vertex, b: Vertex) => (a.node && b.node ? METRICS.nodeGap : METRICS.dummyGap);
  const mainOf = (ids: string[]) => ids.map((id) => vertices.get(id)!).filter((v) => !v.external);
  for (const ids of layers) {
    let x = 0;
    for (const v of mainOf(ids)) {
      v.x = x + v.w / 2;
      x += v.w + METRICS.nodeGap;
    }
  }
  const centre = (l: number, neighbours: Map<string, string[]>) => {
    const vs = mainOf(layers[l]);
    if (!vs.length) return;
    const desired = vs.map((v) => {
      const ns = (neighbours.get(v.id) ?? []).map((n) => vertices.get(n)!).filter((n) => !n.external);
      return ns.length ? ns.reduce((s, n) => s + n.x, 0) / ns.length : v.x;
    });
    const seps = vs.map((v, i) => (i === 0 ? 0 : vs[i - 1].w / 2 + gapAfter(vs[i - 1], v) + v.w / 2));
    const xs = isotonic(desired, seps);
    vs.forEach((v, i) => (v.x = xs[i]));
  };
  for (let pass = 0; pass < 6; pass++) {
    if (pass % 2 === 0) for (let l = 1; l < depth; l++) centre(l, up);
    else for (let l = depth - 2; l >= 0; l--) centre(l, dn);
  }
  const mainVs = [...vertices.values()].filter((v) => !v.external);
  const minX = -maxOf(mainVs.map((v) => v.w / 2 - v.x), 0);
  for (const v of mainVs) v.x = v.x - minX + METRICS.margin;
  const mainRight = maxOf(mainVs.filter((v) => v.node).map((v) => v.x + v.w / 2), METRICS.margin);

  // External Services: a column of their own, right of everything else.
  const extVs = [...vertices.values()].filter((v) => v.external);
  let externalBox: Placed['externalBox'];
  if (extVs.length) {
    const left = mainRight + METRICS.externalGap + METRICS.externalPad;
    for (const ids of layers) {
      let x = left;
      for (const v of ids.map((id) => vertices.get(id)!).filter((v) => v.external)) {
        v.x = x + v.w / 2;
        x += v.w + METRICS.nodeGap;
      }
    }
    const top = Math.min(...extVs.map((v) => yOf(v.layer) - METRICS.nodeHeight / 2)) - METRICS.externalPad;
    const bottom = Math.max(...extVs.map((v) => yOf(v.layer) + METRICS.nodeHeight / 2)) + METRICS.externalPad;
    const right = Math.max(...extVs.map((v) => v.x + v.w / 2)) + METRICS.externalPad;
    externalBox = { x: round(left - METRICS.externalPad), y: round(top), w: round(right - left + METRICS.externalPad), h: round(bottom - top) };
  }

  // 6. Coordinates out.
  const nodes: PlacedNode[] = g.nodes.map((n) => {
    const v = vertices.get(n.id)!;
    return { node: n, x: round(v.x), y: round(yOf(v.layer)), w: v.w, h: METRICS.nodeHeight, layer: v.layer };
  });
  const placedEdges: PlacedEdge[] = [];
  for (const e of edges) {
    if (e.from === e.to) {
      const v = vertices.get(e.from)!;
      const x = round(v.x + v.w / 2);
      const y = round(yOf(v.layer));
      placedEdges.push({ edge: e, points: [{ x, y: y - 8 }, { x: x + 28, y: y - 20 }, { x: x + 28, y: y + 20 }, { x, y: y + 8 }], labelAt: { x: x + 34, y }, selfLoop: true });
      continue;
    }
    const chain = chains.get(e)!;
    const pts = chain.map((id) => {
      const v = vertices.get(id)!;
      return { x: round(v.x), y: round(yOf(v.layer)), real: !!v.node };
    });
    const half = METRICS.nodeHeight / 2;
    const first = pts[0];
    const last = pts[pts.length - 1];
    const goingDown = last.y > first.y;
    const points: Point[] = pts.flatMap((p, i) => {
      if (i === 0) return [{ x: p.x, y: round(p.y + (goingDown ? half : -half)) }];
      if (i === pts.length - 1) return [{ x: p.x, y: round(p.y + (goingDown ? -half : half)) }];
      // In a large picture an edge passes a row straight down, from the top of the row's
      // nodes to their bottom, as in dot: every edge between two rows then spans the same
      // height, and two of them cross only where their order does (a long edge through the
      // row's middle cut across its neighbours' curves where the rows are spread wide).
      if (large) return [{ x: p.x, y: round(p.y + (goingDown ? -half : half)) }, { x: p.x, y: round(p.y + (goingDown ? half : -half)) }];
      return [{ x: p.x, y: p.y }];
    });
    const mid = Math.floor((points.length - 1) / 2);
    const a = points[mid];
    const b = points[mid + 1];
    placedEdges.push({ edge: e, points, labelAt: { x: round((a.x + b.x) / 2), y: round((a.y + b.y) / 2) }, selfLoop: false });
  }
  const allRight = maxOf(placedEdges.map((p) => p.labelAt.x + 40), Math.max(mainRight, externalBox ? externalBox.x + externalBox.w : 0));
  return {
    width: Math.ceil(allRight + METRICS.margin),
    height: Math.ceil(Math.max(yOf(depth - 1) + METRICS.nodeHeight / 2, externalBox ? externalBox.y + externalBox.h : 0) + METRICS.margin),
    nodes,
    edges: placedEdges,
    ...(externalBox ? { externalBox } : {}),
  };
}

/**
 * Above this many nodes and edges the layers are ordered by {@link orderLarge}; below, by
 * {@link orderSmall}, so that the examples' pictures stay as they were.
 */
export const LARGE_FROM = 200;

/**
 * The ordering of large graphs, after dot's (Gansner et al., "A technique for drawing directed
 * graphs", 1993): each connected component kept together in every layer (components never
 * cross one another), an initial order by a depth-first walk of each component (a tree's
 * children start next to one another), then weighted-median sweeps down and up, each followed
 * by transposition of adjacent vertices, keeping the ordering with the fewest crossings. Works
 * on integer arrays: the 100k-resource cloud has tens of thousands of vertices.
 */
function orderLarge(layers: readonly string[][], links: readonly [string, string][], external: (id: string) => boolean): string[][] {
  const ids = layers.flat();
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const layerOf = new Int32Array(n);
  layers.forEach((l, li) => l.forEach((id) => (layerOf[index.get(id)!] = li)));
  const ext = Uint8Array.from(ids, (id) => (external(id) ? 1 : 0));
  const upN: number[][] = Array.from({ length: n }, () => []);
  const dnN: number[][] = Array.from({ length: n }, () => []);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const [a, b] of links) {
    const i = index.get(a)!;
    const j = index.get(b)!;
    dnN[i].push(j);
    upN[j].push(i);
    const ri = find(i);
    const rj = find(j);
    if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
  }
  // A component is named by its first vertex, top to bottom and left to right: its rank.
  const comp = Int32Array.from({ length: n }, (_, i) => find(i));
  const depth = layers.length;
  /** Each layer grouped: main vertices before external ones, then by component. */
  const grouped = (a: number, b: number) => ext[a] - ext[b] || comp[a] - comp[b];

  /** The initial orders: every vertex in the order given, or as a depth-first walk of its component meets it (down before up). */
  const initialOrder = (walk: boolean): number[][] => {
    const out: number[][] = layers.map(() => []);
    if (!walk) {
      for (let v = 0; v < n; v++) out[layerOf[v]].push(v);
    } else {
      const seen = new Uint8Array(n);
      for (let s = 0; s < n; s++) {
        if (seen[s]) continue;
        const stack = [s];
        seen[s] = 1;
        while (stack.length) {
          const v = stack.pop()!;
          out[layerOf[v]].push(v);
          const next = [...dnN[v], ...upN[v]];
          for (let k = next.length - 1; k >= 0; k--) {
            if (seen[next[k]]) continue;
            seen[next[k]] = 1;
            stack.push(next[k]);
          }
        }
      }
    }
    return out.map((l) => l.map((v, i) => [v, i]).sort((a, b) => grouped(a[0], b[0]) || a[1] - b[1]).map(([v]) => v));
  };

  const pos = new Int32Array(n);
  /** Crossings between consecutive layers, per component (a crossing is always within one): inversions, counted by merge sort. */
  const crossingsOf = (order: number[][]): Map<number, number> => {
    order.forEach((l) => l.forEach((v, i) => (pos[v] = i)));
    const per = new Map<number, number>();
    for (let l = 0; l + 1 < depth; l++) {
      const size = order[l + 1].length + 1;
      const byComp = new Map<number, number[]>();
      for (const v of order[l]) {
        if (!dnN[v].length) continue;
        let segs = byComp.get(comp[v]);
        if (!segs) byComp.set(comp[v], (segs = []));
        for (const w of dnN[v]) segs.push(pos[v] * size + pos[w]);
      }
      for (const [c, segs] of byComp) {
        if (segs.length < 2) continue;
        segs.sort((a, b) => a - b);
        per.set(c, (per.get(c) ?? 0) + inversions(segs.map((s) => s % size)));
      }
    }
    return per;
  };
  const total = (per: Map<number, number>) => [...per.values()].reduce((s, c) => s + c, 0);

  /** dot's weighted median of the neighbours' positions; -1 for a vertex without neighbours there. */
  const median = (v: number, nb: number[][]): number => {
    const ps = nb[v].map((w) => pos[w]).sort((a, b) => a - b);
    const m = ps.length;
    if (!m) return -1;
    if (m % 2) return ps[(m - 1) / 2];
    if (m === 2) return (ps[0] + ps[1]) / 2;
    const left = ps[m / 2 - 1] - ps[0];
    const right = ps[m - 1] - ps[m / 2];
    return left + right === 0 ? (ps[m / 2 - 1] + ps[m / 2]) / 2 : (ps[m / 2 - 1] * right + ps[m / 2] * left) / (left + right);
  };
  const barycentre = (v: number, nb: number[][]): number => (nb[v].length ? nb[v].reduce((s, w) => s + pos[w], 0) / nb[v].length : -1);
  /** Crossings among the edges of u and v, with u left of v. */
  const between = (u: number, v: number): number => {
    let c = 0;
    for (const x of upN[u]) for (const y of upN[v]) if (pos[x] > pos[y]) c++;
    for (const x of dnN[u]) for (const y of dnN[v]) if (pos[x] > pos[y]) c++;
    return c;
  };

  /** Sweeps down and up from an initial order, each followed by transposition; the ordering with the fewest crossings. */
  const sweep = (start: number[][], value: (v: number, nb: number[][]) => number): number[][] => {
    const order = start.map((l) => [...l]);
    order.forEach((l) => l.forEach((v, i) => (pos[v] = i)));
    /** Reorder one layer by the values; vertices without neighbours there keep their places. */
    const sortLayer = (l: number, nb: number[][]) => {
      const ls = order[l];
      const key = new Map<number, number>();
      const slots: number[] = [];
      ls.forEach((v, i) => {
        const m = value(v, nb);
        if (m < 0) return;
        key.set(v, m);
        slots.push(i);
      });
      const movable = slots.map((i) => ls[i]).sort((a, b) => grouped(a, b) || key.get(a)! - key.get(b)! || pos[a] - pos[b]);
      slots.forEach((slot, k) => (ls[slot] = movable[k]));
      ls.forEach((v, i) => (pos[v] = i));
    };
    /** Swap adjacent vertices while that removes crossings; a layer is looked at again only when it or a layer next to it changed. */
    const transpose = () => {
      let dirty = new Uint8Array(depth).fill(1);
      for (let improved = true, rounds = 0; improved && rounds < 8; rounds++) {
        improved = false;
        const changed = new Uint8Array(depth);
        for (let l = 0; l < depth; l++) {
          if (!dirty[l]) continue;
          const ls = order[l];
          for (let i = 0; i + 1 < ls.length; i++) {
            const u = ls[i];
            const v = ls[i + 1];
            if (grouped(u, v) || between(v, u) >= between(u, v)) continue;
            ls[i] = v;
            ls[i + 1] = u;
            pos[u] = i + 1;
            pos[v] = i;
            improved = true;
            changed[l] = 1;
          }
        }
        dirty = new Uint8Array(depth);
        for (let l = 0; l < depth; l++) if (changed[l]) for (const k of [l - 1, l, l + 1]) if (k >= 0 && k < depth) dirty[k] = 1;
      }
    };
    let best = order.map((l) => [...l]);
    let bestCrossings = total(crossingsOf(order));
    for (let iter = 0, stale = 0; iter < MAX_SWEEPS && stale < 4 && bestCrossings > 0; iter++) {
      if (iter % 2 === 0) for (let l = 1; l < depth; l++) sortLayer(l, upN);
      else for (let l = depth - 2; l >= 0; l--) sortLayer(l, dnN);
      transpose();
      const c = total(crossingsOf(order));
      if (c < bestCrossings) {
        bestCrossings = c;
        best = order.map((l) => [...l]);
        stale = 0;
      } else stale++;
      order.forEach((l) => l.forEach((v, i) => (pos[v] = i)));
    }
    return best;
  };

  // Four orderings (two initial orders, medians or barycentres); each component takes the one
  // that crosses least within it (components do not cross one another, so the sum is least).
  const runs = [false, true].flatMap((walk) => [median, barycentre].map((value) => sweep(initialOrder(walk), value)));
  const scores = runs.map(crossingsOf);
  const chosen = new Map<number, number>();
  for (let v = 0; v < n; v++) {
    const c = comp[v];
    if (chosen.has(c)) continue;
    let pick = 0;
    scores.forEach((s, r) => (s.get(c) ?? 0) < (scores[pick].get(c) ?? 0) && (pick = r));
    chosen.set(c, pick);
  }
  const rank = runs.map((order) => {
    const at = new Int32Array(n);
    order.forEach((l) => l.forEach((v, i) => (at[v] = i)));
    return at;
  });
  return runs[0].map((l) => [...l].sort((a, b) => grouped(a, b) || rank[chosen.get(comp[a])!][a] - rank[chosen.get(comp[b])!][b]).map((v) => ids[v]));
}

/** Inversions in a sequence (pairs out of order), by merge sort. */
function inversions(xs: number[]): number {
  let count = 0;
  let a = xs;
  let b = new Array<number>(xs.length);
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(lo + width, a.length);
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (a[j] < a[i]) {
          count += mid - i;
          b[k++] = a[j++];
        } else b[k++] = a[i++];
      }
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    [a, b] = [b, a];
  }
  return count;
}

/** Sweeps of the large ordering at most (dot's default is 24). */
const MAX_SWEEPS = 24;

/** The ordering of small graphs (the examples' pictures), kept as it was: barycentre sweeps, then transposition. */
function orderSmall(layers: string[][], up: Map<string, string[]>, dn: Map<string, string[]>, ext: (id: string) => number, crossings: (ls: string[][]) => number): string[][] {
  const depth = layers.length;
  const sortBy = (ids: string[], neighbours: Map<string, string[]>, ref: string[]): string[] => {
    const pos = new Map(ref.map((id, i) => [id, i]));
    const keyed = ids.map((id, i) => {
      const ns = (neighbours.get(id) ?? []).map((n) => pos.get(n)).filter((p): p is number => p !== undefined);
      return { id, i, b: ns.length ? ns.reduce((s, p) => s + p, 0) / ns.length : i, e: ext(id) };
    });
    return keyed.sort((a, b) => a.e - b.e || a.b - b.b || a.i - b.i).map((k) => k.id);
  };
  let best = layers.map((l) => [...l]);
  let bestCrossings = crossings(best);
  for (let iter = 0; iter < 8 && bestCrossings > 0; iter++) {
    if (iter % 2 === 0) for (let l = 1; l < depth; l++) layers[l] = sortBy(layers[l], up, layers[l - 1]);
    else for (let l = depth - 2; l >= 0; l--) layers[l] = sortBy(layers[l], dn, layers[l + 1]);
    const c = crossings(layers);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = layers.map((x) => [...x]);
    }
  }
  // Then swap neighbours while that removes crossings (the "transpose" step): only the
  // crossings among the two nodes' own edges change, so only those are counted.
  const at = new Map<string, number>();
  best.forEach((ids) => ids.forEach((id, i) => at.set(id, i)));
  const between = (a: string, b: string): number => {
    let c = 0;
    for (const nb of [up, dn]) {
      const pb = (nb.get(b) ?? []).map((x) => at.get(x) ?? 0);
      for (const x of nb.get(a) ?? []) {
        const pa = at.get(x) ?? 0;
        for (const y of pb) if (pa > y) c++;
      }
    }
    return c;
  };
  for (let improved = bestCrossings > 0, rounds = 0; improved && rounds < 6; rounds++) {
    improved = false;
    for (const ids of best) {
      for (let i = 0; i + 1 < ids.length; i++) {
        const [a, b] = [ids[i], ids[i + 1]];
        if (ext(a) !== ext(b) || between(b, a) >= between(a, b)) continue;
        [ids[i], ids[i + 1]] = [b, a];
        at.set(a, i + 1);
        at.set(b, i);
        improved = true;
      }
    }
  }
  return best;
}

/** The largest of `xs` and `floor`: a loop, as Math.max(...xs) overflows the stack on a large picture's arrays. */
function maxOf(xs: readonly number[], floor: number): number {
  let m = floor;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function yOf(layer: number): number {
  return METRICS.top + METRICS.nodeHeight / 2 + layer * (METRICS.nodeHeight + METRICS.layerGap);
}

/** Kahn's order; ties in the given order; nodes left on a cycle (none after breaking) appended. */
function topological(ids: readonly string[], preds: Map<string, string[]>, succs: Map<string, string[]>): string[] {
  const indeg = new Map(ids.map((id) => [id, (preds.get(id) ?? []).length]));
  const ready = ids.filter((id) => indeg.get(id) === 0);
  const out: string[] = [];
  const pos = new Map(ids.map((id, i) => [id, i]));
  while (ready.length) {
    ready.sort((a, b) => (pos.get(a) ?? 0) - (pos.get(b) ?? 0));
    const n = ready.shift()!;
    out.push(n);
    for (const s of succs.get(n) ?? []) {
      const d = (indeg.get(s) ?? 0) - 1;
      indeg.set(s, d);
      if (d === 0) ready.push(s);
    }
  }
  const placed = new Set(out);
  for (const id of ids) if (!placed.has(id)) out.push(id);
  return out;
}

/**
 * Positions closest (least squares) to `desired` such that each is at least `seps[i]` right
 * of the one before: pool-adjacent-violators on x_i - (seps[1] + ... + seps[i]).
 */
export function isotonic(desired: readonly number[], seps: readonly number[]): number[] {
  const offs: number[] = [];
  let acc = 0;
  for (let i = 0; i < desired.length; i++) {
    acc += i === 0 ? 0 : seps[i];
    offs.push(acc);
  }
  const blocks: { sum: number; n: number }[] = [];
  for (let i = 0; i < desired.length; i++) {
    blocks.push({ sum: desired[i] - offs[i], n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].n > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].n) {
      const b = blocks.pop()!;
      blocks[blocks.length - 1].sum += b.sum;
      blocks[blocks.length - 1].n += b.n;
    }
  }
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.n; k++) out.push(b.sum / b.n + offs[out.length]);
  return out;
}
