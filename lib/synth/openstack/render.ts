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
 *   user data, created in its Slice's project (where the Slice's quota binds) by a provider
 *   configuration scoped to that project; tenancies -> security groups and rules (TEN-007), a router between the two
 *   networks of an interconnect, a floating IP for a public endpoint; a provider's per-instance
 *   additions -> volumes (others are kept as `terraform_data`).
 * - Tenant instances -> one Swift object each (its record, as JSON) in a container per Service
 *   that provides or holds them; the Service's instances get, in their user data, the
 *   container and a read-only application credential (access rules: GET and HEAD on that
 *   container only). A new subscriber is one new object: no instance is touched.
 *
 * Every resource references the others by id, so Terraform orders creation and deletion.
 *
 * Resources and data sources are written as their final JSON through the plain bindings
 * (typed arguments -> Terraform JSON, references as `${type.name.attr}`), not one cdktf
 * construct each: a cloud of 100k resources pays no construct, token or stack trace per
 * resource. The provider, variables and cross-stack outputs stay cdktf constructs.
 */
import { TerraformVariable } from 'cdktf';
import { usageError } from '../../errors';
import { sliverUserData, type UserDataContext } from '../cloud-init';
import { recordContent, recordObjectName } from '../instance-record';
import { describeGroup, flavorSizes, hostRoutesOf, providerAlias, safeName, StackIndex, volumeSizeGb } from '../common';
import { routingDomains, type RoutingDomain } from '../routing';
import { openstackSiteProject, openstackSliceProject } from '../backend-names';
import type { LayoutResource, StackLayout } from '../layout';
import type { XosStack } from '../stack';
import { Element } from '../element';
import type { ElementOrigin, RenderContext } from '../render-context';
import * as os from './generated';
import { OPENSTACK_SCHEMA } from './provider-schema';
import { CREDENTIAL_ALIASES, KEYSTONE_ROLES, PROJECT_ARGUMENTS, PROJECT_BOUND_ARGUMENTS, providerArgument } from './credentials';

type Expression = os.Expression;

export { CREDENTIAL_ALIASES, KEYSTONE_ROLES, providerArgument } from './credentials';

function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

type Project = Element<os.IdentityProjectV3Attribute>;
type Network = { readonly network: Element<os.NetworkingNetworkV2Attribute>; readonly subnet: Element<os.NetworkingSubnetV2Attribute> };
type Secgroup = Element<os.NetworkingSecgroupV2Attribute>;

class OpenstackRenderer {
  private readonly ix: StackIndex;
  private readonly vars = new Set<string>();
  /** `openstack.<alias>`: every element's provider. */
  private readonly provider: string;
  private readonly projects = new Map<string, Project>();
  private readonly users = new Map<string, Element<os.IdentityUserV3Attribute>>();
  private readonly images = new Map<string, Element<'id'>>();
  private readonly flavors = new Map<string, Element<'id'>>();
  private readonly networks = new Map<string, Network>();
  private readonly secgroups = new Map<string, Secgroup>();
  private readonly ports = new Map<string, Element<os.NetworkingPortV2Attribute>>();
  private readonly instances = new Map<string, Element<os.ComputeInstanceV2Attribute>>();
  private readonly roles = new Map<string, Element<os.DataIdentityRoleV3Attribute>>();
  private readonly stores = new Map<string, { container: Element<os.ObjectstorageContainerV1Attribute>; reader: Element<os.IdentityApplicationCredentialV3Attribute> }>();
  private readonly records = new Map<string, Element<os.ObjectstorageObjectV1Attribute>>();
  private external?: Element<os.DataNetworkingNetworkV2Attribute>;
  private scope?: Element<os.DataIdentityAuthScopeV3Attribute>;
  private readonly userData: UserDataContext;
  /** The Controller's provider arguments (camelCase, as the binding takes them), for the Slices' configurations. */
  private readonly providerConfig: Record<string, string> = {};
  /** Per Slice (layout name): the provider of its project's configuration, and the role assignment it needs first. */
  private readonly sliceScopes = new Map<string, { readonly provider: string; readonly grant: string }>();

  constructor(private readonly stack: XosStack, private readonly sl: StackLayout, private readonly ctx: RenderContext) {
    this.ix = new StackIndex(sl);
    this.provider = `openstack.${providerAlias(sl.name)}`;
    this.userData = {
      ix: this.ix,
      variable: (n) => this.variable(n),
      externals: ctx.exports,
      imported: (x, e) => ctx.crossStack(x.stack, sl.name, e),
      store: (name) => this.storeFacts(name),
    };
  }

  /** Write one element of the stack, remember the model object it comes from, and return it. */
  private emit<A, K extends string>(type: os.ElementType<A, K>, name: string, args: A, origin: ElementOrigin | LayoutResource, scoped?: { readonly provider: string; readonly grant: string }): Element<K> {
    const body = type.toTerraform(args, scoped?.provider ?? this.provider);
    // Made in a Slice's project: only once the Controller's user holds a role there (keystone issues no token before).
    if (scoped) body.depends_on = [scoped.grant];
    this.ctx.write(this.stack, type.mode === 'data', type.type, name, body, origin);
    return new Element(type as os.ElementType<never, K>, name);
  }

  private controllerOrigin(): ElementOrigin {
    return { model: this.sl.controller, kind: 'controller' };
  }

  public render(): void {
    for (const v of this.sl.variables) {
      new TerraformVariable(this.stack, v.name, { type: 'string', sensitive: true, description: v.description });
      this.vars.add(v.name);
    }
    this.renderProvider();
    for (const s of this.ix.of('site')) this.renderSite(s);
    for (const s of this.ix.of('slice')) this.renderSlice(s);
    for (const u of this.ix.of('user')) this.renderUser(u);
    for (const g of this.ix.of('grant')) this.renderGrant(g);
    for (const i of this.ix.of('image')) this.renderImage(i);
    for (const f of this.ix.of('flavor')) this.renderFlavor(f);
    const domains = routingDomains(this.sl, 'openstack');
    const hostRoutes = hostRoutesOf(this.ix, domains);
    for (const n of this.ix.of('network')) this.renderNetwork(n, hostRoutes.get(n.name) ?? []);
    for (const d of domains) this.renderRouter(d);
    for (const g of this.ix.of('secgroup')) this.renderSecgroup(g);
    for (const r of this.ix.of('secrule')) this.renderSecrule(r);
    for (const p of this.ix.of('port')) this.renderPort(p);
    for (const st of this.ix.of('store')) this.renderStore(st);
    for (const v of this.ix.of('sliver')) this.renderSliver(v);
    for (const a of this.ix.of('address')) this.renderAddress(a);
    for (const a of this.ix.of('addition')) this.renderAddition(a);
    for (const r of this.ix.of('instance')) this.renderInstance(r);
    for (const a of this.ix.of('instance-addition')) this.renderInstanceAddition(a);
  }

  /**
   * A Service's store of tenant-instance records: a Swift container, and an application
   * credential its Slivers read it with, limited by access rules to reading that container.
   */
  private renderStore(st: LayoutResource): void {
    const container = this.emit(os.objectstorageContainerV1, st.name, { name: safeName(`xos-${this.sl.name}-${st.attrs.name}`, 256), metadata: { 'xos-service': st.model } }, st);
    const name = `${container.ref('name')}`;
    const reader = this.emit(os.identityApplicationCredentialV3, st.name, {
      name: safeName(`xos-${this.sl.name}-${st.attrs.name}-reader`),
      description: `read-only: the tenant instances of XOS Service ${st.model} (container ${safeName(`xos-${this.sl.name}-${st.attrs.name}`, 256)})`,
      unrestricted: false,
      accessRules: ['GET', 'HEAD'].flatMap((method) => [
        { service: 'object-store', method, path: `/v1/*/${name}` },
        { service: 'object-store', method, path: `/v1/*/${name}/**` },
      ]),
    }, st);
    this.stores.set(st.name, { container, reader });
  }

  /** What a Sliver's user data says about its Service's store. */
  private storeFacts(store: string): { values: Record<string, string>; secrets: Record<string, string> } {
    const s = this.stores.get(store);
    if (!s) throw new Error(`internal: store ${store} is not in stack ${this.sl.name}`);
    const c = this.ix.of('controller')[0];
    return {
      values: {
        store: 'swift',
        container: s.container.ref('name'),
        ...(c?.attrs.url ? { auth_url: c.attrs.url as string } : {}),
        ...(c?.attrs.region ? { region: c.attrs.region as string } : {}),
        application_credential_id: s.reader.ref('id'),
      },
      secrets: { application_credential_secret: s.reader.ref('secret') },
    };
  }

  /** One tenant instance's record: an object in its store's container. */
  private renderInstance(r: LayoutResource): void {
    const s = this.stores.get(r.refs.store);
    if (!s) throw new Error(`internal: instance ${r.name} is in a store that is not in stack ${this.sl.name}`);
    const obj = this.emit(os.objectstorageObjectV1, r.name, {
      containerName: s.container.ref('name'),
      name: recordObjectName(r),
      content: recordContent(r, (v) => this.variable(v)),
      contentType: 'application/json',
      metadata: { 'xos-instance': r.model },
    }, r);
    this.records.set(r.name, obj);
  }

  /** What a provider's onInstance hook added: a volume of its size, or configuration kept beside the record. */
  private renderInstanceAddition(a: LayoutResource): void {
    const record = this.records.get(a.refs.instance);
    if (!record) throw new Error(`internal: addition ${a.name} is for an instance that is not in stack ${this.sl.name}`);
    const size = a.attrs.type === 'volume' ? volumeSizeGb(a) : undefined;
    if (size !== undefined) {
      this.emit(os.blockstorageVolumeV3, a.name, { name: safeName(`xos-${a.attrs.instance}-${a.attrs.id}`), size, description: `added by XOS Service ${a.attrs.provider} for tenant instance ${a.attrs.instance}` }, a);
      return;
    }
    this.ctx.write(this.stack, false, 'terraform_data', a.name, { input: { xos_kind: a.kind, xos_key: a.model, ...a.attrs, record_id: record.ref('id') } }, a);
  }

  private variable(name: string): Expression {
    if (!this.vars.has(name)) throw new Error(`internal: stack ${this.sl.name} has no variable ${name}`);
    return `\${var.${name}}`;
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
      if (PROJECT_BOUND_ARGUMENTS.has(arg) && this.ix.of('sliver').length)
        throw usageError(
          `Controller ${this.sl.controller}: its credential '${key}' is an application credential, which keystone binds to one project, ` +
            `but each Slice's instances are created in the Slice's own project (where its quota binds: ${this.ix
              .of('sliver')
              .slice(0, 3)
              .map((x) => x.model)
              .join(', ')}${this.ix.of('sliver').length > 3 ? ', ...' : ''}). Give the Controller a user that may work in the projects it creates (username and password, or a token), instead of an application credential.`,
        );
      // A store's reader is an application credential the Controller's user creates; keystone
      // lets an application credential create none unless it is unrestricted, which xos never
      // asks a Controller to hold (it could then mint credentials beyond its own).
      if (PROJECT_BOUND_ARGUMENTS.has(arg) && this.ix.of('store').length)
        throw usageError(
          `Controller ${this.sl.controller}: its credential '${key}' is an application credential, but the stack creates a read-only application credential ` +
            `for the tenant-instance records of ${this.ix
              .of('store')
              .slice(0, 3)
              .map((x) => x.model)
              .join(', ')}${this.ix.of('store').length > 3 ? ', ...' : ''}, and keystone lets an application credential create another only when it is unrestricted. ` +
            `Give the Controller a user (username and password, or a token), instead of an application credential.`,
        );
    }
    for (const [k, v] of Object.entries(config)) if (k !== 'alias' && !PROJECT_ARGUMENTS.has(snake(k))) this.providerConfig[k] = v;
    new os.OpenstackProvider(this.stack, 'openstack', config as os.OpenstackProviderConfig);
  }

  /**
   * The configuration that works in a Slice's project: the Controller's credentials, scoped
   * to the project the stack makes for the Slice (`tenant_id`), and the role assignment that
   * lets the Controller's user work there; made once per Slice, on first use.
   */
  private sliceScope(slice: LayoutResource | undefined): { readonly provider: string; readonly grant: string } | undefined {
    if (!slice) return undefined;
    const project = this.projects.get(slice.name);
    if (!project) return undefined;
    let scoped = this.sliceScopes.get(slice.name);
    if (!scoped) {
      const alias = providerAlias(`${this.sl.name}--${slice.name}`);
      new os.OpenstackProvider(this.stack, `openstack-${slice.name}`, { ...this.providerConfig, alias, tenantId: project.ref('id') } as os.OpenstackProviderConfig);
      const grant = this.emit(os.identityRoleAssignmentV3, `${slice.name}__controller`, { userId: this.authScope().ref('user_id'), projectId: project.ref('id'), roleId: this.role('member').ref('id') }, slice);
      scoped = { provider: `openstack.${alias}`, grant: `${os.identityRoleAssignmentV3.type}.${grant.name}` };
      this.sliceScopes.set(slice.name, scoped);
    }
    return scoped;
  }

  private projectOf(name: string | undefined): Project | undefined {
    return name ? this.projects.get(name) : undefined;
  }

  private renderSite(s: LayoutResource): void {
    const p = this.emit(os.identityProjectV3, s.name, {
      name: openstackSiteProject(s.attrs),
      description: `XOS Site ${s.attrs.name}${s.attrs.location ? ` (${s.attrs.location})` : ''}`,
      enabled: true,
      tags: [`xos:${s.model}`],
    }, s);
    this.projects.set(s.name, p);
  }

  private renderSlice(s: LayoutResource): void {
    const site = this.ix.get(s.refs.site);
    const base = site ? openstackSiteProject(site.attrs) : '';
    const parent = this.projectOf(s.refs.site);
    const p = this.emit(os.identityProjectV3, s.name, {
      name: openstackSliceProject(base, s.attrs.name as string),
      description: `XOS Slice ${s.attrs.name}`,
      enabled: true,
      tags: [`xos:${s.model}`],
      ...(parent ? { parentId: parent.ref('id') } : {}),
    }, s);
    this.projects.set(s.name, p);
    const q = (s.attrs.quota ?? {}) as { cores?: number; instances?: number; ramMb?: number };
    if (q.cores !== undefined || q.instances !== undefined || q.ramMb !== undefined) {
      this.emit(os.computeQuotasetV2, s.name, {
        projectId: p.ref('id'),
        ...(q.cores !== undefined ? { cores: q.cores } : {}),
        ...(q.instances !== undefined ? { instances: q.instances } : {}),
        ...(q.ramMb !== undefined ? { ram: q.ramMb } : {}),
      }, s);
    }
  }

  private renderUser(u: LayoutResource): void {
    const home = this.ix.ofModel('site', u.attrs.home_site as string | undefined);
    const homeProject = home ? this.projects.get(home.name) : undefined;
    const user = this.emit(os.identityUserV3, u.name, {
      name: u.attrs.name as string,
      description: `XOS User ${u.attrs.name}`,
      enabled: true,
      ...(u.attrs.email ? { extra: { email: u.attrs.email as string } } : {}),
      ...(homeProject ? { defaultProjectId: homeProject.ref('id') } : {}),
    }, u);
    this.users.set(u.name, user);
    ((u.attrs.public_keys as string[] | undefined) ?? []).forEach((key, i) => {
      this.emit(os.computeKeypairV2, i === 0 ? u.name : `${u.name}__key${i + 1}`, {
        name: i === 0 ? safeName(`${u.attrs.name}`) : safeName(`${u.attrs.name}-${i + 1}`),
        publicKey: key,
        userId: user.ref('id'),
      }, u);
    });
  }

  private role(name: string): Element<os.DataIdentityRoleV3Attribute> {
    let r = this.roles.get(name);
    if (!r) {
      r = this.emit(os.dataIdentityRoleV3, `role_${name}`, { name }, this.controllerOrigin());
      this.roles.set(name, r);
    }
    return r;
  }

  private authScope(): Element<os.DataIdentityAuthScopeV3Attribute> {
    this.scope ??= this.emit(os.dataIdentityAuthScopeV3, 'controller', { name: 'controller' }, this.controllerOrigin());
    return this.scope;
  }

  private renderGrant(g: LayoutResource): void {
    const scope = g.attrs.scope as string;
    const roleName = KEYSTONE_ROLES[scope]?.[g.attrs.role as string];
    const user = this.users.get(g.refs.user);
    if (!roleName || !user) return; // an invalid role is a rule violation (RBAC-002), reported before synthesis
    const project = this.projectOf(g.refs.target);
    const on: Pick<os.IdentityRoleAssignmentV3Args, 'domainId' | 'projectId'> =
      scope === 'deployment' ? { domainId: this.authScope().ref('project_domain_id') } : project ? { projectId: project.ref('id') } : {};
    if (!on.domainId && !on.projectId) return; // the scope object is not held in this stack
    this.emit(os.identityRoleAssignmentV3, g.name, { userId: user.ref('id'), roleId: this.role(roleName).ref('id'), ...on }, g);
  }

  private existing(r: LayoutResource): boolean {
    const d = this.ix.get(r.refs.deployment);
    return d?.attrs.existing_catalog === true;
  }

  private renderImage(i: LayoutResource): void {
    if (this.existing(i) || !i.attrs.source_url) {
      this.images.set(i.name, this.emit(os.dataImagesImageV2, i.name, { name: i.attrs.name as string, mostRecent: true }, i));
      return;
    }
    const img = this.emit(os.imagesImageV2, i.name, {
      name: i.attrs.name as string,
      diskFormat: i.attrs.disk_format as string,
      containerFormat: i.attrs.container_format as string,
      imageSourceUrl: i.attrs.source_url as string,
      visibility: 'public',
      tags: [`xos:${i.model}`],
    }, i);
    this.images.set(i.name, img);
  }

  private renderFlavor(f: LayoutResource): void {
    if (this.existing(f)) {
      this.flavors.set(f.name, this.emit(os.dataComputeFlavorV2, f.name, { name: f.attrs.name as string }, f));
      return;
    }
    const { cores, ramMb, diskGb } = flavorSizes(f, 'OpenStack');
    this.flavors.set(f.name, this.emit(os.computeFlavorV2, f.name, { name: f.attrs.name as string, vcpus: cores, ram: ramMb, disk: diskGb, isPublic: true }, f));
  }

  private externalNetwork(): Element<os.DataNetworkingNetworkV2Attribute> {
    this.external ??= this.emit(os.dataNetworkingNetworkV2, 'external', { external: true }, this.controllerOrigin());
    return this.external;
  }

  private renderNetwork(n: LayoutResource, hostRoutes: readonly { readonly to: string; readonly destinationCidr: string; readonly nextHop: string }[]): void {
    const owner = this.projectOf(n.refs.owner);
    const tenant = owner ? { tenantId: owner.ref('id') } : {};
    let qos: Element<os.NetworkingQosPolicyV2Attribute> | undefined;
    const mbps = n.attrs.bandwidth_mbps as number | undefined;
    if (mbps !== undefined) {
      qos = this.emit(os.networkingQosPolicyV2, n.name, { name: safeName(`xos-${n.attrs.name}`), description: `bandwidth of XOS Network ${n.model}` }, n);
      this.emit(os.networkingQosBandwidthLimitRuleV2, n.name, { qosPolicyId: qos.ref('id'), maxKbps: Math.round(mbps * 1000), direction: 'egress' }, n);
    }
    const network = this.emit(os.networkingNetworkV2, n.name, {
      name: safeName(`xos-${n.attrs.name}`),
      description: `XOS Network ${n.model}`,
      adminStateUp: true,
      tags: [`xos:${n.model}`],
      ...tenant,
      ...(qos ? { qosPolicyId: qos.ref('id') } : {}),
    }, n);
    const subnet = this.emit(os.networkingSubnetV2, n.name, {
      name: safeName(`xos-${n.attrs.name}`),
      networkId: network.ref('id'),
      cidr: n.attrs.cidr as string,
      ipVersion: 4,
      ...tenant,
    }, n);
    this.networks.set(n.name, { network, subnet });
    // Routes to the other Networks its router joins (a tenancy's gateway), handed out by DHCP: an
    // instance reaches them through this interface whichever one holds its default route. A
    // resource of their own (provider 3.x has no host_routes argument on the subnet).
    for (const r of hostRoutes)
      this.emit(os.networkingSubnetRouteV2, `${n.name}__to__${r.to}`, { subnetId: subnet.ref('id'), destinationCidr: r.destinationCidr, nextHop: r.nextHop }, n);
  }

  /**
   * One router per routing domain (routing.ts): an interface on each of its Networks' subnets
   * (the subnet's gateway address), and the external network as gateway when a Network of the
   * domain needs a route out: public addresses routed as they are (no SNAT), private ones
   * translated.
   */
  private renderRouter(d: RoutingDomain): void {
    const first = this.ix.get(d.networks[0])!;
    const owner = this.projectOf(first.refs.owner);
    const translated = [...d.routes.values()].includes('nat');
    const joins = d.networks.map((n) => this.ix.get(n)?.model ?? n);
    const router = this.emit(os.networkingRouterV2, d.networks[0], {
      name: safeName(`xos-${first.attrs.name}`),
      description: `XOS router of ${joins.join(', ')}${d.routes.size ? ` (route out: ${translated ? 'NAT' : 'public addresses'})` : ''}`,
      ...(d.routes.size ? { externalNetworkId: this.externalNetwork().ref('id'), enableSnat: translated } : {}),
      ...(owner ? { tenantId: owner.ref('id') } : {}),
    }, first);
    for (const n of d.networks) {
      const net = this.networks.get(n)!;
      this.emit(os.networkingRouterInterfaceV2, n, { routerId: router.ref('id'), subnetId: net.subnet.ref('id') }, this.ix.get(n)!);
    }
  }

  private renderSecgroup(g: LayoutResource): void {
    const what = describeGroup(g);
    const sg = this.emit(os.networkingSecgroupV2, g.name, {
      name: safeName(`xos-${g.name}`),
      description: what.slice(0, 255),
      // Least privilege: nothing is open but the rules the layout gives it (no default egress).
      deleteDefaultRules: true,
    }, g);
    this.secgroups.set(g.name, sg);
  }

  private renderSecrule(r: LayoutResource): void {
    const group = this.secgroups.get(r.refs.group);
    const remote = r.refs.remote_group === undefined ? undefined : this.secgroups.get(r.refs.remote_group);
    if (!group || (r.refs.remote_group !== undefined && !remote)) throw new Error(`internal: security rule ${r.name} refers to a group that is not in stack ${this.sl.name}`);
    const protocol = r.attrs.protocol as string;
    const ranged = protocol === 'tcp' || protocol === 'udp';
    this.emit(os.networkingSecgroupRuleV2, r.name, {
      direction: r.attrs.direction as string,
      ethertype: 'IPv4',
      // No protocol: every protocol (Neutron's "any").
      ...(protocol === 'any' ? {} : { protocol }),
      ...(ranged && r.attrs.port_min !== undefined ? { portRangeMin: r.attrs.port_min as number, portRangeMax: r.attrs.port_max as number } : {}),
      ...(remote ? { remoteGroupId: remote.ref('id') } : { remoteIpPrefix: (r.attrs.remote_cidr as string | undefined) ?? '0.0.0.0/0' }),
      securityGroupId: group.ref('id'),
      description: String(r.attrs.why ?? '').slice(0, 255),
    }, r);
  }

  private renderPort(p: LayoutResource): void {
    const net = this.networks.get(p.refs.network);
    if (!net) throw new Error(`internal: port ${p.name} is on a network that is not in stack ${this.sl.name}`);
    const sliver = this.ix.get(p.refs.sliver);
    const host = ((sliver?.attrs.user_data as { hostname?: string } | undefined)?.hostname ?? sliver?.attrs.name ?? 'sliver') as string;
    const groups = (p.refLists?.security_groups ?? []).map((g) => this.secgroups.get(g)!.ref('id'));
    // A port belongs to its instance's project (the Slice's): nova attaches only ports of the instance's own project.
    const owner = this.projectOf(sliver?.refs.slice);
    const port = this.emit(os.networkingPortV2, p.name, {
      name: `${host}-${p.attrs.interface}`,
      ...(owner ? { tenantId: owner.ref('id') } : {}),
      networkId: net.network.ref('id'),
      adminStateUp: true,
      fixedIp: [{ subnetId: net.subnet.ref('id') }],
      // Every port lists its groups, so none falls back to its project's "default" group.
      ...(groups.length ? { securityGroupIds: groups } : { noSecurityGroups: true }),
    }, p);
    this.ports.set(p.name, port);
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
    const instance = this.emit(os.computeInstanceV2, v.name, {
      name: (v.attrs.user_data as { hostname: string }).hostname,
      imageId: image.ref('id'),
      flavorId: flavor.ref('id'),
      userData: sliverUserData(v, this.userData),
      metadata: { xos_sliver: v.model, xos_slice: v.attrs.slice as string },
      // A Sliver placed on a Node goes to that host (zone:host, as XOS did).
      ...(node ? { availabilityZone: `nova:${node.attrs.name}` } : {}),
      network: ports.map((p) => ({ port: p.ref('id') })),
    }, v, this.sliceScope(slice));
    this.instances.set(v.name, instance);
  }

  /** A floating IP on the port that carries a provider Sliver's public endpoint. */
  private renderAddress(a: LayoutResource): void {
    const port = this.ports.get(a.refs.port);
    if (!port) throw new Error(`internal: address ${a.name} is for a port that is not in stack ${this.sl.name}`);
    // In the port's project (the Slice's), as the port: its quota counts the Slice's public addresses,
    // its users see them, and Neutron associates a floating IP with a port of its own project.
    const owner = this.projectOf(this.ix.get(this.ix.get(a.refs.port)?.refs.sliver)?.refs.slice);
    const fip = this.emit(os.networkingFloatingipV2, a.name, {
      pool: this.externalNetwork().ref('name'),
      ...(owner ? { tenantId: owner.ref('id') } : {}),
      description: `public endpoint of XOS Service ${a.attrs.service} on ${a.attrs.sliver}`,
    }, a);
    this.emit(os.networkingFloatingipAssociateV2, a.name, { floatingIp: fip.ref('address'), portId: port.ref('id') }, a);
  }

  private renderAddition(a: LayoutResource): void {
    const instance = this.instances.get(a.refs.sliver);
    if (!instance) throw new Error(`internal: addition ${a.name} is for a sliver that is not in stack ${this.sl.name}`);
    const size = a.attrs.type === 'volume' ? volumeSizeGb(a) : undefined;
    if (size !== undefined) {
      // In the instance's project, as the instance: a volume attaches only to an instance of its own project.
      const scoped = this.sliceScope(this.ix.get(this.ix.get(a.refs.sliver)?.refs.slice));
      const vol = this.emit(os.blockstorageVolumeV3, a.name, { name: safeName(`xos-${a.model}`), size, description: `added by XOS Service ${a.attrs.provider} for tenancy ${a.attrs.tenancy}` }, a, scoped);
      this.emit(os.computeVolumeAttachV2, a.name, { instanceId: instance.ref('id'), volumeId: vol.ref('id') }, a, scoped);
      return;
    }
    // What OpenStack has no resource for (configuration a provider keeps per tenant instance)
    // stays in the plan and the state as terraform_data, tied to the instance.
    this.ctx.write(this.stack, false, 'terraform_data', a.name, { input: { xos_kind: a.kind, xos_key: a.model, ...a.attrs, instance_id: instance.ref('id') } }, a);
  }
}

/** Render one stack for the openstack target. */
export function renderOpenstack(stack: XosStack, layout: StackLayout, ctx: RenderContext): void {
  new OpenstackRenderer(stack, layout, ctx).render();
}
