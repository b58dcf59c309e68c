/**
 * Mutations of synthesized output, each caught with the right id: on a cloud with an
 * interconnect tenancy (app -> db) and a public one (app -> web), synthesized by each target,
 * one resource is deleted, widened or detached, and `xos verify` must say which flow it broke
 * (FLOW-001, naming where the packet stops) or which flow it let through (FLOW-002).
 */
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from '../../lib/index';
import { compileCloud, type Compiled } from '../../lib/compile';
import { renderInMemory } from '../../lib/synth/rendered';
import { verifyStacks } from '../../lib/verify/index';
import type { Tf } from '../../lib/verify/tf';

type Backend = 'openstack' | 'ec2' | 'local';

function cloud(backend: Backend): Compiled {
  Cloud.reset();
  const c = new Cloud({ name: 'mutations' });
  const site = new Site(c, 'lab');
  const ann = new User(c, 'ann', { site, publicKeys: ['ssh-ed25519 AAAA ann'] });
  site.grant(ann, 'admin');
  const image = new Image(c, 'img');
  const flavor = new Flavor(c, 'small', { cores: 1, ramMb: 1024 });
  const tpl = new NetworkTemplate(c, 'private');
  const dep = new Deployment(c, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
  dep.addController('head', { backend: backend === 'local' ? 'openstack' : backend, region: 'eu-west-1', sites: [site], credentials: backend === 'ec2' ? {} : { password: Secret.env('OS_PASSWORD') } });
  const slices = ['app', 'db', 'web'].map((id, i) => {
    const s = site.addSlice(id, { image, flavor });
    s.grant(ann, 'admin');
    s.addNetwork('lan', { cidr: `10.0.${i + 1}.0/24`, template: tpl });
    s.addSlivers('vm', 2, { deployment: dep });
    return s;
  });
  const [app, db, web] = slices.map((s, i) => new Service(c, ['App', 'DB', 'Web'][i], { slices: [s], ports: [[8000, 5432, 443][i]] }));
  app.tenantOf(db, { connect: 'interconnect-private' });
  app.tenantOf(web, { connect: 'public' });
  const compiled = compileCloud(c);
  expect(compiled.violations.filter((v) => v.severity === 'error')).toEqual([]);
  return compiled;
}

const mode = (b: Backend) => (b === 'local' ? 'local' : 'auto');

/** Verify the stack after an edit; the violations as `ID path`, and their messages. */
function mutate(b: Backend, edit: (tf: Tf) => void) {
  const compiled = cloud(b);
  const rendered = renderInMemory(compiled.layout, mode(b));
  const tf = JSON.parse(JSON.stringify(rendered.json.get('head'))) as Tf;
  edit(tf);
  const r = verifyStacks(compiled.built.model, new Map([['head', tf]]));
  return { ids: r.violations.map((v) => `${v.id} ${v.path}`), messages: r.violations.map((v) => v.message), summary: r.summary };
}

/** What each target calls the pieces the mutations bend. */
const names = {
  openstack: {
    rule: ['openstack_networking_secgroup_rule_v2', 'secrule_App__tenant-of-DB__tcp-5432'],
    membersRule: ['openstack_networking_secgroup_rule_v2', 'secrule_lab__web__lan__members__members'],
    port: ['openstack_networking_port_v2', 'port_lab__db__vm-1__lab__db__lan', 'security_group_ids'],
    providerGroup: '${openstack_networking_secgroup_v2.secgroup_DB__lab__db__lan__provider.id}',
  },
  ec2: {
    rule: ['aws_vpc_security_group_ingress_rule', 'secrule_App__tenant-of-DB__tcp-5432'],
    membersRule: ['aws_vpc_security_group_ingress_rule', 'secrule_lab__web__lan__members__members'],
    port: ['aws_network_interface', 'port_lab__db__vm-1__lab__db__lan', 'security_groups'],
    providerGroup: '${aws_security_group.secgroup_DB__lab__db__lan__provider.id}',
  },
  local: {
    rule: ['terraform_data', 'secrule_App__tenant-of-DB__tcp-5432'],
    membersRule: ['terraform_data', 'secrule_lab__web__lan__members__members'],
    port: ['terraform_data', 'port_lab__db__vm-1__lab__db__lan', 'security_groups_ids'],
    providerGroup: '${terraform_data.secgroup_DB__lab__db__lan__provider.id}',
  },
} as const;

const body = (tf: Tf, [type, name]: readonly string[]) => {
  const b = tf.resource[type][name];
  return type === 'terraform_data' ? b.input : b;
};

describe.each(['openstack', 'ec2', 'local'] as const)('mutations of %s output', (b) => {
  const n = names[b];

  test('as synthesized, it admits exactly the intended flows', () => {
    const r = mutate(b, () => {});
    expect(r.ids).toEqual([]);
    expect(r.summary.map((s) => [s.name, s.intended, s.admitted, s.missing, s.extra])).toEqual([
      ['App/tenant-of-DB', 4, 4, 0, 0],
      ['App/tenant-of-Web', 6, 6, 0, 0],
      ['(slice networks)', 6, 6, 0, 0],
    ]);
  });

  test('deleting the rule that opens the provider port is a missing flow (FLOW-001) on the tenancy', () => {
    const r = mutate(b, (tf) => delete tf.resource[n.rule[0]][n.rule[1]]);
    expect(r.ids).toEqual(['FLOW-001 App/tenant-of-DB']);
    expect(r.messages[0]).toMatch(/lab\/app\/vm-1 and 1 more Sliver of lab\/app do not reach lab\/db\/vm-1 and 1 more Sliver of lab\/db on Network lab\/db\/lan on tcp\/5432: no ingress rule of .*port_lab__db__vm-1__lab__db__lan's groups/);
  });

  test('a wider port range on the tenancy rule is an extra flow (FLOW-002)', () => {
    const r = mutate(b, (tf) => {
      const rule = body(tf, n.rule);
      if (b === 'openstack') Object.assign(rule, { port_range_min: 1, port_range_max: 65535 });
      else if (b === 'ec2') Object.assign(rule, { from_port: 1, to_port: 65535 });
      else Object.assign(rule, { port_min: 1, port_max: 65535 });
    });
    expect(r.ids).toEqual(['FLOW-002 lab/db/vm-1']);
    expect(r.messages[0]).toContain('on Network lab/db/lan on tcp/1-5431, tcp/5433-65535, which no declaration asks for');
  });

  test('0.0.0.0/0 on an ingress rule of a Network with a public address is an extra flow from the Internet (FLOW-002)', () => {
    const r = mutate(b, (tf) => {
      const rule = body(tf, n.membersRule);
      if (b === 'openstack') {
        delete rule.remote_group_id;
        rule.remote_ip_prefix = '0.0.0.0/0';
      } else if (b === 'ec2') {
        delete rule.referenced_security_group_id;
        rule.cidr_ipv4 = '0.0.0.0/0';
      } else {
        delete rule.remote_group_id;
        rule.remote_cidr = '0.0.0.0/0';
      }
    });
    expect(r.ids).toContain('FLOW-002 lab/web/vm-1');
    expect(r.messages.find((m) => m.includes('the Internet reaches lab/web/vm-1'))).toContain('which no declaration asks for');
  });

  test("detaching the provider's group from a port is a missing flow (FLOW-001), naming the port", () => {
    const r = mutate(b, (tf) => {
      const p = body(tf, n.port);
      p[n.port[2]] = p[n.port[2]].filter((g: string) => g !== n.providerGroup);
    });
    expect(r.ids).toEqual(['FLOW-001 App/tenant-of-DB']);
    expect(r.messages[0]).toContain('do not reach lab/db/vm-1 on Network lab/db/lan on tcp/5432');
  });

  test("removing the provider's public address is a missing flow from the Internet and from the tenant (FLOW-001)", () => {
    const r = mutate(b, (tf) => {
      if (b === 'openstack') delete tf.resource.openstack_networking_floatingip_associate_v2['address_Web__lab__web__vm-1'];
      else if (b === 'ec2') delete tf.resource.aws_eip['address_Web__lab__web__vm-1'];
      else delete tf.resource.terraform_data['address_Web__lab__web__vm-1'];
    });
    expect(r.ids.sort()).toEqual(['FLOW-001 App/tenant-of-Web', 'FLOW-001 App/tenant-of-Web']);
    expect(r.messages.join('\n')).toContain('the Internet does not reach lab/web/vm-1 on Network lab/web/lan on tcp/443');
    expect(r.messages.join('\n')).toContain('has no public address');
  });
});

describe('routers', () => {
  test("dropping the interconnect's interface on the provider's subnet is a missing flow (FLOW-001) that stops where no router joins them (openstack)", () => {
    const r = mutate('openstack', (tf) => delete tf.resource.openstack_networking_router_interface_v2.network_lab__db__lan);
    expect(r.ids).toEqual(['FLOW-001 App/tenant-of-DB']);
    expect(r.messages[0]).toContain('no router joins lab/app/lan (openstack_networking_subnet_v2.network_lab__app__lan) and lab/db/lan (openstack_networking_subnet_v2.network_lab__db__lan)');
  });

  test('dropping the interconnect gateway is a missing flow (FLOW-001) (local)', () => {
    const r = mutate('local', (tf) => delete tf.resource.terraform_data['gateway_App__tenant-of-DB']);
    expect(r.ids).toEqual(['FLOW-001 App/tenant-of-DB']);
  });

  test("dropping the route table association of the provider's subnet loses the Internet's path to its Elastic IPs (ec2)", () => {
    const r = mutate('ec2', (tf) => delete tf.resource.aws_route_table_association.network_lab__web__lan);
    expect(r.ids).toEqual(['FLOW-001 App/tenant-of-Web', 'FLOW-001 App/tenant-of-Web']);
    expect(r.messages.join('\n')).toContain('but no route joins its subnet aws_subnet.network_lab__web__lan to the Internet');
  });

  test('a network ACL, which the proof does not model, fails it (FLOW-002) rather than being ignored (ec2)', () => {
    const r = mutate('ec2', (tf) => (tf.resource.aws_network_acl = { deny: { vpc_id: '${aws_vpc.vpc.id}' } }));
    expect(r.ids).toEqual(['FLOW-002 aws_network_acl.deny']);
  });
});
