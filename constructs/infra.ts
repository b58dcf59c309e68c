import type { ModelContext } from '../lib/model/context';
import { clean, secretRefs } from '../lib/model/render';
import type { BackendKind, DeploymentRole, SliceLimits } from '../lib/model/types';
import { listOf, ofKind, optionalOfKind, XosConstruct } from './base';
import type { Cloud } from './cloud';
import { Privilege } from './privilege';
import { ACQUIRES, CONTROLS, HOSTS, MANAGES, SUPPORTS } from './relation';
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

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.images.push(clean({ kind: 'Image', key: this.key, name: this.name, diskFormat: this.diskFormat, containerFormat: this.containerFormat, sourceUrl: this.sourceUrl }));
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

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.flavors.push({ kind: 'Flavor', key: this.key, name: this.name, cores: this.cores, ramMb: this.ramMb, diskGb: this.diskGb });
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

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.networkTemplates.push(clean({ kind: 'NetworkTemplate', key: this.key, name: this.name, visibility: this.visibility, translation: this.translation, description: this.description }));
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
  public readonly limits: Readonly<SliceLimits>;
  public readonly existingCatalog: boolean;

  constructor(scope: Cloud, id: string, props: DeploymentProps = {}) {
    super(scope, id);
    try {
      this.limits = Object.freeze({ ...(props.limits ?? {}) });
      this.existingCatalog = props.existingCatalog ?? false;
      // Props go through the methods that relate objects, with the prop named in any error.
      this.addSites(HOSTS, props.hostSites, 'new Deployment({ hostSites })');
      this.addSites(ACQUIRES, props.acquireSites, 'new Deployment({ acquireSites })');
      this.addSupported(props.images, 'new Deployment({ images })', ['Image'], 'images');
      this.addSupported(props.flavors, 'new Deployment({ flavors })', ['Flavor'], 'flavors');
      this.addSupported(props.networkTemplates, 'new Deployment({ networkTemplates })', ['NetworkTemplate'], 'networkTemplates');
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** Sites allowed to host Nodes of this Deployment (a copy). */
  public get hostSites(): readonly Site[] {
    return HOSTS.of(this);
  }

  /** Sites allowed to acquire resources from this Deployment (a copy). */
  public get acquireSites(): readonly Site[] {
    return ACQUIRES.of(this);
  }

  /** The Images the Deployment supports (a copy). */
  public get images(): readonly Image[] {
    return SUPPORTS.of(this).filter((x): x is Image => x.kind === 'Image');
  }

  /** The Flavors the Deployment offers (a copy). */
  public get flavors(): readonly Flavor[] {
    return SUPPORTS.of(this).filter((x): x is Flavor => x.kind === 'Flavor');
  }

  /** The NetworkTemplates the Deployment supports (a copy). */
  public get networkTemplates(): readonly NetworkTemplate[] {
    return SUPPORTS.of(this).filter((x): x is NetworkTemplate => x.kind === 'NetworkTemplate');
  }

  /** The Controllers that bind this Deployment to back-ends (a copy). */
  public get controllers(): readonly Controller[] {
    return CONTROLS.of(this);
  }

  /** Allow Sites to host Nodes of this Deployment (DEP-002). */
  public allowHosting(...sites: Site[]): this {
    this.addSites(HOSTS, sites, 'allowHosting()');
    return this;
  }

  /** Allow Sites to acquire resources (Slivers, Networks) from this Deployment (DEP-003). */
  public allowAcquire(...sites: Site[]): this {
    this.addSites(ACQUIRES, sites, 'allowAcquire()');
    return this;
  }

  /** Support Images, Flavors or NetworkTemplates on this Deployment (DEP-004..006). */
  public support(...items: (Image | Flavor | NetworkTemplate)[]): this {
    this.addSupported(items, 'support()', ['Image', 'Flavor', 'NetworkTemplate'], 'support');
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

  /** @internal */
  public toModel(ctx: ModelContext): void {
    const supported = SUPPORTS.of(this);
    const of = (kind: string) => ctx.refs(supported.filter((x) => x.kind === kind));
    ctx.deployments.push({
      kind: 'Deployment',
      key: this.key,
      name: this.name,
      hostSites: ctx.refs(HOSTS.of(this)),
      acquireSites: ctx.refs(ACQUIRES.of(this)),
      images: of('Image'),
      flavors: of('Flavor'),
      networkTemplates: of('NetworkTemplate'),
      limits: clean({ ...this.limits }),
      existingCatalog: this.existingCatalog,
    });
  }

  private addSites(relation: typeof HOSTS, sites: unknown, call: string): void {
    for (const s of listOf(this, call, sites))
      relation.link(this, ofKind(this, call, s, ['Site'], "Pass Sites declared in the cloud (new Site(cloud, 'id'))."), true);
  }

  private addSupported(items: unknown, call: string, kinds: readonly ('Image' | 'Flavor' | 'NetworkTemplate')[], prop: string): void {
    const fix =
      kinds.length > 1
        ? "Pass objects declared in the cloud: new Image(cloud, 'id'), new Flavor(cloud, 'id', { cores, ramMb }) or new NetworkTemplate(cloud, 'id')."
        : `${prop} takes only ${kinds[0]}s: an Image goes in images, a Flavor in flavors, a NetworkTemplate in networkTemplates (deployment.support() takes any of them).`;
    for (const x of listOf(this, call, items)) SUPPORTS.link(this, ofKind<'Image' | 'Flavor' | 'NetworkTemplate', Image | Flavor | NetworkTemplate>(this, call, x, kinds, fix), true);
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
  public readonly url?: string;
  public readonly region?: string;
  public readonly credentials: Readonly<Record<string, unknown>>;
  public readonly stackName: string;

  constructor(scope: Cloud, id: string, props: ControllerProps) {
    super(scope, id);
    try {
      this.backend = props.backend;
      this.url = props.url;
      this.region = props.region;
      this.credentials = Object.freeze({ ...(props.credentials ?? {}) });
      this.stackName = props.stackName ?? id;
      if (props.deployment !== undefined)
        CONTROLS.link(ofKind(this, 'new Controller({ deployment })', props.deployment, ['Deployment'], 'Pass the Deployment the Controller serves, or leave deployment out for an external service (S3, GAE).'), this, true);
      this.addSites(props.sites, 'new Controller({ sites })');
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** The Deployment this Controller serves; none for an external service's controller. */
  public get deployment(): Deployment | undefined {
    return CONTROLS.to(this)[0];
  }

  /** The Sites this Controller manages (a copy). */
  public get sites(): readonly Site[] {
    return MANAGES.of(this);
  }

  /** Bind more Sites to this Controller. */
  public addSite(...sites: Site[]): this {
    this.addSites(sites, 'addSite()');
    return this;
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.controllers.push(
      clean({
        kind: 'Controller',
        key: this.key,
        name: this.name,
        deployment: ctx.ref(this.deployment),
        sites: ctx.refs(MANAGES.of(this)),
        backend: this.backend,
        url: this.url,
        region: this.region,
        credentials: secretRefs(this.credentials),
        stack: this.stackName,
      }),
    );
  }

  private addSites(sites: unknown, call: string): void {
    for (const s of listOf(this, call, sites)) MANAGES.link(this, ofKind(this, call, s, ['Site'], "Pass Sites declared in the cloud (new Site(cloud, 'id'))."), true);
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
    try {
      this.deployment = optionalOfKind<'Deployment', Deployment>(this, 'new Node({ deployment })', props?.deployment, ['Deployment'], "Pass the Deployment whose policies apply to the Node (new Deployment(cloud, 'id')).")!;
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** The Site that hosts the Node. */
  public get site(): Site {
    return this.node.scope as Site;
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.nodes.push({ kind: 'Node', key: this.key, name: this.name, site: ctx.ref(this.site), deployment: ctx.ref(this.deployment) });
  }
}
