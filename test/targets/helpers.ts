/**
 * Helpers for the target tests: random valid clouds (fast-check), synthesis in memory,
 * and small readers over the Terraform JSON of a stack.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, type Slice } from '../../lib/index';
import { compileCloud, type Compiled } from '../../lib/compile';
import { renderInMemory, type RenderedLayout } from '../../lib/synth/rendered';

export type Tf = Record<string, any>;

const ROOT = path.resolve(__dirname, '..', '..');

/** Run a program on its own, as `cdktf synth` does (the `xos` import resolved to this library). */
export function runProgram(program: string, env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  const entry = fs.statSync(path.join(ROOT, program)).isDirectory() ? path.join(ROOT, program, 'main.ts') : path.join(ROOT, program);
  const boot = `
    require('ts-node').register({ transpileOnly: true, skipProject: true, compilerOptions: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, resolveJsonModule: true } });
    const M = require('module'); const orig = M._resolveFilename;
    M._resolveFilename = function (r, ...a) { return orig.call(this, r === 'xos' ? ${JSON.stringify(path.join(ROOT, 'lib', 'index.ts'))} : r, ...a); };
    require(${JSON.stringify(entry)});`;
  const r = spawnSync(process.execPath, ['-e', boot], { cwd: ROOT, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


/** Compile a cloud, failing the test with the violations when it has errors. */
export function compileClean(cloud: Cloud): Compiled {
  const c = compileCloud(cloud);
  if (c.errors) throw new Error(`the cloud does not compile:\n${c.violations.filter((v) => v.severity === 'error').map((v) => `${v.id} ${v.path}: ${v.message}`).join('\n')}`);
  return c;
}

/** Compile and render every stack in memory (auto targets unless told). */
export function synth(cloud: Cloud, mode: 'auto' | 'local' = 'auto'): { compiled: Compiled; rendered: RenderedLayout } {
  const compiled = compileClean(cloud);
  return { compiled, rendered: renderInMemory(compiled.layout, mode) };
}

/** The resources of one type in a stack, by name. */
export function res(tf: Tf, type: string): Record<string, Tf> {
  return (tf.resource?.[type] ?? {}) as Record<string, Tf>;
}

/** The data sources of one type in a stack, by name. */
export function data(tf: Tf, type: string): Record<string, Tf> {
  return (tf.data?.[type] ?? {}) as Record<string, Tf>;
}

/** The reference `${type.name.attr}` to an element. */
export function ref(type: string, name: string, attr = 'id'): string {
  return `\${${type}.${name}.${attr}}`;
}

/** Every `type.name` (or `data.type.name`) that a value's expressions refer to. */
export function referencedAddresses(value: unknown): string[] {
  const out: string[] = [];
  const text = JSON.stringify(value);
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    for (const r of m[1].matchAll(/\b(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+|var\.[A-Za-z0-9_]+)/g)) out.push(r[1]);
  }
  return out;
}

/** Every element address a stack declares (resources, data sources, variables). */
export function addresses(tf: Tf): Set<string> {
  const out = new Set<string>();
  for (const [t, byName] of Object.entries((tf.resource ?? {}) as Record<string, object>)) for (const n of Object.keys(byName)) out.add(`${t}.${n}`);
  for (const [t, byName] of Object.entries((tf.data ?? {}) as Record<string, object>)) for (const n of Object.keys(byName)) out.add(`data.${t}.${n}`);
  for (const v of Object.keys(tf.variable ?? {})) out.add(`var.${v}`);
  return out;
}

/** The instance file (/etc/xos/instance.json) of a cloud-init text, with expressions as strings. */
export function instanceFacts(userData: string): { hostname: string; keys: string[]; facts: any } {
  const hostname = JSON.parse(/^hostname: (.*)$/m.exec(userData)![1]);
  const keys = [...userData.matchAll(/^ {2}- (".*")$/gm)].map((m) => JSON.parse(m[1]) as string);
  const content = userData.split('    content: |\n')[1];
  const json = content
    .split('\n')
    .map((l) => l.replace(/^ {6}/, ''))
    .join('\n')
    // an expression stands where a JSON value would be: make it a string to parse
    .replace(/\$\{(jsonencode\([^\n]*\))\}/g, (_, e: string) => JSON.stringify(`\${${e}}`));
  return { hostname, keys, facts: JSON.parse(json) };
}

// ---------------------------------------------------------------------------------------------
// Random valid clouds.

export interface CloudSpec {
  readonly sites: number;
  readonly slicesPerSite: readonly number[];
  readonly slivers: readonly number[];
  readonly users: readonly { readonly site: number; readonly keys: number; readonly grants: readonly { readonly slice: number; readonly role: 'admin' | 'access' }[] }[];
  readonly networks: readonly { readonly slice: number; readonly template: 'private' | 'public' | 'nat'; readonly bandwidth: number | null; readonly joiners: readonly number[] }[];
  readonly existingCatalog: boolean;
  readonly imageSource: boolean;
  readonly limits: { readonly cores?: number; readonly instances?: number; readonly ramMb?: number };
  readonly tenancy: { readonly connect: 'shared-private' | 'interconnect-private' | 'public'; readonly ports: readonly number[]; readonly volumeGb: number | null } | null;
  readonly backend: 'openstack' | 'ec2';
}

// Limits that the generated Slices (up to 3 Slivers of 2 cores and 2048 MB each) stay within (DEP-005).
const limitsArb = fc.record({ cores: fc.integer({ min: 6, max: 64 }), instances: fc.integer({ min: 3, max: 20 }), ramMb: fc.integer({ min: 6144, max: 65536 }) }, { requiredKeys: [] });

/** Specs of valid clouds: Sites with their own Deployment and Controller, Slices, Users, Networks, a tenancy. */
export function cloudSpec(backend: 'openstack' | 'ec2' = 'openstack'): fc.Arbitrary<CloudSpec> {
  return fc.integer({ min: 1, max: 3 }).chain((sites) =>
    fc.array(fc.integer({ min: 1, max: 2 }), { minLength: sites, maxLength: sites }).chain((slicesPerSite) => {
      const slices = slicesPerSite.reduce((a, b) => a + b, 0);
      const slice = fc.integer({ min: 0, max: slices - 1 });
      return fc.record({
        sites: fc.constant(sites),
        slicesPerSite: fc.constant(slicesPerSite),
        slivers: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: slices, maxLength: slices }),
        users: fc.array(
          fc.record({
            site: fc.integer({ min: 0, max: sites - 1 }),
            keys: fc.integer({ min: 0, max: 2 }),
            grants: fc.uniqueArray(fc.record({ slice, role: fc.constantFrom<'admin' | 'access'>('admin', 'access') }), { maxLength: 3, selector: (g) => `${g.slice}/${g.role}` }),
          }),
          { maxLength: 4 },
        ),
        networks: fc.array(
          fc.record({
            slice,
            template: fc.constantFrom<'private' | 'public' | 'nat'>('private', 'public', 'nat'),
            bandwidth: fc.option(fc.integer({ min: 1, max: 10000 }), { nil: null }),
            joiners: fc.uniqueArray(slice, { maxLength: 2 }),
          }),
          { maxLength: 3 },
        ),
        existingCatalog: fc.boolean(),
        imageSource: fc.boolean(),
        limits: limitsArb,
        tenancy:
          slices >= 2
            ? fc.option(
                fc.record({
                  connect: fc.constantFrom<'shared-private' | 'interconnect-private' | 'public'>('shared-private', 'interconnect-private', 'public'),
                  ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
                  volumeGb: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
                }),
                { nil: null },
              )
            : fc.constant(null),
        backend: fc.constant(backend),
      });
    }),
  );
}

export interface BuiltSpec {
  readonly cloud: Cloud;
  readonly slices: Slice[];
  readonly users: User[];
  /** Public keys per user, in declaration order. */
  readonly keys: string[][];
  readonly providerSlice?: Slice;
  readonly tenantSlice?: Slice;
}

/** Declare the cloud a spec describes. */
export function buildSpec(spec: CloudSpec): BuiltSpec {
  Cloud.reset();
  const cloud = new Cloud({ name: 'prop' });
  const image = new Image(cloud, 'img', spec.imageSource ? { sourceUrl: 'https://images.example/img.qcow2' } : {});
  const flavor = new Flavor(cloud, 'small', { cores: 2, ramMb: 2048, diskGb: 20 });
  const tpl = { private: new NetworkTemplate(cloud, 'private'), public: new NetworkTemplate(cloud, 'public', { visibility: 'public' }), nat: new NetworkTemplate(cloud, 'nat', { translation: 'nat' }) };
  const sites: Site[] = [];
  const deployments: Deployment[] = [];
  for (let i = 0; i < spec.sites; i++) sites.push(new Site(cloud, `site${i}`, { loginBase: `s${i}` }));
  for (let i = 0; i < spec.sites; i++) {
    const site = sites[i];
    // Every Site may acquire from every Deployment: Networks span the Sites of their Slivers.
    const dep = new Deployment(cloud, `dep${i}`, { hostSites: [site], acquireSites: sites, images: [image], flavors: [flavor], networkTemplates: Object.values(tpl), limits: spec.limits, existingCatalog: spec.existingCatalog });
    dep.addController(`ctl${i}`, {
      backend: spec.backend,
      sites: [site],
      ...(spec.backend === 'ec2' ? { region: 'us-east-1', credentials: { access_key: Secret.env('AWS_ACCESS_KEY_ID') } } : { credentials: { password: Secret.env(`OS_PASSWORD_${i}`) } }),
    });
    deployments.push(dep);
  }
  const slices: Slice[] = [];
  const sliceSite: number[] = [];
  spec.slicesPerSite.forEach((n, s) => {
    for (let j = 0; j < n; j++) {
      slices.push(sites[s].addSlice(`slice${j}`, { image, flavor }));
      sliceSite.push(s);
    }
  });
  slices.forEach((sl, i) => {
    for (let k = 0; k < spec.slivers[i]; k++) sl.addSliver(`v${k}`, { deployment: deployments[sliceSite[i]] });
  });
  const users: User[] = [];
  const keys: string[][] = [];
  spec.users.forEach((u, i) => {
    const ks = Array.from({ length: u.keys }, (_, k) => `ssh-ed25519 AAAAKEY${i}x${k} user${i}-${k}`);
    const user = new User(cloud, `user${i}`, { site: sites[u.site], publicKeys: ks });
    for (const g of u.grants) slices[g.slice].grant(user, g.role);
    users.push(user);
    keys.push(ks);
  });
  spec.networks.forEach((n, i) => {
    const owner = slices[n.slice];
    const net = owner.addNetwork(`net${i}`, { cidr: `10.${100 + i}.0.0/24`, template: tpl[n.template], ...(n.bandwidth !== null ? { bandwidthMbps: n.bandwidth } : {}) });
    if (n.template === 'public') net.acknowledge('NET-005', 'property test');
    for (const j of n.joiners) {
      if (j === n.slice) continue;
      net.allowJoin(slices[j]);
      slices[j].join(net);
    }
  });
  // A private connect needs both sides on one back-end (FLOW-003): across Sites, connect publicly.
  const connect = spec.tenancy && spec.tenancy.connect !== 'public' && sliceSite[0] !== sliceSite[1] ? 'public' : spec.tenancy?.connect;
  if (connect === 'public') {
    // A public endpoint needs an interface to put the public address on, and its tenant one to send from.
    slices[0].addNetwork('front', { cidr: '10.99.0.0/24', template: tpl.private });
    slices[1].addNetwork('back', { cidr: '10.98.0.0/24', template: tpl.private });
  }
  let providerSlice: Slice | undefined;
  let tenantSlice: Slice | undefined;
  if (spec.tenancy) {
    providerSlice = slices[0];
    tenantSlice = slices[1];
    const vol = spec.tenancy.volumeGb;
    const provider = new Service(cloud, 'Provider', {
      slices: [providerSlice],
      ports: spec.tenancy.ports,
      credentials: { token: Secret.tfVar('provider_token') },
      ...(vol !== null ? { onTenantInstance: (i: { sliverName: string }) => [{ id: 'disk', type: 'volume', attributes: { sizeGb: vol, host: i.sliverName } }] } : {}),
    });
    const tenant = new Service(cloud, 'Tenant', { slices: [tenantSlice] });
    // Derived networks in 10/8 with the others: an EC2 VPC holds blocks of one private range.
    tenant.tenantOf(provider, { connect: connect!, ...(connect === 'shared-private' ? { cidr: '10.20.0.0/24' } : connect === 'interconnect-private' ? { cidr: '10.30.0.0/23' } : {}) });
  }
  return { cloud, slices, users, keys, providerSlice, tenantSlice };
}
