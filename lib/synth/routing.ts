/**
 * Which Networks of a stack one router joins, per target: read from the layout's gateways,
 * shared by the targets that render routers and by the rules that check them at validate
 * time (NET-006, TGT-001), so that what is checked is what is written.
 *
 * - openstack, local: a Neutron subnet's gateway address sits on one router only, so every
 *   Network an interconnect gateway joins, and everything joined to those, shares one router
 *   (a routing domain); a domain with a route out gets the external gateway.
 * - aws: one VPC per stack, whose implicit router joins every subnet: one domain.
 */
import type { LayoutResource, StackLayout } from './layout';
import type { TargetName } from './target-choice';

export interface RoutingDomain {
  /** Layout names of the Networks the domain's router joins, sorted; the first names the router. */
  readonly networks: readonly string[];
  /** Interconnect gateways (layout names) that joined them. */
  readonly gateways: readonly string[];
  /** Networks of the domain with a route out, by layout name: their translation. */
  readonly routes: ReadonlyMap<string, 'none' | 'nat'>;
}

/** The routing domains of a stack that need a router (two Networks or more, or a route out). */
export function routingDomains(stack: Pick<StackLayout, 'resources'>, target: TargetName): RoutingDomain[] {
  const networks = stack.resources.filter((r) => r.kind === 'network').map((r) => r.name).sort();
  const gateways = stack.resources.filter((r) => r.kind === 'gateway');
  const routes = new Map<string, 'none' | 'nat'>();
  for (const g of gateways) if (g.attrs.role === 'internet' && g.refs.network) routes.set(g.refs.network, g.attrs.translation === 'none' ? 'none' : 'nat');
  const interconnects = gateways.filter((g) => g.attrs.role === 'interconnect');
  if (target === 'aws') {
    if (!networks.length) return [];
    return [{ networks, gateways: interconnects.map((g) => g.name).sort(), routes }];
  }
  const parent = new Map(networks.map((n) => [n, n]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const joinedBy = new Map<string, string[]>();
  for (const g of interconnects) {
    const ends = [g.refs.tenant_network, g.refs.provider_network].filter((n): n is string => !!n && parent.has(n));
    if (ends.length === 2) {
      const [a, b] = [find(ends[0]), find(ends[1])].sort();
      if (a !== b) parent.set(b, a);
    }
    if (ends.length) joinedBy.set(g.name, ends);
  }
  const members = new Map<string, string[]>();
  for (const n of networks) {
    const root = find(n);
    const l = members.get(root);
    if (l) l.push(n);
    else members.set(root, [n]);
  }
  // Each domain's routes and gateways, found by its root (linear in the stack).
  const routesOf = new Map<string, Map<string, 'none' | 'nat'>>();
  for (const [n, t] of routes) {
    if (!parent.has(n)) continue;
    const root = find(n);
    let m = routesOf.get(root);
    if (!m) routesOf.set(root, (m = new Map()));
    m.set(n, t);
  }
  const gatewaysOf = new Map<string, string[]>();
  for (const [g, ends] of joinedBy) {
    const root = find(ends[0]);
    const l = gatewaysOf.get(root);
    if (l) l.push(g);
    else gatewaysOf.set(root, [g]);
  }
  const out: RoutingDomain[] = [];
  for (const [root, nets] of members) {
    const own = routesOf.get(root) ?? new Map<string, 'none' | 'nat'>();
    if (nets.length < 2 && !own.size) continue;
    out.push({ networks: nets.sort(), gateways: (gatewaysOf.get(root) ?? []).sort(), routes: own });
  }
  return out.sort((a, b) => (a.networks[0] < b.networks[0] ? -1 : 1));
}

/** The layout resources of a stack by name (for the routing domains' members). */
export function byName(stack: Pick<StackLayout, 'resources'>): Map<string, LayoutResource> {
  return new Map(stack.resources.map((r) => [r.name, r]));
}
