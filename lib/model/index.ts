import type {
  ControllerModel,
  InstanceModel,
  ModelObject,
  NetworkModel,
  PrivilegeModel,
  ServiceModel,
  SliceModel,
  SliverModel,
  TenantModel,
  XosModel,
} from './types';
import { COLLECTIONS } from './types';

/** Group items by a key; items whose key is null or undefined are left out. */
export function group<T>(xs: readonly T[], key: (x: T) => string | null | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (k === null || k === undefined) continue;
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Lookups over a model, built once and shared by the rules, the synthesizer and the reports. */
export class ModelIndex {
  public readonly byKey = new Map<string, ModelObject>();
  public readonly slicesBySite: Map<string, SliceModel[]>;
  public readonly sliversBySlice: Map<string, SliverModel[]>;
  public readonly networksByOwner: Map<string, NetworkModel[]>;
  public readonly privilegesByTarget: Map<string, PrivilegeModel[]>;
  public readonly privilegesByUser: Map<string, PrivilegeModel[]>;
  public readonly controllersByDeployment: Map<string, ControllerModel[]>;
  public readonly servicesBySlice = new Map<string, ServiceModel>();
  public readonly tenantsByProvider: Map<string, TenantModel[]>;
  public readonly tenantsByTenant: Map<string, TenantModel[]>;
  /** Tenant instances by provider Service key, in key order. */
  public readonly instancesByProvider: Map<string, InstanceModel[]>;
  /** Tenant instances by subscriber key (a User, a Service or an instance), in key order. */
  public readonly instancesBySubscriber: Map<string, InstanceModel[]>;
  /** Networks each Slice is attached to (owned or joined), in stable order. */
  public readonly networksOfSlice = new Map<string, NetworkModel[]>();

  constructor(public readonly model: XosModel) {
    for (const c of COLLECTIONS) for (const o of model[c] as readonly ModelObject[]) this.byKey.set(o.key, o);
    this.slicesBySite = group(model.slices, (s) => s.site);
    this.sliversBySlice = group(model.slivers, (s) => s.slice);
    this.networksByOwner = group(model.networks, (n) => n.owner);
    this.privilegesByTarget = group(model.privileges, (p) => p.target);
    this.privilegesByUser = group(model.privileges, (p) => p.user);
    this.controllersByDeployment = group(model.controllers, (c) => c.deployment);
    this.tenantsByProvider = group(model.tenants, (t) => t.provider);
    this.tenantsByTenant = group(model.tenants, (t) => t.tenant);
    this.instancesByProvider = group(model.instances ?? [], (i) => i.provider);
    this.instancesBySubscriber = group(model.instances ?? [], (i) => i.subscriber);
    for (const s of model.services) for (const sl of s.slices) this.servicesBySlice.set(sl, s);
    for (const n of model.networks) {
      for (const s of [n.owner, ...n.joined]) {
        const l = this.networksOfSlice.get(s);
        if (l) {
          if (!l.includes(n)) l.push(n);
        } else this.networksOfSlice.set(s, [n]);
      }
    }
    // Stable interface order: the Slice's own networks first, then joined ones, each by key.
    for (const [slice, nets] of this.networksOfSlice) {
      nets.sort((a, b) => {
        const ao = a.owner === slice ? 0 : 1;
        const bo = b.owner === slice ? 0 : 1;
        return ao - bo || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
      });
    }
  }

  public get<T extends ModelObject = ModelObject>(key: string | null | undefined): T | undefined {
    return key ? (this.byKey.get(key) as T | undefined) : undefined;
  }

  /** True when `key` names an object of that kind declared in the model. */
  public has(key: string | null | undefined, kind?: ModelObject['kind']): boolean {
    const o = this.get(key);
    return !!o && (!kind || o.kind === kind);
  }

  private readonly values = new Map<string, Readonly<Record<string, unknown>>>();

  /** An instance's values: as declared, with its allocated values (made once per instance). */
  public valuesOf(i: InstanceModel): Readonly<Record<string, unknown>> {
    if (!i.allocated) return i.attributes;
    let v = this.values.get(i.key);
    if (!v) this.values.set(i.key, (v = { ...i.attributes, ...i.allocated }));
    return v;
  }

  private readonly roots = new Map<string, { readonly root: string | null; readonly cycle: boolean }>();

  /**
   * Where an instance's chain starts (its first subscriber that is not an instance), without
   * the chain itself: what the layout and the rules ask of every instance. Made once per
   * instance, each from its subscriber's.
   */
  public rootOf(instance: InstanceModel): { readonly root: string | null; readonly cycle: boolean } {
    const known = this.roots.get(instance.key);
    if (known) return known;
    // Walk up to an instance whose root is known (or the top), then fill in on the way down.
    const path: InstanceModel[] = [];
    const on = new Set<string>();
    let at: InstanceModel | undefined = instance;
    let result: { root: string | null; cycle: boolean } | undefined;
    while (at) {
      const k = this.roots.get(at.key);
      if (k) {
        result = k;
        break;
      }
      if (on.has(at.key)) {
        result = { root: at.key, cycle: true };
        break;
      }
      on.add(at.key);
      path.push(at);
      const next: ModelObject | undefined = this.get(at.subscriber);
      if (next?.kind !== 'Instance') {
        result = { root: at.subscriber, cycle: false };
        break;
      }
      at = next;
    }
    result ??= { root: null, cycle: false };
    for (const p of path) this.roots.set(p.key, result);
    return result;
  }

  /** Each instance's chain, made on first ask (rules, layout and views each ask for every instance). */
  private readonly chains = new Map<string, { readonly instances: readonly InstanceModel[]; readonly root: string | null; readonly cycle: boolean }>();

  /**
   * The chain of an instance: the instance, its subscriber instance, that one's ... up to the
   * first subscriber that is not an instance (a User, a Service, or a reference to nothing),
   * which ends the list as `root`. A cycle (a model read from JSON) stops at the repeat.
   */
  public chainOf(instance: InstanceModel): { readonly instances: readonly InstanceModel[]; readonly root: string | null; readonly cycle: boolean } {
    const known = this.chains.get(instance.key);
    if (known) return known;
    const instances: InstanceModel[] = [];
    const seen = new Set<string>();
    let at: InstanceModel | undefined = instance;
    let result: { instances: readonly InstanceModel[]; root: string | null; cycle: boolean } | undefined;
    while (at) {
      if (seen.has(at.key)) {
        result = { instances, root: at.key, cycle: true };
        break;
      }
      // The rest of the chain is known: the chain of the subscriber, after this one.
      const rest = at === instance ? undefined : this.chains.get(at.key);
      if (rest && !rest.cycle) {
        result = { instances: [...instances, ...rest.instances], root: rest.root, cycle: false };
        break;
      }
      seen.add(at.key);
      instances.push(at);
      const next: ModelObject | undefined = this.get(at.subscriber);
      if (next?.kind !== 'Instance') {
        result = { instances, root: at.subscriber, cycle: false };
        break;
      }
      at = next;
    }
    result ??= { instances, root: null, cycle: false };
    this.chains.set(instance.key, result);
    return result;
  }

  /** The Controller that serves a (Deployment, Site) pair, if any (DEP-007). */
  public controllerFor(deployment: string | null, site: string | null): ControllerModel | undefined {
    if (!deployment || !site) return undefined;
    return (this.controllersByDeployment.get(deployment) ?? []).find((c) => c.sites.includes(site));
  }
}
