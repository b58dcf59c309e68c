/**
 * AWS VPC, as the aws provider's resources ask it to be built (the VPC user guide's and the
 * provider's documented behaviour; docs/flows.md, "Semantics"):
 *
 * - A VPC's router joins all its subnets (the `local` route of every route table).
 * - A subnet reaches the Internet through its route table (its own association, or the
 *   VPC's main table, which has only the local route unless one is declared): a default
 *   route to an internet gateway of the VPC lets interfaces with a public address (Elastic IP)
 *   send and be reached; a default route to a NAT gateway (itself in a subnet routed to an
 *   internet gateway, with an Elastic IP) lets them send, translated.
 * - Security groups are stateful. Terraform removes the allow-all egress rule AWS gives a new
 *   group, so a group has exactly the rules declared: inline blocks, `aws_security_group_rule`,
 *   `aws_vpc_security_group_{ingress,egress}_rule`. A rule naming another group matches the
 *   private addresses of the interfaces in it; protocol `-1` is every protocol.
 * - An interface without groups gets the VPC's default group: ingress from its own members,
 *   egress anywhere (unless `aws_default_security_group` says otherwise).
 *   `aws_network_interface_sg_attachment` adds a group.
 * - An instance's interfaces are its primary one (device 0) and the attached ones, by device
 *   index; an instance launched into a subnet gets one interface with its
 *   `vpc_security_group_ids` and, with `associate_public_ip_address`, a public address.
 */
import { parseCidr, reachesInternet } from '../model/cidr';
import type { Group, GroupRule, Nic, Remote, Router, Segment, StackGraph } from './graph';
import { PortSet, ruleSet } from './ports';
import { defaultGroupOf, unknownGroup } from './read-openstack';
import { bool, elements, refOf, refsOf, resourceTypes, type Body, type Tf } from './tf';
import { pushTo } from './tf';

const UNMODELED = /^aws_(network_acl|default_network_acl|vpc_peering|ec2_transit_gateway|vpn_|customer_gateway|vpc_endpoint|egress_only_internet_gateway|ec2_client_vpn|networkfirewall|lb$|lb_|alb|elb|route53_resolver_firewall|vpc_security_group_vpc_association)/;

export function readAws(tf: Tf, stack: string): StackGraph {
  const unknown: { address: string; reason: string }[] = [];
  for (const t of resourceTypes(tf)) if (UNMODELED.test(t)) for (const [address] of elements(tf, t)) unknown.push({ address, reason: `a ${t} is not modelled by the proof; what it lets through is not known` });

  const vpcs = new Map<string, Body>(elements(tf, 'aws_vpc'));
  const subnets = new Map<string, Body>(elements(tf, 'aws_subnet'));
  // Internet gateways attached to each VPC.
  const igwOf = new Map<string, string>(); // igw -> vpc
  for (const [a, b] of elements(tf, 'aws_internet_gateway')) {
    const v = refOf(b.vpc_id);
    if (v) igwOf.set(a, v);
  }
  for (const [, b] of elements(tf, 'aws_internet_gateway_attachment')) {
    const v = refOf(b.vpc_id);
    const g = refOf(b.internet_gateway_id);
    if (v && g) igwOf.set(g, v);
  }
  // Route tables: the default route's target.
  const tableDefault = new Map<string, { igw?: string; nat?: string }>();
  const addRoute = (table: string, cidr: unknown, target: { gateway?: unknown; nat?: unknown }) => {
    const c = parseCidr(String(cidr ?? ''));
    if (typeof c === 'string' || !reachesInternet(c)) return;
    const cur = tableDefault.get(table) ?? {};
    const g = refOf(target.gateway);
    const n = refOf(target.nat);
    if (g && igwOf.has(g)) cur.igw ??= g;
    if (n) cur.nat ??= n;
    tableDefault.set(table, cur);
  };
  const tableVpc = new Map<string, string>();
  for (const [a, b] of [...elements(tf, 'aws_route_table'), ...elements(tf, 'aws_default_route_table')]) {
    const v = refOf(b.vpc_id) ?? (typeof b.default_route_table_id === 'string' ? /^\$\{(aws_vpc\.[^.]+)\.default_route_table_id\}$/.exec(b.default_route_table_id)?.[1] : undefined);
    if (v) tableVpc.set(a, v);
    for (const r of Array.isArray(b.route) ? b.route : []) addRoute(a, r?.cidr_block, { gateway: r?.gateway_id, nat: r?.nat_gateway_id });
  }
  for (const [, b] of elements(tf, 'aws_route')) {
    const t = refOf(b.route_table_id);
    if (t) addRoute(t, b.destination_cidr_block, { gateway: b.gateway_id, nat: b.nat_gateway_id });
  }
  const mainTable = new Map<string, string>(); // vpc -> table
  for (const [a, b] of elements(tf, 'aws_default_route_table')) if (tableVpc.get(a)) mainTable.set(tableVpc.get(a)!, a);
  for (const [, b] of elements(tf, 'aws_main_route_table_association')) {
    const v = refOf(b.vpc_id);
    const t = refOf(b.route_table_id);
    if (v && t) mainTable.set(v, t);
  }
  const tableOfSubnet = new Map<string, string>();
  for (const [, b] of elements(tf, 'aws_route_table_association')) {
    const s = refOf(b.subnet_id);
    const t = refOf(b.route_table_id);
    if (s && t) tableOfSubnet.set(s, t);
  }
  const defaultRoute = (subnet: string): { igw?: string; nat?: string } => {
    const vpc = refOf(subnets.get(subnet)?.vpc_id);
    const t = tableOfSubnet.get(subnet) ?? (vpc ? mainTable.get(vpc) : undefined);
    const d = t ? tableDefault.get(t) ?? {} : {};
    const igw = d.igw && igwOf.get(d.igw) === vpc ? d.igw : undefined;
    return { ...(igw ? { igw } : {}), ...(d.nat ? { nat: d.nat } : {}) };
  };
  // NAT gateways that work: public, with an Elastic IP, in a subnet routed to an internet gateway.
  const eips = new Map<string, Body>(elements(tf, 'aws_eip'));
  const workingNat = new Set<string>();
  for (const [a, b] of elements(tf, 'aws_nat_gateway')) {
    const s = refOf(b.subnet_id);
    const alloc = refOf(b.allocation_id);
    if (b.connectivity_type !== 'private' && s && alloc && eips.has(alloc) && defaultRoute(s).igw) workingNat.add(a);
  }

  // One router per VPC (its implicit router), joining all its subnets.
  const segments = new Map<string, Segment>();
  const routers = new Map<string, Router>();
  const members = new Map<string, string[]>();
  for (const [a, b] of subnets) {
    const vpc = refOf(b.vpc_id);
    const cidr = parseCidr(String(b.cidr_block ?? ''));
    const route = defaultRoute(a);
    const nat = route.nat && workingNat.has(route.nat) ? route.nat : undefined;
    segments.set(a, {
      address: a,
      ...(typeof b.tags?.['xos:key'] === 'string' ? { network: b.tags['xos:key'] as string } : {}),
      ...(typeof cidr !== 'string' ? { cidr } : {}),
      routers: vpc && vpcs.has(vpc) ? [vpc] : [],
      ...(route.igw ? { addressRoute: route.igw } : nat ? { translatedRoute: nat } : {}),
    });
    if (vpc) pushTo(members, vpc, a);
  }
  for (const [v] of vpcs) routers.set(v, { address: v, segments: members.get(v) ?? [] });

  // Security groups.
  const groups = new Map<string, Group>();
  const rules = new Map<string, GroupRule[]>();
  const add = (g: string, r: GroupRule) => pushTo(rules, g, r);
  const inline = (g: string, dir: 'ingress' | 'egress', blocks: unknown) => {
    (Array.isArray(blocks) ? blocks : []).forEach((x: Body, i: number) => {
      const ports = ruleSet(x.protocol, x.from_port, x.to_port);
      const at = `${g} (${dir} block ${i + 1})`;
      for (const c of Array.isArray(x.cidr_blocks) ? x.cidr_blocks : []) add(g, { address: at, direction: dir, ports, remote: cidrRemote(c) });
      for (const s of refsOf(x.security_groups).refs) add(g, { address: at, direction: dir, ports, remote: { kind: 'group', group: s } });
      for (const s of refsOf(x.security_groups).literals) add(g, { address: at, direction: dir, ports, remote: { kind: 'unknown', text: `security group ${s}` } });
      if (bool(x.self, false)) add(g, { address: at, direction: dir, ports, remote: { kind: 'group', group: g } });
      if (Array.isArray(x.prefix_list_ids) && x.prefix_list_ids.length) add(g, { address: at, direction: dir, ports, remote: { kind: 'unknown', text: 'a prefix list' } });
    });
  };
  for (const [a, b] of elements(tf, 'aws_security_group')) {
    inline(a, 'ingress', b.ingress);
    inline(a, 'egress', b.egress);
  }
  for (const type of ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'] as const)
    for (const [a, b] of elements(tf, type)) {
      const g = refOf(b.security_group_id);
      if (!g) continue;
      const direction = type === 'aws_vpc_security_group_egress_rule' ? 'egress' : 'ingress';
      const ports = ruleSet(b.ip_protocol, b.from_port, b.to_port);
      const remote: Remote | undefined = b.referenced_security_group_id
        ? refOf(b.referenced_security_group_id)
          ? { kind: 'group', group: refOf(b.referenced_security_group_id)! }
          : { kind: 'unknown', text: `security group ${b.referenced_security_group_id}` }
        : b.cidr_ipv4
          ? cidrRemote(b.cidr_ipv4)
          : b.prefix_list_id
            ? { kind: 'unknown', text: 'a prefix list' }
            : undefined;
      if (b.cidr_ipv6 && !remote) add(g, { address: a, direction, ports, remote: { kind: 'any' }, ipv6: true });
      else if (remote) add(g, { address: a, direction, ports, remote });
    }
  for (const [a, b] of elements(tf, 'aws_security_group_rule')) {
    const g = refOf(b.security_group_id);
    if (!g) continue;
    const direction = b.type === 'egress' ? 'egress' : 'ingress';
    const ports = ruleSet(b.protocol, b.from_port, b.to_port);
    for (const c of Array.isArray(b.cidr_blocks) ? b.cidr_blocks : []) add(g, { address: a, direction, ports, remote: cidrRemote(c) });
    if (b.source_security_group_id) {
      const s = refOf(b.source_security_group_id);
      add(g, { address: a, direction, ports, remote: s ? { kind: 'group', group: s } : { kind: 'unknown', text: `security group ${b.source_security_group_id}` } });
    }
    if (bool(b.self, false)) add(g, { address: a, direction, ports, remote: { kind: 'group', group: g } });
  }
  for (const [a] of elements(tf, 'aws_security_group')) groups.set(a, { address: a, rules: rules.get(a) ?? [], stateful: true });
  // The default group of a VPC.
  const declaredDefault = new Map<string, string>();
  for (const [a, b] of elements(tf, 'aws_default_security_group')) {
    const v = refOf(b.vpc_id);
    inline(a, 'ingress', b.ingress);
    inline(a, 'egress', b.egress);
    groups.set(a, { address: a, rules: rules.get(a) ?? [], stateful: true });
    if (v) declaredDefault.set(v, a);
  }
  const defaultGroup = (vpc: string | undefined): string => {
    if (vpc && declaredDefault.has(vpc)) return declaredDefault.get(vpc)!;
    const address = `default security group of ${vpc ?? 'the VPC'}`;
    return defaultGroupOf(groups, address, "EC2 gives an interface with no security groups its VPC's default group");
  };

  // Interfaces, their groups and public addresses; then the instances that own them.
  const enis = new Map<string, Body>(elements(tf, 'aws_network_interface'));
  const attachedGroups = new Map<string, string[]>();
  for (const [, b] of elements(tf, 'aws_network_interface_sg_attachment')) {
    const e = refOf(b.network_interface_id);
    const g = refOf(b.security_group_id);
    if (e && g) pushTo(attachedGroups, e, g);
  }
  const publicOf = new Map<string, string>(); // eni or instance -> eip
  for (const [a, b] of eips) {
    const e = refOf(b.network_interface) ?? refOf(b.instance);
    if (e) publicOf.set(e, a);
  }
  for (const [a, b] of elements(tf, 'aws_eip_association')) {
    const alloc = refOf(b.allocation_id);
    const e = refOf(b.network_interface_id) ?? refOf(b.instance_id);
    if (alloc && e && eips.has(alloc)) publicOf.set(e, `${alloc} (${a})`);
  }
  const groupsOf = (address: string, listed: unknown, vpc: string | undefined): string[] => {
    const l = refsOf(listed);
    let gs = [...l.refs.filter((g) => groups.has(g)), ...l.literals.map((x) => unknownGroup(groups, x))];
    if (!gs.length) gs = [defaultGroup(vpc)];
    return [...new Set([...gs, ...(attachedGroups.get(address) ?? [])])];
  };
  const eniNic = (e: string, sliver: string, index: number, instance: string): Nic | undefined => {
    const b = enis.get(e);
    const subnet = b ? refOf(b.subnet_id) : undefined;
    if (!b || !subnet || !subnets.has(subnet)) return undefined;
    const vpc = refOf(subnets.get(subnet)!.vpc_id);
    const pub = publicOf.get(e) ?? (index === 0 ? publicOf.get(instance) : undefined);
    return { address: e, sliver, index, segment: subnet, groups: groupsOf(e, b.security_groups, vpc), ...(pub ? { publicAddress: pub } : {}) };
  };
  const attachments = new Map<string, { eni: string; index: number }[]>();
  for (const [, b] of elements(tf, 'aws_network_interface_attachment')) {
    const i = refOf(b.instance_id);
    const e = refOf(b.network_interface_id);
    if (i && e) pushTo(attachments, i, { eni: e, index: Number(b.device_index ?? 1) });
  }
  const nics: Nic[] = [];
  for (const [a, b] of elements(tf, 'aws_instance')) {
    const sliver = typeof b.tags?.['xos:key'] === 'string' ? (b.tags['xos:key'] as string) : a;
    const own: { eni: string; index: number }[] = [];
    const primary = refOf(b.primary_network_interface?.network_interface_id);
    if (primary) own.push({ eni: primary, index: 0 });
    for (const n of Array.isArray(b.network_interface) ? b.network_interface : []) {
      const e = refOf(n?.network_interface_id);
      if (e) own.push({ eni: e, index: Number(n.device_index ?? 0) });
    }
    own.push(...(attachments.get(a) ?? []));
    for (const { eni, index } of own) {
      const nic = eniNic(eni, sliver, index, a);
      if (nic) nics.push(nic);
    }
    const subnet = refOf(b.subnet_id);
    if (!own.length && subnet && subnets.has(subnet)) {
      // An interface the instance makes for itself.
      const vpc = refOf(subnets.get(subnet)!.vpc_id);
      const l = refsOf(b.vpc_security_group_ids);
      const gs = l.refs.length || l.literals.length ? [...l.refs.filter((g) => groups.has(g)), ...l.literals.map((x) => unknownGroup(groups, x))] : [defaultGroup(vpc)];
      const pub = publicOf.get(a) ?? (bool(b.associate_public_ip_address, false) ? `${a} (public IP at launch)` : undefined);
      nics.push({ address: `${a} (primary interface)`, sliver, index: 0, segment: subnet, groups: gs, ...(pub ? { publicAddress: pub } : {}) });
    }
  }
  return { stack, target: 'aws', segments, groups, nics, routers, unknown };
}

function cidrRemote(text: unknown): Remote {
  const c = parseCidr(String(text));
  if (typeof c === 'string') return { kind: 'unknown', text: String(text) };
  return c.prefix === 0 ? { kind: 'any' } : { kind: 'cidr', cidr: c, text: String(text) };
}
