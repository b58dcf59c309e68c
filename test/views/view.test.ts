import * as fs from 'fs';
import * as path from 'path';
import { User } from '../../lib/index';
import { compileCloud, type Compiled } from '../../lib/compile';
import { recipeFromText } from '../../lib/recipe/index';
import { accessOf, findUser } from '../../lib/views/access';
import { renderView } from '../../lib/views/render';
import { buildView, type ViewReport } from '../../lib/views/report';
import { aggregateStatus, type StatusSource } from '../../lib/views/status';
import { baseCloud } from '../helpers/cloud';
import { ROOT } from '../helpers/examples';
import { xos } from '../helpers/tools';

const CO_RECIPE = path.join(ROOT, 'examples', 'central-office', 'recipe.yaml');

let co: Compiled;
beforeAll(() => {
  const r = recipeFromText(fs.readFileSync(CO_RECIPE, 'utf8'), CO_RECIPE);
  co = compileCloud(r.cloud!);
});

const view = (user: string, status?: StatusSource): ViewReport => buildView(co.index, findUser(co.index, user)!.key, status);

describe('a tenant', () => {
  test('sees their Slices and Slivers with placement, interfaces and login, and nobody else\'s', () => {
    const v = view('nina');
    expect(v.tenant?.slices.map((s) => [s.key, s.access, s.writable])).toEqual([
      ['co1/cdn', ['admin'], true],
      ['co1/vcpe', ['access'], false],
    ]);
    const cpe = v.tenant!.slices[1].slivers;
    expect(cpe.map((x) => x.name)).toEqual(['cpe-1', 'cpe-2', 'cpe-3']);
    expect(cpe[0]).toMatchObject({ node: null, deployment: 'co1-pod', site: 'co1', login: true });
    expect(cpe[0].interfaces.map((i) => `${i.name} ${i.network} ${i.cidr}`)).toEqual(['eth0 wan 192.0.2.0/24', 'eth1 access 10.20.0.0/24']);
    const a = accessOf(co.index, 'nina');
    expect(a.read.has('co1/volt/olt-1')).toBe(false);
    expect(a.write.has('co1/vcpe/cpe-1')).toBe(false);
    expect(a.write.has('co1/cdn/cache-1')).toBe(true);
    expect(v.operator).toBeNull();
  });

  test('prints like a console listing, with the View objects and their URLs', () => {
    const text = renderView(view('nina'));
    expect(text).toMatch(/Slice co1\/vcpe .*\n {2}your access: access \(read only\)/);
    expect(text).toMatch(/cpe-1 +co1-pod \(scheduled\) +co1 +eth0 wan 192\.0\.2\.0\/24 public; eth1 access 10\.20\.0\.0\/24 +yes/);
    expect(text).toMatch(/subscriber-view +javascript +https:\/\/portal\.co1\.example\/views\/subscriber/);
    expect(text).toMatch(/operator-view +iframe +https:\/\/ops\.co1\.example\/xos/);
  });
});

describe('a service developer', () => {
  test('sees placement, networks and both sides of the tenancy of their Services', () => {
    const v = view('dave');
    expect(v.developer?.services.map((s) => s.name)).toEqual(['vBNG', 'vCPE', 'vOLT']);
    const vbng = v.developer!.services[0];
    expect(vbng.slices[0].placement).toEqual([
      { where: 'compute-1', site: 'co1', slivers: 1 },
      { where: 'compute-3', site: 'co1', slivers: 1 },
    ]);
    expect(vbng.tenants.map((t) => `${t.service} ${t.connect}`)).toEqual(['CDN public', 'vCPE public']);
    expect(vbng.networks.map((n) => `${n.name} ${n.cidr} ${n.public}`)).toEqual(['wan 192.0.2.0/24 true']);
    expect(vbng.perTenantInstance).toBe(5);
    const volt = v.developer!.services[2];
    expect(volt.tenantOf).toEqual([{ key: 'vOLT/tenant-of-vCPE', service: 'vCPE', connect: 'shared-private', network: 'access', attributes: {} }]);
    expect(volt.tenants.map((t) => t.service)).toEqual(['subscriber']);
    expect(volt).toMatchObject({ instances: 1003, pools: ['c_tag: 2-4094 per s_tag'] });
    expect(vbng).toMatchObject({ instances: 1004, pools: ['routable_subnet: /29s of 198.18.0.0/16'] });
    expect(renderView(v)).toContain('    tenant instances: 1003; pools c_tag: 2-4094 per s_tag\n');
  });

  test('writes the instances of their providers (RBAC-009), and reads no subscriber\'s chain of another provider', () => {
    const a = accessOf(co.index, 'dave');
    expect(a.write.has('vOLT/sub-1042')).toBe(true);
    expect(a.write.has('vBNG/cdn')).toBe(true);
    expect(a.write.has('subscriber/sub-1042')).toBe(false);
  });

  test('sees the names of tenancy credentials, never where their values live', () => {
    const v = view('dave');
    expect(v.developer!.services[0].credentials).toEqual(['api_token']);
    const text = JSON.stringify(v) + renderView(v);
    expect(text).not.toContain('vbng_api_token');
    expect(text).not.toContain('OS_PASSWORD');
  });
});

describe('an operator', () => {
  test('a root admin sees every Service with tenants and providers, external ones marked', () => {
    const v = view('carol');
    expect(v.operator?.scope).toBe('cloud');
    const byName = Object.fromEntries(v.operator!.services.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['CDN', 'subscriber', 'vBNG', 'vCPE', 'vOLT']);
    expect(byName.subscriber).toMatchObject({ external: false, backend: null, slices: 0, slivers: 0, instances: 1003 });
    expect(byName.vOLT).toMatchObject({ instances: 1003 });
    expect(renderView(v)).toMatch(/subscriber +abstract +0 +0 +1003 +vOLT \(none\)/);
    expect(byName.vBNG.tenants.map((t) => t.service)).toEqual(['CDN', 'vCPE']);
    expect(byName.vCPE.providers.map((t) => `${t.service} ${t.connect}`)).toEqual(['vBNG public']);
    expect(v.operator!.status).toMatch(/no state given/);
    expect(byName.vBNG.status).toBeUndefined();
  });

  test('with state, each Service shows the worst status of its objects, and each Sliver its own', () => {
    const states: Record<string, string> = { 'co1/vbng/bng-1': 'drifted', 'co1/vbng/bng-2': 'in-sync', vBNG: 'in-sync', 'co1/cdn/cache-1': 'in-sync' };
    const status: StatusSource = { description: 'test state', lookup: (k) => (states[k] ? { status: states[k], detail: states[k] === 'drifted' ? 'image changed' : undefined } : undefined) };
    const v = view('carol', status);
    const vbng = v.operator!.services.find((s) => s.name === 'vBNG')!;
    expect(vbng.status).toEqual({ status: 'drifted', counts: { 'in-sync': 2, drifted: 1 }, details: ['co1/vbng/bng-1: image changed'] });
    expect(v.operator!.services.find((s) => s.name === 'vOLT')!.status?.status).toBe('unknown');
    expect(v.tenant!.slices.find((s) => s.name === 'vbng')!.slivers.map((x) => x.status)).toEqual(['drifted', 'in-sync']);
    expect(renderView(v)).toMatch(/vBNG +sliced +drifted \(2 in-sync, 1 drifted\)/);
  });

  test('a Deployment admin sees only the Services that run on their Deployment', () => {
    const b = baseCloud('ops');
    const other = b.site.addSlice('other', { image: b.image, flavor: b.flavor });
    other.grant(b.admin, 'admin');
    const ops = new User(b.cloud, 'olga', { site: b.site });
    b.dep.grant(ops, 'admin');
    b.slice.addSliver('v1', { deployment: b.dep });
    const { Service } = require('../../lib/index') as typeof import('../../lib/index');
    new Service(b.cloud, 'runs-here', { slices: [b.slice] });
    new Service(b.cloud, 'runs-nowhere', { slices: [other] });
    const c = compileCloud(b.cloud);
    const v = buildView(c.index, 'olga');
    expect(v.operator?.scope).toEqual(['dep1']);
    expect(v.operator?.services.map((s) => s.name)).toEqual(['runs-here']);
    expect(v.operator?.deployments).toEqual([{ key: 'dep1', controllers: ['ctl1'], nodes: [], sites: ['site1'] }]);
    expect(v.tenant).toBeNull();
    const a = accessOf(c.index, 'olga');
    expect([...a.write].sort()).toEqual(['ctl1', 'dep1', 'dep1/grant-olga-admin', 'img', 'olga', 'private', 'small']);
  });
});

describe('a subscriber', () => {
  test('reads and writes the instances of their own chain, and nobody else\'s', () => {
    const alice = accessOf(co.index, 'alice');
    expect(['subscriber/sub-1042', 'vOLT/sub-1042', 'vCPE/sub-1042', 'vBNG/sub-1042'].every((k) => alice.write.has(k))).toBe(true);
    expect(alice.read.has('vOLT/sub-1043')).toBe(false);
    expect(alice.write.has('co1/volt/olt-1')).toBe(false);
    const v = view('sub-2007');
    expect(v.subscriber?.chains).toHaveLength(1);
    const chain = v.subscriber!.chains[0];
    expect(chain.map((l) => l.key)).toEqual(['subscriber/sub-2007', 'vOLT/sub-2007', 'vCPE/sub-2007', 'vBNG/sub-2007']);
    expect(chain[1]).toMatchObject({ attributes: { s_tag: 100, c_tag: expect.any(Number) }, allocated: ['c_tag'] });
    expect(chain[2].attributes).toEqual({ bundle: 'family', parental_control: true });
  });

  test('with state, each instance of the chain shows its status; the abstract root is model-only', () => {
    const status: StatusSource = { description: 'test state', lookup: (k) => (k === 'vOLT/sub-1042' ? { status: 'in-sync' } : k === 'vBNG/sub-1042' ? { status: 'pending' } : undefined) };
    const chain = view('alice', status).subscriber!.chains[0];
    expect(chain.map((l) => l.status)).toEqual(['model-only', 'in-sync', 'unknown', 'pending']);
  });
});

describe('other roles', () => {
  test('a Site pi holds every Slice of the Site but no Node; a Site tech the Nodes and no Slice', () => {
    const paul = view('paul');
    expect(paul.tenant?.slices.map((s) => s.access[0])).toEqual(['site pi', 'site pi', 'site pi', 'site pi']);
    expect(paul.tenant!.slices.every((s) => s.slivers.every((x) => !x.login))).toBe(true);
    expect(paul.scope.write.Node).toBeUndefined();
    const tess = view('tess');
    expect(tess.tenant).toBeNull();
    expect(tess.developer).toBeNull();
    expect(tess.scope.write.Node).toBe(3);
    expect(renderView(tess)).toMatch(/No Slices, Services, Deployments or subscriptions in this User's scope/);
    expect(tess.subscriber).toBeNull();
  });

  test('a User with no grant reads the home Site\'s objects but nothing inside its Slices', () => {
    const b = baseCloud('plain');
    new User(b.cloud, 'pat', { site: b.site });
    b.slice.addSliver('v1', { deployment: b.dep });
    const c = compileCloud(b.cloud);
    const a = accessOf(c.index, 'pat');
    expect([...a.write]).toEqual(['pat']);
    expect(a.read.has('site1/s1')).toBe(true);
    expect(a.read.has('site1/s1/v1')).toBe(false);
    expect(buildView(c.index, 'pat').roles).toEqual([{ scope: 'root', target: null, role: 'default', implicit: true, can: 'change their own User object (not its home Site)' }]);
  });
});

test('aggregateStatus reports the worst status and unknown when the state says nothing', () => {
  const lookup = (k: string) => ({ a: { status: 'in-sync' }, b: { status: 'pending' }, c: { status: 'failed', detail: 'apply failed' } })[k as 'a'];
  expect(aggregateStatus(['a', 'b'], lookup).status).toBe('pending');
  expect(aggregateStatus(['a', 'b', 'c'], lookup)).toEqual({ status: 'failed', counts: { 'in-sync': 1, pending: 1, failed: 1 }, details: ['c: apply failed'] });
  expect(aggregateStatus(['x'], lookup).status).toBe('unknown');
});

describe('xos view', () => {
  test('--json prints the view as JSON', () => {
    const r = xos(['view', 'examples/central-office/recipe.yaml', '--as', 'nina', '--json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as ViewReport;
    expect(v.user).toEqual({ key: 'nina', name: 'nina', email: 'nina@co1.example', site: 'co1' });
    expect(v.views.map((x) => x.url)).toEqual(['https://ops.co1.example/xos', 'https://portal.co1.example/views/subscriber']);
  });

  test('an unknown user is a clear error listing the known users', () => {
    const r = xos(['view', 'examples/central-office/recipe.yaml', '--as', 'zed']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "xos: unknown user 'zed' in central-office. Known users: alice, bob, carol, dave, erin, nina, paul, sub-2001, sub-2002, sub-2003, sub-2004, sub-2005, sub-2006, sub-2007, sub-2008, sub-2009, sub-2010, sub-2011, sub-2012, sub-2013 and 988 more. Pass one of them to --as.\n",
    );
    expect(xos(['view', 'examples/central-office/recipe.yaml', '--as', 'alcie']).stderr).toContain("Did you mean 'alice'?");
  });

  test('--as a subscriber shows their chain and what each instance holds', () => {
    const r = xos(['view', 'examples/central-office/recipe.yaml', '--as', 'alice']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        'Subscriptions (subscriber view: the chains of tenant instances you hold)',
        '',
        '  sub-1042: subscriber -> vOLT -> vCPE -> vBNG',
        '    INSTANCE             SERVICE     HOLDS',
        '    subscriber/sub-1042  subscriber  (none)',
        '    vOLT/sub-1042        vOLT        c_tag 42, s_tag 100',
        '    vCPE/sub-1042        vCPE        bundle family, parental_control true',
        '    vBNG/sub-1042        vBNG        routable_subnet 198.18.0.8/29 (allocated)',
      ].join('\n'),
    );
  });

  test('without --as it says how to call it', () => {
    const r = xos(['view', 'examples/central-office/recipe.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs --as USER/);
  });
});
