/**
 * The aws target: EC2 deployments (property tests over random valid clouds) and S3 as an
 * external Service (per tenant: a bucket and credentials that reach only it, handed to the
 * tenant's instances across stacks).
 */
import * as fc from 'fast-check';
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from '../../lib/index';
import { instanceTypeFor } from '../../lib/synth/aws/instance-types';
import { nameOf } from '../../lib/synth/layout';
import { endpointNetwork } from '../../lib/synth/layout-net';
import { planVpc } from '../../lib/synth/aws/vpc-plan';
import { addresses, buildSpec, cloudSpec, instanceFacts, ref, referencedAddresses, res, synth, type CloudSpec } from './helpers';

/** More runs with XOS_PROPERTY_RUNS=N (CI keeps the default small: the machine is shared). */
const RUNS = { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 12) };

function run(spec: CloudSpec) {
  const built = buildSpec(spec);
  const { compiled, rendered } = synth(built.cloud);
  const model = compiled.built.model;
  const stacks = compiled.layout.stacks.map((s) => ({ layout: s, tf: rendered.json.get(s.name)!, site: Number(/^ctl(\d+)$/.exec(s.name)![1]) }));
  return { built, compiled, model, index: compiled.index, stacks };
}

describe('aws target: EC2 deployments', () => {
  test('Networks become subnets of one VPC per back-end, in one zone; public ones route to an internet gateway, translated ones to a NAT gateway', () => {
    fc.assert(
      fc.property(cloudSpec('ec2'), (spec) => {
        const { stacks, model } = run(spec);
        for (const { tf, layout } of stacks) {
          const nets = layout.resources.filter((r) => r.kind === 'network');
          const vpcs = Object.values(res(tf, 'aws_vpc'));
          if (!nets.length) {
            expect(vpcs).toEqual([]);
            continue;
          }
          // The VPC's blocks cover every Network (each RFC 1918 one by its /16), the primary first.
          const plan = planVpc(nets.map((n) => ({ model: n.model, cidr: String(n.attrs.cidr) })));
          expect(vpcs).toEqual([expect.objectContaining({ cidr_block: plan.blocks[0] })]);
          const extra = Object.values(res(tf, 'aws_vpc_ipv4_cidr_block_association')).map((a) => a.cidr_block as string);
          expect(extra.filter((b) => !b.startsWith('100.')).sort()).toEqual(plan.blocks.slice(1).sort());
          const routes = new Map(layout.resources.filter((r) => r.kind === 'gateway' && r.attrs.role === 'internet').map((g) => [g.refs.network, g.attrs.translation]));
          const addressed = new Set(layout.resources.filter((r) => r.kind === 'address').map((a) => layout.resources.find((p) => p.name === a.refs.port)!.refs.network));
          for (const n of nets) {
            const subnet = res(tf, 'aws_subnet')[n.name];
            const m = model.networks.find((x) => x.key === n.model)!;
            expect(subnet).toMatchObject({ vpc_id: ref('aws_vpc', 'vpc'), cidr_block: m.cidr, availability_zone: '${element(data.aws_availability_zones.zones.names, 0)}', map_public_ip_on_launch: false });
            const assoc = res(tf, 'aws_route_table_association')[n.name];
            if (!routes.has(n.name)) expect(assoc).toBeUndefined();
            else expect(assoc).toMatchObject({ subnet_id: ref('aws_subnet', n.name), route_table_id: ref('aws_route_table', routes.get(n.name) === 'none' || addressed.has(n.name) ? 'internet' : 'nat') });
          }
          const tables = res(tf, 'aws_route_table');
          if (tables.internet) expect(tables.internet.route).toEqual([expect.objectContaining({ cidr_block: '0.0.0.0/0', gateway_id: ref('aws_internet_gateway', 'internet') })]);
          if (tables.nat) {
            expect(tables.nat.route).toEqual([expect.objectContaining({ cidr_block: '0.0.0.0/0', nat_gateway_id: ref('aws_nat_gateway', 'nat') })]);
            expect(res(tf, 'aws_nat_gateway').nat).toMatchObject({ allocation_id: ref('aws_eip', 'nat'), subnet_id: ref('aws_subnet', 'nat') });
            expect(res(tf, 'aws_route_table_association').nat).toMatchObject({ subnet_id: ref('aws_subnet', 'nat'), route_table_id: ref('aws_route_table', 'internet') });
          }
        }
      }),
      RUNS,
    );
  });

  test('every Sliver is an instance of the Flavor\'s instance type with one interface per Network of its Slice, eth0 first', () => {
    fc.assert(
      fc.property(cloudSpec('ec2'), (spec) => {
        const { stacks, model, index } = run(spec);
        for (const { tf, site } of stacks) {
          const here = model.slivers.filter((v) => v.site === `site${site}`);
          expect(Object.keys(res(tf, 'aws_instance')).sort()).toEqual(here.map((v) => nameOf(v)).sort());
          for (const v of here) {
            const instance = res(tf, 'aws_instance')[nameOf(v)];
            expect(instance).toMatchObject({ instance_type: 't3.small', root_block_device: { volume_size: 20 } });
            const nets = index.networksOfSlice.get(v.slice) ?? [];
            const eni = (n: (typeof nets)[number]) => `port_${v.key.replace(/\//g, '__')}__${n.key.replace(/\//g, '__')}`;
            if (!nets.length) {
              expect(instance.primary_network_interface).toBeUndefined();
              continue;
            }
            expect(instance.primary_network_interface).toEqual({ network_interface_id: ref('aws_network_interface', eni(nets[0])) });
            nets.forEach((n, i) => {
              expect(res(tf, 'aws_network_interface')[eni(n)].subnet_id).toBe(ref('aws_subnet', nameOf(n)));
              if (i > 0) expect(res(tf, 'aws_network_interface_attachment')[eni(n)]).toMatchObject({ instance_id: ref('aws_instance', nameOf(v)), network_interface_id: ref('aws_network_interface', eni(n)), device_index: i });
            });
            expect(Object.keys(res(tf, 'aws_network_interface_attachment')).filter((k) => k.startsWith(`port_${v.key.replace(/\//g, '__')}__`)).length).toBe(nets.length - 1);
            expect(instanceFacts(instance.user_data).facts.slice).toBe(model.slices.find((s) => s.key === v.slice)!.name);
          }
        }
      }),
      RUNS,
    );
  });

  test("private tenancies admit only the tenant's group on the provider's ports (TEN-007), and public ones get an Elastic IP per provider instance", () => {
    fc.assert(
      fc.property(
        cloudSpec('ec2').filter((s) => s.tenancy !== null && s.slivers[0] > 0 && s.slivers[1] > 0),
        (spec) => {
          const { stacks, model, built, index } = run(spec);
          const t = model.tenants[0];
          const mangle = (k: string) => k.replace(/\//g, '__');
          for (const { tf, site } of stacks) {
            const rules = Object.values(res(tf, 'aws_vpc_security_group_ingress_rule'));
            // Every interface lists its groups: none falls back to the VPC's default group.
            for (const e of Object.values(res(tf, 'aws_network_interface'))) expect(e.security_groups.length).toBeGreaterThan(0);
            expect(res(tf, 'aws_network_interface_sg_attachment')).toEqual({});
            for (const g of Object.values(res(tf, 'aws_security_group'))) expect(g.ingress).toBeUndefined();
            const providers = model.slivers.filter((v) => v.site === `site${site}` && v.slice === built.providerSlice!.node.path);
            const tenants = model.slivers.filter((v) => v.site === `site${site}` && v.slice === built.tenantSlice!.node.path);
            if (t.connect === 'public') {
              const eg = ref('aws_security_group', 'secgroup_Provider__public');
              const open = rules.filter((r) => r.security_group_id === eg);
              expect(open.map((r) => r.from_port).sort((a, b) => a - b)).toEqual(providers.length ? [...spec.tenancy!.ports].sort((a, b) => a - b) : []);
              for (const r of open) expect(r).toMatchObject({ cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', to_port: r.from_port });
              // An Elastic IP on each provider instance's endpoint interface.
              const endpoint = endpointNetwork(index, built.providerSlice!.node.path)!;
              const eips = Object.values(res(tf, 'aws_eip')).map((e) => e.network_interface);
              for (const v of providers) expect(eips).toContain(ref('aws_network_interface', `port_${mangle(v.key)}__${mangle(endpoint.key)}`));
              continue;
            }
            if (!providers.length || !tenants.length) continue;
            const providerNet = t.connect === 'shared-private' ? t.network! : t.interconnect!.providerNetwork!;
            const pg = ref('aws_security_group', `secgroup_Provider__${mangle(providerNet)}__provider`);
            const opened = rules.filter((r) => r.security_group_id === pg);
            expect(opened.map((r) => r.from_port).sort((a, b) => a - b)).toEqual([...spec.tenancy!.ports].sort((a, b) => a - b));
            for (const r of opened) expect(r).toMatchObject({ referenced_security_group_id: ref('aws_security_group', 'secgroup_Tenant__tenant'), ip_protocol: 'tcp', to_port: r.from_port });
          }
        },
      ),
      RUNS,
    );
  });

  test('every reference names an element of its stack, and credentials reach the provider only as sensitive variables', () => {
    fc.assert(
      fc.property(cloudSpec('ec2'), (spec) => {
        const { stacks } = run(spec);
        for (const { tf, layout } of stacks) {
          const known = addresses(tf);
          expect(referencedAddresses({ resource: tf.resource, data: tf.data, provider: tf.provider }).filter((a) => !known.has(a))).toEqual([]);
          expect(tf.provider.aws).toEqual([{ alias: layout.name, region: 'us-east-1', access_key: '${var.AWS_ACCESS_KEY_ID}' }]);
          expect(tf.variable.AWS_ACCESS_KEY_ID).toMatchObject({ sensitive: true });
          for (const byName of Object.values((tf.resource ?? {}) as Record<string, Record<string, { provider?: string }>>))
            for (const [n, body] of Object.entries(byName)) if (!n.startsWith('addition_')) expect(body.provider).toBe(`aws.${layout.name}`);
        }
      }),
      RUNS,
    );
  });

  test('a Flavor becomes the smallest instance type that fits it, or the type it is named after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 256, max: 700_000 }), (cores, ramMb) => {
        const t = instanceTypeFor({ model: 'f', name: 'f', cores, ramMb });
        const { INSTANCE_TYPES } = require('../../lib/synth/aws/instance-types') as typeof import('../../lib/synth/aws/instance-types');
        const chosen = INSTANCE_TYPES.find((x) => x.name === t)!;
        expect(chosen.vcpus).toBeGreaterThanOrEqual(cores);
        expect(chosen.memoryMib).toBeGreaterThanOrEqual(ramMb);
        for (const other of INSTANCE_TYPES) if (other.vcpus >= cores && other.memoryMib >= ramMb) expect(other.memoryMib).toBeGreaterThanOrEqual(chosen.memoryMib);
      }),
    );
    expect(instanceTypeFor({ model: 'f', name: 'm5.large', cores: 1, ramMb: 512 })).toBe('m5.large');
  });
});

/** A Syndicate-like Service on S3, with tenant instances on OpenStack and on EC2. */
function s3Cloud(subscribed = false): Cloud {
  Cloud.reset();
  const cloud = new Cloud({ name: 's3' });
  const site = new Site(cloud, 'lab');
  const u = new User(cloud, 'ann', { site, publicKeys: ['ssh-ed25519 AAAAann ann'] });
  site.grant(u, 'admin');
  const image = new Image(cloud, 'img');
  const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
  const tpl = new NetworkTemplate(cloud, 'private');
  const os = new Deployment(cloud, 'os', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  os.addController('os-head', { backend: 'openstack', sites: [site], credentials: { password: Secret.env('OS_PASSWORD') } });
  const ec2 = new Deployment(cloud, 'ec2', { acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  ec2.addController('ec2-eu', { backend: 'ec2', region: 'eu-west-1', sites: [site] });
  const s3c = new Controller(cloud, 's3', { backend: 's3', region: 'eu-west-1', credentials: { access_key: Secret.env('AWS_ACCESS_KEY_ID'), secret_key: Secret.env('AWS_SECRET_ACCESS_KEY') } });
  const s3 = new Service(cloud, 'S3', { controller: s3c, acceptsUsers: subscribed });
  // An instance of the external Service, held by a User: its record stays in the S3 stack.
  if (subscribed) s3.addTenant('ann-archive', { subscriber: u, attributes: { tier: 'cold' } });
  const syn = site.addSlice('syndicate', { image, flavor });
  syn.grant(u, 'admin');
  // It reaches S3 over the Internet from a Network of its own (one copy per back-end).
  syn.addNetwork('lan', { cidr: '10.0.1.0/24', template: tpl });
  syn.addSliver('ms-1', { deployment: os });
  syn.addSliver('ms-2', { deployment: ec2 });
  const idle = site.addSlice('idle', { image, flavor });
  idle.grant(u, 'admin');
  new Service(cloud, 'Syndicate', { slices: [syn] }).tenantOf(s3, { connect: 'public' });
  new Service(cloud, 'Idle', { slices: [idle] }).tenantOf(s3, { connect: 'public' });
  return cloud;
}

describe('aws target: S3 as an external Service', () => {
  test('each tenant with instances gets a private bucket and an IAM user whose key reaches only that bucket', () => {
    const { rendered } = synth(s3Cloud());
    const tf = rendered.json.get('s3')!;
    const t = 'tenancy_Syndicate__tenant-of-S3';
    expect(Object.keys(res(tf, 'aws_s3_bucket'))).toEqual([t]);
    expect(res(tf, 'aws_s3_bucket')[t].bucket_prefix).toBe('syndicate-');
    expect(res(tf, 'aws_s3_bucket_public_access_block')[t]).toMatchObject({ bucket: ref('aws_s3_bucket', t), block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(res(tf, 'aws_iam_user_policy')[t]).toMatchObject({ user: ref('aws_iam_user', t, 'name'), policy: `\${data.aws_iam_policy_document.${t}.json}` });
    const statements = tf.data.aws_iam_policy_document[t].statement as { actions: string[]; resources: string[] }[];
    expect(statements.flatMap((s) => s.resources).sort()).toEqual([ref('aws_s3_bucket', t, 'arn'), `${ref('aws_s3_bucket', t, 'arn')}/*`]);
    expect(statements.flatMap((s) => s.actions).every((a) => a.startsWith('s3:') && !a.includes('*'))).toBe(true);
    expect(res(tf, 'aws_iam_access_key')[t]).toMatchObject({ user: ref('aws_iam_user', t, 'name') });
    for (const o of Object.values(tf.output as Record<string, { sensitive: boolean }>)) expect(o.sensitive).toBe(true);
  });

  test("tenant instances of S3 are kept as records of its stack that refer only to what the stack declares (the Service itself is none of its resources)", () => {
    const tf = synth(s3Cloud(true)).rendered.json.get('s3')!;
    expect(Object.keys(res(tf, 'terraform_data')).sort()).toEqual(['instance_S3__ann-archive', 'store_S3']);
    const declared = addresses(tf);
    expect(referencedAddresses(tf.resource).filter((a) => !declared.has(a))).toEqual([]);
    expect(res(tf, 'terraform_data')['instance_S3__ann-archive'].input.store_id).toBe('${terraform_data.store_S3.id}');
  });

  test("the tenant's instances, on OpenStack and on EC2, get the bucket and the key in their user data, as sensitive values from the S3 stack's state", () => {
    const { rendered } = synth(s3Cloud());
    for (const [stack, type] of [['os-head', 'openstack_compute_instance_v2'], ['ec2-eu', 'aws_instance']] as const) {
      const tf = rendered.json.get(stack)!;
      const instances = Object.values(res(tf, type));
      expect(instances).toHaveLength(1);
      const made = instanceFacts(instances[0].user_data).facts.tenant_of.S3.resources;
      expect(made.region).toBe('eu-west-1');
      for (const k of ['bucket', 'access_key_id', 'secret_access_key']) expect(made[k]).toMatch(/^\$\{jsonencode\(.*data\.terraform_remote_state\.cross-stack-reference-input-s3\.outputs\./);
      expect(made.secret_access_key).toMatch(/^\$\{jsonencode\(sensitive\(/);
      expect(tf.data.terraform_remote_state['cross-stack-reference-input-s3'].config.path).toBe('../../../terraform.s3.tfstate');
      // Each value read is a sensitive output of the S3 stack carrying that tenant's element.
      const outputs = rendered.json.get('s3')!.output as Record<string, { value: string; sensitive: boolean }>;
      const t = 'tenancy_Syndicate__tenant-of-S3';
      const read = (v: string) => outputs[/\.outputs\.([A-Za-z0-9_-]+)/.exec(v)![1]];
      expect(read(made.bucket)).toEqual({ value: ref('aws_s3_bucket', t, 'bucket'), sensitive: true });
      expect(read(made.access_key_id)).toEqual({ value: ref('aws_iam_access_key', t, 'id'), sensitive: true });
      expect(read(made.secret_access_key)).toEqual({ value: ref('aws_iam_access_key', t, 'secret'), sensitive: true });
    }
  });
});
