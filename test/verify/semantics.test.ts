/**
 * The back-ends' semantics, each on a small Terraform JSON written by hand and worked out on
 * paper: what passes, what does not, and where the packet stops.
 */
import { explainDirect, explainFromInternet, explainToInternet, StackAnalysis } from '../../lib/verify/analysis';
import { readAws } from '../../lib/verify/read-aws';
import { readLocal } from '../../lib/verify/read-local';
import { readOpenstack } from '../../lib/verify/read-openstack';
import type { Tf } from '../../lib/verify/tf';

const r = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;

/** An OpenStack stack: two networks (a: 10.0.1.0/24, b: 10.0.2.0/24) and the given ports and instances. */
function openstack(extra: (tf: Tf) => void): Tf {
  const tf: Tf = {
    provider: { openstack: [{ alias: 'x' }] },
    resource: {
      openstack_networking_network_v2: { a: { tags: ['xos:net-a'] }, b: { tags: ['xos:net-b'] } },
      openstack_networking_subnet_v2: {
        a: { network_id: r('openstack_networking_network_v2', 'a'), cidr: '10.0.1.0/24', ip_version: 4 },
        b: { network_id: r('openstack_networking_network_v2', 'b'), cidr: '10.0.2.0/24', ip_version: 4 },
      },
      openstack_networking_port_v2: {},
      openstack_compute_instance_v2: {},
      openstack_networking_secgroup_v2: {},
      openstack_networking_secgroup_rule_v2: {},
    },
  };
  extra(tf);
  return tf;
}

/** A port on network `net` for instance `vm` with groups (undefined: none listed). */
function port(tf: Tf, vm: string, net: 'a' | 'b', groups?: string[], more: Record<string, unknown> = {}) {
  tf.resource.openstack_networking_port_v2[vm] = {
    network_id: r('openstack_networking_network_v2', net),
    fixed_ip: [{ subnet_id: r('openstack_networking_subnet_v2', net) }],
    ...(groups ? { security_group_ids: groups.map((g) => r('openstack_networking_secgroup_v2', g)) } : {}),
    ...more,
  };
  tf.resource.openstack_compute_instance_v2[vm] = { metadata: { xos_sliver: vm }, network: [{ port: r('openstack_networking_port_v2', vm) }] };
}

function group(tf: Tf, name: string, rules: Record<string, unknown>[], more: Record<string, unknown> = { delete_default_rules: true }) {
  tf.resource.openstack_networking_secgroup_v2[name] = { name, ...more };
  rules.forEach((x, i) => (tf.resource.openstack_networking_secgroup_rule_v2[`${name}_${i}`] = { security_group_id: r('openstack_networking_secgroup_v2', name), ethertype: 'IPv4', ...x }));
}

const tcp = (port: number, more: Record<string, unknown> = {}) => ({ protocol: 'tcp', port_range_min: port, port_range_max: port, ...more });

function analyze(tf: Tf, read = readOpenstack) {
  const a = new StackAnalysis(read(tf, 'x'), () => 'slice');
  const nic = (vm: string) => a.graph.nics.find((n) => n.sliver === vm)!;
  return { a, nic };
}

describe('OpenStack Neutron', () => {
  test('a stateful group lets the reply back: A reaches B on tcp/80 with no rule from B to A, and B does not reach A', () => {
    const tf = openstack((tf) => {
      group(tf, 'ga', [{ direction: 'egress', ...tcp(80) }]);
      group(tf, 'gb', [{ direction: 'ingress', ...tcp(80), remote_group_id: r('openstack_networking_secgroup_v2', 'ga') }]);
      port(tf, 'A', 'a', ['ga']);
      port(tf, 'B', 'a', ['gb']);
    });
    const { a, nic } = analyze(tf);
    expect(a.direct(nic('A'), nic('B')).toString()).toBe('tcp/80');
    expect(a.direct(nic('B'), nic('A')).isEmpty()).toBe(true);
    expect(explainDirect(a, nic('B'), nic('A'), 'tcp', 80).stop).toBe("no egress rule of openstack_networking_port_v2.B's groups (openstack_networking_secgroup_v2.gb) lets tcp/80 out to A");
  });

  test('a stateless group needs rules for the reply too', () => {
    const tf = openstack((tf) => {
      group(tf, 'ga', [{ direction: 'egress', ...tcp(80) }]);
      group(tf, 'gb', [{ direction: 'ingress', ...tcp(80), remote_group_id: r('openstack_networking_secgroup_v2', 'ga') }], { delete_default_rules: true, stateful: false });
      port(tf, 'A', 'a', ['ga']);
      port(tf, 'B', 'a', ['gb']);
    });
    const { a, nic } = analyze(tf);
    expect(a.direct(nic('A'), nic('B')).isEmpty()).toBe(true);
    expect(explainDirect(a, nic('A'), nic('B'), 'tcp', 80).stop).toContain('a stateless group');
  });

  test("a new group's default egress rules let anything out, unless delete_default_rules", () => {
    const make = (deleteDefault: boolean) =>
      openstack((tf) => {
        group(tf, 'ga', [], { delete_default_rules: deleteDefault });
        group(tf, 'gb', [{ direction: 'ingress', ...tcp(22) }]);
        port(tf, 'A', 'a', ['ga']);
        port(tf, 'B', 'a', ['gb']);
      });
    let { a, nic } = analyze(make(false));
    expect(explainDirect(a, nic('A'), nic('B'), 'tcp', 22).chain).toContain('out by openstack_networking_secgroup_v2.ga (default egress rule, IPv4)');
    ({ a, nic } = analyze(make(true)));
    expect(a.direct(nic('A'), nic('B')).isEmpty()).toBe(true);
  });

  test('remote_group_id matches the ports in that group: of two Slivers with the rule\'s group among others, only the member reaches', () => {
    const tf = openstack((tf) => {
      group(tf, 'g1', [{ direction: 'egress' }]);
      group(tf, 'g2', [{ direction: 'egress' }]);
      group(tf, 'gd', [{ direction: 'ingress', ...tcp(443), remote_group_id: r('openstack_networking_secgroup_v2', 'g1') }]);
      port(tf, 'A', 'a', ['g1', 'g2']);
      port(tf, 'C', 'a', ['g2']);
      port(tf, 'D', 'a', ['gd']);
    });
    const { a, nic } = analyze(tf);
    expect(a.direct(nic('A'), nic('D')).toString()).toBe('tcp/443');
    expect(a.direct(nic('C'), nic('D')).isEmpty()).toBe(true);
    expect(explainDirect(a, nic('C'), nic('D'), 'tcp', 443).stop).toBe("no ingress rule of openstack_networking_port_v2.D's groups (openstack_networking_secgroup_v2.gd) admits tcp/443 from C");
  });

  test('a router between two subnets joins them; without it nothing passes between them', () => {
    const make = (router: boolean) =>
      openstack((tf) => {
        group(tf, 'g', [{ direction: 'egress' }, { direction: 'ingress', ...tcp(80) }]);
        port(tf, 'A', 'a', ['g']);
        port(tf, 'B', 'b', ['g']);
        if (router) {
          tf.resource.openstack_networking_router_v2 = { r: {} };
          tf.resource.openstack_networking_router_interface_v2 = {
            a: { router_id: r('openstack_networking_router_v2', 'r'), subnet_id: r('openstack_networking_subnet_v2', 'a') },
            b: { router_id: r('openstack_networking_router_v2', 'r'), subnet_id: r('openstack_networking_subnet_v2', 'b') },
          };
        }
      });
    let { a, nic } = analyze(make(false));
    expect(explainDirect(a, nic('A'), nic('B'), 'tcp', 80).stop).toBe('no router joins net-a (openstack_networking_subnet_v2.a) and net-b (openstack_networking_subnet_v2.b)');
    ({ a, nic } = analyze(make(true)));
    expect(explainDirect(a, nic('A'), nic('B'), 'tcp', 80)).toMatchObject({ admitted: true, chain: expect.arrayContaining(['through router openstack_networking_router_v2.r']) });
  });

  test("a floating IP answers for its port through the router's external gateway; without the association, or the gateway, the Internet does not reach it", () => {
    const make = (o: { associate: boolean; gateway: boolean }) =>
      openstack((tf) => {
        group(tf, 'g', [{ direction: 'ingress', ...tcp(22), remote_ip_prefix: '0.0.0.0/0' }]);
        port(tf, 'A', 'a', ['g']);
        tf.resource.openstack_networking_router_v2 = { r: o.gateway ? { external_network_id: '${data.openstack_networking_network_v2.ext.id}' } : {} };
        tf.resource.openstack_networking_router_interface_v2 = { a: { router_id: r('openstack_networking_router_v2', 'r'), subnet_id: r('openstack_networking_subnet_v2', 'a') } };
        tf.resource.openstack_networking_floatingip_v2 = { f: { pool: 'public' } };
        if (o.associate) tf.resource.openstack_networking_floatingip_associate_v2 = { f: { floating_ip: r('openstack_networking_floatingip_v2', 'f', 'address'), port_id: r('openstack_networking_port_v2', 'A') } };
      });
    let { a, nic } = analyze(make({ associate: true, gateway: true }));
    expect(a.fromInternet(nic('A')).toString()).toBe('tcp/22');
    ({ a, nic } = analyze(make({ associate: false, gateway: true })));
    expect(explainFromInternet(a, nic('A'), 'tcp', 22).stop).toContain('has no public address');
    ({ a, nic } = analyze(make({ associate: true, gateway: false })));
    expect(explainFromInternet(a, nic('A'), 'tcp', 22).stop).toContain('but no route joins its subnet openstack_networking_subnet_v2.a to the Internet');
  });

  test("a port with no groups listed gets its project's default group (members reach each other, egress anywhere); port security off filters nothing", () => {
    const tf = openstack((tf) => {
      port(tf, 'A', 'a');
      port(tf, 'B', 'a');
      group(tf, 'g', [{ direction: 'egress' }]);
      port(tf, 'C', 'a', ['g']);
      port(tf, 'D', 'a', ['g'], { port_security_enabled: false });
    });
    const { a, nic } = analyze(tf);
    expect(a.direct(nic('A'), nic('B')).toString()).toBe('every protocol');
    expect(a.direct(nic('C'), nic('A')).isEmpty()).toBe(true);
    expect(nic('D').groups).toBe('unfiltered');
    expect(a.direct(nic('C'), nic('D')).toString()).toBe('every protocol');
  });

  test('an associated group is added to the port\'s own (or replaces them with enforce)', () => {
    const make = (enforce: boolean) =>
      openstack((tf) => {
        group(tf, 'g1', []);
        group(tf, 'g2', []);
        port(tf, 'A', 'a', ['g1']);
        tf.resource.openstack_networking_port_secgroup_associate_v2 = { x: { port_id: r('openstack_networking_port_v2', 'A'), security_group_ids: [r('openstack_networking_secgroup_v2', 'g2')], enforce } };
      });
    expect(analyze(make(false)).nic('A').groups).toEqual(['openstack_networking_secgroup_v2.g1', 'openstack_networking_secgroup_v2.g2']);
    expect(analyze(make(true)).nic('A').groups).toEqual(['openstack_networking_secgroup_v2.g2']);
  });
});

/** An AWS stack: a VPC, subnets a (10.0.1.0/24) and b (10.0.2.0/24), and the given pieces. */
function aws(extra: (tf: Tf) => void): Tf {
  const tf: Tf = {
    provider: { aws: [{ alias: 'x' }] },
    resource: {
      aws_vpc: { vpc: { cidr_block: '10.0.0.0/16' } },
      aws_subnet: {
        a: { vpc_id: r('aws_vpc', 'vpc'), cidr_block: '10.0.1.0/24', tags: { 'xos:key': 'net-a' } },
        b: { vpc_id: r('aws_vpc', 'vpc'), cidr_block: '10.0.2.0/24', tags: { 'xos:key': 'net-b' } },
      },
      aws_security_group: {},
      aws_vpc_security_group_ingress_rule: {},
      aws_vpc_security_group_egress_rule: {},
      aws_network_interface: {},
      aws_instance: {},
    },
  };
  extra(tf);
  return tf;
}

function eni(tf: Tf, vm: string, subnet: 'a' | 'b', groups?: string[]) {
  tf.resource.aws_network_interface[vm] = { subnet_id: r('aws_subnet', subnet), ...(groups ? { security_groups: groups.map((g) => r('aws_security_group', g)) } : {}) };
  tf.resource.aws_instance[vm] = { tags: { 'xos:key': vm }, primary_network_interface: { network_interface_id: r('aws_network_interface', vm) } };
}

function sg(tf: Tf, name: string, ingress: Record<string, unknown>[] = [], egress: Record<string, unknown>[] = []) {
  tf.resource.aws_security_group[name] = { vpc_id: r('aws_vpc', 'vpc') };
  ingress.forEach((x, i) => (tf.resource.aws_vpc_security_group_ingress_rule[`${name}_in${i}`] = { security_group_id: r('aws_security_group', name), ...x }));
  egress.forEach((x, i) => (tf.resource.aws_vpc_security_group_egress_rule[`${name}_out${i}`] = { security_group_id: r('aws_security_group', name), ...x }));
}

const internet = (tf: Tf) => {
  tf.resource.aws_internet_gateway = { igw: { vpc_id: r('aws_vpc', 'vpc') } };
  tf.resource.aws_route_table = { rt: { vpc_id: r('aws_vpc', 'vpc'), route: [{ cidr_block: '0.0.0.0/0', gateway_id: r('aws_internet_gateway', 'igw') }] } };
  tf.resource.aws_route_table_association = { a: { subnet_id: r('aws_subnet', 'a'), route_table_id: r('aws_route_table', 'rt') } };
};

describe('AWS VPC', () => {
  test('an Elastic IP without an ingress rule: the Internet does not reach it; with one, it does', () => {
    const make = (open: boolean) =>
      aws((tf) => {
        internet(tf);
        sg(tf, 'g', open ? [{ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' }] : []);
        eni(tf, 'A', 'a', ['g']);
        tf.resource.aws_eip = { e: { domain: 'vpc', network_interface: r('aws_network_interface', 'A') } };
      });
    let { a, nic } = analyze(make(false), readAws);
    expect(a.publicPath(nic('A'))).toBe('aws_eip.e through aws_internet_gateway.igw');
    expect(explainFromInternet(a, nic('A'), 'tcp', 443).stop).toBe("no ingress rule of aws_network_interface.A's groups (aws_security_group.g) admits tcp/443 from the Internet");
    ({ a, nic } = analyze(make(true), readAws));
    expect(a.fromInternet(nic('A')).toString()).toBe('tcp/443');
  });

  test("Terraform removes a new group's default egress rule: without an egress rule nothing leaves", () => {
    const make = (egress: boolean) =>
      aws((tf) => {
        sg(tf, 'ga', [], egress ? [{ ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' }] : []);
        sg(tf, 'gb', [{ ip_protocol: 'tcp', from_port: 80, to_port: 80, referenced_security_group_id: r('aws_security_group', 'ga') }]);
        eni(tf, 'A', 'a', ['ga']);
        eni(tf, 'B', 'b', ['gb']);
      });
    let { a, nic } = analyze(make(false), readAws);
    expect(explainDirect(a, nic('A'), nic('B'), 'tcp', 80).stop).toBe("no egress rule of aws_network_interface.A's groups (aws_security_group.ga) lets tcp/80 out to B");
    ({ a, nic } = analyze(make(true), readAws));
    // The VPC's router joins its two subnets.
    expect(explainDirect(a, nic('A'), nic('B'), 'tcp', 80)).toMatchObject({ admitted: true, chain: expect.arrayContaining(['through router aws_vpc.vpc']) });
  });

  test("an interface with no groups gets the VPC's default group: its members reach each other", () => {
    const tf = aws((tf) => {
      eni(tf, 'A', 'a');
      eni(tf, 'B', 'b');
      sg(tf, 'g', [], [{ ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' }]);
      eni(tf, 'C', 'a', ['g']);
    });
    const { a, nic } = analyze(tf, readAws);
    expect(nic('A').groups).toEqual(['default security group of aws_vpc.vpc']);
    expect(a.direct(nic('A'), nic('B')).toString()).toBe('every protocol');
    expect(a.direct(nic('C'), nic('A')).isEmpty()).toBe(true);
  });

  test('without a public address, a subnet routed to the internet gateway gives no way out; a NAT gateway does', () => {
    const make = (nat: boolean) =>
      aws((tf) => {
        internet(tf);
        sg(tf, 'g', [], [{ ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' }]);
        eni(tf, 'B', 'b', ['g']);
        if (nat) {
          tf.resource.aws_eip = { n: { domain: 'vpc' } };
          tf.resource.aws_nat_gateway = { n: { allocation_id: r('aws_eip', 'n'), subnet_id: r('aws_subnet', 'a') } };
          tf.resource.aws_route_table.nat = { vpc_id: r('aws_vpc', 'vpc'), route: [{ cidr_block: '0.0.0.0/0', nat_gateway_id: r('aws_nat_gateway', 'n') }] };
          tf.resource.aws_route_table_association.b = { subnet_id: r('aws_subnet', 'b'), route_table_id: r('aws_route_table', 'nat') };
        } else tf.resource.aws_route_table_association.b = { subnet_id: r('aws_subnet', 'b'), route_table_id: r('aws_route_table', 'rt') };
      });
    let { a, nic } = analyze(make(false), readAws);
    expect(explainToInternet(a, [nic('B')], 'tcp', 443).stop).toContain('no way out of net-b');
    ({ a, nic } = analyze(make(true), readAws));
    expect(explainToInternet(a, [nic('B')], 'tcp', 443)).toMatchObject({ admitted: true, chain: expect.arrayContaining(['out through aws_nat_gateway.n']) });
  });
});

describe('local (terraform_data)', () => {
  const data = (kind: string, extra: Record<string, unknown>) => ({ input: { xos_kind: kind, xos_key: extra.xos_key ?? kind, ...extra } });
  const ref = (n: string) => `\${terraform_data.${n}.id}`;
  test('a port with no groups passes nothing; an interconnect gateway joins its two networks', () => {
    const tf: Tf = {
      resource: {
        terraform_data: {
          na: data('network', { xos_key: 'net-a', cidr: '10.0.1.0/24' }),
          nb: data('network', { xos_key: 'net-b', cidr: '10.0.2.0/24' }),
          g: data('secgroup', {}),
          g_in: data('secrule', { direction: 'ingress', protocol: 'tcp', port_min: 80, port_max: 80, group_id: ref('g'), remote_group_id: ref('g') }),
          g_out: data('secrule', { direction: 'egress', protocol: 'any', remote_cidr: '0.0.0.0/0', group_id: ref('g') }),
          va: data('sliver', { xos_key: 'A' }),
          vb: data('sliver', { xos_key: 'B' }),
          vc: data('sliver', { xos_key: 'C' }),
          pa: data('port', { sliver_id: ref('va'), network_id: ref('na'), index: 0, security_groups_ids: [ref('g')] }),
          pb: data('port', { sliver_id: ref('vb'), network_id: ref('nb'), index: 0, security_groups_ids: [ref('g')] }),
          pc: data('port', { sliver_id: ref('vc'), network_id: ref('na'), index: 0 }),
          gw: data('gateway', { role: 'interconnect', tenant_network_id: ref('na'), provider_network_id: ref('nb') }),
        },
      },
    };
    const { a, nic } = analyze(tf, readLocal);
    expect(a.direct(nic('A'), nic('B')).toString()).toBe('tcp/80');
    expect(a.direct(nic('A'), nic('C')).isEmpty()).toBe(true);
    expect(explainDirect(a, nic('A'), nic('C'), 'tcp', 80).stop).toBe("no ingress rule of terraform_data.pc's groups (none) admits tcp/80 from A");
  });
});
