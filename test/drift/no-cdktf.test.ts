/**
 * Status and review read models, states and plans of local-target stacks without loading
 * cdktf (about 100 ms of module loading, a third of a small run): this file fails if anything
 * on their way requires it.
 */
jest.mock('cdktf', () => {
  throw new Error('cdktf was loaded');
});

import { compileCloud } from '../../lib/compile';
import { declaredSideOf } from '../../lib/drift/status';
import { buildReview } from '../../lib/review/index';
import { declaredResources } from '../../lib/synth/declared';
import { generateCloud } from '../../bench/generate';

describe('without cdktf', () => {
  const model = compileCloud(generateCloud({ seed: 5, resources: 400 })).built.model;

  test('a model is laid out, and its resources declared for the local target', () => {
    const side = declaredSideOf(model);
    expect(side.layout.stacks.length).toBeGreaterThan(0);
    const local = declaredResources(side.layout, 'local');
    expect([...local.values()].flat().length).toBeGreaterThan(100);
    expect([...local.values()].flat()[0].attrs).toHaveProperty('input');
  });

  test('the target choice is made without loading the targets', () => {
    const side = declaredSideOf(model);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { targetOf } = require('../../lib/synth/target-choice') as typeof import('../../lib/synth/target-choice');
    expect(side.layout.stacks.map((s) => targetOf(s))).toContain('openstack');
    // The check itself works: what renders stacks does load cdktf.
    expect(() => require('../../lib/synth/targets')).toThrow(/cdktf was loaded/);
  });

  test('a review of local-target plans is built', () => {
    const review = buildReview({ plans: [], head: model, target: 'local' });
    expect(review.summary).toBeDefined();
  });
});
