/**
 * Input a real cloud cannot take ends in a usage error that names the object, the value and
 * the fix, and nothing is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, type BackendKind } from '../../lib/index';
import { compileCloud } from '../../lib/compile';
import { isXosError } from '../../lib/errors';
import { synthesizeAtomically } from '../../lib/synth/output';
import { tmpDir, xos } from '../helpers/tools';

interface Opts {
  backend?: BackendKind;
  flavor?: { cores: number; ramMb: number; diskGb?: number };
  credentials?: Record<string, Secret>;
  cidr?: string;
  volume?: unknown;
  publicWithoutNetwork?: boolean;
}

/** One Site, one Deployment and Controller, one Slice with a Sliver; bent by the options. */
function cloudWith(o: Opts = {}): Cloud {
  Cloud.reset();
  const cloud = new Cloud({ name: 'bad' });
  const site = new Site(cloud, 'lab');
  const ann = new User(cloud, 'ann', { site, publicKeys: ['ssh-ed25519 AAAAann ann'] });
  site.grant(ann, 'admin');
  const image = new Image(cloud, 'img');
  const flavor = new Flavor(cloud, 'odd', o.flavor ?? { cores: 1, ramMb: 1024 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController('head', { backend: o.backend ?? 'openstack', region: 'eu-west-1', sites: [site], credentials: o.credentials ?? { password: Secret.env('OS_PASSWORD') } });
  const s = site.addSlice('s', { image, flavor });
  s.grant(ann, 'admin');
  if (!o.publicWithoutNetwork) s.addNetwork('lan', { cidr: o.cidr ?? '10.0.0.0/24', template: tpl });
  s.addSliver('v', { deployment: dep });
  if (o.volume !== undefined || o.publicWithoutNetwork) {
    const t = site.addSlice('t', { image, flavor });
    t.grant(ann, 'admin');
    t.addSliver('w', { deployment: dep });
    // A tenant reached over the Internet sends from a Network of its own.
    if (!o.publicWithoutNetwork) t.addNetwork('lan', { cidr: '10.0.1.0/24', template: tpl });
    const provider = new Service(cloud, 'Store', { slices: [s], ports: [80], ...(o.volume !== undefined ? { onTenantInstance: () => [{ id: 'disk', type: 'volume', attributes: { sizeGb: o.volume } }] } : {}) });
    new Service(cloud, 'App', { slices: [t] }).tenantOf(provider, { connect: 'public' });
  }
  return cloud;
}

/**
 * What a target would refuse is found at validate time (TGT-001): one error, on the object to
 * fix, with the program's line. Synthesis forced past it still refuses, and writes nothing.
 */
function refusal(cloud: Cloud, target: 'auto' | 'local' = 'auto'): { path: string; message: string; source?: string } {
  const compiled = compileCloud(cloud);
  const errors = compiled.violations.filter((v) => v.severity === 'error');
  expect(errors.map((v) => v.id)).toEqual(['TGT-001']);
  const out = path.join(tmpDir('xos-bad-'), 'out');
  let threw: unknown;
  try {
    synthesizeAtomically({ ...compiled, errors: 0 }, { outdir: out, target });
  } catch (e) {
    threw = e;
  }
  expect(isXosError(threw)).toBe(true);
  expect(fs.existsSync(out)).toBe(false);
  expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  return errors[0];
}

describe('bad input for the real targets', () => {
  test('a Controller kind with no target names the Controller, the kind and the way out', () => {
    const v = refusal(cloudWith({ backend: 'vmware' as BackendKind }));
    expect(v.path).toBe('head');
    expect(v.message).toContain("Controller head: back-end kind 'vmware' has no synthesis target");
    expect(v.message).toContain('known kinds: openstack, ec2, s3');
    expect(v.message).toContain('--target local');
    expect(v.source).toMatch(/bad-input\.test\.ts:\d+$/);
  });

  test('the same program synthesizes with --target local, every stack as terraform_data', () => {
    const compiled = compileCloud(cloudWith({ backend: 'vmware' as BackendKind }));
    const out = path.join(tmpDir('xos-bad-'), 'out');
    const r = synthesizeAtomically({ ...compiled, errors: 0 }, { outdir: out, target: 'local' });
    expect(r.stacks.map((s) => s.target)).toEqual(['local']);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'head', 'cdk.tf.json'), 'utf8')).resource)).toEqual(['terraform_data']);
  });

  test('a Flavor with a fraction of a core cannot be told to OpenStack', () => {
    expect(refusal(cloudWith({ flavor: { cores: 1.5, ramMb: 1024 } }))).toMatchObject({
      path: 'odd',
      message: 'Flavor odd: cores 1.5 cannot be told to OpenStack, which takes whole numbers (1 or more). Give the Flavor whole cores.',
    });
  });

  test('a Flavor bigger than any instance type cannot be told to EC2', () => {
    const v = refusal(cloudWith({ backend: 'ec2', flavor: { cores: 128, ramMb: 4096 }, credentials: {} }));
    expect(v.path).toBe('odd');
    expect(v.message).toContain('Flavor odd (128 cores, 4096 MB) cannot be told to EC2');
    expect(v.message).toContain("name it after an EC2 instance type (for example 'm5.large')");
  });

  test('a Controller credential that is no argument of the OpenStack provider names it and the arguments there are', () => {
    const v = refusal(cloudWith({ credentials: { api_key: Secret.env('KEY') } }));
    expect(v.path).toBe('head');
    expect(v.message).toContain("credential 'api_key' is not an argument of the OpenStack provider");
    expect(v.message).toContain('user_name, password, tenant_name');
  });

  test('a credential the AWS provider does not take names it and the ones it does', () => {
    expect(refusal(cloudWith({ backend: 'ec2', credentials: { password: Secret.env('P') } })).message).toContain("credential 'password' is not one the AWS provider takes. Use access_key");
  });

  test('a Network whose block EC2 cannot hold names the Network and the range', () => {
    expect(refusal(cloudWith({ backend: 'ec2', credentials: {}, cidr: '10.0.0.0/30' }))).toMatchObject({
      path: 'lab/s/lan',
      message: 'Network lab/s/lan: address space 10.0.0.0/30 cannot be told to EC2, whose VPC and subnet blocks are /16 to /28. Give the Network a block in that range (for example 10.0.1.0/24).',
    });
  });

  test('a volume of no whole size names the provider, the instance and the fix', () => {
    const v = refusal(cloudWith({ volume: 2.5 }));
    expect(v.path).toBe('Store');
    expect(v.message).toContain("Provider Store adds a volume for Sliver lab/t/w (addition App/tenant-of-Store/lab/t/w/disk) with size 2.5. Give the volume's size in whole GB");
  });

  test('a public endpoint on instances with no network names the Slice and the fix', () => {
    const compiled = compileCloud(cloudWith({ publicWithoutNetwork: true }));
    const v = compiled.violations.filter((x) => x.severity === 'error');
    expect(v.map((x) => [x.id, x.path])).toEqual([
      ['TGT-001', 'App/tenant-of-Store'],
      ['TGT-001', 'App/tenant-of-Store'],
    ]);
    expect(v[0].message).toBe("Store is reached publicly, but the Slivers of lab/s have no Network to carry a public address. Add a Network to that Slice (slice.addNetwork('public', { cidr, template })), or connect the tenants privately.");
    expect(v[1].message).toContain('App reaches its provider over the Internet, but the Slivers of lab/t have no Network to send from.');
  });

  test('an s3 back-end asked to run Slivers names them and the fix', () => {
    expect(refusal(cloudWith({ backend: 's3', credentials: {} }))).toMatchObject({
      path: 'head',
      message: "Controller head is an s3 back-end, which cannot run Slivers (lab/s/v). Bind those Slices' Sites to an openstack or ec2 Controller instead.",
    });
  });
});

describe('bad input through the CLI', () => {
  test.each([
    ['unknown-backend', "TGT-001 error vsphere: Controller vsphere: back-end kind 'vmware' has no synthesis target"],
    ['fractional-flavor', 'TGT-001 error half: Flavor half: cores 1.5 cannot be told to OpenStack'],
  ])('%s: validate and synth report it (TGT-001, with the line), exit 1, and nothing is written', (program, message) => {
    const v = xos(['validate', `test/targets/programs/${program}.ts`, '--transpile-only']);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(message);
    expect(v.stdout).toMatch(new RegExp(`\\(test/targets/programs/${program}\\.ts:\\d+\\)`));
    const out = path.join(tmpDir('xos-bad-'), 'out');
    const r = xos(['synth', `test/targets/programs/${program}.ts`, '--out', out, '--transpile-only']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(message);
    expect(r.stderr).toContain('xos: nothing was written.');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a Deployment with no Controller for a Site that receives Slivers fails validation (DEP-007), naming the Slice and the fix', () => {
    const out = path.join(tmpDir('xos-bad-'), 'out');
    const r = xos(['synth', 'test/targets/programs/no-controller.ts', '--out', out, '--transpile-only']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("DEP-007 error annex/s: Slivers v go to deployment 'dep' at site 'annex', but no Controller binds that pair. Add the Site to one of the Deployment's Controllers");
    expect(fs.existsSync(out)).toBe(false);
  });
});
