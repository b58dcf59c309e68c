/**
 * The layers load one way (issue 15, "Architecture"): the constructs know nothing of
 * synthesis, the targets' registry points at the targets and never back, and no import
 * circle joins the construct layer to the rest. Read from the sources with the TypeScript
 * parser: static imports that are not type-only, and require()/import() calls, lazy ones too.
 */
import { circles, reachable, runtimeImports, sourceFiles } from './import-graph';

const graph = runtimeImports(sourceFiles(['constructs', 'lib', 'bin', 'bench']));

test('the graph is read: the CLI loads its commands, and targets.ts loads the targets', () => {
  expect(graph.get('lib/synth/targets.ts')).toEqual(expect.arrayContaining(['lib/synth/aws/index.ts', 'lib/synth/openstack/index.ts']));
  expect(graph.size).toBeGreaterThan(100);
});

test('no construct loads anything of lib/synth, directly or through another module', () => {
  const leaks: string[] = [];
  for (const f of graph.keys()) {
    if (!f.startsWith('constructs/')) continue;
    for (const [to, via] of reachable(graph, f)) if (to.startsWith('lib/synth/')) leaks.push(via.join(' -> '));
  }
  expect(leaks).toEqual([]);
});

test('no import circle joins the constructs to lib/, nor runs through the targets and their registry', () => {
  const bad = circles(graph).filter(
    (c) => (c.some((f) => f.startsWith('constructs/')) && c.some((f) => !f.startsWith('constructs/'))) || c.some((f) => /^lib\/synth\/(targets|aws\/|openstack\/)/.test(f)),
  );
  expect(bad).toEqual([]);
});

test('no import circle anywhere in the sources', () => {
  expect(circles(graph)).toEqual([]);
});
