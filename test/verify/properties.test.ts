/**
 * Properties of the proof over random clouds:
 * - random valid clouds verify clean on every target (admitted == intended), through the same
 *   synthesis `xos synth` runs (which proves what it writes);
 * - synthesis never fails on a model that validated (TGT-001), also for clouds built to be
 *   hard on the targets (odd Flavors, credentials, blocks, back-ends, volumes, public connects
 *   without Networks): either `xos validate` reports it, or synthesis succeeds and proves clean.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import * as lib from '../../lib/index';
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, type BackendKind } from '../../lib/index';
import { compileCloud } from '../../lib/compile';
import { synthesizeAtomically } from '../../lib/synth/output';
import { renderInMemory } from '../../lib/synth/rendered';
import { readOutput, verifyStacks } from '../../lib/verify/index';
import { buildCloud, cloudSpec as reliabilitySpec } from '../helpers/random-cloud';
import { tmpDir } from '../helpers/tools';
import { buildSpec, cloudSpec as targetSpec } from '../targets/helpers';

const RUNS = Number(process.env.XOS_PROPERTY_RUNS ?? 12);

function proveInMemory(c: ReturnType<typeof compileCloud>, mode: 'auto' | 'local') {
  const r = renderInMemory(c.layout, mode);
  return verifyStacks(c.built.model, r.json, {}, c.index);
}

describe('random valid clouds verify clean on every target', () => {
  test.each(['openstack', 'ec2'] as const)('the targets\' random clouds on %s: auto and local', (backend) => {
    fc.assert(
      fc.property(targetSpec(backend), (spec) => {
        const c = compileCloud(buildSpec(spec).cloud);
        expect(c.errors).toBe(0);
        for (const mode of ['auto', 'local'] as const) {
          const r = proveInMemory(c, mode);
          expect({ mode, violations: r.violations }).toEqual({ mode, violations: [] });
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('the reliability suite\'s random clouds (awkward names, many Sites, every connect mode): auto and local', () => {
    fc.assert(
      fc.property(reliabilitySpec(3), (spec) => {
        const c = compileCloud(buildCloud(spec, lib).cloud);
        expect(c.errors).toBe(0);
        for (const mode of ['auto', 'local'] as const) expect({ mode, violations: proveInMemory(c, mode).violations }).toEqual({ mode, violations: [] });
      }),
      { numRuns: RUNS },
    );
  });

  test('what `xos synth` writes verifies clean when read back from disk (`xos verify DIR`)', () => {
    fc.assert(
      fc.property(reliabilitySpec(2), (spec) => {
        const c = compileCloud(buildCloud(spec, lib).cloud);
        const out = path.join(tmpDir('xos-verify-prop-'), 'out');
        const written = synthesizeAtomically(c, { outdir: out, target: 'auto' });
        expect(written.proof?.errors).toBe(0);
        const { model, stacks } = readOutput(out);
        expect(verifyStacks(model, stacks).violations).toEqual([]);
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }),
      { numRuns: Math.max(3, Math.round(RUNS / 3)) },
    );
  });
});

interface Hostile {
  readonly backend: BackendKind | 'vmware';
  readonly credential: string;
  readonly cores: number;
  readonly cidr: { base: string; prefix: number };
  readonly derivedCidr: string | null;
  readonly connect: 'public' | 'shared-private' | 'interconnect-private';
  readonly tenantNetwork: boolean;
  readonly providerNetwork: boolean;
  readonly ports: readonly number[];
  readonly volume: number | null;
  readonly volumes: number;
}

const hostile: fc.Arbitrary<Hostile> = fc.record({
  backend: fc.constantFrom<BackendKind | 'vmware'>('openstack', 'ec2', 's3', 'external', 'vmware'),
  credential: fc.constantFrom('password', 'username', 'api_key', 'access_key', 'secret_key', 'profile', 'cloud'),
  cores: fc.constantFrom(1, 2, 1.5, 200),
  cidr: fc.record({ base: fc.constantFrom('10.1', '172.20', '192.168', '198.51'), prefix: fc.constantFrom(24, 16, 29, 12) }),
  derivedCidr: fc.constantFrom(null, '10.9.0.0/24', '172.21.0.0/23', '10.9.0.0/16'),
  connect: fc.constantFrom('public', 'shared-private', 'interconnect-private'),
  tenantNetwork: fc.boolean(),
  providerNetwork: fc.boolean(),
  ports: fc.constantFrom([], [443], [53, 8080]),
  volume: fc.constantFrom(null, 10, 2.5),
  volumes: fc.constantFrom(1, 12),
});

/** `base.0.0/prefix`, its host bits cleared (so NET-001 never refuses it: what is bent is what targets take). */
function blockOf(c: Hostile['cidr']): string {
  const [a, b] = c.base.split('.').map(Number);
  const n = ((a << 24) | (b << 16)) >>> 0;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  const base = (n & mask) >>> 0;
  return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${c.prefix}`;
}

/** A small cloud bent by `h`: one back-end, a provider and a tenant Slice, one tenancy. */
function hostileCloud(h: Hostile): Cloud {
  Cloud.reset();
  const cloud = new Cloud({ name: 'hostile' });
  const site = new Site(cloud, 'lab');
  const ann = new User(cloud, 'ann', { site, publicKeys: ['ssh-ed25519 AAAA ann'] });
  site.grant(ann, 'admin');
  const image = new Image(cloud, 'img');
  const flavor = new Flavor(cloud, 'f', { cores: h.cores, ramMb: 2048 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController('head', { backend: h.backend as BackendKind, region: 'eu-west-1', sites: [site], credentials: { [h.credential]: Secret.env('CRED') } });
  const [ps, ts] = ['p', 't'].map((id, i) => {
    const s = site.addSlice(id, { image, flavor });
    s.grant(ann, 'admin');
    s.addSlivers('vm', 2, { deployment: dep });
    if ((i === 0 ? h.providerNetwork : h.tenantNetwork) || h.connect !== 'public')
      s.addNetwork('lan', { cidr: i === 0 ? blockOf(h.cidr) : '10.200.0.0/24', template: tpl });
    return s;
  });
  const provider = new Service(cloud, 'P', {
    slices: [ps],
    ports: h.ports,
    ...(h.volume !== null ? { onTenantInstance: () => Array.from({ length: h.volumes }, (_, k) => ({ id: `v${k}`, type: 'volume', attributes: { sizeGb: h.volume } })) } : {}),
  });
  new Service(cloud, 'T', { slices: [ts] }).tenantOf(provider, { connect: h.connect, ...(h.derivedCidr ? { cidr: h.derivedCidr } : {}) });
  return cloud;
}

describe('synthesis never fails on a model that validated (TGT-001)', () => {
  test('clouds built to be hard on the targets: validate reports it, or synthesis succeeds and proves clean', () => {
    let synthesized = 0;
    let refused = 0;
    fc.assert(
      fc.property(hostile, (h) => {
        const c = compileCloud(hostileCloud(h));
        if (c.errors) {
          refused++;
          // Every refusal is a rule violation with an id, on an object, with the program's line.
          for (const v of c.violations.filter((x) => x.severity === 'error')) expect(v.source ?? v.path).toBeTruthy();
          return;
        }
        const out = path.join(tmpDir('xos-tgt-'), 'out');
        const r = synthesizeAtomically(c, { outdir: out, target: 'auto' });
        expect(r.proof?.errors).toBe(0);
        synthesized++;
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }),
      { numRuns: RUNS * 6 },
    );
    // Both kinds of outcome happened (the arbitrary is not degenerate).
    expect(synthesized).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
