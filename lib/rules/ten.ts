import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { findCycles } from '../model/graph';
import { linearRegExp, PatternError } from '../util/linear-regex';
import type { ServiceModel, SourceLocation, TenantModel } from '../model/types';
import type { Finding, Rule, RuleContext } from './rule';
import { listNames, nameOf, undeclared } from './util';

export const CONNECT_MODES = ['public', 'shared-private', 'interconnect-private', 'none'] as const;

/** An external Service: a Controller and no Slice (S3, EC2, GAE). */
export function isExternal(s: ServiceModel): boolean {
  return s.slices.length === 0 && !!s.controller;
}

/** True for a value of the model that is a secret's reference (`{ secret: 'env', name }`). */
export function isSecretRef(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && ((v as { secret?: unknown }).secret === 'env' || (v as { secret?: unknown }).secret === 'tfvar') && typeof (v as { name?: unknown }).name === 'string';
}

let ajv: Ajv | undefined;
/** What ajv said while compiling the schema at hand; it never prints anything itself. */
let said: string[] = [];
const compiled = new WeakMap<object, Tenancy>();

/** A provider's compiled tenant schema, with what is wrong with the schema itself. */
export interface Tenancy {
  /** Undefined when the schema does not compile. */
  readonly validate?: ValidateFunction;
  readonly problems: readonly string[];
}

function tenantSchemaAjv(): Ajv {
  if (ajv) return ajv;
  const quiet = { log: () => undefined, warn: (...m: unknown[]) => void said.push(m.map(String).join(' ')), error: (...m: unknown[]) => void said.push(m.map(String).join(' ')) };
  // Loaded on first use: a model without tenant schemas (and a recipe) never pays for ajv.
  /* eslint-disable @typescript-eslint/no-var-requires */
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
  /* eslint-enable @typescript-eslint/no-var-requires */
  // Patterns run in a linear-time engine: a pattern JavaScript would backtrack on
  // exponentially (`^(a+)+$`) takes time linear in the value; one that cannot run so
  // (backreferences, lookaround) is refused here, when the schema is compiled.
  type RegExpEngine = NonNullable<NonNullable<ConstructorParameters<typeof AjvClass>[0]>['code']>['regExp'];
  ajv = new AjvClass({ allErrors: true, strict: false, logger: quiet, code: { regExp: linearRegExp as unknown as RegExpEngine } });
  // The formats of JSON Schema (ipv4, hostname, uri, date-time, ...): without them ajv ignores `format`.
  addFormats(ajv);
  return ajv;
}

const UNKNOWN_FORMAT = /^unknown format "(.*)" ignored in schema at path "(.*)"$/s;

/** The compiled validator of a tenant or instance schema, with what is wrong with the schema itself (shared by TEN-004 and TNI-003). */
export function validator(schema: unknown): Tenancy {
  if (!schema || typeof schema !== 'object') return { problems: ['the tenantSchema is not a JSON Schema object'] };
  const hit = compiled.get(schema as object);
  if (hit) return hit;
  const a = tenantSchemaAjv();
  said = [];
  let v: Tenancy;
  try {
    const validate = a.compile(schema as object);
    // An unknown format would be skipped silently: the attribute it describes would go unchecked.
    const known = Object.keys(a.formats).sort().join(', ');
    const problems = [...new Set(said)].flatMap((m) => {
      const f = UNKNOWN_FORMAT.exec(m);
      return f ? [`the tenantSchema names the format '${f[1]}' (at ${f[2]}), which xos does not know, so it would check nothing. Use one of ${known}, or describe the value with a pattern`] : [];
    });
    v = { validate, problems };
  } catch (e) {
    v = {
      problems: [
        e instanceof PatternError
          ? `the tenantSchema's ${e.message}. xos runs tenant schema patterns in a linear-time engine (no backtracking, so no value can make validation hang), which has no backreferences or lookaround: rewrite the pattern without them`
          : `the tenantSchema is not a valid JSON Schema: ${(e as Error).message}`,
      ],
    };
  } finally {
    said = [];
  }
  compiled.set(schema as object, v);
  return v;
}

export function describeAjvError(e: ErrorObject): string {
  const at = e.instancePath ? `attributes${e.instancePath.replace(/\//g, '.')}` : 'attributes';
  if (e.keyword === 'required') return `${at}.${(e.params as { missingProperty: string }).missingProperty} is required`;
  if (e.keyword === 'additionalProperties') return `${at}.${(e.params as { additionalProperty: string }).additionalProperty} is not allowed`;
  // The values allowed, not only that the value is not one of them.
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${at} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  return `${at} ${e.message}`;
}

/** The object declared last in the program (by file, line, column); the last of the list when that cannot be told. */
function lastDeclared<T extends { key: string }>(objects: readonly T[], sourceOf: RuleContext['sourceOf']): T | undefined {
  let best: T | undefined;
  let at: SourceLocation | undefined;
  for (const o of objects) {
    const s = sourceOf?.(o.key);
    const later = !best || !s || !at || (s.file === at.file ? s.line > at.line || (s.line === at.line && (s.column ?? 0) >= (at.column ?? 0)) : true);
    if (later) {
      best = o;
      at = s;
    }
  }
  return best;
}

export const tenRules: Rule[] = [
  {
    id: 'TEN-001',
    severity: 'error',
    title: 'A Tenant names a declared tenant Service and a declared provider Service, and they differ.',
    why: 'A tenancy binds two Services; a Service that is its own tenant, or a tenancy with an undeclared end, means nothing.',
    fix: 'Bind two distinct Services declared in this cloud: `tenant.tenantOf(provider, { connect })`.',
    origin: 'paper, 3.2 (Tenant = (Service_T, Service_P, Connect, Attributes))',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const t of model.tenants) {
        if (!index.has(t.tenant, 'Service')) yield { path: t.key, message: `the tenant Service ${t.tenant ? undeclared(t.tenant) : '(none)'} is not declared in this model.` };
        if (!index.has(t.provider, 'Service')) yield { path: t.key, message: `the provider Service ${t.provider ? undeclared(t.provider) : '(none)'} is not declared in this model. Declare it in this cloud.` };
        else if (t.tenant === t.provider) yield { path: t.key, message: `Service ${nameOf(index, t.tenant)} is declared a tenant of itself. A tenancy binds two different Services.` };
      }
    },
  },
  {
    id: 'TEN-002',
    severity: 'error',
    title: 'The tenancy graph has no cycle; the message prints the whole cycle (A -> B -> C -> A).',
    why: 'Providers are set up before their tenants; a cycle has no order, and XOS\'s own loader hung on one.',
    fix: 'Remove one tenancy of the cycle.',
    origin: 'xos design: XOS\'s TOSCA loader hung on a dependency cycle; this rule names the cycle',
    *check({ model, index, sourceOf }: RuleContext): Iterable<Finding> {
      for (const cycle of findCycles(model.tenants)) {
        const names = cycle.map((k) => index.get(k)?.name ?? k);
        // Reported on the tenancy declared last: the `tenantOf` that closed the cycle.
        const edges = cycle.slice(1).map((provider, i) => model.tenants.find((t) => t.tenant === cycle[i] && t.provider === provider));
        const closing = lastDeclared(edges.filter((t): t is TenantModel => !!t), sourceOf);
        const plain = (k: string | null) => (k ? index.get(k)?.name ?? k : '(none)');
        const closed = closing ? ` This tenancy (${plain(closing.tenant)} -> ${plain(closing.provider)}), declared last, closed it.` : '';
        yield { path: closing?.key ?? cycle[0], message: `the tenancy graph has a cycle: ${names.join(' -> ')}. Remove one of these tenancies.${closed}` };
      }
    },
  },
  {
    id: 'TEN-003',
    severity: 'error',
    title:
      '`connect` is one of `public`, `shared-private`, `interconnect-private`, `none`. Private connects need both Services to have Slices; an external Service (a Controller and no Slice, like S3 or EC2) can only be reached `public` or `none`; a tenancy of an abstract Service (no Slice, no Controller: only composed) is `none`, a control-plane-only dependency with no data-plane path.',
    why: 'Private connects are built from the two Services\' virtual networks; a Service with no Slice has none, and an abstract Service has no address at all: only its control plane (attributes, credentials) can be composed.',
    fix: "Use `connect: 'public'` (or `'none'`) for external Services, `'none'` for abstract ones, or give both Services Slices.",
    origin: "paper, 3.2 (data-plane connectivity and control-plane tenancy are separate aspects) and 4.1; R-CORD's service dependencies were all control-plane only (`none`)",
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const t of model.tenants) {
        if (!(CONNECT_MODES as readonly string[]).includes(t.connect)) {
          yield { path: t.key, message: `connect '${t.connect}' is not one of ${CONNECT_MODES.join(', ')}.` };
          continue;
        }
        if (t.connect === 'none') continue;
        const abstract = ([['tenant', t.tenant], ['provider', t.provider]] as const).filter(([, r]) => index.get<ServiceModel>(r)?.abstract);
        if (abstract.length) {
          for (const [role, r] of abstract)
            yield { path: t.key, message: `connect '${t.connect}' needs a data-plane path, but the ${role} Service ${nameOf(index, r)} is abstract (no Slice, no Controller: nothing to connect to). Use connect 'none', a control-plane-only tenancy.` };
          continue;
        }
        if (t.connect === 'public') continue;
        for (const [role, ref] of [['tenant', t.tenant], ['provider', t.provider]] as const) {
          const s = index.get<ServiceModel>(ref);
          if (!s || s.kind !== 'Service') continue;
          if (!s.slices.length)
            yield { path: t.key, message: `connect '${t.connect}' needs the ${role} Service ${s.name} to have Slices, but it has none${isExternal(s) ? ' (it is an external Service, reachable only public)' : ''}. Use connect 'public' (or 'none' for a control-plane-only tenancy)${isExternal(s) ? '' : ', or give it a Slice'}.` };
        }
      }
    },
  },
  {
    id: 'TEN-004',
    severity: 'error',
    title: "The Tenant's attributes are valid against the JSON Schema that the provider Service declares for its tenants; each error points at the attribute path.",
    why: 'The provider acts on these attributes for every tenant instance; bad ones break it at run time, far from the mistake.',
    fix: "Fix the attributes to match the provider's tenantSchema; where the schema itself is wrong (not valid JSON Schema, or a `format` that xos does not know, which would check nothing), fix the schema.",
    origin: 'paper, 3.2 ("Attributes: tenancy related state required by provider service")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const t of model.tenants) {
        const p = index.get<ServiceModel>(t.provider);
        if (!p || p.kind !== 'Service' || p.tenantSchema === undefined) continue;
        const { validate, problems } = validator(p.tenantSchema);
        for (const problem of problems) yield { path: t.key, message: `provider ${p.name}: ${problem}. Fix the provider's tenantSchema.` };
        if (validate && !validate(t.attributes))
          for (const e of validate.errors ?? [])
            yield { path: t.key, message: `${describeAjvError(e)} (schema of provider ${p.name}, at ${e.schemaPath}).` };
      }
    },
  },
  {
    id: 'TEN-005',
    severity: 'error',
    title: 'The same tenant/provider pair is declared at most once.',
    why: 'Two tenancies between the same Services would carry two sets of attributes and credentials with no way to tell which applies.',
    fix: 'Merge the two tenancies into one.',
    origin: 'operator judgement (the seeds are silent)',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const seen = new Map<string, TenantModel>();
      for (const t of model.tenants) {
        if (!t.tenant || !t.provider) continue;
        const id = `${t.tenant}\u0000${t.provider}`;
        const first = seen.get(id);
        if (first) yield { path: t.key, message: `${nameOf(index, t.tenant)} is already a tenant of ${nameOf(index, t.provider)} (${first.key}). Declare each tenancy once.` };
        else seen.set(id, t);
      }
    },
  },
  {
    id: 'TEN-006',
    severity: 'error',
    title: 'A Service has at least one Slice or a Controller, unless it is declared abstract (only composed: neither a Slice nor a Controller, no stack of its own).',
    why: 'A Service is implemented by Slices, or is an external service behind a Controller; with neither it has no implementation, unless it is only a composition of other Services (an abstract Service, like R-CORD\'s subscriber service), which must then say so rather than be given an invented Controller and stack.',
    fix: "Bind a Slice (`service.addSlice(slice)`), give it a `controller`, or declare it `abstract: true` if it is only composed.",
    origin: 'paper, 3.1 (Service = ({Slice,...}, Controller)) and 2.2 (Everything-as-a-Service: combinations of services are services)',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const s of model.services) {
        if (s.controller && !index.has(s.controller, 'Controller'))
          yield { path: s.key, message: `Service ${s.name}'s Controller ${undeclared(s.controller)} is not declared in this model.` };
        const bad = s.slices.filter((x) => !index.has(x, 'Slice'));
        if (bad.length) yield { path: s.key, message: `Service ${s.name} is bound to Slices that are not declared in this model: ${listNames(bad.map(undeclared))}.` };
        if (s.abstract) {
          if (s.slices.length || s.controller)
            yield { path: s.key, message: `Service ${s.name} is declared abstract but has ${s.slices.length ? 'Slices' : 'a Controller'}: an abstract Service has neither. Remove abstract: true, or the ${s.slices.length ? 'Slices' : 'Controller'}.` };
        } else if (!s.slices.length && !s.controller)
          yield { path: s.key, message: `Service ${s.name} has neither a Slice nor a Controller. Bind a Slice (service.addSlice(slice)), give it a controller, or declare it abstract: true if it is only composed.` };
      }
    },
  },
  {
    id: 'TEN-007',
    severity: 'error',
    title: "A private connect's derived networks and security rules let only the tenant's Slivers reach the provider's Slivers, on the provider's declared ports: nothing else is opened (least privilege). The synthesizer guarantees it; the validator checks the synthesized result.",
    why: 'Private connects exist to avoid the public Internet; a rule wider than tenant-to-provider on the provider\'s ports undoes that.',
    fix: "This is the compiler's job; a violation is a bug in xos. Report it.",
    origin: 'paper, 3.2 ("violates the principle of least privilege"); xos\'s invariants',
    *check({ model, index, layout }: RuleContext): Iterable<Finding> {
      const privateTenancies = new Map(model.tenants.filter((t) => t.connect === 'shared-private' || t.connect === 'interconnect-private').map((t) => [t.key, t]));
      for (const stack of layout.stacks) {
        const groups = new Map(stack.resources.filter((r) => r.kind === 'secgroup').map((r) => [r.name, r]));
        const slicesHere = new Set(stack.resources.filter((r) => r.kind === 'sliver').map((r) => String(r.attrs.slice)));
        const rulesOf = new Map<string, Set<string>>();
        for (const r of stack.resources) {
          if (r.kind !== 'secrule') continue;
          const g = groups.get(r.refs.group ?? '');
          const t = privateTenancies.get(String(r.attrs.tenancy));
          if (!t) {
            // A rule of no tenancy may not sit in a provider's group: only tenancies open those.
            if (g?.attrs.purpose === 'provider') yield { path: g.model, message: `in stack ${stack.name}, rule ${r.name} opens the provider group ${g.name} of ${g.attrs.service} without a tenancy; only its tenants may be admitted.` };
            continue;
          }
          const provider = index.get<ServiceModel>(t.provider);
          const remote = groups.get(r.refs.remote_group ?? '');
          const where = `in stack ${stack.name}, rule ${r.name} of tenancy ${t.key}`;
          if (!g || g.attrs.purpose !== 'provider' || g.attrs.service !== t.provider) yield { path: t.key, message: `${where} is not in the provider's group of this tenancy.` };
          if (!remote || remote.attrs.purpose !== 'tenant' || remote.attrs.service !== t.tenant)
            yield { path: t.key, message: `${where} admits ${r.attrs.remote_cidr ?? "a source other than the tenant's Slivers"}; only the tenant's Slivers may be admitted.` };
          if (r.attrs.direction !== 'ingress') yield { path: t.key, message: `${where} is not an ingress rule.` };
          const port = Number(r.attrs.port_min ?? -1);
          const ok = provider?.ports.some((p) => p.protocol === r.attrs.protocol && (p.protocol === 'icmp' ? r.attrs.port_min === undefined : p.port === port && p.port === Number(r.attrs.port_max)));
          if (!ok) yield { path: t.key, message: `${where} opens ${r.attrs.protocol}/${r.attrs.port_min ?? '*'}-${r.attrs.port_max ?? '*'}, which is not a port the provider declares.` };
          const l = rulesOf.get(t.key) ?? new Set<string>();
          l.add(`${r.attrs.protocol}/${r.attrs.protocol === 'icmp' ? '' : port}`);
          rulesOf.set(t.key, l);
        }
        // Every private tenancy whose two sides run here opens each provider port to its tenant
        // (the tenancies of the providers that run here: never every tenancy for every stack).
        const providersHere = new Set<string>();
        for (const sl of slicesHere) {
          const svc = index.servicesBySlice.get(sl);
          if (svc) providersHere.add(svc.key);
        }
        for (const t of [...providersHere].flatMap((p) => index.tenantsByProvider.get(p) ?? [])) {
          if (!privateTenancies.has(t.key)) continue;
          const tenant = index.get<ServiceModel>(t.tenant);
          const provider = index.get<ServiceModel>(t.provider);
          if (tenant?.kind !== 'Service' || provider?.kind !== 'Service') continue;
          if (!tenant.slices.some((s) => slicesHere.has(s)) || !provider.slices.some((s) => slicesHere.has(s))) continue;
          const have = rulesOf.get(t.key) ?? new Set<string>();
          const missing = provider.ports.filter((p) => !have.has(`${p.protocol}/${p.protocol === 'icmp' ? '' : p.port}`));
          if (missing.length) yield { path: t.key, message: `in stack ${stack.name}, tenancy ${t.key} does not open the provider's ports ${missing.map((p) => `${p.protocol}/${p.port}`).join(', ')} to the tenant.` };
        }
      }
    },
  },
];
