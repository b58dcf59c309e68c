/**
 * Large pictures stay readable: above a few hundred nodes and edges they are laid out by
 * Graphviz's dot (compiled to WebAssembly, offline, under CommonJS as this test runs), and
 * cross no more than twice as many edges as Graphviz does on the DOT that `xos graph` writes.
 */
import { compileCloud, type Compiled } from '../../lib/compile';
import { countCrossings } from '../../lib/graph/crossings';
import { graphvizCrossings, layoutWithGraphviz } from '../../lib/graph/graphviz';
import { buildGraph, layoutEngineFor, layoutGraph, placeGraph, renderGraph, toDot, toSvg, type Graph, GRAPHVIZ_UP_TO, OWN_LAYOUT_UP_TO } from '../../lib/graph/index';
import { LARGE_FROM, type Placed, type PlacedEdge, type Point } from '../../lib/graph/layout';
import { generateCloud, RESOURCES_PER_SITE } from '../../bench/generate';
import * as fs from 'fs';
import * as path from 'path';
import { loadExample, ROOT } from '../helpers/examples';
import { tmpDir, xos } from '../helpers/tools';

/** The edges of an SVG picture as drawn: each `<path d="M.. C..">` of an edge group, as Bézier points. */
function drawnEdges(svg: string): Placed {
  const edges: PlacedEdge[] = [];
  for (const m of svg.matchAll(/<g class="edge [^"]*"[^>]*>\n<path d="([^"]+)"/g)) {
    const nums = m[1].match(/-?\d+(\.\d+)?/g)!.map(Number);
    const pts: Point[] = [];
    for (let i = 0; i + 1 < nums.length; i += 2) pts.push({ x: nums[i], y: nums[i + 1] });
    edges.push({ edge: { from: '', to: '', kind: 'tenancy' }, points: [pts[0], pts[pts.length - 1]], bezier: pts, labelAt: pts[0], selfLoop: false });
  }
  const width = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
  return { width, height: 0, nodes: [], edges };
}

let generated: Compiled;
beforeAll(() => {
  // 29 Sites (a 1,000-resource cloud before the network plan added groups and rules to each Site).
  generated = compileCloud(generateCloud({ seed: 1, resources: 29 * RESOURCES_PER_SITE }));
});

describe('a large picture', () => {
  test('xos graph --format svg of a 29-Site cloud (179 nodes, 167 edges) crosses at most twice as many edges as Graphviz on its DOT', async () => {
    const g = buildGraph(generated.index, 'slices');
    expect([g.nodes.length, g.edges.length]).toEqual([179, 167]);
    const svg = await renderGraph(generated.built.model, generated.index, 'svg', 'slices');
    const drawn = drawnEdges(svg);
    expect(drawn.edges).toHaveLength(g.edges.length);
    const reference = await graphvizCrossings(toDot(g));
    expect(countCrossings(drawn)).toBeLessThanOrEqual(2 * Math.max(1, reference));
  });

  test('the same through the built CLI, in a process of its own (the WebAssembly comes with the package)', async () => {
    const dir = tmpDir('xos-graph-large-');
    const program = path.join(dir, 'main.ts');
    fs.writeFileSync(program, `const { generateCloud } = require(${JSON.stringify(path.join(ROOT, 'dist', 'bench', 'generate'))});\nexport default generateCloud({ seed: 1, resources: ${29 * RESOURCES_PER_SITE} });\n`);
    const r = xos(['graph', program, '--format', 'svg', '--depth', 'slices', '--transpile-only'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data-key="site-0/slice-0"');
    const reference = await graphvizCrossings(toDot(buildGraph(generated.index, 'slices')));
    expect(countCrossings(drawnEdges(r.stdout))).toBeLessThanOrEqual(2 * Math.max(1, reference));
  });

  test.each(['slices', 'all'] as const)('laid out by Graphviz at depth %s: nothing overlaps, tenants above providers, Deployments on the bottom row', async (depth) => {
    const g = buildGraph(generated.index, depth);
    const { placed, engine } = await placeGraph(g);
    expect(engine).toBe('graphviz');
    expect(placed.nodes).toHaveLength(g.nodes.length);
    expect(placed.edges).toHaveLength(g.edges.length);
    const at = new Map(placed.nodes.map((n) => [n.node.id, n]));
    for (const e of g.edges.filter((x) => x.kind === 'tenancy')) expect(at.get(e.from)!.y).toBeLessThan(at.get(e.to)!.y);
    const rows = new Map<number, { x: number; w: number }[]>();
    for (const n of placed.nodes) rows.set(n.y, [...(rows.get(n.y) ?? []), n]);
    for (const row of rows.values()) {
      const sorted = row.sort((a, b) => a.x - b.x);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i].x - sorted[i].w / 2).toBeGreaterThanOrEqual(sorted[i - 1].x + sorted[i - 1].w / 2);
    }
    for (const n of placed.nodes) {
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w / 2).toBeLessThanOrEqual(placed.width);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(placed.height);
    }
    if (depth === 'all') {
      const bottom = Math.max(...placed.nodes.map((n) => n.y));
      expect(placed.nodes.filter((n) => n.node.kind === 'deployment').every((n) => n.y === bottom)).toBe(true);
    }
    // The edges start and end at their nodes' borders.
    for (const e of placed.edges.filter((x) => !x.selfLoop)) {
      const a = at.get(e.edge.from)!;
      const b = at.get(e.edge.to)!;
      const first = e.bezier![0];
      const last = e.bezier![e.bezier!.length - 1];
      expect(Math.abs(first.x - a.x) <= a.w / 2 + 2 && Math.abs(first.y - a.y) <= a.h / 2 + 2).toBe(true);
      expect(Math.abs(last.x - b.x) <= b.w / 2 + 2 && Math.abs(last.y - b.y) <= b.h / 2 + 2).toBe(true);
    }
  });

  test('keeps xos\'s look: the same node and edge groups as the own layout draws', async () => {
    const g = buildGraph(generated.index, 'all');
    const svg = await renderGraph(generated.built.model, generated.index, 'svg', 'all');
    for (const n of g.nodes) expect(svg).toContain(`data-key="${n.id}"`);
    expect(svg.match(/<g class="edge /g)).toHaveLength(g.edges.length);
    expect(await renderGraph(generated.built.model, generated.index, 'svg', 'all')).toBe(svg);
  });

  test('external Services are framed apart', async () => {
    // opencloud's S3, GAE and EC2 (central-office's subscriber Service is abstract now, not external).
    const oc = compileCloud(loadExample('opencloud'));
    const p = await layoutWithGraphviz(buildGraph(oc.index, 'services'));
    const box = p.externalBox!;
    const ext = p.nodes.filter((n) => n.node.group === 'external');
    expect(ext.length).toBeGreaterThan(0);
    for (const x of ext) expect(x.x - x.w / 2 >= box.x && x.x + x.w / 2 <= box.x + box.w && x.y - x.h / 2 >= box.y && x.y + x.h / 2 <= box.y + box.h).toBe(true);
  });
});

describe('which layout draws a picture', () => {
  const sized = (n: number): Graph => ({ name: 'g', depth: 'services', nodes: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, kind: 'service' as const, label: `s${i}`, group: 'main' as const })), edges: [] });

  test('small pictures (the examples) keep the own layout, byte for byte as before', async () => {
    const co = compileCloud(loadExample('central-office'));
    const g = buildGraph(co.index, 'all');
    expect(layoutEngineFor(g)).toBe('own');
    expect(await renderGraph(co.built.model, co.index, 'svg', 'all')).toBe(toSvg(g));
  });

  test('a picture too large for Graphviz is drawn by the own layout, with a note that says what to draw instead, crossing at most twice as many edges as Graphviz', async () => {
    const big = compileCloud(generateCloud({ seed: 1, resources: 571 * RESOURCES_PER_SITE })); // 571 Sites
    const g = buildGraph(big.index, 'slices');
    expect(g.nodes.length + g.edges.length).toBeGreaterThan(GRAPHVIZ_UP_TO);
    const notes: string[] = [];
    const svg = await renderGraph(big.built.model, big.index, 'svg', 'slices', { note: (m) => notes.push(m) });
    expect(svg).toBe(toSvg(g));
    // Readable still: within 2x of the crossings of Graphviz's own picture (which takes it much longer).
    expect(countCrossings(layoutGraph(g))).toBeLessThanOrEqual(2 * (await graphvizCrossings(toDot(g))));
    expect(notes).toEqual([expect.stringMatching(/^the graph has \d+ nodes and \d+ edges, more than Graphviz lays out in reasonable time \(6000 in all\), so xos's own layout draws it, ordering its rows as dot does\. For a smaller picture draw less \(--depth services\), or lay out --format dot with Graphviz's dot\.$/)]);
  }, 240_000);

  test('by size: own up to OWN_LAYOUT_UP_TO, Graphviz up to GRAPHVIZ_UP_TO, the own layout again beyond', () => {
    expect(layoutEngineFor(sized(OWN_LAYOUT_UP_TO))).toBe('own');
    expect(layoutEngineFor(sized(OWN_LAYOUT_UP_TO + 1))).toBe('graphviz');
    expect(layoutEngineFor(sized(GRAPHVIZ_UP_TO))).toBe('graphviz');
    expect(layoutEngineFor(sized(GRAPHVIZ_UP_TO + 1))).toBe('own');
  });
});

describe('counting crossings', () => {
  const edge = (...pts: [number, number][]): PlacedEdge => ({ edge: { from: 'a', to: 'b', kind: 'tenancy' }, points: pts.map(([x, y]) => ({ x, y })), labelAt: { x: 0, y: 0 }, selfLoop: false });
  const placed = (...edges: PlacedEdge[]): Placed => ({ width: 200, height: 200, nodes: [], edges });

  test('two edges that cross count once; edges that meet at a node, run side by side or apart count none', () => {
    expect(countCrossings(placed(edge([0, 0], [100, 100]), edge([100, 0], [0, 100])))).toBe(1);
    expect(countCrossings(placed(edge([50, 0], [0, 100]), edge([50, 0], [100, 100])))).toBe(0);
    expect(countCrossings(placed(edge([0, 0], [0, 100]), edge([20, 0], [20, 100])))).toBe(0);
    expect(countCrossings(placed(edge([0, 0], [100, 100]), edge([100, 0], [0, 100]), edge([50, 0], [50, 100])))).toBe(3);
  });

  test('the own layout orders a large graph as dot does: on a 29-Site cloud within 2x of Graphviz (11 against 7; 98 before)', async () => {
    const g = buildGraph(generated.index, 'slices');
    expect(g.nodes.length + g.edges.length).toBeGreaterThan(LARGE_FROM);
    expect(countCrossings(layoutGraph(g))).toBeLessThanOrEqual(2 * Math.max(1, countCrossings(await layoutWithGraphviz(g))));
  });

  test('the own layout keeps connected components apart: two copies of a graph cross twice as often as one', () => {
    const g = buildGraph(generated.index, 'slices');
    const copy = (p: string): Graph => ({ ...g, nodes: g.nodes.map((n) => ({ ...n, id: p + n.id })), edges: g.edges.map((e) => ({ ...e, from: p + e.from, to: p + e.to })) });
    const a = copy('a:');
    const b = copy('b:');
    const one = countCrossings(layoutGraph(a));
    expect(one).toBeGreaterThan(0);
    // Twice as many, give or take a crossing where the two copies' curves land a little differently (98 and 286 before).
    expect(countCrossings(layoutGraph({ ...g, nodes: [...a.nodes, ...b.nodes], edges: [...a.edges, ...b.edges] }))).toBeLessThanOrEqual(2 * one + 2);
  });
});
