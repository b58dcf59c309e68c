/**
 * Acknowledgements: of a rule on an object and everything below it, or of one finding; never
 * of an error or of authorization; written to xos-model.json and honoured where it is read back.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compileModel } from '../../lib/compile';
import { buildModel, type Secret } from '../../lib/index';
import { builtFromJson, checkModel } from '../../lib/review/model-file';
import { baseCloud, compile, violationsOf } from '../helpers/cloud';
import { tmpDir, xos } from '../helpers/tools';

/** The base cloud with two public Networks in its Slice, each with a Sliver: two NET-005 warnings. */
function twoPublic() {
  const b = baseCloud();
  const wan = b.slice.addNetwork('wan', { cidr: '192.0.2.0/24', template: b.tpl, public: true });
  const dmz = b.slice.addNetwork('dmz', { cidr: '198.51.100.0/24', template: b.tpl, public: true });
  b.slice.addSliver('v1', { deployment: b.dep });
  return { ...b, wan, dmz };
}

describe('acknowledging one finding', () => {
  test('every violation carries its finding id: the rule, @, the path', () => {
    const b = twoPublic();
    expect(violationsOf(b.cloud, 'NET-005').map((v) => v.finding).sort()).toEqual(['NET-005@site1/s1/dmz', 'NET-005@site1/s1/wan']);
  });

  test('a rule that finds several things on one object tells them apart by a key: RULE@path#key', () => {
    const b = twoPublic();
    b.dep.addController('ctl2', { backend: 'openstack', sites: [], credentials: { user: 'literal' as unknown as Secret, password: 'literal' as unknown as Secret } });
    expect(violationsOf(b.cloud, 'DEP-008').map((v) => v.finding)).toEqual(['DEP-008@ctl2#password', 'DEP-008@ctl2#user']);
  });

  test('an acknowledgement naming one finding covers that finding and no other below the object', () => {
    const b = twoPublic();
    b.slice.acknowledge('NET-005', 'wan faces the Internet by design', { finding: 'NET-005@site1/s1/wan' });
    const v = violationsOf(b.cloud, 'NET-005');
    expect(v.find((x) => x.path === 'site1/s1/wan')?.acknowledged).toBe('wan faces the Internet by design');
    expect(v.find((x) => x.path === 'site1/s1/dmz')?.acknowledged).toBeUndefined();
    expect(compile(b.cloud).warnings).toBe(1);
  });

  test('without a finding, the acknowledgement covers the whole subtree', () => {
    const b = twoPublic();
    b.slice.acknowledge('NET-005', 'both face the Internet');
    expect(violationsOf(b.cloud, 'NET-005').map((v) => v.acknowledged)).toEqual(['both face the Internet', 'both face the Internet']);
  });

  test('an acknowledgement on an ancestor still covers when a nearer object acknowledges another rule', () => {
    const b = twoPublic();
    b.slice.acknowledge('NET-005', 'the Slice serves the Internet');
    b.wan.acknowledge('RBAC-004', 'unrelated');
    expect(violationsOf(b.cloud, 'NET-005').map((v) => v.acknowledged)).toEqual(['the Slice serves the Internet', 'the Slice serves the Internet']);
  });

  test('fails (XOS-ACK) when the named finding is not on the object or below it', () => {
    const b = twoPublic();
    b.wan.acknowledge('NET-005', 'wrong place', { finding: 'NET-005@site1/s1/dmz' });
    const v = violationsOf(b.cloud, 'XOS-ACK');
    expect(v).toEqual([expect.objectContaining({ severity: 'error', path: 'site1/s1/wan' })]);
    expect(v[0].message).toMatch(/acknowledges the finding 'NET-005@site1\/s1\/dmz', which is not a finding of NET-005 on this object or below it/);
    expect(violationsOf(b.cloud, 'NET-005').every((x) => x.acknowledged === undefined)).toBe(true);
  });

  test('a finding id of another rule is refused where it is written', () => {
    const b = twoPublic();
    expect(() => b.wan.acknowledge('NET-005', 'x', { finding: 'RBAC-004@site1/s1' })).toThrow(/site1\/s1\/wan: acknowledging one finding of NET-005 needs its id as reports print it, 'NET-005@<path>'/);
  });

  test('authorization is never acknowledged: acknowledging RBAC-006 is an error', () => {
    const b = twoPublic();
    b.slice.acknowledge('RBAC-006', 'let me');
    const v = violationsOf(b.cloud, 'XOS-ACK');
    expect(v).toEqual([expect.objectContaining({ severity: 'error', path: 'site1/s1' })]);
    expect(v[0].message).toMatch(/an authorization rule: who may make a change is never acknowledged/);
  });
});

describe('acknowledgements in xos-model.json', () => {
  test('are written to the model, sorted, with the path they were made on and the finding they name', () => {
    const b = twoPublic();
    b.wan.acknowledge('NET-005', 'faces the Internet', { finding: 'NET-005@site1/s1/wan' });
    b.site.acknowledge('RBAC-005', 'the admins are elsewhere');
    expect(buildModel(b.cloud).model.acknowledgements).toEqual([
      { path: 'site1', rule: 'RBAC-005', reason: 'the admins are elsewhere' },
      { path: 'site1/s1/wan', rule: 'NET-005', reason: 'faces the Internet', finding: 'NET-005@site1/s1/wan' },
    ]);
  });

  test('a model without acknowledgements writes none', () => {
    expect('acknowledgements' in buildModel(twoPublic().cloud).model).toBe(false);
  });

  test('the model read back from JSON honours them, as the program did', () => {
    const b = twoPublic();
    b.slice.acknowledge('NET-005', 'faces the Internet', { finding: 'NET-005@site1/s1/wan' });
    const model = checkModel(JSON.parse(JSON.stringify(buildModel(b.cloud).model)), 'xos-model.json');
    const back = compileModel(builtFromJson(model)).violations.filter((v) => v.id === 'NET-005');
    expect(back.map((v) => [v.path, v.acknowledged])).toEqual([
      ['site1/s1/dmz', undefined],
      ['site1/s1/wan', 'faces the Internet'],
    ]);
  });

  test('a damaged acknowledgements list is refused with a message naming it', () => {
    const model = JSON.parse(JSON.stringify(buildModel(twoPublic().cloud).model));
    model.acknowledgements = [{ rule: 'NET-005', path: 'site1', reason: 7 }];
    expect(() => checkModel(model, 'm.json')).toThrow(/m\.json is not a whole xos model: acknowledgements\[0\]: "reason" must be a string/);
  });

  test('xos synth writes them, and synthesizing that xos-model.json again still honours them (--strict passes)', () => {
    const dir = tmpDir();
    try {
      const first = xos(['synth', 'examples/central-office', '--out', path.join(dir, 'a'), '--target', 'local', '--transpile-only']);
      expect(first.code).toBe(0);
      const model = JSON.parse(fs.readFileSync(path.join(dir, 'a', 'xos-model.json'), 'utf8'));
      expect(model.acknowledgements).toEqual([expect.objectContaining({ rule: 'NET-005', path: 'co1/vbng/wan', reason: expect.stringMatching(/publicly routable/) })]);
      const again = xos(['synth', path.join(dir, 'a', 'xos-model.json'), '--out', path.join(dir, 'b'), '--target', 'local', '--strict']);
      expect(again.stderr).toBe('');
      expect(again.stdout).toMatch(/violations: none \(1 acknowledged\)/);
      expect(again.code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'b', 'xos-model.json'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'a', 'xos-model.json'), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
