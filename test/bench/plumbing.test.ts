/** The bench's plumbing tasks run (smallest size, no timing asserted). */
import { runTask } from '../../bench/worker';

beforeAll(() => {
  require('../../bench/tasks-plumbing');
});

test('graph lays out every depth and counts its crossings against Graphviz\'s', async () => {
  const m = await runTask('graph', 1000, 1);
  expect(m.extra).toEqual(expect.objectContaining({ servicesLayout: 'own', slicesLayout: 'graphviz', allLayout: 'graphviz', slicesOwnLayoutCrossings: expect.any(Number) }));
  for (const depth of ['services', 'slices', 'all']) expect(Number(m.extra![`${depth}VsGraphviz`])).toBeLessThanOrEqual(2);
});

test('recipe-load times whole processes and the schema check', async () => {
  const m = await runTask('recipe-load', 0, 1);
  expect(m.ms).toBeGreaterThan(0);
  expect(m.extra).toEqual(expect.objectContaining({ schemaCheckMs: expect.any(Number), processMsMedian: expect.any(Number) }));
});
