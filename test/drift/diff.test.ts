import * as fs from 'fs';
import * as path from 'path';
import { buildReport, diffStack, exitCodeOf, formatJson, formatTable, LOCAL_SCHEMA, refreshFromPlan, refreshFromStream, targetSchema, type StackReport } from '../../lib/drift/index';
import { readStateFile, readStateText, type StateSnapshot } from '../../lib/state/index';
import type { DeclaredResource } from '../../lib/synth/declared';

const FIX = path.resolve(__dirname, '..', 'fixtures');

function local(name: string, model: string, input: Record<string, unknown>, kind: DeclaredResource['kind'] = 'site'): DeclaredResource {
  return { address: `terraform_data.${name}`, type: 'terraform_data', name, model, kind, attrs: { input: { xos_kind: kind, xos_key: model, ...input } }, sensitive: [] };
}

function state(resources: { name: string; input: Record<string, unknown>; status?: 'tainted'; deposed?: string }[]): StateSnapshot {
  const byName = new Map<string, unknown[]>();
  for (const r of resources) {
    const inst = { ...(r.status ? { status: r.status } : {}), ...(r.deposed ? { deposed: r.deposed } : {}), schema_version: 0, attributes: { id: `id-${r.name}`, input: { value: r.input, type: 'dynamic' }, output: { value: r.input, type: 'dynamic' }, triggers_replace: null }, sensitive_attributes: [] };
    byName.set(r.name, [...(byName.get(r.name) ?? []), inst]);
  }
  const doc = { version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'l', outputs: {}, resources: [...byName].map(([name, instances]) => ({ mode: 'managed', type: 'terraform_data', name, provider: 'provider["terraform.io/builtin/terraform"]', instances })) };
  return readStateText(JSON.stringify(doc), 'stack.tfstate');
}

const statusOf = (r: StackReport) => Object.fromEntries(r.objects.map((o) => [o.key, o.status]));

describe('the status of each declared object on one back-end', () => {
  const site = local('site_co1', 'co1', { name: 'co1' });
  const sliver = local('sliver_a', 'co1/s/a', { name: 'a', site_id: '${terraform_data.site_co1.id}' }, 'sliver');
  const port = local('port_a_net', 'co1/s/a', { network: 'net' }, 'port');
  const declared = [site, sliver, port];
  const inSync = [
    { name: 'site_co1', input: { xos_kind: 'site', xos_key: 'co1', name: 'co1' } },
    { name: 'sliver_a', input: { xos_kind: 'sliver', xos_key: 'co1/s/a', name: 'a', site_id: 'id-site_co1' } },
    { name: 'port_a_net', input: { xos_kind: 'port', xos_key: 'co1/s/a', network: 'net' } },
  ];
  const run = (s: StateSnapshot | undefined, d = declared) => diffStack({ stack: 'st', backend: 'local', declared: d, ...(s ? { state: s } : {}), schema: LOCAL_SCHEMA, kindOf: (k) => (k === 'co1' ? 'Site' : k === 'co1/s/a' ? 'Sliver' : undefined) });

  test('groups the resources of one model object into one line, in sync when all are', () => {
    const r = run(state(inSync));
    expect(statusOf(r)).toEqual({ co1: 'in-sync', 'co1/s/a': 'in-sync' });
    expect(r.objects.find((o) => o.key === 'co1/s/a')!.resources).toHaveLength(2);
    expect(r.totals).toMatchObject({ 'in-sync': 2, objects: 2 });
  });

  test('with no state at all, every object is pending and the stack says nothing was deployed', () => {
    const r = run(undefined);
    expect(statusOf(r)).toEqual({ co1: 'pending', 'co1/s/a': 'pending' });
    expect(r.objects.find((o) => o.key === 'co1/s/a')!.detail).toBe('not in state (2 resources)');
    expect(r.notes.join()).toMatch(/no state yet/);
  });

  test('an object with some resources missing is pending, naming them', () => {
    const r = run(state(inSync.filter((x) => x.name !== 'port_a_net')));
    expect(statusOf(r)['co1/s/a']).toBe('pending');
    expect(r.objects.find((o) => o.key === 'co1/s/a')!.detail).toBe('port_a_net: not in state');
  });

  test('a tainted resource fails its object; the failure outranks drift', () => {
    const s = state([{ ...inSync[0], status: 'tainted' }, { ...inSync[1], input: { ...inSync[1].input, name: 'changed' } }, inSync[2]]);
    const r = run(s);
    expect(statusOf(r)).toEqual({ co1: 'failed', 'co1/s/a': 'drifted' });
    expect(r.objects[0].detail).toMatch(/^tainted/);
    expect(r.objects.find((o) => o.key === 'co1/s/a')!.detail).toBe('sliver_a: input.name: declared "a", actual "changed"');
  });

  test('a deposed object left by a failed replacement fails its object', () => {
    const r = run(state([...inSync, { ...inSync[0], deposed: 'deadbeef' }]));
    expect(statusOf(r).co1).toBe('failed');
    expect(r.objects.find((o) => o.key === 'co1')!.detail).toMatch(/deposed object deadbeef left by a failed create-before-destroy replacement/);
  });

  test('a resource no longer declared is orphaned under its model key; under a declared object it is drift', () => {
    const s = state([...inSync, { name: 'network_net', input: { xos_kind: 'network', xos_key: 'co1/s/net', name: 'net' } }, { name: 'port_a_old', input: { xos_kind: 'port', xos_key: 'co1/s/a' } }]);
    const r = run(s);
    expect(statusOf(r)['co1/s/net']).toBe('orphaned');
    expect(r.objects.find((o) => o.key === 'co1/s/net')!.kind).toBe('Network');
    expect(statusOf(r)['co1/s/a']).toBe('drifted');
    expect(r.objects.find((o) => o.key === 'co1/s/a')!.detail).toBe('port_a_old: in state, no longer declared');
    expect(r.totals).toMatchObject({ orphaned: 1, drifted: 1, 'in-sync': 1, objects: 3 });
  });

  test('reads real failures: tainted count instances, and a tainted replacement beside its deposed predecessor', () => {
    const s = readStateFile(path.join(FIX, 'xos-generated/failed-apply/terraform.tfstate'));
    const d = (address: string, model: string, input: unknown): DeclaredResource => ({ address, type: 'terraform_data', name: address, model, kind: 'sliver', attrs: { input }, sensitive: [] });
    const r = diffStack({
      stack: 'fixture',
      backend: 'local',
      declared: [d('terraform_data.broken[0]', 'b0', { name: 'broken-0' }), d('terraform_data.broken[1]', 'b1', { name: 'broken-1' }), d('terraform_data.replaced', 'r', { gen: '2' }), d('terraform_data.keyed["a"]', 'ka', { key: 'a', secrets: { token: '${var.token}' } })],
      state: s,
      schema: LOCAL_SCHEMA,
    });
    const st = statusOf(r);
    expect(st).toMatchObject({ b0: 'in-sync', b1: 'failed', r: 'failed', ka: 'in-sync' });
    expect(r.objects.find((o) => o.key === 'r')!.detail).toMatch(/tainted .*; deposed object [0-9a-f]{8} left by a failed create-before-destroy replacement/);
    // Declared nowhere: the other for_each instance and the module's resource.
    expect(st['terraform_data.keyed["b.c"]']).toBe('orphaned');
    expect(st['module.child["x"].terraform_data.inner']).toBe('orphaned');
    expect(formatJson(buildReport({ program: 'p', target: 'local', stateSource: 'f', refreshed: false }, [r]))).not.toContain('fixture-token-not-a-secret');
  });

  test('a state none of whose resources is declared is refused as another program\'s', () => {
    const s = readStateFile(path.join(FIX, 'snyk-driftctl/aws_route53_record_multiples.terraform.tfstate'));
    expect(() => diffStack({ stack: 'co1', backend: 'local', declared, state: s, schema: LOCAL_SCHEMA })).toThrow(/aws_route53_record_multiples.terraform.tfstate is not the state of stack co1: none of its 11 resources \(aws_route53_record.ns, .*\) is declared there/);
  });
});

describe('refresh: what changed outside Terraform', () => {
  const plan = (p: string) => JSON.parse(fs.readFileSync(path.join(FIX, p), 'utf8'));

  test('resource_drift deletions make their objects pending, and the refreshed state no longer holds them', () => {
    const r = refreshFromPlan(plan('dineshba-tf-summarize/example.tfplan.json'), 'example.tfplan.json');
    expect([...r.drift.values()].map((d) => `${d.address} ${d.action}`).sort()).toEqual([
      'module.github["terraform-plan-summary"].github_branch.demo delete',
      'module.github["terraform-plan-summary"].github_branch.main delete',
      'module.github["terraform-plan-summary"].github_repository.repository delete',
    ]);
    const declared: DeclaredResource[] = [...r.drift.keys()].map((address, i) => ({ address, type: address.split('.').slice(-2)[0], name: String(i), model: `obj${i}`, kind: 'service', attrs: {}, sensitive: [] }));
    const before = readStateFile(path.join(FIX, 'dineshba-tf-summarize/example.terraform.tfstate'));
    expect(statusOf(diffStack({ stack: 'gh', backend: 'local', declared, state: before, schema: targetSchema('aws') }))).toEqual({ obj0: 'in-sync', obj1: 'in-sync', obj2: 'in-sync' });
    const after = diffStack({ stack: 'gh', backend: 'local', declared, ...(r.state ? { state: r.state } : {}), schema: targetSchema('aws'), refresh: r.drift });
    expect(statusOf(after)).toEqual({ obj0: 'pending', obj1: 'pending', obj2: 'pending' });
    expect(after.objects[0].detail).toBe('deleted outside Terraform (found by refresh)');
  });

  test('entries without an address (Terraform 1.0.0) are addressed by type and name, updates by the attributes that changed', () => {
    const r = refreshFromPlan(plan('terraform-compliance-cli/test_issue_522.plan.out.json'), 'issue_522');
    expect(r.drift.size).toBe(15);
    expect(r.drift.get('aws_security_group.lambda_sg')?.action).toBe('delete');
    expect(r.drift.get('aws_cloudwatch_log_group.log_group')?.action).toBe('update');
    expect(r.state?.instances.length).toBe(17);
  });

  test('reads resource_drift messages of the terraform plan -json stream', () => {
    const stream = [
      JSON.stringify({ '@level': 'info', '@message': 'Terraform 1.11.4', type: 'version' }),
      JSON.stringify({ '@level': 'info', '@message': 'terraform_data.x: Drift detected (update)', type: 'resource_drift', change: { resource: { addr: 'terraform_data.x', resource_type: 'terraform_data', resource_name: 'x' }, action: 'update' } }),
      'not json',
    ].join('\n');
    expect([...refreshFromStream(stream).values()]).toEqual([{ address: 'terraform_data.x', action: 'update', attributes: [] }]);
  });

  test('a file that is not a plan is refused', () => {
    expect(() => refreshFromPlan({ version: 4 }, 'x.json')).toThrow(/x.json is not a plan/);
  });
});

describe('the report', () => {
  const site = local('site_co1', 'co1', { name: 'co1' });
  const mk = (input: Record<string, unknown>) => state([{ name: 'site_co1', input: { xos_kind: 'site', xos_key: 'co1', ...input } }]);
  const report = (s: StateSnapshot) => buildReport({ program: 'demo', target: 'local', stateSource: 'files', refreshed: false }, [diffStack({ stack: 'st', backend: 'local (x)', declared: [site], state: s, schema: LOCAL_SCHEMA, kindOf: () => 'Site' })]);

  test('exits 0 when all is in sync, 2 when anything differs', () => {
    expect(exitCodeOf(report(mk({ name: 'co1' })))).toBe(0);
    expect(exitCodeOf(report(mk({ name: 'other' })))).toBe(2);
  });

  test('prints one line per object with its status, kind, key and what differs, and totals', () => {
    const t = formatTable(report(mk({ name: 'other' })));
    expect(t).toContain('  drifted   Site co1    input.name: declared "co1", actual "other"');
    expect(t).toContain('  total: 1 drifted (1 object)');
    expect(t).toMatch(/overall: 1 drifted \(1 object\): differs from the model\n$/);
  });

  test('JSON carries the same statuses, totals and differing attributes', () => {
    const j = JSON.parse(formatJson(report(mk({ name: 'other' }))));
    expect(j.inSync).toBe(false);
    expect(j.totals).toMatchObject({ drifted: 1, objects: 1 });
    expect(j.stacks[0].objects[0].resources[0].diffs).toEqual([{ path: 'input.name', declared: { kind: 'value', value: 'co1' }, actual: { kind: 'value', value: 'other' } }]);
  });
});
