/**
 * xos/testing as a user's jest test uses it: a program built in this process, its
 * violations as data, its stacks synthesized in memory for either target, and the matchers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, SynthError, User } from 'xos';
import { Testing, TestCloud } from 'xos/testing';

Testing.setupJest();

const ROOT = path.resolve(__dirname, '..', '..');
const at = (p: string) => path.join(ROOT, p);

describe('Testing.load', () => {
  let hello: TestCloud;
  beforeAll(() => {
    hello = Testing.load(at('examples/hello'));
  });

  test('builds the program\'s cloud in this process; its synth() only marks it', () => {
    expect(hello.model.name).toBe('hello');
    expect(hello.cloud.synthesized).toBe(true);
    expect(fs.existsSync(at('examples/hello/cdktf.out'))).toBe(false);
  });

  test('gives the violations as data, and the matchers read them', () => {
    expect(hello.violations).toEqual([]);
    expect(hello).toHaveNoViolations();
    expect(hello).not.toHaveViolation('NET-005');
  });

  test('uses the project\'s target (hello\'s cdktf.json chooses local), or the one asked', () => {
    expect(hello.target).toBe('local');
    const local = hello.synth();
    expect(local.target).toBe('local');
    expect(local.stacks.map((s) => [s.name, s.target])).toEqual([['princeton-head', 'local']]);
    const auto = hello.synth({ target: 'auto' });
    expect(auto.stacks.map((s) => [s.name, s.target])).toEqual([['princeton-head', 'openstack']]);
  });

  test('object matchers work on every target: the same model object, whatever resources it became', () => {
    for (const target of ['local', 'auto'] as const) {
      const synth = hello.synth({ target });
      expect(synth).toHaveObject('princeton/hello/vm1', 'sliver');
      expect(synth.stack('princeton-head')).toHaveObject('princeton/hello/lan');
      expect(synth).not.toHaveObject('princeton/hello/vm3');
    }
    expect(hello.synth({ target: 'local' })).toHaveResource('terraform_data', { input: { xos_kind: 'sliver', name: 'vm1' } });
    expect(hello.synth({ target: 'auto' })).toHaveResource('openstack_compute_instance_v2', { name: 'princeton-hello-vm1' });
    expect(hello.synth({ target: 'auto' })).not.toHaveResource('terraform_data', { input: { xos_kind: 'sliver' } });
  });

  test('a stack\'s resources say which model object each comes from', () => {
    const vm1 = hello.synth({ target: 'auto' }).stack('princeton-head').resourcesOf('princeton/hello/vm1');
    expect(vm1.map((r) => r.type)).toContain('openstack_compute_instance_v2');
    expect(() => hello.synth().stack('nope')).toThrow("no stack 'nope'; the stacks are: princeton-head.");
  });

  test('fullSynth writes the output as xos synth does, into a temporary folder', () => {
    const out = hello.fullSynth();
    try {
      expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'stacks', 'xos-derived.json', 'xos-model.json', 'xos-output.json']);
      expect(JSON.parse(fs.readFileSync(path.join(out, 'xos-output.json'), 'utf8'))).toMatchObject({ cloud: 'hello', target: 'local' });
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });

  test('synth proves the network its stacks build, as xos synth does before it writes', () => {
    const co = Testing.load(at('examples/central-office'));
    for (const target of ['local', 'auto'] as const) {
      const { proof } = co.synth({ target });
      expect(proof.errors).toBe(0);
      expect(proof.summary).toContainEqual({ name: 'vOLT/tenant-of-vCPE', intended: 6, admitted: 6, missing: 0, extra: 0 });
    }
  });

  test('a proof that fails throws a SynthError carrying its FLOW violations', () => {
    jest.isolateModules(() => {
      const check = jest.requireActual('../../lib/verify/check') as typeof import('../../lib/verify/check');
      const flow = { id: 'FLOW-001', severity: 'error' as const, path: 'princeton/hello', message: 'a flow that does not pass.' };
      jest.doMock('../../lib/verify/check', () => ({ ...check, verifyGraphs: () => ({ violations: [flow], summary: [], stacks: [], errors: 1 }) }));
      const isolated = require('../../lib/testing/index') as typeof import('../../lib/testing/index');
      const app = isolated.Testing.load(at('examples/hello'));
      let thrown: any;
      try {
        app.synth();
      } catch (e) {
        thrown = e;
      }
      expect(thrown?.name).toBe('SynthError');
      expect(thrown.message).toMatch(/^ {2}FLOW-001 error princeton\/hello: a flow that does not pass\.\nthe synthesized network does not admit exactly the flows the model intends \(1 FLOW violation\); nothing was written\./);
      expect(thrown.violations.map((v: { id: string }) => v.id)).toEqual(['FLOW-001']);
    });
    jest.dontMock('../../lib/verify/check');
  });

  test('central-office: an acknowledged warning does not count', () => {
    const co = Testing.load(at('examples/central-office'));
    expect(co).toHaveViolation('NET-005', 'co1/vbng/wan');
    expect(co).toHaveNoViolations();
    expect(co.warnings).toEqual([]);
  });

  test('a second load of the same program gives its cloud again', () => {
    expect(Testing.load(at('examples/hello')).model.name).toBe('hello');
  });
});

describe('a program that breaks a rule', () => {
  const broken = Testing.load(at('test/cli/programs/broken-rules.ts'));

  test('its violations are data, with where each object was declared', () => {
    expect(broken).toHaveViolation('DEP-008', 'ctl');
    expect(broken).toHaveViolation('RBAC-004', /^site1\//);
    expect(broken.errors.map((v) => [v.id, v.source])).toEqual([['DEP-008', 'test/cli/programs/broken-rules.ts:12']]);
    expect(() => expect(broken).toHaveNoViolations()).toThrow(/expected no violations, found 2:\n {2}DEP-008 error ctl: .*\n {2}RBAC-004 warning/);
  });

  test('synth throws a SynthError carrying the violations; nothing ends the process', () => {
    let thrown: unknown;
    try {
      broken.synth();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SynthError);
    expect(thrown).toHaveViolation('DEP-008');
    expect((thrown as SynthError).message).toMatch(/^1 rule violation; nothing was synthesized:\n {2}DEP-008 error ctl: /);
  });
});

describe('cloud.synth() outside the CLI', () => {
  test('throws a SynthError with every violation, and writes nothing', () => {
    const out = fs.mkdtempSync(path.join(require('os').tmpdir(), 'xos-testing-synth-'));
    const cloud = Testing.cloud({ name: 'broken', outdir: path.join(out, 'cdktf.out') });
    const site = new Site(cloud, 's');
    const u = new User(cloud, 'u', { site });
    site.grant(u, 'admin');
    const img = new Image(cloud, 'img');
    const fl = new Flavor(cloud, 'f', { cores: 1, ramMb: 512 });
    const tpl = new NetworkTemplate(cloud, 'private');
    const dep = new Deployment(cloud, 'd', { hostSites: [site], acquireSites: [site], images: [img], flavors: [fl], networkTemplates: [tpl] });
    dep.addController('c', { backend: 'openstack', sites: [site], credentials: { password: 'literal' as unknown as Secret } });
    expect(() => cloud.synth()).toThrow(SynthError);
    try {
      cloud.synth();
    } catch (e) {
      expect((e as SynthError).violations.map((v) => v.id)).toContain('DEP-008');
      // The process goes on: the error is the caller's to handle.
    }
    expect(fs.existsSync(path.join(out, 'cdktf.out'))).toBe(false);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('Testing.of checks a Cloud made in the test', () => {
    const cloud = Testing.cloud({ name: 'tiny' });
    expect(cloud).toBeInstanceOf(Cloud);
    new Site(cloud, 'lonely');
    const t = Testing.of(cloud);
    expect(t.model.sites.map((s) => s.key)).toEqual(['lonely']);
    expect(t).toHaveNoViolations();
  });
});
