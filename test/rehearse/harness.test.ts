/**
 * The rehearsal harness without Terraform: its wire values (cty over MessagePack), and the
 * provider's answers to the protocol's requests over the real schemas: validation, planning
 * with computed values unknown, apply with the simulated cloud's values and refusals,
 * read with drift, import, and the certificate of its plugin mode.
 */
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pluginCertificate } from '../../lib/rehearse/cert';
import { Cloud } from '../../lib/rehearse/cloud';
import { decodeValue, Dynamic, encodeValue, newObject, toPlain, Unknown, UNKNOWN, type CtyType, type Value, type ValueObject } from '../../lib/rehearse/cty';
import { decodeMsgpack } from '../../lib/rehearse/msgpack';
import { HarnessProvider } from '../../lib/rehearse/provider';
import { impliedType } from '../../lib/rehearse/schema';
import { behaviours, openstackSchema } from '../../lib/rehearse/schemas';
import { generate as generateAwsSchema, OUT_FILE as AWS_SCHEMA_FILE } from '../../scripts/aws-schema';
import { tmpDir } from '../helpers/tools';

function obj(o: Record<string, unknown>): ValueObject {
  const out = newObject();
  for (const [k, v] of Object.entries(o)) out[k] = (v === undefined ? null : v) as Value;
  return out;
}

describe('cty values over MessagePack', () => {
  const type: CtyType = ['object', { s: 'string', n: 'number', b: 'bool', l: ['list', 'string'], m: ['map', 'number'], o: ['object', { x: 'string' }], d: 'dynamic', u: 'string' }];

  test('round-trip, with unknowns, nulls, dynamic values and keys such as __proto__', () => {
    const v = obj({ s: 'héllo 東', n: -1.5, b: true, l: ['a', UNKNOWN], m: obj(JSON.parse('{"__proto__": 1, "big": 1099511627776}')), o: null, d: new Dynamic(['list', 'number'], [1, 2]), u: UNKNOWN });
    const back = decodeValue(encodeValue(v, type), type) as ValueObject;
    expect(toPlain(back)).toEqual(toPlain(v));
    expect(back.u).toBeInstanceOf(Unknown);
    expect((back.l as Value[])[1]).toBe(UNKNOWN);
    expect(Object.keys(back.m as object)).toEqual(['__proto__', 'big']);
    expect(back.d).toBeInstanceOf(Dynamic);
    expect((back.d as Dynamic).type).toEqual(['list', 'number']);
  });

  test("an unknown is cty's extension 0, and a refined unknown (extension 12) reads as unknown", () => {
    expect([...encodeValue(UNKNOWN, 'string')]).toEqual([0xd4, 0, 0]);
    // ext 12 with a refinement map {1: false} ("not null"), as Terraform 1.6+ may send.
    expect(decodeValue(Buffer.from([0xc7, 3, 12, 0x81, 0x01, 0xc2]), 'string')).toBe(UNKNOWN);
    expect(decodeMsgpack(Buffer.from([0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]))).toBeCloseTo(Math.PI);
  });
});

describe('the provider over the OpenStack 3.x schema', () => {
  let dir: string;
  let cloud: Cloud;
  let p: HarnessProvider;
  const schema = openstackSchema('3');
  const block = (t: string) => schema.resource_schemas[t].block;
  const enc = (t: string, v: Value) => ({ msgpack: encodeValue(v, impliedType(block(t))) });
  const dec = (t: string, dv: { msgpack: Buffer }) => decodeValue(dv.msgpack, impliedType(block(t))) as ValueObject;
  const CONTROLLER = '127.0.0.1:1';
  const SLICE = '127.0.0.1:2';
  const providerConfig = (extra: Record<string, unknown> = {}) => ({ config: { msgpack: encodeValue(obj({ user_name: 'admin', password: 'pw', auth_url: 'https://k', ...extra }), impliedType(schema.provider.block)) } });

  /** Plan and apply a create of `type` with `config` from connection `peer`; the new state, or the refusal. */
  function create(type: string, config: Record<string, unknown>, peer = CONTROLLER): { state?: ValueObject; error?: string } {
    const cfg = obj(config);
    const plan = p.planResourceChange({ type_name: type, prior_state: enc(type, null), proposed_new_state: enc(type, cfg), config: enc(type, cfg) });
    if (plan.diagnostics?.length) return { error: plan.diagnostics.map((d: { summary: string; detail: string }) => `${d.summary}: ${d.detail}`).join('\n') };
    const r = p.applyResourceChange({ type_name: type, prior_state: enc(type, null), planned_state: plan.planned_state, config: enc(type, cfg) }, peer);
    if (r.diagnostics?.length) return { error: r.diagnostics.map((d: { summary: string; detail: string }) => `${d.summary}: ${d.detail}`).join('\n') };
    return { state: dec(type, r.new_state) };
  }

  beforeEach(() => {
    dir = tmpDir('xos-harness-');
    cloud = new Cloud(path.join(dir, 'cloud'));
    p = new HarnessProvider(behaviours('3').openstack, cloud);
    p.configureProvider(providerConfig(), CONTROLLER);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('serves the schema, and validates a configuration against it: required, computed-only, allowed values', () => {
    const s = p.getProviderSchema();
    expect(Object.keys(s.resource_schemas)).toContain('openstack_compute_instance_v2');
    const t = 'openstack_networking_secgroup_rule_v2';
    const diags = p.validateResourceConfig({ type_name: t, config: enc(t, obj({ direction: 'sideways', ethertype: 'IPv4', id: null, tenant_id: 'x' })) }, false).diagnostics as { summary: string; detail: string; attribute?: unknown }[];
    expect(diags.map((d) => d.summary)).toEqual(expect.arrayContaining(['Missing required argument', 'Invalid value']));
    expect(diags.find((d) => d.summary === 'Missing required argument')!.detail).toContain('"security_group_id"');
    const img = 'openstack_images_image_v2';
    const computedOnly = p.validateResourceConfig({ type_name: img, config: enc(img, obj({ name: 'i', container_format: 'bare', disk_format: 'qcow2', checksum: 'x' })) }, false).diagnostics as { summary: string }[];
    expect(computedOnly.map((d) => d.summary)).toEqual(['Value for unconfigurable attribute']);
  });

  test('plans computed attributes unknown and the provider defaults, and applies deterministic values inside the subnet', () => {
    const net = create('openstack_networking_network_v2', { name: 'n' }).state!;
    const sub = create('openstack_networking_subnet_v2', { network_id: net.id, cidr: '10.9.0.0/24' }).state!;
    const t = 'openstack_networking_subnet_v2';
    const cfg = obj({ network_id: net.id, cidr: '10.9.1.0/24' });
    const plan = p.planResourceChange({ type_name: t, prior_state: enc(t, null), proposed_new_state: enc(t, cfg), config: enc(t, cfg) });
    const planned = dec(t, plan.planned_state);
    expect(planned.id).toBe(UNKNOWN);
    expect(planned.gateway_ip).toBe(UNKNOWN);
    expect(planned.enable_dhcp).toBe(true); // the provider's Default, planned as helper/schema does
    expect(plan.legacy_type_system).toBe(true);
    expect(sub.gateway_ip).toBe('10.9.0.1');
    const port = create('openstack_networking_port_v2', { network_id: net.id, fixed_ip: [obj({ subnet_id: sub.id })] }).state!;
    expect(port.all_fixed_ips).toEqual([expect.stringMatching(/^10\.9\.0\.\d+$/)]);
    expect(port.mac_address).toMatch(/^fa:16:3e:/);
    // The same configuration applied again in a fresh cloud gets the same values.
    const again = new HarnessProvider(behaviours('3').openstack, new Cloud(path.join(dir, 'cloud2')));
    again.configureProvider(providerConfig(), CONTROLLER);
    const q = p;
    p = again;
    const net2 = create('openstack_networking_network_v2', { name: 'n' }).state!;
    p = q;
    expect(net2.id).toBe(net.id);
  });

  test("an instance goes to the project its configuration is scoped to, needs a role there, is bound by that project's quota, and uses only that project's ports", () => {
    const project = create('openstack_identity_project_v3', { name: 'site_slice' }).state!;
    create('openstack_compute_quotaset_v2', { project_id: project.id, instances: 1 });
    const flavor = create('openstack_compute_flavor_v2', { name: 'f', vcpus: 1, ram: 512, disk: 1 }).state!;
    const net = create('openstack_networking_network_v2', { name: 'n' }).state!;
    const sub = create('openstack_networking_subnet_v2', { network_id: net.id, cidr: '10.0.0.0/24' }).state!;
    const portOf = (tenant?: string) => create('openstack_networking_port_v2', { network_id: net.id, fixed_ip: [obj({ subnet_id: sub.id })], ...(tenant ? { tenant_id: tenant } : {}) }).state!;
    p.configureProvider(providerConfig({ tenant_id: project.id }), SLICE);
    const instance = (port: ValueObject) => create('openstack_compute_instance_v2', { name: 'vm', flavor_id: flavor.id, image_id: 'img', network: [obj({ port: port.id })] }, SLICE);

    expect(instance(portOf(String(project.id))).error).toMatch(/Authentication failed: .* no role/);
    const auth = p.readDataSource({ type_name: 'openstack_identity_auth_scope_v3', config: { msgpack: encodeValue(obj({ name: 'c' }), impliedType(schema.data_source_schemas.openstack_identity_auth_scope_v3.block)) } }, CONTROLLER);
    const user = (decodeValue(auth.state.msgpack, impliedType(schema.data_source_schemas.openstack_identity_auth_scope_v3.block)) as ValueObject).user_id;
    create('openstack_identity_role_assignment_v3', { user_id: user, project_id: project.id, role_id: 'member' });

    expect(instance(portOf()).error).toMatch(/not usable for instance .* belongs to project .* the instance is created in project/);
    const first = instance(portOf(String(project.id)));
    expect(first.error).toBeUndefined();
    expect(cloud.list('openstack', 'openstack_compute_instance_v2').find((o) => o.id === first.state!.id)!.scope.project).toBe(project.id);
    expect(first.state!.access_ip_v4).toMatch(/^10\.0\.0\./);
    expect(instance(portOf(String(project.id))).error).toMatch(/Quota exceeded for instances: Requested 1, but already used 1 of 1 instances/);
  });

  test("an object is written into a container of its configuration's project, which is not deleted while it holds one; an application credential is created only by a user, not by another", () => {
    const container = create('openstack_objectstorage_container_v1', { name: 'store' }).state!;
    expect(container.id).toBe('store');
    const project = create('openstack_identity_project_v3', { name: 'site_slice' }).state!;
    p.configureProvider(providerConfig({ tenant_id: project.id }), SLICE);
    const object = (peer: string) => create('openstack_objectstorage_object_v1', { container_name: 'store', name: 'instances/sub-1.json', content: '{}' }, peer);
    expect(object(SLICE).error).toMatch(/Container store not found in the object store of project .*Swift: 404/);
    const made = object(CONTROLLER);
    expect(made.state!.id).toBe('store/instances/sub-1.json');
    const t = 'openstack_objectstorage_container_v1';
    const del = p.applyResourceChange({ type_name: t, prior_state: enc(t, container), planned_state: enc(t, null), config: enc(t, null) }, CONTROLLER);
    expect(del.diagnostics[0].detail).toMatch(/container store: it is still in use by openstack_objectstorage_object_v1/);

    const reader = create('openstack_identity_application_credential_v3', { name: 'reader', unrestricted: false });
    expect(reader.error).toBeUndefined();
    expect(reader.state!.secret).toMatch(/^[0-9a-f]{64}$/);
    p.configureProvider(providerConfig({ user_name: null, password: null, application_credential_id: 'ac', application_credential_secret: 's' }), SLICE);
    expect(create('openstack_identity_application_credential_v3', { name: 'reader2' }, SLICE).error).toMatch(/restricted application credential is not allowed to create another/);
  });

  test('a replacement is planned for a force-new argument, an update in place otherwise', () => {
    const t = 'openstack_networking_subnet_v2';
    const net = create('openstack_networking_network_v2', { name: 'n' }).state!;
    const prior = create(t, { network_id: net.id, cidr: '10.1.0.0/24', name: 'a' }).state!;
    const plan = (change: Record<string, unknown>) => {
      const cfg = obj({ network_id: net.id, cidr: '10.1.0.0/24', name: 'a', ...change });
      const proposed = { ...toPlain(prior) as object, ...change };
      return p.planResourceChange({ type_name: t, prior_state: enc(t, prior), proposed_new_state: enc(t, obj(proposed)), config: enc(t, cfg) }).requires_replace;
    };
    expect(plan({ name: 'b' })).toEqual([]);
    expect(plan({ cidr: '10.2.0.0/24' })).toEqual([{ steps: [{ attribute_name: 'cidr' }] }]);
  });

  test('reads an object as the cloud has it: changed or deleted outside Terraform by a drift rule, once', () => {
    const t = 'openstack_networking_network_v2';
    const net = create(t, { name: 'n', description: 'as declared' }).state!;
    const read = () => {
      const r = p.readResource({ type_name: t, current_state: enc(t, net) }, CONTROLLER);
      return decodeValue(r.new_state.msgpack, impliedType(block(t))) as ValueObject | null;
    };
    cloud.addDrift({ type: t, where: { name: 'n' }, set: { description: 'changed by hand' } });
    expect(read()!.description).toBe('changed by hand');
    cloud.addDrift({ type: t, id: String(net.id), delete: true });
    expect(read()).toBeNull();
    expect(cloud.events().filter((e) => e.event === 'drift')).toHaveLength(2);
  });

  test('imports an object the cloud has, and refuses one it has not', () => {
    const t = 'openstack_identity_project_v3';
    const made = create(t, { name: 'p' }).state!;
    const got = p.importResourceState({ type_name: t, id: made.id }, CONTROLLER);
    expect((decodeValue(got.imported_resources[0].state.msgpack, impliedType(block(t))) as ValueObject).name).toBe('p');
    expect(p.importResourceState({ type_name: t, id: 'nope' }, CONTROLLER).diagnostics[0].summary).toBe('Cannot import non-existent remote object');
  });

  test('refuses to delete what is still in use', () => {
    const net = create('openstack_networking_network_v2', { name: 'n' }).state!;
    create('openstack_networking_subnet_v2', { network_id: net.id, cidr: '10.3.0.0/24' });
    const t = 'openstack_networking_network_v2';
    const r = p.applyResourceChange({ type_name: t, prior_state: enc(t, net), planned_state: enc(t, null), config: enc(t, null) }, CONTROLLER);
    expect(r.diagnostics[0].detail).toMatch(/still in use by openstack_networking_subnet_v2/);
  });
});

test('the plugin certificate is what go-plugin clients accept: a self-signed CA for localhost, for server and client authentication', () => {
  const c = pluginCertificate();
  const x = new X509Certificate(c.certPem);
  expect(x.ca).toBe(true);
  expect(x.subjectAltName).toBe('DNS:localhost');
  expect(x.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
  expect(x.verify(x.publicKey)).toBe(true);
  expect(Buffer.from(c.handshake, 'base64').equals(x.raw)).toBe(true);
  expect(c.handshake).not.toMatch(/=$/);
});

test('the aws schema is fresh: scripts/aws-schema.ts makes lib/synth/aws/schema.json from the installed @cdktf/provider-aws', () => {
  expect(generateAwsSchema()).toBe(fs.readFileSync(AWS_SCHEMA_FILE, 'utf8'));
  const s = JSON.parse(fs.readFileSync(AWS_SCHEMA_FILE, 'utf8'));
  expect(s.resource_schemas.aws_iam_access_key.block.attributes.secret).toMatchObject({ computed: true, sensitive: true });
  expect(s.resource_schemas.aws_s3_bucket.block.attributes.bucket).toMatchObject({ optional: true, computed: true });
  expect(s.resource_schemas.aws_instance.block.block_types.root_block_device).toMatchObject({ nesting_mode: 'list', max_items: 1 });
});
