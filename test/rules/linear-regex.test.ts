/**
 * Tenant schema patterns run in a linear-time matcher: the same answers as JavaScript's
 * RegExp (with the u flag, as ajv runs `pattern`) on random patterns and texts, no
 * backtracking blow-up on the classic catastrophic patterns, and what cannot run in linear
 * time (backreferences, lookaround) refused by TEN-004 with the fix.
 */
import '../helpers/fast-check-seed';
import fc from 'fast-check';
import { Service } from '../../lib/index';
import { LinearRegExp, PatternError } from '../../lib/util/linear-regex';
import { baseCloud, violationsOf } from '../helpers/cloud';

const atom = fc.constantFrom('a', 'b', '.', '\\d', '\\w', '\\s', '\\W', '[ab]', '[^a]', '[a-c]', '[\\d-]', '\\.', '\\-', 'é', '🚀', '\\u0061', '\\x62', '\\p{L}', '[\\s\\S]', '\\b', '\\B', '^', '$');
const pattern: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom, tie('group'), tie('alt'), tie('rep'), tie('seq')),
  group: tie('node').map((n) => `(${n})`),
  alt: fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(?:${a}|${b})`),
  rep: fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?')).map(([n, q]) => `(?:${n})${q}`),
  seq: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('')),
})).node as fc.Arbitrary<string>;
const text = fc.array(fc.constantFrom('a', 'b', 'c', '1', ' ', '-', '.', '\n', 'é', '🚀', '_'), { maxLength: 12 }).map((xs) => xs.join(''));

describe('the linear-time matcher', () => {
  test('answers as JavaScript\'s RegExp (u flag) does, on random patterns and texts', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 6 }), (p, texts) => {
        let native: RegExp;
        try {
          native = new RegExp(p, 'u');
        } catch {
          expect(() => new LinearRegExp(p)).toThrow(PatternError);
          return;
        }
        const linear = new LinearRegExp(p);
        for (const t of texts) {
          // V8 also tries the middle of a surrogate pair, where \B holds (both sides are not word
          // characters); the spec (and this matcher) advance by code points and never do.
          if (p.includes('\\B') && /[\ud800-\udfff]/.test(t)) continue;
          expect({ p, t, match: linear.test(t) }).toEqual({ p, t, match: native.test(t) });
        }
      }),
      { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 500) },
    );
  });

  test.each(['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '^(\\w+\\s?)*$', '^(.*a){12}$', '(x+x+)+y'])('%s takes linear time on a long text that does not match', (p) => {
    const start = process.hrtime.bigint();
    expect(new LinearRegExp(p).test(`${'a'.repeat(20_000)}!`)).toBe(false);
    // Seconds would mean backtracking; linear work here is a few milliseconds to a few hundred.
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(10_000);
  });

  test.each([
    ['(a)\\1', /backreference/],
    ['(?<x>a)\\k<x>', /named backreference/],
    ['a(?=b)', /lookahead and lookbehind/],
    ['(?<!a)b', /lookahead and lookbehind/],
    ['a{5000}', /larger than 2000/],
    ['(?:a{1000}){1000}', /too large/],
  ])('%s is refused', (p, why) => {
    expect(() => new LinearRegExp(p)).toThrow(why);
  });
});

describe('patterns in tenant schemas, checked by TEN-004', () => {
  const tenancy = (schema: Record<string, unknown>, attributes: Record<string, unknown>) => {
    const b = baseCloud();
    const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
    s2.grant(b.admin, 'admin');
    const prov = new Service(b.cloud, 'prov', { slices: [s2], tenantSchema: schema });
    new Service(b.cloud, 'ten', { slices: [b.slice] }).tenantOf(prov, { connect: 'public', attributes });
    return violationsOf(b.cloud, 'TEN-004');
  };

  test('a catastrophic pattern checks a 47-character value at once, and finds it wrong', () => {
    const start = Date.now();
    const v = tenancy({ type: 'object', properties: { id: { type: 'string', pattern: '^(a+)+$' } } }, { id: `${'a'.repeat(46)}!` });
    expect(Date.now() - start).toBeLessThan(5_000);
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/attributes\.id must match pattern "\^\(a\+\)\+\$"/)]);
  });

  test('a pattern with a backreference is refused with the fix', () => {
    const v = tenancy({ type: 'object', properties: { id: { type: 'string', pattern: '^(a)\\1$' } } }, { id: 'aa' });
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/backreference .* linear-time engine .* rewrite the pattern without them/)]);
  });
});
