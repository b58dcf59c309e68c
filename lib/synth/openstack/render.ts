/**
 * The `openstack` target: one stack's layout -> resources of the OpenStack provider, through
 * the bindings generated from the provider's schema. Following what XOS itself did:
 *
 * - Site -> identity project; Slice -> project (child of its Site's) with a compute quota
 *   from the Deployment's per-Slice limits; User -> identity user and one keypair per key;
 *   privileges -> role assignments.
 * - Image, Flavor -> image and flavor resources, or data sources when the Deployment says
 *   they exist already (an Image without a source URL is always looked up).
 * - Network -> network and subnet, a router out when public or NAT, a QoS bandwidth rule
 *   when it has a bandwidth; only where the layout placed it (lazily).
 * - Sliver -> compute instance with one port per Network in interface order and cloud-init
 *   user data; tenancies -> security groups and rules (TEN-007), a router between the two
 *   networks of an interconnect, a floating IP for a public endpoint; a provider's per-instance
 *   additions -> volumes (others are kept as `terraform_data`).
 *
 * Every resource references the others by id, so Terraform orders creation and deletion.
 */
import { TerraformVariable } from 'cdktf';
import { usageError } from '../../errors';
import { sliverUserData } from '../cloud-init';
import { endpointPlacements, flavorSizes, providerAlias, routedNetworks, safeName, servicePorts, StackIndex, volumeSizeGb } from '../common';
import type { LayoutResource, StackLayout } from '../layout';
import type { XosStack } from '../stack';
import type { ElementOrigin, RenderContext } from '../targets';
import * as os from './generated';
import { OPENSTACK_SCHEMA } from './provider-schema';

/** Friendly credential names -> the provider's own argument names. */
const CREDENTIAL_ALIASES: Readonly<Record<string, string>> = {
  username: 'user_name',
  user: 'user_name',
  project: 'tenant_name',
  project_name: 'tenant_name',
  tenant: 'tenant_name',
  project_id: 'tenant_id',
  domain: 'domain_name',
  user_domain: 'user_domain_name',
  project_domain: 'project_domain_name',
  clouds_yaml_entry: 'cloud',
};

/** The keystone role each XOS role becomes, on the scope's project (or domain). */
export const KEYSTONE_ROLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  site: { admin: 'member', pi: 'member', tech: 'reader' },
  slice: { admin: 'member', access: 'reader' },
  deployment: { admin: 'admin' },
};

/** The provider argument a Controller credential sets, or undefined when it sets none. */
export function providerArgument(key: string): string | undefined {
  const attrs = OPENSTACK_SCHEMA.provider.block.attributes ?? {};
  const arg = attrs[key] ? key : CREDENTIAL_ALIASES[key];
  const a = arg ? attrs[arg] : undefined;
  return a && a.type === 'string' && (a.optional || a.required) ? arg : undefined;
}

function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

class OpenstackRenderer {
  private readonly ix: StackIndex;
  private readonly vars = new Map<string, TerraformVariable>();
  private provider!: os.OpenstackProvider;
  private readonly projects = new Map<string, os.IdentityProjectV3>();
  private readonly users = new Map<string, os.IdentityUserV3>();
  private readonly images = new Map<string, { id: string }>();
  private readonly flavors = new Map<string, { id: string }>();
  private readonly networks = new Map<string, { network: os.NetworkingNetworkV2; subnet: os.NetworkingSubnetV2 }>();
  private readonly secgroups = new Map<string, os.NetworkingSecgroupV2>();
  private readonly ports = new Map<string, os.NetworkingPortV2>();
  private readonly instances = new Map<string, os.ComputeInstanceV2>();
  private readonly roles = new Map<string, os.DataIdentityRoleV3>();
  private external?: os.DataNetworkingNetworkV2;
  private scope?: os.DataIdentityAuthScopeV3;

  constructor(private readonly stack: XosStack, private readonly sl: StackLayout, private readonly ctx: RenderContext) {
    this.ix = new StackIndex(sl);
  }

  private track<T extends Parameters<RenderContext['track']>[1]>(el: T, name: string, origin: ElementOrigin | LayoutResource): T {
    return this.ctx.track(this.sl.name, el, name, { model: origin.model, kind: origin.kind });
  }

  private controllerOrigin(): ElementOrigin {
    return { model: this.sl.controller, kind: 'controller' };
  }

  public render(): void {
    for (const v of this.sl.variables) {
      this.vars.set(v.name, new TerraformVariable(this.stack, v.name, { type: 'string', sensitive: true, description: v.description }));
    }
    this.renderProvider();
    for (const s of this.ix.of('site')) this.renderSite(s);
    for (const s of this.ix.of('slice')) this.renderSlice(s);
    for (const u of this.ix.of('user')) this.renderUser(u);
    for (const g of this.ix.of('grant')) this.renderGrant(g);
    for (const i of this.ix.of('image')) this.renderImage(i);
    for (const f of this.ix.of('flavor')) this.renderFlavor(f);
    const placements = endpointPlacements(this.ix);
    const routed = routedNetworks(this.ix, placements);
    for (const n of this.ix.of('network')) this.renderNetwork(n, routed.has(n.name));
    for (const g of this.ix.of('secgroup')) this.renderSecgroup(g);
    for (const r of this.ix.of('secrule')) this.renderSecrule(r);
    for (const p of this.ix.of('port')) this.renderPort(p);
    for (const v of this.ix.of('sliver')) this.renderSliver(v);
    for (const g of this.ix.of('gateway')) this.renderGateway(g);
    this.renderEndpoints(placements);
    for (const a of this.ix.of('addition')) this.renderAddition(a);
  }

  private variable(name: string): string {
    const v = this.vars.get(name);
    if (!v) throw new Error(`internal: stack ${this.sl.name} has no variable ${name}`);
    return v.stringValue;
  }

  /** One provider configuration per Controller, authenticated from its references only. */
  private renderProvider(): void {
    const c = this.ix.of('controller')[0];
    const config: Record<string, string> = { alias: providerAlias(this.sl.name) };
    if (c?.attrs.url) config.authUrl = c.attrs.url as string;
    if (c?.attrs.region) config.region = c.attrs.region as string;
    for (const [k, v] of Object.entries(c?.secrets ?? {})) {
      const key = k.replace(/^credential_/, '');
      const arg = providerArgument(key);
      if (!arg) {
        const known = Object.entries(OPENSTACK_SCHEMA.provider.block.attributes ?? {})
          .filter(([, a]) => a.type === 'string')
          .map(([n]) => n);
        throw usageError(
          `Controller ${this.sl.controller}: credential '${key}' is not an argument of the OpenStack provider. ` +
            `Name it after one (user_name, password, tenant_name, application_credential_id, application_credential_secret, token, cloud, ...; all: ${known.join(', ')}) ` +
            `or an alias (${Object.keys(CREDENTIAL_ALIASES).join(', ')}).`,
        );
      }
      config[camel(arg)] = this.variable(v);
    }
    this.provider = new os.OpenstackProvider(this.stack, 'openstack', config as os.OpenstackProviderConfig);
  }

  private projectOf(name: string | undefined): os.IdentityProjectV3 | undefined {
    return name ? this.projects.get(name) : undefined;
  }

  private renderSite(s: LayoutResource): void {
    const p = new os.IdentityProjectV3(this.stack, `site-${s.name}`, {
      provider: this.provider,
      name: (s.attrs.login_base as string) || (s.attrs.name as string),
      description: `XOS Site ${s.attrs.name}${s.attrs.location ? ` (${s.attrs.location})` : ''}`,
      enabled: true,
      tags: [`xos:${s.model}`],
    });
    this.projects.set(s.name, this.track(p, s.name, s));
  }

  private renderSlice(s: LayoutResource): void {
    const site = this.ix.get(s.refs.site);
    const base = (site?.attrs.login_base as string) || (site?.attrs.name as string) || '';
    const parent = this.projectOf(s.refs.site);
    const p = new os.IdentityProjectV3(this.stack, `slice-${s.name}`, {
      provider: this.provider,
      name: base ? `${base}_${s.attrs.name}` : (s.attrs.name as string),
      description: `XOS Slice ${s.attrs.name}`,
      enabled: true,
      tags: [`xos:${s.model}`],
      ...(parent ? { parentId: parent.id } : {}),
    });
    this.projects.set(s.name, this.track(p, s.name, s));
    const q = (s.attrs.quota ?? {}) as { cores?: number; instances?: number; ramMb?: number };
    if (q.cores !== undefined || q.instances !== undefined || q.ramMb !== undefined) {
      const quota = new os.ComputeQuotasetV2(this.stack, `quota-${s.name}`, {
        provider: this.provider,
        projectId: p.id,
        ...(q.cores !== undefined ? { cores: q.cores } : {}),
        ...(q.instances !== undefined ? { instances: q.instances } : {}),
        ...(q.ramMb !== undefined ? { ram: q.ramMb } : {}),
      });
      this.track(quota, s.name, s);
    }
  }

  private renderUser(u: LayoutResource): void {
    const home = this.ix.of('site').find((s) => s.model === u.attrs.home_site);
    const user = new os.IdentityUserV3(this.stack, `user-${u.name}`, {
      provider: this.provider,
      name: u.attrs.name as string,
      description: `XOS User ${u.attrs.name}`,
      enabled: true,
      ...(u.attrs.email ? { extra: { email: u.attrs.email as string } } : {}),
      ...(home && this.projects.get(home.name) ? { defaultProjectId: this.projects.get(home.name)!.id } : {}),
    });
    this.users.set(u.name, this.track(user, u.name, u));
    ((u.attrs.public_keys as string[] | undefined) ?? []).forEach((key, i) => {
      const kp = new os.ComputeKeypairV2(this.stack, `keypair-${u.name}-${i}`, {
        provider: this.provider,
        name: i === 0 ? safeName(`${u.attrs.name}`) : safeName(`${u.attrs.name}-${i + 1}`),
        publicKey: key,
        userId: user.id,
      });
      this.track(kp, i === 0 ? u.name : `${u.name}__key${i + 1}`, u);
    });
  }

  private role(name: string): os.DataIdentityRoleV3 {
    let r = this.roles.get(name);
    if (!r) {
      r = this.track(new os.DataIdentityRoleV3(this.stack, `role-${name}`, { provider: this.provider, name }), `role_${name}`, this.controllerOrigin());
      this.roles.set(name, r);
    }
    return r;
  }

  private authScope(): os.DataIdentityAuthScopeV3 {
    this.scope ??= this.track(new os.DataIdentityAuthScopeV3(this.stack, 'auth-scope', { provider: this.provider, name: 'controller' }), 'controller', this.controllerOrigin());
    return this.scope;
  }

  private renderGrant(g: LayoutResource): void {
    const scope = g.attrs.scope as string;
    const roleName = KEYSTONE_ROLES[scope]?.[g.attrs.role as string];
    const user = this.users.get(g.refs.user);
    if (!roleName || !user) return; // an invalid role is a rule violation (RBAC-002), reported before synthesis
    const on: Partial<os.IdentityRoleAssignmentV3Config> =
      scope === 'deployment' ? { domainId: this.authScope().projectDomainId } : this.projectOf(g.refs.target) ? { projectId: this.projectOf(g.refs.target)!.id } : {};
    if (!on.domainId && !on.projectId) return; // the scope object is not held in this stack
    const a = new os.IdentityRoleAssignmentV3(this.stack, `grant-${g.name}`, { provider: this.provider, userId: user.id, roleId: this.role(roleName).id, ...on });
    this.track(a, g.name, g);
  }

  private existing(r: LayoutResource): boolean {
    const d = this.ix.get(r.refs.deployment);
    return d?.attrs.existing_catalog === true;
  }

  private renderImage(i: LayoutResource): void {
    if (this.existing(i) || !i.attrs.source_url) {
      const d = new os.DataImagesImageV2(this.stack, `image-${i.name}`, { provider: this.provider, name: i.attrs.name as string, mostRecent: true });
      this.images.set(i.name, this.track(d, i.name, i));
      return;
    }
    const img = new os.ImagesImageV2(this.stack, `image-${i.name}`, {
      provider: this.provider,
      name: i.attrs.name as string,
      diskFormat: i.attrs.disk_format as string,
      containerFormat: i.attrs.container_format as string,
      imageSourceUrl: i.attrs.source_url as string,
      visibility: 'public',
      tags: [`xos:${i.model}`],
    });
    this.images.set(i.name, this.track(img, i.name, i));
  }

  private renderFlavor(f: LayoutResource): void {
    if (this.existing(f)) {
      const d = new os.DataComputeFlavorV2(this.stack, `flavor-${f.name}`, { provider: this.provider, name: f.attrs.name as string });
      this.flavors.set(f.name, this.track(d, f.name, f));
      return;
    }
    const { cores, ramMb, diskGb } = flavorSizes(f, 'OpenStack');
    const fl = new os.ComputeFlavorV2(this.stack, `flavor-${f.name}`, { provider: this.provider, name: f.attrs.name as string, vcpus: cores, ram: ramMb, disk: diskGb, isPublic: true });
    this.flavors.set(f.name, this.track(fl, f.name, f));
  }

  private externalNetwork(): os.DataNetworkingNetworkV2 {
    this.external ??= this.track(new os.DataNetworkingNetworkV2(this.stack, 'external-network', { provider: this.provider, external: true }), 'external', this.controllerOrigin());
    return this.external;
  }

  private renderNetwork(n: LayoutResource, routed: boolean): void {
    const owner = this.projectOf(n.refs.owner);
    const tenant = owner ? { tenantId: owner.id } : {};
    let qos: os.NetworkingQosPolicyV2 | undefined;
    const mbps = n.attrs.bandwidth_mbps as number | undefined;
    if (mbps !== undefined) {
      qos = this.track(new os.NetworkingQosPolicyV2(this.stack, `qos-${n.name}`, { provider: this.provider, name: safeName(`xos-${n.attrs.name}`), description: `bandwidth of XOS Network ${n.model}` }), n.name, n);
      this.track(
        new os.NetworkingQosBandwidthLimitRuleV2(this.stack, `qos-rule-${n.name}`, { provider: this.provider, qosPolicyId: qos.id, maxKbps: Math.round(mbps * 1000), direction: 'egress' }),
        n.name,
        n,
      );
    }
    const network = new os.NetworkingNetworkV2(this.stack, `network-${n.name}`, {
      provider: this.provider,
      name: safeName(`xos-${n.attrs.name}`),
      description: `XOS Network ${n.model}`,
      adminStateUp: true,
      tags: [`xos:${n.model}`],
      ...tenant,
      ...(qos ? { qosPolicyId: qos.id } : {}),
    });
    this.track(network, n.name, n);
    const subnet = this.track(
      new os.NetworkingSubnetV2(this.stack, `subnet-${n.name}`, { provider: this.provider, name: safeName(`xos-${n.attrs.name}`), networkId: network.id, cidr: n.attrs.cidr as string, ipVersion: 4, ...tenant }),
      n.name,
      n,
    );
    this.networks.set(n.name, { network, subnet });
    if (!routed) return;
    const isPublic = n.attrs.public === true || this.ix.templateOf(n).visibility === 'public';
    const router = this.track(
      new os.NetworkingRouterV2(this.stack, `router-${n.name}`, {
        provider: this.provider,
        name: safeName(`xos-${n.attrs.name}`),
        description: `route out of XOS Network ${n.model} (${isPublic ? 'public addresses' : 'NAT'})`,
        externalNetworkId: this.externalNetwork().id,
        // Public addresses are routed as they are; private ones are translated.
        enableSnat: !isPublic,
        ...tenant,
      }),
      n.name,
      n,
    );
    this.track(new os.NetworkingRouterInterfaceV2(this.stack, `router-if-${n.name}`, { provider: this.provider, routerId: router.id, subnetId: subnet.id }), n.name, n);
  }

  private renderSecgroup(g: LayoutResource): void {
    const sg = new os.NetworkingSecgroupV2(this.stack, `secgroup-${g.name}`, {
      provider: this.provider,
      name: safeName(`xos-${g.attrs.role}-${g.attrs.tenancy}`),
      description: `XOS tenancy ${g.attrs.tenancy}: ${g.attrs.role} side (TEN-007: only tenant-to-provider traffic on the provider's ports)`,
      // Least privilege: nothing is open but the rules below (TEN-007).
      deleteDefaultRules: true,
    });
    this.secgroups.set(g.name, this.track(sg, g.name, g));
  }

  private renderSecrule(r: LayoutResource): void {
    const group = this.secgroups.get(r.refs.group);
    const remote = this.secgroups.get(r.refs.remote_group);
    if (!group || !remote) throw new Error(`internal: security rule ${r.name} refers to a group that is not in stack ${this.sl.name}`);
    const icmp = r.attrs.protocol === 'icmp';
    const rule = new os.NetworkingSecgroupRuleV2(this.stack, `secrule-${r.name}`, {
      provider: this.provider,
      direction: r.attrs.direction as string,
      ethertype: 'IPv4',
      protocol: r.attrs.protocol as string,
      ...(icmp ? {} : { portRangeMin: r.attrs.port_min as number, portRangeMax: r.attrs.port_max as number }),
      remoteGroupId: remote.id,
      securityGroupId: group.id,
      description: `tenant to provider, tenancy ${r.attrs.tenancy}`,
    });
    this.track(rule, r.name, r);
  }

  private renderPort(p: LayoutResource): void {
    const net = this.networks.get(p.refs.network);
    if (!net) throw new Error(`internal: port ${p.name} is on a network that is not in stack ${this.sl.name}`);
    const sliver = this.ix.get(p.refs.sliver);
    const host = ((sliver?.attrs.user_data as { hostname?: string } | undefined)?.hostname ?? sliver?.attrs.name ?? 'sliver') as string;
    const groups = (p.refLists?.security_groups ?? []).map((g) => this.secgroups.get(g)!.id);
    const port = new os.NetworkingPortV2(this.stack, `port-${p.name}`, {
      provider: this.provider,
      name: `${host}-${p.attrs.interface}`,
      networkId: net.network.id,
      adminStateUp: true,
      fixedIp: [{ subnetId: net.subnet.id }],
      ...(groups.length ? { securityGroupIds: groups } : {}),
    });
    this.ports.set(p.name, this.track(port, p.name, p));
  }

  private renderSliver(v: LayoutResource): void {
    const slice = this.ix.get(v.refs.slice);
    const image = this.images.get(slice?.refs.image ?? '');
    const flavor = this.flavors.get(slice?.refs.flavor ?? '');
    if (!image || !flavor)
      throw usageError(
        `Sliver ${v.model}: its Slice's ${!image ? `Image ${v.attrs.image}` : `Flavor ${v.attrs.flavor}`} is not in the catalog of the Deployment that runs it (stack ${this.sl.name}). ` +
          `Add it to the Deployment (deployment.support(...)).`,
      );
    const node = this.ix.get(v.refs.node);
    const ports = this.ix.portsOf(v.name).map((p) => this.ports.get(p.name)!);
    const instance = new os.ComputeInstanceV2(this.stack, `instance-${v.name}`, {
      provider: this.provider,
      name: (v.attrs.user_data as { hostname: string }).hostname,
      imageId: image.id,
      flavorId: flavor.id,
      userData: sliverUserData(this.sl, v, (n) => this.variable(n), this.ctx.exports),
      metadata: { xos_sliver: v.model, xos_slice: v.attrs.slice as string },
      // A Sliver placed on a Node goes to that host (zone:host, as XOS did).
      ...(node ? { availabilityZone: `nova:${node.attrs.name}` } : {}),
      network: ports.map((p) => ({ port: p.id })),
    });
    this.instances.set(v.name, this.track(instance, v.name, v));
  }

  private renderGateway(g: LayoutResource): void {
    const router = this.track(
      new os.NetworkingRouterV2(this.stack, `gateway-${g.name}`, { provider: this.provider, name: safeName(`xos-interconnect-${g.attrs.tenancy}`), description: `XOS tenancy ${g.attrs.tenancy}: interconnect between the tenant's and the provider's networks` }),
      g.name,
      g,
    );
    for (const side of ['tenant_network', 'provider_network'] as const) {
      const net = this.networks.get(g.refs[side]);
      if (!net) continue;
      this.track(new os.NetworkingRouterInterfaceV2(this.stack, `gateway-if-${g.name}-${side}`, { provider: this.provider, routerId: router.id, subnetId: net.subnet.id }), `${g.name}__${side.replace('_network', '')}`, g);
    }
  }

  private renderEndpoints(placements: ReturnType<typeof endpointPlacements>): void {
    const groups = new Map<string, os.NetworkingSecgroupV2 | null>();
    for (const { endpoint: e, sliver, port } of placements) {
      if (!groups.has(e.name)) {
        const ports = servicePorts(e);
        let sg: os.NetworkingSecgroupV2 | null = null;
        if (ports.length) {
          sg = this.track(
            new os.NetworkingSecgroupV2(this.stack, `endpoint-sg-${e.name}`, { provider: this.provider, name: safeName(`xos-public-${e.attrs.service}`), description: `public endpoint of XOS Service ${e.attrs.service}: its ports, from anywhere`, deleteDefaultRules: true }),
            e.name,
            e,
          );
          for (const p of ports) {
            this.track(
              new os.NetworkingSecgroupRuleV2(this.stack, `endpoint-rule-${e.name}-${p.protocol}-${p.port}`, {
                provider: this.provider,
                direction: 'ingress',
                ethertype: 'IPv4',
                protocol: p.protocol,
                ...(p.protocol === 'icmp' ? {} : { portRangeMin: p.port, portRangeMax: p.port }),
                remoteIpPrefix: '0.0.0.0/0',
                securityGroupId: sg.id,
              }),
              `${e.name}__${p.protocol}-${p.port}`,
              e,
            );
          }
        }
        groups.set(e.name, sg);
      }
      const osPort = this.ports.get(port.name)!;
      const fip = this.track(
        new os.NetworkingFloatingipV2(this.stack, `fip-${sliver.name}`, { provider: this.provider, pool: this.externalNetwork().name, description: `public endpoint of XOS Service ${e.attrs.service} on ${sliver.model}` }),
        `${e.name}__${sliver.name}`,
        e,
      );
      this.track(new os.NetworkingFloatingipAssociateV2(this.stack, `fip-assoc-${sliver.name}`, { provider: this.provider, floatingIp: fip.address, portId: osPort.id }), `${e.name}__${sliver.name}`, e);
      const sg = groups.get(e.name);
      if (sg)
        this.track(
          new os.NetworkingPortSecgroupAssociateV2(this.stack, `endpoint-port-sg-${sliver.name}`, { provider: this.provider, portId: osPort.id, securityGroupIds: [sg.id], enforce: false }),
          `${e.name}__${sliver.name}`,
          e,
        );
    }
  }

  private renderAddition(a: LayoutResource): void {
    const instance = this.instances.get(a.refs.sliver);
    if (!instance) throw new Error(`internal: addition ${a.name} is for a sliver that is not in stack ${this.sl.name}`);
    const size = a.attrs.type === 'volume' ? volumeSizeGb(a) : undefined;
    if (size !== undefined) {
      const vol = this.track(
        new os.BlockstorageVolumeV3(this.stack, `volume-${a.name}`, { provider: this.provider, name: safeName(`xos-${a.model}`), size, description: `added by XOS Service ${a.attrs.provider} for tenancy ${a.attrs.tenancy}` }),
        a.name,
        a,
      );
      this.track(new os.ComputeVolumeAttachV2(this.stack, `volume-attach-${a.name}`, { provider: this.provider, instanceId: instance.id, volumeId: vol.id }), a.name, a);
      return;
    }
    // What OpenStack has no resource for (configuration a provider keeps per tenant instance)
    // stays in the plan and the state as terraform_data, tied to the instance.
    this.stack.addRawResource('terraform_data', a.name, { input: { xos_kind: a.kind, xos_key: a.model, ...a.attrs, instance_id: `\${openstack_compute_instance_v2.${a.refs.sliver}.id}` } });
    this.ctx.trackRaw(this.sl.name, `terraform_data.${a.name}`, { model: a.model, kind: a.kind });
  }
}

/** Render one stack for the openstack target. */
export function renderOpenstack(stack: XosStack, layout: StackLayout, ctx: RenderContext): void {
  new OpenstackRenderer(stack, layout, ctx).render();
}
