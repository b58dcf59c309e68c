import type { BackendKind, DeploymentRole, SliceLimits } from '../lib/model/types';
import { XosConstruct } from './base';
import type { Cloud } from './cloud';
import { Privilege } from './privilege';
import type { Credentials } from './secret';
import type { Site } from './site';
import type { User } from './user';

export interface ImageProps {
  /**
   * The disk format.
   * @default 'qcow2'
   */
  readonly diskFormat?: string;
  /**
   * The container format.
   * @default 'bare'
   */
  readonly containerFormat?: string;
  /**
   * Where the back-end downloads the image from when it creates it.
   * @default none: the image already exists on every back-end that supports it
   */
  readonly sourceUrl?: string;
  /**
   * The image's name on the back-ends.
   * @default the construct id
   */
  readonly name?: string;
}

/** An Image: a bootable image; it implies a virtualization layer. */
export class Image extends XosConstruct {
  public readonly kind = 'Image' as const;
  public readonly diskFormat: string;
  public readonly containerFormat: string;
  public readonly sourceUrl?: string;

  constructor(scope: Cloud, id: string, props: ImageProps = {}) {
    super(scope, id, props.name);
    this.diskFormat = props.diskFormat ?? 'qcow2';
    this.containerFormat = props.containerFormat ?? 'bare';
    this.sourceUrl = props.sourceUrl;
  }
}

export interface FlavorProps {
  /** Virtual cores per Sliver. */
  readonly cores: number;
  /** Memory per Sliver, in MB. */
  readonly ramMb: number;
  /**
   * Root disk per Sliver, in GB.
   * @default 10
   */
  readonly diskGb?: number;
  /**
   * The flavor's name on the back-ends.
   * @default the construct id
   */
  readonly name?: string;
}

/** A Flavor: the resources each Sliver of a Slice gets (borrowed from EC2's instance types). */
export class Flavor extends XosConstruct {
  public readonly kind = 'Flavor' as const;
  public readonly cores: number;
  public readonly ramMb: number;
  public readonly diskGb: number;

  constructor(scope: Cloud, id: string, props: FlavorProps) {
    super(scope, id, props?.name);
    this.cores = props?.cores;
    this.ramMb = props?.ramMb;
    this.diskGb = props?.diskGb ?? 10;
  }
}

export interface NetworkTemplateProps {
  /**
   * Whether Networks of this template have publicly routable addresses.
   * @default 'private'
   */
  readonly visibility?: 'public' | 'private';
  /**
   * Address translation at the Network's edge.
   * @default 'none'
   */
  readonly translation?: 'none' | 'nat';
  /**
   * What the template is for.
   * @default none
   */
  readonly description?: string;
}

/** A NetworkTemplate: a loadable specification of a virtual network. */
export class NetworkTemplate extends XosConstruct {
  public readonly kind = 'NetworkTemplate' as const;
  public readonly visibility: 'public' | 'private';
  public readonly translation: 'none' | 'nat';
  public readonly description?: string;

  constructor(scope: Cloud, id: string, props: NetworkTemplateProps = {}) {
    super(scope, id);
    this.visibility = props.visibility ?? 'private';
    this.translation = props.translation ?? 'none';
    this.description = props.description;
  }
}

export interface DeploymentProps {
  /**
   * Sites allowed to host Nodes of this Deployment (DEP-002).
   * @default none; add them with `allowHosting()`
   */
  readonly hostSites?: readonly Site[];
  /**
   * Sites allowed to acquire resources (Slivers, Networks) from this Deployment (DEP-003).
   * @default none; add them with `allowAcquire()`
   */
  readonly acquireSites?: readonly Site[];
  /**
   * Images the Deployment supports (DEP-004).
   * @default none
   */
  readonly images?: readonly Image[];
  /**
   * Flavors the Deployment offers (DEP-005).
   * @default none
   */
  readonly flavors?: readonly Flavor[];
  /**
   * NetworkTemplates the Deployment supports (DEP-006).
   * @default none
   */
  readonly networkTemplates?: readonly NetworkTemplate[];
  /**
   * Limits per Slice on this Deployment (DEP-005).
   * @default no limits
   */
  readonly limits?: SliceLimits;
  /**
   * True when the Images and Flavors already exist on the back-ends: the synthesizer
   * looks them up instead of creating them.
   * @default false
   */
  readonly existingCatalog?: boolean;
}

/** A Deployment: Nodes managed under one coherent set of policies, bound to Controllers. */
export class Deployment extends XosConstruct {
  public readonly kind = 'Deployment' as const;
  public readonly hostSites: Site[];
  public readonly acquireSites: Site[];
  public readonly images: Image[];
  public readonly flavors: Flavor[];
  public readonly networkTemplates: NetworkTemplate[];
  public readonly limits: SliceLimits;
  public readonly existingCatalog: boolean;

  constructor(scope: Cloud, id: string, props: DeploymentProps = {}) {
    super(scope, id);
    this.hostSites = [...(props.hostSites ?? [])];
    this.acquireSites = [...(props.acquireSites ?? [])];
    this.images = [...(props.images ?? [])];
    this.flavors = [...(props.flavors ?? [])];
    this.networkTemplates = [...(props.networkTemplates ?? [])];
    this.limits = { ...(props.limits ?? {}) };
    this.existingCatalog = props.existingCatalog ?? false;
  }

  /** Allow a Site to host Nodes of this Deployment. */
  public allowHosting(...sites: Site[]): this {
    this.hostSites.push(...sites);
    return this;
  }

  /** Allow a Site to acquire resources (Slivers, Networks) from this Deployment. */
  public allowAcquire(...sites: Site[]): this {
    this.acquireSites.push(...sites);
    return this;
  }

  /** Support Images, Flavors or NetworkTemplates on this Deployment. */
  public support(...items: (Image | Flavor | NetworkTemplate)[]): this {
    for (const item of items) {
      if (item?.kind === 'Image') this.images.push(item);
      else if (item?.kind === 'Flavor') this.flavors.push(item);
      else this.networkTemplates.push(item);
    }
    return this;
  }

  /** Bind this Deployment, at some of its Sites, to a back-end head node. */
  public addController(id: string, props: Omit<ControllerProps, 'deployment'>): Controller {
    return new Controller(this.node.scope as Cloud, id, { ...props, deployment: this });
  }

  /** Grant the Deployment `admin` role to a User. */
  public grant(user: User, role: DeploymentRole): Privilege {
    return Privilege.create(this, 'deployment', user, role, this);
  }
}

export interface ControllerProps {
  /** The kind of back-end: an OpenStack head node, EC2, S3 ... */
  readonly backend: BackendKind;
  /**
   * The Deployment this Controller serves.
   * @default none: an external service's controller (S3, GAE), bound to no Deployment
   */
  readonly deployment?: Deployment;
  /**
   * The Sites of the Deployment this Controller manages (one head node per Site, or one
   * for many Sites).
   * @default none
   */
  readonly sites?: readonly Site[];
  /**
   * The URL at which the back-end's controller is invoked.
   * @default none
   */
  readonly url?: string;
  /**
   * The back-end's region.
   * @default none
   */
  readonly region?: string;
  /**
   * Credentials, each a `Secret` reference (DEP-008): never a literal.
   * @default none
   */
  readonly credentials?: Credentials;
  /**
   * The stack's name (the directory under `stacks/`).
   * @default the construct id
   */
  readonly stackName?: string;
}

/** A Controller: the binding of a Deployment's Sites to one back-end (one stack). */
export class Controller extends XosConstruct {
  public readonly kind = 'Controller' as const;
  public readonly backend: BackendKind;
  public readonly deployment?: Deployment;
  public readonly sites: Site[];
  public readonly url?: string;
  public readonly region?: string;
  public readonly credentials: Readonly<Record<string, unknown>>;
  public readonly stackName: string;

  constructor(scope: Cloud, id: string, props: ControllerProps) {
    super(scope, id);
    this.backend = props.backend;
    this.deployment = props.deployment;
    this.sites = [...(props.sites ?? [])];
    this.url = props.url;
    this.region = props.region;
    this.credentials = { ...(props.credentials ?? {}) };
    this.stackName = props.stackName ?? id;
  }

  /** Bind more Sites to this Controller. */
  public addSite(...sites: Site[]): this {
    this.sites.push(...sites);
    return this;
  }
}

export interface NodeProps {
  /** The Deployment whose policies apply to the Node (DEP-001). */
  readonly deployment: Deployment;
}

/** A Node: a physical server at a Site, bound to one Deployment. */
export class Node extends XosConstruct {
  public readonly kind = 'Node' as const;
  public readonly deployment: Deployment;

  constructor(scope: Site, id: string, props: NodeProps) {
    super(scope, id);
    this.deployment = props?.deployment;
  }

  /** The Site that hosts the Node. */
  public get site(): Site {
    return this.node.scope as Site;
  }
}
