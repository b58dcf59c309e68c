import fc from 'fast-check';
import { Cloud, Service, Site } from '../../constructs';
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson, sortKeys, writeCanonicalJsonFile } from '../../lib/model/canonical';
import { compileExample } from '../helpers/examples';
import { tmpDir } from '../helpers/tools';
import { dict, dictionaryChildren } from '../../lib/model/dict';
import { stableJson } from '../../lib/synth/stable-json';

/** What canonicalJson wrote before: the whole sorted copy at once. */
const reference = (v: unknown) => JSON.stringify(sortKeys(v), null, 2) + '\n';

describe('canonicalJson', () => {
  test('writes the same bytes as stringifying a sorted copy of the whole value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => expect(canonicalJson(v)).toBe(reference(v))), { numRuns: 500 });
  });

  test('keeps JavaScript key order: integer-like keys first, ascending, at every level', () => {
    const v = { b: [{ z: 1, a: [], '2': 0, '10': 1 }, {}, []], '10': 1, '9': { y: {}, x: [1, { c: 2, b: null }] }, a: 'x\ny', u: undefined };
    expect(canonicalJson(v)).toBe(reference(v));
    expect(Object.keys(JSON.parse(canonicalJson(v)))).toEqual(['9', '10', 'a', 'b']);
  });

  test('writes an xos model as before', () => {
    const model = { formatVersion: 1, name: 'm', sites: [{ kind: 'Site', key: 's', name: 's', loginBase: 'pl' }], users: [] };
    expect(canonicalJson(model)).toBe(reference(model));
  });
});

describe('writeCanonicalJsonFile', () => {
  const written = (v: Record<string, unknown>) => {
    const file = path.join(tmpDir('xos-canonical-'), 'out.json');
    writeCanonicalJsonFile(file, v);
    return fs.readFileSync(file, 'utf8');
  };

  test('writes the bytes of canonicalJson, member by member, element by element', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue())), (v) => expect(written(v)).toBe(canonicalJson(v))), { numRuns: 300 });
    expect(written({})).toBe(canonicalJson({}));
    expect(written({ '10': [], '9': [{ b: 1, a: [{}] }], x: undefined })).toBe(canonicalJson({ '10': [], '9': [{ b: 1, a: [{}] }], x: undefined }));
  });

  test('writes the central-office model as canonicalJson does', () => {
    const model = compileExample('central-office').built.model as unknown as Record<string, unknown>;
    expect(written(model)).toBe(canonicalJson(model));
  });
});

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
