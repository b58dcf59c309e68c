/**
 * Large pictures laid out by Graphviz's `dot`, compiled to WebAssembly (@viz-js/viz: the
 * WebAssembly is inside the package, so it works offline and needs no Graphviz install).
 * The graph is handed over with each node at the size xos draws it, and Graphviz's
 * positions and splines come back as a {@link Placed} that the SVG renderer draws like any
 * other: the picture keeps xos's look, only the layout is Graphviz's.
 */
import { countCrossings } from './crossings';
import { edgeText, type Graph } from './graph';
import { METRICS, nodeWidth, type Placed, type PlacedEdge, type PlacedNode, type Point } from './layout';
import { dotString } from './text';

/** Graphviz's unit is the point (1/72 inch); xos's SVG unit is drawn as one point too. */
const INCH = 72;

interface JsonObject {
  readonly _gvid: number;
  readonly name: string;
  readonly pos?: string;
  readonly bb?: string;
}

interface JsonEdge {
  readonly id?: string;
  readonly tail: number;
  readonly head: number;
  readonly pos?: string;
  readonly lp?: string;
}

/** The DOT that Graphviz lays out: every node at xos's size, edges with their labels (which take room). */
export function layoutDot(g: Graph): string {
  const id = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const size = (w: number) => (w / INCH).toFixed(4);
  const lines = [
    'digraph layout {',
    `  rankdir=TB; nodesep=${size(METRICS.nodeGap)}; ranksep=${size(METRICS.layerGap)};`,
    `  node [shape=box, fixedsize=true, label="", height=${size(METRICS.nodeHeight)}];`,
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const node = (i: number) => `n${i} [width=${size(nodeWidth(g.nodes[i]))}];`;
  const external = g.nodes.map((n, i) => (n.group === 'external' ? i : -1)).filter((i) => i >= 0);
  if (external.length) lines.push(`  subgraph cluster_external { margin=${METRICS.externalPad}; ${external.map(node).join(' ')} }`);
  g.nodes.forEach((n, i) => n.group !== 'external' && lines.push(`  ${node(i)}`));
  // Deployments are the floor everything stands on: one row, at the bottom (as the own layout does).
  const floor = g.nodes.map((n, i) => (n.kind === 'deployment' ? `n${i}` : '')).filter(Boolean);
  if (floor.length) lines.push(`  { rank=max; ${floor.join('; ')}; }`);
  g.edges.forEach((e, i) => {
    const from = id.get(e.from);
    const to = id.get(e.to);
    const label = edgeText(e);
    if (from && to) lines.push(`  ${from} -> ${to} [id="e${i}"${label ? `, label=${dotString(label)}` : ''}];`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

type Viz = { render(dot: string, options: { format: string }): { status: string; output?: string; errors: { level?: string; message: string }[] } };
let viz: Promise<Viz> | undefined;

type GraphvizJson = { bb: string; objects?: JsonObject[]; edges?: JsonEdge[] };

/** Graphviz's dot on DOT text: positions and splines as JSON. */
async function runDot(dot: string): Promise<GraphvizJson> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  viz ??= (require('@viz-js/viz') as { instance(): Promise<Viz> }).instance();
  const r = (await viz).render(dot, { format: 'json0' });
  if (r.status !== 'success' || !r.output) throw new Error(`Graphviz could not lay out the graph: ${r.errors.map((e) => e.message).join('; ') || r.status}`);
  return JSON.parse(r.output) as GraphvizJson;
}

/** Lay out `g` with Graphviz's dot. */
export async function layoutWithGraphviz(g: Graph): Promise<Placed> {
  return placedFrom(g, await runDot(layoutDot(g)));
}

/**
 * The edge crossings of Graphviz's own picture of any DOT text (for example what
 * `xos graph --format dot` writes), counted as {@link countCrossings} counts them: the
 * reference the layouts are measured against.
 */
export async function graphvizCrossings(dot: string): Promise<number> {
  const out = await runDot(dot);
  const edges = (out.edges ?? []).filter((e) => e.pos).map((e) => {
    const { bezier } = route(e.pos!, (t) => {
      const [x, y] = t.split(',').map(Number);
      return { x, y };
    });
    return { edge: { from: String(e.tail), to: String(e.head), kind: 'tenancy' as const }, points: bezier.filter((_, k) => k % 3 === 0), bezier, labelAt: bezier[0], selfLoop: e.tail === e.head };
  });
  return countCrossings({ width: Number(out.bb.split(',')[2]), height: Number(out.bb.split(',')[3]), nodes: [], edges });
}

/** An edge's `pos` as cubic Bézier points: the spline, then straight on to the arrows' tips. */
function route(pos: string, pair: (s: string) => Point): { bezier: Point[] } {
  let start: Point | undefined;
  let end: Point | undefined;
  const controls: Point[] = [];
  for (const token of pos.split(/\s+/).filter(Boolean)) {
    if (token.startsWith('e,')) end = pair(token.slice(2));
    else if (token.startsWith('s,')) start = pair(token.slice(2));
    else controls.push(pair(token));
  }
  return { bezier: [...(start ? [start, start, controls[0]] : []), ...controls, ...(end ? [controls[controls.length - 1], end, end] : [])] };
}

const round = (v: number): number => Math.round(v * 10) / 10;

function placedFrom(g: Graph, out: GraphvizJson): Placed {
  const [, , right, top] = out.bb.split(',').map(Number);
  // Graphviz's y grows upwards: turn it over, below the heading.
  const at = (x: number, y: number): Point => ({ x: round(x + METRICS.margin), y: round(top - y + METRICS.top) });
  const pair = (s: string): Point => {
    const [x, y] = s.split(',').map(Number);
    return at(x, y);
  };
  const objects = out.objects ?? [];
  const byName = new Map(objects.map((o) => [o.name, o]));
  const centres = g.nodes.map((_, i) => pair(byName.get(`n${i}`)?.pos ?? '0,0'));
  const rows = [...new Set(centres.map((c) => c.y))].sort((a, b) => a - b);
  const nodes: PlacedNode[] = g.nodes.map((n, i) => ({ node: n, x: centres[i].x, y: centres[i].y, w: nodeWidth(n), h: METRICS.nodeHeight, layer: rows.indexOf(centres[i].y) }));
  const edges: PlacedEdge[] = [];
  for (const e of out.edges ?? []) {
    const i = Number(e.id?.slice(1));
    const edge = g.edges[i];
    if (!edge || !e.pos) continue;
    const { bezier } = route(e.pos, pair);
    const anchors = bezier.filter((_, k) => k % 3 === 0);
    const labelAt = e.lp ? pair(e.lp) : anchors[Math.floor(anchors.length / 2)];
    edges.push({ edge, points: anchors, bezier, labelAt, selfLoop: edge.from === edge.to });
  }
  const cluster = objects.find((o) => o.name === 'cluster_external' && o.bb);
  let externalBox: Placed['externalBox'];
  if (cluster?.bb) {
    const [x0, y0, x1, y1] = cluster.bb.split(',').map(Number);
    const a = at(x0, y1);
    externalBox = { x: a.x, y: a.y, w: round(x1 - x0), h: round(y1 - y0) };
  }
  return {
    width: Math.ceil(right + 2 * METRICS.margin),
    height: Math.ceil(top + METRICS.top + METRICS.margin),
    nodes,
    edges,
    ...(externalBox ? { externalBox } : {}),
  };
}
