import { checkSliverCount } from '../lib/limits';
import type { ModelContext } from '../lib/model/context';
import { clean, portsText } from '../lib/model/render';
import { joinSiteKey, type SliceRole } from '../lib/model/types';
import { captureCallSite, listOf, ofKind, optionalOfKind, XosConstruct } from './base';
import type { Deployment, Flavor, Image, Node, NetworkTemplate } from './infra';
import { Privilege } from './privilege';
import { IMPLEMENTS, JOINS, PERMITS } from './relation';
import type { Service } from './service';
import type { Site } from './site';
import type { User } from './user';

export interface SliceProps {
  /** The Image every Sliver of the Slice boots (SLC-002). */
  readonly image: Image;
  /** The Flavor every Sliver of the Slice gets (DEP-005). */
  readonly flavor: Flavor;
  /**
   * The Service this Slice implements.
   * @default none; `service.addSlice(slice)` also binds it
   */
  readonly service?: Service;
  /**
   * The Slice's name, unique within its Site (SLC-001).
   * @default the construct id
   */
  readonly name?: string;
  /**
   * What the Slice is for.
   * @default none
   */
  readonly description?: string;
}

/** Where a Sliver runs: on a Node, or on a Deployment when the back-end places it. */
export type Placement =
  | { readonly node: Node; readonly deployment?: undefined }
  | {
      readonly deployment: Deployment;
      /**
       * The Site whose share of the Deployment hosts the Sliver.
       * @default the Slice's Site
       */
      readonly site?: Site;
      readonly node?: undefined;
    };

export type SliverProps = Placement & {
  /**
   * The image to boot: only the Slice's own Image is allowed (SLC-002).
   * @default the Slice's Image
   */
  readonly image?: Image;
};

/** A Sliver: one instance (VM) of a Slice. */
export class Sliver extends XosConstruct {
  public readonly kind = 'Sliver' as const;
  public readonly placement: SliverProps;

  constructor(scope: Slice, id: string, props: SliverProps) {
    super(scope, id);
    try {
      const p = (props ?? {}) as Partial<Record<'node' | 'deployment' | 'site' | 'image', unknown>>;
      const check = <K extends 'Node' | 'Deployment' | 'Site' | 'Image'>(prop: keyof typeof p, kind: K, fix: string) =>
        p[prop] === undefined ? undefined : ofKind(this, `${scope?.node?.path ?? 'a Slice'}.addSliver('${id}', { ${prop} })`, p[prop], [kind], fix);
      // A copy, its objects checked: a Site passed as the node is refused here, not reported as undeclared.
      this.placement = Object.freeze({
        ...props,
        node: check('node', 'Node', "Pass a Node of the Site (site.addNode('id', { deployment })), or place the Sliver on a deployment."),
        deployment: check('deployment', 'Deployment', "Pass the Deployment whose back-end places the Sliver (new Deployment(cloud, 'id'))."),
        site: check('site', 'Site', "Pass the Site whose share of the Deployment hosts the Sliver (new Site(cloud, 'id'))."),
        image: check('image', 'Image', "Pass the Slice's own Image, or leave image out."),
      }) as SliverProps;
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** The Slice the Sliver belongs to. */
  public get slice(): Slice {
    return this.node.scope as Slice;
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    const p = this.placement ?? ({} as SliverProps);
    const node = p.node as Node | undefined;
    ctx.slivers.push({
      kind: 'Sliver',
      key: this.key,
      name: this.name,
      slice: ctx.ref(this.slice)!,
      node: node ? ctx.ref(node) : null,
      deployment: node ? ctx.ref(node.deployment) : ctx.ref(p.deployment),
      site: node ? ctx.ref(node.site) : ctx.ref(('site' in p && p.site) || this.slice.site),
      image: ctx.ref(p.image ?? this.slice.image),
    });
  }
}

export interface NetworkProps {
  /** The address space, a CIDR block such as `10.0.1.0/24` (NET-001). */
  readonly cidr: string;
  /** The NetworkTemplate that defines the Network's behaviour (DEP-006). */
  readonly template: NetworkTemplate;
  /**
   * The port range of the address space, `low-high` or a single port.
   * @default all ports
   */
  readonly ports?: string | { readonly low: number; readonly high: number };
  /**
   * True when the Network's addresses are publicly routable (NET-005).
   * @default the template's visibility
   */
  readonly public?: boolean;
  /**
   * The Site this Network is specific to (NET-004).
   * @default none: the Network spans every Site of its Slivers
   */
  readonly site?: Site;
  /**
   * Bandwidth allotted to the Network, in Mbit/s.
   * @default no limit
   */
  readonly bandwidthMbps?: number;
  /**
   * Slices allowed to join this Network (NET-003).
   * @default none; add them with `allowJoin()`
   */
  readonly allowJoin?: readonly Slice[];
}

/** A Network: a virtual network owned by a Slice, which other Slices may join. */
export class Network extends XosConstruct {
  public readonly kind = 'Network' as const;
  public readonly cidr: string;
  public readonly template: NetworkTemplate;
  public readonly ports?: string | { readonly low: number; readonly high: number };
  public readonly public?: boolean;
  public readonly site?: Site;
  public readonly bandwidthMbps?: number;

  constructor(scope: Slice, id: string, props: NetworkProps) {
    super(scope, id);
    try {
      this.cidr = props?.cidr;
      this.template = optionalOfKind<'NetworkTemplate', NetworkTemplate>(this, 'new Network({ template })', props?.template, ['NetworkTemplate'], "Pass a NetworkTemplate (new NetworkTemplate(cloud, 'id', { visibility })).")!;
      this.ports = props?.ports;
      this.public = props?.public;
      this.site = optionalOfKind<'Site', Site>(this, 'new Network({ site })', props?.site, ['Site'], "Pass the Site this Network is specific to, or leave site out.");
      this.bandwidthMbps = props?.bandwidthMbps;
      this.permit(props?.allowJoin, 'new Network({ allowJoin })');
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** The Slices allowed to join this Network (a copy). */
  public get permitted(): readonly Slice[] {
    return PERMITS.of(this);
  }

  /** The Slices (of other owners) that joined this Network with `slice.join(network)` (a copy). */
  public get joinedBy(): readonly Slice[] {
    return JOINS.to(this);
  }

  /** The Slice that owns the Network. */
  public get owner(): Slice {
    return this.node.scope as Slice;
  }

  /** Allow Slices to join this Network (the owner's consent, NET-003). */
  public allowJoin(...slices: Slice[]): this {
    this.permit(slices, 'allowJoin()');
    return this;
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    const tpl = this.template;
    ctx.networks.push({
      kind: 'Network',
      key: this.key,
      name: this.name,
      owner: ctx.ref(this.owner)!,
      permitted: ctx.refs(PERMITS.of(this)),
      // Only this cloud's Slices: a Slice of another cloud is no member of this model.
      joined: [...new Set(JOINS.to(this).filter((s) => ctx.declared(s)).map((s) => s.key))],
      cidr: String(this.cidr),
      ports: portsText(this.ports),
      public: this.public ?? tpl?.visibility === 'public',
      template: ctx.ref(tpl),
      site: ctx.ref(this.site),
      bandwidthMbps: this.bandwidthMbps ?? null,
    });
  }

  private permit(slices: unknown, call: string): void {
    for (const s of listOf(this, call, slices)) PERMITS.link(this, ofKind(this, call, s, ['Slice'], 'Pass the Slices that may join this Network.'), true);
  }
}

/** A Slice: a resource container of Slivers and Networks, owned by a Site. */
export class Slice extends XosConstruct {
  public readonly kind = 'Slice' as const;
  public readonly image: Image;
  public readonly flavor: Flavor;
  public readonly description?: string;

  constructor(scope: Site, id: string, props: SliceProps) {
    super(scope, id, props?.name);
    try {
      this.image = optionalOfKind<'Image', Image>(this, 'new Slice({ image })', props?.image, ['Image'], "Pass an Image (new Image(cloud, 'id')) that the Slice's Deployments support.")!;
      this.flavor = optionalOfKind<'Flavor', Flavor>(this, 'new Slice({ flavor })', props?.flavor, ['Flavor'], "Pass a Flavor (new Flavor(cloud, 'id', { cores, ramMb })) that the Slice's Deployments offer.")!;
      this.description = props?.description;
      // Through the one method that writes both sides; a wrong kind is refused there.
      if (props?.service !== undefined) ofKind<'Service', Service>(this, 'new Slice({ service })', props.service, ['Service'], 'Pass the Service this Slice implements, or leave service out.').addSlice(this);
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** The Site that owns the Slice. */
  public get site(): Site {
    return this.node.scope as Site;
  }

  /** The Service this Slice implements, if any (a Slice implements at most one). */
  public get service(): Service | undefined {
    return IMPLEMENTS.to(this)[0];
  }

  /** Networks owned by other Slices that this Slice joined (a copy). */
  public get joined(): readonly Network[] {
    return JOINS.of(this);
  }

  /** Declare a Sliver (an instance) of this Slice. */
  public addSliver(id: string, props: SliverProps): Sliver {
    return new Sliver(this, id, props);
  }

  /** Declare `count` Slivers named `<prefix>-1` ... `<prefix>-<count>`, all placed alike. */
  public addSlivers(prefix: string, count: number, props: SliverProps): Sliver[] {
    // Checked before the first Sliver: addSlivers('web', 1e9, ...) must not run for minutes and gigabytes first.
    checkSliverCount(count, `addSlivers('${prefix}', ${typeof count === 'number' ? count : typeof count}, ...) on Slice ${this.node.path}`);
    const out: Sliver[] = [];
    for (let i = 1; i <= count; i++) out.push(new Sliver(this, `${prefix}-${i}`, props));
    return out;
  }

  /** Declare a Network owned by this Slice. */
  public addNetwork(id: string, props: NetworkProps): Network {
    return new Network(this, id, props);
  }

  /** Join a Network owned by another Slice (the owner must allow it, NET-003). */
  public join(network: Network): this {
    const n = ofKind<'Network', Network>(this, 'join()', network, ['Network'], "Pass a Network of another Slice (other.addNetwork('id', { cidr, template })), whose owner allows this Slice (network.allowJoin(slice)).");
    // Where the program joined: NET-003 points at the join, not at the Network.
    if (!JOINS.has(this, n)) JOINS.link(this, n, captureCallSite());
    return this;
  }

  /** Grant a Slice role (`admin` or `access`) to a User. */
  public grant(user: User, role: SliceRole): Privilege {
    return Privilege.create(this, 'slice', user, role, this);
  }

  /** The Slivers of the Slice, in declaration order. */
  public get slivers(): readonly Sliver[] {
    return this.node.children.filter((c): c is Sliver => c instanceof Sliver);
  }

  /** The Networks the Slice owns, in declaration order. */
  public get networks(): readonly Network[] {
    return this.node.children.filter((c): c is Network => c instanceof Network);
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.slices.push(
      clean({ kind: 'Slice', key: this.key, name: this.name, site: ctx.ref(this.site), image: ctx.ref(this.image), flavor: ctx.ref(this.flavor), service: ctx.ref(this.service), description: this.description }),
    );
    // Each join's call site, by slice and network (read only when NET-003 reports the join).
    for (const n of JOINS.of(this)) {
      const at = JOINS.value(this, n);
      if (at) ctx.sources.defer(joinSiteKey(this.key, ctx.ref(n)!), at);
    }
  }
}
