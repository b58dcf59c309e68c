/**
 * The vendored OpenStack schema, the bindings generated from it, and the checker that
 * validates synthesized stacks against it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import { camel, className, generateAll, OUT_DIR, readSchema, staleFiles } from '../../scripts/gen-openstack';
import { RESOURCES, DATA_SOURCES } from '../../scripts/vendor-openstack-schema';
import { checkOpenstackStack, elementFits } from '../../lib/synth/openstack/check';
import * as bindings from '../../lib/synth/openstack/generated';
import { synthesizeAtomically } from '../../lib/synth/output';
import { renderLayout } from '../../lib/synth/targets';
import { buildSpec, cloudSpec, compileClean } from './helpers';
import { computedOnly, OPENSTACK_SCHEMA, type TfBlock, type TfType } from '../../lib/synth/openstack/provider-schema';

/** A sample value for each Terraform type. */
function sample(t: TfType, name: string): unknown {
  if (t === 'string') return `v-${name}`;
  if (t === 'number') return 7;
  if (t === 'bool') return true;
  if (Array.isArray(t) && (t[0] === 'list' || t[0] === 'set')) return [sample(t[1] as TfType, name)];
  if (Array.isArray(t) && t[0] === 'map') return { k: sample(t[1] as TfType, name) };
  if (Array.isArray(t) && t[0] === 'object') return Object.fromEntries(Object.entries(t[1] as Record<string, TfType>).map(([k, v]) => [k, sample(v, k)]));
  throw new Error(`no sample for ${JSON.stringify(t)}`);
}

/** Plain arguments (camelCase) setting every argument and nested block of a block once. */
function args(b: TfBlock, top: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [n, a] of Object.entries(b.attributes ?? {})) if ((a.required || a.optional) && !(top && n === 'id')) out[camel(n)] = sample(a.type, n);
  for (const [n, nb] of Object.entries(b.block_types ?? {})) {
    const inner = args(nb.block, false);
    out[camel(n)] = nb.nesting_mode === 'list' || nb.nesting_mode === 'set' ? [inner] : nb.nesting_mode === 'map' ? { k: inner } : inner;
  }
  return out;
}

describe('vendored schema and generated bindings', () => {
  test('the committed bindings are exactly what the generator makes from the vendored schema', () => {
    expect(staleFiles(readSchema())).toEqual([]);
  });

  test('the freshness check notices an edited binding', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-gen-'));
    for (const [f, text] of generateAll(readSchema())) fs.writeFileSync(path.join(dir, f), text);
    expect(staleFiles(readSchema(), dir)).toEqual([]);
    fs.appendFileSync(path.join(dir, 'compute-instance-v2.ts'), '// hand edit\n');
    fs.writeFileSync(path.join(dir, 'extra.ts'), '');
    expect(staleFiles(readSchema(), dir)).toEqual(['compute-instance-v2.ts', 'extra.ts']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the vendored schema holds every type the target uses, with its provenance', () => {
    expect(Object.keys(OPENSTACK_SCHEMA.resource_schemas).sort()).toEqual([...RESOURCES].sort());
    expect(Object.keys(OPENSTACK_SCHEMA.data_source_schemas).sort()).toEqual([...DATA_SOURCES].sort());
    expect((OPENSTACK_SCHEMA as unknown as { '//': { source: string } })['//'].source).toContain('02aad3addceddc89e0f0b76e8c31fec04fb8e0e4');
    expect(fs.readdirSync(OUT_DIR).filter((f) => f !== 'index.ts' && f !== 'provider.ts')).toHaveLength(RESOURCES.length + DATA_SOURCES.length);
  });

  test('a generated binding writes each argument under its schema name, and reads computed attributes as references', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'xos-gen-')) });
    const stack = new TerraformStack(app, 's');
    const net = new bindings.NetworkingNetworkV2(stack, 'n', { name: 'lan', adminStateUp: true, valueSpecs: { a: 'b' } });
    const port = new bindings.NetworkingPortV2(stack, 'p', { networkId: net.id, fixedIp: [{ subnetId: 'sub', ipAddress: '10.0.0.5' }], securityGroupIds: ['g'] });
    const tf = stack.toTerraform();
    expect(tf.resource.openstack_networking_network_v2.n).toMatchObject({ name: 'lan', admin_state_up: true, value_specs: { a: 'b' } });
    expect(tf.resource.openstack_networking_port_v2.p).toMatchObject({ network_id: '${openstack_networking_network_v2.n.id}', fixed_ip: [{ subnet_id: 'sub', ip_address: '10.0.0.5' }], security_group_ids: ['g'] });
    expect(port.macAddress).toMatch(/TfToken/);
    expect(checkOpenstackStack(tf)).toEqual([]);
  });

  test('the plain binding of every type writes every argument exactly as its construct class does', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'xos-gen-')) });
    const stack = new TerraformStack(app, 's');
    const want: [string, string, Record<string, unknown>, Record<string, unknown>][] = [];
    for (const [mode, schemas] of [['resource', OPENSTACK_SCHEMA.resource_schemas], ['data', OPENSTACK_SCHEMA.data_source_schemas]] as const) {
      for (const [type, s] of Object.entries(schemas)) {
        const cls = className(type, mode === 'data');
        const a = args(s.block, true);
        new (bindings as unknown as Record<string, new (sc: TerraformStack, id: string, c: object) => { overrideLogicalId(id: string): void }>)[cls](stack, `${mode}-${type}`, { ...a }).overrideLogicalId('x');
        const plain = (bindings as unknown as Record<string, { type: string; mode: string; toTerraform(a: object): Record<string, unknown> }>)[cls.charAt(0).toLowerCase() + cls.slice(1)];
        expect([plain.type, plain.mode]).toEqual([type, mode]);
        want.push([mode, type, a, plain.toTerraform(a)]);
      }
    }
    const tf = stack.toTerraform();
    for (const [mode, type, a, plain] of want) {
      const { ['//']: _meta, ...fromClass } = tf[mode][type].x;
      expect({ type, json: plain }).toEqual({ type, json: fromClass });
      expect(Object.keys(plain).length).toBeGreaterThanOrEqual(Object.keys(a).length);
    }
    expect(checkOpenstackStack({ resource: Object.fromEntries(want.filter((w) => w[0] === 'resource').map(([, type, , json]) => [type, { x: json }])) })).toEqual([]);
  });

  test('a plain binding refers to attributes of resources and data sources by expression', () => {
    expect(bindings.networkingPortV2.ref('p', 'mac_address')).toBe('${openstack_networking_port_v2.p.mac_address}');
    expect(bindings.dataImagesImageV2.ref('img', 'id')).toBe('${data.openstack_images_image_v2.img.id}');
    expect(bindings.networkingPortV2.toTerraform({ networkId: '${x.y.id}', adminStateUp: '${var.up}', fixedIp: [{ subnetId: 's' }] })).toEqual({ network_id: '${x.y.id}', admin_state_up: '${var.up}', fixed_ip: [{ subnet_id: 's' }] });
  });

  test('computed-only attributes are known per type, for status not to call them drift', () => {
    expect(computedOnly('openstack_compute_instance_v2')).toEqual(expect.arrayContaining(['all_metadata', 'all_tags', 'created', 'updated']));
    expect(computedOnly('openstack_compute_instance_v2')).not.toContain('name');
    expect(computedOnly('openstack_networking_port_v2')).toEqual(expect.arrayContaining(['all_fixed_ips', 'all_security_group_ids']));
  });
});

describe('the OpenStack schema checker', () => {
  const stack = (resource: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ resource, ...extra });

  test('accepts a valid instance, with expressions standing for values of any type', () => {
    const tf = stack({ openstack_compute_instance_v2: { vm: { name: 'vm', flavor_id: '${openstack_compute_flavor_v2.f.id}', config_drive: '${var.cd}', network: [{ port: '${openstack_networking_port_v2.p.id}' }], metadata: { a: 'b' } } } });
    expect(checkOpenstackStack(tf)).toEqual([]);
  });

  test('reports a missing required argument', () => {
    expect(checkOpenstackStack(stack({ openstack_networking_subnet_v2: { s: { cidr: '10.0.0.0/24' } } }))).toEqual([
      { address: 'openstack_networking_subnet_v2.s', path: '', message: "missing required argument 'network_id'" },
    ]);
  });

  test('reports an unknown argument, and a computed one that cannot be set', () => {
    const problems = checkOpenstackStack(stack({ openstack_networking_port_v2: { p: { network_id: 'n', color: 'blue', mac: 'x', all_fixed_ips: ['1.2.3.4'] } } }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { address: 'openstack_networking_port_v2.p', path: '', message: "unknown argument 'color'" },
        { address: 'openstack_networking_port_v2.p', path: '', message: "'all_fixed_ips' is computed by the provider and cannot be set" },
      ]),
    );
  });

  test('reports wrong types, in nested blocks too', () => {
    const problems = checkOpenstackStack(stack({ openstack_compute_instance_v2: { vm: { name: 'vm', config_drive: 'yes', network: [{ port: 7 }], tags: 'a' } } }));
    expect(problems.map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      'config_drive: must be a bool (or a ${...} expression), got "yes"',
      'network/0/port: must be a string (or a ${...} expression), got 7',
      'tags: must be a set(string) (or a ${...} expression), got "a"',
    ]);
  });

  test('reports a block given more often than the schema allows', () => {
    const problems = checkOpenstackStack(stack({ openstack_networking_port_v2: { p: { network_id: 'n', binding: [{ vnic_type: 'normal' }, { vnic_type: 'direct' }] } } }));
    expect(problems).toEqual([{ address: 'openstack_networking_port_v2.p', path: 'binding', message: 'must NOT have more than 1 items (got 2)' }]);
  });

  test('reports a type that is not in the vendored schema, and checks data sources and the provider block', () => {
    const tf = stack(
      { openstack_lb_pool_v2: { p: {} } },
      { data: { openstack_images_image_v2: { i: { name: 'x', most_recent: 'no' } } }, provider: { openstack: [{ alias: 'a', auth_url: 'u', passwrd: 'x' }] } },
    );
    expect(checkOpenstackStack(tf)).toEqual([
      { address: 'openstack_lb_pool_v2.p', path: '', message: "the vendored OpenStack schema has no resource type 'openstack_lb_pool_v2'" },
      { address: 'data.openstack_images_image_v2.i', path: 'most_recent', message: 'must be a bool (or a ${...} expression), got "no"' },
      { address: 'provider.openstack[0]', path: '', message: "unknown argument 'passwrd'" },
    ]);
  });

  test('the fast check and ajv agree on every element, valid or broken at random', () => {
    const types = [
      ...Object.keys(OPENSTACK_SCHEMA.resource_schemas).map((t) => ['resource', t] as const),
      ...Object.keys(OPENSTACK_SCHEMA.data_source_schemas).map((t) => ['data', t] as const),
      ['provider', ''] as const,
    ];
    const blockOf = (mode: string, type: string): TfBlock =>
      mode === 'provider' ? OPENSTACK_SCHEMA.provider.block : (mode === 'data' ? OPENSTACK_SCHEMA.data_source_schemas : OPENSTACK_SCHEMA.resource_schemas)[type].block;
    /** Terraform JSON with every argument set: the plain converter of the type, or the provider's names. */
    const full = (mode: string, type: string): Record<string, unknown> => {
      if (mode === 'provider') return Object.fromEntries(Object.entries(blockOf(mode, type).attributes ?? {}).filter(([, a]) => a.optional || a.required).map(([n, a]) => [n, sample(a.type, n)]));
      const cls = className(type, mode === 'data');
      return (bindings as unknown as Record<string, { toTerraform(a: object): Record<string, unknown> }>)[cls.charAt(0).toLowerCase() + cls.slice(1)].toTerraform(args(blockOf(mode, type), true));
    };
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('${a.b.id}', '${var.x}', '$${x}', 'x${a}', 'plain', ''),
      fc.constantFrom(7, -1, 0.5, true, false, null, [], {}, [{}], { a: 1 }, ['s'], [7], { k: 's' }, Infinity),
    );
    const op = fc.record({ path: fc.array(fc.nat(), { maxLength: 4 }), kind: fc.constantFrom('delete', 'set', 'add', 'dup', 'keep'), value });
    type Op = { path: number[]; kind: string; value: unknown };
    /** Keys an `add` sets: unknown ones, and the meta-arguments each element may carry. */
    const ADDED = ['extra', 'provider', 'count', 'depends_on', '//', 'lifecycle', 'connection', 'provisioner', 'for_each', 'alias'];
    const apply = (root: unknown, o: Op): unknown => {
      if (o.kind === 'keep') return root;
      const copy = JSON.parse(JSON.stringify(root, (_, v) => (v === Infinity ? '__inf__' : v)), (_, v) => (v === '__inf__' ? Infinity : v));
      // Every object and list in the element, the element first; pick one, then a key in it.
      const nodes: (Record<string, unknown> | unknown[])[] = [];
      const walk = (v: unknown): void => {
        if (!v || typeof v !== 'object') return;
        nodes.push(v as Record<string, unknown>);
        Object.values(v).forEach(walk);
      };
      walk(copy);
      const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[(o.path[i] ?? 0) % xs.length] : undefined);
      if (o.kind === 'dup') {
        // One item more in some list: one block more than max_items allows, say.
        const list = pick(nodes.filter((n): n is unknown[] => Array.isArray(n) && n.length > 0), 0);
        list?.push(JSON.parse(JSON.stringify(list[0])));
        return copy;
      }
      const node = pick(nodes, 0);
      if (!node) return o.kind === 'set' ? o.value : copy;
      const k = pick(Object.keys(node), 1);
      if (Array.isArray(node)) {
        if (o.kind === 'delete' && k !== undefined) node.splice(Number(k), 1);
        else if (o.kind === 'add') node.push(o.value);
        else if (k !== undefined) node[Number(k)] = o.value;
      } else if (o.kind === 'delete' && k !== undefined) delete node[k];
      else if (o.kind === 'add') node[ADDED[o.path.reduce((a, b) => a + b, 0) % ADDED.length]] = o.value;
      else if (k !== undefined) node[k] = o.value;
      return copy;
    };
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.boolean(), fc.array(op, { maxLength: 3 }), ([mode, type], minimal, ops) => {
        let body: unknown = full(mode, type);
        if (minimal) body = Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => blockOf(mode, type).attributes?.[k]?.required));
        for (const o of ops) body = apply(body, o as Op);
        expect({ body, fast: elementFits(mode, type, body) }).toEqual({ body, fast: elementFits(mode, type, body, { ajv: true }) });
      }),
      { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 15) * 40 },
    );
    // Both kinds of verdict happen.
    expect(elementFits('resource', 'openstack_networking_port_v2', full('resource', 'openstack_networking_port_v2'))).toBe(true);
    expect(elementFits('resource', 'openstack_networking_port_v2', { network_id: 7 })).toBe(false);
  });
});

describe('the check as stacks are written', () => {
  test('every OpenStack stack is checked as it is written: an element the schema rejects fails the synthesis, named with its problem, and nothing is written', () => {
    const spec = fc.sample(cloudSpec('openstack'), { seed: 7, numRuns: 1 })[0];
    const compiled = compileClean(buildSpec(spec).cloud);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-check-'));
    const good = synthesizeAtomically(compiled, { outdir: path.join(dir, 'good'), target: 'auto' });
    expect(good.stacks.length).toBeGreaterThan(0);
    expect(good.stacks.every((s) => s.target === 'openstack')).toBe(true);
    // The same layout, with one project's `enabled` broken as the target might break it.
    const last = good.stacks[good.stacks.length - 1].name;
    const tf = JSON.parse(fs.readFileSync(path.join(dir, 'good', 'stacks', last, 'cdk.tf.json'), 'utf8'));
    const name = Object.keys(tf.resource.openstack_identity_project_v3)[0];
    const app = new App({ outdir: path.join(dir, 'bad'), stackTraces: false, skipValidation: true });
    const { constructs } = renderLayout(app, compiled.layout, 'auto');
    constructs.get(last)!.addRawResource('openstack_identity_project_v3', `${name}_copy`, { ...tf.resource.openstack_identity_project_v3[name], enabled: 'yes' });
    expect(() => app.synth()).toThrow(`${last}: openstack_identity_project_v3.${name}_copy enabled: must be a bool (or a \${...} expression), got "yes"`);
    expect(fs.existsSync(path.join(dir, 'bad', 'stacks', last, 'cdk.tf.json')) && fs.readFileSync(path.join(dir, 'bad', 'stacks', last, 'cdk.tf.json'), 'utf8').includes(`${name}_copy`)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
