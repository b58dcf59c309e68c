import type { ModelContext } from '../lib/model/context';
import { clean } from '../lib/model/render';
import type { SiteRole } from '../lib/model/types';
import { XosConstruct } from './base';
import type { Cloud } from './cloud';
import { Node, NodeProps } from './infra';
import { Privilege } from './privilege';
import { Slice, SliceProps } from './slice';
import type { User } from './user';

export interface SiteProps {
  /**
   * The Site's login base: the prefix of its Slices' names on the back-ends.
   * @default the construct id
   */
  readonly loginBase?: string;
  /**
   * The Site's name as people read it.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * The Site's web page.
   * @default none
   */
  readonly url?: string;
  /**
   * Where the Site is (city, or latitude and longitude).
   * @default none
   */
  readonly location?: string;
}

/**
 * A Site: a set of co-located Nodes, the home of Users, the owner of Slices.
 */
export class Site extends XosConstruct {
  public readonly kind = 'Site' as const;
  public readonly loginBase: string;
  public readonly url?: string;
  public readonly location?: string;

  constructor(scope: Cloud, id: string, props: SiteProps = {}) {
    super(scope, id, props.name);
    this.loginBase = props.loginBase ?? id;
    this.url = props.url;
    this.location = props.location;
  }

  /** Declare a Node (a physical server) at this Site, bound to a Deployment. */
  public addNode(id: string, props: NodeProps): Node {
    return new Node(this, id, props);
  }

  /** Declare a Slice owned by this Site. */
  public addSlice(id: string, props: SliceProps): Slice {
    return new Slice(this, id, props);
  }

  /** Grant a Site role (`admin`, `pi` or `tech`) to a User. */
  public grant(user: User, role: SiteRole): Privilege {
    return Privilege.create(this, 'site', user, role, this);
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.sites.push(clean({ kind: 'Site', key: this.key, name: this.name, loginBase: this.loginBase, url: this.url, location: this.location }));
  }
}
