/**
 * docs/flows.md, generated (`npm run docs`; a test fails when it is stale): the intended flows
 * from the table intent.ts computes them from (FLOW_SOURCES), each with the sentences of the
 * seeds it rests on, then the semantics the proof gives each back-end and the decisions taken
 * where the seeds are silent.
 */
import { IPV4_ONLY } from '../model/cidr';
import { FLOW_SOURCES } from './intent';

const SEMANTICS: readonly (readonly [string, readonly string[]])[] = [
  [
    'OpenStack (Neutron), from the openstack provider\'s resources',
    [
      'Security groups are stateful: a reply passes when the request did (`stateful = false` is modelled: then a protocol passes only if rules also let its replies back).',
      'A new group has two egress rules (IPv4 and IPv6, every protocol, anywhere) unless `delete_default_rules`; the openstack target always deletes them and writes every rule it means.',
      'A rule without `protocol` is every protocol; without ports, every port; without `remote_ip_prefix` or `remote_group_id`, every address of its ethertype. `remote_group_id` matches the fixed addresses of the ports in that group. IPv6 rules are left out (xos is IPv4-only).',
      "A port with no `security_group_ids` gets its project's `default` group (ingress from its own members, egress anywhere), unless `no_security_groups`; port security off (`port_security_enabled = false` on the port, or inherited from its network) filters nothing. `openstack_networking_port_secgroup_associate_v2` adds its groups (with `enforce`, replaces them).",
      'A router routes between the subnets it has an interface on (by subnet or by port), and nothing routes between two routers. With an external gateway, `enable_snat` (the default) lets its subnets send to the Internet, translated; without SNAT their addresses are routed as they are (public addresses, reachable from the Internet).',
      "A floating IP (`openstack_networking_floatingip_v2` with `port_id`, or `openstack_networking_floatingip_associate_v2`) answers on the Internet for its port's fixed address, through the router that joins the port's subnet to the external network (without one, Neutron refuses the association: the proof says it is unreachable).",
      'A subnet route (`openstack_networking_subnet_route_v2`, a host route DHCP hands out) only chooses the gateway an instance sends through: it opens no path the routers do not make (a next hop that is not a router forwards nothing, since port security drops what an instance sends from addresses not its own).',
      'An instance has the ports its `network` blocks name, in order (eth0 first); a block by network `uuid` gets a port with the instance\'s `security_groups` (by name).',
      'Administratively down networks, ports and routers pass nothing. Any other `openstack_networking_*`, `openstack_fw_*`, `openstack_vpnaas_*` or `openstack_lb_*` resource makes the proof fail (FLOW-002: what it lets through is not modelled).',
    ],
  ],
  [
    "AWS (VPC), from the aws provider's resources",
    [
      "A VPC's router joins all its subnets (every route table's local route).",
      "A subnet's route table is its own (`aws_route_table_association`) or the VPC's main one (only the local route, unless declared). A default route to an internet gateway attached to the VPC lets interfaces with a public address (Elastic IP, or a public IP at launch) send to and be reached from the Internet; a default route to a working NAT gateway (public, with an Elastic IP, in a subnet routed to an internet gateway) lets them send, translated. Addresses of the VPC are never routed publicly as they are.",
      'Security groups are stateful. Terraform removes the allow-all egress rule AWS gives a new group, so a group has exactly its declared rules (inline blocks, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule` / `_egress_rule`). A rule naming a group matches the private addresses of the interfaces in it; protocol `-1` is every protocol.',
      "An interface without groups gets the VPC's default group (ingress from its own members, egress anywhere; `aws_default_security_group` replaces its rules); `aws_network_interface_sg_attachment` adds a group.",
      "An instance's interfaces are its primary one (device 0) and the attached ones by device index; launched into a subnet it gets one interface with `vpc_security_group_ids`.",
      'Network ACLs, peering, transit gateways, VPN and endpoints are not modelled: any of them makes the proof fail (FLOW-002), since the default network ACL, which admits everything, is what the model assumes.',
    ],
  ],
  [
    'local (terraform_data), from the layout it records',
    [
      'Every resource is a `terraform_data` whose `input` records its kind (`xos_kind`) and references (`*_id`, `*_ids`); there are no defaults.',
      'A port is filtered by exactly the groups it lists (none: nothing passes); a group has exactly its rules, stateful; a rule matches `remote_group_id`, else `remote_cidr`.',
      'An `interconnect` gateway routes between its two Networks; an `internet` gateway gives its Network a way out (`translation: none`: public addresses, reachable as they are; `nat`: translated); an `address` is a public address on its port.',
    ],
  ],
];

const DECISIONS: readonly (readonly [string, string])[] = [
  ['A flow', 'is (source: a Sliver or the Internet, destination: a Sliver, the Network the destination is reached on, protocols and ports). Counted in the tables as one flow per (source, destination, Network); it is missing when an intended port does not pass, extra when a port passes that nothing intends.'],
  ['Classes', 'The proof never enumerates pairs of Slivers: Slivers of one Slice on one back-end are one class to the model, and Slivers whose interfaces are alike (subnets, groups, state, public address) are one class to the analysis. Flows are computed class to class, from each destination\'s ingress rules; messages name concrete Slivers.'],
  ['The Internet includes every Sliver', 'What the Internet may send to a Sliver (a public endpoint, a public Network), any Sliver may send too, directly or through the Internet: such flows are not extra. Sending to the Internet is not a flow of the model (its destination is no Sliver); Slivers may send anywhere (every group the targets write has one egress rule, anywhere), and what reaches a Sliver is decided where it arrives.'],
  ['Which interface sends', 'A Sliver may send from any of its interfaces that has a path to the destination: the proof does not model the instance\'s own routing table. (The openstack target hands out host routes to the Networks a gateway joins, so the interface on the tenant\'s Network is used.)'],
  ['Private tenancies across back-ends (FLOW-003)', 'A Network that spans back-ends is one network per back-end, as XOS made one per Controller; independent back-ends share no private network (the paper\'s edge sites each run their own OpenStack). A private tenancy therefore intends tenant-to-provider flows within each back-end, and `xos validate` refuses, with the fix (a provider Sliver on that back-end, or `connect: \'public\'`), a back-end that runs tenant Slivers and no provider Sliver. No VPN or SDN fabric between clouds is synthesized.'],
  ['Ports', 'A provider with Slices declares the ports it serves (FLOW-004): a connect opens only those. An external provider (no Slices) is reached by the tenant sending to the Internet on its ports, or on every port when it declares none. A Network\'s port range limits the flows on it (and from the Internet to it, when public) to tcp and udp on that range.'],
  ['Public Networks', 'Every Sliver on a public Network is reached from the Internet on the Network (NET-005 warns): on OpenStack its router does not translate (addresses routed as they are), on EC2 each interface on it gets an Elastic IP.'],
  ['Derived joins (NET-003)', "A tenancy's joins (shared-private's network, an interconnect's private Network of its Service) carry only the tenancy's flows and each Slice's own; they are the tenancy's consent, never recorded as the owner's, and they hold only for a Network owned by a Slice of the tenancy's tenant or provider."],
  ['Routers (NET-006)', 'On OpenStack, a subnet\'s gateway address sits on one router, so every Network an interconnect joins shares one router (a routing domain) with the routes out of its Networks; on EC2 the VPC joins every Network of the back-end. The blocks one router joins may not overlap, and one Neutron router does not mix public and translated Networks (TGT-001).'],
  ['OpenStack projects of the network resources', "Each Slice's ports (and instances) belong to the Slice's project; its floating IPs too, so the Slice's quota counts its public addresses and its users see them. The security groups and their rules stay in the Controller's project, created by the Controller's configuration, which is an admin already (it creates the projects, users and role assignments): Neutron lets an admin put a group of any project on a port and point a rule's `remote_group_id` at a group of another project, which a configuration scoped to one Slice's project (with the `member` role the target gives it) may not. Groups are shared across Slices (a Network's members, a Service's Slices, a tenancy's two sides), so groups per project would need one group per Slice and a rule per pair of them, each created by an admin anyway; and a Slice's members, holding `member` on their project only, cannot edit the rules that keep the flows least-privileged. The proof reads groups, rules and ports as Neutron applies them for an admin. The Controller's project holds every group and rule of its back-end: raise its Neutron quotas (`security_group`, `security_group_rule`; 10 and 100 by default) to what `xos synth` writes."],
  ['EC2 address blocks (TGT-001)', 'A VPC holds blocks of one RFC 1918 range only: an EC2 back-end\'s Networks (derived ones included: give the tenancy a `cidr`) are all in 10/8, 172.16/12 or 192.168/16 (or public). A translated (NAT) Network reaches the Internet through a NAT gateway in a /28 of 100.64.0.0/10 the target adds.'],
  ['IPv6', `${IPV4_ONLY}.`],
];

export function flowsMarkdown(): string {
  const out: string[] = [
    '# Flows: what the network lets through',
    '',
    '<!-- Generated from lib/verify (intent.ts FLOW_SOURCES, flows-doc.ts) by `npm run docs`. Do not edit: a test fails when it is stale. -->',
    '',
    '`xos verify` (and every `xos synth`, on what it is about to write) reads the synthesized Terraform JSON of every stack, builds the network each back-end would build from it, computes the flows it admits, and compares them with the flows the model intends, listed below with the sentences of the seeds each rests on. Every intended flow must pass (FLOW-001); nothing else may (FLOW-002). See [rules.md](rules.md) for the rules, and the README\'s "Proof of the network" for a run.',
    '',
    '## Intended flows',
    '',
  ];
  for (const [kind, s] of Object.entries(FLOW_SOURCES)) {
    out.push(`### ${s.title} (\`${kind}\`)`, '', s.flows, '', 'Rests on:', '');
    for (const [where, quote] of s.seeds) out.push(`- ${where}: ${quote}`);
    out.push('');
  }
  out.push('### Nothing else', '', 'Every other flow is extra (FLOW-002): from the Internet, or from a Sliver of another Slice, that no Network, public endpoint or tenancy asks for.', '', 'Rests on:', '', '- paper, 3.2: "This could happen over the public Internet, as happens on public clouds, but doing so violates the principle of least privilege."', '- paper, 4.2: "the service composition graph shown in Figure 7 represents an important security policy statement made by the cloud operator"', '');
  out.push('## Semantics of the back-ends', '', 'What the proof takes each back-end to do with what the JSON declares (from the back-ends\' and the Terraform providers\' documentation).', '');
  for (const [title, items] of SEMANTICS) {
    out.push(`### ${title}`, '');
    for (const i of items) out.push(`- ${i}`);
    out.push('');
  }
  out.push('## Decisions', '', 'Where the seeds are silent, what an operator would expect:', '');
  for (const [title, text] of DECISIONS) out.push(`- **${title}.** ${text}`);
  out.push('');
  return out.join('\n');
}
