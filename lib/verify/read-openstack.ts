/**
 * OpenStack Neutron, as the openstack provider's resources ask it to be built (Neutron's and
 * the provider's documented behaviour; docs/flows.md, "Semantics"):
 *
 * - Security groups are stateful (replies pass) unless `stateful = false`. A new group gets
 *   two egress rules (IPv4 and IPv6, any protocol, anywhere) unless `delete_default_rules`.
 *   A rule without protocol matches every protocol, without ports every port; without
 *   `remote_ip_prefix` and `remote_group_id` it matches every address of its ethertype;
 *   `remote_group_id` matches the fixed addresses of the ports in that group.
 * - A port with no `security_group_ids` gets its project's `default` group (ingress from the
 *   group's own members, egress anywhere) unless `no_security_groups`; with port security
 *   off (on the port, or inherited from its network) nothing filters it.
 *   `openstack_networking_port_secgroup_associate_v2` adds its groups (or, with `enforce`,
 *   sets them).
 * - A router routes between the subnets it has interfaces on (by subnet, or by port). With
 *   an external gateway it also reaches the Internet: `enable_snat` (the default) translates
 *   its subnets' addresses; without SNAT they are routed as they are (public addresses).
 * - A floating IP associated with a port answers on the Internet for its fixed address,
 *   through the router that joins the port's subnet to the external network.
 * - Instances boot with the ports their `network` blocks name (in that order, eth0 first);
 *   a block by network `uuid` or `name` makes a port with the instance's `security_groups`.
 */
import { parseCidr } from '../model/cidr';
import type { Group, GroupRule, Nic, Remote, Router, Segment, StackGraph } from './graph';
import { PortSet, ruleSet } from './ports';
import { bool, elements, refOf, refsOf, resourceTypes, type Body, type Tf } from './tf';
import { pushTo } from './tf';

/** Resource types this reader models; any other networking type makes the proof incomplete. */
const MODELED = new Set([
  'openstack_networking_network_v2',
  'openstack_networking_subnet_v2',
  'openstack_networking_port_v2',
  'openstack_networking_router_v2',
  'openstack_networking_router_interface_v2',
  'openstack_networking_secgroup_v2',
  'openstack_networking_secgroup_rule_v2',
  'openstack_networking_floatingip_v2',
  'openstack_networking_floatingip_associate_v2',
  'openstack_networking_port_secgroup_associate_v2',
  'openstack_networking_qos_policy_v2',
  'openstack_networking_qos_bandwidth_limit_rule_v2',
  // A host route only tells instances which gateway to use; it opens no path that the routers
  // and their interfaces do not make (a next hop that is not a router forwards nothing: port
  // security drops what an instance sends from addresses not its own).
  'openstack_networking_subnet_route_v2',
]);

export function readOpenstack(tf: Tf, stack: string): StackGraph {
  const unknown: { address: string; reason: string }[] = [];
  for (const t of resourceTypes(tf))
    if ((t.startsWith('openstack_networking_') || t.startsWith('openstack_fw_') || t.startsWith('openstack_vpnaas_') || t.startsWith('openstack_lb_')) && !MODELED.has(t))
      for (const [address] of elements(tf, t)) unknown.push({ address, reason: `a ${t} is not modelled by the proof; what it lets through is not known` });

  // Networks and their subnets.
  const networks = new Map<string, Body>(elements(tf, 'openstack_networking_network_v2'));
  const subnetsOfNetwork = new Map<string, string[]>();
  const subnets = new Map<string, Body>();
  for (const [a, b] of elements(tf, 'openstack_networking_subnet_v2')) {
    subnets.set(a, b);
    const n = refOf(b.network_id);
    if (n) pushTo(subnetsOfNetwork, n, a);
  }
  const ports = new Map<string, Body>(elements(tf, 'openstack_networking_port_v2'));
  const portSubnet = (p: Body): string | undefined => {
    const fixed = Array.isArray(p.fixed_ip) ? p.fixed_ip : p.fixed_ip ? [p.fixed_ip] : [];
    for (const f of fixed) {
      const s = refOf(f?.subnet_id);
      if (s && subnets.has(s)) return s;
    }
    const n = refOf(p.network_id);
    return n ? subnetsOfNetwork.get(n)?.[0] : undefined;
  };

  // Routers and the subnets they join.
  const routerBodies = new Map<string, Body>(elements(tf, 'openstack_networking_router_v2'));
  const routerSegments = new Map<string, string[]>();
  for (const [, b] of elements(tf, 'openstack_networking_router_interface_v2')) {
    const r = refOf(b.router_id);
    if (!r || !routerBodies.has(r)) continue;
    const viaPort = refOf(b.port_id);
    const s = refOf(b.subnet_id) ?? (viaPort && ports.has(viaPort) ? portSubnet(ports.get(viaPort)!) : undefined);
    if (s && subnets.has(s)) pushTo(routerSegments, r, s);
  }
  const routers = new Map<string, Router>();
  for (const [a, b] of routerBodies) routers.set(a, { address: a, segments: routerSegments.get(a) ?? [], ...(bool(b.admin_state_up, true) ? {} : { down: `${a} is administratively down` }) });
  const external = (b: Body) => b.external_network_id !== undefined || b.external_gateway !== undefined;

  const segments = new Map<string, Segment>();
  for (const [a, b] of subnets) {
    const net = refOf(b.network_id);
    const nb = net ? networks.get(net) : undefined;
    const cidr = parseCidr(String(b.cidr ?? ''));
    const on = [...routerSegments].filter(([, ss]) => ss.includes(a)).map(([r]) => r).filter((r) => !routers.get(r)?.down);
    const ext = on.filter((r) => external(routerBodies.get(r)!));
    const ipv6 = String(b.ip_version ?? '4') === '6';
    segments.set(a, {
      address: a,
      ...(nb ? networkKey(nb) : {}),
      ...(typeof cidr !== 'string' && !ipv6 ? { cidr } : {}),
      routers: on,
      ...(ext.find((r) => !bool(routerBodies.get(r)!.enable_snat, true)) ? { publicRoute: ext.find((r) => !bool(routerBodies.get(r)!.enable_snat, true)) } : {}),
      ...(ext.find((r) => bool(routerBodies.get(r)!.enable_snat, true)) ? { translatedRoute: ext.find((r) => bool(routerBodies.get(r)!.enable_snat, true)) } : {}),
      ...(ext.length ? { addressRoute: ext[0] } : {}),
      ...(nb && !bool(nb.admin_state_up, true) ? { down: `${net} is administratively down` } : {}),
    });
  }

  // Security groups and their rules.
  const groups = new Map<string, Group>();
  const rulesOf = new Map<string, GroupRule[]>();
  for (const [a, b] of elements(tf, 'openstack_networking_secgroup_rule_v2')) {
    const g = refOf(b.security_group_id);
    if (!g) continue;
    const rule: GroupRule = {
      address: a,
      direction: b.direction === 'egress' ? 'egress' : 'ingress',
      ports: ruleSet(b.protocol, b.port_range_min, b.port_range_max),
      remote: remoteOf(b.remote_group_id, b.remote_ip_prefix, String(b.ethertype ?? 'IPv4') === 'IPv6'),
      ...(String(b.ethertype ?? 'IPv4') === 'IPv6' ? { ipv6: true } : {}),
    };
    pushTo(rulesOf, g, rule);
  }
  for (const [a, b] of elements(tf, 'openstack_networking_secgroup_v2')) {
    const rules = [...(rulesOf.get(a) ?? [])];
    if (!bool(b.delete_default_rules, false)) {
      rules.push({ address: `${a} (default egress rule, IPv4)`, direction: 'egress', ports: PortSet.ALL, remote: { kind: 'any' } });
      rules.push({ address: `${a} (default egress rule, IPv6)`, direction: 'egress', ports: PortSet.ALL, remote: { kind: 'any' }, ipv6: true });
    }
    groups.set(a, { address: a, rules, stateful: bool(b.stateful, true) });
  }
  // Each project's "default" group: one per provider configuration (the project it authenticates in).
  const defaultGroup = (provider: unknown): string => {
    const address = `default security group of the project of ${typeof provider === 'string' ? provider : 'openstack'}`;
    return defaultGroupOf(groups, address, "Neutron gives a port with no security groups its project's default group");
  };
  const byName = new Map<string, string>();
  for (const [a, b] of elements(tf, 'openstack_networking_secgroup_v2')) if (typeof b.name === 'string') byName.set(b.name, a);

  // Ports: their groups, their state, their floating IPs.
  const associated = new Map<string, { groups: string[]; enforce: boolean }>();
  for (const [, b] of elements(tf, 'openstack_networking_port_secgroup_associate_v2')) {
    const p = refOf(b.port_id);
    if (!p) continue;
    associated.set(p, { groups: refsOf(b.security_group_ids).refs, enforce: bool(b.enforce, false) });
  }
  const fips = new Map<string, string>(); // port -> floating ip address
  const fipBodies = new Map<string, Body>(elements(tf, 'openstack_networking_floatingip_v2'));
  for (const [a, b] of fipBodies) {
    const p = refOf(b.port_id);
    if (p) fips.set(p, a);
  }
  for (const [a, b] of elements(tf, 'openstack_networking_floatingip_associate_v2')) {
    const p = refOf(b.port_id);
    const f = refOf(b.floating_ip);
    if (p && f && fipBodies.has(f)) fips.set(p, `${f} (${a})`);
  }
  const groupsOfPort = (a: string, b: Body): string[] | 'unfiltered' => {
    const net = refOf(b.network_id);
    const security = bool(b.port_security_enabled, net && networks.has(net) ? bool(networks.get(net)!.port_security_enabled, true) : true);
    if (!security) return 'unfiltered';
    const listed = refsOf(b.security_group_ids);
    let gs: string[] = [...listed.refs.filter((g) => groups.has(g)), ...listed.literals.map((l) => unknownGroup(groups, l))];
    if (!gs.length && !bool(b.no_security_groups, false)) gs = [defaultGroup(b.provider)];
    const assoc = associated.get(a);
    if (assoc) gs = assoc.enforce ? assoc.groups : [...new Set([...gs, ...assoc.groups])];
    return gs;
  };

  // Instances, and their ports in interface order.
  const nics: Nic[] = [];
  for (const [a, b] of elements(tf, 'openstack_compute_instance_v2')) {
    const sliver = typeof b.metadata?.xos_sliver === 'string' ? b.metadata.xos_sliver : a;
    const blocks = Array.isArray(b.network) ? b.network : b.network ? [b.network] : [];
    blocks.forEach((n: Body, index: number) => {
      const p = refOf(n?.port);
      if (p && ports.has(p)) {
        const pb = ports.get(p)!;
        const seg = portSubnet(pb);
        if (!seg) return;
        nics.push({
          address: p,
          sliver,
          index,
          segment: seg,
          groups: groupsOfPort(p, pb),
          ...(fips.has(p) ? { publicAddress: fips.get(p) } : {}),
          ...(bool(pb.admin_state_up, true) ? {} : { down: `${p} is administratively down` }),
        });
        return;
      }
      // A port Nova makes on a network, with the instance's security groups (by name).
      const net = refOf(n?.uuid);
      const seg = net ? subnetsOfNetwork.get(net)?.[0] : undefined;
      if (!seg) return;
      const names: string[] = Array.isArray(b.security_groups) ? b.security_groups.map(String) : ['default'];
      nics.push({ address: `${a} (network ${index})`, sliver, index, segment: seg, groups: names.map((nm) => (nm === 'default' ? defaultGroup(b.provider) : byName.get(nm) ?? unknownGroup(groups, nm))) });
    });
  }
  return { stack, target: 'openstack', segments, groups, nics, routers, unknown };
}

/** The model key an OpenStack network names in its tags (`xos:<key>`). */
function networkKey(b: Body): { network?: string } {
  const tags: unknown[] = Array.isArray(b.tags) ? b.tags : [];
  const t = tags.find((x): x is string => typeof x === 'string' && x.startsWith('xos:'));
  return t ? { network: t.slice(4) } : {};
}

export function remoteOf(group: unknown, prefix: unknown, ipv6 = false): Remote {
  if (group !== undefined && group !== null && group !== '') {
    const g = refOf(group);
    return g ? { kind: 'group', group: g } : { kind: 'unknown', text: `security group ${String(group)}` };
  }
  if (prefix === undefined || prefix === null || prefix === '') return { kind: 'any' };
  if (ipv6) return { kind: 'any' };
  const c = parseCidr(String(prefix));
  if (typeof c === 'string') return { kind: 'unknown', text: String(prefix) };
  if (c.prefix === 0) return { kind: 'any' };
  return { kind: 'cidr', cidr: c, text: String(prefix) };
}

/** A group the stack names but does not declare (a literal id): its rules are not known. */
/**
 * A back-end's implicit default group (Neutron's per project, EC2's per VPC), added once under
 * `address`: ingress from its own members, egress anywhere.
 */
export function defaultGroupOf(groups: Map<string, Group>, address: string, implicit: string): string {
  if (!groups.has(address))
    groups.set(address, {
      address,
      implicit,
      stateful: true,
      rules: [
        { address: `${address} (ingress from its members)`, direction: 'ingress', ports: PortSet.ALL, remote: { kind: 'group', group: address } },
        { address: `${address} (egress anywhere)`, direction: 'egress', ports: PortSet.ALL, remote: { kind: 'any' } },
      ],
    });
  return address;
}

export function unknownGroup(groups: Map<string, Group>, id: string): string {
  const address = `security group ${id} (not declared in the stack)`;
  if (!groups.has(address)) groups.set(address, { address, implicit: 'named by id; its rules are not in the stack', stateful: true, rules: [{ address, direction: 'ingress', ports: PortSet.ALL, remote: { kind: 'unknown', text: id } }, { address, direction: 'egress', ports: PortSet.ALL, remote: { kind: 'unknown', text: id } }] });
  return address;
}
