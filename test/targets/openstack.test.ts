/**
 * The openstack target's mapping rules, each checked as a property over random valid clouds
 * (fast-check): Sites, Slices, Users, privileges, catalog, Networks, Slivers, tenancies and
 * providers' additions, and the references and provider configuration that tie them.
 */
import * as fc from 'fast-check';
import { Cloud, Deployment, Flavor, Image, Secret, Site, type NetworkModel, type SliverModel } from '../../lib/index';
import { nameOf } from '../../lib/synth/layout';
import { endpointNetwork, isPublicNetwork } from '../../lib/synth/layout-net';
import { checkOpenstackStack, KEYSTONE_ROLES } from '../../lib/synth/openstack/index';
import { addresses, buildSpec, cloudSpec, data, instanceFacts, ref, referencedAddresses, res, synth, type CloudSpec, type Tf } from './helpers';

/** More runs with XOS_PROPERTY_RUNS=N (CI keeps the default small: the machine is shared). */
const RUNS = { numRuns: Number(process.env.XOS_PROPERTY_RUNS ?? 15) };

const PROJECT = 'openstack_identity_project_v3';
const NETWORK = 'openstack_networking_network_v2';
const SUBNET = 'openstack_networking_subnet_v2';
const PORT = 'openstack_networking_port_v2';
const INSTANCE = 'openstack_compute_instance_v2';

/** Synthesize a spec; per stack: its JSON, its Site index, and the model. */
function run(spec: CloudSpec) {
  const built = buildSpec(spec);
  const { compiled, rendered } = synth(built.cloud);
  const model = compiled.built.model;
  const stacks = compiled.layout.stacks.map((s) => ({ layout: s, tf: rendered.json.get(s.name)!, site: Number(/^ctl(\d+)$/.exec(s.name)![1]) }));
  return { built, compiled, model, index: compiled.index, stacks };
}

/** The Slivers a stack runs: those placed at its Site. */
function sliversAt(model: ReturnType<typeof run>['model'], site: number): SliverModel[] {
  return model.slivers.filter((v) => v.site === `site${site}`);
}

describe('openstack target: one project per Site and per Slice', () => {
  test('every Site becomes an identity project named by its login base, and every Slice a child project with the Deployment quota', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks, model } = run(spec);
        for (const { layout, tf } of stacks) {
          const projects = res(tf, PROJECT);
          for (const site of layout.resources.filter((r) => r.kind === 'site')) expect(projects[site.name].name).toBe(site.attrs.login_base);
          for (const slice of layout.resources.filter((r) => r.kind === 'slice')) {
            const s = model.slices.find((x) => x.key === slice.model)!;
            const site = model.sites.find((x) => x.key === s.site)!;
            expect(projects[slice.name]).toMatchObject({ name: `${site.loginBase}_${s.name}`, parent_id: ref(PROJECT, nameOf(site)) });
            const quota = res(tf, 'openstack_compute_quotaset_v2')[slice.name];
            const want = spec.limits;
            if (want.cores === undefined && want.instances === undefined && want.ramMb === undefined) expect(quota).toBeUndefined();
            else expect(quota).toMatchObject({ project_id: ref(PROJECT, slice.name), ...(want.cores !== undefined ? { cores: want.cores } : {}), ...(want.instances !== undefined ? { instances: want.instances } : {}), ...(want.ramMb !== undefined ? { ram: want.ramMb } : {}) });
          }
        }
      }),
      RUNS,
    );
  });
});

describe('openstack target: users and privileges', () => {
  test('every User with a role here gets an identity user and a keypair per public key, and every Slice privilege a role assignment on the Slice project', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks, model, built } = run(spec);
        for (const { layout, tf } of stacks) {
          const users = layout.resources.filter((r) => r.kind === 'user');
          const keypairs = Object.values(res(tf, 'openstack_compute_keypair_v2'));
          const wantKeys = users.flatMap((u) => built.keys[Number(u.model.replace('user', ''))].map((k) => ({ public_key: k, user_id: ref('openstack_identity_user_v3', u.name) })));
          expect(keypairs.map((k) => ({ public_key: k.public_key, user_id: k.user_id })).sort((a, b) => (a.public_key < b.public_key ? -1 : 1))).toEqual(wantKeys.sort((a, b) => (a.public_key < b.public_key ? -1 : 1)));
          for (const u of users) expect(res(tf, 'openstack_identity_user_v3')[u.name].name).toBe(u.attrs.name);
          const assignments = res(tf, 'openstack_identity_role_assignment_v3');
          const sliceGrants = model.privileges.filter((p) => p.scope === 'slice' && layout.resources.some((r) => r.kind === 'slice' && r.model === p.target));
          for (const g of sliceGrants) {
            expect(assignments[nameOf(g)]).toMatchObject({
              user_id: ref('openstack_identity_user_v3', nameOf({ kind: 'User', key: g.user! })),
              project_id: ref(PROJECT, nameOf({ kind: 'Slice', key: g.target! })),
              role_id: `\${data.openstack_identity_role_v3.role_${KEYSTONE_ROLES.slice[g.role]}.id}`,
            });
          }
          expect(Object.keys(assignments).filter((n) => n.startsWith('grant_') && n.includes('grant-user')).length).toBe(sliceGrants.length);
        }
      }),
      RUNS,
    );
  });
});

describe('openstack target: catalog', () => {
  test('Images and Flavors are created unless the Deployment says they exist; an Image with no source URL is looked up', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks } = run(spec);
        for (const { tf } of stacks) {
          const flavors = { created: Object.values(res(tf, 'openstack_compute_flavor_v2')), found: Object.values(data(tf, 'openstack_compute_flavor_v2')) };
          const images = { created: Object.values(res(tf, 'openstack_images_image_v2')), found: Object.values(data(tf, 'openstack_images_image_v2')) };
          if (spec.existingCatalog) {
            expect(flavors).toEqual({ created: [], found: [expect.objectContaining({ name: 'small' })] });
          } else {
            expect(flavors).toEqual({ created: [expect.objectContaining({ name: 'small', vcpus: 2, ram: 2048, disk: 20 })], found: [] });
          }
          if (spec.existingCatalog || !spec.imageSource) expect(images).toEqual({ created: [], found: [expect.objectContaining({ name: 'img', most_recent: true })] });
          else expect(images).toEqual({ created: [expect.objectContaining({ name: 'img', image_source_url: 'https://images.example/img.qcow2', disk_format: 'qcow2', container_format: 'bare' })], found: [] });
        }
      }),
      RUNS,
    );
  });
});

describe('openstack target: networks', () => {
  test('a Network exists only on back-ends that host Slivers of a Slice attached to it, with a subnet, a route out when public or NAT, and a bandwidth rule', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks, model, index } = run(spec);
        for (const { tf, site } of stacks) {
          const slicesHere = new Set(sliversAt(model, site).map((v) => v.slice));
          const want = model.networks.filter((n) => [n.owner, ...n.joined].some((s) => slicesHere.has(s)));
          const networks = res(tf, NETWORK);
          expect(Object.values(networks).map((n) => n.tags[0]).sort()).toEqual(want.map((n) => `xos:${n.key}`).sort());
          for (const n of want) {
            const name = nameOf(n);
            expect(res(tf, SUBNET)[name]).toMatchObject({ network_id: ref(NETWORK, name), cidr: n.cidr, ip_version: 4 });
            const tpl = model.networkTemplates.find((t) => t.key === n.template);
            const routedByTemplate = tpl?.visibility === 'public' || tpl?.translation === 'nat';
            const router = res(tf, 'openstack_networking_router_v2')[name];
            // Networks a tenancy's gateway joins share one router, named after the first of them.
            const interconnected = !!spec.tenancy && spec.tenancy.connect === 'interconnect-private' && model.tenants[0]?.connect === 'interconnect-private';
            if (interconnected) continue;
            if (routedByTemplate) {
              expect(router).toMatchObject({ external_network_id: '${data.openstack_networking_network_v2.external.id}', enable_snat: tpl?.visibility !== 'public' });
              expect(res(tf, 'openstack_networking_router_interface_v2')[name]).toEqual(expect.objectContaining({ router_id: ref('openstack_networking_router_v2', name), subnet_id: ref(SUBNET, name) }));
            } else if (model.tenants[0]?.connect !== 'public') expect(router).toBeUndefined();
            if (n.bandwidthMbps !== null) {
              expect(networks[name].qos_policy_id).toBe(ref('openstack_networking_qos_policy_v2', name));
              expect(res(tf, 'openstack_networking_qos_bandwidth_limit_rule_v2')[name]).toMatchObject({ qos_policy_id: ref('openstack_networking_qos_policy_v2', name), max_kbps: n.bandwidthMbps * 1000 });
            } else expect(networks[name].qos_policy_id).toBeUndefined();
            const owner = model.slices.find((s) => s.key === n.owner)!;
            if (slicesHere.has(owner.key) || index.sliversBySlice.get(owner.key)?.some((v) => v.site === `site${site}`)) expect(networks[name].tenant_id).toBe(ref(PROJECT, nameOf(owner)));
          }
        }
      }),
      RUNS,
    );
  });
});

describe('openstack target: slivers', () => {
  test('every Sliver is an instance with one port per Network of its Slice, in the stable order eth0, eth1, ...', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks, model, index } = run(spec);
        for (const { tf, site } of stacks) {
          const here = sliversAt(model, site);
          expect(Object.keys(res(tf, INSTANCE)).sort()).toEqual(here.map((v) => nameOf(v)).sort());
          for (const v of here) {
            const instance = res(tf, INSTANCE)[nameOf(v)];
            const nets: NetworkModel[] = index.networksOfSlice.get(v.slice) ?? [];
            const ports = ((instance.network ?? []) as { port: string }[]).map((b) => /openstack_networking_port_v2\.([^.]+)\.id/.exec(b.port)![1]);
            expect(ports.map((p) => res(tf, PORT)[p].network_id)).toEqual(nets.map((n) => ref(NETWORK, nameOf(n))));
            expect(ports.map((p) => res(tf, PORT)[p].name)).toEqual(nets.map((_, i) => `${instance.name}-eth${i}`));
            expect(instance.image_id).toMatch(/^\$\{(data\.)?openstack_images_image_v2\.[^.]+\.id\}$/);
            expect(instance.flavor_id).toMatch(/^\$\{(data\.)?openstack_compute_flavor_v2\.[^.]+\.id\}$/);
          }
        }
      }),
      RUNS,
    );
  });

  test("cloud-init carries the slice name, the host name, and the keys of exactly the users with a privilege on the Slice", () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks, model, built } = run(spec);
        for (const { tf, site } of stacks) {
          for (const v of sliversAt(model, site)) {
            const instance = res(tf, INSTANCE)[nameOf(v)];
            const { hostname, keys, facts } = instanceFacts(instance.user_data);
            const slice = model.slices.find((s) => s.key === v.slice)!;
            const privileged = new Set(model.privileges.filter((p) => p.scope === 'slice' && p.target === slice.key).map((p) => p.user));
            const want = [...new Set(built.users.flatMap((u, i) => (privileged.has(u.node.path) ? built.keys[i] : [])))].sort();
            expect(keys.sort()).toEqual(want);
            expect(hostname).toBe(instance.name);
            expect(facts).toMatchObject({ slice: slice.name, hostname: instance.name });
          }
        }
      }),
      RUNS,
    );
  });
});

describe('openstack target: tenancy', () => {
  const withTenancy = cloudSpec().filter((s) => s.tenancy !== null && s.slivers[0] > 0 && s.slivers[1] > 0);

  test("a tenant's instances get the provider's credentials as sensitive values, and nobody else's instances do", () => {
    fc.assert(
      fc.property(withTenancy, (spec) => {
        const { stacks, model, built } = run(spec);
        for (const { tf, site } of stacks) {
          for (const v of sliversAt(model, site)) {
            const { facts } = instanceFacts(res(tf, INSTANCE)[nameOf(v)].user_data);
            if (v.slice === built.tenantSlice!.node.path) expect(facts.tenant_of.Provider).toEqual({ connect: model.tenants[0].connect, attributes: {}, credentials: { token: '${jsonencode(sensitive(var.provider_token))}' } });
            else expect(facts.tenant_of).toEqual({});
          }
        }
      }),
      RUNS,
    );
  });

  test("private tenancies open only tenant-to-provider traffic on the provider's ports (TEN-007); public ones put a floating IP on each provider instance", () => {
    fc.assert(
      fc.property(withTenancy, (spec) => {
        const { stacks, model, built, index } = run(spec);
        const t = spec.tenancy!;
        const tenancy = model.tenants[0];
        const mangle = (k: string) => k.replace(/\//g, '__');
        for (const { tf, site } of stacks) {
          const rules = Object.values(res(tf, 'openstack_networking_secgroup_rule_v2'));
          const groups = res(tf, 'openstack_networking_secgroup_v2');
          for (const g of Object.values(groups)) expect(g.delete_default_rules).toBe(true);
          // Every port lists its groups: none falls back to its project's default group.
          for (const p of Object.values(res(tf, PORT))) expect(p.security_group_ids.length).toBeGreaterThan(0);
          const here = sliversAt(model, site);
          const providerHere = here.filter((v) => v.slice === built.providerSlice!.node.path);
          const tenantHere = here.filter((v) => v.slice === built.tenantSlice!.node.path);
          if (tenancy.connect === 'public') {
            const eg = ref('openstack_networking_secgroup_v2', `secgroup_Provider__public`);
            const open = rules.filter((r) => r.security_group_id === eg);
            expect(open.map((r) => r.port_range_min).sort((a, b) => a - b)).toEqual(providerHere.length ? [...t.ports].sort((a, b) => a - b) : []);
            for (const r of open) expect(r).toMatchObject({ direction: 'ingress', remote_ip_prefix: '0.0.0.0/0', port_range_max: r.port_range_min });
            const fips = Object.values(res(tf, 'openstack_networking_floatingip_associate_v2'));
            // A provider on a public Network is reached at its own address: no floating IP.
            const endpoint = endpointNetwork(index, built.providerSlice!.node.path)!;
            expect(fips.length).toBe(isPublicNetwork(index, endpoint) ? 0 : providerHere.length);
            for (const f of fips) {
              const port = res(tf, PORT)[/openstack_networking_port_v2\.([^.]+)\.id/.exec(f.port_id)![1]];
              expect(port.security_group_ids).toContain(eg);
              // The floating IP is in its port's project (the Slice's); the groups stay in the Controller's.
              const fip = res(tf, 'openstack_networking_floatingip_v2')[/openstack_networking_floatingip_v2\.([^.]+)\.address/.exec(f.floating_ip)![1]];
              expect(fip.tenant_id).toBe(port.tenant_id);
              expect(fip.tenant_id).toMatch(/^\$\{openstack_identity_project_v3\.slice_/);
            }
            for (const g of Object.values(groups)) expect(g.tenant_id).toBeUndefined();
            continue;
          }
          if (!providerHere.length || !tenantHere.length) {
            expect(rules.filter((r) => r.remote_group_id?.includes('Tenant__tenant'))).toEqual([]);
            continue;
          }
          const providerNet = t.connect === 'shared-private' ? tenancy.network! : tenancy.interconnect!.providerNetwork!;
          const tg = ref('openstack_networking_secgroup_v2', `secgroup_Tenant__tenant`);
          const pg = ref('openstack_networking_secgroup_v2', `secgroup_Provider__${mangle(providerNet)}__provider`);
          const opened = rules.filter((r) => r.security_group_id === pg);
          expect(opened.map((r) => r.port_range_min).sort((a, b) => a - b)).toEqual([...t.ports].sort((a, b) => a - b));
          for (const r of opened) expect(r).toMatchObject({ direction: 'ingress', protocol: 'tcp', remote_group_id: tg, port_range_max: r.port_range_min });
          // Only the tenancy's rules admit the tenant's group.
          expect(rules.filter((r) => r.remote_group_id === tg)).toEqual(opened);
          for (const v of providerHere) expect(res(tf, PORT)[`port_${mangle(v.key)}__${mangle(providerNet)}`].security_group_ids).toContain(pg);
          for (const v of tenantHere) for (const [, p] of Object.entries(res(tf, PORT)).filter(([n]) => n.startsWith(`port_${mangle(v.key)}__`))) expect(p.security_group_ids).toContain(tg);
          if (t.connect === 'interconnect-private') {
            // One router has an interface on the subnets of both sides' networks.
            const ifs = Object.values(res(tf, 'openstack_networking_router_interface_v2'));
            const on = (net: string) => ifs.find((i) => i.subnet_id === ref(SUBNET, `network_${mangle(net)}`))?.router_id;
            expect(on(tenancy.interconnect!.tenantNetwork!)).toBeDefined();
            expect(on(tenancy.interconnect!.tenantNetwork!)).toBe(on(providerNet));
            // Each side's subnet hands out a host route to the other's block, through its own gateway address (the router's interface).
            const routes = Object.values(res(tf, 'openstack_networking_subnet_route_v2'));
            const cidrOf = (net: string) => res(tf, SUBNET)[`network_${mangle(net)}`].cidr as string;
            for (const [from, to] of [[tenancy.interconnect!.tenantNetwork!, providerNet], [providerNet, tenancy.interconnect!.tenantNetwork!]])
              expect(routes).toContainEqual(expect.objectContaining({ subnet_id: ref(SUBNET, `network_${mangle(from)}`), destination_cidr: cidrOf(to), next_hop: cidrOf(from).replace(/\.0\/\d+$/, '.1') }));
          }
        }
      }),
      RUNS,
    );
  });

  test("a provider's per-instance volume is created and attached for every tenant instance", () => {
    fc.assert(
      fc.property(withTenancy.filter((s) => s.tenancy!.volumeGb !== null), (spec) => {
        const { stacks, model, built } = run(spec);
        for (const { tf, site } of stacks) {
          const tenants = sliversAt(model, site).filter((v) => v.slice === built.tenantSlice!.node.path);
          const volumes = Object.entries(res(tf, 'openstack_blockstorage_volume_v3'));
          expect(volumes.length).toBe(tenants.length);
          for (const v of tenants) {
            const a = model.additions.find((x) => x.sliver === v.key)!;
            expect(res(tf, 'openstack_blockstorage_volume_v3')[nameOf(a)].size).toBe(spec.tenancy!.volumeGb);
            expect(res(tf, 'openstack_compute_volume_attach_v2')[nameOf(a)]).toMatchObject({ instance_id: ref(INSTANCE, nameOf(v)), volume_id: ref('openstack_blockstorage_volume_v3', nameOf(a)) });
          }
        }
      }),
      RUNS,
    );
  });
});

describe('openstack target: wiring', () => {
  test('every reference names an element of the same stack, so Terraform orders creation and deletion', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks } = run(spec);
        for (const { tf } of stacks) {
          const known = addresses(tf);
          const dangling = referencedAddresses({ resource: tf.resource, data: tf.data, provider: tf.provider }).filter((a) => !known.has(a));
          expect(dangling).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  test("a provider configuration per Controller, and one per Slice it runs Slivers of, scoped to the Slice's project: instances are made where the Slice's quota binds", () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks } = run(spec);
        for (const { tf, site, layout } of stacks) {
          const slices = new Set(layout.resources.filter((r) => r.kind === 'sliver').map((v) => v.refs.slice));
          const configs = tf.provider.openstack as Tf[];
          expect(configs[0]).toEqual({ alias: layout.name, password: `\${var.OS_PASSWORD_${site}}` });
          // The Controller's credentials, in the project the stack makes for the Slice.
          expect(configs.slice(1)).toEqual([...slices].map((slice) => ({ alias: `${layout.name}--${slice}`, password: `\${var.OS_PASSWORD_${site}}`, tenant_id: ref(PROJECT, slice) })));
          expect(tf.variable[`OS_PASSWORD_${site}`]).toMatchObject({ type: 'string', sensitive: true });
          expect(tf.variable[`OS_PASSWORD_${site}`].default).toBeUndefined();
          const grants = res(tf, 'openstack_identity_role_assignment_v3');
          for (const slice of slices)
            expect(grants[`${slice}__controller`]).toMatchObject({ user_id: '${data.openstack_identity_auth_scope_v3.controller.user_id}', project_id: ref(PROJECT, slice), provider: `openstack.${layout.name}` });
          for (const mode of ['resource', 'data'] as const)
            for (const [type, byName] of Object.entries((tf[mode] ?? {}) as Record<string, Record<string, Tf>>)) {
              if (!type.startsWith('openstack_')) continue;
              for (const [name, body] of Object.entries(byName)) {
                const sliver = type === INSTANCE ? layout.resources.find((r) => r.kind === 'sliver' && r.name === name) : undefined;
                if (sliver) {
                  // Made by the Slice's configuration, once the Controller's user holds a role on the Slice's project.
                  expect(body.provider).toBe(`openstack.${layout.name}--${sliver.refs.slice}`);
                  expect(body.depends_on).toEqual([`openstack_identity_role_assignment_v3.${sliver.refs.slice}__controller`]);
                } else if (type !== 'openstack_blockstorage_volume_v3' && type !== 'openstack_compute_volume_attach_v2') expect(body.provider).toBe(`openstack.${layout.name}`);
              }
            }
          // A port belongs to its instance's project: nova attaches only ports of the instance's own.
          for (const p of layout.resources.filter((r) => r.kind === 'port')) {
            const sliver = layout.resources.find((r) => r.name === p.refs.sliver)!;
            expect(res(tf, PORT)[p.name].tenant_id).toBe(ref(PROJECT, sliver.refs.slice));
          }
        }
      }),
      RUNS,
    );
  });

  test('every synthesized element is valid against the vendored provider schema', () => {
    fc.assert(
      fc.property(cloudSpec(), (spec) => {
        const { stacks } = run(spec);
        for (const { tf } of stacks) expect(checkOpenstackStack(tf)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('openstack target: provider authentication', () => {
  const withCredentials = (credentials: Record<string, ReturnType<typeof Secret.env>> | undefined) => {
    Cloud.reset();
    const cloud = new Cloud({ name: 'auth' });
    const site = new Site(cloud, 'lab');
    const image = new Image(cloud, 'img');
    const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
    const dep = new Deployment(cloud, 'dep', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor] });
    dep.addController('head', { backend: 'openstack', url: 'https://keystone.lab.example:5000/v3', region: 'RegionOne', sites: [site], ...(credentials ? { credentials } : {}) });
    site.addSlice('s', { image, flavor }).addSliver('v', { deployment: dep });
    return synth(cloud).rendered.json.get('head')!;
  };

  const slice = { alias: 'head--slice_lab__s', auth_url: 'https://keystone.lab.example:5000/v3', region: 'RegionOne', tenant_id: '${openstack_identity_project_v3.slice_lab__s.id}' };

  test('from a clouds.yaml entry named by a reference', () => {
    const tf = withCredentials({ cloud: Secret.env('OS_CLOUD') });
    expect(tf.provider.openstack).toEqual([
      { alias: 'head', auth_url: 'https://keystone.lab.example:5000/v3', region: 'RegionOne', cloud: '${var.OS_CLOUD}' },
      { ...slice, cloud: '${var.OS_CLOUD}' },
    ]);
    expect(tf.variable.OS_CLOUD).toMatchObject({ sensitive: true });
  });

  test('from the OS_* environment of the machine running Terraform when the Controller gives no credentials', () => {
    const tf = withCredentials(undefined);
    expect(tf.provider.openstack).toEqual([{ alias: 'head', auth_url: 'https://keystone.lab.example:5000/v3', region: 'RegionOne' }, slice]);
    expect(tf.variable).toBeUndefined();
  });

  test("a project of the Controller's credentials is not the Slices': their configurations name the Slice's project instead", () => {
    const tf = withCredentials({ username: Secret.env('OS_USERNAME'), password: Secret.env('OS_PASSWORD'), project: Secret.env('OS_PROJECT_NAME') });
    expect(tf.provider.openstack[0]).toMatchObject({ user_name: '${var.OS_USERNAME}', tenant_name: '${var.OS_PROJECT_NAME}' });
    expect(tf.provider.openstack[1]).toEqual({ ...slice, user_name: '${var.OS_USERNAME}', password: '${var.OS_PASSWORD}' });
  });

  test('an application credential is bound to one project: refused with the fix when the Controller runs Slivers, by validate (TGT-001) before synthesis', () => {
    expect(() => withCredentials({ application_credential_id: Secret.tfVar('app_id'), application_credential_secret: Secret.tfVar('app_secret') })).toThrow(
      /TGT-001 head: credential 'application_credential_id' is an application credential, which keystone binds to one project, but each Slice's instances are created in the Slice's own project .*lab\/s\/v.*username and password, or a token/,
    );
  });
});
