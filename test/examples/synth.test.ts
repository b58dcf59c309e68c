import * as fs from 'fs';
import * as path from 'path';
import { synthesizeAtomically } from '../../lib/synth/output';
import { canonicalJson } from '../../lib/model/canonical';
import { Site } from '../../lib/index';
import { compileCloud } from '../../lib/compile';
import { compileExample, EXAMPLES, filesBelow, loadExample } from '../helpers/examples';
import { tmpDir } from '../helpers/tools';

type TfJson = { resource?: Record<string, Record<string, { input: Record<string, unknown>; triggers_replace?: { secrets: Record<string, unknown> } }>>; variable?: Record<string, { sensitive?: boolean }>; terraform?: Record<string, unknown> };

function synth(name: string) {
  const compiled = compileExample(name);
  const out = path.join(tmpDir(), 'out');
  const result = synthesizeAtomically(compiled, { outdir: out, target: 'local' });
  const stacks = new Map<string, TfJson>();
  for (const s of result.stacks) stacks.set(s.name, JSON.parse(fs.readFileSync(path.join(out, 'stacks', s.name, 'cdk.tf.json'), 'utf8')));
  return { compiled, out, result, stacks };
}

describe.each(EXAMPLES)('example %s', (name) => {
  const { compiled, out, stacks } = synth(name);
  const model = compiled.built.model;

  test('compiles with no unacknowledged violation', () => {
    expect(compiled.violations.filter((v) => !v.acknowledged)).toEqual([]);
  });

  test('writes the manifest, xos-model.json and one stack per Controller', () => {
    const files = filesBelow(out);
    expect(files).toContain('manifest.json');
    expect(files).toContain('xos-model.json');
    const stackDirs = files.filter((f) => f.endsWith('cdk.tf.json')).map((f) => f.split(path.sep)[1]);
    expect(stackDirs.sort()).toEqual(model.controllers.map((c) => c.stack).sort());
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(stackDirs.sort());
  });

  test('every resource is terraform_data whose input names its model object', () => {
    const keys = new Set([...compiled.index.byKey.keys()]);
    for (const tf of stacks.values()) {
      expect(Object.keys(tf.resource ?? {})).toEqual(['terraform_data']);
      for (const r of Object.values(tf.resource!.terraform_data)) expect(keys.has(String(r.input.xos_key))).toBe(true);
    }
  });

  test('every reference points at a resource or a sensitive variable of the same stack', () => {
    for (const tf of stacks.values()) {
      const names = new Set(Object.keys(tf.resource!.terraform_data));
      const vars = tf.variable ?? {};
      const text = JSON.stringify(tf.resource);
      for (const m of text.matchAll(/\$\{terraform_data\.([A-Za-z0-9_-]+)\.id\}/g)) expect(names.has(m[1])).toBe(true);
      for (const m of text.matchAll(/\$\{var\.([A-Za-z0-9_]+)\}/g)) expect(vars[m[1]]?.sensitive).toBe(true);
    }
  });

  test('every Sliver has one port per Network of its Slice, eth0.. in stable order (SLC-003)', () => {
    for (const v of model.slivers) {
      const stack = [...stacks.values()].find((tf) => Object.values(tf.resource!.terraform_data).some((r) => r.input.xos_key === v.key && r.input.xos_kind === 'sliver'));
      expect(stack).toBeDefined();
      const ports = Object.values(stack!.resource!.terraform_data).filter((r) => r.input.xos_kind === 'port' && r.input.sliver === v.key);
      const want = compiled.index.networksOfSlice.get(v.slice) ?? [];
      expect(ports.map((p) => [p.input.interface, p.input.network]).sort()).toEqual(want.map((n, i) => [`eth${i}`, n.key]).sort());
    }
  });

  test('Networks exist only on back-ends that host Slivers of their Slices (lazy)', () => {
    for (const tf of stacks.values()) {
      const rs = Object.values(tf.resource!.terraform_data);
      const slicesHere = new Set(rs.filter((r) => r.input.xos_kind === 'sliver').map((r) => r.input.slice));
      for (const n of rs.filter((r) => r.input.xos_kind === 'network')) {
        const net = model.networks.find((x) => x.key === n.input.xos_key)!;
        expect([net.owner, ...net.joined].some((s) => slicesHere.has(s))).toBe(true);
      }
    }
  });

  test('each Sliver carries the keys of exactly the users with a privilege on its Slice', () => {
    for (const tf of stacks.values()) {
      for (const r of Object.values(tf.resource!.terraform_data).filter((x) => x.input.xos_kind === 'sliver')) {
        const slice = String(r.input.slice);
        const users = model.privileges.filter((p) => p.scope === 'slice' && p.target === slice).map((p) => p.user);
        const want = [...new Set(model.users.filter((u) => users.includes(u.key)).flatMap((u) => u.publicKeys))].sort();
        expect((r.input.user_data as { ssh_keys: string[] }).ssh_keys).toEqual(want);
      }
    }
  });

  test('credentials reach the stacks only as sensitive variables', () => {
    for (const tf of stacks.values()) {
      for (const v of Object.values(tf.variable ?? {})) expect(v.sensitive).toBe(true);
      for (const r of Object.values(tf.resource!.terraform_data)) {
        // Secrets only under triggers_replace: terraform_data copies `input` into an unmarked `output`.
        for (const val of Object.values(r.triggers_replace?.secrets ?? {})) expect(val).toMatch(/^\$\{var\.[A-Za-z0-9_]+\}$/);
        expect(JSON.stringify(r.input)).not.toContain('${var.');
      }
    }
  });

  test('xos-model.json is canonical: sorted keys, no absolute paths, no timestamps', () => {
    const text = fs.readFileSync(path.join(out, 'xos-model.json'), 'utf8');
    expect(text).toBe(canonicalJson(JSON.parse(text)));
    expect(text).not.toMatch(/\/(work|tmp|home|root)\//);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(JSON.parse(text).name).toBe(model.name);
  });

  test('synthesis is deterministic: a second run writes the same bytes', () => {
    const again = synth(name);
    for (const f of filesBelow(out)) expect(fs.readFileSync(path.join(again.out, f), 'utf8')).toBe(fs.readFileSync(path.join(out, f), 'utf8'));
  });
});

test('addresses stay put when an unrelated object is added', () => {
  const before = compileExample('central-office');
  const cloud = loadExample('central-office');
  new Site(cloud, 'aaa-new-site').addSlice('zzz', { image: undefined as never, flavor: undefined as never });
  const after = compileCloud(cloud);
  const names = (c: typeof before) => c.layout.stacks.flatMap((s) => s.resources.map((r) => `${s.name}/${r.name}`));
  expect(names(after)).toEqual(expect.arrayContaining(names(before)));
});

describe('central-office', () => {
  const { compiled, stacks } = synth('central-office');
  const co = stacks.get('co1-openstack')!;
  const rs = Object.values(co.resource!.terraform_data);

  test('the vOLT-vCPE tenancy shares the private access network', () => {
    const access = compiled.built.model.networks.find((n) => n.key === 'co1/volt/access')!;
    expect(access.joined).toEqual(['co1/vcpe']);
    const cpe1Ports = rs.filter((r) => r.input.xos_kind === 'port' && r.input.sliver === 'co1/vcpe/cpe-1').map((r) => r.input.network);
    expect(cpe1Ports.sort()).toEqual(['co1/vbng/wan', 'co1/volt/access']);
  });

  test('security rules open only vCPE\'s declared ports to vOLT', () => {
    const rules = rs.filter((r) => r.input.xos_kind === 'secrule' && r.input.tenancy !== undefined);
    expect(rules.map((r) => `${r.input.protocol}/${r.input.port_min}-${r.input.port_max}`).sort()).toEqual(['tcp/8080-8080', 'udp/67-67']);
    for (const r of rules) expect(r.input).toMatchObject({ tenancy: 'vOLT/tenant-of-vCPE', direction: 'ingress', remote_group_id: '${terraform_data.secgroup_vOLT__tenant.id}' });
    // Nothing else admits vOLT's group.
    expect(rs.filter((r) => r.input.xos_kind === 'secrule' && r.input.remote_group_id === '${terraform_data.secgroup_vOLT__tenant.id}')).toHaveLength(2);
  });

  test('vBNG adds a NAT entry for every instance of each of its tenants', () => {
    const nat = rs.filter((r) => r.input.xos_kind === 'addition');
    const tenantSlivers = compiled.built.model.slivers.filter((v) => v.slice === 'co1/vcpe' || v.slice === 'co1/cdn').map((v) => v.key);
    expect(nat.map((r) => r.input.sliver).sort()).toEqual(tenantSlivers.sort());
    for (const r of nat) expect(r.input.sliver_id).toMatch(/^\$\{terraform_data\.sliver_/);
  });

  test('vCPE instances receive vBNG\'s credential as a sensitive variable, and where their own instance records are', () => {
    const cpe = rs.find((r) => r.input.xos_key === 'co1/vcpe/cpe-1' && r.input.xos_kind === 'sliver')!;
    expect(cpe.triggers_replace).toEqual({ secrets: { provider_vBNG_api_token: '${var.vbng_api_token}' } });
    expect((cpe.input.user_data as { tenant_of: Record<string, unknown> }).tenant_of).toEqual({ vBNG: { connect: 'public', attributes: {} } });
    expect(cpe.input.store_id).toBe('${terraform_data.store_vCPE.id}');
  });

  test('every subscriber is a chain of four instances, and every instance of a Service with Slivers has its record', () => {
    const m = compiled.built.model;
    const users = new Set(m.instances.filter((i) => i.provider === 'subscriber').map((i) => i.subscriber));
    expect(users.size).toBe(1003);
    expect(m.instances).toHaveLength(4 * 1003 + 1);
    for (const i of m.instances.filter((x) => x.provider === 'vBNG' && x.name !== 'cdn')) {
      const chain = compiled.index.chainOf(i);
      expect(chain.instances.map((x) => x.provider)).toEqual(['vBNG', 'vCPE', 'vOLT', 'subscriber']);
      expect(compiled.index.get(chain.root)?.kind).toBe('User');
    }
    const records = new Map(rs.filter((r) => r.input.xos_kind === 'instance' && r.input.role === 'provides').map((r) => [r.input.xos_key, r]));
    for (const i of m.instances) expect(records.has(i.key)).toBe(i.provider !== 'subscriber');
    const alice = records.get('vOLT/sub-1042')!;
    expect(alice.input).toMatchObject({ attributes: { s_tag: 100, c_tag: 42 }, subscriber: 'subscriber/sub-1042', chain_root: 'alice', chain_root_kind: 'User' });
    expect(records.get('vCPE/sub-1042')!.input).toMatchObject({ attributes: { bundle: 'family', parental_control: true }, subscriber_attributes: { s_tag: 100, c_tag: 42 } });
    // The CDN's own Slivers learn the subnet vBNG gave it, from the CDN's store.
    const held = rs.find((r) => r.input.xos_kind === 'instance' && r.input.role === 'holds')!;
    expect(held.input).toMatchObject({ xos_key: 'vBNG/cdn', store_id: '${terraform_data.store_CDN.id}', attributes: { routable_subnet: expect.stringMatching(/^198\.18\.\d+\.\d+\/29$/) } });
  });

  test('vOLT adds a VLAN sub-interface for each of its instances, with its allocated c_tag', () => {
    const vlans = rs.filter((r) => r.input.xos_kind === 'instance-addition');
    expect(vlans).toHaveLength(1003);
    const alice = vlans.find((r) => r.input.instance === 'vOLT/sub-1042')!;
    expect(alice.input).toMatchObject({ type: 'config', attributes: { interface: 'vlan.100.42' }, instance_id: '${terraform_data.instance_vOLT__sub-1042.id}' });
  });
});

describe('opencloud', () => {
  const { compiled, stacks } = synth('opencloud');

  test('one stack per OpenStack deployment head node, plus EC2, S3 and GAE', () => {
    expect([...stacks.keys()].sort()).toEqual([
      'dc-east-1-openstack', 'dc-east-2-openstack', 'dc-europe-openstack', 'dc-west-1-openstack', 'dc-west-2-openstack',
      'ec2-us-east-1', 'gae', 'internet2-openstack', 'princeton-openstack', 's3', 'stanford-openstack', 'washington-openstack',
    ]);
  });

  test('Syndicate mounts a volume in every NewService instance, on the back-end that runs it', () => {
    const vols = [...stacks.entries()].flatMap(([s, tf]) => Object.values(tf.resource!.terraform_data).filter((r) => r.input.type === 'volume').map((r) => `${s}:${r.input.sliver}`));
    expect(vols.sort()).toEqual(['ec2-us-east-1:onlab/newservice/app-2', 'princeton-openstack:onlab/newservice/app-1']);
  });

  test('the interconnect-private Syndicate -> HyperCache tenancy gets a gateway wherever both sides run', () => {
    const gws = [...stacks.entries()].filter(([, tf]) => Object.values(tf.resource!.terraform_data).some((r) => r.input.xos_kind === 'gateway' && r.input.role === 'interconnect')).map(([s]) => s);
    expect(gws.sort()).toEqual(['dc-east-1-openstack', 'dc-west-1-openstack']);
    expect(compiled.built.model.tenants.find((t) => t.key === 'Syndicate/tenant-of-HyperCache')!.interconnect).toEqual({
      tenantNetwork: 'Syndicate/tenant-of-HyperCache/tenant-network',
      providerNetwork: 'Syndicate/tenant-of-HyperCache/provider-network',
    });
  });
});
