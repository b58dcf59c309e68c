/**
 * The review maps the plans of every target: a stack planned as `xos synth` writes it for its
 * back-end (openstack here) maps by the real target's addresses, which the review indexes only
 * when a plan holds addresses the local target does not declare; a local-target plan of the
 * same stack maps the same objects.
 */
import { Service } from '../../lib/index';
import { normalizePlan, type Plan } from '../../lib/plan/index';
import { buildReview } from '../../lib/review/index';
import { renderInMemory } from '../../lib/synth/rendered';
import { compileCloud } from '../../lib/compile';
import { baseCloud } from '../helpers/cloud';
import { syntheticPlans } from './synthetic';

function office() {
  const b = baseCloud('office');
  b.slice.addSliver('v1', { deployment: b.dep });
  b.slice.addNetwork('lan', { cidr: '10.1.0.0/24', template: b.tpl });
  new Service(b.cloud, 'web', { slices: [b.slice], ports: [443] });
  const c = compileCloud(b.cloud);
  if (c.errors) throw new Error(c.violations.map((v) => `${v.id} ${v.path}: ${v.message}`).join('\n'));
  return c;
}

/** A plan that creates every element of a rendered stack (its Terraform JSON), as a first plan would. */
function createAll(tf: Record<string, any>, file: string): Plan {
  const changes: Record<string, unknown>[] = [];
  for (const [mode, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const [type, byName] of Object.entries((tf[mode] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [name, body] of Object.entries(byName)) {
        const { depends_on: _d, lifecycle: _l, provider: _p, ...after } = body;
        changes.push({ address: `${prefix}${type}.${name}`, mode: mode === 'data' ? 'data' : 'managed', type, name, change: { actions: [mode === 'data' ? 'read' : 'create'], before: null, after, after_unknown: {} } });
      }
    }
  }
  return normalizePlan({ format_version: '1.2', resource_changes: changes }, file);
}

describe('reviewing the plans of a real target', () => {
  const c = office();
  const rendered = renderInMemory(c.layout, 'auto');
  const [stack] = c.layout.stacks;
  const tf = rendered.json.get(stack.name)!;
  const origins = rendered.origins.get(stack.name)!;

  test('the stack is rendered with openstack resources (the test needs addresses the local target lacks)', () => {
    expect(rendered.stacks.map((s) => s.target)).toEqual(['openstack']);
    expect(Object.keys(tf.resource).some((t) => t.startsWith('openstack_'))).toBe(true);
  });

  test('an openstack plan is matched to its stack by address, and every resource to the object it comes from', () => {
    const r = buildReview({ plans: [{ plan: createAll(tf, 'ctl1.json') }], head: c.built.model });
    expect(r.summary.stacks.map((s) => [s.stack, s.matched])).toEqual([[stack.name, 'addresses']]);
    expect(r.unmapped).toEqual([]);
    const listed = r.objects.flatMap((o) => o.resources.map((x) => [x.address, o.key]));
    expect(listed.length).toBe([...origins.keys()].filter((a) => !a.startsWith('data.')).length);
    for (const [address, key] of listed) expect(key).toBe(origins.get(address)!.model);
    const sliver = r.objects.find((o) => o.key === 'site1/s1/v1')!;
    expect(sliver.resources.map((x) => x.address)).toContain(`openstack_compute_instance_v2.${stack.resources.find((x) => x.kind === 'sliver')!.name}`);
  });

  test('a local-target plan of the same stack maps the same objects, with the local addresses', () => {
    const plans = [...syntheticPlans(undefined, c.built.model)].map(([s, doc]) => ({ plan: normalizePlan(doc, `${s}.json`) }));
    const r = buildReview({ plans, head: c.built.model });
    expect(r.summary.stacks.map((s) => [s.stack, s.matched])).toEqual([[stack.name, 'addresses']]);
    expect(r.unmapped).toEqual([]);
    const keys = new Set(r.objects.map((o) => o.key));
    for (const o of origins.values()) if (o.kind !== 'secgroup' && o.kind !== 'secrule') expect(keys).toContain(o.model);
    expect(r.objects.every((o) => o.resources.every((x) => x.address.startsWith('terraform_data.')))).toBe(true);
  });

  test('a plan named for the stack, holding both targets\' addresses, maps every resource', () => {
    const os = createAll(tf, 'mixed.json');
    const local = [...syntheticPlans(undefined, c.built.model)][0][1] as { resource_changes: unknown[] };
    const mixed = normalizePlan({ format_version: '1.2', resource_changes: [...(local.resource_changes ?? []), ...os.changes.map((x) => ({ address: x.address, mode: x.mode, type: x.type, name: x.name, change: { actions: x.actions, before: null, after: x.after, after_unknown: {} } }))] }, 'mixed.json');
    const r = buildReview({ plans: [{ plan: mixed, stack: stack.name }], head: c.built.model });
    expect(r.unmapped).toEqual([]);
  });
});
