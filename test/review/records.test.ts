/**
 * The review's records are plain data however they are made: resource attribute lists made
 * on first read, plan values shared rather than copied, the real targets asked for only when
 * some address needs them.
 */
import { buildModel, Secret, Service, type XosModel } from '../../lib/index';
import { normalizePlan, readPlanFile, type Plan } from '../../lib/plan/index';
import { buildReview, renderMarkdown } from '../../lib/review/index';
import { thousands } from '../../lib/review/markdown';
import * as targets from '../../lib/synth/target-choice';
import { baseCloud } from '../helpers/cloud';
import { fixture } from '../plan/fixtures';
import { secretValue, syntheticPlans } from './synthetic';

/** A Slice with a Sliver, and a Service holding a secret credential; `grow` adds a second Sliver. */
function cloud(grow: boolean): XosModel {
  const b = baseCloud('records');
  b.slice.addSliver('v1', { deployment: b.dep });
  if (grow) b.slice.addSliver('v2', { deployment: b.dep });
  new Service(b.cloud, 'prov', { slices: [b.slice], ports: [443], credentials: { token: Secret.tfVar('prov_token') } });
  return buildModel(b.cloud).model;
}

/** One plan document per stack, unmarked: the review must mask the model's secrets itself. */
function planDocs(base: XosModel | undefined, head: XosModel): Record<string, unknown>[] {
  return [...syntheticPlans(base, head, { unmarked: true }).values()];
}

const base = cloud(false);
const head = cloud(true);

describe('review records', () => {
  test('read as the plain records they describe: JSON, copies and key order agree', () => {
    const r = buildReview({ plans: planDocs(base, head).map((d, i) => ({ plan: normalizePlan(d, `p${i}.json`) })), head, base });
    const resources = r.objects.flatMap((o) => o.resources);
    expect(resources.length).toBeGreaterThan(0);
    for (const x of resources) {
      const keys = Object.keys(x);
      expect(keys).toContain('attributes');
      // `attributes` comes after `part` and before `object`, as the JSON prints it.
      if (x.object) expect(keys.indexOf('attributes')).toBe(keys.indexOf('object') - 1);
      expect({ ...x }).toEqual(JSON.parse(JSON.stringify(x)));
      expect(Array.isArray(x.attributes)).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('building, printing and serializing a review leaves the plans as they were read', () => {
    const docs = planDocs(base, head);
    const plans = docs.map((d, i) => ({ plan: normalizePlan(d, `p${i}.json`) }));
    const before = JSON.stringify(plans.map((p) => p.plan));
    const r = buildReview({ plans, head, base });
    const text = renderMarkdown(r) + JSON.stringify(r);
    expect(text).not.toContain(secretValue('prov_token'));
    expect(JSON.stringify(plans.map((p) => p.plan))).toBe(before);
  });

  test('the real targets are asked about only when some address is not a local one', () => {
    const spy = jest.spyOn(targets, 'targetOf');
    try {
      const local: { plan: Plan }[] = planDocs(undefined, head).map((d, i) => ({ plan: normalizePlan(d, `p${i}.json`) }));
      const r = buildReview({ plans: local, head });
      expect(r.unmapped).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
      // A plan of other resources: its addresses may be a real target's, so the targets are asked.
      buildReview({ plans: [{ plan: readPlanFile(fixture('hashicorp-terraform-json/120_basic.plan.json')) }], head });
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('numbers in the markdown', () => {
  test('thousands are grouped as en-US writes them', () => {
    for (const n of [0, 7, 999, 1000, 65536, 1234567, 100000000]) expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });
});
