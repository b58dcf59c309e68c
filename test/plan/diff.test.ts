import fc from 'fast-check';
import { diffAttributes, markPaths, maskValue, SENSITIVE, UNKNOWN, type MarkTree } from '../../lib/plan/index';

describe('attribute diffs', () => {
  test('lists only the leaves that change, with paths a reader can follow', () => {
    const changes = diffAttributes({
      before: { input: { cidr: '10.0.0.0/24', name: 'access', tags: { 'a b': 1 }, keys: ['x', 'y'] } },
      after: { input: { cidr: '10.0.0.0/23', name: 'access', tags: { 'a b': 2 }, keys: ['x', 'z'] } },
    });
    expect(changes).toEqual([
      { path: 'input.cidr', before: '10.0.0.0/24', after: '10.0.0.0/23' },
      { path: 'input.tags["a b"]', before: 1, after: 2 },
      { path: 'input.keys[1]', before: 'y', after: 'z' },
    ]);
  });

  test('a list that grows or shrinks is shown whole', () => {
    expect(diffAttributes({ before: { l: [1] }, after: { l: [1, 2] } })).toEqual([{ path: 'l', before: [1], after: [1, 2] }]);
  });

  test('null and absent are the same, so attributes unset on both sides are not changes', () => {
    expect(diffAttributes({ before: { a: null, b: 1 }, after: { b: 1 } })).toEqual([]);
  });

  test('on a create every set attribute is listed and values known after apply say so', () => {
    const changes = diffAttributes({ before: null, after: { name: 'x', nothing: null }, afterUnknown: { id: true } });
    expect(changes).toEqual([
      { path: 'name', after: 'x' },
      { path: 'id', after: UNKNOWN, unknown: true },
    ]);
  });

  test('an attribute removed on update shows its old value and no new one', () => {
    expect(diffAttributes({ before: { ports: '80' }, after: {} })).toEqual([{ path: 'ports', before: '80' }]);
  });

  test('a changed sensitive value is reported as changed without either value', () => {
    const changes = diffAttributes({ before: { pw: 'old-secret' }, after: { pw: 'new-secret' }, beforeSensitive: { pw: true }, afterSensitive: { pw: true } });
    expect(changes).toEqual([{ path: 'pw', before: SENSITIVE, after: SENSITIVE, sensitive: true }]);
  });

  test('an unchanged sensitive value is not listed at all', () => {
    expect(diffAttributes({ before: { pw: 's' }, after: { pw: 's' }, beforeSensitive: { pw: true }, afterSensitive: { pw: true } })).toEqual([]);
  });

  test('paths that force replacement are marked', () => {
    const changes = diffAttributes({ before: { content: 'a', mode: '0644' }, after: { content: 'b', mode: '0600' }, replacePaths: [['content']] });
    expect(changes).toEqual([
      { path: 'content', before: 'a', after: 'b', forcesReplacement: true },
      { path: 'mode', before: '0644', after: '0600' },
    ]);
  });

  test('extra secret paths mask values Terraform itself did not mark', () => {
    const tree = markPaths(false, [['input', 'credential_password']]);
    const changes = diffAttributes({ before: null, after: { input: { credential_password: 'hunter2', name: 'n' } }, afterSensitive: tree });
    expect(changes).toEqual([
      { path: 'input.credential_password', after: SENSITIVE, sensitive: true },
      { path: 'input.name', after: 'n' },
    ]);
  });

  test('maskValue replaces sensitive and unknown parts of a whole value', () => {
    expect(maskValue({ a: 1, b: [2, 'x'] }, { b: [false, true] }, { c: true })).toEqual({ a: 1, b: [2, SENSITIVE], c: UNKNOWN });
  });
});

/** JSON values whose string leaves are all distinct tokens, with a random sensitivity tree. */
const token = fc.integer({ min: 0, max: 1_000_000 }).map((n) => `tok${n}x`);
const leaf = fc.oneof(token, fc.integer(), fc.boolean(), fc.constant(null));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'input', 'x y'), tie('value'), { maxKeys: 4 }),
})).value;

function randomTree(v: unknown, pick: () => number): MarkTree {
  const r = pick();
  if (r < 0.25) return true;
  if (Array.isArray(v)) return v.map((x) => randomTree(x, pick));
  if (v && typeof v === 'object') {
    const out: Record<string, MarkTree> = {};
    for (const [k, x] of Object.entries(v)) out[k] = randomTree(x, pick);
    return out;
  }
  return false;
}

/** Every string leaf under a `true` of the tree. */
function sensitiveStrings(v: unknown, t: MarkTree | undefined, under = false, out: string[] = []): string[] {
  const s = under || t === true;
  if (typeof v === 'string') {
    if (s) out.push(v);
  } else if (Array.isArray(v)) v.forEach((x, i) => sensitiveStrings(x, Array.isArray(t) ? t[i] : undefined, s, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) sensitiveStrings(x, t && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, MarkTree>)[k] : undefined, s, out);
  return out;
}

test('no sensitive string ever appears in a diff, whatever the values and marks', () => {
  fc.assert(
    fc.property(json, json, fc.integer(), (before, after, seed) => {
      let x = seed;
      const pick = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000;
      const bs = randomTree(before, pick);
      const as = randomTree(after, pick);
      const secrets = new Set([...sensitiveStrings(before, bs), ...sensitiveStrings(after, as)]);
      // A token that is also a plain value elsewhere may legitimately show there.
      const plain = new Set([...allStrings(before), ...allStrings(after)].filter((s) => !secrets.has(s)));
      const text = JSON.stringify(diffAttributes({ before, after, beforeSensitive: bs, afterSensitive: as }));
      for (const s of secrets) if (!plain.has(s)) expect(text).not.toContain(s);
    }),
    { numRuns: 300 },
  );
});

function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}
