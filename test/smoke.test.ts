import { baseCloud, compile } from './helpers/cloud';

test('a base cloud compiles clean', () => {
  const b = baseCloud();
  b.slice.addSliver('v1', { deployment: b.dep });
  const c = compile(b.cloud);
  expect(c.violations).toEqual([]);
  expect(c.layout.stacks.map((s) => s.name)).toEqual(['ctl1']);
});
