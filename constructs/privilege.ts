import type { IConstruct } from 'constructs';
import type { ModelContext } from '../lib/model/context';
import type { PrivilegeScope } from '../lib/model/types';
import { ofKind, XosConstruct } from './base';
import type { User } from './user';

/**
 * A role granted to a User in the scope of the cloud (root), a Site, a Slice or a
 * Deployment. Created by the scope's `grant()` method, never directly.
 */
export class Privilege extends XosConstruct {
  /** @internal */
  public static create(scope: IConstruct, kind: PrivilegeScope, user: User, role: string, target: XosConstruct | null): Privilege {
    // A role is granted to a User: anything else is the program's mistake, refused at the call.
    ofKind(target ?? 'the Cloud', 'grant()', user, ['User'], "Grant the role to a User (new User(cloud, 'id', { site })).");
    const base = `grant-${user?.node?.id ?? 'unknown'}-${role}`;
    let id = base;
    for (let n = 2; scope.node.tryFindChild(id); n++) id = `${base}-${n}`;
    return new Privilege(scope, id, kind, user, role, target);
  }

  public readonly kind = 'Privilege' as const;

  private constructor(
    scope: IConstruct,
    id: string,
    /** The scope the role applies to. */
    public readonly scopeKind: PrivilegeScope,
    /** The User who holds the role. */
    public readonly user: User,
    /** The role. */
    public readonly role: string,
    /** The Site, Slice or Deployment; null at root scope. */
    public readonly target: XosConstruct | null,
  ) {
    super(scope, id);
  }

  /** @internal */
  public toModel(ctx: ModelContext): void {
    ctx.privileges.push({ kind: 'Privilege', key: this.key, name: this.name, user: ctx.ref(this.user), scope: this.scopeKind, target: this.target ? ctx.ref(this.target) : null, role: String(this.role) });
  }
}
