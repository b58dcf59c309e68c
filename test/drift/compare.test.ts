import * as path from 'path';
import * as fs from 'fs';
import { compareResource, LOCAL_SCHEMA, schemaFromProviderSchema, showValue, targetSchema, type AttrDiff } from '../../lib/drift/index';
import { readStateText, type StateInstance, type StateSnapshot } from '../../lib/state/index';
import type { DeclaredResource } from '../../lib/synth/declared';

/** A raw state of terraform_data resources, as Terraform 1.11 writes it. */
function localState(resources: { name: string; input: unknown; id?: string; triggers?: unknown; sensitive?: string[][] }[]): StateSnapshot {
  const doc = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: 'test',
    outputs: {},
    resources: resources.map((r) => ({
      mode: 'managed',
      type: 'terraform_data',
      name: r.name,
      provider: 'provider["terraform.io/builtin/terraform"]',
      instances: [
        {
          schema_version: 0,
          attributes: { id: r.id ?? `id-${r.name}`, input: { value: r.input, type: 'dynamic' }, output: { value: r.input, type: 'dynamic' }, triggers_replace: r.triggers === undefined ? null : { value: r.triggers, type: 'dynamic' } },
          sensitive_attributes: (r.sensitive ?? []).map((p) => p.map((value) => ({ type: 'get_attr', value }))),
        },
      ],
    })),
  };
  return readStateText(JSON.stringify(doc), 'test.tfstate');
}

function declared(name: string, input: Record<string, unknown>, sensitive: string[] = []): DeclaredResource {
  return { address: `terraform_data.${name}`, type: 'terraform_data', name, model: name, kind: 'site', attrs: { input }, sensitive };
}

function diff(d: DeclaredResource, state: StateSnapshot): AttrDiff[] {
  const byAddress = new Map(state.instances.map((i) => [i.address, i]));
  const inst = byAddress.get(d.address) as StateInstance;
  return compareResource(d, inst, LOCAL_SCHEMA, (a) => byAddress.get(a)?.attributes);
}

const lines = (ds: AttrDiff[]) => ds.map((d) => `${d.path}: ${showValue(d.declared)} -> ${showValue(d.actual)}`);

describe('comparing a declared resource with its state', () => {
  test('finds nothing when the state holds what the model declares, references resolved', () => {
    const s = localState([
      { name: 'site', input: { name: 'co1' }, id: 'uuid-site' },
      { name: 'slice', input: { name: 'volt', site_id: 'uuid-site', ports: ['tcp/80'] } },
    ]);
    expect(diff(declared('slice', { name: 'volt', site_id: '${terraform_data.site.id}', ports: ['tcp/80'] }), s)).toEqual([]);
  });

  test('names each differing leaf with the declared and the actual value', () => {
    const s = localState([{ name: 'flavor', input: { name: 'm1.large', ram_mb: 8192, sites: ['a', 'b'] } }]);
    const d = diff(declared('flavor', { name: 'm1.large', ram_mb: 16384, sites: ['a', 'c'] }), s);
    expect(lines(d)).toEqual(['input.ram_mb: 16384 -> 8192', 'input.sites[1]: "c" -> "b"']);
  });

  test('says a value is unset on either side, and compares lists of other lengths whole', () => {
    const s = localState([{ name: 'x', input: { old: 'gone', keys: ['a'] } }]);
    const d = diff(declared('x', { fresh: 'new', keys: ['a', 'b'] }), s);
    expect(lines(d).sort()).toEqual(['input.fresh: "new" -> (unset)', 'input.keys: ["a","b"] -> ["a"]', 'input.old: (unset) -> "gone"']);
  });

  test('a reference to another resource compares with that resource\'s id, and says where it comes from', () => {
    const s = localState([
      { name: 'site', input: {}, id: 'uuid-new' },
      { name: 'node', input: { site_id: 'uuid-old' } },
    ]);
    const d = diff(declared('node', { site_id: '${terraform_data.site.id}' }), s);
    expect(lines(d)).toEqual(['input.site_id: "uuid-new" -> "uuid-old"']);
    expect(d[0].via).toBe('terraform_data.site.id');
  });

  test('a reference to a resource missing from state cannot match, and says why', () => {
    const s = localState([{ name: 'grant', input: { user_id: 'uuid-dave' } }]);
    const d = diff(declared('grant', { user_id: '${terraform_data.user_dave.id}' }), s);
    expect(lines(d)).toEqual(['input.user_id: (terraform_data.user_dave.id, not in state) -> "uuid-dave"']);
  });

  test('never compares a secret (its value is not in the model) and never shows one', () => {
    const s = localState([{ name: 'c', input: { name: 'c', secrets: { password: 'hunter2-real' } }, sensitive: [['input', 'secrets', 'password']] }]);
    expect(diff(declared('c', { name: 'c', secrets: { password: '${var.OS_PASSWORD}' } }, ['input.secrets']), s)).toEqual([]);
    // The model drops the credential: the state still holds it, masked.
    const d = diff(declared('c', { name: 'c' }), s);
    expect(lines(d)).toEqual(['input.secrets: (unset) -> (sensitive)']);
    expect(JSON.stringify(d)).not.toContain('hunter2');
  });

  test('masks what the target declares sensitive even where the state does not mark it', () => {
    const s = localState([{ name: 'c', input: { secrets: { token: 'plain-in-state' } } }]);
    const d = diff(declared('c', { secrets: { token: 'other' } }, ['input.secrets']), s);
    expect(lines(d)).toEqual(['input.secrets.token: (sensitive) -> (sensitive)']);
    expect(JSON.stringify(d)).not.toContain('plain-in-state');
  });

  test('masks a whole value that holds a sensitive one', () => {
    const s = localState([{ name: 'c', input: { secrets: 'flat' }, sensitive: [['input', 'secrets']] }]);
    const d = diff(declared('c', { secrets: { a: 'x' } }), s);
    expect(lines(d)).toEqual(['input.secrets: (sensitive) -> (sensitive)']);
  });

  test('computed attributes the model does not set are not drift; other set attributes are', () => {
    const s = localState([{ name: 'x', input: { a: 1 }, triggers: ['t'] }]);
    // id and output are computed by terraform_data; triggers_replace is not.
    expect(lines(diff(declared('x', { a: 1 }), s))).toEqual(['triggers_replace: (unset) -> ["t"]']);
    const t = localState([{ name: 'x', input: { a: 1 } }]);
    expect(diff(declared('x', { a: 1 }), t)).toEqual([]);
  });
});

describe('provider schemas', () => {
  const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'lib', 'synth', 'openstack', 'schema.json'), 'utf8'));

  test('an optional and computed attribute counts as computed; a required one does not', () => {
    const s = schemaFromProviderSchema(schema);
    const net = s.computed('openstack_networking_network_v2')!;
    const attrs = schema.resource_schemas.openstack_networking_network_v2.block.attributes;
    for (const [name, a] of Object.entries(attrs) as [string, { computed?: boolean }][]) expect(net.has(name)).toBe(a.computed === true);
    expect(net.has('id')).toBe(true);
    expect(net.has('name')).toBe(attrs.name.computed === true);
    expect(s.computed('no_such_type')).toBeUndefined();
  });

  test('reads the whole terraform providers schema -json output as well as one provider\'s part', () => {
    const whole = schemaFromProviderSchema({ format_version: '1.0', provider_schemas: { 'registry.terraform.io/terraform-provider-openstack/openstack': schema } });
    const part = schemaFromProviderSchema(schema);
    expect([...whole.computed('openstack_compute_instance_v2')!].sort()).toEqual([...part.computed('openstack_compute_instance_v2')!].sort());
  });

  test('set attributes compare without order, lists with it', () => {
    const s = schemaFromProviderSchema(schema);
    const sets = s.sets!('openstack_networking_port_v2')!;
    expect(sets.has('security_group_ids')).toBe(schema.resource_schemas.openstack_networking_port_v2.block.attributes.security_group_ids.type[0] === 'set');
    const state = readStateText(
      JSON.stringify({
        version: 4,
        resources: [{ mode: 'managed', type: 'openstack_networking_port_v2', name: 'p', provider: 'provider["registry.terraform.io/terraform-provider-openstack/openstack"]', instances: [{ attributes: { id: 'x', name: 'p', security_group_ids: ['b', 'a'], mac_address: 'fa:16:3e:00:00:01', description: '' } }] }],
      }),
      'os.tfstate',
    );
    const d: DeclaredResource = { address: 'openstack_networking_port_v2.p', type: 'openstack_networking_port_v2', name: 'p', model: 'p', kind: 'port', attrs: { name: 'p', security_group_ids: ['a', 'b'] }, sensitive: [] };
    // mac_address is computed, description an empty (never set) value: neither is drift.
    expect(compareResource(d, state.instances[0], s, () => undefined)).toEqual([]);
    expect(compareResource({ ...d, attrs: { name: 'p', security_group_ids: ['a', 'c'] } }, state.instances[0], s, () => undefined).map((x) => x.path)).toEqual(['security_group_ids']);
  });

  test("a set of blocks compares without the members the provider computes in them (an access rule's id), and still finds a changed element", () => {
    const s = targetSchema('openstack');
    const t = 'openstack_identity_application_credential_v3';
    const rule = (method: string, id?: string) => ({ ...(id !== undefined ? { id } : {}), method, path: '/v1/*/store/**', service: 'object-store' });
    const state = (rules: object[]) =>
      readStateText(JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: t, name: 'r', provider: 'provider["registry.terraform.io/terraform-provider-openstack/openstack"]', instances: [{ attributes: { id: 'x', name: 'r', unrestricted: false, secret: 's', access_rules: rules } }] }] }), 's').instances[0];
    const d: DeclaredResource = { address: `${t}.r`, type: t, name: 'r', model: 'svc', kind: 'store', attrs: { name: 'r', unrestricted: false, access_rules: [rule('GET'), rule('HEAD')] }, sensitive: [] };
    expect(compareResource(d, state([rule('HEAD', 'b1'), rule('GET', 'a0')]), s, () => undefined)).toEqual([]);
    expect(compareResource(d, state([rule('GET', ''), rule('HEAD', '')]), s, () => undefined)).toEqual([]);
    expect(compareResource(d, state([rule('GET', 'a0'), rule('PUT', 'b1')]), s, () => undefined).map((x) => x.path)).toEqual(['access_rules']);
  });

  test('the openstack target uses its vendored provider schema without registering one', () => {
    expect(targetSchema('openstack').computed('openstack_networking_network_v2')?.has('id')).toBe(true);
    expect(targetSchema('local').computed('terraform_data')).toEqual(new Set(['id', 'output']));
  });

  test('a type no schema knows compares only the attributes the model sets', () => {
    const state = readStateText(JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: 'x_thing', name: 'a', provider: 'provider.x', instances: [{ attributes: { name: 'a', extra: 'set-out-of-band' } }] }] }), 's');
    const d: DeclaredResource = { address: 'x_thing.a', type: 'x_thing', name: 'a', model: 'a', kind: 'site', attrs: { name: 'a' }, sensitive: [] };
    expect(compareResource(d, state.instances[0], LOCAL_SCHEMA, () => undefined)).toEqual([]);
  });
});
