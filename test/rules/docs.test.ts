import * as fs from 'fs';
import * as path from 'path';
import { RULES, acknowledgeable, provenByVerify, rulesMarkdown } from '../../lib/rules/index';
import { authorizationRules } from '../../lib/review/rbac';
import { flowsMarkdown } from '../../lib/verify/flows-doc';

const root = path.resolve(__dirname, '..', '..');

test('docs/flows.md is generated from the intended flows\' table and is not stale', () => {
  const committed = fs.readFileSync(path.join(root, 'docs', 'flows.md'), 'utf8');
  // If this fails, run `npm run docs` and commit docs/flows.md.
  expect(committed).toBe(flowsMarkdown());
});

test('docs/rules.md is generated from the rules\' metadata and is not stale', () => {
  const committed = fs.readFileSync(path.join(root, 'docs', 'rules.md'), 'utf8');
  // If this fails, run `npm run docs` and commit docs/rules.md.
  expect(committed).toBe(rulesMarkdown());
});

test('every rule of the invariants is implemented, with its metadata', () => {
  const ids = RULES.map((r) => r.id);
  const expected = [
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `RBAC-00${n}`),
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `DEP-00${n}`),
    ...[1, 2, 3, 4, 5, 6].map((n) => `SLC-00${n}`),
    ...[1, 2, 3, 4, 5, 6].map((n) => `NET-00${n}`),
    ...[1, 2, 3, 4, 5, 6, 7].map((n) => `TEN-00${n}`),
    ...[1, 2, 3, 4].map((n) => `FLOW-00${n}`),
    'TGT-001',
    ...[1, 2, 3, 4, 5, 6].map((n) => `TNI-00${n}`),
    'SEC-001',
  ];
  expect(ids).toEqual(expected);
  for (const r of RULES) {
    expect(r.title.length).toBeGreaterThan(20);
    expect(r.why.length).toBeGreaterThan(20);
    expect(r.fix.length).toBeGreaterThan(10);
    expect(r.origin.length).toBeGreaterThan(3);
    // Every rule is one unit: its check beside its metadata (a review-time rule's check judges a change; FLOW-001/002 are proven by xos verify on the output).
    if (provenByVerify(r)) expect(['FLOW-001', 'FLOW-002']).toContain(r.id);
    else expect({ rule: r.id, check: typeof (r.needsActor ? r.judge : r.check) }).toEqual({ rule: r.id, check: 'function' });
  }
});

test('the authorization rules are units of their own, listed with the others and by `xos rules`', () => {
  for (const id of ['RBAC-006', 'RBAC-007', 'RBAC-008']) {
    const unit = authorizationRules.find((r) => r.id === id);
    expect(unit).toBeDefined();
    // The very object the review judges changes with is the one the rules table lists.
    expect(RULES.find((r) => r.id === id)).toBe(unit);
    expect(unit!.needsActor).toBe(true);
    expect(acknowledgeable(unit!)).toBe(false);
  }
  const md = rulesMarkdown();
  expect(md).toContain('| [RBAC-006](#rbac-006) | error (review) | no | Change authorization');
  expect(md).toMatch(/## RBAC-008\n\n\*\*error\*\*, checked at review time[^\n]*\n\n- Why: A default user[^\n]*\n- Fix: Ask a root admin to move the User\./);
});

test('every static rule has a passing and a failing case in the rule tests', () => {
  const dir = path.join(root, 'test', 'rules');
  const text = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  for (const r of RULES.filter((x) => !x.needsActor)) {
    const block = text.split(`describe('${r.id} `)[1]?.split(/\ndescribe\(/)[0];
    expect({ rule: r.id, hasBlock: !!block }).toEqual({ rule: r.id, hasBlock: true });
    expect({ rule: r.id, fails: /test(\.each\([\s\S]*?\))?\('(fails|warns)/.test(block!) }).toEqual({ rule: r.id, fails: true });
    expect({ rule: r.id, passes: /test\('(passes|says nothing|does not|the synthesized|the same|an acknowledged|a Sliver on|shared-private)/.test(block!) }).toEqual({ rule: r.id, passes: true });
  }
});
