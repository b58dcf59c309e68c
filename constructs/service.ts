import type { ConnectMode, Protocol } from '../lib/model/types';
import { XosConstruct } from './base';
import type { Cloud } from './cloud';
import type { Controller, NetworkTemplate } from './infra';
import type { Credentials } from './secret';
import type { Network, Slice } from './slice';

/** One instance (Sliver) of a tenant Service, as a provider's hook sees it. */
export interface TenantInstance {
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
  readonly onTenantInstance?: (instance: TenantInstance) => readonly InstanceAddition[];
  /**
   * What the Service does.
   * @default none
   */
  readonly description?: string;
}

export interface TenancyOptions {
  /** How the two Services exchange packets. */
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
  public readonly slices: Slice[] = [];
  public readonly controller?: Controller;
  public readonly tenantSchema?: Readonly<Record<string, unknown>>;
  public readonly ports: readonly (number | ServicePortSpec)[];
  public readonly credentials: Readonly<Record<string, unknown>>;
  public readonly onTenantInstance?: (instance: TenantInstance) => readonly InstanceAddition[];
  public readonly description?: string;

  constructor(scope: Cloud, id: string, props: ServiceProps = {}) {
    super(scope, id);
    this.controller = props.controller;
    this.tenantSchema = props.tenantSchema;
    this.ports = [...(props.ports ?? [])];
    this.credentials = { ...(props.credentials ?? {}) };
    this.onTenantInstance = props.onTenantInstance;
    this.description = props.description;
    for (const s of props.slices ?? []) this.addSlice(s);
  }

  /** Bind a Slice to this Service (the Slice implements it). */
  public addSlice(slice: Slice): this {
    if (!this.slices.includes(slice)) this.slices.push(slice);
    slice.bindService(this);
    return this;
  }

  /**
   * Declare that this Service is a tenant of `provider`.
   * @returns the Tenant object, which carries the tenancy's attributes
   */
  public tenantOf(provider: Service, options: TenancyOptions): Tenant {
    const base = `tenant-of-${provider?.node?.id ?? 'unknown'}`;
    let id = base;
    for (let n = 2; this.node.tryFindChild(id); n++) id = `${base}-${n}`;
    return new Tenant(this, id, provider, options);
  }

  /** The tenancies in which this Service is the tenant. */
  public get tenancies(): Tenant[] {
    return this.node.children.filter((c): c is Tenant => c instanceof Tenant);
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
    this.connect = options?.connect;
    this.attributes = options?.attributes ?? {};
    this.network = options?.network;
    this.cidr = options?.cidr;
    this.template = options?.template;
  }

  /** The tenant Service. */
  public get tenant(): Service {
    return this.node.scope as Service;
  }
}
