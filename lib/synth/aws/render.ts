/**
 * The `aws` target, through @cdktf/provider-aws (only the submodules used are loaded).
 *
 * An `ec2` Controller's stack: one VPC whose subnets are the Networks (the first Network's
 * block is the VPC's, the others are added to it), an internet gateway and route for public
 * or NAT Networks, security groups and ingress rules for tenancies (TEN-007), a key pair per
 * user key, an instance per Sliver with one network interface per Network in interface
 * order and the same cloud-init user data as OpenStack, an Elastic IP per public endpoint,
 * and EBS volumes for providers' per-instance volumes. Images are AMIs looked up by name in
 * the account; Flavors become instance types.
 *
 * An `s3` Controller's stack (an external Service: a Controller and no Slice): for each
 * tenant, a private bucket and an IAM user whose access key reaches only that bucket. The
 * tenant's instances get the bucket and the key in their user data, as the paper's
 * Syndicate-on-S3 example does (cdktf carries them across stacks as sensitive outputs).
 */
import { Fn, TerraformVariable } from 'cdktf';
import { AwsProvider, type AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { KeyPair } from '@cdktf/provider-aws/lib/key-pair';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface';
import { NetworkInterfaceAttachmentA as NetworkInterfaceAttachment } from '@cdktf/provider-aws/lib/network-interface-attachment';
import { NetworkInterfaceSgAttachment } from '@cdktf/provider-aws/lib/network-interface-sg-attachment';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcIpv4CidrBlockAssociation } from '@cdktf/provider-aws/lib/vpc-ipv4-cidr-block-association';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { usageError } from '../../errors';
import { overlaps, parseCidr, type Cidr } from '../../model/cidr';
import { sliverUserData } from '../cloud-init';
import { endpointPlacements, flavorSizes, providerAlias, routedNetworks, safeName, servicePorts, StackIndex, volumeSizeGb } from '../common';
import type { LayoutResource, StackLayout } from '../layout';
import type { XosStack } from '../stack';
import type { ElementOrigin, RenderContext } from '../targets';
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
  private readonly vars = new Map<string, TerraformVariable>();
  private provider!: AwsProvider;
  private readonly keyPairs: KeyPair[] = [];
  private readonly images = new Map<string, DataAwsAmi>();
  private readonly instanceTypes = new Map<string, { type: string; diskGb: number }>();
  private readonly subnets = new Map<string, Subnet>();
  private readonly groups = new Map<string, SecurityGroup>();
  private readonly enis = new Map<string, NetworkInterface>();
  private readonly instances = new Map<string, Instance>();
  private vpc?: Vpc;
  private zones?: DataAwsAvailabilityZones;

  constructor(private readonly stack: XosStack, private readonly sl: StackLayout, private readonly ctx: RenderContext) {
    this.ix = new StackIndex(sl);
  }

  private track<T extends Parameters<RenderContext['track']>[1]>(el: T, name: string, origin: ElementOrigin | LayoutResource): T {
    return this.ctx.track(this.sl.name, el, name, { model: origin.model, kind: origin.kind });
  }

  private controllerOrigin(): ElementOrigin {
    return { model: this.sl.controller, kind: 'controller' };
  }

  private variable(name: string): string {
    const v = this.vars.get(name);
    if (!v) throw new Error(`internal: stack ${this.sl.name} has no variable ${name}`);
    return v.stringValue;
  }

  private tags(r: LayoutResource, name?: string): Record<string, string> {
    return { ...(name ? { Name: name } : {}), 'xos:key': r.model, 'xos:kind': r.kind };
  }

  public render(): void {
    for (const v of this.sl.variables) this.vars.set(v.name, new TerraformVariable(this.stack, v.name, { type: 'string', sensitive: true, description: v.description }));
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
    for (const v of this.ix.of('sliver')) this.renderSliver(v);
    this.renderEndpoints(placements);
    const devices = new Map<string, number>();
    for (const a of this.ix.of('addition')) this.renderAddition(a, devices);
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
    this.provider = new AwsProvider(this.stack, 'aws', config);
  }

  private renderUser(u: LayoutResource): void {
    ((u.attrs.public_keys as string[] | undefined) ?? []).forEach((key, i) => {
      const name = i === 0 ? u.name : `${u.name}__key${i + 1}`;
      const kp = new KeyPair(this.stack, `keypair-${name}`, { provider: this.provider, keyName: safeName(i === 0 ? `xos-${u.attrs.name}` : `xos-${u.attrs.name}-${i + 1}`), publicKey: key, tags: this.tags(u) });
      this.keyPairs.push(this.track(kp, name, u));
    });
  }

  private renderImage(i: LayoutResource): void {
    // EC2 boots AMIs; an XOS Image is the AMI of that name registered in the account.
    const ami = new DataAwsAmi(this.stack, `ami-${i.name}`, { provider: this.provider, mostRecent: true, owners: ['self'], filter: [{ name: 'name', values: [i.attrs.name as string] }] });
    this.images.set(i.name, this.track(ami, i.name, i));
  }

  private renderFlavor(f: LayoutResource): void {
    const { cores, ramMb, diskGb } = flavorSizes(f, 'EC2');
    this.instanceTypes.set(f.name, { type: instanceTypeFor({ model: f.model, name: f.attrs.name as string, cores, ramMb }), diskGb });
  }

  private zone(): string {
    this.zones ??= this.track(new DataAwsAvailabilityZones(this.stack, 'zones', { provider: this.provider, state: 'available' }), 'zones', this.controllerOrigin());
    // Every subnet of the stack is in one zone, so that an instance can have an interface on each.
    return Fn.element(this.zones.names, 0);
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
    this.vpc = this.track(new Vpc(this.stack, 'vpc', { provider: this.provider, cidrBlock: nets[0].attrs.cidr as string, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `xos-${this.sl.name}`, 'xos:key': this.sl.controller } }), 'vpc', origin);
    const zone = this.zone();
    let table: RouteTable | undefined;
    for (const [i, { n }] of blocks.entries()) {
      const assoc = i === 0 ? undefined : this.track(new VpcIpv4CidrBlockAssociation(this.stack, `cidr-${n.name}`, { provider: this.provider, vpcId: this.vpc.id, cidrBlock: n.attrs.cidr as string }), n.name, n);
      const isPublic = n.attrs.public === true || this.ix.templateOf(n).visibility === 'public';
      const subnet = new Subnet(this.stack, `subnet-${n.name}`, {
        provider: this.provider,
        vpcId: this.vpc.id,
        cidrBlock: n.attrs.cidr as string,
        availabilityZone: zone,
        mapPublicIpOnLaunch: isPublic,
        tags: { ...this.tags(n, `xos-${n.attrs.name}`), ...(n.attrs.bandwidth_mbps !== undefined ? { 'xos:bandwidth_mbps': String(n.attrs.bandwidth_mbps) } : {}) },
        ...(assoc ? { dependsOn: [assoc] } : {}),
      });
      this.subnets.set(n.name, this.track(subnet, n.name, n));
      if (!routed.has(n.name)) continue;
      if (!table) {
        const igw = this.track(new InternetGateway(this.stack, 'igw', { provider: this.provider, vpcId: this.vpc.id, tags: { Name: `xos-${this.sl.name}` } }), 'internet', origin);
        table = this.track(new RouteTable(this.stack, 'internet-routes', { provider: this.provider, vpcId: this.vpc.id, route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: { Name: `xos-${this.sl.name}-internet` } }), 'internet', origin);
      }
      this.track(new RouteTableAssociation(this.stack, `route-${n.name}`, { provider: this.provider, subnetId: subnet.id, routeTableId: table.id }), n.name, n);
    }
  }

  private renderSecgroup(g: LayoutResource): void {
    if (!this.vpc) throw new Error(`internal: security group ${g.name} in stack ${this.sl.name}, which has no network`);
    const sg = new SecurityGroup(this.stack, `sg-${g.name}`, {
      provider: this.provider,
      name: safeName(`xos-${g.attrs.role}-${g.attrs.tenancy}`),
      description: `XOS tenancy ${g.attrs.tenancy}: ${g.attrs.role} side (TEN-007)`,
      vpcId: this.vpc.id,
      tags: this.tags(g),
    });
    this.groups.set(g.name, this.track(sg, g.name, g));
  }

  private renderSecrule(r: LayoutResource): void {
    const group = this.groups.get(r.refs.group);
    const remote = this.groups.get(r.refs.remote_group);
    if (!group || !remote) throw new Error(`internal: security rule ${r.name} refers to a group that is not in stack ${this.sl.name}`);
    const icmp = r.attrs.protocol === 'icmp';
    const rule = new VpcSecurityGroupIngressRule(this.stack, `rule-${r.name}`, {
      provider: this.provider,
      securityGroupId: group.id,
      referencedSecurityGroupId: remote.id,
      ipProtocol: r.attrs.protocol as string,
      fromPort: icmp ? -1 : (r.attrs.port_min as number),
      toPort: icmp ? -1 : (r.attrs.port_max as number),
      description: `tenant to provider, tenancy ${r.attrs.tenancy}`,
    });
    this.track(rule, r.name, r);
  }

  private renderPort(p: LayoutResource): void {
    const subnet = this.subnets.get(p.refs.network);
    if (!subnet) throw new Error(`internal: port ${p.name} is on a network that is not in stack ${this.sl.name}`);
    const groups = (p.refLists?.security_groups ?? []).map((g) => this.groups.get(g)!.id);
    const eni = new NetworkInterface(this.stack, `eni-${p.name}`, {
      provider: this.provider,
      subnetId: subnet.id,
      description: `XOS ${p.attrs.sliver} ${p.attrs.interface}`,
      ...(groups.length ? { securityGroups: groups } : {}),
      tags: this.tags(p),
    });
    this.enis.set(p.name, this.track(eni, p.name, p));
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
    const instance = new Instance(this.stack, `instance-${v.name}`, {
      provider: this.provider,
      ami: ami.id,
      instanceType: type.type,
      userData: sliverUserData(v, { ix: this.ix, variable: (n) => `\${var.${n}}`, externals: this.ctx.exports, imported: (x, e) => this.ctx.crossStack(x.stack, this.sl.name, e) }),
      rootBlockDevice: { volumeSize: Math.max(type.diskGb, 8) },
      ...(ports.length ? { primaryNetworkInterface: { networkInterfaceId: this.enis.get(ports[0].name)!.id } } : {}),
      tags: this.tags(v, host),
    });
    this.instances.set(v.name, this.track(instance, v.name, v));
    ports.slice(1).forEach((p, i) => {
      this.track(
        new NetworkInterfaceAttachment(this.stack, `eni-attach-${p.name}`, { provider: this.provider, instanceId: instance.id, networkInterfaceId: this.enis.get(p.name)!.id, deviceIndex: i + 1 }),
        p.name,
        p,
      );
    });
  }

  private renderEndpoints(placements: ReturnType<typeof endpointPlacements>): void {
    const groups = new Map<string, SecurityGroup | null>();
    for (const { endpoint: e, sliver, port } of placements) {
      if (!groups.has(e.name)) {
        const ports = servicePorts(e);
        let sg: SecurityGroup | null = null;
        if (ports.length && this.vpc) {
          sg = this.track(new SecurityGroup(this.stack, `sg-${e.name}`, { provider: this.provider, name: safeName(`xos-public-${e.attrs.service}`), description: `public endpoint of XOS Service ${e.attrs.service}`, vpcId: this.vpc.id, tags: this.tags(e) }), e.name, e);
          for (const p of ports) {
            const icmp = p.protocol === 'icmp';
            this.track(
              new VpcSecurityGroupIngressRule(this.stack, `rule-${e.name}-${p.protocol}-${p.port}`, { provider: this.provider, securityGroupId: sg.id, cidrIpv4: '0.0.0.0/0', ipProtocol: p.protocol, fromPort: icmp ? -1 : p.port, toPort: icmp ? -1 : p.port }),
              `${e.name}__${p.protocol}-${p.port}`,
              e,
            );
          }
        }
        groups.set(e.name, sg);
      }
      const eni = this.enis.get(port.name)!;
      this.track(new Eip(this.stack, `eip-${sliver.name}`, { provider: this.provider, domain: 'vpc', networkInterface: eni.id, tags: this.tags(e) }), `${e.name}__${sliver.name}`, e);
      const sg = groups.get(e.name);
      if (sg) this.track(new NetworkInterfaceSgAttachment(this.stack, `eni-sg-${sliver.name}`, { provider: this.provider, securityGroupId: sg.id, networkInterfaceId: eni.id }), `${e.name}__${sliver.name}`, e);
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
      const vol = this.track(new EbsVolume(this.stack, `volume-${a.name}`, { provider: this.provider, availabilityZone: this.zone(), size, tags: this.tags(a) }), a.name, a);
      this.track(new VolumeAttachment(this.stack, `volume-attach-${a.name}`, { provider: this.provider, deviceName: `/dev/sd${String.fromCharCode('f'.charCodeAt(0) + n)}`, instanceId: instance.id, volumeId: vol.id }), a.name, a);
      return;
    }
    this.stack.addRawResource('terraform_data', a.name, { input: { xos_kind: a.kind, xos_key: a.model, ...a.attrs, instance_id: `\${aws_instance.${a.refs.sliver}.id}` } });
    this.ctx.trackRaw(this.sl.name, `terraform_data.${a.name}`, { model: a.model, kind: a.kind });
  }

  /** S3 as an external Service: per tenant, a private bucket and credentials scoped to it. */
  private renderS3(): void {
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
        const bucket = this.track(
          new S3Bucket(this.stack, `bucket-${t.name}`, { provider: this.provider, bucketPrefix: `${safeName(tenant.toLowerCase(), 30).replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '')}-`, tags: { 'xos:key': t.model, 'xos:service': svc.model } }),
          t.name,
          origin,
        );
        this.track(
          new S3BucketPublicAccessBlock(this.stack, `bucket-private-${t.name}`, { provider: this.provider, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
          t.name,
          origin,
        );
        const user = this.track(new IamUser(this.stack, `user-${t.name}`, { provider: this.provider, name: safeName(`xos-${name}-${tenant}`, 64), path: '/xos/', tags: { 'xos:key': t.model } }), t.name, origin);
        const doc = this.track(
          new DataAwsIamPolicyDocument(this.stack, `policy-doc-${t.name}`, {
            provider: this.provider,
            statement: [
              { sid: 'ListOwnBucket', actions: ['s3:ListBucket'], resources: [bucket.arn] },
              { sid: 'UseOwnObjects', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [`${bucket.arn}/*`] },
            ],
          }),
          t.name,
          origin,
        );
        this.track(new IamUserPolicy(this.stack, `policy-${t.name}`, { provider: this.provider, name: 'xos-own-bucket', user: user.name, policy: doc.json }), t.name, origin);
        this.track(new IamAccessKey(this.stack, `key-${t.name}`, { provider: this.provider, user: user.name }), t.name, origin);
        this.ctx.exports.set(t.model, {
          provider: name,
          stack: this.sl.name,
          values: { bucket: `\${${S3Bucket.tfResourceType}.${t.name}.bucket}`, ...(region ? { region } : {}) },
          secrets: { access_key_id: `\${${IamAccessKey.tfResourceType}.${t.name}.id}`, secret_access_key: `\${${IamAccessKey.tfResourceType}.${t.name}.secret}` },
        });
      }
    }
  }
}

/** Render one stack for the aws target. */
export function renderAws(stack: XosStack, layout: StackLayout, ctx: RenderContext): void {
  new AwsRenderer(stack, layout, ctx).render();
}
