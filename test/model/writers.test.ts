import fc from 'fast-check';
import { Cloud, Service, Site } from '../../constructs';
import { dict, dictionaryChildren } from '../../lib/model/dict';
import { stableJson } from '../../lib/synth/stable-json';

describe('dictionary objects', () => {
  test('dict() holds its entries with no prototype and serializes as a plain object does', () => {
    const d = dict([['svc-1', { connect: 'public' }], ['constructor', { connect: 'x' }]] as const);
    expect(Object.getPrototypeOf(d)).toBeNull();
    expect(Object.keys(d)).toEqual(['svc-1', 'constructor']);
    expect(JSON.stringify(d)).toBe(JSON.stringify({ 'svc-1': { connect: 'public' }, constructor: { connect: 'x' } }));
    expect(stableJson({ t: d })).toBe(stableJson({ t: { constructor: { connect: 'x' }, 'svc-1': { connect: 'public' } } }));
    expect('toString' in dict()).toBe(false);
  });

  test('constructs keep their children in dictionaries, and the tree works as before', () => {
    const cloud = new Cloud({ name: 't' });
    const site = new Site(cloud, 'princeton', { loginBase: 'pl' });
    new Service(cloud, 'svc-1');
    const children = (cloud.node as unknown as { _children?: object })._children;
    // The constructs library still keeps children in `_children`: if it stops, this says so
    // (the optimization in dict.ts then no longer applies, and nothing else changes).
    expect(children).toBeDefined();
    expect(Object.getPrototypeOf(children)).toBeNull();
    expect(cloud.node.tryFindChild('princeton')).toBe(site);
    expect(cloud.node.children.map((c) => c.node.id)).toEqual(['princeton', 'svc-1']);
    expect(cloud.node.tryFindChild('toString')).toBeUndefined();
  });

  test('dictionaryChildren leaves a node alone when its children are already kept', () => {
    const node = { _children: { a: 1 } };
    dictionaryChildren(node);
    expect(node._children).toEqual({ a: 1 });
    const other = {};
    dictionaryChildren(other);
    expect(other).toEqual({});
  });
});
