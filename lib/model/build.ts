import type { IConstruct } from 'constructs';
import { describeValue as describe, XosConstruct } from '../../constructs/base';
import type { Cloud } from '../../constructs/cloud';
import type { TenantInstance } from '../../constructs/instance';
import type { InstanceInfo, Tenant } from '../../constructs/service';
import { allocate, type AllocationLock, type AllocationResult } from './allocate';
import { allocateCidrAmong, formatCidr, parseCidr, type Cidr } from './cidr';
import { ModelContext, type Mutable } from './context';
import { flatOrCopy, jsonCopy } from './render';
import type { AdditionModel, InstanceAdditionModel, InstanceModel, ModelMeta, NetworkModel, Ref, XosModel } from './types';
import { MODEL_FORMAT_VERSION, UNDECLARED } from './types';
import { tenancyOrder } from './graph';
import { acknowledgementList } from './acknowledgements';

/** The model built from a program, with what is known about where each object came from. */
export interface BuiltModel {
  readonly model: XosModel;
  readonly meta: ModelMeta & {
    /** How pool values were allocated (absent when no instance draws from a pool and none was recorded). */
    readonly allocation?: AllocationResult;
  };
}

export interface BuildOptions {
  /**
   * The allocations recorded before (`xos.allocations.json`): kept where they still hold, so
   * adding or removing an instance changes no other's values.
   * @default none: every pooled value is allocated anew (deterministic, not stable across edits)
   */
  readonly allocations?: AllocationLock;
}

export { UNDECLARED, jsonCopy, describe };

/**
 * Build the plain model from a Cloud's construct tree: a walk in which each construct renders
 * its own part (`toModel`), then the steps that read the whole model. Never throws for
 * problems the rules report; problems that are not rule violations (a hook that throws) go
 * to `meta.buildErrors`.
 */
export function buildModel(cloud: Cloud, options: BuildOptions = {}): BuiltModel {
  const ctx = new ModelContext(cloud.node.root);
  // 1. Every object renders itself, in the tree's order (Sites, Users, ... as declared).
  for (const c of cloud.node.findAll()) {
    if (!XosConstruct.isXosConstruct(c)) continue;
    ctx.locate(c.node.path, c);
    c.toModel(ctx);
  }
  // 2. Networks that tenancies imply (shared-private, interconnect-private).
  deriveTenancyNetworks(ctx);
  // 3. What providers add for each Sliver of their tenants (onTenantInstance).
  ctx.additions = runTenantHooks(ctx);
  // 4. Tenant instances: subscribers, pool allocations, onInstance hooks.
  const { instances, allocation } = buildInstances(ctx, options.allocations);
  return { model: assemble(cloud, ctx, instances), meta: { sources: ctx.sources, acknowledgements: ctx.acknowledgements, buildErrors: ctx.buildErrors, ...(allocation ? { allocation } : {}) } };
}

/** The model's collections, each sorted by key. */
function assemble(cloud: Cloud, m: ModelContext, instances: InstanceModel[]): XosModel {
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    name: cloud.cloudName,
    sites: byKey(m.sites),
    users: byKey(m.users),
    privileges: byKey(m.privileges),
    deployments: byKey(m.deployments),
    controllers: byKey(m.controllers),
    nodes: byKey(m.nodes),
    images: byKey(m.images),
    flavors: byKey(m.flavors),
    networkTemplates: byKey(m.networkTemplates),
    slices: byKey(m.slices),
    slivers: byKey(m.slivers),
    networks: byKey(m.networks.map((n) => ({ ...n, permitted: [...n.permitted].sort(), joined: [...n.joined].sort(), ...(n.derivedJoins ? { derivedJoins: sortedRecord(n.derivedJoins) } : {}) }))),
    services: byKey(m.services),
    tenants: byKey(m.tenants),
    views: byKey(m.views),
    additions: byKey(m.additions),
    instances,
    // Written to xos-model.json, so that a review honours them (and shows what a change does to them).
    ...(m.acknowledgements.size ? { acknowledgements: acknowledgementList(m.acknowledgements) } : {}),
  };
}

/**
 * The tenant instances of the model: subscribers resolved to keys, pool values allocated
 * (keeping those recorded before), and each provider's `onInstance` hook called for every
 * instance, a subscriber instance before the instances it holds.
 */
function buildInstances(ctx: ModelContext, previous: AllocationLock | undefined): { instances: InstanceModel[]; allocation?: AllocationResult } {
  const { serviceConstructs, buildErrors } = ctx;
  const servicesByKey = new Map(ctx.services.map((s) => [s.key, s]));
  const draft = ctx.instanceConstructs.map((i: TenantInstance) => ({
    key: i.key,
    id: i.id,
    provider: i.provider.node.path,
    subscriber: ctx.subscriberRef(i.subscriber),
    attributes: flatOrCopy(i.attributes),
  }));
  const pooled = draft.some((i) => servicesByKey.get(i.provider)?.pools?.length);
  const allocation = pooled || previous ? allocate(draft, (p) => servicesByKey.get(p)?.pools, previous) : undefined;
  const built: InstanceModel[] = draft.map((d) => {
    const allocated = allocation?.allocated.get(d.key);
    // Made whole, not through withoutUndefined: one object per instance, a hundred thousand of them.
    return allocated
      ? { kind: 'Instance' as const, key: d.key, name: d.id, provider: d.provider, subscriber: d.subscriber, attributes: d.attributes, allocated }
      : { kind: 'Instance' as const, key: d.key, name: d.id, provider: d.provider, subscriber: d.subscriber, attributes: d.attributes };
  });
  const byKey_ = new Map(built.map((i) => [i.key, i]));
  const subscriberKind = (ref: Ref): InstanceInfo['subscriberKind'] => (ref && byKey_.has(ref) ? 'Instance' : ref && servicesByKey.has(ref) ? 'Service' : 'User');
  // Hooks, a subscriber instance before those it holds (depth in its chain), then by key.
  if ([...serviceConstructs.values()].some((s) => s.onInstance)) {
    const depth = new Map<string, number>();
    const depthOf = (i: InstanceModel): number => {
      let d = 0;
      const seen = new Set<string>();
      for (let at: InstanceModel | undefined = i; at && !seen.has(at.key); at = at.subscriber ? byKey_.get(at.subscriber) : undefined) {
        seen.add(at.key);
        const known = depth.get(at.key);
        if (known !== undefined) return d + known;
        d++;
      }
      return d;
    };
    for (const i of built) depth.set(i.key, depthOf(i));
    const order = [...built].sort((a, b) => depth.get(a.key)! - depth.get(b.key)! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      const hook = i.provider ? serviceConstructs.get(i.provider)?.onInstance : undefined;
      if (!hook) continue;
      const provider = servicesByKey.get(i.provider!)!;
      let added: unknown;
      try {
        added = hook({ id: i.name, key: i.key, provider: provider.name, subscriber: i.subscriber ?? '', subscriberKind: subscriberKind(i.subscriber), attributes: { ...i.attributes, ...(i.allocated ?? {}) } });
      } catch (e) {
        buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance threw for instance ${i.name}: ${(e as Error)?.message ?? String(e)}. Fix the hook, or make it return [] for instances it does not serve.` });
        continue;
      }
      if (!Array.isArray(added)) {
        buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance returned ${describe(added)} for instance ${i.name}; it must return an array of { id, type, attributes }.` });
        continue;
      }
      const additions: InstanceAdditionModel[] = [];
      const seen = new Set<string>();
      for (const a of added as { id?: unknown; type?: unknown; attributes?: unknown }[]) {
        const id = typeof a?.id === 'string' ? a.id : '';
        if (!id || typeof a?.type !== 'string') {
          buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance returned ${describe(a)} for instance ${i.name}; each addition needs a string id and a string type.` });
          continue;
        }
        if (seen.has(id)) {
          buildErrors.push({ path: i.key, message: `Service ${provider.name}'s onInstance returned the id '${id}' twice for instance ${i.name}; ids must be unique per instance.` });
          continue;
        }
        seen.add(id);
        additions.push({ id, type: a.type, attributes: jsonCopy(a.attributes ?? {}) as Record<string, unknown> });
      }
      if (additions.length) {
        const withAdditions: InstanceModel = { ...i, additions: additions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
        byKey_.set(i.key, withAdditions);
      }
    }
  }
  const instances = [...byKey_.values()].sort(cmpKey);
  return { instances, ...(allocation ? { allocation } : {}) };
}

/**
 * What a tenancy's connect mode implies for networks (paper 3.2; INVARIANTS "What the
 * synthesizer must do with tenancy"): shared-private shares one Network between both
 * Services' Slices; interconnect-private gives each side its own private Network.
 */
function deriveTenancyNetworks(m: ModelContext): void {
  const ref = (x: unknown): Ref => m.ref(x);
  const networksByKey = new Map(m.networks.map((n) => [n.key, n]));
  const services = new Map(m.services.map((s) => [s.key, s]));
  const tenantByKey = new Map(m.tenantConstructs.map((t) => [t.node.path, t]));
  const defaultTemplate = [...m.networkTemplates].sort(cmpKey).find((t) => t.visibility === 'private')?.key ?? null;
  // Blocks taken so far, parsed once (not once per derived network).
  const taken: Cidr[] = [];
  const take = (cidr: string | null | undefined) => {
    const c = cidr ? parseCidr(cidr) : undefined;
    if (c && typeof c !== 'string') taken.push(c);
  };
  for (const n of m.networks) take(n.cidr);

  const derive = (key: string, name: string, owner: string, tenancy: string, t: Tenant, given = t.cidr): Mutable<NetworkModel> => {
    // No free block: left empty, and NET-001 reports it on the tenancy with the fix.
    const cidr = given ?? allocateCidrAmong(key, taken) ?? '';
    take(cidr);
    const net: Mutable<NetworkModel> = {
      kind: 'Network',
      key,
      name,
      owner,
      permitted: [],
      joined: [],
      cidr,
      ports: null,
      public: false,
      template: t.template ? ref(t.template) : defaultTemplate,
      site: null,
      bandwidthMbps: null,
      derivedFrom: tenancy,
    };
    m.networks.push(net);
    networksByKey.set(key, net);
    return net;
  };
  // A tenancy joins Slices to a Network: recorded as its join, never as the owner's consent
  // (NET-003 checks each one). A Slice that joined by itself keeps its own join.
  const admit = (net: Mutable<NetworkModel>, slices: readonly string[], tenancy: string) => {
    for (const s of slices) {
      if (s === net.owner || net.joined.includes(s)) continue;
      net.joined.push(s);
      const joins = (net.derivedJoins ??= {}) as Record<string, string>;
      joins[s] = tenancy;
    }
  };
  // Each Slice's own private networks as declared (derived ones are never a Slice's own):
  // the first by key of any of `slices`.
  const privateOf = new Map<string, Mutable<NetworkModel>>();
  for (const n of m.networks) {
    if (n.public || n.derivedFrom) continue;
    const best = privateOf.get(n.owner);
    if (!best || cmpKey(n, best) < 0) privateOf.set(n.owner, n);
  }
  const ownPrivate = (slices: readonly string[]): Mutable<NetworkModel> | undefined => {
    let best: Mutable<NetworkModel> | undefined;
    for (const s of slices) {
      const n = privateOf.get(s);
      if (n && (!best || cmpKey(n, best) < 0)) best = n;
    }
    return best;
  };

  for (const tm of [...m.tenants].sort(cmpKey)) {
    const t = tenantByKey.get(tm.key)!;
    const tenant = tm.tenant ? services.get(tm.tenant) : undefined;
    const provider = tm.provider ? services.get(tm.provider) : undefined;
    if (!tenant || !provider || tenant === provider) continue;
    const tSlices = tenant.slices.filter((s) => !s.startsWith(UNDECLARED));
    const pSlices = provider.slices.filter((s) => !s.startsWith(UNDECLARED));
    if (tm.connect === 'shared-private') {
      if (!tSlices.length || !pSlices.length) continue;
      let net = tm.network ? networksByKey.get(tm.network) : undefined;
      if (!net && !tm.network) {
        net = derive(`${tm.key}/network`, `${tenant.name}-${provider.name}`, pSlices[0], tm.key, t);
        tm.network = net.key;
      }
      if (net) admit(net, [...tSlices, ...pSlices], tm.key);
    } else if (tm.connect === 'interconnect-private') {
      if (!tSlices.length || !pSlices.length) continue;
      // A cidr given for both sides' derived networks is split: the tenant's takes its lower
      // half, the provider's the upper (one block for both would overlap behind the gateway).
      const ownT = ownPrivate(tSlices);
      const ownP = ownPrivate(pSlices);
      const [low, high] = t.cidr !== undefined && !ownT && !ownP ? halves(t.cidr) : [t.cidr, t.cidr];
      const tn = ownT ?? derive(`${tm.key}/tenant-network`, `${tenant.name}-private`, tSlices[0], tm.key, t, low);
      const pn = ownP ?? derive(`${tm.key}/provider-network`, `${provider.name}-private`, pSlices[0], tm.key, t, high);
      admit(tn, tSlices, tm.key);
      admit(pn, pSlices, tm.key);
      tm.interconnect = { tenantNetwork: tn.key, providerNetwork: pn.key };
    }
  }
}

/** The two halves of a block (`10.0.0.0/23` -> `10.0.0.0/24`, `10.0.1.0/24`); the block itself twice when it cannot be split (NET-001 or NET-006 then says why). */
function halves(cidr: string): [string, string] {
  const c = parseCidr(cidr);
  if (typeof c === 'string' || c.prefix >= 32) return [cidr, cidr];
  const half = { prefix: c.prefix + 1, size: c.size / 2 };
  return [formatCidr({ base: c.base, ...half }), formatCidr({ base: c.base + half.size, ...half })];
}

/** Call each provider's per-tenant-instance hook for every Sliver of every tenant, in tenancy order. */
function runTenantHooks(m: ModelContext): AdditionModel[] {
  const { serviceConstructs, buildErrors } = m;
  const out: AdditionModel[] = [];
  const servicesByKey = new Map(m.services.map((s) => [s.key, s]));
  const sliversBySlice = new Map<string, XosModel['slivers'][number][]>();
  for (const v of m.slivers) {
    const list = sliversBySlice.get(v.slice) ?? [];
    list.push(v);
    sliversBySlice.set(v.slice, list);
  }
  for (const tm of tenancyOrder(m.tenants)) {
    const provider = tm.provider ? serviceConstructs.get(tm.provider) : undefined;
    const tenant = tm.tenant ? servicesByKey.get(tm.tenant) : undefined;
    if (!provider?.onTenantInstance || !tenant) continue;
    const seen = new Set<string>();
    for (const sliceKey of [...tenant.slices].sort()) {
      const slice = m.slices.find((s) => s.key === sliceKey);
      for (const v of [...(sliversBySlice.get(sliceKey) ?? [])].sort(cmpKey)) {
        let added: readonly unknown[];
        try {
          added = provider.onTenantInstance({
            tenant: tenant.name,
            provider: provider.name,
            tenancy: tm.key,
            sliver: v.key,
            sliverName: v.name,
            slice: slice?.name ?? sliceKey,
            attributes: jsonCopy(tm.attributes),
          });
        } catch (e) {
          buildErrors.push({ path: provider.node.path, message: `onTenantInstance threw for Sliver ${v.key} of tenant ${tenant.name}: ${(e as Error)?.message ?? String(e)}. Fix the hook, or make it return [] for instances it does not serve.` });
          continue;
        }
        if (!Array.isArray(added)) {
          buildErrors.push({ path: provider.node.path, message: `onTenantInstance returned ${describe(added)} for Sliver ${v.key}; it must return an array of { id, type, attributes }.` });
          continue;
        }
        for (const a of added as { id?: unknown; type?: unknown; attributes?: unknown }[]) {
          const id = typeof a?.id === 'string' ? a.id : '';
          if (!id || typeof a?.type !== 'string') {
            buildErrors.push({ path: provider.node.path, message: `onTenantInstance returned ${describe(a)} for Sliver ${v.key}; each addition needs a string id and a string type.` });
            continue;
          }
          const key = `${tm.key}/${v.key}/${id}`;
          if (seen.has(key)) {
            buildErrors.push({ path: provider.node.path, message: `onTenantInstance returned the id '${id}' twice for Sliver ${v.key}; ids must be unique per instance.` });
            continue;
          }
          seen.add(key);
          out.push({ kind: 'Addition', key, name: id, provider: provider.node.path, tenancy: tm.key, sliver: v.key, type: a.type as string, attributes: (jsonCopy(a.attributes ?? {}) as Record<string, unknown>) });
        }
      }
    }
  }
  return out;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}

function cmpKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function byKey<T extends { key: string }>(xs: T[]): T[] {
  return xs.sort(cmpKey);
}

export type { IConstruct };
