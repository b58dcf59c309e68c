/**
 * The examples, synthesized for real clouds: each stack gets its Controller's target, every
 * OpenStack stack is valid against the provider schema, and opencloud's tenants of S3 read
 * their credentials from the S3 stack's state.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProgram } from '../../lib/cli/load';
import { compileCloud, type Compiled } from '../../lib/compile';
import { checkOpenstackStack } from '../../lib/synth/openstack/check';
import { synthesizeAtomically } from '../../lib/synth/output';
import { TARGET_OF_BACKEND } from '../../lib/synth/targets';
import { tmpDir } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = ['hello', 'central-office', 'opencloud'];

const synthesized = new Map<string, { compiled: Compiled; out: string; stacks: Map<string, any> }>();

beforeAll(() => {
  for (const name of EXAMPLES) {
    const { cloud } = loadProgram(path.join(ROOT, 'examples', name), { transpileOnly: true });
    const compiled = compileCloud(cloud);
    const out = path.join(tmpDir('xos-examples-'), 'out');
    synthesizeAtomically(compiled, { outdir: out, target: 'auto' });
    const stacks = new Map<string, any>();
    for (const s of fs.readdirSync(path.join(out, 'stacks'))) stacks.set(s, JSON.parse(fs.readFileSync(path.join(out, 'stacks', s, 'cdk.tf.json'), 'utf8')));
    synthesized.set(name, { compiled, out, stacks });
  }
});

function providersOf(tf: any): string[] {
  return Object.keys(tf.terraform?.required_providers ?? {}).sort();
}

describe.each(EXAMPLES)('example %s for real clouds', (name) => {
  test('every stack is written for the target of its Controller', () => {
    const { compiled, stacks } = synthesized.get(name)!;
    expect([...stacks.keys()].sort()).toEqual(compiled.layout.stacks.map((s) => s.name).sort());
    for (const s of compiled.layout.stacks) {
      const tf = stacks.get(s.name);
      const target = TARGET_OF_BACKEND[s.backend];
      if (target === 'openstack') expect(providersOf(tf)).toEqual(['openstack']);
      else if (target === 'aws') expect(providersOf(tf)).toEqual(['aws']);
      else {
        expect(providersOf(tf)).toEqual([]);
        expect(Object.keys(tf.resource ?? {})).toEqual(s.resources.length ? ['terraform_data'] : []);
      }
    }
  });

  test('every OpenStack resource, data source and provider block is valid against the vendored provider schema', () => {
    const { compiled, stacks } = synthesized.get(name)!;
    const os = compiled.layout.stacks.filter((s) => s.backend === 'openstack');
    expect(os.length).toBeGreaterThan(0);
    for (const s of os) {
      const tf = stacks.get(s.name);
      expect(Object.keys(tf.resource).filter((t) => t.startsWith('openstack_')).length).toBeGreaterThan(5);
      expect({ stack: s.name, problems: checkOpenstackStack(tf) }).toEqual({ stack: s.name, problems: [] });
    }
  });
});

describe('example opencloud', () => {
  test('synthesizes one OpenStack stack per OpenStack deployment, and aws stacks for EC2 and S3', () => {
    const { compiled, stacks } = synthesized.get('opencloud')!;
    const model = compiled.built.model;
    const openstack = model.controllers.filter((c) => c.backend === 'openstack').map((c) => c.stack);
    expect(openstack.sort()).toEqual(['dc-east-1-openstack', 'dc-east-2-openstack', 'dc-europe-openstack', 'dc-west-1-openstack', 'dc-west-2-openstack', 'internet2-openstack', 'princeton-openstack', 'stanford-openstack', 'washington-openstack']);
    for (const s of openstack) expect(providersOf(stacks.get(s))).toEqual(['openstack']);
    expect(providersOf(stacks.get('ec2-us-east-1'))).toEqual(['aws']);
    expect(Object.keys(stacks.get('ec2-us-east-1').resource.aws_instance)).toEqual(['sliver_onlab__newservice__app-2']);
    expect(providersOf(stacks.get('s3'))).toEqual(['aws']);
    expect(Object.keys(stacks.get('s3').resource.aws_s3_bucket)).toEqual(['tenancy_Syndicate__tenant-of-S3']);
  });

  test("Internet2's one distributed OpenStack holds a cache and a project for each of its eleven Sites; Syndicate reaches HyperCache through an interconnect in each data center", () => {
    const tf = synthesized.get('opencloud')!.stacks.get('internet2-openstack');
    const caches = Object.values(tf.resource.openstack_compute_instance_v2 as Record<string, any>);
    expect(caches.map((c) => c.metadata.xos_sliver).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `onlab/hpc/cache-i2-${i + 1}`).sort());
    expect(Object.keys(tf.resource.openstack_identity_project_v3).filter((p) => p.startsWith('site_i2-'))).toHaveLength(11);
    for (const dc of ['dc-east-1-openstack', 'dc-west-1-openstack']) {
      const rr = synthesized.get('opencloud')!.stacks.get(dc);
      const rules = Object.entries(rr.resource.openstack_networking_secgroup_rule_v2 as Record<string, any>)
        .filter(([n]) => /^secrule_Syndicate__tenant-of-HyperCache__(tcp|udp)-\d+$/.test(n))
        .map(([, r]) => r);
      for (const r of rules) expect(r.remote_group_id).toBe('${openstack_networking_secgroup_v2.secgroup_Syndicate__tenant.id}');
      expect(rules.map((r) => `${r.protocol}/${r.port_range_min}`).sort()).toEqual(['tcp/80', 'tcp/8080']);
      // One router joins Syndicate's network (the lower half of the tenancy's block) and HyperCache's (the upper).
      const subnets = rr.resource.openstack_networking_subnet_v2 as Record<string, any>;
      expect(subnets['network_Syndicate__tenant-of-HyperCache__tenant-network'].cidr).toBe('10.64.0.0/24');
      expect(subnets['network_Syndicate__tenant-of-HyperCache__provider-network'].cidr).toBe('10.64.1.0/24');
      const ifs = Object.values(rr.resource.openstack_networking_router_interface_v2 as Record<string, any>);
      expect(new Set(ifs.filter((i) => /Syndicate__tenant-of-HyperCache/.test(i.subnet_id)).map((i) => i.router_id)).size).toBe(1);
    }
  });

  test("Syndicate's instances read the bucket and key S3 made for them from the S3 stack's state, and cdktf deploys S3 first", () => {
    const { out, stacks } = synthesized.get('opencloud')!;
    const s3 = stacks.get('s3');
    expect(Object.values(s3.output as Record<string, { sensitive: boolean }>).every((o) => o.sensitive)).toBe(true);
    for (const dc of ['dc-east-1-openstack', 'dc-west-1-openstack']) {
      const tf = stacks.get(dc);
      const ms = Object.values(tf.resource.openstack_compute_instance_v2 as Record<string, any>).find((i) => i.name.includes('syndicate'))!;
      expect(ms.user_data).toContain('${jsonencode(sensitive(data.terraform_remote_state.cross-stack-reference-input-s3.outputs.');
      for (const m of (ms.user_data as string).matchAll(/outputs\.([A-Za-z0-9_-]+)/g)) expect(Object.keys(s3.output)).toContain(m[1]);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['dc-east-1-openstack'].dependencies).toEqual(['s3']);
  });
});

describe('example central-office', () => {
  test("synthesizes its OpenStack pod: the CO's projects, the four service slices, nine instances, two networks", () => {
    const tf = synthesized.get('central-office')!.stacks.get('co1-openstack');
    expect(Object.keys(tf.resource.openstack_identity_project_v3).sort()).toEqual(['site_co1', 'slice_co1__cdn', 'slice_co1__vbng', 'slice_co1__vcpe', 'slice_co1__volt']);
    expect(Object.keys(tf.resource.openstack_compute_instance_v2)).toHaveLength(9);
    expect(Object.keys(tf.resource.openstack_networking_network_v2).sort()).toEqual(['network_co1__vbng__wan', 'network_co1__volt__access']);
    // wan is public, with a bandwidth of 10 Gbit/s: a router out without SNAT and a QoS rule.
    expect(tf.resource.openstack_networking_router_v2.network_co1__vbng__wan.enable_snat).toBe(false);
    expect(tf.resource.openstack_networking_qos_bandwidth_limit_rule_v2.network_co1__vbng__wan.max_kbps).toBe(10_000_000);
    // A Sliver placed on a Node goes to that host; one placed on the Deployment is left to the scheduler.
    expect(tf.resource.openstack_compute_instance_v2['sliver_co1__volt__olt-1'].availability_zone).toBe('nova:compute-1');
    expect(tf.resource.openstack_compute_instance_v2['sliver_co1__vcpe__cpe-1'].availability_zone).toBeUndefined();
  });
});
