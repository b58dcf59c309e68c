/**
 * The declared model: a plain, typed graph of the objects a program declares.
 *
 * Nothing here depends on cdktf or on the constructs: the model is built from the
 * construct tree (see `build.ts`) or from a recipe, and everything downstream (rules,
 * synthesis, status, review, views) reads only this.
 *
 * Every object has a `key`: its construct path below the cloud root, unique in the model
 * and stable across runs. References between objects are keys. A reference to an object
 * that is not declared in the model is kept as `{ dangling: description }` so the rules
 * can report it instead of the builder crashing on it.
 */

/**
 * 2: tenant instances (the `instances` collection; connect `none`; abstract Services, pools and
 * uniqueness constraints on Services). A model of another version is refused, not guessed at.
 */
export const MODEL_FORMAT_VERSION = 2;

/** Prefix of a reference to an object that is not declared in this model. */
export const UNDECLARED = '!undeclared:';

/** The key under which `ModelMeta.sources` holds where a Slice joined a Network (`slice.join(network)`). */
export function joinSiteKey(slice: string, network: string): string {
  return `${slice}\u0000join\u0000${network}`;
}

/** A reference to another object of the model, by key, or a note that it points outside it. */
export type Ref = string | null;

export type Kind =
  | 'Site'
  | 'User'
  | 'Privilege'
  | 'Deployment'
  | 'Controller'
  | 'Node'
  | 'Image'
  | 'Flavor'
  | 'NetworkTemplate'
  | 'Slice'
  | 'Sliver'
  | 'Network'
  | 'Service'
  | 'Tenant'
  | 'View'
  | 'Addition'
  | 'Instance';

/** Where in the user's program an object was declared. Never written to xos-model.json. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** An acknowledged rule on an object (and everything below it in the construct tree), or on one finding of it. */
export interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
  /**
   * The one finding acknowledged, by its id (`NET-005@co1/vbng/wan`, as reports print it):
   * on the object or below it. Absent: every finding of the rule on the object and below it.
   */
  readonly finding?: string;
}

/** An acknowledgement as xos-model.json holds it, with the key of the object it was made on (`''`: the cloud). */
export interface AcknowledgementModel extends Acknowledgement {
  readonly path: string;
}

export interface ObjectBase {
  readonly kind: Kind;
  /** Construct path below the cloud root; unique and stable. */
  readonly key: string;
  /** The object's name as the user gave it (defaults to the construct id). */
  readonly name: string;
}

/** A reference to a secret: the value itself never enters the model. */
export type SecretRef =
  | { readonly secret: 'env'; readonly name: string }
  | { readonly secret: 'tfvar'; readonly name: string }
  | { readonly secret: 'literal' };

export interface SiteModel extends ObjectBase {
  readonly kind: 'Site';
  readonly loginBase: string;
  readonly url?: string;
  readonly location?: string;
}

export type RootRole = 'admin' | 'default';
export type SiteRole = 'admin' | 'pi' | 'tech';
export type SliceRole = 'admin' | 'access';
export type DeploymentRole = 'admin';
export type PrivilegeScope = 'root' | 'site' | 'slice' | 'deployment';

export interface UserModel extends ObjectBase {
  readonly kind: 'User';
  readonly email?: string;
  /** The home Site (RBAC-001). */
  readonly site: Ref;
  readonly publicKeys: readonly string[];
}

export interface PrivilegeModel extends ObjectBase {
  readonly kind: 'Privilege';
  readonly user: Ref;
  readonly scope: PrivilegeScope;
  /** The scope object (Site, Slice, Deployment); null for root privileges. */
  readonly target: Ref;
  readonly role: string;
}

export interface SliceLimits {
  /** Cores a Slice may use on this Deployment. */
  readonly cores?: number;
  /** Instances (Slivers) a Slice may run on this Deployment. */
  readonly instances?: number;
  /** Memory in MB a Slice may use on this Deployment. */
  readonly ramMb?: number;
}

export interface DeploymentModel extends ObjectBase {
  readonly kind: 'Deployment';
  readonly hostSites: readonly string[];
  readonly acquireSites: readonly string[];
  readonly images: readonly string[];
  readonly flavors: readonly string[];
  readonly networkTemplates: readonly string[];
  readonly limits: SliceLimits;
  /** True when Images and Flavors already exist on the back-end and are only looked up. */
  readonly existingCatalog: boolean;
}

export type BackendKind = 'openstack' | 'ec2' | 's3' | 'gae' | 'onos' | 'local' | 'external';

export interface ControllerModel extends ObjectBase {
  readonly kind: 'Controller';
  readonly deployment: Ref;
  readonly sites: readonly string[];
  readonly backend: BackendKind;
  readonly url?: string;
  readonly region?: string;
  readonly credentials: Readonly<Record<string, SecretRef>>;
  /** The name of the stack (directory under stacks/) that holds this back-end's resources. */
  readonly stack: string;
}

export interface NodeModel extends ObjectBase {
  readonly kind: 'Node';
  readonly site: Ref;
  readonly deployment: Ref;
}

export interface ImageModel extends ObjectBase {
  readonly kind: 'Image';
  readonly diskFormat: string;
  readonly containerFormat: string;
  readonly sourceUrl?: string;
}

export interface FlavorModel extends ObjectBase {
  readonly kind: 'Flavor';
  readonly cores: number;
  readonly ramMb: number;
  readonly diskGb: number;
}

export interface NetworkTemplateModel extends ObjectBase {
  readonly kind: 'NetworkTemplate';
  readonly visibility: 'public' | 'private';
  readonly translation: 'none' | 'nat';
  readonly description?: string;
}

export interface SliceModel extends ObjectBase {
  readonly kind: 'Slice';
  readonly site: Ref;
  readonly image: Ref;
  readonly flavor: Ref;
  readonly service: Ref;
  readonly description?: string;
}

export interface SliverModel extends ObjectBase {
  readonly kind: 'Sliver';
  readonly slice: string;
  /** The Node it runs on, when placed on a Node. */
  readonly node: Ref;
  /** The Deployment it runs on, when placement is left to the back-end. */
  readonly deployment: Ref;
  /** The Site whose resources host it (the Node's Site, or the Slice's Site by default). */
  readonly site: Ref;
  /** A per-Sliver image: allowed only when it is the Slice's own (SLC-002). */
  readonly image: Ref;
}

export interface PortRange {
  readonly low: number;
  readonly high: number;
}

export interface NetworkModel extends ObjectBase {
  readonly kind: 'Network';
  readonly owner: string;
  /** Slices the owner allows to join. */
  readonly permitted: readonly string[];
  /** Slices that joined: by `slice.join(network)`, or by a tenancy (see `derivedJoins`). */
  readonly joined: readonly string[];
  /**
   * Slices a tenancy joined to this Network (shared-private: both sides' Slices; interconnect:
   * a Service's other Slices to its private Network), by Slice key -> the tenancy's key. They
   * are never added to `permitted`: the tenancy, not the owner, let them in (NET-003).
   */
  readonly derivedJoins?: Readonly<Record<string, string>>;
  readonly cidr: string;
  /** The port range as written (`low-high` or one port); NET-001 checks it. */
  readonly ports: string | null;
  readonly public: boolean;
  readonly template: Ref;
  readonly site: Ref;
  readonly bandwidthMbps: number | null;
  /** The Tenant whose connect mode made the compiler derive this Network. */
  readonly derivedFrom?: string;
}

export type Protocol = 'tcp' | 'udp' | 'icmp';

export interface ServicePort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface ServiceModel extends ObjectBase {
  readonly kind: 'Service';
  readonly slices: readonly string[];
  readonly controller: Ref;
  readonly tenantSchema?: unknown;
  readonly ports: readonly ServicePort[];
  /** Tenancy credentials pushed to the instances of every tenant Service. */
  readonly credentials: Readonly<Record<string, SecretRef>>;
  readonly description?: string;
  /** True for a Service that is only composed: no Slice, no Controller, tenancies `none` (TEN-003, TEN-006). */
  readonly abstract?: true;
  /** True when Users may hold instances of this Service directly (TNI-002). */
  readonly acceptsUsers?: true;
  /** The JSON Schema of its tenant instances' attributes (TNI-003); absent: the tenantSchema. */
  readonly instanceSchema?: unknown;
  /** Uniqueness constraints over its instances' attributes: each a list of attribute names (TNI-004). */
  readonly unique?: readonly (readonly string[])[];
  /** Pools its instances' attributes are allocated from (TNI-005), by attribute, sorted. */
  readonly pools?: readonly PoolModel[];
}

/**
 * A pool that allocates one attribute's values to a provider's instances (TNI-005): whole
 * numbers from a range (VLAN ids), or blocks of one size from an address block (routable
 * subnets). Values are unique within the pool, or within each group of instances sharing the
 * attributes named by `per` (a c_tag per s_tag).
 */
export type PoolModel = {
  /** The attribute the pool fills. */
  readonly attribute: string;
  /** Attributes whose values partition the pool (each group has the whole range). */
  readonly per: readonly string[];
} & ({ readonly range: readonly [number, number] } | { readonly block: string; readonly prefix: number });

/** `none`: a control-plane-only tenancy (credentials and attributes, no data-plane path). */
export type ConnectMode = 'public' | 'shared-private' | 'interconnect-private' | 'none';

export interface TenantModel extends ObjectBase {
  readonly kind: 'Tenant';
  readonly tenant: Ref;
  readonly provider: Ref;
  readonly connect: string;
  readonly attributes: unknown;
  /** The Network that carries a private connect (given by the user, or derived). */
  readonly network: Ref;
  /** For interconnect-private: the tenant side's and the provider side's own networks. */
  readonly interconnect?: { readonly tenantNetwork: Ref; readonly providerNetwork: Ref };
}

export interface ViewModel extends ObjectBase {
  readonly kind: 'View';
  readonly type: 'javascript' | 'iframe';
  readonly url: string;
  readonly description?: string;
}

/**
 * A tenant instance (paper 3.2 and 4.3): one virtual instance of a provider Service, held by a
 * subscriber: a User, a Service, or another tenant instance (which makes chains: subscriber ->
 * vOLT -> vCPE -> vBNG). Its key is `<provider key>/<id>`.
 */
export interface InstanceModel extends ObjectBase {
  readonly kind: 'Instance';
  /** The provider Service. */
  readonly provider: Ref;
  /** Who holds it: a User, a Service or another Instance. */
  readonly subscriber: Ref;
  /** Its attributes as declared (plain JSON; secrets as their references). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Values allocated from the provider's pools, by attribute; absent when none. */
  readonly allocated?: Readonly<Record<string, number | string>>;
  /** What the provider's `onInstance` hook added for it; absent when nothing. */
  readonly additions?: readonly InstanceAdditionModel[];
}

/** What a provider's per-instance hook adds for one tenant instance (a VLAN sub-interface, a volume). */
export interface InstanceAdditionModel {
  readonly id: string;
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** What a provider Service's hook added for one instance (Sliver) of one of its tenants. */
export interface AdditionModel extends ObjectBase {
  readonly kind: 'Addition';
  readonly provider: string;
  readonly tenancy: string;
  readonly sliver: string;
  /** What kind of thing: for example `volume`, `config`, `port`. */
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type ModelObject =
  | SiteModel
  | UserModel
  | PrivilegeModel
  | DeploymentModel
  | ControllerModel
  | NodeModel
  | ImageModel
  | FlavorModel
  | NetworkTemplateModel
  | SliceModel
  | SliverModel
  | NetworkModel
  | ServiceModel
  | TenantModel
  | ViewModel
  | AdditionModel
  | InstanceModel;

/** The whole declared model. Arrays are sorted by key. */
export interface XosModel {
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  readonly name: string;
  readonly sites: readonly SiteModel[];
  readonly users: readonly UserModel[];
  readonly privileges: readonly PrivilegeModel[];
  readonly deployments: readonly DeploymentModel[];
  readonly controllers: readonly ControllerModel[];
  readonly nodes: readonly NodeModel[];
  readonly images: readonly ImageModel[];
  readonly flavors: readonly FlavorModel[];
  readonly networkTemplates: readonly NetworkTemplateModel[];
  readonly slices: readonly SliceModel[];
  readonly slivers: readonly SliverModel[];
  readonly networks: readonly NetworkModel[];
  readonly services: readonly ServiceModel[];
  readonly tenants: readonly TenantModel[];
  readonly views: readonly ViewModel[];
  readonly additions: readonly AdditionModel[];
  readonly instances: readonly InstanceModel[];
  /**
   * The program's acknowledgements, by path, then rule, then finding: the rules honour them
   * wherever the model is read back (`xos review`, `xos synth xos-model.json`), and a review
   * shows those its change adds, alters or removes. Absent when there are none.
   */
  readonly acknowledgements?: readonly AcknowledgementModel[];
}

/** The collections of a model, in the order they are written. */
export const COLLECTIONS = [
  'sites',
  'users',
  'privileges',
  'deployments',
  'controllers',
  'nodes',
  'images',
  'flavors',
  'networkTemplates',
  'slices',
  'slivers',
  'networks',
  'services',
  'tenants',
  'views',
  'additions',
  'instances',
] as const;

export type CollectionName = (typeof COLLECTIONS)[number];

/** Facts about the program that are not part of the canonical model (never written to it). */
export interface ModelMeta {
  /** Declaration site of each object, by key. */
  readonly sources: ReadonlyMap<string, SourceLocation>;
  /** Rules acknowledged on an object and everything below it, by key. */
  readonly acknowledgements: ReadonlyMap<string, readonly Acknowledgement[]>;
  /** Problems found while building the model that are not rule violations. */
  readonly buildErrors: readonly { readonly path: string; readonly message: string }[];
}
