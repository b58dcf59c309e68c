/**
 * Every real plan fixture, reviewed: none of them is an xos stack, so every change is
 * "not in the model", but the counts, the order, the masking, drift and cutting all apply.
 */
import * as fs from 'fs';
import { buildModel } from '../../lib/index';
import { normalizePlan, readPlanFile } from '../../lib/plan/index';
import { buildReview, renderMarkdown, COMMENT_LIMIT, type Review } from '../../lib/review/index';
import { baseCloud } from '../helpers/cloud';
import { fixture, PLAN_FIXTURES } from '../plan/fixtures';

const head = (() => {
  const b = baseCloud('fixtures');
  return buildModel(b.cloud).model;
})();

function rawOf(f: string): any {
  const b = fs.readFileSync(fixture(f));
  return JSON.parse(b[0] === 0xff && b[1] === 0xfe ? new TextDecoder('utf-16le').decode(b.subarray(2)) : b.toString('utf8'));
}

function reviewOf(f: string, extra: Partial<{ actor: string }> = {}): Review {
  // The head is its own base: roles come from a base model, and these plans change nothing of it.
  return buildReview({ plans: [{ plan: readPlanFile(fixture(f)) }], head, ...(extra.actor ? { base: head } : {}), ...extra });
}

/** Every string Terraform marks sensitive in a fixture and that never appears unmarked in it. */
function sensitiveStrings(raw: any): string[] {
  const marked = new Set<string>();
  const plain = new Set<string>();
  const walk = (v: unknown, t: unknown, under: boolean) => {
    const s = under || t === true;
    if (typeof v === 'string') (s ? marked : plain).add(v);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, Array.isArray(t) ? t[i] : undefined, s));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, t && typeof t === 'object' ? (t as Record<string, unknown>)[k] : undefined, s);
  };
  for (const rc of [...(raw.resource_changes ?? []), ...(raw.resource_drift ?? [])]) {
    walk(rc.change.before, rc.change.before_sensitive, false);
    walk(rc.change.after, rc.change.after_sensitive, false);
  }
  return [...marked].filter((s) => s.length >= 4 && !plain.has(s));
}

describe.each(PLAN_FIXTURES)('reviewing %s', (f) => {
  const raw = rawOf(f);
  const review = reviewOf(f);
  const md = renderMarkdown(review);

  test('counts every change Terraform plans', () => {
    const actions = (raw.resource_changes ?? []).map((c: any) => c.change.actions.join(','));
    const n = (...keys: string[]) => actions.filter((a: string) => keys.includes(a)).length;
    expect(review.summary.total).toMatchObject({
      create: n('create'),
      update: n('update'),
      replace: n('delete,create', 'create,delete'),
      delete: n('delete'),
      forget: n('forget'),
      move: (raw.resource_changes ?? []).filter((c: any) => c.previous_address && c.previous_address !== c.address).length,
    });
  });

  test('fits a comment, starts with the summary and says authorization was not checked', () => {
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md.split('\n')[1]).toBe('## xos review: fixtures');
    expect(md).toContain('Authorization was not checked');
  });

  test('shows no value Terraform marks sensitive', () => {
    const json = JSON.stringify(review);
    for (const s of sensitiveStrings(raw)) {
      expect(md).not.toContain(s);
      expect(json).not.toContain(s);
    }
  });

  test('hides no-ops that are neither moved nor imported, and lists every other change', () => {
    for (const c of raw.resource_changes ?? []) {
      const noop = c.change.actions.join(',') === 'no-op' && !(c.previous_address && c.previous_address !== c.address) && !c.change.importing;
      if (c.mode === 'data') continue;
      expect({ address: c.address, listed: review.unmapped.some((u) => u.address === c.address) }).toEqual({ address: c.address, listed: !noop });
    }
  });
});

describe('what the fixtures show', () => {
  test('sensitive values exist in the fixtures, so the masking test above is not empty', () => {
    const all = PLAN_FIXTURES.flatMap((f) => sensitiveStrings(rawOf(f)));
    expect(all).toEqual(expect.arrayContaining(['foo-42', 'foobar-42']));
  });

  test('replacements come first, with Terraform\'s reason and the attribute that forces them', () => {
    const md = renderMarkdown(reviewOf('borchero-terraform-plan-comment/1-modify.plan.json'));
    const destroys = md.slice(md.indexOf('### Destroys and replacements'), md.indexOf('### Authorization'));
    expect(destroys).toMatch(/🟠 \*\*replace\*\* `local_file\.test` in `1-modify\.plan` — not in the model — reason: a changed attribute cannot be updated in place \(`replace_because_cannot_update`\); forced by `content`/);
    expect(destroys).toContain('- `content`: _(sensitive)_ → _(sensitive)_ **(forces replacement)**');
    expect(md.indexOf('### Destroys and replacements')).toBeLessThan(md.indexOf('### Resources not in the model'));
  });

  test('a tainted resource is replaced for that reason', () => {
    expect(reviewOf('hashicorp-terraform-json/action_reason.plan.json').destroys[0]).toMatchObject({ action: 'replace', reason: 'the object is tainted (marked broken)' });
  });

  test('moved and forgotten resources are shown', () => {
    expect(renderMarkdown(reviewOf('hashicorp-terraform-json/moved_block.plan.json'))).toContain('**no change**, moved from `random_id.test`');
    expect(renderMarkdown(reviewOf('borchero-terraform-plan-comment/3-remove.plan.json'))).toContain('**forget (removed from state, object left alone)**');
  });

  test('an imported resource is counted and shown with the id it is imported from', () => {
    const raw = rawOf('hashicorp-terraform-json/moved_block.plan.json');
    delete raw.resource_changes[0].previous_address;
    raw.resource_changes[0].change.importing = { id: 'uBIJLwrgNTh6OQ' };
    const r = buildReview({ plans: [{ plan: normalizePlan(raw, 'import.json') }], head });
    expect(r.summary.total).toMatchObject({ import: 1, move: 0, create: 0 });
    expect(renderMarkdown(r)).toContain('`random_id.test2` (`import`): **no change**, imported from id `uBIJLwrgNTh6OQ`');
  });

  test('drift gets its own section; addresses Terraform 1.0.0 left out are rebuilt and say so', () => {
    const r = reviewOf('terraform-compliance-cli/test_issue_522.plan.out.json');
    expect(r.drift.entries).toHaveLength(rawOf('terraform-compliance-cli/test_issue_522.plan.out.json').resource_drift.length);
    const md = renderMarkdown(r);
    expect(md).toContain('### Changes made outside Terraform (15)');
    expect(md).toContain('`aws_cloudwatch_event_rule.metrics_schedule` in `test_issue_522.plan.out`: **changed outside Terraform** (update) _(address rebuilt: the plan left it out)_');
    const tf = renderMarkdown(reviewOf('dineshba-tf-summarize/example.tfplan.json'));
    expect(tf.match(/\*\*deleted outside Terraform\*\*/g)).toHaveLength(3);
  });

  test('drift that no planned change depends on (relevant_attributes) is counted but not shown', () => {
    const raw = rawOf('hashicorp-terraform-json/120_basic.plan.json');
    const drifted = (address: string, name: string) => ({ address, mode: 'managed', type: 'null_resource', name, change: { actions: ['update'], before: { id: '1', triggers: { a: 'x' } }, after: { id: '1', triggers: { a: 'y' } }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} } });
    raw.resource_drift = [drifted('null_resource.foo', 'foo'), drifted('null_resource.bar', 'bar')];
    const r = buildReview({ plans: [{ plan: normalizePlan(raw, '120_basic.json') }], head });
    expect(r.drift.entries.map((d) => d.address)).toEqual(['null_resource.foo']);
    expect(r.drift.irrelevant).toBe(1);
    expect(r.drift.entries[0].attributes).toEqual([{ path: 'triggers.a', before: 'x', after: 'y' }]);
    expect(renderMarkdown(r)).toContain('1 other drifted object does not affect this plan');
  });

  test('a resource outside the model lies in no write scope: only a root admin may change it', () => {
    const r = reviewOf('borchero-terraform-plan-comment/2-delete.plan.json', { actor: 'admin1' });
    const changed = r.unmapped.map((u) => u.address);
    expect(changed.length).toBeGreaterThan(0);
    expect(r.authorization.checks.map((c) => [c.key, c.subject, c.allowed])).toEqual(changed.map((a) => [`2-delete.plan: ${a}`, 'unmapped', false]));
    expect(r.authorization.checks[0].approvers).toEqual([{ role: 'root admin', users: [] }]);
    expect(r.exitCode).toBe(3);
    expect(renderMarkdown(r)).toContain('⛔ **RBAC-006** may not remove `2-delete.plan: local_file.test` (no model object owns this address) — approval from one of: root admin (nobody holds it)');
  });

  test('cut to a small limit, the review keeps the summary and destroys and says what it left out', () => {
    const r = reviewOf('borchero-terraform-plan-comment/7-create-hundreds.plan.json');
    expect(Buffer.byteLength(renderMarkdown(r))).toBeLessThanOrEqual(COMMENT_LIMIT);
    const md = renderMarkdown(r, { limit: 12_000, fullCommand: 'xos review --plan p.json --model m.json --format json' });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(12_000);
    expect(md).toContain('**Plan: 300 to create');
    expect(md).toContain('### Destroys and replacements (0)');
    expect(md).toContain('### Authorization');
    expect(md).toContain('### Rule violations in the head model');
    expect(md).toMatch(/left out: \d+ of 300 resources not in the model/);
    expect(md).toContain('See all of it with `xos review --plan p.json --model m.json --format json`.');
  });
});
