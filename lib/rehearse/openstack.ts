/**
 * The OpenStack cloud the harness simulates, behind the provider schema of
 * terraform-provider-openstack/openstack: keystone scopes (each provider configuration
 * authenticates as a user in a project: its `tenant_id`/`tenant_name`, or the user's own
 * project), ids as OpenStack makes them (UUIDs), addresses inside each subnet's block, and
 * what the APIs refuse that a rehearsal should catch:
 *
 * - a token for a project is issued only to a user with a role on it (keystone), so an
 *   instance created in a Slice's project needs that role assignment made first;
 * - a project's compute quota binds the instances created in that project (nova), counted
 *   per project: instances and cores;
 * - an instance may use only ports of its own project (nova: port not usable), and a port's
 *   fixed address must be on a subnet of the port's network (neutron);
 * - a network, subnet or security group that a port still uses cannot be deleted (neutron);
 * - a subnet route needs its subnet and a valid destination block (neutron).
 *
 * Everything else is accepted as a real cloud would accept it: every image and flavor a data
 * source names exists.
 */
import { isObjectValue, newObject, Unknown, type Value, type ValueObject } from './cty';
import { error, objectsOf, setUnknown, str, num, type Diag } from './engine';
import type { Cloud, CloudView, Scope } from './cloud';
import { addressWithin, hexFrom, parseBlock, formatAddress, uuidFrom } from './ids';
import { Refusal, type ApplyContext, type Behaviour, type Context } from './provider';
import type { SchemaFile } from './schemas';

export const OPENSTACK_ADDRESS = 'registry.terraform.io/terraform-provider-openstack/openstack';

const P = 'openstack';
const FIXED_TIME = '2025-01-01T00:00:00Z';
/** The external network every simulated cloud has, and the block floating IPs come from (TEST-NET-3). */
const EXTERNAL_NETWORK = 'public';
const FLOATING_BLOCK = '203.0.113.0/24';

/** Where a configuration authenticates: user, project, region. */
function scopeOf(config: ValueObject, clouds: Cloud): Scope {
  // Each endpoint is a cloud of its own.
  const partition = str(config, 'auth_url') ?? (str(config, 'cloud') ? `clouds.yaml:${str(config, 'cloud')}` : 'default');
  const cloud = clouds.view(P, partition);
  const user = str(config, 'user_id') ?? uuidFrom('user', str(config, 'user_name') ?? str(config, 'application_credential_id') ?? str(config, 'application_credential_name') ?? str(config, 'cloud') ?? str(config, 'token') ?? 'anonymous');
  const tenantId = str(config, 'tenant_id');
  const tenantName = str(config, 'tenant_name');
  const named = tenantName ? cloud.find('openstack_identity_project_v3', { name: tenantName }) : undefined;
  const project = tenantId ?? named?.id ?? (tenantName ? uuidFrom('project', tenantName) : homeProject(user));
  return { cloud: partition, user, project, region: str(config, 'region') ?? 'RegionOne' };
}

/** The project a user's token is scoped to when the configuration names none. */
function homeProject(user: string): string {
  return uuidFrom('home-project', user);
}

function projectOfObject(state: Record<string, unknown>, scope: Scope): string | undefined {
  return (typeof state.tenant_id === 'string' && state.tenant_id) || (typeof state.project_id === 'string' && state.project_id) || scope.project;
}

/** The project a new object goes to: its `tenant_id`/`project_id` argument, else the token's. */
function targetProject(obj: ValueObject, ctx: Context): string | undefined {
  return str(obj, 'tenant_id') ?? str(obj, 'project_id') ?? ctx.provider.scope.project;
}

/**
 * Keystone issues a token for a project only to a user holding a role on it. The user's own
 * project (the configuration names none) and projects the harness never made are taken as
 * granted; a project the rehearsal itself made needs a role assignment for the user.
 */
function requireRole(ctx: Context, what: string): void {
  const { project, user } = ctx.provider.scope;
  if (!project || !user || project === homeProject(user)) return;
  const made = ctx.cloud.get('openstack_identity_project_v3', project);
  if (!made) return;
  const granted = ctx.cloud.list('openstack_identity_role_assignment_v3').some((a) => a.state.project_id === project && a.state.user_id === user);
  if (!granted)
    throw new Refusal(
      `Error creating ${what}`,
      `Authentication failed: the provider configuration is scoped to project ${made.state.name ?? project} (${project}), on which its user ${user} has no role ` +
        `(keystone: "The request you have made requires authentication" (HTTP 401)). Assign the user a role on the project before anything is created there.`,
    );
}

function instancesIn(cloud: CloudView, project: string): number {
  return cloud.list('openstack_compute_instance_v2').filter((o) => o.scope.project === project).length;
}

function vcpusOf(cloud: CloudView, flavorId: string | undefined): number | undefined {
  if (!flavorId) return undefined;
  const f = cloud.get('openstack_compute_flavor_v2', flavorId) ?? cloud.find('openstack_compute_flavor_v2', { flavor_id: flavorId });
  return typeof f?.state.vcpus === 'number' ? f.state.vcpus : undefined;
}

/** Nova's quota check at instance create: the quota of the project the instance is created in. */
function checkQuota(obj: ValueObject, ctx: ApplyContext): void {
  const project = ctx.provider.scope.project;
  if (!project) return;
  const quota = ctx.cloud.list('openstack_compute_quotaset_v2').find((q) => q.state.project_id === project);
  if (!quota) return;
  const limit = quota.state.instances;
  const used = instancesIn(ctx.cloud, project);
  if (typeof limit === 'number' && limit >= 0 && used + 1 > limit)
    throw new Refusal('Error creating OpenStack server', `Quota exceeded for instances: Requested 1, but already used ${used} of ${limit} instances (project ${project}).`);
  const cores = quota.state.cores;
  const want = vcpusOf(ctx.cloud, str(obj, 'flavor_id'));
  if (typeof cores === 'number' && cores >= 0 && want !== undefined) {
    const usedCores = ctx.cloud
      .list('openstack_compute_instance_v2')
      .filter((o) => o.scope.project === project)
      .reduce((n, o) => n + (vcpusOf(ctx.cloud, o.state.flavor_id as string) ?? 0), 0);
    if (usedCores + want > cores) throw new Refusal('Error creating OpenStack server', `Quota exceeded for cores: Requested ${want}, but already used ${usedCores} of ${cores} cores (project ${project}).`);
  }
}

function subnetOf(cloud: CloudView, id: string | undefined): Record<string, unknown> | undefined {
  return id ? cloud.get('openstack_networking_subnet_v2', id)?.state : undefined;
}

function firstHost(cidr: string): string | undefined {
  const b = parseBlock(cidr);
  return b ? formatAddress(b.base + 1) : undefined;
}

/** A port's addresses: one per fixed_ip block (on its subnet), or one on the network's first subnet. */
function portAddresses(obj: ValueObject, ctx: ApplyContext, id: string): string[] {
  const network = str(obj, 'network_id');
  const wanted = objectsOf(obj, 'fixed_ip');
  const subnets = wanted.length
    ? wanted.map((f) => ({ id: str(f, 'subnet_id'), ip: str(f, 'ip_address') }))
    : obj.no_fixed_ip === true
      ? []
      : ctx.cloud
          .list('openstack_networking_subnet_v2')
          .filter((s) => s.state.network_id === network)
          .slice(0, 1)
          .map((s) => ({ id: s.id, ip: undefined as string | undefined }));
  return subnets.map(({ id: subnetId, ip }, i) => {
    const subnet = subnetOf(ctx.cloud, subnetId);
    if (!subnet)
      throw new Refusal('Error creating OpenStack Neutron port', `Subnet ${subnetId} could not be found (fixed_ip[${i}]).`, wanted.length ? ['fixed_ip', i, 'subnet_id'] : undefined);
    if (network && subnet.network_id !== network)
      throw new Refusal(
        'Error creating OpenStack Neutron port',
        `Invalid input for operation: Failed to create port on network ${network}, because fixed_ips included invalid subnet ${subnetId} (it is on network ${subnet.network_id}).`,
        ['fixed_ip', i, 'subnet_id'],
      );
    const cidr = String(subnet.cidr);
    if (ip) {
      if (!addressWithin(ip, cidr)) throw new Refusal('Error creating OpenStack Neutron port', `IP address ${ip} is not a valid IP for the specified subnet ${subnetId} (${cidr}).`, ['fixed_ip', i, 'ip_address']);
      return ip;
    }
    const a = ctx.cloud.allocate(`subnet:${subnetId}`, cidr, `${id}#${i}`);
    if (!a) throw new Refusal('Error creating OpenStack Neutron port', `No more IP addresses available on subnet ${subnetId} (${cidr}).`);
    return a;
  });
}

function macFrom(seed: string): string {
  const h = hexFrom(6, 'mac', seed);
  return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

/** Delete refused while another object still uses this one. */
function refuseInUse(ctx: Context, what: string, id: string, users: readonly { type: string; test: (s: Record<string, unknown>) => boolean }[]): void {
  for (const u of users) {
    const user = ctx.cloud.list(u.type).find((o) => u.test(o.state));
    if (user) throw new Refusal(`Error deleting ${what}`, `Unable to complete operation on ${what} ${id}: it is still in use by ${u.type} ${user.id}.`);
  }
}

const listHas = (v: unknown, x: string) => Array.isArray(v) && v.includes(x);

function applyResource(type: string, obj: ValueObject, ctx: ApplyContext): string {
  const scope = ctx.provider.scope;
  const region = () => scope.region ?? 'RegionOne';
  setUnknown(obj, 'region', region);
  const existingId = str(obj, 'id');
  const newUuid = () => existingId ?? ctx.unique((n) => uuidFrom(ctx.seed, n));
  const tenant = () => scope.project ?? '';
  switch (type) {
    case 'openstack_identity_project_v3': {
      const id = newUuid();
      setUnknown(obj, 'domain_id', () => 'default');
      setUnknown(obj, 'parent_id', () => str(obj, 'domain_id') ?? 'default');
      return id;
    }
    case 'openstack_identity_user_v3': {
      const id = newUuid();
      setUnknown(obj, 'domain_id', () => 'default');
      setUnknown(obj, 'default_project_id', () => '');
      return id;
    }
    case 'openstack_identity_role_assignment_v3': {
      return [str(obj, 'domain_id') ?? '', str(obj, 'project_id') ?? '', str(obj, 'group_id') ?? '', str(obj, 'user_id') ?? '', str(obj, 'role_id') ?? ''].join('/');
    }
    case 'openstack_compute_keypair_v2': {
      setUnknown(obj, 'user_id', () => scope.user ?? '');
      setUnknown(obj, 'public_key', () => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${hexFrom(40, 'key', ctx.seed)}`);
      setUnknown(obj, 'fingerprint', () => hexFrom(32, 'fp', str(obj, 'public_key') ?? ctx.seed).replace(/(..)(?=.)/g, '$1:'));
      setUnknown(obj, 'private_key', () => '');
      return str(obj, 'name')!;
    }
    case 'openstack_compute_quotaset_v2': {
      const defaults: Record<string, number> = { instances: 10, cores: 20, ram: 51200, key_pairs: 100, metadata_items: 128, injected_files: 5, injected_file_content_bytes: 10240, injected_file_path_bytes: 255, server_groups: 10, server_group_members: 10, fixed_ips: -1, floating_ips: -1, security_groups: -1, security_group_rules: -1 };
      for (const [k, v] of Object.entries(defaults)) setUnknown(obj, k, () => v);
      return `${str(obj, 'project_id')}/${region()}`;
    }
    case 'openstack_images_image_v2': {
      const id = newUuid();
      setUnknown(obj, 'image_id', () => id);
      setUnknown(obj, 'checksum', () => hexFrom(32, 'md5', ctx.seed));
      setUnknown(obj, 'file', () => `/v2/images/${id}/file`);
      setUnknown(obj, 'schema', () => '/v2/schemas/image');
      setUnknown(obj, 'status', () => 'active');
      setUnknown(obj, 'owner', tenant);
      setUnknown(obj, 'size_bytes', () => 2361393152);
      for (const t of ['created_at', 'updated_at', 'update_at']) setUnknown(obj, t, () => FIXED_TIME);
      return id;
    }
    case 'openstack_compute_flavor_v2': {
      const id = existingId ?? str(obj, 'flavor_id') ?? newUuid();
      setUnknown(obj, 'flavor_id', () => id);
      return id;
    }
    case 'openstack_networking_network_v2': {
      const id = newUuid();
      setUnknown(obj, 'tenant_id', tenant);
      setUnknown(obj, 'admin_state_up', () => true);
      setUnknown(obj, 'shared', () => false);
      setUnknown(obj, 'external', () => false);
      setUnknown(obj, 'mtu', () => 1450);
      setUnknown(obj, 'port_security_enabled', () => true);
      setUnknown(obj, 'qos_policy_id', () => '');
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_subnet_v2': {
      const id = newUuid();
      const network = str(obj, 'network_id');
      if (network && !ctx.cloud.get('openstack_networking_network_v2', network))
        throw new Refusal('Error creating OpenStack Neutron subnet', `Network ${network} could not be found.`, ['network_id']);
      const cidr = str(obj, 'cidr');
      if (cidr && !parseBlock(cidr)) throw new Refusal('Error creating OpenStack Neutron subnet', `Invalid input for cidr: '${cidr}' is not a valid IP subnet.`, ['cidr']);
      setUnknown(obj, 'tenant_id', tenant);
      setUnknown(obj, 'gateway_ip', () => (obj.no_gateway === true || !cidr ? '' : firstHost(cidr) ?? ''));
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_port_v2': {
      const id = newUuid();
      const network = str(obj, 'network_id');
      if (network && !ctx.cloud.get('openstack_networking_network_v2', network))
        throw new Refusal('Error creating OpenStack Neutron port', `Network ${network} could not be found.`, ['network_id']);
      const addresses = obj.all_fixed_ips instanceof Unknown ? portAddresses(obj, ctx, id) : [];
      setUnknown(obj, 'all_fixed_ips', () => addresses);
      setUnknown(obj, 'tenant_id', tenant);
      setUnknown(obj, 'mac_address', () => macFrom(id));
      setUnknown(obj, 'admin_state_up', () => true);
      setUnknown(obj, 'device_id', () => '');
      setUnknown(obj, 'device_owner', () => '');
      setUnknown(obj, 'port_security_enabled', () => true);
      setUnknown(obj, 'qos_policy_id', () => '');
      setUnknown(obj, 'all_security_group_ids', () => (Array.isArray(obj.security_group_ids) ? obj.security_group_ids : obj.no_security_groups === true ? [] : [uuidFrom('default-secgroup', targetProject(obj, ctx) ?? '')]));
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_router_v2': {
      const id = newUuid();
      setUnknown(obj, 'tenant_id', tenant);
      setUnknown(obj, 'external_network_id', () => str(obj, 'external_gateway') ?? '');
      setUnknown(obj, 'external_gateway', () => str(obj, 'external_network_id') ?? '');
      setUnknown(obj, 'enable_snat', () => !!str(obj, 'external_network_id'));
      setUnknown(obj, 'admin_state_up', () => true);
      setUnknown(obj, 'distributed', () => false);
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_subnet_route_v2': {
      // A host route the subnet hands out by DHCP; the provider names it after the subnet, the destination and the next hop.
      const subnetId = str(obj, 'subnet_id');
      if (!subnetOf(ctx.cloud, subnetId)) throw new Refusal('Error creating OpenStack Neutron subnet route', `Subnet ${subnetId} could not be found.`, ['subnet_id']);
      if (!parseBlock(str(obj, 'destination_cidr') ?? '')) throw new Refusal('Error creating OpenStack Neutron subnet route', `Invalid input for destination: '${str(obj, 'destination_cidr')}' is not a valid IP subnet.`, ['destination_cidr']);
      return `${subnetId}-route-${str(obj, 'destination_cidr')}-${str(obj, 'next_hop')}`;
    }
    case 'openstack_networking_router_interface_v2': {
      const subnet = subnetOf(ctx.cloud, str(obj, 'subnet_id'));
      if (str(obj, 'subnet_id') && !subnet) throw new Refusal('Error creating OpenStack Neutron router interface', `Subnet ${str(obj, 'subnet_id')} could not be found.`, ['subnet_id']);
      const router = str(obj, 'router_id');
      if (router && !ctx.cloud.get('openstack_networking_router_v2', router)) throw new Refusal('Error creating OpenStack Neutron router interface', `Router ${router} could not be found.`, ['router_id']);
      const taken = ctx.cloud.list('openstack_networking_router_interface_v2').find((o) => o.state.router_id === router && o.state.subnet_id === str(obj, 'subnet_id') && o.id !== existingId);
      if (taken) throw new Refusal('Error creating OpenStack Neutron router interface', `Router ${router} already has a port on subnet ${str(obj, 'subnet_id')}.`);
      const id = str(obj, 'port_id') ?? newUuid();
      setUnknown(obj, 'port_id', () => id);
      return id;
    }
    case 'openstack_networking_secgroup_v2': {
      const id = newUuid();
      setUnknown(obj, 'tenant_id', tenant);
      setUnknown(obj, 'description', () => '');
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_secgroup_rule_v2': {
      const sg = str(obj, 'security_group_id');
      if (sg && !ctx.cloud.get('openstack_networking_secgroup_v2', sg)) throw new Refusal('Error creating OpenStack security group rule', `Security group ${sg} could not be found.`, ['security_group_id']);
      const id = newUuid();
      setUnknown(obj, 'tenant_id', tenant);
      setUnknown(obj, 'remote_ip_prefix', () => '');
      setUnknown(obj, 'remote_group_id', () => '');
      setUnknown(obj, 'protocol', () => '');
      setUnknown(obj, 'port_range_min', () => 0);
      setUnknown(obj, 'port_range_max', () => 0);
      return id;
    }
    case 'openstack_networking_floatingip_v2': {
      const id = newUuid();
      const address = str(obj, 'address') ?? ctx.cloud.allocate('floating', FLOATING_BLOCK, id, 1);
      if (!address) throw new Refusal('Error creating OpenStack floating IP', `No more IP addresses available on network ${EXTERNAL_NETWORK}.`);
      setUnknown(obj, 'address', () => address);
      setUnknown(obj, 'tenant_id', tenant);
      for (const k of ['port_id', 'fixed_ip', 'subnet_id', 'dns_name', 'dns_domain']) setUnknown(obj, k, () => '');
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_floatingip_associate_v2': {
      const fip = ctx.cloud.find('openstack_networking_floatingip_v2', { address: str(obj, 'floating_ip') ?? '' });
      if (!fip) throw new Refusal('Error associating floating IP', `Floating IP ${str(obj, 'floating_ip')} could not be found.`, ['floating_ip']);
      const port = ctx.cloud.get('openstack_networking_port_v2', str(obj, 'port_id') ?? '');
      if (!port) throw new Refusal('Error associating floating IP', `Port ${str(obj, 'port_id')} could not be found.`, ['port_id']);
      setUnknown(obj, 'fixed_ip', () => (Array.isArray(port.state.all_fixed_ips) ? String(port.state.all_fixed_ips[0] ?? '') : ''));
      return fip.id;
    }
    case 'openstack_networking_port_secgroup_associate_v2': {
      const port = ctx.cloud.get('openstack_networking_port_v2', str(obj, 'port_id') ?? '');
      if (!port) throw new Refusal('Error associating security groups', `Port ${str(obj, 'port_id')} could not be found.`, ['port_id']);
      const wanted = Array.isArray(obj.security_group_ids) ? (obj.security_group_ids as string[]) : [];
      const had = Array.isArray(port.state.all_security_group_ids) ? (port.state.all_security_group_ids as string[]) : [];
      setUnknown(obj, 'all_security_group_ids', () => (obj.enforce === true ? wanted : [...new Set([...had, ...wanted])].sort()));
      return port.id;
    }
    case 'openstack_networking_qos_policy_v2': {
      const id = newUuid();
      setUnknown(obj, 'project_id', tenant);
      setUnknown(obj, 'created_at', () => FIXED_TIME);
      setUnknown(obj, 'updated_at', () => FIXED_TIME);
      setUnknown(obj, 'revision_number', () => 1);
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      return id;
    }
    case 'openstack_networking_qos_bandwidth_limit_rule_v2': {
      const policy = str(obj, 'qos_policy_id');
      if (policy && !ctx.cloud.get('openstack_networking_qos_policy_v2', policy)) throw new Refusal('Error creating QoS bandwidth limit rule', `QoS policy ${policy} could not be found.`, ['qos_policy_id']);
      return existingId ?? `${policy}/${ctx.unique((n) => uuidFrom(ctx.seed, n))}`;
    }
    case 'openstack_compute_instance_v2': {
      if (!existingId) {
        requireRole(ctx, 'OpenStack server');
        checkQuota(obj, ctx);
      }
      const id = newUuid();
      const nets = objectsOf(obj, 'network');
      nets.forEach((n, i) => {
        const portId = str(n, 'port');
        const port = portId ? ctx.cloud.get('openstack_networking_port_v2', portId) : undefined;
        if (portId && !port) throw new Refusal('Error creating OpenStack server', `Port ${portId} could not be found.`, ['network', i, 'port']);
        if (port && !existingId) {
          const portProject = projectOfObject(port.state, port.scope);
          if (portProject && scope.project && portProject !== scope.project)
            throw new Refusal(
              'Error creating OpenStack server',
              `Port ${port.id} not usable for instance ${id}: the port belongs to project ${portProject}, the instance is created in project ${scope.project} (nova: PortNotUsable).`,
              ['network', i, 'port'],
            );
        }
        const networkId = port ? String(port.state.network_id) : str(n, 'uuid') ?? '';
        const network = ctx.cloud.get('openstack_networking_network_v2', networkId);
        const addresses = port && Array.isArray(port.state.all_fixed_ips) ? (port.state.all_fixed_ips as string[]) : [];
        setUnknown(n, 'uuid', () => networkId);
        setUnknown(n, 'name', () => (typeof network?.state.name === 'string' ? network.state.name : ''));
        setUnknown(n, 'port', () => portId ?? '');
        setUnknown(n, 'fixed_ip_v4', () => addresses[0] ?? '');
        setUnknown(n, 'fixed_ip_v6', () => '');
        setUnknown(n, 'floating_ip', () => '');
        setUnknown(n, 'mac', () => (typeof port?.state.mac_address === 'string' ? port.state.mac_address : macFrom(`${id}#${i}`)));
      });
      setUnknown(obj, 'access_ip_v4', () => (typeof nets[0]?.fixed_ip_v4 === 'string' ? nets[0].fixed_ip_v4 : ''));
      setUnknown(obj, 'access_ip_v6', () => '');
      setUnknown(obj, 'availability_zone', () => 'nova');
      setUnknown(obj, 'all_metadata', () => (isObjectValue(obj.metadata ?? null) ? obj.metadata : newObject()));
      setUnknown(obj, 'all_tags', () => obj.tags ?? []);
      setUnknown(obj, 'created', () => FIXED_TIME);
      setUnknown(obj, 'updated', () => FIXED_TIME);
      setUnknown(obj, 'power_state', () => 'active');
      setUnknown(obj, 'security_groups', () => []);
      const flavor = ctx.cloud.get('openstack_compute_flavor_v2', str(obj, 'flavor_id') ?? '');
      setUnknown(obj, 'flavor_name', () => (typeof flavor?.state.name === 'string' ? flavor.state.name : ''));
      const image = ctx.cloud.get('openstack_images_image_v2', str(obj, 'image_id') ?? '');
      setUnknown(obj, 'image_name', () => (typeof image?.state.name === 'string' ? image.state.name : ''));
      return id;
    }
    case 'openstack_blockstorage_volume_v3': {
      if (!existingId) requireRole(ctx, 'OpenStack block storage volume');
      const id = newUuid();
      setUnknown(obj, 'availability_zone', () => 'nova');
      setUnknown(obj, 'volume_type', () => '__DEFAULT__');
      setUnknown(obj, 'metadata', () => newObject());
      return id;
    }
    case 'openstack_compute_volume_attach_v2': {
      const instance = ctx.cloud.get('openstack_compute_instance_v2', str(obj, 'instance_id') ?? '');
      const volume = ctx.cloud.get('openstack_blockstorage_volume_v3', str(obj, 'volume_id') ?? '');
      if (!instance) throw new Refusal('Error attaching volume', `Instance ${str(obj, 'instance_id')} could not be found.`, ['instance_id']);
      if (!volume) throw new Refusal('Error attaching volume', `Volume ${str(obj, 'volume_id')} could not be found.`, ['volume_id']);
      if (instance.scope.project !== volume.scope.project)
        throw new Refusal('Error attaching volume', `Volume ${volume.id} (project ${volume.scope.project}) cannot be attached to instance ${instance.id} of another project (${instance.scope.project}).`);
      const used = ctx.cloud.list('openstack_compute_volume_attach_v2').filter((a) => a.state.instance_id === instance.id && a.id !== existingId).length;
      setUnknown(obj, 'device', () => `/dev/vd${String.fromCharCode('b'.charCodeAt(0) + used)}`);
      return `${instance.id}/${volume.id}`;
    }
    case 'openstack_objectstorage_container_v1':
      // Swift: a container is its name, in the account of the project the token is scoped to.
      return str(obj, 'name')!;
    case 'openstack_objectstorage_object_v1': {
      const container = str(obj, 'container_name') ?? '';
      if (!containerIn(ctx, container))
        throw new Refusal(
          'Error creating OpenStack container object',
          `Container ${container} not found in the object store of project ${scope.project ?? '(none)'}, region ${region()} (Swift: 404 Not Found): ` +
            `an object is written into a container of the project its provider configuration is scoped to.`,
          ['container_name'],
        );
      setUnknown(obj, 'content_length', () => Buffer.byteLength(str(obj, 'content') ?? ''));
      setUnknown(obj, 'etag', () => hexFrom(32, 'etag', ctx.seed));
      return `${container}/${str(obj, 'name')}`;
    }
    case 'openstack_identity_application_credential_v3': {
      // Keystone: a token from a restricted application credential may not create another (HTTP 403).
      if (!existingId && (str(ctx.provider.config, 'application_credential_id') ?? str(ctx.provider.config, 'application_credential_name')))
        throw new Refusal(
          'Error creating OpenStack application credential',
          'Using method \'application_credential\' with a restricted application credential is not allowed to create another application credential (keystone: HTTP 403). Authenticate as a user.',
        );
      setUnknown(obj, 'project_id', tenant);
      setUnknown(obj, 'secret', () => hexFrom(64, 'secret', ctx.seed));
      return newUuid();
    }
    default:
      return newUuid();
  }
}

/** Whether a Swift container of that name is in the account of the configuration's project and region. */
function containerIn(ctx: Context, name: string): boolean {
  const { project, region } = ctx.provider.scope;
  return ctx.cloud
    .list('openstack_objectstorage_container_v1')
    .some((c) => c.state.name === name && c.scope.project === project && (c.state.region ?? 'RegionOne') === (region ?? 'RegionOne'));
}

function destroyResource(type: string, obj: ValueObject, ctx: Context): void {
  const id = str(obj, 'id') ?? '';
  switch (type) {
    case 'openstack_networking_network_v2':
      refuseInUse(ctx, 'network', id, [
        { type: 'openstack_networking_port_v2', test: (s) => s.network_id === id },
        { type: 'openstack_networking_subnet_v2', test: (s) => s.network_id === id },
      ]);
      break;
    case 'openstack_networking_subnet_v2':
      refuseInUse(ctx, 'subnet', id, [
        { type: 'openstack_networking_router_interface_v2', test: (s) => s.subnet_id === id },
        { type: 'openstack_networking_port_v2', test: (s) => Array.isArray(s.fixed_ip) && s.fixed_ip.some((f) => (f as { subnet_id?: string }).subnet_id === id) },
      ]);
      break;
    case 'openstack_networking_secgroup_v2':
      refuseInUse(ctx, 'security group', id, [
        { type: 'openstack_networking_port_v2', test: (s) => listHas(s.security_group_ids, id) },
        { type: 'openstack_networking_port_secgroup_associate_v2', test: (s) => listHas(s.security_group_ids, id) },
      ]);
      break;
    case 'openstack_networking_port_v2':
      refuseInUse(ctx, 'port', id, [{ type: 'openstack_compute_instance_v2', test: (s) => Array.isArray(s.network) && s.network.some((n) => (n as { port?: string }).port === id) }]);
      for (const f of Array.isArray(obj.fixed_ip) ? obj.fixed_ip : []) if (isObjectValue(f) && typeof f.subnet_id === 'string') ctx.cloud.release(`subnet:${f.subnet_id}`, `${id}#0`);
      break;
    case 'openstack_objectstorage_container_v1':
      // Swift refuses to delete a container that holds objects (409 Conflict) unless asked to empty it.
      if (obj.force_destroy !== true)
        refuseInUse(ctx, 'container', id, [{ type: 'openstack_objectstorage_object_v1', test: (s) => s.container_name === id }]);
      break;
    case 'openstack_identity_project_v3':
      refuseInUse(ctx, 'project', id, [{ type: 'openstack_identity_project_v3', test: (s) => s.parent_id === id }]);
      break;
    case 'openstack_networking_floatingip_v2':
      ctx.cloud.release('floating', id);
      break;
  }
}

function readData(type: string, obj: ValueObject, ctx: Context): void {
  const scope = ctx.provider.scope;
  setUnknown(obj, 'region', () => scope.region ?? 'RegionOne');
  switch (type) {
    case 'openstack_images_image_v2': {
      const name = str(obj, 'name') ?? str(obj, 'name_regex') ?? 'image';
      const made = ctx.cloud.find('openstack_images_image_v2', { name });
      const id = made?.id ?? uuidFrom('image', name);
      obj.id = id;
      setUnknown(obj, 'checksum', () => hexFrom(32, 'md5', id));
      setUnknown(obj, 'container_format', () => 'bare');
      setUnknown(obj, 'disk_format', () => 'qcow2');
      setUnknown(obj, 'file', () => `/v2/images/${id}/file`);
      setUnknown(obj, 'schema', () => '/v2/schemas/image');
      setUnknown(obj, 'created_at', () => FIXED_TIME);
      setUnknown(obj, 'updated_at', () => FIXED_TIME);
      setUnknown(obj, 'size_bytes', () => 2361393152);
      setUnknown(obj, 'tags', () => []);
      if (obj.name === null) obj.name = name;
      return;
    }
    case 'openstack_compute_flavor_v2': {
      const name = str(obj, 'name') ?? str(obj, 'flavor_id') ?? 'flavor';
      const made = ctx.cloud.find('openstack_compute_flavor_v2', { name });
      obj.id = made?.id ?? str(obj, 'flavor_id') ?? uuidFrom('flavor', name);
      if (made) for (const k of ['vcpus', 'ram', 'disk']) if (obj[k] === null && typeof made.state[k] === 'number') obj[k] = made.state[k] as number;
      if (obj.name === null) obj.name = name;
      return;
    }
    case 'openstack_networking_network_v2': {
      const external = obj.external === true;
      const name = str(obj, 'name') ?? (external ? EXTERNAL_NETWORK : undefined);
      const made = name && !external ? ctx.cloud.find('openstack_networking_network_v2', { name }) : undefined;
      obj.id = made?.id ?? str(obj, 'network_id') ?? uuidFrom('network', name ?? 'external');
      // The provider sets what the API returns, arguments left unset included.
      if (obj.name === null && name) obj.name = name;
      setUnknown(obj, 'admin_state_up', () => 'true');
      setUnknown(obj, 'shared', () => (external ? 'true' : 'false'));
      setUnknown(obj, 'subnets', () => (external ? [uuidFrom('subnet', 'external')] : []));
      return;
    }
    case 'openstack_identity_auth_scope_v3': {
      obj.id = str(obj, 'name') ?? 'scope';
      setUnknown(obj, 'user_id', () => scope.user ?? '');
      setUnknown(obj, 'user_name', () => str(ctx.provider.config, 'user_name') ?? '');
      setUnknown(obj, 'user_domain_id', () => 'default');
      setUnknown(obj, 'user_domain_name', () => 'Default');
      setUnknown(obj, 'domain_id', () => '');
      setUnknown(obj, 'domain_name', () => '');
      const project = scope.project ?? '';
      const made = ctx.cloud.get('openstack_identity_project_v3', project);
      setUnknown(obj, 'project_id', () => project);
      setUnknown(obj, 'project_name', () => (typeof made?.state.name === 'string' ? made.state.name : str(ctx.provider.config, 'tenant_name') ?? 'admin'));
      setUnknown(obj, 'project_domain_id', () => 'default');
      setUnknown(obj, 'project_domain_name', () => 'Default');
      setUnknown(obj, 'roles', () => [{ role_id: uuidFrom('role', 'admin'), role_name: 'admin' }] as Value);
      setUnknown(obj, 'service_catalog', () => []);
      setUnknown(obj, 'token_id', () => '');
      return;
    }
    case 'openstack_identity_role_v3': {
      obj.id = uuidFrom('role', str(obj, 'name') ?? '');
      setUnknown(obj, 'domain_id', () => '');
      return;
    }
  }
}

/**
 * Values the provider rejects before calling the API through validators of its own (the
 * `StringInSlice` ones come with the schema: `enums`): resourceNetworkingSecGroupRuleV2Direction
 * and ...EtherType, validation.IntInSlice for a subnet's ip_version, the QoS rule's direction.
 */
const ENUMS: Readonly<Record<string, Readonly<Record<string, readonly (string | number)[]>>>> = {
  openstack_networking_secgroup_rule_v2: { direction: ['ingress', 'egress'], ethertype: ['IPv4', 'IPv6'] },
  openstack_networking_subnet_v2: { ip_version: [4, 6] },
  openstack_networking_qos_bandwidth_limit_rule_v2: { direction: ['ingress', 'egress'] },
};

function validate(type: string, data: boolean, config: ValueObject): Diag[] {
  if (data) return [];
  const out: Diag[] = [];
  for (const [attr, allowed] of Object.entries(ENUMS[type] ?? {})) {
    const v = config[attr];
    if (v === null || v === undefined || v instanceof Unknown) continue;
    if (!allowed.includes(v as string | number)) out.push(error('Invalid value', `expected ${attr} to be one of [${allowed.join(' ')}], got ${String(v)}`, [attr]));
  }
  if (type === 'openstack_networking_subnet_v2' && typeof config.cidr === 'string' && !parseBlock(config.cidr))
    out.push(error('Invalid value', `"cidr" is not a valid IPv4 CIDR: ${config.cidr}`, ['cidr']));
  const lo = num(config, 'port_range_min');
  const hi = num(config, 'port_range_max');
  if (lo !== undefined && hi !== undefined && lo > hi) out.push(error('Invalid value', `port_range_min (${lo}) is greater than port_range_max (${hi})`, ['port_range_min']));
  return out;
}

/** The OpenStack behaviour over a given provider schema (1.53 or 3.x). */
export function openstackBehaviour(schema: SchemaFile): Behaviour {
  return {
    name: P,
    schema,
    scope: scopeOf,
    validate,
    apply: applyResource,
    destroy: destroyResource,
    read: readData,
  };
}
