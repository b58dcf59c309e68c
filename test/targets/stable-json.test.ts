/**
 * The writer of cdk.tf.json: the same bytes as cdktf's own writer (json-stable-stringify),
 * on random JSON and on the stacks the targets write.
 */
import * as path from 'path';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import { stableJson, writeStableJsonFile } from '../../lib/synth/stable-json';
import { renderInMemory } from '../../lib/synth/rendered';
import { generateCloud } from '../../bench/generate';
import { compileClean } from './helpers';

// cdktf's writer, from cdktf's own dependencies.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const cdktfWriter = require(require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] })) as (v: unknown, o: { space: number }) => string;

const RUNS = { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 15) * 20 };

describe('stableJson', () => {
  test('writes random JSON exactly as cdktf does: sorted keys, empty objects and lists over two lines, number-like keys', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('a', 'b', '10', '9', '0', '01', '//', 'provider', '4294967295', '4294967294'));
    const value = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constant('${a.b.id}')),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(key, fc.oneof(tie('json'), fc.constant(undefined)), { maxKeys: 5 }),
      ),
    })).json;
    fc.assert(
      fc.property(value, (v) => {
        expect(stableJson(v)).toBe(cdktfWriter(v, { space: 2 }));
      }),
      RUNS,
    );
  });

  test('an own key named __proto__ (an attribute as JSON.parse gives it) is written, as cdktf writes it, in a re-sorted object too', () => {
    const v = { input: JSON.parse('{"z":1,"__proto__":{"polluted":true},"a":{"__proto__":[]}}') };
    expect(stableJson(v)).toBe(cdktfWriter(v, { space: 2 }));
    expect(stableJson(v)).toContain('"__proto__": {');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-stable-'));
    try {
      writeStableJsonFile(path.join(dir, 'cdk.tf.json'), v, 1);
      expect(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).toBe(stableJson(v));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('writeStableJsonFile writes the same bytes as stableJson, member by member at any depth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-stable-json-'));
    const file = path.join(dir, 'cdk.tf.json');
    const key = fc.oneof(fc.string(), fc.constantFrom('a', 'b', '10', '9', '0', '01', 'resource'));
    const value = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant('line\nbreak')),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(key, fc.oneof(tie('json'), fc.constant(undefined)), { maxKeys: 5 }),
        fc.constant({ toJSON: () => ({ b: 1, a: [] }) }),
      ),
    })).json;
    try {
      fc.assert(
        fc.property(fc.dictionary(key, value, { maxKeys: 5 }), fc.integer({ min: 0, max: 4 }), (v, depth) => {
          writeStableJsonFile(file, v, depth);
          expect(fs.readFileSync(file, 'utf8')).toBe(stableJson(v));
        }),
        RUNS,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('writes the stacks of a generated cloud exactly as cdktf does, keeping objects already in key order', () => {
    const compiled = compileClean(generateCloud({ seed: 3, resources: 600 }));
    const rendered = renderInMemory(compiled.layout, 'auto');
    expect(rendered.json.size).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-stable-json-'));
    try {
      for (const tf of rendered.json.values()) {
        expect(stableJson(tf)).toBe(cdktfWriter(tf, { space: 2 }));
        writeStableJsonFile(path.join(dir, 'cdk.tf.json'), tf);
        expect(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).toBe(stableJson(tf));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
