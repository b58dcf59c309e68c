import type { ModelContext } from '../lib/model/context';
import { clean, jsonCopy, poolModels, secretRefs, servicePorts } from '../lib/model/render';
import type { ConnectMode, Protocol } from '../lib/model/types';
import { describeValue, listOf, ofKind, optionalOfKind, programLine, XosConstruct } from './base';
import { usageError, type XosError } from '../lib/errors';
import type { Cloud } from './cloud';
import type { Controller, NetworkTemplate } from './infra';
import { TenantInstance, type TenantInstanceProps } from './instance';
import { IMPLEMENTS } from './relation';
import type { Credentials } from './secret';
import type { Network, Slice } from './slice';

/**
 * One Sliver (VM) of a tenant Service, as a provider's `onTenantInstance` hook sees it (the
 * paper's notification, 3.2: a provider acts when a tenant adds a VM). Not to be confused with
 * a {@link TenantInstance}, a virtual instance of the provider held by a subscriber.
 */
export interface TenantSliver {
  /** The tenant Service's name. */
  readonly tenant: string;
  /** The provider Service's name. */
  readonly provider: string;
  /** The tenancy's model key. */
  readonly tenancy: string;
  /** The Sliver's model key (its construct path). */
  readonly sliver: string;
  /** The Sliver's name. */
  readonly sliverName: string;
  /** The Slice's name. */
  readonly slice: string;
  /** The tenancy's attributes. */
  readonly attributes: unknown;
}

/** A tenant instance as a provider's `onInstance` hook sees it: plain values, allocations included. */
export interface InstanceInfo {
  /** The instance's id, unique within its provider. */
  readonly id: string;
  /** Its model key, `<provider>/<id>`. */
  readonly key: string;
  /** The provider Service's name. */
  readonly provider: string;
  /** The subscriber's model key (a User, a Service, or an instance `<service>/<id>`). */
  readonly subscriber: string;
  /** What the subscriber is. */
  readonly subscriberKind: 'User' | 'Service' | 'Instance';
  /** The attributes: as declared, with the values allocated from the provider's pools. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * A pool that allocates one attribute's values to the provider's instances (TNI-005): whole
 * numbers from a range (VLAN ids), or blocks of one prefix length from an address block
 * (routable subnets). Allocations are recorded in `xos.allocations.json` beside the program,
 * so that adding or removing one instance never changes another's values.
 */
export type PoolSpec = (
  | {
      /** The lowest and highest values, inclusive: `[2, 4094]`. */
      readonly range: readonly [number, number];
    }
  | {
      /** The address block the subnets are cut from: `198.18.0.0/16`. */
      readonly block: string;
      /** The prefix length of each allocated subnet: `29` for a /29. */
      readonly prefix: number;
    }
) & {
  /**
   * Attributes whose values partition the pool: each group of instances with the same values
   * has the whole range (a c_tag per s_tag).
   * @default one pool for every instance
   */
  readonly per?: string | readonly string[];
};

/** What a provider adds for one tenant instance, for example a volume per tenant VM. */
export interface InstanceAddition {
  /** An id, unique among the additions for one instance; part of the Terraform address. */
  readonly id: string;
  /** What it is: `volume`, `config`, `port` ... */
  readonly type: string;
  /**
   * Its attributes (plain JSON).
   * @default none
   */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** A port a Service serves to its tenants. */
export interface ServicePortSpec {
  readonly port: number;
  /**
   * @default 'tcp'
   */
  readonly protocol?: Protocol;
}

export interface ServiceProps {
  /**
   * The Slices that implement the Service.
   * @default none; add them with `addSlice()`
   */
  readonly slices?: readonly Slice[];
  /**
   * The Service's controller: for an external Service (S3, EC2, GAE) the only thing it has.
   * @default none
   */
  readonly controller?: Controller;
  /**
   * The JSON Schema that every tenancy's attributes must match (TEN-004).
   * @default any attributes
   */
  readonly tenantSchema?: Readonly<Record<string, unknown>>;
  /**
   * The ports the Service serves to its tenants; private connects open only these (TEN-007).
   * @default none
   */
  readonly ports?: readonly (number | ServicePortSpec)[];
  /**
   * Tenancy credentials pushed (as sensitive values) to every instance of every tenant.
   * @default none
   */
  readonly credentials?: Credentials;
  /**
   * What the Service adds for each instance of each of its tenants. The compiler calls it
   * for every Sliver of every tenant, in tenancy order.
   * @default nothing is added
   */
  readonly onTenantInstance?: (instance: TenantSliver) => readonly InstanceAddition[];
  /**
   * What the Service does.
   * @default none
   */
  readonly description?: string;
  /**
   * An abstract Service is only composed: it has no Slice and no Controller of its own, and
   * its tenancies are control-plane only (`connect: 'none'`, TEN-003). No stack holds it.
   * @default false: the Service needs a Slice or a Controller (TEN-006)
   */
  readonly abstract?: boolean;
  /**
   * Users may hold instances of this Service directly (`addTenant(id, { subscriber: user })`),
   * as a subscriber holds a vOLT VLAN (TNI-002).
   * @default false: only Services declared its tenants, and their instances, may subscribe
   */
  readonly acceptsUsers?: boolean;
  /**
   * The JSON Schema of its tenant instances' attributes, allocated values included (TNI-003).
   * @default the tenantSchema
   */
  readonly instanceSchema?: Readonly<Record<string, unknown>>;
  /**
   * What its instances must not share: each entry an attribute, or a list of attributes whose
   * values together are unique (`[['s_tag', 'c_tag']]`, TNI-004).
   * @default none
   */
  readonly unique?: readonly (string | readonly string[])[];
  /**
   * Pools that allocate attribute values to its instances, by attribute (TNI-005).
   * @default none
   */
  readonly pools?: Readonly<Record<string, PoolSpec>>;
  /**
   * What the Service adds for each of its own tenant instances (a VLAN sub-interface, a
   * volume), in the same plan. Called once per instance, after allocation, in tenancy order.
   * @default nothing is added
   */
  readonly onInstance?: (instance: InstanceInfo) => readonly InstanceAddition[];
}

export interface TenancyOptions {
  /**
   * How the two Services exchange packets: `public`, `shared-private`, `interconnect-private`,
   * or `none` for a control-plane-only tenancy (credentials and attributes reach the tenant,
   * but no network path, security rule or public address is made).
   */
  readonly connect: ConnectMode;
  /**
   * Tenancy state the provider needs on behalf of the tenant, checked against the
   * provider's `tenantSchema` (TEN-004) and pushed to the tenant's instances.
   * @default {}
   */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /**
   * For `shared-private`: the Network both Services' Slices share. It must be owned by a
   * Slice of one of the two Services; the other side's Slices are allowed in and joined.
   * @default a Network derived from the tenancy, owned by the provider's first Slice
   */
  readonly network?: Network;
  /**
   * The address space of a derived Network. For `interconnect-private` with both sides'
   * Networks derived, the block is split: the tenant's Network takes its lower half, the
   * provider's the upper (the gateway joins them, so they may not overlap: NET-006).
   * @default a /24 in 172.16.0.0/12 chosen from the tenancy's name (on EC2 give one in the
   * private range of the stack's other Networks: a VPC holds blocks of one range only)
   */
  readonly cidr?: string;
  /**
   * The NetworkTemplate of a derived Network.
   * @default the first private NetworkTemplate declared (by name)
   */
  readonly template?: NetworkTemplate;
}

/** A Service: a multi-tenant network service, implemented by Slices and/or a Controller. */
export class Service extends XosConstruct {
  public readonly kind = 'Service' as const;
  public readonly controller?: Controller;
  public readonly tenantSchema?: Readonly<Record<string, unknown>>;
  public readonly ports: readonly (number | ServicePortSpec)[];
  public readonly credentials: Readonly<Record<string, unknown>>;
  public readonly onTenantInstance?: (instance: TenantSliver) => readonly InstanceAddition[];
  public readonly description?: string;
  public readonly abstract: boolean;
  public readonly acceptsUsers: boolean;
  public readonly instanceSchema?: Readonly<Record<string, unknown>>;
  public readonly unique: readonly (string | readonly string[])[];
  public readonly pools: Readonly<Record<string, PoolSpec>>;
  public readonly onInstance?: (instance: InstanceInfo) => readonly InstanceAddition[];
  private readonly instancesById = new Map<string, TenantInstance>();

  constructor(scope: Cloud, id: string, props: ServiceProps = {}) {
    super(scope, id);
    try {
      this.controller = optionalOfKind<'Controller', Controller>(this, 'new Service({ controller })', props.controller, ['Controller'], "Pass the Service's Controller (deployment.addController('id', { backend })), or leave controller out.");
      this.tenantSchema = props.tenantSchema;
      this.ports = Object.freeze([...(props.ports ?? [])]);
      this.credentials = Object.freeze({ ...(props.credentials ?? {}) });
      this.onTenantInstance = props.onTenantInstance;
      this.description = props.description;
      this.abstract = props.abstract === true;
      this.acceptsUsers = props.acceptsUsers === true;
      this.instanceSchema = props.instanceSchema;
      this.unique = Object.freeze([...(props.unique ?? [])]);
      this.pools = Object.freeze({ ...(props.pools ?? {}) });
      this.onInstance = props.onInstance;
      for (const s of listOf(this, 'new Service({ slices })', props.slices)) this.bind(s, 'new Service({ slices })');
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** The Slices that implement this Service (a copy): bound by `addSlice`, or by a Slice's `service` prop. */
  public get slices(): readonly Slice[] {
    return IMPLEMENTS.of(this);
  }

  /**
   * Declare a tenant instance of this Service: one virtual instance held by a subscriber (a
   * User, a Service, or an instance of a Service declared this Service's tenant), for example
   * `volt.addTenant('sub-1042', { subscriber: alice, attributes: { s_tag: 100, c_tag: 1042 } })`.
   * @param id unique among this Service's instances; part of the Terraform addresses, so keep it stable
   * @returns the instance, which may itself subscribe to the next Service of a chain
   */
  public addTenant(id: string, props: TenantInstanceProps): TenantInstance {
    if (typeof id !== 'string' || id === '' || id.includes('/'))
      throw new Error(`Service ${this.node.path}: an instance was given the id ${JSON.stringify(id)}; instance ids are non-empty strings without '/'. Give it an id such as 'sub-1042'.`);
    const instance = new TenantInstance(this, id, props);
    const existing = this.instancesById.get(id);
    if (existing) {
      const first = existing.where ? ` at ${existing.where}` : '';
      const here = instance.where ? ` (again at ${instance.where})` : '';
      throw new Error(`Service ${this.node.path} already has an instance '${id}' (declared${first})${here}. Instance ids are unique within their provider; give this one another id.`);
    }
    if (this.node.tryFindChild(id))
      throw new Error(`Service ${this.node.path}: the instance id '${id}' is taken by its tenancy ${this.node.path}/${id}${instance.where ? ` (at ${instance.where})` : ''}. Give the instance another id.`);
    this.instancesById.set(id, instance);
    return instance;
  }

  /** The tenant instances of this Service, in declaration order. */
  public get instances(): readonly TenantInstance[] {
    return [...this.instancesById.values()];
  }

  /** The tenant instance with this id, if the Service has one (a lookup, without a copy of them all). */
  public instance(id: string): TenantInstance | undefined {
    return this.instancesById.get(id);
  }

  /** Bind a Slice to this Service (the Slice implements it). */
  public addSlice(slice: Slice): this {
    this.bind(slice, 'addSlice()');
    return this;
  }

  /**
   * Declare that this Service is a tenant of `provider`.
   * @returns the Tenant object, which carries the tenancy's attributes
   */
  public tenantOf(provider: Service, options: TenancyOptions): Tenant {
    ofKind(this, 'tenantOf()', provider, ['Service'], 'Pass the provider Service this one is a tenant of.');
    const base = `tenant-of-${provider?.node?.id ?? 'unknown'}`;
    let id = base;
    for (let n = 2; this.node.tryFindChild(id); n++) id = `${base}-${n}`;
    return new Tenant(this, id, provider, options);
  }

  /** The tenancies in which this Service is the tenant. */
  public get tenancies(): readonly Tenant[] {
    return this.node.children.filter((c): c is Tenant => c instanceof Tenant);
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.serviceConstructs.set(this.key, this);
    const pools = poolModels(this.pools);
    ctx.services.push(
      clean({
        kind: 'Service',
        key: this.key,
        name: this.name,
        slices: ctx.refs(IMPLEMENTS.of(this)),
        controller: ctx.ref(this.controller),
        tenantSchema: this.tenantSchema === undefined ? undefined : jsonCopy(this.tenantSchema),
        ports: servicePorts(this.ports),
        credentials: secretRefs(this.credentials),
        description: this.description,
        abstract: this.abstract ? (true as const) : undefined,
        acceptsUsers: this.acceptsUsers ? (true as const) : undefined,
        instanceSchema: this.instanceSchema === undefined ? undefined : jsonCopy(this.instanceSchema),
        unique: this.unique.length ? this.unique.map((u) => (typeof u === 'string' ? [u] : [...(u ?? [])].map(String))) : undefined,
        pools: pools.length ? pools : undefined,
      }) as ModelContext['services'][number],
    );
    // Its tenant instances are entries of its own, not constructs: rendered by the model's instance step.
    for (const i of this.instancesById.values()) {
      ctx.locate(i.key, i);
      ctx.instanceConstructs.push(i);
    }
  }

  /** Both sides of "the Slice implements this Service", in one place. */
  private bind(slice: unknown, call: string): void {
    const s = ofKind<'Slice', Slice>(this, call, slice, ['Slice'], "Pass a Slice (site.addSlice('id', { image, flavor })).");
    // A Slice implements one Service (XOS's Slice.service): a second one is refused where it is made.
    const other = IMPLEMENTS.to(s).find((x) => x !== this);
    if (other) throw wrongBinding(this, call, s, other);
    IMPLEMENTS.link(this, s, true);
  }
}

/** A Tenant: the binding of a tenant Service to a provider Service. */
export class Tenant extends XosConstruct {
  public readonly kind = 'Tenant' as const;
  public readonly connect: ConnectMode;
  public readonly attributes: Readonly<Record<string, unknown>>;
  public readonly network?: Network;
  public readonly cidr?: string;
  public readonly template?: NetworkTemplate;

  constructor(
    scope: Service,
    id: string,
    /** The provider Service. */
    public readonly provider: Service,
    options: TenancyOptions,
  ) {
    super(scope, id);
    try {
      this.connect = options?.connect;
      const attributes = options?.attributes ?? {};
      // A copy, so a later change to the program's object cannot change the tenancy; anything but an object is kept for TEN-004 to name.
      this.attributes = typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes) ? { ...attributes } : attributes;
      this.network = optionalOfKind<'Network', Network>(this, 'tenantOf({ network })', options?.network, ['Network'], "Pass the Network both Services' Slices share (slice.addNetwork('id', { cidr, template })), or leave network out.");
      this.cidr = options?.cidr;
      this.template = optionalOfKind<'NetworkTemplate', NetworkTemplate>(this, 'tenantOf({ template })', options?.template, ['NetworkTemplate'], "Pass the NetworkTemplate of the derived Network, or leave template out.");
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.tenantConstructs.push(this);
    ctx.tenants.push({
      kind: 'Tenant',
      key: this.key,
      name: this.name,
      tenant: ctx.ref(this.tenant),
      provider: ctx.ref(this.provider),
      connect: String(this.connect),
      attributes: jsonCopy(this.attributes),
      network: this.network ? ctx.ref(this.network) : null,
    });
  }

  /** The tenant Service. */
  public get tenant(): Service {
    return this.node.scope as Service;
  }
}

/** The usage error for a Slice bound to a second Service: it names both and the fix. */
function wrongBinding(service: Service, call: string, slice: Slice, other: Service): XosError {
  const at = programLine();
  return usageError(
    `${at ? `${at}: ` : ''}${describeValue(service)}: ${call} was given ${describeValue(slice)}, which already implements ${describeValue(other)}. A Slice implements one Service; declare another Slice for this one.`,
  );
}
