/**
 * xos review and acknowledgements: the head model's acknowledgements cover its warnings (an
 * acknowledged warning is not reported again), and the ones the pull request adds, alters or
 * removes are shown to the approver and authorized like a change of the object they are on.
 * Errors and authorization are never acknowledged.
 */
import { buildModel, User, type Network, type XosModel } from '../../lib/index';
import { normalizePlan } from '../../lib/plan/index';
import { buildReview, renderMarkdown, type Review } from '../../lib/review/index';
import { baseCloud, type Base } from '../helpers/cloud';
import { syntheticPlans } from './synthetic';

/** site1 with Slice s1 (admin1 Site and Slice admin; sam, a Slice admin of s1 only) and a public Network wan: a NET-005 warning. */
function cloud(edit: (b: Base & { sam: User; wan: Network }) => void = () => {}): XosModel {
  const b = baseCloud('acks');
  const sam = new User(b.cloud, 'sam', { site: b.site, publicKeys: ['ssh-ed25519 AAAA sam'] });
  b.slice.grant(sam, 'admin');
  const wan = b.slice.addNetwork('wan', { cidr: '192.0.2.0/24', template: b.tpl, public: true });
  b.slice.addSliver('v1', { deployment: b.dep });
  edit({ ...b, sam, wan });
  return buildModel(b.cloud).model;
}

function review(base: XosModel | undefined, head: XosModel, actor?: string): Review {
  const plans = [...syntheticPlans(base, head)].map(([stack, doc]) => ({ plan: normalizePlan(doc, `${stack}.json`) }));
  return buildReview({ plans, head, ...(base ? { base } : {}), ...(actor ? { actor } : { }), ...(!base && actor ? { firstDeploy: true } : {}) });
}

const REASON = 'wan is the Internet side of the gateway';
const ackWan = (b: { wan: Network }) => void b.wan.acknowledge('NET-005', REASON, { finding: 'NET-005@site1/s1/wan' });

describe('xos review honours the acknowledgements of the head model', () => {
  test('an acknowledged warning carries its reason and is not listed again among the violations', () => {
    const head = cloud(ackWan);
    const r = review(cloud(ackWan), head);
    expect(r.violations.filter((v) => v.id === 'NET-005')).toEqual([expect.objectContaining({ path: 'site1/s1/wan', finding: 'NET-005@site1/s1/wan', acknowledged: REASON, new: false })]);
    const md = renderMarkdown(r);
    expect(md).toContain('### Rule violations in the head model (0)');
    expect(md).toContain('1 acknowledged warning is not listed.');
    expect(md).not.toMatch(/\*\*NET-005\*\* warning/);
    // Unchanged acknowledgements are not shown again.
    expect(r.acknowledgements).toEqual([]);
    expect(md).not.toContain('### Acknowledgements');
  });

  test('shows the acknowledgements a change adds, with the warnings each covers', () => {
    const r = review(cloud(), cloud(ackWan), 'sam');
    expect(r.acknowledgements).toEqual([
      { status: 'added', rule: 'NET-005', path: 'site1/s1/wan', finding: 'NET-005@site1/s1/wan', reason: REASON, covers: 1, covered: ['NET-005@site1/s1/wan'] },
    ]);
    const md = renderMarkdown(r);
    expect(md).toContain('### Acknowledgements added, changed or removed by this change (1)');
    expect(md).toContain(`- 🔕 added **NET-005** on the finding \`NET-005@site1/s1/wan\` (made on \`site1/s1/wan\`): ${REASON} — covers 1 warning: \`NET-005@site1/s1/wan\``);
    // The acknowledgement changes the Network it is made on: sam, its Slice's admin, may.
    expect(r.authorization.checks).toEqual([expect.objectContaining({ id: 'RBAC-006', key: 'site1/s1/wan', status: 'changed', allowed: true })]);
    expect(r.exitCode).toBe(0);
  });

  test('shows a changed reason with the old one, and a removed acknowledgement', () => {
    const changed = review(cloud(ackWan), cloud((b) => void b.wan.acknowledge('NET-005', 'another reason', { finding: 'NET-005@site1/s1/wan' })));
    expect(changed.acknowledgements).toEqual([expect.objectContaining({ status: 'changed', reason: 'another reason', before: REASON, covers: 1 })]);
    expect(renderMarkdown(changed)).toContain(`another reason (was: ${REASON})`);
    const removed = review(cloud(ackWan), cloud());
    expect(removed.acknowledgements).toEqual([expect.objectContaining({ status: 'removed', reason: REASON, covers: 0 })]);
    expect(removed.violations.find((v) => v.id === 'NET-005')?.acknowledged).toBeUndefined();
  });

  test('without a base model, every acknowledgement of the head is shown', () => {
    const r = review(undefined, cloud(ackWan));
    expect(r.acknowledgements.map((a) => a.status)).toEqual(['added']);
    expect(renderMarkdown(r)).toContain('### Acknowledgements in the head model (no base model to compare with: all of them) (1)');
  });

  test('an acknowledgement on an object outside the actor\'s write scope needs approval', () => {
    // sam is Slice admin of s1 only: acknowledging on the Slice is a change of the Slice (its Site's admin or pi).
    const r = review(cloud(), cloud((b) => void b.slice.acknowledge('NET-005', 'the whole Slice faces the Internet')), 'sam');
    expect(r.authorization.checks).toEqual([expect.objectContaining({ id: 'RBAC-006', key: 'site1/s1', allowed: false, approvers: [{ role: 'Site admin of site1', users: ['admin1'] }] })]);
    expect(r.exitCode).toBe(3);
  });

  test('acknowledging authorization or an error blocks the review, and the authorization check stands', () => {
    const r = review(
      cloud(),
      cloud((b) => {
        b.slice.acknowledge('RBAC-006', 'trust me');
        b.site.acknowledge('RBAC-007', 'trust me');
      }),
      'sam',
    );
    const acks = r.violations.filter((v) => v.id === 'XOS-ACK');
    expect(acks).toEqual([expect.objectContaining({ severity: 'error', path: 'site1' }), expect.objectContaining({ severity: 'error', path: 'site1/s1' })]);
    expect(acks[0].message).toMatch(/never acknowledged/);
    expect(r.authorization.checks.find((c) => c.key === 'site1')).toMatchObject({ allowed: false });
    expect(r.blocking.join('\n')).toMatch(/breaks 2 rules \(XOS-ACK\)/);
    expect(r.exitCode).toBe(3);
  });
});
