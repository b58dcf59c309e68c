/**
 * The AWS cloud the harness simulates, behind the schema of the types the aws target writes
 * (hashicorp/aws, derived from @cdktf/provider-aws: schemas/aws.json): ids shaped as EC2,
 * S3 and IAM shape them, private addresses inside each subnet's block, public addresses
 * from a documentation block, policy documents rendered from their statements, and what
 * the APIs refuse that a rehearsal should catch:
 *
 * - a subnet's block must lie inside one of its VPC's blocks (the primary one, or one
 *   associated before the subnet is created), and a VPC's blocks may not overlap;
 * - an address, attachment or association must name objects that exist;
 * - a security group still used by a network interface cannot be deleted.
 *
 * Every AMI a data source looks up exists; the account is 123456789012.
 */
import { isObjectValue, newObject, Unknown, type Value, type ValueObject } from './cty';
import { objectsOf, setUnknown, str, num } from './engine';
import type { Cloud, CloudView, Scope } from './cloud';
import { addressWithin, blockWithin, blocksOverlap, charsFrom, hexFrom, parseBlock, UPPER_ALNUM } from './ids';
import { Refusal, type ApplyContext, type Behaviour, type Context } from './provider';
import type { SchemaFile } from './schemas';

export const AWS_ADDRESS = 'registry.terraform.io/hashicorp/aws';

const P = 'aws';
const ACCOUNT = '123456789012';
const FIXED_TIME = '2025-01-01T00:00:00Z';
/** Elastic IPs come from a documentation block (TEST-NET-2). */
const PUBLIC_BLOCK = '198.51.100.0/24';

function scopeOf(config: ValueObject): Scope {
  // One account per set of credentials; regions inside it.
  return { cloud: `account:${str(config, 'access_key') ?? str(config, 'profile') ?? 'default'}`, region: str(config, 'region') ?? 'us-east-1' };
}

/** `vpc-` and 17 hex digits, unique for the type. */
function ec2Id(prefix: string, ctx: ApplyContext): string {
  return ctx.unique((n) => `${prefix}-${hexFrom(17, ctx.seed, n)}`);
}

function arn(ctx: Context, service: string, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? '' : ctx.provider.scope.region ?? 'us-east-1'}:${ACCOUNT}:${resource}`;
}

function tags(obj: ValueObject): Value {
  return isObjectValue(obj.tags ?? null) ? obj.tags : newObject();
}

function get(cloud: CloudView, type: string, id: string | undefined): Record<string, unknown> | undefined {
  return id ? cloud.get(type, id)?.state : undefined;
}

/** The blocks of a VPC: its own and those associated with it. */
function vpcBlocks(cloud: CloudView, vpcId: string): string[] {
  const vpc = get(cloud, 'aws_vpc', vpcId);
  const out = typeof vpc?.cidr_block === 'string' ? [vpc.cidr_block] : [];
  for (const a of cloud.list('aws_vpc_ipv4_cidr_block_association')) if (a.state.vpc_id === vpcId && typeof a.state.cidr_block === 'string') out.push(a.state.cidr_block);
  return out;
}

function zoneIdOf(region: string, zone: string): string {
  const r = region.split('-');
  return `${r[0]}${r[1]?.[0] ?? ''}${r[2] ?? '1'}-az${zone.charCodeAt(zone.length - 1) - 96}`;
}

/** The JSON an aws_iam_policy_document renders from its statements (the provider's own shape: single values unwrapped). */
function policyJson(obj: ValueObject): { json: string; minified: string } {
  const one = (v: unknown): unknown => (Array.isArray(v) ? (v.length === 1 ? v[0] : [...v].sort()) : v);
  const statements = objectsOf(obj, 'statement').map((s) => {
    const out: Record<string, unknown> = {};
    if (str(s, 'sid')) out.Sid = str(s, 'sid');
    out.Effect = str(s, 'effect') ?? 'Allow';
    if (Array.isArray(s.actions) && s.actions.length) out.Action = one(s.actions);
    if (Array.isArray(s.not_actions) && s.not_actions.length) out.NotAction = one(s.not_actions);
    if (Array.isArray(s.resources) && s.resources.length) out.Resource = one(s.resources);
    if (Array.isArray(s.not_resources) && s.not_resources.length) out.NotResource = one(s.not_resources);
    for (const p of objectsOf(s, 'principals')) out.Principal = { [str(p, 'type') ?? 'AWS']: one(p.identifiers) };
    const conds = objectsOf(s, 'condition');
    if (conds.length) {
      const c: Record<string, Record<string, unknown>> = {};
      for (const x of conds) (c[str(x, 'test') ?? ''] ??= {})[str(x, 'variable') ?? ''] = one(x.values);
      out.Condition = c;
    }
    return out;
  });
  const doc = { Version: str(obj, 'version') ?? '2012-10-17', ...(str(obj, 'policy_id') ? { Id: str(obj, 'policy_id') } : {}), Statement: statements };
  return { json: JSON.stringify(doc, null, 2), minified: JSON.stringify(doc) };
}

function applyResource(type: string, obj: ValueObject, ctx: ApplyContext): string {
  const region = ctx.provider.scope.region ?? 'us-east-1';
  setUnknown(obj, 'region', () => region);
  setUnknown(obj, 'tags_all', () => tags(obj));
  setUnknown(obj, 'owner_id', () => ACCOUNT);
  const existing = str(obj, 'id');
  const id = (prefix: string) => existing ?? ec2Id(prefix, ctx);
  switch (type) {
    case 'aws_vpc': {
      const vid = id('vpc');
      const cidr = str(obj, 'cidr_block');
      if (cidr && !parseBlock(cidr)) throw new Refusal('creating EC2 VPC', `InvalidParameterValue: Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`, ['cidr_block']);
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `vpc/${vid}`));
      for (const [k, p] of [['default_security_group_id', 'sg'], ['default_network_acl_id', 'acl'], ['default_route_table_id', 'rtb'], ['main_route_table_id', 'rtb'], ['dhcp_options_id', 'dopt']] as const)
        setUnknown(obj, k, () => `${p}-${hexFrom(17, vid, k)}`);
      setUnknown(obj, 'enable_dns_hostnames', () => false);
      setUnknown(obj, 'instance_tenancy', () => 'default');
      return vid;
    }
    case 'aws_vpc_ipv4_cidr_block_association': {
      const vpc = str(obj, 'vpc_id');
      if (!get(ctx.cloud, 'aws_vpc', vpc)) throw new Refusal('creating EC2 VPC IPv4 CIDR Block Association', `InvalidVpcID.NotFound: The vpc ID '${vpc}' does not exist.`, ['vpc_id']);
      const block = parseBlock(str(obj, 'cidr_block') ?? '');
      if (block)
        for (const b of vpcBlocks(ctx.cloud, vpc!)) {
          const other = parseBlock(b);
          if (other && blocksOverlap(block, other)) throw new Refusal('creating EC2 VPC IPv4 CIDR Block Association', `InvalidVpc.Range: The CIDR '${str(obj, 'cidr_block')}' conflicts with another subnet (${b}).`, ['cidr_block']);
        }
      return existing ?? ctx.unique((n) => `vpc-cidr-assoc-${hexFrom(17, ctx.seed, n)}`);
    }
    case 'aws_subnet': {
      const vpc = str(obj, 'vpc_id');
      if (!get(ctx.cloud, 'aws_vpc', vpc)) throw new Refusal('creating EC2 Subnet', `InvalidVpcID.NotFound: The vpc ID '${vpc}' does not exist.`, ['vpc_id']);
      const cidr = str(obj, 'cidr_block');
      const block = cidr ? parseBlock(cidr) : undefined;
      if (cidr && !existing) {
        const blocks = vpcBlocks(ctx.cloud, vpc!);
        if (!block || !blocks.some((b) => { const o = parseBlock(b); return !!o && blockWithin(block, o); }))
          throw new Refusal('creating EC2 Subnet', `InvalidSubnet.Range: The CIDR '${cidr}' is invalid: it is not inside a block of VPC ${vpc} (${blocks.join(', ') || 'none'}).`, ['cidr_block']);
        const clash = ctx.cloud.list('aws_subnet').find((s) => s.state.vpc_id === vpc && typeof s.state.cidr_block === 'string' && blocksOverlap(block, parseBlock(s.state.cidr_block)!));
        if (clash) throw new Refusal('creating EC2 Subnet', `InvalidSubnet.Conflict: The CIDR '${cidr}' conflicts with another subnet (${clash.id}).`, ['cidr_block']);
      }
      const sid = id('subnet');
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `subnet/${sid}`));
      setUnknown(obj, 'availability_zone', () => `${region}a`);
      setUnknown(obj, 'availability_zone_id', () => zoneIdOf(region, str(obj, 'availability_zone') ?? `${region}a`));
      return sid;
    }
    case 'aws_internet_gateway': {
      const gid = id('igw');
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `internet-gateway/${gid}`));
      return gid;
    }
    case 'aws_route_table': {
      const rid = id('rtb');
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `route-table/${rid}`));
      return rid;
    }
    case 'aws_route_table_association': {
      if (str(obj, 'subnet_id') && !get(ctx.cloud, 'aws_subnet', str(obj, 'subnet_id'))) throw new Refusal('creating Route Table Association', `InvalidSubnetID.NotFound: The subnet ID '${str(obj, 'subnet_id')}' does not exist.`, ['subnet_id']);
      if (!get(ctx.cloud, 'aws_route_table', str(obj, 'route_table_id'))) throw new Refusal('creating Route Table Association', `InvalidRouteTableID.NotFound: The routeTable ID '${str(obj, 'route_table_id')}' does not exist.`, ['route_table_id']);
      return existing ?? ctx.unique((n) => `rtbassoc-${hexFrom(17, ctx.seed, n)}`);
    }
    case 'aws_security_group': {
      const gid = id('sg');
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `security-group/${gid}`));
      setUnknown(obj, 'name', () => `terraform-${hexFrom(26, ctx.seed)}`);
      setUnknown(obj, 'name_prefix', () => '');
      // AWS adds an allow-all egress rule to a new group; the provider removes it when the configuration gives none.
      setUnknown(obj, 'egress', () => []);
      setUnknown(obj, 'ingress', () => []);
      return gid;
    }
    case 'aws_vpc_security_group_ingress_rule':
    case 'aws_vpc_security_group_egress_rule': {
      const what = `creating VPC Security Group ${type.endsWith('ingress_rule') ? 'Ingress' : 'Egress'} Rule`;
      if (!get(ctx.cloud, 'aws_security_group', str(obj, 'security_group_id')))
        throw new Refusal(what, `InvalidGroup.NotFound: The security group '${str(obj, 'security_group_id')}' does not exist.`, ['security_group_id']);
      const ref = str(obj, 'referenced_security_group_id');
      if (ref && !get(ctx.cloud, 'aws_security_group', ref)) throw new Refusal(what, `InvalidGroup.NotFound: The security group '${ref}' does not exist.`, ['referenced_security_group_id']);
      const rid = id('sgr');
      setUnknown(obj, 'security_group_rule_id', () => rid);
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `security-group-rule/${rid}`));
      return rid;
    }
    case 'aws_nat_gateway': {
      // A public NAT gateway sits in a subnet with an Elastic IP of the account; its interface takes an address of the subnet.
      const subnet = get(ctx.cloud, 'aws_subnet', str(obj, 'subnet_id'));
      if (!subnet) throw new Refusal('creating EC2 NAT Gateway', `InvalidSubnetID.NotFound: The subnet ID '${str(obj, 'subnet_id')}' does not exist.`, ['subnet_id']);
      const eip = ctx.cloud.list('aws_eip').find((e) => e.state.allocation_id === str(obj, 'allocation_id'));
      if ((str(obj, 'connectivity_type') ?? 'public') === 'public' && !eip)
        throw new Refusal('creating EC2 NAT Gateway', `InvalidAllocationID.NotFound: The allocation ID '${str(obj, 'allocation_id')}' does not exist.`, ['allocation_id']);
      const nid = id('nat');
      const ip = str(obj, 'private_ip') ?? ctx.cloud.allocate(`subnet:${str(obj, 'subnet_id')}`, String(subnet.cidr_block), nid, 4);
      if (!ip) throw new Refusal('creating EC2 NAT Gateway', `InsufficientFreeAddressesInSubnet: subnet ${str(obj, 'subnet_id')} has no free address.`);
      setUnknown(obj, 'private_ip', () => ip);
      setUnknown(obj, 'public_ip', () => (typeof eip?.state.public_ip === 'string' ? eip.state.public_ip : ''));
      setUnknown(obj, 'network_interface_id', () => `eni-${hexFrom(17, nid, 'eni')}`);
      setUnknown(obj, 'association_id', () => (eip ? `eipassoc-${hexFrom(17, nid)}` : ''));
      return nid;
    }
    case 'aws_network_interface': {
      const subnet = get(ctx.cloud, 'aws_subnet', str(obj, 'subnet_id'));
      if (!subnet) throw new Refusal('creating EC2 Network Interface', `InvalidSubnetID.NotFound: The subnet ID '${str(obj, 'subnet_id')}' does not exist.`, ['subnet_id']);
      const eid = id('eni');
      // The first four addresses of a subnet and its last are AWS's.
      const ip = str(obj, 'private_ip') ?? ctx.cloud.allocate(`subnet:${str(obj, 'subnet_id')}`, String(subnet.cidr_block), eid, 4);
      if (!ip) throw new Refusal('creating EC2 Network Interface', `InsufficientFreeAddressesInSubnet: subnet ${str(obj, 'subnet_id')} has no free address.`);
      if (!addressWithin(ip, String(subnet.cidr_block))) throw new Refusal('creating EC2 Network Interface', `InvalidParameterValue: Address ${ip} does not fall within the subnet's address range.`, ['private_ip']);
      setUnknown(obj, 'private_ip', () => ip);
      setUnknown(obj, 'private_ips', () => [ip]);
      setUnknown(obj, 'private_ip_list', () => [ip]);
      setUnknown(obj, 'private_ips_count', () => 0);
      setUnknown(obj, 'private_dns_name', () => `ip-${ip.replace(/\./g, '-')}.${region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`}`);
      setUnknown(obj, 'mac_address', () => hexFrom(12, 'mac', eid).replace(/(..)(?=.)/g, '$1:'));
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `network-interface/${eid}`));
      setUnknown(obj, 'interface_type', () => 'interface');
      setUnknown(obj, 'security_groups', () => [String(get(ctx.cloud, 'aws_vpc', String(subnet.vpc_id))?.default_security_group_id ?? '')]);
      setUnknown(obj, 'source_dest_check', () => true);
      return eid;
    }
    case 'aws_network_interface_sg_attachment': {
      const eni = get(ctx.cloud, 'aws_network_interface', str(obj, 'network_interface_id'));
      if (!eni) throw new Refusal('creating Network Interface SG Attachment', `InvalidNetworkInterfaceID.NotFound: '${str(obj, 'network_interface_id')}' does not exist.`, ['network_interface_id']);
      if (!get(ctx.cloud, 'aws_security_group', str(obj, 'security_group_id')))
        throw new Refusal('creating Network Interface SG Attachment', `InvalidGroup.NotFound: The security group '${str(obj, 'security_group_id')}' does not exist.`, ['security_group_id']);
      return `${str(obj, 'security_group_id')}_${str(obj, 'network_interface_id')}`;
    }
    case 'aws_network_interface_attachment': {
      const inst = get(ctx.cloud, 'aws_instance', str(obj, 'instance_id'));
      const eni = get(ctx.cloud, 'aws_network_interface', str(obj, 'network_interface_id'));
      if (!inst) throw new Refusal('attaching EC2 Network Interface', `InvalidInstanceID.NotFound: The instance ID '${str(obj, 'instance_id')}' does not exist.`, ['instance_id']);
      if (!eni) throw new Refusal('attaching EC2 Network Interface', `InvalidNetworkInterfaceID.NotFound: '${str(obj, 'network_interface_id')}' does not exist.`, ['network_interface_id']);
      const aid = existing ?? ctx.unique((n) => `eni-attach-${hexFrom(17, ctx.seed, n)}`);
      setUnknown(obj, 'attachment_id', () => aid);
      setUnknown(obj, 'status', () => 'attached');
      return aid;
    }
    case 'aws_instance': {
      const iid = id('i');
      const primary = objectsOf(obj, 'primary_network_interface')[0];
      const eniId = primary ? str(primary, 'network_interface_id') : undefined;
      const eni = get(ctx.cloud, 'aws_network_interface', eniId);
      if (eniId && !eni) throw new Refusal('creating EC2 Instance', `InvalidNetworkInterfaceID.NotFound: '${eniId}' does not exist.`, ['primary_network_interface', 0, 'network_interface_id']);
      const subnet = get(ctx.cloud, 'aws_subnet', (eni?.subnet_id as string | undefined) ?? str(obj, 'subnet_id'));
      if (primary) setUnknown(primary, 'delete_on_termination', () => false);
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `instance/${iid}`));
      setUnknown(obj, 'instance_state', () => 'running');
      setUnknown(obj, 'primary_network_interface_id', () => eniId ?? `eni-${hexFrom(17, iid, 'eni')}`);
      setUnknown(obj, 'private_ip', () => (typeof eni?.private_ip === 'string' ? eni.private_ip : ''));
      setUnknown(obj, 'private_dns', () => (typeof eni?.private_dns_name === 'string' ? eni.private_dns_name : ''));
      setUnknown(obj, 'subnet_id', () => (typeof subnet?.id === 'string' ? subnet.id : ''));
      setUnknown(obj, 'availability_zone', () => (typeof subnet?.availability_zone === 'string' ? subnet.availability_zone : `${region}a`));
      setUnknown(obj, 'vpc_security_group_ids', () => (Array.isArray(eni?.security_groups) ? (eni!.security_groups as string[]) : []));
      setUnknown(obj, 'security_groups', () => []);
      setUnknown(obj, 'tenancy', () => 'default');
      setUnknown(obj, 'source_dest_check', () => true);
      setUnknown(obj, 'monitoring', () => false);
      setUnknown(obj, 'ebs_optimized', () => false);
      setUnknown(obj, 'instance_initiated_shutdown_behavior', () => 'stop');
      setUnknown(obj, 'placement_partition_number', () => 0);
      setUnknown(obj, 'cpu_core_count', () => 1);
      setUnknown(obj, 'cpu_threads_per_core', () => 2);
      for (const d of objectsOf(obj, 'root_block_device')) {
        setUnknown(d, 'volume_id', () => `vol-${hexFrom(17, iid, 'root')}`);
        setUnknown(d, 'device_name', () => '/dev/sda1');
        setUnknown(d, 'volume_type', () => 'gp3');
        setUnknown(d, 'iops', () => 3000);
        setUnknown(d, 'throughput', () => 125);
        setUnknown(d, 'delete_on_termination', () => true);
        setUnknown(d, 'encrypted', () => false);
        setUnknown(d, 'volume_size', () => 8);
      }
      return iid;
    }
    case 'aws_eip': {
      const eni = get(ctx.cloud, 'aws_network_interface', str(obj, 'network_interface'));
      if (str(obj, 'network_interface') && !eni) throw new Refusal('associating EC2 EIP', `InvalidNetworkInterfaceID.NotFound: '${str(obj, 'network_interface')}' does not exist.`, ['network_interface']);
      const aid = existing ?? ctx.unique((n) => `eipalloc-${hexFrom(17, ctx.seed, n)}`);
      const ip = ctx.cloud.allocate('eip', PUBLIC_BLOCK, aid, 1);
      if (!ip) throw new Refusal('allocating EC2 EIP', 'AddressLimitExceeded: The maximum number of addresses has been reached.');
      setUnknown(obj, 'allocation_id', () => aid);
      setUnknown(obj, 'public_ip', () => ip);
      setUnknown(obj, 'public_dns', () => `ec2-${ip.replace(/\./g, '-')}.compute-1.amazonaws.com`);
      setUnknown(obj, 'private_ip', () => (typeof eni?.private_ip === 'string' ? eni.private_ip : ''));
      setUnknown(obj, 'association_id', () => (eni ? `eipassoc-${hexFrom(17, aid)}` : ''));
      setUnknown(obj, 'domain', () => 'vpc');
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `elastic-ip/${aid}`));
      setUnknown(obj, 'public_ipv4_pool', () => 'amazon');
      setUnknown(obj, 'network_border_group', () => region);
      setUnknown(obj, 'instance', () => '');
      setUnknown(obj, 'network_interface', () => '');
      return aid;
    }
    case 'aws_key_pair': {
      const name = str(obj, 'key_name') ?? `terraform-${hexFrom(26, ctx.seed)}`;
      setUnknown(obj, 'key_name', () => name);
      setUnknown(obj, 'key_name_prefix', () => '');
      setUnknown(obj, 'key_pair_id', () => `key-${hexFrom(17, ctx.seed)}`);
      setUnknown(obj, 'fingerprint', () => hexFrom(32, 'fp', str(obj, 'public_key') ?? ctx.seed).replace(/(..)(?=.)/g, '$1:'));
      setUnknown(obj, 'key_type', () => (str(obj, 'public_key')?.startsWith('ssh-ed25519') ? 'ed25519' : 'rsa'));
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `key-pair/${name}`));
      return name;
    }
    case 'aws_ebs_volume': {
      const vid = id('vol');
      setUnknown(obj, 'arn', () => arn(ctx, 'ec2', `volume/${vid}`));
      setUnknown(obj, 'type', () => 'gp3');
      setUnknown(obj, 'iops', () => 3000);
      setUnknown(obj, 'throughput', () => 125);
      setUnknown(obj, 'encrypted', () => false);
      return vid;
    }
    case 'aws_volume_attachment': {
      if (!get(ctx.cloud, 'aws_instance', str(obj, 'instance_id'))) throw new Refusal('attaching EBS Volume', `InvalidInstanceID.NotFound: The instance ID '${str(obj, 'instance_id')}' does not exist.`, ['instance_id']);
      const vol = get(ctx.cloud, 'aws_ebs_volume', str(obj, 'volume_id'));
      if (!vol) throw new Refusal('attaching EBS Volume', `InvalidVolume.NotFound: The volume '${str(obj, 'volume_id')}' does not exist.`, ['volume_id']);
      const inst = get(ctx.cloud, 'aws_instance', str(obj, 'instance_id'));
      if (inst && vol.availability_zone !== inst.availability_zone)
        throw new Refusal('attaching EBS Volume', `InvalidVolume.ZoneMismatch: The volume '${str(obj, 'volume_id')}' is not in the same availability zone as instance '${str(obj, 'instance_id')}' (${vol.availability_zone} vs ${inst.availability_zone}).`);
      return `vai-${digestNumber(`${str(obj, 'device_name')}${str(obj, 'instance_id')}${str(obj, 'volume_id')}`)}`;
    }
    case 'aws_s3_bucket': {
      const name = existing ?? str(obj, 'bucket') ?? ctx.unique((n) => `${str(obj, 'bucket_prefix') ?? 'terraform-'}${String(20250101000000 + n).padEnd(26, '0').slice(0, 26)}`);
      if (name.length > 63 || !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
        throw new Refusal('creating S3 Bucket', `InvalidBucketName: The specified bucket (${name}) is not valid: 3 to 63 lowercase letters, digits, dots and hyphens.`, ['bucket']);
      setUnknown(obj, 'bucket', () => name);
      setUnknown(obj, 'bucket_prefix', () => '');
      setUnknown(obj, 'arn', () => `arn:aws:s3:::${name}`);
      setUnknown(obj, 'bucket_domain_name', () => `${name}.s3.amazonaws.com`);
      setUnknown(obj, 'bucket_regional_domain_name', () => `${name}.s3.${region}.amazonaws.com`);
      setUnknown(obj, 'hosted_zone_id', () => 'Z3AQBSTGFYJSTF');
      setUnknown(obj, 'bucket_region', () => region);
      setUnknown(obj, 'object_lock_enabled', () => false);
      setUnknown(obj, 'force_destroy', () => false);
      return name;
    }
    case 'aws_s3_bucket_public_access_block': {
      const bucket = str(obj, 'bucket');
      if (!ctx.cloud.get('aws_s3_bucket', bucket ?? '')) throw new Refusal('creating S3 Bucket Public Access Block', `NoSuchBucket: The specified bucket '${bucket}' does not exist.`, ['bucket']);
      return bucket!;
    }
    case 'aws_iam_user': {
      const name = str(obj, 'name')!;
      if (!existing && ctx.cloud.get('aws_iam_user', name)) throw new Refusal('creating IAM User', `EntityAlreadyExists: User with name ${name} already exists.`, ['name']);
      setUnknown(obj, 'arn', () => `arn:aws:iam::${ACCOUNT}:user${str(obj, 'path') ?? '/'}${name}`);
      setUnknown(obj, 'unique_id', () => `AIDA${charsFrom(UPPER_ALNUM, 17, ctx.seed)}`);
      return name;
    }
    case 'aws_iam_user_policy': {
      const user = str(obj, 'user');
      if (!ctx.cloud.get('aws_iam_user', user ?? '')) throw new Refusal('creating IAM User Policy', `NoSuchEntity: The user with name ${user} cannot be found.`, ['user']);
      const policy = str(obj, 'policy') ?? '';
      try {
        JSON.parse(policy);
      } catch {
        throw new Refusal('creating IAM User Policy', `MalformedPolicyDocument: the policy of user ${user} is not JSON.`, ['policy']);
      }
      const name = str(obj, 'name') ?? `terraform-${hexFrom(26, ctx.seed)}`;
      setUnknown(obj, 'name', () => name);
      setUnknown(obj, 'name_prefix', () => '');
      return `${user}:${name}`;
    }
    case 'aws_iam_access_key': {
      const user = str(obj, 'user');
      if (!ctx.cloud.get('aws_iam_user', user ?? '')) throw new Refusal('creating IAM Access Key', `NoSuchEntity: The user with name ${user} cannot be found.`, ['user']);
      const kid = existing ?? ctx.unique((n) => `AKIA${charsFrom(UPPER_ALNUM, 16, ctx.seed, n)}`);
      setUnknown(obj, 'secret', () => charsFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 40, 'secret', kid));
      setUnknown(obj, 'ses_smtp_password_v4', () => charsFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 44, 'smtp', kid));
      setUnknown(obj, 'create_date', () => FIXED_TIME);
      setUnknown(obj, 'status', () => 'Active');
      setUnknown(obj, 'encrypted_secret', () => null);
      setUnknown(obj, 'encrypted_ses_smtp_password_v4', () => null);
      setUnknown(obj, 'key_fingerprint', () => null);
      return kid;
    }
    default:
      return existing ?? ctx.unique((n) => `${type.replace(/^aws_/, '')}-${hexFrom(17, ctx.seed, n)}`);
  }
}

function digestNumber(s: string): string {
  return String(parseInt(hexFrom(8, s), 16));
}

function destroyResource(type: string, obj: ValueObject, ctx: Context): void {
  const id = str(obj, 'id') ?? '';
  switch (type) {
    case 'aws_security_group': {
      const user = ctx.cloud.list('aws_network_interface').find((e) => Array.isArray(e.state.security_groups) && e.state.security_groups.includes(id));
      const attached = ctx.cloud.list('aws_network_interface_sg_attachment').find((a) => a.state.security_group_id === id);
      const by = user?.id ?? attached?.state.network_interface_id;
      if (by) throw new Refusal('deleting Security Group', `DependencyViolation: resource ${id} has a dependent object (network interface ${by}).`);
      break;
    }
    case 'aws_subnet': {
      const user = ctx.cloud.list('aws_network_interface').find((e) => e.state.subnet_id === id);
      if (user) throw new Refusal('deleting EC2 Subnet', `DependencyViolation: The subnet '${id}' has dependencies (network interface ${user.id}) and cannot be deleted.`);
      break;
    }
    case 'aws_network_interface':
      ctx.cloud.release(`subnet:${str(obj, 'subnet_id')}`, id);
      break;
    case 'aws_eip':
      ctx.cloud.release('eip', id);
      break;
  }
}

function readData(type: string, obj: ValueObject, ctx: Context): void {
  const region = ctx.provider.scope.region ?? 'us-east-1';
  setUnknown(obj, 'region', () => region);
  switch (type) {
    case 'aws_ami': {
      const name = objectsOf(obj, 'filter').find((f) => f.name === 'name');
      const wanted = Array.isArray(name?.values) ? String(name!.values[0]) : str(obj, 'name_regex') ?? 'image';
      const id = `ami-${hexFrom(17, 'ami', region, wanted)}`;
      obj.id = id;
      setUnknown(obj, 'image_id', () => id);
      setUnknown(obj, 'name', () => wanted);
      setUnknown(obj, 'arn', () => `arn:aws:ec2:${region}::image/${id}`);
      setUnknown(obj, 'architecture', () => 'x86_64');
      setUnknown(obj, 'root_device_name', () => '/dev/sda1');
      setUnknown(obj, 'root_device_type', () => 'ebs');
      setUnknown(obj, 'virtualization_type', () => 'hvm');
      setUnknown(obj, 'image_type', () => 'machine');
      setUnknown(obj, 'state', () => 'available');
      setUnknown(obj, 'owner_id', () => ACCOUNT);
      setUnknown(obj, 'creation_date', () => FIXED_TIME);
      setUnknown(obj, 'ena_support', () => true);
      return;
    }
    case 'aws_availability_zones': {
      obj.id = region;
      const zones = ['a', 'b', 'c'].map((z) => `${region}${z}`);
      setUnknown(obj, 'names', () => zones);
      setUnknown(obj, 'zone_ids', () => zones.map((z) => zoneIdOf(region, z)));
      setUnknown(obj, 'group_names', () => [region]);
      return;
    }
    case 'aws_iam_policy_document': {
      const { json, minified } = policyJson(obj);
      obj.id = String(parseInt(hexFrom(8, json), 16));
      setUnknown(obj, 'json', () => json);
      setUnknown(obj, 'minified_json', () => minified);
      return;
    }
  }
}

/** A few values the provider itself rejects at plan (its validators). */
function validate(type: string, data: boolean, config: ValueObject) {
  const out: ReturnType<NonNullable<Behaviour['validate']>> = [];
  if (data) return out;
  if (type === 'aws_vpc_security_group_ingress_rule' || type === 'aws_vpc_security_group_egress_rule') {
    const sources = ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'].filter((k) => config[k] !== null && config[k] !== undefined);
    if (sources.length > 1 && sources.every((k) => !(config[k] instanceof Unknown)))
      out.push({ severity: 'error' as const, summary: 'Invalid Attribute Combination', detail: `Only one of ${sources.join(', ')} can be set.`, path: [sources[1]] });
    const from = num(config, 'from_port');
    const to = num(config, 'to_port');
    if (from !== undefined && to !== undefined && from > to && from !== -1) out.push({ severity: 'error' as const, summary: 'Invalid Attribute Value', detail: `from_port (${from}) is greater than to_port (${to}).`, path: ['from_port'] });
  }
  if (type === 'aws_s3_bucket' && config.bucket !== null && config.bucket_prefix !== null && config.bucket !== undefined && config.bucket_prefix !== undefined)
    out.push({ severity: 'error' as const, summary: 'Conflicting configuration arguments', detail: '"bucket": conflicts with bucket_prefix', path: ['bucket'] });
  return out;
}

/** Values the provider knows at plan time. */
function plan(type: string, planned: ValueObject): void {
  // tags_all is the resource's tags merged over the provider's default_tags (none here).
  if ('tags_all' in planned && planned.tags_all instanceof Unknown && !(planned.tags instanceof Unknown)) planned.tags_all = tags(planned);
  void type;
}

export function awsBehaviour(schema: SchemaFile): Behaviour {
  return {
    name: P,
    schema,
    scope: (config) => scopeOf(config),
    validate,
    plan,
    apply: applyResource,
    destroy: destroyResource,
    read: readData,
  };
}
