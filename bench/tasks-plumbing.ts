/**
 * Benchmark tasks for the plumbing under the commands:
 *
 * - `graph`: the picture of the generated cloud at each depth, laid out as `xos graph --format
 *   svg` lays it out (the own layout for small graphs, Graphviz's dot for large ones), with its
 *   edge crossings (lib/graph/crossings.ts) against those of Graphviz's dot on the DOT that
 *   `xos graph --format dot` writes, and those of the own layout. Graphs too large for Graphviz
 *   (above GRAPHVIZ_UP_TO nodes and edges) are drawn by the own layout, whose crossings are
 *   always counted; dot's reference for them takes minutes (30 s to 4 min for the 50k and 100k
 *   clouds), so it is made only when XOS_BENCH_GRAPHVIZ_REFERENCE=1 asks for it
 *   (`XOS_BENCH_GRAPHVIZ_REFERENCE=1 node dist/bench/run.js --sizes 50000,100000 --tasks graph`
 *   judges the 2x target on them).
 * - `recipe-load`: `xos validate` of the central-office recipe as whole processes (the best of
 *   five), and the schema check alone in this process (loading the validator and running it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compileCloud } from '../lib/compile';
import { generateCloud } from './generate';
import { registerTask } from './worker';

/** The package's folder: above bench/ in the sources, above dist/bench/ when built. */
const ROOT = path.resolve(__dirname, '..', path.basename(path.resolve(__dirname, '..')) === 'dist' ? '..' : '.');

registerTask('graph', async (size, seed) => {
  const { buildGraph, countCrossings, GRAPHVIZ_UP_TO, layoutGraph, placeGraph, toDot } = await import('../lib/graph/index');
  const { graphvizCrossings } = await import('../lib/graph/graphviz');
  const c = compileCloud(generateCloud({ seed, resources: size }));
  const extra: Record<string, number | string> = {};
  let ms = 0;
  let nodes = 0;
  for (const depth of ['services', 'slices', 'all'] as const) {
    const g = buildGraph(c.index, depth);
    const t0 = performance.now();
    const { placed, engine } = await placeGraph(g);
    const took = performance.now() - t0;
    ms += took;
    nodes += g.nodes.length;
    extra[`${depth}Graph`] = `${g.nodes.length} nodes, ${g.edges.length} edges`;
    extra[`${depth}Layout`] = engine;
    extra[`${depth}Ms`] = Math.round(took);
    const crossings = countCrossings(placed);
    if (g.nodes.length + g.edges.length > GRAPHVIZ_UP_TO) {
      extra[`${depth}Crossings`] = crossings;
      extra[`${depth}OwnLayoutCrossings`] = crossings;
      if (process.env.XOS_BENCH_GRAPHVIZ_REFERENCE !== '1') continue;
    }
    const r0 = performance.now();
    const reference = await graphvizCrossings(toDot(g));
    if (g.nodes.length + g.edges.length > GRAPHVIZ_UP_TO) extra[`${depth}GraphvizMs`] = Math.round(performance.now() - r0);
    const own = engine === 'own' ? crossings : countCrossings(layoutGraph(g));
    extra[`${depth}Crossings`] = crossings;
    extra[`${depth}GraphvizCrossings`] = reference;
    extra[`${depth}OwnLayoutCrossings`] = own;
    extra[`${depth}VsGraphviz`] = +(crossings / Math.max(1, reference)).toFixed(2);
  }
  return { ms, resources: nodes, extra };
});

registerTask('recipe-load', async () => {
  const recipe = path.join(ROOT, 'examples', 'central-office', 'recipe.yaml');
  const bin = path.join(ROOT, 'dist', 'bin', 'xos.js');
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'validate', recipe], { encoding: 'utf8' });
    runs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`xos validate ${recipe} failed: ${r.stderr}`);
  }
  const text = fs.readFileSync(recipe, 'utf8');
  const { parseRecipe } = await import('../lib/recipe/source');
  const src = parseRecipe(recipe, text);
  const t0 = performance.now();
  const { checkSchema } = await import('../lib/recipe/schema-check');
  const problems = checkSchema(src);
  const schemaMs = performance.now() - t0;
  if (problems.length) throw new Error(`the recipe has ${problems.length} schema problems`);
  return { ms: Math.min(...runs), resources: 0, extra: { schemaCheckMs: Math.round(schemaMs), processMsMedian: Math.round([...runs].sort((a, b) => a - b)[2]) } };
});
