import { Controller, Secret, Service } from '../../lib/index';
import * as fs from 'fs';
import * as path from 'path';
import { baseCloud, compile, violationsOf } from '../helpers/cloud';
import { tmpDir, xos } from '../helpers/tools';

function twoServices() {
  const b = baseCloud();
  const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
  s2.grant(b.admin, 'admin');
  const tenant = new Service(b.cloud, 'web', { slices: [b.slice] });
  const provider = new Service(b.cloud, 'db', { slices: [s2], ports: [5432] });
  b.slice.addSliver('w1', { deployment: b.dep });
  s2.addSliver('d1', { deployment: b.dep });
  return { ...b, s2, tenant, provider };
}

/** A Slice of its own for one more Service: a Slice implements one Service. */
function anotherSlice(t: ReturnType<typeof twoServices>, id: string) {
  const s = t.site.addSlice(id, { image: t.image, flavor: t.flavor });
  s.grant(t.admin, 'admin');
  s.addSliver(`${id}-1`, { deployment: t.dep });
  return s;
}

describe('TEN-001 a tenancy binds two declared, different Services', () => {
  test('passes for two declared Services', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.provider, { connect: 'public' });
    expect(violationsOf(t.cloud, 'TEN-001')).toEqual([]);
  });

  test('fails for a Service that is its own tenant', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.tenant, { connect: 'public' });
    expect(violationsOf(t.cloud, 'TEN-001').map((v) => v.message)).toEqual(["Service 'web' is declared a tenant of itself. A tenancy binds two different Services."]);
  });
});

describe('TEN-002 the tenancy graph has no cycle', () => {
  test('passes for a chain', () => {
    const t = twoServices();
    const cache = new Service(t.cloud, 'cache', { controller: new Controller(t.cloud, 'ext', { backend: 'external' }) });
    t.tenant.tenantOf(t.provider, { connect: 'public' });
    t.provider.tenantOf(cache, { connect: 'public' });
    expect(violationsOf(t.cloud, 'TEN-002')).toEqual([]);
  });

  test('fails naming the whole cycle', () => {
    const t = twoServices();
    const c = new Service(t.cloud, 'cache', { slices: [anotherSlice(t, 'cs')] });
    t.tenant.tenantOf(t.provider, { connect: 'public' });
    t.provider.tenantOf(c, { connect: 'public' });
    c.tenantOf(t.tenant, { connect: 'public' });
    expect(violationsOf(t.cloud, 'TEN-002').map((v) => [v.path, v.message])).toEqual([
      ['cache/tenant-of-web', 'the tenancy graph has a cycle: cache -> web -> db -> cache. Remove one of these tenancies. This tenancy (cache -> web), declared last, closed it.'],
    ]);
  });

  test('points at the tenantOf that closed the cycle, wherever the cycle starts', () => {
    const t = twoServices();
    const c = new Service(t.cloud, 'cache', { slices: [anotherSlice(t, 'cs')] });
    c.tenantOf(t.tenant, { connect: 'public' });
    t.provider.tenantOf(c, { connect: 'public' });
    t.tenant.tenantOf(t.provider, { connect: 'public' });
    const [v] = violationsOf(t.cloud, 'TEN-002');
    expect(v.message).toMatch(/This tenancy \(web -> db\), declared last, closed it\.$/);
    expect(v.source).toMatch(/ten\.test\.ts:\d+$/);
  });
});

describe('TEN-003 connect modes and what they need', () => {
  test('passes for a private connect between two Services with Slices', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.provider, { connect: 'interconnect-private' });
    expect(violationsOf(t.cloud, 'TEN-003')).toEqual([]);
  });

  test('fails for an unknown connect mode', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.provider, { connect: 'vpn' as never });
    expect(violationsOf(t.cloud, 'TEN-003')[0].message).toBe("connect 'vpn' is not one of public, shared-private, interconnect-private, none.");
  });

  test('passes for a control-plane-only tenancy of an abstract Service', () => {
    const t = twoServices();
    const residential = new Service(t.cloud, 'residential', { abstract: true });
    residential.tenantOf(t.provider, { connect: 'none' });
    t.tenant.tenantOf(residential, { connect: 'none' });
    expect(violationsOf(t.cloud, 'TEN-003')).toEqual([]);
    expect(violationsOf(t.cloud, 'TEN-006')).toEqual([]);
  });

  test('fails for a data-plane connect to or from an abstract Service', () => {
    const t = twoServices();
    const residential = new Service(t.cloud, 'residential', { abstract: true });
    residential.tenantOf(t.provider, { connect: 'public' });
    t.tenant.tenantOf(residential, { connect: 'shared-private' });
    expect(violationsOf(t.cloud, 'TEN-003').map((v) => v.message)).toEqual([
      "connect 'public' needs a data-plane path, but the tenant Service 'residential' is abstract (no Slice, no Controller: nothing to connect to). Use connect 'none', a control-plane-only tenancy.",
      "connect 'shared-private' needs a data-plane path, but the provider Service 'residential' is abstract (no Slice, no Controller: nothing to connect to). Use connect 'none', a control-plane-only tenancy.",
    ]);
  });

  test('connect none makes no network, security rule or public endpoint, and still pushes attributes and credentials', () => {
    const t = twoServices();
    const s3 = t.site.addSlice('s3', { image: t.image, flavor: t.flavor });
    s3.grant(t.admin, 'admin');
    s3.addSliver('v1', { deployment: t.dep });
    const db = new Service(t.cloud, 'vault', { slices: [s3], ports: [8200], credentials: { token: Secret.env('VAULT_TOKEN') } });
    const ten = t.tenant.tenantOf(db, { connect: 'none', attributes: { path: 'kv/web' } });
    const c = compile(t.cloud);
    expect(c.violations.filter((v) => !v.acknowledged && v.severity === 'error')).toEqual([]);
    expect(c.built.model.networks.filter((n) => n.derivedFrom === ten.key)).toEqual([]);
    const kinds = c.layout.stacks[0].resources.filter((r) => r.model === ten.key || r.model === db.key).map((r) => r.kind);
    expect(kinds).not.toContain('secgroup');
    expect(kinds).not.toContain('secrule');
    expect(kinds).not.toContain('gateway');
    expect(kinds).not.toContain('endpoint');
    const sliver = c.layout.stacks[0].resources.find((r) => r.kind === 'sliver' && r.model === 'site1/s1/w1')!;
    expect((sliver.attrs.user_data as { tenant_of: unknown }).tenant_of).toEqual({ vault: { connect: 'none', attributes: { path: 'kv/web' } } });
    expect(sliver.secrets).toEqual({ provider_vault_token: 'VAULT_TOKEN' });
  });

  test('fails for a private connect to an external Service', () => {
    const t = twoServices();
    const s3 = new Service(t.cloud, 'S3', { controller: new Controller(t.cloud, 's3', { backend: 's3' }) });
    t.tenant.tenantOf(s3, { connect: 'shared-private' });
    expect(violationsOf(t.cloud, 'TEN-003')[0].message).toContain('(it is an external Service, reachable only public)');
  });
});

describe('TEN-004 attributes match the provider\'s tenant schema', () => {
  const schema = { type: 'object', required: ['vlan'], properties: { vlan: { type: 'integer', maximum: 4094 } }, additionalProperties: false };

  test('passes for valid attributes', () => {
    const t = twoServices();
    const p = new Service(t.cloud, 'volt', { slices: [anotherSlice(t, 'ps')], tenantSchema: schema });
    t.tenant.tenantOf(p, { connect: 'public', attributes: { vlan: 100 } });
    expect(violationsOf(t.cloud, 'TEN-004')).toEqual([]);
  });

  test('fails with the attribute path of each error', () => {
    const t = twoServices();
    const p = new Service(t.cloud, 'volt', { slices: [anotherSlice(t, 'ps')], tenantSchema: schema });
    t.tenant.tenantOf(p, { connect: 'public', attributes: { vlan: 5000, colour: 'red' } });
    const msgs = violationsOf(t.cloud, 'TEN-004').map((v) => v.message);
    expect(msgs).toEqual([
      'attributes.colour is not allowed (schema of provider volt, at #/additionalProperties).',
      'attributes.vlan must be <= 4094 (schema of provider volt, at #/properties/vlan/maximum).',
    ]);
  });

  test('fails when the schema itself is not valid', () => {
    const t = twoServices();
    const p = new Service(t.cloud, 'broken', { slices: [anotherSlice(t, 'ps')], tenantSchema: { type: 'no-such-type' } });
    t.tenant.tenantOf(p, { connect: 'public' });
    expect(violationsOf(t.cloud, 'TEN-004')[0].message).toContain("provider broken: the tenantSchema is not a valid JSON Schema");
  });

  test('an enum or a const says which values are allowed', () => {
    const t = twoServices();
    const p = new Service(t.cloud, 'cdn', { slices: [anotherSlice(t, 'ps')], tenantSchema: { type: 'object', properties: { tier: { enum: ['gold', 'silver', 3] }, kind: { const: 'edge' } } } });
    t.tenant.tenantOf(p, { connect: 'public', attributes: { tier: 'bronze', kind: 'core' } });
    expect(violationsOf(t.cloud, 'TEN-004').map((v) => v.message)).toEqual([
      'attributes.tier must be one of "gold", "silver", 3 (schema of provider cdn, at #/properties/tier/enum).',
      'attributes.kind must be "edge" (schema of provider cdn, at #/properties/kind/const).',
    ]);
  });
});

describe('TEN-004 formats in the tenant schema', () => {
  const withFormat = (format: string, value: unknown) => {
    const t = twoServices();
    const p = new Service(t.cloud, 'volt', { slices: [anotherSlice(t, 'ps')], tenantSchema: { type: 'object', properties: { addr: { type: 'string', format } } } });
    t.tenant.tenantOf(p, { connect: 'public', attributes: { addr: value } });
    return violationsOf(t.cloud, 'TEN-004').map((v) => v.message);
  };

  test.each([
    ['ipv4', '10.0.0.1'],
    ['ipv6', 'fe80::1'],
    ['hostname', 'db.example.org'],
    ['uri', 'https://example.org/x'],
    ['date-time', '2024-05-01T10:00:00Z'],
  ])('passes for a valid %s', (format, value) => {
    expect(withFormat(format, value)).toEqual([]);
  });

  test.each([
    ['ipv4', 'not-an-address'],
    ['ipv4', '10.0.0.256'],
    ['ipv4', '010.0.0.1'],
    ['ipv6', 'fe80::1::2'],
    ['hostname', 'db_example..org'],
    ['uri', 'not a uri'],
    ['date-time', 'yesterday'],
  ])('fails for an invalid %s (%s)', (format, value) => {
    expect(withFormat(format, value)).toEqual([`attributes.addr must match format "${format}" (schema of provider volt, at #/properties/addr/format).`]);
  });

  test('fails, naming the provider and the fix, for a format xos does not know, and prints nothing', () => {
    const printed = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logged = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const msgs = withFormat('ipv5', 'anything');
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).toMatch(/^provider volt: the tenantSchema names the format 'ipv5' \(at #\/properties\/addr\), which xos does not know, so it would check nothing\. Use one of .*\bipv4, ipv6\b.*, or describe the value with a pattern\. Fix the provider's tenantSchema\.$/);
      expect([...printed.mock.calls, ...logged.mock.calls, ...errors.mock.calls]).toEqual([]);
    } finally {
      printed.mockRestore();
      logged.mockRestore();
      errors.mockRestore();
    }
  });
});

test('xos validate prints no "unknown format" warning of ajv: the unknown format is a TEN-004 violation', () => {
  const dir = tmpDir();
  const program = fs.readFileSync(path.resolve(__dirname, '..', 'bad-inputs', 'programs', 'ten-004-schema.ts'), 'utf8')
    .replace("properties: { vlan: { type: 'integer' } }", "properties: { vlan: { type: 'integer' }, mgmt: { type: 'string', format: 'ip-address' } }")
    .replace("attributes: { vlan: 'ten' }", "attributes: { vlan: 10, mgmt: 'x' }");
  fs.writeFileSync(path.join(dir, 'main.ts'), program);
  const r = xos(['validate', dir, '--transpile-only']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^TEN-004 error subscriber\/tenant-of-volt: provider volt: the tenantSchema names the format 'ip-address' \(at #\/properties\/mgmt\), which xos does not know/m);
  expect(r.code).toBe(1);
});

describe('TEN-005 a tenant/provider pair is declared once', () => {
  test('passes for one tenancy', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.provider, { connect: 'public' });
    expect(violationsOf(t.cloud, 'TEN-005')).toEqual([]);
  });

  test('fails for the same pair twice', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.provider, { connect: 'public' });
    t.tenant.tenantOf(t.provider, { connect: 'shared-private' });
    const v = violationsOf(t.cloud, 'TEN-005');
    expect(v.map((x) => x.path)).toEqual(['web/tenant-of-db-2']);
  });
});

describe('TEN-006 a Service has a Slice or a Controller', () => {
  test('passes for an external Service with a Controller', () => {
    const t = twoServices();
    new Service(t.cloud, 'S3', { controller: new Controller(t.cloud, 's3', { backend: 's3', credentials: { k: Secret.env('K') } }) });
    expect(violationsOf(t.cloud, 'TEN-006')).toEqual([]);
  });

  test('fails for a Service with neither', () => {
    const t = twoServices();
    new Service(t.cloud, 'ghost');
    expect(violationsOf(t.cloud, 'TEN-006').map((v) => v.path)).toEqual(['ghost']);
  });

  test('passes for an abstract Service: only composed, no stack of its own', () => {
    const t = twoServices();
    const residential = new Service(t.cloud, 'residential', { abstract: true });
    residential.tenantOf(t.provider, { connect: 'none' });
    const c = compile(t.cloud);
    expect(c.violations.filter((v) => v.id === 'TEN-006')).toEqual([]);
    expect(c.layout.unplaced).toContain('residential');
    expect(c.layout.stacks.map((s) => s.name)).toEqual(['ctl1']);
  });

  test('fails for an abstract Service that has a Slice', () => {
    const t = twoServices();
    new Service(t.cloud, 'halfway', { abstract: true, slices: [anotherSlice(t, 'ps')] });
    expect(violationsOf(t.cloud, 'TEN-006').map((v) => v.message)).toEqual(['Service halfway is declared abstract but has Slices: an abstract Service has neither. Remove abstract: true, or the Slices.']);
  });
});

describe('TEN-007 private connects open only tenant-to-provider traffic on provider ports', () => {
  test('shared-private derives one network joined by both, with a rule per provider port', () => {
    const t = twoServices();
    const ten = t.tenant.tenantOf(t.provider, { connect: 'shared-private' });
    const c = compile(t.cloud);
    expect(c.violations.filter((v) => v.id === 'TEN-007')).toEqual([]);
    const net = c.built.model.networks.find((n) => n.derivedFrom === ten.key)!;
    // The tenancy joined the tenant's Slice: never recorded as the owner's consent (NET-003).
    expect(net).toMatchObject({ owner: 'site1/s2', joined: ['site1/s1'], permitted: [], derivedJoins: { 'site1/s1': ten.key }, public: false });
    // The tenancy's rules (the Networks' own rules aside): one per provider port, from the tenant's group.
    const rules = c.layout.stacks[0].resources.filter((r) => r.kind === 'secrule' && r.attrs.tenancy === ten.key);
    expect(rules.map((r) => [r.attrs.protocol, r.attrs.port_min, r.attrs.port_max, r.attrs.direction])).toEqual([['tcp', 5432, 5432, 'ingress']]);
    expect(rules[0].refs.remote_group).toBe('secgroup_web__tenant');
  });

  test('fails when a synthesized rule admits the whole Internet', () => {
    const t = twoServices();
    t.tenant.tenantOf(t.provider, { connect: 'interconnect-private' });
    const c = compile(t.cloud);
    const stack = c.layout.stacks[0] as unknown as { resources: Record<string, unknown>[] };
    stack.resources = stack.resources.map((r) => (r.kind === 'secrule' ? { ...r, refs: { group: (r.refs as Record<string, string>).group }, attrs: { ...(r.attrs as object), remote_cidr: '0.0.0.0/0', port_min: 1, port_max: 65535 } } : r));
    const { runRules } = require('../../lib/rules/index');
    const msgs = runRules(c.built, c.layout, { only: ['TEN-007'] }).map((v: { message: string }) => v.message);
    expect(msgs.some((m: string) => m.includes("admits 0.0.0.0/0; only the tenant's Slivers may be admitted"))).toBe(true);
    expect(msgs.some((m: string) => m.includes('opens tcp/1-65535, which is not a port the provider declares'))).toBe(true);
  });
});

describe('a __proto__ key in attributes', () => {
  const withProto = (schema: Record<string, unknown>) => {
    const t = twoServices();
    const provider = new Service(t.cloud, 'p2', { slices: [anotherSlice(t, 'ps')], tenantSchema: schema });
    // As JSON.parse (or a recipe) gives it: an own key named __proto__, not a prototype.
    t.tenant.tenantOf(provider, { connect: 'public', attributes: JSON.parse('{"__proto__": {"polluted": true}, "plan": "gold"}') });
    return t;
  };

  test('is kept as an attribute, never made the prototype, and written into the model', () => {
    const t = withProto({ type: 'object' });
    const c = compile(t.cloud);
    const tenancy = c.built.model.tenants.find((x) => x.provider === 'p2')!;
    expect(Object.getPrototypeOf(tenancy.attributes)).toBe(Object.prototype);
    expect(Object.keys(tenancy.attributes as object)).toContain('__proto__');
    expect(JSON.stringify(tenancy.attributes)).toBe('{"__proto__":{"polluted":true},"plan":"gold"}');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test('TEN-004 sees it: a schema that forbids it fails, one that requires it passes', () => {
    expect(violationsOf(withProto({ type: 'object', properties: { plan: { type: 'string' } }, additionalProperties: false }).cloud, 'TEN-004').map((v) => v.message)).toEqual([expect.stringMatching(/attributes\.__proto__ is not allowed/)]);
    expect(violationsOf(withProto({ type: 'object', required: ['__proto__'], properties: { __proto__: { type: 'object' } } }).cloud, 'TEN-004')).toEqual([]);
  });
});
