import { buildModel, Secret, Service, User, type XosModel } from '../../lib/index';
import { normalizePlan, type Plan } from '../../lib/plan/index';
import { buildReview, renderMarkdown, COMMENT_LIMIT, MARKER, type Review } from '../../lib/review/index';
import { isXosError } from '../../lib/errors';
import { baseCloud, type Base } from '../helpers/cloud';
import { secretValue, syntheticPlans } from './synthetic';

/**
 * A small office: site1 with Slices s1 (Service 'ten', a Network) and s2 (Service 'prov',
 * which has a secret tenancy credential); 'ten' is a tenant of 'prov'. admin1 is Site and
 * Slice admin (base helper); sam is Slice admin of s1 only.
 */
interface Office extends Base {
  ten: Service;
  prov: Service;
  sam: User;
}

function office(edit: (o: Office) => void = () => {}): XosModel {
  const b = baseCloud('office');
  const s2 = b.site.addSlice('s2', { image: b.image, flavor: b.flavor });
  s2.grant(b.admin, 'admin');
  const sam = new User(b.cloud, 'sam', { site: b.site, publicKeys: ['ssh-ed25519 AAAA sam'] });
  b.slice.grant(sam, 'admin');
  b.slice.addSliver('v1', { deployment: b.dep });
  s2.addSliver('p1', { deployment: b.dep });
  b.slice.addNetwork('lan', { cidr: '10.1.0.0/24', template: b.tpl });
  // The provider is reached publicly: its public address goes on a Network of its own (TGT-001).
  s2.addNetwork('front', { cidr: '10.2.0.0/24', template: b.tpl });
  const prov = new Service(b.cloud, 'prov', { slices: [s2], ports: [443], credentials: { token: Secret.tfVar('prov_token') } });
  const ten = new Service(b.cloud, 'ten', { slices: [b.slice] });
  const o = { ...b, ten, prov, sam };
  edit(o);
  if (!ten.node.tryFindChild('tenant-of-prov')) ten.tenantOf(prov, { connect: 'public', attributes: { plan: 'gold' } });
  return buildModel(b.cloud).model;
}

function plansOf(base: XosModel | undefined, head: XosModel, options = {}): { plan: Plan; stack?: string }[] {
  return [...syntheticPlans(base, head, options)].map(([stack, doc]) => ({ plan: normalizePlan(doc, `${stack}.json`) }));
}

function review(base: XosModel, head: XosModel, extra: { actor?: string; unmarked?: boolean; withBase?: boolean } = {}): Review {
  return buildReview({ plans: plansOf(base, head, { unmarked: extra.unmarked }), head, ...(extra.withBase === false ? {} : { base }), ...(extra.actor ? { actor: extra.actor } : {}) });
}

const addSliver = (o: Office) => void o.slice.addSliver('v2', { deployment: o.dep });

describe('a review in the model\'s words', () => {
  const base = office();
  const head = office((o) => {
    addSliver(o);
    o.ten.tenantOf(o.prov, { connect: 'public', attributes: { plan: 'platinum' } });
  });

  test('every resource of the plan is listed under the model object it comes from', () => {
    const r = review(base, head);
    expect(r.unmapped).toEqual([]);
    const sliver = r.objects.find((o) => o.key === 'site1/s1/v2')!;
    expect(sliver).toMatchObject({ kind: 'Sliver', status: 'added' });
    expect(sliver.resources.map((x) => x.part).sort()).toEqual(['port', 'sliver']);
    const tenancy = r.objects.find((o) => o.kind === 'Tenant')!;
    expect(tenancy).toMatchObject({ status: 'changed', label: 'ten -> prov (public)' });
    expect(tenancy.model).toEqual([{ path: 'attributes.plan', before: 'gold', after: 'platinum' }]);
    // The tenancy's attributes reach the tenant's instances: v1 changes in Terraform only.
    expect(r.objects.find((o) => o.key === 'site1/s1/v1')).toMatchObject({ status: 'affected' });
  });

  test('the summary counts what the plans do, per stack and overall', () => {
    const r = review(base, head);
    const all = plansOf(base, head).flatMap((p) => p.plan.changes);
    expect(r.summary.total.create).toBe(all.filter((c) => c.action === 'create').length);
    expect(r.summary.total.update).toBe(all.filter((c) => c.action === 'update').length);
    expect(r.summary.total.create).toBeGreaterThan(0);
    expect(r.summary.stacks.map((s) => [s.stack, s.matched])).toEqual([['ctl1', 'addresses']]);
  });

  test('objects are grouped in a fixed order of kinds, and no-ops are hidden', () => {
    const r = review(base, head);
    const kinds = r.objects.map((o) => o.kind);
    expect(kinds.indexOf('Tenant')).toBeLessThan(kinds.indexOf('Sliver'));
    const md = renderMarkdown(r);
    expect(md).not.toContain('terraform_data.site_site1');
    expect(md.indexOf('#### Tenants')).toBeLessThan(md.indexOf('#### Slivers'));
  });

  test('the markdown puts the summary first, destroys next, and starts with the comment marker', () => {
    const removed = office((o) => void o.slice.node.tryRemoveChild('v1'));
    const r = review(base, removed);
    const md = renderMarkdown(r);
    expect(md.startsWith(MARKER)).toBe(true);
    expect(r.destroys.map((d) => d.address)).toContain('terraform_data.sliver_site1__s1__v1');
    const order = ['**Plan:', '### Destroys and replacements', '### Authorization', '### Rule violations', '### Changes by model object'].map((s) => md.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toMatch(/🔴 \*\*delete\*\* `terraform_data\.sliver_site1__s1__v1` in `ctl1` — Sliver `site1\/s1\/v1` — reason: its configuration was removed/);
  });
});

describe('secrets', () => {
  const base = office();
  const head = office(addSliver);

  test('secret values never show, whether Terraform marked them sensitive or not', () => {
    for (const unmarked of [false, true]) {
      const r = review(base, head, { unmarked });
      const text = renderMarkdown(r) + JSON.stringify(r);
      expect(text).not.toContain(secretValue('prov_token'));
      expect(text).not.toContain(secretValue('OS_PASSWORD'));
      expect(text).toContain('(sensitive)');
    }
  });

  test('a changed secret reference in the model shows as changed, not by name', () => {
    const head2 = JSON.parse(JSON.stringify(base)) as XosModel;
    (head2.services.find((s) => s.key === 'prov')!.credentials as Record<string, unknown>).token = { secret: 'env', name: 'OTHER_TOKEN' };
    const r = buildReview({ plans: [], head: head2, base });
    const prov = r.objects.find((o) => o.key === 'prov')!;
    expect(prov.model).toEqual([{ path: 'credentials', before: '(secret)', after: '(secret), changed', sensitive: true }]);
    expect(JSON.stringify(r)).not.toContain('OTHER_TOKEN');
  });
});

describe('mapping resources to model objects', () => {
  const base = office(addSliver);
  const head = office();

  test('a deleted resource maps through the base model', () => {
    const r = review(base, head);
    const d = r.destroys.find((x) => x.address === 'terraform_data.sliver_site1__s1__v2')!;
    expect(d.object).toEqual({ key: 'site1/s1/v2', kind: 'Sliver' });
  });

  test('never through a value the plan carries: without the base model, a deleted resource\'s own xos_key maps nothing', () => {
    const r = review(base, head, { withBase: false });
    const d = r.destroys.find((x) => x.address === 'terraform_data.sliver_site1__s1__v2')!;
    expect(d.object).toBeUndefined();
    expect(r.unmapped.map((u) => u.address)).toContain('terraform_data.sliver_site1__s1__v2');
  });

  test('a resource whose xos_key claims another object is still mapped by its address alone', () => {
    const doc = syntheticPlans(base, head).get('ctl1')!;
    const changes = doc.resource_changes as { address: string; change: { before: { input?: Record<string, unknown> } | null; after: { input?: Record<string, unknown> } | null } }[];
    for (const c of changes) for (const v of [c.change.before, c.change.after]) if (v?.input) v.input.xos_key = 'site1/s1/v1';
    const r = buildReview({ plans: [{ plan: normalizePlan(doc, 'ctl1.json') }], head, base, actor: 'sam' });
    const d = r.destroys.find((x) => x.address === 'terraform_data.sliver_site1__s1__v2')!;
    expect(d.object).toEqual({ key: 'site1/s1/v2', kind: 'Sliver' });
  });

  test('and as not in the model when neither knows it', () => {
    const doc = syntheticPlans(base, head).get('ctl1')!;
    const changes = doc.resource_changes as { address: string; change: { before: { input?: unknown } | null } }[];
    for (const c of changes) if (c.change.before) delete c.change.before.input;
    const r = buildReview({ plans: [{ plan: normalizePlan(doc, 'ctl1.json') }], head });
    expect(r.unmapped.map((u) => u.address)).toContain('terraform_data.sliver_site1__s1__v2');
  });

  test('a plan is placed in its stack by its addresses, or by the name given', () => {
    const doc = syntheticPlans(base, head).get('ctl1')!;
    const named = buildReview({ plans: [{ plan: normalizePlan(doc, 'x.json'), stack: 'ctl1' }], head, base });
    expect(named.summary.stacks[0]).toMatchObject({ stack: 'ctl1', matched: 'named' });
    const foreign = normalizePlan({ format_version: '1.2', planned_values: {}, resource_changes: [{ address: 'null_resource.x', mode: 'managed', type: 'null_resource', name: 'x', change: { actions: ['create'], before: null, after: {} } }] }, 'other/stack.json');
    const r = buildReview({ plans: [{ plan: foreign }], head });
    expect(r.summary.stacks[0]).toMatchObject({ stack: 'stack', matched: 'unmatched' });
    expect(r.notes.join('\n')).toContain('name it: --plan STACK=other/stack.json');
  });

  test('two plans for one stack are refused, naming both files', () => {
    const doc = syntheticPlans(base, head).get('ctl1')!;
    try {
      buildReview({ plans: [{ plan: normalizePlan(doc, 'a.json') }, { plan: normalizePlan(doc, 'b.json') }], head, base });
      throw new Error('expected a usage error');
    } catch (e) {
      expect(isXosError(e)).toBe(true);
      expect((e as Error).message).toContain("plans a.json and b.json are both for stack 'ctl1'");
    }
  });
});

describe('authorization in the review', () => {
  const base = office();
  const head = office(addSliver);

  test('without --actor the review says authorization was not checked, and blocks (fails closed)', () => {
    const r = review(base, head);
    expect(r.authorization.checked).toBe(false);
    expect(renderMarkdown(r)).toContain('Authorization was not checked');
    expect(r.exitCode).toBe(3);
  });

  test('with an actor and no base model the review refuses: roles never come from the change itself', () => {
    expect(() => review(base, head, { actor: 'sam', withBase: false })).toThrow(/no base model: the actor's roles must come from the base/);
  });

  test('when the unchanged stacks are known, a changed stack with no plan (its plan failed) blocks', () => {
    const partial = buildReview({ plans: [], head, base, actor: 'sam', unchanged: [] });
    expect(partial.blocking).toEqual([expect.stringMatching(/^Stack ctl1 changed but was not planned: what it does cannot be reviewed\.$/)]);
    expect(partial.exitCode).toBe(3);
    expect(buildReview({ plans: [], head, base, actor: 'sam', unchanged: ['ctl1'] }).blocking).toEqual([]);
  });

  test('first-deploy mode: no base model, every change needs a root admin, even for a root admin of the head', () => {
    const r = buildReview({ plans: plansOf(undefined, head), head, actor: 'admin1', firstDeploy: true });
    expect(r.authorization.firstDeploy).toBe(true);
    expect(r.authorization.checks.length).toBeGreaterThan(0);
    expect(r.authorization.checks.every((c) => !c.allowed && c.approvers.every((a) => a.role === 'root admin'))).toBe(true);
    expect(r.exitCode).toBe(3);
  });

  test('an allowed actor passes and a refused one blocks with exit code 3 and the approvers', () => {
    expect(review(base, head, { actor: 'sam' }).exitCode).toBe(0);
    const other = office((o) => void o.site.addSlice('s9', { image: o.image, flavor: o.flavor }));
    const r = review(base, other, { actor: 'sam' });
    expect(r.exitCode).toBe(3);
    const md = renderMarkdown(r);
    expect(md).toContain('⛔ **RBAC-006** may not add Slice `site1/s9` — approval from one of: Site admin of site1 (admin1)');
  });
});

describe('rule violations', () => {
  test('a rule the head model breaks is flagged with its id, and blocks', () => {
    const base = office();
    const head = JSON.parse(JSON.stringify(base)) as XosModel;
    (head.users[0] as { site: string | null }).site = null; // RBAC-001
    const r = buildReview({ plans: [], head, base });
    const v = r.violations.filter((x) => x.id === 'RBAC-001');
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ severity: 'error', new: true });
    expect(r.exitCode).toBe(3);
    expect(renderMarkdown(r)).toMatch(/⛔ \*\*RBAC-001\*\* error `admin1`: .* _\(new\)_/);
  });
});

describe('the tenancy picture', () => {
  test('marks added, changed and removed Services and tenancies', () => {
    const base = office((o) => void new Service(o.cloud, 'old', { controller: o.dep.addController('old-api', { backend: 'external' }) }));
    const head = office((o) => {
      const svc = new Service(o.cloud, 'fresh', { controller: o.dep.addController('fresh-api', { backend: 'external' }) });
      o.ten.tenantOf(o.prov, { connect: 'public', attributes: { plan: 'silver' } });
      o.ten.tenantOf(svc, { connect: 'public' });
    });
    const r = buildReview({ plans: [], head, base });
    const text = r.diagram!.text;
    expect(text).toMatch(/\["fresh \(added\)"\]:::added/);
    expect(text).toMatch(/\["old \(removed\)"\]:::removed/);
    expect(text).toMatch(/==>\|"public \(added\)"\|/);
    expect(text).toMatch(/-->\|"public \(changed\)"\|/);
    expect(text).toMatch(/\["ten"\]\n/);
    expect(renderMarkdown(r)).toContain('```mermaid\nflowchart LR');
  });
});

describe('scale', () => {
  test('50,000 resource changes review, and the markdown still fits a comment with the essentials kept', () => {
    const head = office();
    const n = 50_000;
    const changes = [];
    for (let i = 0; i < n; i++) {
      const action = i % 10 === 0 ? ['delete'] : i % 3 === 0 ? ['update'] : ['create'];
      changes.push({
        address: `terraform_data.sliver_x${i}`,
        mode: 'managed',
        type: 'terraform_data',
        name: `sliver_x${i}`,
        change: {
          actions: action,
          before: action[0] === 'create' ? null : { input: { xos_key: 'site1/s1/v1', n: i, pw: `pw-${i}` } },
          after: action[0] === 'delete' ? null : { input: { xos_key: 'site1/s1/v1', n: i + 1, pw: `pw-${i}` } },
          after_unknown: {},
          before_sensitive: { input: { pw: true } },
          after_sensitive: { input: { pw: true } },
        },
        ...(action[0] === 'delete' ? { action_reason: 'delete_because_no_resource_config' } : {}),
      });
    }
    const plan = normalizePlan({ format_version: '1.2', planned_values: {}, resource_changes: changes }, 'big.json');
    const r = buildReview({ plans: [{ plan, stack: 'ctl1' }], head, base: head, actor: 'nobody' });
    expect(r.summary.total.delete).toBe(n / 10);
    expect(r.destroys).toHaveLength(n / 10);
    const md = renderMarkdown(r, { fullCommand: 'xos review --plan big.json --format json' });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(COMMENT_LIMIT);
    for (const s of ['**Plan:', '### Destroys and replacements (5000)', '### Authorization', '### Rule violations']) expect(md).toContain(s);
    expect(md).toContain('This review was cut to fit a GitHub comment');
    expect(md).toMatch(/left out: \d+ of 5000 destroys and replacements/);
    expect(md).toContain('`xos review --plan big.json --format json`');
    expect(md).not.toMatch(/pw-\d/);
  });
});

describe('tenant instances in the review', () => {
  /** The office with a vCPE (Slice s3, no admin of its own) whose subscriber alice holds sub-1042. */
  const withBundle = (bundle: string) =>
    office((o) => {
      const s3 = o.site.addSlice('s3', { image: o.image, flavor: o.flavor });
      s3.addSliver('c1', { deployment: o.dep });
      const vcpe = new Service(o.cloud, 'vCPE', { slices: [s3], acceptsUsers: true });
      // A Slice of its own (a Slice implements one Service), administered by sam like ten's.
      const s4 = o.site.addSlice('s4', { image: o.image, flavor: o.flavor });
      s4.grant(o.sam, 'admin');
      s4.addSliver('b1', { deployment: o.dep });
      new Service(o.cloud, 'vBNG', { slices: [s4] }).tenantOf(vcpe, { connect: 'none' });
      const alice = new User(o.cloud, 'alice', { site: o.site });
      new User(o.cloud, 'bob', { site: o.site });
      vcpe.addTenant('sub-1042', { subscriber: alice, attributes: { bundle } });
    });
  const base = withBundle('family');
  const head = withBundle('business');

  test("an instance's record change is mapped by its address to the instance, shown in the subscriber's words", () => {
    const r = review(base, head, { actor: 'alice' });
    const o = r.objects.find((x) => x.key === 'vCPE/sub-1042')!;
    expect(o).toMatchObject({ kind: 'Instance', label: 'sub-1042 (alice: vCPE)', status: 'changed' });
    expect(o.model).toEqual([{ path: 'bundle', before: 'family', after: 'business' }]);
    expect(o.resources.map((x) => x.address)).toEqual(['terraform_data.instance_vCPE__sub-1042']);
    const md = renderMarkdown(r);
    expect(md).toContain('#### Tenant instances\n- **changed** `sub-1042 (alice: vCPE)` (`vCPE/sub-1042`)');
    expect(r.exitCode).toBe(0);
  });

  test('RBAC-009 in the review: the subscriber may change it (passing), another User may not and blocks with the approvers (failing)', () => {
    expect(review(base, head, { actor: 'alice' }).authorization.checks.map((c) => [c.id, c.key, c.allowed])).toEqual([['RBAC-009', 'vCPE/sub-1042', true]]);
    const r = review(base, head, { actor: 'bob' });
    expect(r.exitCode).toBe(3);
    expect(renderMarkdown(r)).toContain('⛔ **RBAC-009** may not change tenant instance `sub-1042 (alice: vCPE)` (plan: `ctl1: terraform_data.instance_vCPE__sub-1042`) — approval from one of: subscriber alice (alice)');
    expect(renderMarkdown(review(base, head, { actor: 'alice' }))).toContain('Actor: `alice` — holds subscriber alice');
  });
});
