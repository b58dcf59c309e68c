/**
 * TNI: tenant instances (paper 3.2 and 4.3). A tenant instance is one virtual instance of a
 * provider Service held by a subscriber (a User, a Service, or another instance: chains).
 *
 * A Central Office holds 10k to 100k subscribers: a problem shared by thousands of instances
 * (a schema a data file does not meet, a pool too small) is reported for the first few, then
 * once more as a count, so that the output stays readable.
 */
import { poolSlots, scopeOf, scopeText } from '../model/allocate';
import type { ModelIndex } from '../model/index';
import type { InstanceModel, ServiceModel } from '../model/types';
import type { Finding, Rule, RuleContext } from './rule';
import { describeAjvError, isSecretRef, validator } from './ten';
import { nameOf, undeclared } from './util';

/** How many findings of one kind (per provider) are listed before the rest are counted. */
export const FINDINGS_LISTED = 20;

/** Findings grouped by a key: the first FINDINGS_LISTED of each group, then one line counting the rest. */
class Capped {
  private readonly counts = new Map<string, { n: number; path: string; what: string }>();
  public readonly out: Finding[] = [];

  public add(group: string, f: Finding, what: string, summaryPath: string): void {
    const c = this.counts.get(group) ?? { n: 0, path: summaryPath, what };
    c.n++;
    this.counts.set(group, c);
    if (c.n <= FINDINGS_LISTED) this.out.push(f);
  }

  public findings(): Finding[] {
    for (const c of this.counts.values())
      if (c.n > FINDINGS_LISTED) this.out.push({ path: c.path, message: `and ${(c.n - FINDINGS_LISTED).toLocaleString('en-US')} more instances ${c.what} (${c.n.toLocaleString('en-US')} in all; the first ${FINDINGS_LISTED} are listed).` });
    return this.out;
  }
}

/** The values of an instance: as declared, with its allocated values. */
export function effectiveAttributes(i: InstanceModel): Readonly<Record<string, unknown>> {
  return i.allocated ? { ...i.attributes, ...i.allocated } : i.attributes;
}

/** How an instance is named in messages: `vOLT/sub-1042 (of User alice)`. */
function held(index: ModelIndex, i: InstanceModel): string {
  const s = index.get(i.subscriber);
  const by = s ? `${s.kind === 'Instance' ? 'instance' : s.kind} ${s.kind === 'Instance' ? s.key : s.name}` : i.subscriber ? undeclared(i.subscriber) : 'nobody';
  return `instance ${i.key} (held by ${by})`;
}

function own(o: Readonly<Record<string, unknown>>, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

const SUBSCRIBER_KINDS = ['User', 'Service', 'Instance'];

export const tniRules: Rule[] = [
  {
    id: 'TNI-001',
    severity: 'error',
    title: 'A tenant instance names a declared provider Service and a declared subscriber (User, Service or tenant instance); its id is unique within its provider.',
    why: 'An instance is a virtual instance of its provider held on behalf of its subscriber; with either end unknown nobody can implement it, bill it or answer for it.',
    fix: 'Declare the instance on a Service of this cloud (`provider.addTenant(id, { subscriber })`) with a User, Service or instance of this cloud as its subscriber, and one id per instance.',
    origin: 'paper, 3.2 ("tenants ... representing a virtual instance of a service", Users "one example of a principal that can request tenancy") and 4.3',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const ids = new Map<string, string>();
      const capped = new Capped();
      for (const i of model.instances) {
        if (!index.has(i.provider, 'Service')) yield { path: i.key, message: `the provider Service ${i.provider ? undeclared(i.provider) : '(none)'} of instance ${i.name} is not declared in this model. Declare the instance on a Service of this cloud.` };
        const s = index.get(i.subscriber);
        if (!s || !SUBSCRIBER_KINDS.includes(s.kind))
          capped.add(
            `subscriber\u0000${i.provider}`,
            { path: i.key, message: `instance ${i.name} of ${nameOf(index, i.provider)} is held by ${i.subscriber ? undeclared(i.subscriber) : 'nobody'}, which is not a User, Service or tenant instance declared in this model. Give it a subscriber declared in this cloud.` },
            `of ${nameOf(index, i.provider)} with an undeclared subscriber`,
            i.provider ?? i.key,
          );
        const id = `${i.provider}\u0000${i.name}`;
        const first = ids.get(id);
        if (first !== undefined) yield { path: i.key, message: `the id '${i.name}' is used twice among the instances of ${nameOf(index, i.provider)} (${first} and ${i.key}). Give each instance its own id.` };
        else ids.set(id, i.key);
        if (i.provider && i.key !== `${i.provider}/${i.name}`) yield { path: i.key, message: `instance ${i.name} of ${nameOf(index, i.provider)} has the key ${i.key}; an instance's key is <provider>/<id> (${i.provider}/${i.name}). Synthesize the model again with xos synth.` };
      }
      yield* capped.findings();
    },
  },
  {
    id: 'TNI-002',
    severity: 'error',
    title: 'A chain follows the service graph: an instance of provider B whose subscriber is an instance of Service A exists only if A is declared a tenant of B. An instance whose subscriber is a User needs the provider to accept User subscribers.',
    why: 'The tenancy graph is the operator\'s security policy (paper 4.2): a chain that skips it composes Services nobody allowed to compose, over connections nobody declared.',
    fix: 'Declare the tenancy (`a.tenantOf(b, { connect })`), subscribe the instance to an instance of a Service that is a tenant of the provider, or let the provider accept Users (`acceptsUsers: true`).',
    origin: 'paper, 4.3 ("a subscriber becomes a tenant of vOLT ..., which becomes a tenant of vCPE ..., which becomes a tenant of vBNG"); xos\'s invariants',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const capped = new Capped();
      const tenantOf = (a: string, b: string) => (index.tenantsByTenant.get(a) ?? []).some((t) => t.provider === b);
      for (const i of model.instances) {
        const p = index.get<ServiceModel>(i.provider);
        const s = index.get(i.subscriber);
        if (!p || p.kind !== 'Service' || !s) continue;
        if (s.kind === 'User') {
          if (!p.acceptsUsers)
            capped.add(
              `users\u0000${p.key}`,
              { path: i.key, message: `${held(index, i)}: User ${s.name} subscribes to ${p.name} directly, but ${p.name} does not accept User subscribers. Give ${p.name} acceptsUsers: true, or subscribe the User to the first Service of the chain.` },
              `of ${p.name} held by Users, which ${p.name} does not accept`,
              p.key,
            );
        } else if (s.kind === 'Service') {
          if (!tenantOf(s.key, p.key))
            capped.add(
              `service\u0000${s.key}\u0000${p.key}`,
              { path: i.key, message: `${held(index, i)}: Service ${s.name} is not declared a tenant of ${p.name}. Declare ${s.name}.tenantOf(${p.name}, { connect }) first.` },
              `of ${p.name} held by ${s.name}, which is not its tenant`,
              p.key,
            );
        } else if (s.kind === 'Instance') {
          if (index.rootOf(i).cycle) {
            const chain = index.chainOf(i);
            yield { path: i.key, message: `the chain of ${i.key} comes back to ${chain.root}: ${[...chain.instances.map((x) => x.key), chain.root].join(' -> ')}. A chain ends at a User or a Service; break the cycle.` };
            continue;
          }
          const a = index.get<ServiceModel>(s.provider);
          if (a && a.kind === 'Service' && !tenantOf(a.key, p.key))
            capped.add(
              `chain\u0000${a.key}\u0000${p.key}`,
              { path: i.key, message: `${held(index, i)}: an instance of ${a.name} holds an instance of ${p.name}, but ${a.name} is not declared a tenant of ${p.name}. Declare ${a.name}.tenantOf(${p.name}, { connect }), or subscribe it to an instance of a Service that is a tenant of ${p.name}.` },
              `of ${p.name} held by instances of ${a.name}, which is not its tenant`,
              p.key,
            );
        }
      }
      yield* capped.findings();
    },
  },
  {
    id: 'TNI-003',
    severity: 'error',
    title: "An instance's attributes are valid against the provider's tenant schema; each error points at the attribute path and names the instance and its subscriber.",
    why: 'The provider acts on these attributes for every instance (a VLAN, a bundle, a subnet); a bad one breaks a subscriber at run time, far from the row that holds it.',
    fix: "Fix the instance's attributes (or the data file's row) to match the provider's instanceSchema (or tenantSchema).",
    origin: 'paper, 3.2 ("Attributes: tenancy related state required by provider service") and 4.3',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const capped = new Capped();
      for (const [provider, instances] of index.instancesByProvider) {
        const p = index.get<ServiceModel>(provider);
        if (!p || p.kind !== 'Service') continue;
        const schema = p.instanceSchema ?? p.tenantSchema;
        if (schema === undefined) continue;
        const { validate: v, problems } = validator(schema);
        const which = p.instanceSchema !== undefined ? 'instanceSchema' : 'tenantSchema';
        // A problem of the tenantSchema itself is TEN-004's to report when tenancies use it; the instances' are said here.
        for (const problem of problems) yield { path: p.key, message: `Service ${p.name}: ${problem.replace(/tenantSchema/g, which)}. Fix the schema${v ? '' : `; none of its ${instances.length} instances can be checked until then`}.` };
        if (!v) continue;
        const pooled = new Set((p.pools ?? []).map((q) => q.attribute));
        for (const i of instances) {
          const values = index.valuesOf(i);
          if (v(values)) continue;
          for (const e of v.errors ?? []) {
            if (isSecretRef(valueAt(values, e.instancePath))) continue; // a secret's value is known only to Terraform
            // A pooled attribute the pool could not fill is TNI-005's to report (the pool is too small).
            if (e.keyword === 'required' && !e.instancePath && pooled.has((e.params as { missingProperty: string }).missingProperty)) continue;
            capped.add(
              `${p.key}\u0000${e.schemaPath}`,
              { path: i.key, message: `${describeAjvError(e)} (${held(index, i)}; schema of ${p.name}, at ${e.schemaPath}).` },
              `of ${p.name} failing ${e.schemaPath}`,
              p.key,
            );
          }
        }
      }
      yield* capped.findings();
      void model;
    },
  },
  {
    id: 'TNI-004',
    severity: 'error',
    title: "The provider's uniqueness constraints hold across its instances (for example no two vOLT instances share an (s_tag, c_tag) pair); the message names both instances.",
    why: 'Two subscribers on one VLAN pair see each other\'s traffic; the provider cannot tell them apart.',
    fix: 'Give one of the two instances other values (or leave the value to a pool).',
    origin: 'paper, 4.3 ("Each tenant corresponds to a Subscriber VLAN"); real XOS kept one VOLTTenant per (s_tag, c_tag)',
    *check({ index }: RuleContext): Iterable<Finding> {
      for (const [provider, instances] of index.instancesByProvider) {
        const p = index.get<ServiceModel>(provider);
        if (!p || p.kind !== 'Service' || !p.unique?.length) continue;
        for (const attrs of p.unique) {
          const seen = new Map<string, string>();
          for (const i of instances) {
            const values = index.valuesOf(i);
            const tuple = attrs.map((a) => own(values, a));
            if (tuple.some((x) => x === undefined || isSecretRef(x))) continue;
            const id = JSON.stringify(tuple);
            const first = seen.get(id);
            if (first === undefined) {
              seen.set(id, i.key);
              continue;
            }
            const shown = attrs.length === 1 ? `${attrs[0]} ${JSON.stringify(tuple[0])}` : `(${attrs.join(', ')}) = (${tuple.map((x) => JSON.stringify(x)).join(', ')})`;
            yield { path: i.key, message: `instances ${first} and ${i.key} of ${p.name} share ${shown}, which ${p.name} requires to be unique. Give one of them other values.` };
          }
        }
      }
    },
  },
  {
    id: 'TNI-005',
    severity: 'error',
    title: 'Values allocated from a pool (VLAN ids, routable subnets) lie in the pool and are unique; a pool too small for its instances is an error naming the pool, its size and the demand.',
    why: 'A value outside the pool is one the provider does not own (another operator\'s VLAN, someone else\'s addresses); two instances with one value collide; and an instance the pool cannot serve gets nothing.',
    fix: "Give values inside the pool, widen the pool, or split the demand (`per` another attribute). Allocations are recorded in xos.allocations.json: review and commit it; `--locked` (CI) allocates nothing.",
    origin: "paper, 4.3 (a VLAN per subscriber, a routable subnet per tenant); real XOS's vRouter AddressPool kept its addresses in use",
    *check({ index }: RuleContext): Iterable<Finding> {
      const capped = new Capped();
      for (const [provider, instances] of index.instancesByProvider) {
        const p = index.get<ServiceModel>(provider);
        if (!p || p.kind !== 'Service' || !p.pools?.length) continue;
        const pooled = new Set(p.pools.map((q) => q.attribute));
        for (const pool of p.pools) {
          const slots = poolSlots(pool);
          if (typeof slots === 'string') {
            yield { path: p.key, message: `Service ${p.name}'s pool for ${pool.attribute}: ${slots}. Fix the pool.` };
            continue;
          }
          const cyc = pool.per.find((a) => a === pool.attribute || (pooled.has(a) && p.pools!.find((q) => q.attribute === a)?.per.includes(pool.attribute)));
          if (cyc !== undefined) {
            yield { path: p.key, message: `Service ${p.name}'s pool for ${pool.attribute} is per ${cyc}, whose own pool is per ${pool.attribute}: neither can be allocated first. Remove one of those 'per' attributes.` };
            continue;
          }
          const scopes = new Map<string, { values: Map<number, string>; demand: number; missing: number; example: Readonly<Record<string, unknown>> }>();
          for (const i of instances) {
            const values = index.valuesOf(i);
            const scope = scopeOf(values, pool.per);
            let sc = scopes.get(scope);
            if (!sc) scopes.set(scope, (sc = { values: new Map(), demand: 0, missing: 0, example: values }));
            sc.demand++;
            const v = own(values, pool.attribute);
            if (v === undefined) {
              sc.missing++;
              continue;
            }
            const slot = slots.slotOf(v);
            if (slot === undefined) {
              capped.add(
                `out\u0000${p.key}\u0000${pool.attribute}`,
                { path: i.key, message: `${pool.attribute} ${JSON.stringify(v)} of ${held(index, i)} is outside ${p.name}'s pool (${slots.text}). Give a value inside the pool, or leave it out and let the pool allocate one.` },
                `of ${p.name} with ${pool.attribute} outside its pool`,
                p.key,
              );
              continue;
            }
            const other = sc.values.get(slot);
            if (other !== undefined)
              yield { path: i.key, message: `instances ${other} and ${i.key} of ${p.name} both have ${pool.attribute} ${JSON.stringify(v)}${pool.per.length ? ` (${scopeText(values, pool.per)})` : ''}; a pool's values are unique. Give one of them another value, or leave it out to have one allocated.` };
            else sc.values.set(slot, i.key);
          }
          for (const sc of scopes.values()) {
            if (!sc.missing) continue;
            const where = pool.per.length ? `, per ${scopeText(sc.example, pool.per)}` : '';
            yield {
              path: p.key,
              message: `Service ${p.name}'s pool for ${pool.attribute} (${slots.text}${where}) has ${slots.size.toLocaleString('en-US')} values, and ${sc.demand.toLocaleString('en-US')} instances draw from it: ${sc.missing.toLocaleString('en-US')} got none. Widen the pool${pool.per.length ? `, or spread the instances over more ${pool.per.join(', ')} values` : ''}.`,
            };
          }
        }
      }
      yield* capped.findings();
    },
  },
  {
    id: 'TNI-006',
    severity: 'warning',
    title: 'A subscriber User with no instance left, or an instance whose subscriber chain ends in no User or Service, is reported (orphans after an edit).',
    why: 'After a subscriber leaves, a User that holds nothing and may do nothing is an account nobody answers for; an instance whose chain ends nowhere is a VLAN or a subnet held for nobody.',
    fix: 'Remove the User (or the orphaned instances), or acknowledge TNI-006 on it with the reason it stays.',
    origin: 'operator judgement (the seeds are silent); a User counts as a subscriber in a cloud where some Service accepts User subscribers, when it holds no role',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const capped = new Capped();
      if (model.services.some((s) => s.acceptsUsers)) {
        for (const u of model.users) {
          if (index.privilegesByUser.has(u.key) || index.instancesBySubscriber.has(u.key)) continue;
          capped.add('users', { path: u.key, message: `User ${u.name} holds no tenant instance and no role: a subscriber whose instances were removed? Remove the User, or acknowledge TNI-006 on it with the reason it stays.` }, 'of Users that hold nothing', '');
        }
      }
      for (const i of model.instances) {
        if (index.get(i.subscriber)?.kind !== 'Instance') continue; // a direct dangling subscriber is TNI-001's
        const start = index.rootOf(i);
        if (start.cycle) continue; // TNI-002's
        const root = index.get(start.root);
        if (root && (root.kind === 'User' || root.kind === 'Service')) continue;
        const chain = index.chainOf(i);
        capped.add(
          `chain\u0000${i.provider}`,
          { path: i.key, message: `the chain of ${i.key} (${chain.instances.map((x) => x.key).join(' -> ')}) ends at ${chain.root ? undeclared(chain.root) : 'nothing'}, not at a User or a Service: it is held for nobody. Remove it, or give the first instance of the chain a subscriber.` },
          `of ${nameOf(index, i.provider)} whose chains end at nobody`,
          i.provider ?? i.key,
        );
      }
      yield* capped.findings();
    },
  },
];

/** The value at an ajv instance path (`/a/0/b`) of a value. */
function valueAt(v: unknown, pointer: string): unknown {
  if (!pointer) return v;
  let at: unknown = v;
  for (const raw of pointer.slice(1).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object') return undefined;
    at = Object.prototype.hasOwnProperty.call(at, k) ? (at as Record<string, unknown>)[k] : undefined;
  }
  return at;
}
