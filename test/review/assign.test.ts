/**
 * Matching plans to stacks by their addresses: each distinct address votes once for every
 * stack that declares it (in the head or the base model); a tie is a usage error.
 */
import { normalizePlan, type Plan } from '../../lib/plan/index';
import { assignStacks, type ModelSide } from '../../lib/review/index';

/** A model side that declares only addresses (stack -> addresses): all that matching reads. */
function side(stacks: Record<string, string[]>): ModelSide {
  const m = new Map<string, Map<string, unknown>>();
  for (const [stack, addresses] of Object.entries(stacks)) m.set(stack, new Map(addresses.map((a) => [a, { address: a }])));
  return { stacks: m } as unknown as ModelSide;
}

/** A plan creating one terraform_data per address (a repeated address is a deposed object). */
function plan(file: string, addresses: string[]): Plan {
  return normalizePlan(
    {
      format_version: '1.2',
      resource_changes: addresses.map((address, i) => ({
        address,
        mode: 'managed',
        type: 'terraform_data',
        name: address.split('.')[1],
        ...(addresses.indexOf(address) < i ? { deposed: `d${i}` } : {}),
        change: { actions: ['create'], before: null, after: {} },
      })),
    },
    file,
  );
}

const stackOf = (plans: { plan: Plan }[], sides: ModelSide[]) => assignStacks(plans, sides).map((a) => [a.stack, a.how]);

describe('matching plans to stacks', () => {
  test('the stack declaring most of the plan\'s addresses wins, shared addresses voting for each', () => {
    const s = side({ A: ['terraform_data.a1', 'terraform_data.a2'], B: ['terraform_data.a2'] });
    expect(stackOf([{ plan: plan('p.json', ['terraform_data.a1', 'terraform_data.a2']) }], [s])).toEqual([['A', 'addresses']]);
  });

  test('a tie names both stacks, the first to reach the count first', () => {
    const s = side({ A: ['terraform_data.x'], B: ['terraform_data.y'] });
    expect(() => assignStacks([{ plan: plan('p.json', ['terraform_data.y', 'terraform_data.x']) }], [s])).toThrow(
      "plan p.json matches stacks 'B' and 'A' equally (1 addresses each)",
    );
  });

  test('an address counts once however often the plan holds it', () => {
    const s = side({ A: ['terraform_data.x'], B: ['terraform_data.y'] });
    expect(() => assignStacks([{ plan: plan('p.json', ['terraform_data.x', 'terraform_data.x', 'terraform_data.y']) }], [s])).toThrow('equally (1 addresses each)');
  });

  test('an address both models declare in one stack counts once for it', () => {
    const head = side({ A: ['terraform_data.x'] });
    const base = side({ A: ['terraform_data.x'], B: ['terraform_data.y'] });
    expect(() => assignStacks([{ plan: plan('p.json', ['terraform_data.x', 'terraform_data.y']) }], [head, base])).toThrow("matches stacks 'A' and 'B' equally");
  });

  test('each plan is counted afresh', () => {
    const s = side({ A: ['terraform_data.x', 'terraform_data.z'], B: ['terraform_data.y'] });
    const plans = [{ plan: plan('a.json', ['terraform_data.x', 'terraform_data.z']) }, { plan: plan('b.json', ['terraform_data.y', 'terraform_data.q']) }];
    expect(stackOf(plans, [s])).toEqual([['A', 'addresses'], ['B', 'addresses']]);
  });

  test('a plan no stack declares is named after its file', () => {
    expect(stackOf([{ plan: plan('dir/other.json', ['terraform_data.q']) }], [side({ A: ['terraform_data.x'] })])).toEqual([['other', 'unmatched']]);
  });
});
