import type { ModelContext } from '../lib/model/context';
import { clean } from '../lib/model/render';
import { optionalOfKind, XosConstruct } from './base';
import type { Cloud } from './cloud';
import type { Site } from './site';

export interface UserProps {
  /** The User's home Site: a User is homed at exactly one Site (RBAC-001). */
  readonly site: Site;
  /**
   * SSH public keys, installed on the Slivers of every Slice the User holds a role on.
   * @default no keys
   */
  readonly publicKeys?: readonly string[];
  /**
   * The User's e-mail address.
   * @default none
   */
  readonly email?: string;
  /**
   * The User's name as people read it.
   * @default the construct id
   */
  readonly name?: string;
}

/** A User: a principal homed at one Site, holding roles in scopes. */
export class User extends XosConstruct {
  public readonly kind = 'User' as const;
  public readonly site: Site;
  public readonly publicKeys: readonly string[];
  public readonly email?: string;

  constructor(scope: Cloud, id: string, props: UserProps) {
    super(scope, id, props?.name);
    try {
      this.site = optionalOfKind<'Site', Site>(this, 'new User({ site })', props?.site, ['Site'], "Pass the User's home Site (new Site(cloud, 'id')).")!;
      this.publicKeys = Object.freeze([...(props?.publicKeys ?? [])]);
      this.email = props?.email;
    } catch (e) {
      this.unmake(); // nothing half-made stays in the cloud
      throw e;
    }
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.users.push(clean({ kind: 'User', key: this.key, name: this.name, email: this.email, site: ctx.ref(this.site), publicKeys: [...this.publicKeys] }));
  }
}
