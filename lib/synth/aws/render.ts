/**
 * The `aws` target, through @cdktf/provider-aws (only the submodules used are loaded).
 *
 * An `ec2` Controller's stack: one VPC whose subnets are the Networks (the first Network's
 * block is the VPC's, the others are added to it), an internet gateway and route for public
 * or NAT Networks, security groups and ingress rules for tenancies (TEN-007), a key pair per
 * user key, an instance per Sliver with one network interface per Network in interface
 * order and the same cloud-init user data as OpenStack, an Elastic IP per public endpoint,
 * and EBS volumes for providers' per-instance volumes. Images are AMIs looked up by name in
 * the account; Flavors become instance types. Tenant instances: one S3 object each (its
 * record, as JSON) in a private bucket per Service that provides or holds them; the Service's
 * instances read it through an instance profile whose role may only list and get that
 * bucket's objects (no key in user data), and find the bucket in their user data.
 *
 * An `s3` Controller's stack (an external Service: a Controller and no Slice): for each
 * tenant, a private bucket and an IAM user whose access key reaches only that bucket. The
 * tenant's instances get the bucket and the key in their user data, as the paper's
 * Syndicate-on-S3 example does (carried across stacks as sensitive outputs, read through
 * remote state: RenderContext.crossStack).
 *
 * Elements are written as their final JSON through the plain bindings generated from the
 * package (scripts/gen-aws.ts): typed by the package's own config interfaces, with no cdktf
 * construct, token or stack trace per element. The provider and variables stay constructs.
 */
import { TerraformVariable } from 'cdktf';
import { AwsProvider, type AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { usageError } from '../../errors';
import { overlaps, parseCidr, type Cidr } from '../../model/cidr';
import { sliverUserData, type UserDataContext } from '../cloud-init';
import { recordContent, recordObjectName } from '../instance-record';
import { localBody } from '../local-body';
import { endpointPlacements, flavorSizes, providerAlias, routedNetworks, safeName, servicePorts, StackIndex, volumeSizeGb } from '../common';
import { addressOf, Element, type ElementType, type Expression } from '../element';
import type { LayoutResource, StackLayout } from '../layout';
import type { XosStack } from '../stack';
import type { ElementOrigin, RenderContext } from '../targets';
import * as aws from './generated';
import { instanceTypeFor } from './instance-types';

type ProviderArg = keyof Pick<AwsProviderConfig, 'accessKey' | 'secretKey' | 'token' | 'profile'>;

/** Controller credential names -> AWS provider arguments. */
export const AWS_CREDENTIALS: Readonly<Record<string, ProviderArg>> = {
  access_key: 'accessKey',
  access_key_id: 'accessKey',
  aws_access_key_id: 'accessKey',
  secret_key: 'secretKey',
  secret_access_key: 'secretKey',
  aws_secret_access_key: 'secretKey',
  token: 'token',
  session_token: 'token',
  aws_session_token: 'token',
  profile: 'profile',
};

/** VPC and subnet blocks on EC2 are /16 to /28. */
const MIN_PREFIX = 16;
const MAX_PREFIX = 28;

class AwsRenderer {
  private readonly ix: StackIndex;
  private readonly vars = new Set<string>();
  /** `aws.<alias>`: every element's provider. */
  private readonly provider: string;
  private readonly images = new Map<string, Element<aws.DataAwsAmiAttribute>>();
  private readonly instanceTypes = new Map<string, { type: string; diskGb: number }>();
  private readonly subnets = new Map<string, Element<aws.SubnetAttribute>>();
  private readonly groups = new Map<string, Element<aws.SecurityGroupAttribute>>();
  private readonly enis = new Map<string, Element<aws.NetworkInterfaceAttribute>>();
  private readonly instances = new Map<string, Element<aws.InstanceAttribute>>();
  private readonly stores = new Map<string, { bucket: Element<aws.S3BucketAttribute>; profile: Element<aws.IamInstanceProfileAttribute> }>();
  private readonly records = new Map<string, Element<aws.S3ObjectAttribute>>();
  private vpc?: Element<aws.VpcAttribute>;
  private zones?: Element<aws.DataAwsAvailabilityZonesAttribute>;
  private readonly userData: UserDataContext;

  constructor(private readonly stack: XosStack, private readonly sl: StackLayout, private readonly ctx: RenderContext) {
    this.ix = new StackIndex(sl);
    this.provider = `aws.${providerAlias(sl.name)}`;
    this.userData = {
      ix: this.ix,
      variable: (n) => this.variable(n),
      externals: ctx.exports,
      imported: (x, e) => ctx.crossStack(x.stack, sl.name, e),
      store: (name) => {
        const st = this.stores.get(name);
        if (!st) throw new Error(`internal: store ${name} is not in stack ${sl.name}`);
        const region = this.ix.of('controller')[0]?.attrs.region as string | undefined;
        return { values: { store: 's3', bucket: st.bucket.ref('bucket'), ...(region ? { region } : {}) }, secrets: {} };
      },
    };
  }

  /** Write one element of the stack, remember the model object it comes from, and return it. */
  private emit<A, K extends string>(type: ElementType<A, K>, name: string, args: A, origin: ElementOrigin | LayoutResource, dependsOn?: readonly string[]): Element<K> {
    const body = type.toTerraform(args, this.provider);
    if (dependsOn?.length) body.depends_on = dependsOn;
    this.ctx.write(this.stack, type.mode === 'data', type.type, name, body, origin);
    return new Element(type as ElementType<never, K>, name);
  }

  private controllerOrigin(): ElementOrigin {
    return { model: this.sl.controller, kind: 'controller' };
  }

  private variable(name: string): Expression {
    if (!this.vars.has(name)) throw new Error(`internal: stack ${this.sl.name} has no variable ${name}`);
    return `\${var.${name}}`;
  }

  private tags(r: LayoutResource, name?: string): Record<string, string> {
    return { ...(name ? { Name: name } : {}), 'xos:key': r.model, 'xos:kind': r.kind };
  }

  public render(): void {
    for (const v of this.sl.variables) {
      new TerraformVariable(this.stack, v.name, { type: 'string', sensitive: true, description: v.description });
      this.vars.add(v.name);
    }
    this.renderProvider();
    if (this.sl.backend === 's3') return this.renderS3();
    for (const u of this.ix.of('user')) this.renderUser(u);
    for (const i of this.ix.of('image')) this.renderImage(i);
    for (const f of this.ix.of('flavor')) this.renderFlavor(f);
    const placements = endpointPlacements(this.ix);
    const routed = routedNetworks(this.ix, placements);
    this.renderNetworks(routed);
    for (const g of this.ix.of('secgroup')) this.renderSecgroup(g);
    for (const r of this.ix.of('secrule')) this.renderSecrule(r);
    for (const p of this.ix.of('port')) this.renderPort(p);
    for (const st of this.ix.of('store')) this.renderStore(st);
    for (const v of this.ix.of('sliver')) this.renderSliver(v);
    this.renderEndpoints(placements);
    const devices = new Map<string, number>();
    for (const a of this.ix.of('addition')) this.renderAddition(a, devices);
    for (const r of this.ix.of('instance')) this.renderInstance(r);
    for (const a of this.ix.of('instance-addition')) this.renderInstanceAddition(a);
  }

  /**
   * A Service's store of tenant-instance records: a private bucket, and an instance profile
   * whose role may only list the bucket and get its objects, for the Service's instances.
   */
  private renderStore(st: LayoutResource): void {
    const service = String(st.attrs.name);
    const prefix = `xos-${safeName(service.toLowerCase(), 30).replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'svc'}-`;
    const bucket = this.emit(aws.s3Bucket, st.name, { bucketPrefix: prefix, tags: this.tags(st) }, st);
    this.emit(aws.s3BucketPublicAccessBlock, st.name, { bucket: bucket.ref('id'), blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, st);
    const trust = this.emit(aws.dataAwsIamPolicyDocument, `${st.name}__trust`, { statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }] }, st);
    const role = this.emit(aws.iamRole, st.name, { name: safeName(`xos-${this.sl.name}-${service}-reader`, 64), assumeRolePolicy: trust.ref('json'), tags: this.tags(st) }, st);
    const read = this.emit(
      aws.dataAwsIamPolicyDocument,
      `${st.name}__read`,
      {
        statement: [
          { sid: 'ListInstances', actions: ['s3:ListBucket'], resources: [bucket.ref('arn')] },
          { sid: 'ReadInstances', actions: ['s3:GetObject'], resources: [`${bucket.ref('arn')}/*`] },
        ],
      },
      st,
    );
    this.emit(aws.iamRolePolicy, st.name, { name: 'xos-read-instances', role: role.ref('id'), policy: read.ref('json') }, st);
    const profile = this.emit(aws.iamInstanceProfile, st.name, { name: safeName(`xos-${this.sl.name}-${service}-reader`, 128), role: role.ref('name'), tags: this.tags(st) }, st);
    this.stores.set(st.name, { bucket, profile });
  }

  /** One tenant instance's record: an object in its store's bucket. */
  private renderInstance(r: LayoutResource): void {
    const st = this.stores.get(r.refs.store);
    if (!st) throw new Error(`internal: instance ${r.name} is in a store that is not in stack ${this.sl.name}`);
    this.records.set(r.name, this.emit(aws.s3Object, r.name, { bucket: st.bucket.ref('id'), key: recordObjectName(r), content: recordContent(r, (v) => this.variable(v)), contentType: 'application/json', tags: this.tags(r) }, r));
  }

  /** What a provider's onInstance hook added: an EBS volume of its size, or configuration kept beside the record. */
  private renderInstanceAddition(a: LayoutResource): void {
    const record = this.records.get(a.refs.instance);
    if (!record) throw new Error(`internal: addition ${a.name} is for an instance that is not in stack ${this.sl.name}`);
    const size = a.attrs.type === 'volume' ? volumeSizeGb(a) : undefined;
    if (size !== undefined) {
      this.emit(aws.ebsVolume, a.name, { availabilityZone: this.zone(), size, tags: this.tags(a) }, a);
      return;
    }
    this.ctx.write(this.stack, false, 'terraform_data', a.name, { input: { xos_kind: a.kind, xos_key: a.model, ...a.attrs, record_id: record.ref('id') } }, a);
  }

  /** One provider configuration per Controller, authenticated from its references only. */
  private renderProvider(): void {
    const c = this.ix.of('controller')[0];
    const config: { -readonly [K in keyof AwsProviderConfig]?: AwsProviderConfig[K] } = { alias: providerAlias(this.sl.name) };
    if (c?.attrs.region) config.region = c.attrs.region as string;
    for (const [k, v] of Object.entries(c?.secrets ?? {})) {
      const key = k.replace(/^credential_/, '');
      const arg = AWS_CREDENTIALS[key];
      if (!arg)
        throw usageError(
          `Controller ${this.sl.controller}: credential '${key}' is not one the AWS provider takes. Use ${Object.keys(AWS_CREDENTIALS).join(', ')} ` +
            `(or give none: the provider then reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE from the environment).`,
        );
      config[arg] = this.variable(v);
    }
    new AwsProvider(this.stack, 'aws', config);
  }

  private renderUser(u: LayoutResource): void {
    ((u.attrs.public_keys as string[] | undefined) ?? []).forEach((key, i) => {
      const name = i === 0 ? u.name : `${u.name}__key${i + 1}`;
      this.emit(aws.keyPair, name, { keyName: safeName(i === 0 ? `xos-${u.attrs.name}` : `xos-${u.attrs.name}-${i + 1}`), publicKey: key, tags: this.tags(u) }, u);
    });
  }

  private renderImage(i: LayoutResource): void {
    // EC2 boots AMIs; an XOS Image is the AMI of that name registered in the account.
    this.images.set(i.name, this.emit(aws.dataAwsAmi, i.name, { mostRecent: true, owners: ['self'], filter: [{ name: 'name', values: [i.attrs.name as string] }] }, i));
  }

  private renderFlavor(f: LayoutResource): void {
    const { cores, ramMb, diskGb } = flavorSizes(f, 'EC2');
    this.instanceTypes.set(f.name, { type: instanceTypeFor({ model: f.model, name: f.attrs.name as string, cores, ramMb }), diskGb });
  }

  private zone(): Expression {
    this.zones ??= this.emit(aws.dataAwsAvailabilityZones, 'zones', { state: 'available' }, this.controllerOrigin());
    // Every subnet of the stack is in one zone, so that an instance can have an interface on each.
    return `\${element(${this.zones.ref('names').slice(2, -1)}, 0)}`;
  }

  private renderNetworks(routed: ReadonlySet<string>): void {
    const nets = this.ix.of('network');
    if (!nets.length) return;
    const blocks = nets.map((n) => {
      const c = parseCidr(n.attrs.cidr as string);
      if (typeof c === 'string' || c.prefix < MIN_PREFIX || c.prefix > MAX_PREFIX)
        throw usageError(`Network ${n.model}: address space ${n.attrs.cidr} cannot be told to EC2, whose VPC and subnet blocks are /${MIN_PREFIX} to /${MAX_PREFIX}. Give the Network a block in that range (for example 10.0.1.0/24).`);
      return { n, c };
    });
    for (let i = 0; i < blocks.length; i++)
      for (let j = i + 1; j < blocks.length; j++) {
        const a = blocks[i].c as Cidr;
        const b = blocks[j].c as Cidr;
        if (overlaps(a, b))
          throw usageError(`Networks ${blocks[i].n.model} (${blocks[i].n.attrs.cidr}) and ${blocks[j].n.model} (${blocks[j].n.attrs.cidr}) overlap, and on EC2 they are subnets of one VPC (stack ${this.sl.name}). Give one of them another address space.`);
      }
    const origin = this.controllerOrigin();
    const vpc = (this.vpc = this.emit(aws.vpc, 'vpc', { cidrBlock: nets[0].attrs.cidr as string, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `xos-${this.sl.name}`, 'xos:key': this.sl.controller } }, origin));
    const zone = this.zone();
    let table: Element<aws.RouteTableAttribute> | undefined;
    for (const [i, { n }] of blocks.entries()) {
      const assoc = i === 0 ? undefined : this.emit(aws.vpcIpv4CidrBlockAssociation, n.name, { vpcId: vpc.ref('id'), cidrBlock: n.attrs.cidr as string }, n);
      const isPublic = n.attrs.public === true || this.ix.templateOf(n).visibility === 'public';
      const subnet = this.emit(
        aws.subnet,
        n.name,
        {
          vpcId: vpc.ref('id'),
          cidrBlock: n.attrs.cidr as string,
          availabilityZone: zone,
          mapPublicIpOnLaunch: isPublic,
          tags: { ...this.tags(n, `xos-${n.attrs.name}`), ...(n.attrs.bandwidth_mbps !== undefined ? { 'xos:bandwidth_mbps': String(n.attrs.bandwidth_mbps) } : {}) },
        },
        n,
        // The subnet's block must be the VPC's before the subnet is made.
        assoc ? [addressOf(aws.vpcIpv4CidrBlockAssociation, assoc.name)] : undefined,
      );
      this.subnets.set(n.name, subnet);
      if (!routed.has(n.name)) continue;
      if (!table) {
        const igw = this.emit(aws.internetGateway, 'internet', { vpcId: vpc.ref('id'), tags: { Name: `xos-${this.sl.name}` } }, origin);
        table = this.emit(aws.routeTable, 'internet', { vpcId: vpc.ref('id'), route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.ref('id') }], tags: { Name: `xos-${this.sl.name}-internet` } }, origin);
      }
      this.emit(aws.routeTableAssociation, n.name, { subnetId: subnet.ref('id'), routeTableId: table.ref('id') }, n);
    }
  }

  private renderSecgroup(g: LayoutResource): void {
    if (!this.vpc) throw new Error(`internal: security group ${g.name} in stack ${this.sl.name}, which has no network`);
    const sg = this.emit(
      aws.securityGroup,
      g.name,
      { name: safeName(`xos-${g.attrs.role}-${g.attrs.tenancy}`), description: `XOS tenancy ${g.attrs.tenancy}: ${g.attrs.role} side (TEN-007)`, vpcId: this.vpc.ref('id'), tags: this.tags(g) },
      g,
    );
    this.groups.set(g.name, sg);
  }

  private renderSecrule(r: LayoutResource): void {
    const group = this.groups.get(r.refs.group);
    const remote = this.groups.get(r.refs.remote_group);
    if (!group || !remote) throw new Error(`internal: security rule ${r.name} refers to a group that is not in stack ${this.sl.name}`);
    const icmp = r.attrs.protocol === 'icmp';
    this.emit(
      aws.vpcSecurityGroupIngressRule,
      r.name,
      {
        securityGroupId: group.ref('id'),
        referencedSecurityGroupId: remote.ref('id'),
        ipProtocol: r.attrs.protocol as string,
        fromPort: icmp ? -1 : (r.attrs.port_min as number),
        toPort: icmp ? -1 : (r.attrs.port_max as number),
        description: `tenant to provider, tenancy ${r.attrs.tenancy}`,
      },
      r,
    );
  }

  private renderPort(p: LayoutResource): void {
    const subnet = this.subnets.get(p.refs.network);
    if (!subnet) throw new Error(`internal: port ${p.name} is on a network that is not in stack ${this.sl.name}`);
    const groups = (p.refLists?.security_groups ?? []).map((g) => this.groups.get(g)!.ref('id'));
    const eni = this.emit(
      aws.networkInterface,
      p.name,
      { subnetId: subnet.ref('id'), description: `XOS ${p.attrs.sliver} ${p.attrs.interface}`, ...(groups.length ? { securityGroups: groups } : {}), tags: this.tags(p) },
      p,
    );
    this.enis.set(p.name, eni);
  }

  private renderSliver(v: LayoutResource): void {
    const slice = this.ix.get(v.refs.slice);
    const ami = this.images.get(slice?.refs.image ?? '');
    const type = this.instanceTypes.get(slice?.refs.flavor ?? '');
    if (!ami || !type)
      throw usageError(
        `Sliver ${v.model}: its Slice's ${!ami ? `Image ${v.attrs.image}` : `Flavor ${v.attrs.flavor}`} is not in the catalog of the Deployment that runs it (stack ${this.sl.name}). Add it to the Deployment (deployment.support(...)).`,
      );
    const ports = this.ix.portsOf(v.name);
    const host = (v.attrs.user_data as { hostname: string }).hostname;
    const instance = this.emit(
      aws.instance,
      v.name,
      {
        ami: ami.ref('id'),
        instanceType: type.type,
        userData: sliverUserData(v, this.userData),
        ...(v.refs.store !== undefined && this.stores.has(v.refs.store) ? { iamInstanceProfile: this.stores.get(v.refs.store)!.profile.ref('name') } : {}),
        rootBlockDevice: { volumeSize: Math.max(type.diskGb, 8) },
        ...(ports.length ? { primaryNetworkInterface: { networkInterfaceId: this.enis.get(ports[0].name)!.ref('id') } } : {}),
        tags: this.tags(v, host),
      },
      v,
    );
    this.instances.set(v.name, instance);
    ports.slice(1).forEach((p, i) => {
      this.emit(aws.networkInterfaceAttachmentA, p.name, { instanceId: instance.ref('id'), networkInterfaceId: this.enis.get(p.name)!.ref('id'), deviceIndex: i + 1 }, p);
    });
  }

  private renderEndpoints(placements: ReturnType<typeof endpointPlacements>): void {
    const groups = new Map<string, Element<aws.SecurityGroupAttribute> | null>();
    for (const { endpoint: e, sliver, port } of placements) {
      if (!groups.has(e.name)) {
        const ports = servicePorts(e);
        let sg: Element<aws.SecurityGroupAttribute> | null = null;
        if (ports.length && this.vpc) {
          sg = this.emit(aws.securityGroup, e.name, { name: safeName(`xos-public-${e.attrs.service}`), description: `public endpoint of XOS Service ${e.attrs.service}`, vpcId: this.vpc.ref('id'), tags: this.tags(e) }, e);
          for (const p of ports) {
            const icmp = p.protocol === 'icmp';
            this.emit(
              aws.vpcSecurityGroupIngressRule,
              `${e.name}__${p.protocol}-${p.port}`,
              { securityGroupId: sg.ref('id'), cidrIpv4: '0.0.0.0/0', ipProtocol: p.protocol, fromPort: icmp ? -1 : p.port, toPort: icmp ? -1 : p.port },
              e,
            );
          }
        }
        groups.set(e.name, sg);
      }
      const eni = this.enis.get(port.name)!;
      const name = `${e.name}__${sliver.name}`;
      this.emit(aws.eip, name, { domain: 'vpc', networkInterface: eni.ref('id'), tags: this.tags(e) }, e);
      const sg = groups.get(e.name);
      if (sg) this.emit(aws.networkInterfaceSgAttachment, name, { securityGroupId: sg.ref('id'), networkInterfaceId: eni.ref('id') }, e);
    }
  }

  private renderAddition(a: LayoutResource, devices: Map<string, number>): void {
    const instance = this.instances.get(a.refs.sliver);
    if (!instance) throw new Error(`internal: addition ${a.name} is for a sliver that is not in stack ${this.sl.name}`);
    const size = a.attrs.type === 'volume' ? volumeSizeGb(a) : undefined;
    if (size !== undefined) {
      const n = devices.get(a.refs.sliver) ?? 0;
      if (n >= 11) throw usageError(`Sliver ${a.attrs.sliver} gets more than 11 volumes from its providers' hooks (addition ${a.model}); EC2 names them /dev/sdf to /dev/sdp. Add fewer volumes.`);
      devices.set(a.refs.sliver, n + 1);
      const vol = this.emit(aws.ebsVolume, a.name, { availabilityZone: this.zone(), size, tags: this.tags(a) }, a);
      this.emit(aws.volumeAttachment, a.name, { deviceName: `/dev/sd${String.fromCharCode('f'.charCodeAt(0) + n)}`, instanceId: instance.ref('id'), volumeId: vol.ref('id') }, a);
      return;
    }
    this.ctx.write(this.stack, false, 'terraform_data', a.name, { input: { xos_kind: a.kind, xos_key: a.model, ...a.attrs, instance_id: instance.ref('id') } }, a);
  }

  /** S3 as an external Service: per tenant, a private bucket and credentials scoped to it. */
  private renderS3(): void {
    // Tenant instances of an external provider: no instance of it reads them; their records
    // stay in the plan and the state, as the provider's controller would keep them.
    // They refer to each other only: the provider Service itself is no resource of an s3 stack.
    const records = (['store', 'instance', 'instance-addition'] as const).flatMap((kind) => this.ix.of(kind));
    const written = new Set(records.map((r) => r.name));
    for (const r of records) {
      const refs = Object.fromEntries(Object.entries(r.refs).filter(([, n]) => written.has(n)));
      this.ctx.write(this.stack, false, 'terraform_data', r.name, localBody({ ...r, refs }), r);
    }
    const slivers = this.ix.of('sliver');
    if (slivers.length)
      throw usageError(
        `Controller ${this.sl.controller} is an s3 back-end, which cannot run Slivers (${slivers.map((v) => v.model).join(', ')}). Bind those Slices' Sites to an openstack or ec2 Controller instead.`,
      );
    const region = this.ix.of('controller')[0]?.attrs.region as string | undefined;
    for (const svc of this.ix.of('service')) {
      if (!svc.refs.controller) continue;
      const name = svc.attrs.name as string;
      const tenancies = new Map<string, LayoutResource>();
      for (const s of this.ctx.layout.stacks)
        for (const r of s.resources) if (r.kind === 'tenancy' && r.attrs.provider === svc.model && !tenancies.has(r.model)) tenancies.set(r.model, r);
      for (const t of [...tenancies.values()].sort((a, b) => (a.model < b.model ? -1 : 1))) {
        const tenant = t.attrs.tenant as string;
        const origin: ElementOrigin = { model: t.model, kind: 'tenancy' };
        const bucket = this.emit(
          aws.s3Bucket,
          t.name,
          { bucketPrefix: `${safeName(tenant.toLowerCase(), 30).replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '')}-`, tags: { 'xos:key': t.model, 'xos:service': svc.model } },
          origin,
        );
        this.emit(aws.s3BucketPublicAccessBlock, t.name, { bucket: bucket.ref('id'), blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, origin);
        const user = this.emit(aws.iamUser, t.name, { name: safeName(`xos-${name}-${tenant}`, 64), path: '/xos/', tags: { 'xos:key': t.model } }, origin);
        const doc = this.emit(
          aws.dataAwsIamPolicyDocument,
          t.name,
          {
            statement: [
              { sid: 'ListOwnBucket', actions: ['s3:ListBucket'], resources: [bucket.ref('arn')] },
              { sid: 'UseOwnObjects', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${bucket.ref('arn')}/*`] },
            ],
          },
          origin,
        );
        this.emit(aws.iamUserPolicy, t.name, { name: 'xos-own-bucket', user: user.ref('name'), policy: doc.ref('json') }, origin);
        const key = this.emit(aws.iamAccessKey, t.name, { user: user.ref('name') }, origin);
        this.ctx.exports.set(t.model, {
          provider: name,
          stack: this.sl.name,
          values: { bucket: bucket.ref('bucket'), ...(region ? { region } : {}) },
          secrets: { access_key_id: key.ref('id'), secret_access_key: key.ref('secret') },
        });
      }
    }
  }
}

/** Render one stack for the aws target. */
export function renderAws(stack: XosStack, layout: StackLayout, ctx: RenderContext): void {
  new AwsRenderer(stack, layout, ctx).render();
}
