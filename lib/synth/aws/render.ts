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
import { sliverUserData, type UserDataContext } from '../cloud-init';
import { recordContent, recordObjectName } from '../instance-record';
import { localBody } from '../local-body';
import { describeGroup, flavorSizes, providerAlias, safeName, StackIndex, volumeSizeGb } from '../common';
import { addressOf, Element, type ElementType, type Expression } from '../element';
import type { LayoutResource, StackLayout } from '../layout';
import type { XosStack } from '../stack';
import type { ElementOrigin, RenderContext } from '../render-context';
import * as aws from './generated';
import { AWS_CREDENTIALS } from './credentials';
import { instanceTypeFor } from './instance-types';
import { egressBlock, planVpc } from './vpc-plan';
import { ec2KeyPairName, iamUserName } from '../backend-names';

export { AWS_CREDENTIALS } from './credentials';

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
    const publicPorts = this.renderNetworks();
    for (const g of this.ix.of('secgroup')) this.renderSecgroup(g);
    for (const r of this.ix.of('secrule')) this.renderSecrule(r);
    for (const p of this.ix.of('port')) this.renderPort(p);
    for (const st of this.ix.of('store')) this.renderStore(st);
    for (const v of this.ix.of('sliver')) this.renderSliver(v);
    this.renderAddresses(publicPorts);
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
      this.emit(aws.keyPair, name, { keyName: ec2KeyPairName(u.attrs.name as string, i), publicKey: key, tags: this.tags(u) }, u);
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

  /**
   * The VPC (vpc-plan.ts), a subnet per Network in one zone, and the routes out the layout
   * asks for: a public Network, or one that carries a provider's public address, routes to the
   * internet gateway and every interface on it gets an Elastic IP (EC2 routes no address block
   * of the VPC itself, and an interface without a public address gets no answer through the
   * gateway); a translated (NAT) Network routes to a NAT gateway, in a /28 subnet of its own.
   * Returns the ports that get an Elastic IP.
   */
  private renderNetworks(): Set<string> {
    const publicPorts = new Set<string>();
    const nets = this.ix.of('network');
    if (!nets.length) return publicPorts;
    const plan = planVpc(nets.map((n) => ({ model: n.model, cidr: n.attrs.cidr as string })));
    if (plan.problems.length) throw usageError(`${plan.problems[0].message} (stack ${this.sl.name})`);
    const routes = new Map<string, string>(); // network name -> translation
    for (const g of this.ix.of('gateway')) if (g.attrs.role === 'internet' && g.refs.network) routes.set(g.refs.network, g.attrs.translation as string);
    const addressed = new Set(this.ix.of('address').map((a) => this.ix.get(a.refs.port)?.refs.network).filter((n): n is string => !!n));
    const toInternet = nets.filter((n) => routes.get(n.name) === 'none' || (routes.has(n.name) && addressed.has(n.name)));
    const toNat = nets.filter((n) => routes.has(n.name) && !toInternet.includes(n));
    const blocks = [...plan.blocks];
    const egress = toNat.length ? egressBlock(blocks) : undefined;
    if (egress) blocks.push(egress);

    const origin = this.controllerOrigin();
    const vpc = (this.vpc = this.emit(aws.vpc, 'vpc', { cidrBlock: blocks[0], enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `xos-${this.sl.name}`, 'xos:key': this.sl.controller } }, origin));
    const associations = new Map<string, string>();
    for (const b of blocks.slice(1)) {
      const assoc = this.emit(aws.vpcIpv4CidrBlockAssociation, blockName(b), { vpcId: vpc.ref('id'), cidrBlock: b }, origin);
      associations.set(b, addressOf(aws.vpcIpv4CidrBlockAssociation, assoc.name));
    }
    const zone = this.zone();
    const subnet = (name: string, cidr: string, tags: Record<string, string>, origin: ElementOrigin | LayoutResource, block: string | undefined) =>
      this.emit(
        aws.subnet,
        name,
        { vpcId: vpc.ref('id'), cidrBlock: cidr, availabilityZone: zone, mapPublicIpOnLaunch: false, tags },
        origin,
        // The subnet's block must be the VPC's before the subnet is made.
        block && associations.has(block) ? [associations.get(block)!] : undefined,
      );
    for (const n of nets) {
      const tags = { ...this.tags(n, `xos-${n.attrs.name}`), ...(n.attrs.bandwidth_mbps !== undefined ? { 'xos:bandwidth_mbps': String(n.attrs.bandwidth_mbps) } : {}) };
      this.subnets.set(n.name, subnet(n.name, n.attrs.cidr as string, tags, n, plan.blockOf.get(n.model)));
    }
    if (!toInternet.length && !toNat.length) return publicPorts;
    const igw = this.emit(aws.internetGateway, 'internet', { vpcId: vpc.ref('id'), tags: { Name: `xos-${this.sl.name}` } }, origin);
    const internet = this.emit(aws.routeTable, 'internet', { vpcId: vpc.ref('id'), route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.ref('id') }], tags: { Name: `xos-${this.sl.name}-internet` } }, origin);
    for (const n of toInternet) {
      this.emit(aws.routeTableAssociation, n.name, { subnetId: this.subnets.get(n.name)!.ref('id'), routeTableId: internet.ref('id') }, n);
      for (const p of this.ix.of('port')) if (p.refs.network === n.name) publicPorts.add(p.name);
    }
    if (egress) {
      const natSubnet = subnet('nat', egress, { Name: `xos-${this.sl.name}-nat`, 'xos:key': this.sl.controller }, origin, egress);
      this.emit(aws.routeTableAssociation, 'nat', { subnetId: natSubnet.ref('id'), routeTableId: internet.ref('id') }, origin);
      const eip = this.emit(aws.eip, 'nat', { domain: 'vpc', tags: { Name: `xos-${this.sl.name}-nat` } }, origin);
      const nat = this.emit(aws.natGateway, 'nat', { allocationId: eip.ref('id'), subnetId: natSubnet.ref('id'), tags: { Name: `xos-${this.sl.name}` } }, origin, [addressOf(aws.internetGateway, igw.name)]);
      const table = this.emit(aws.routeTable, 'nat', { vpcId: vpc.ref('id'), route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.ref('id') }], tags: { Name: `xos-${this.sl.name}-nat` } }, origin);
      for (const n of toNat) this.emit(aws.routeTableAssociation, n.name, { subnetId: this.subnets.get(n.name)!.ref('id'), routeTableId: table.ref('id') }, n);
    }
    return publicPorts;
  }

  private renderSecgroup(g: LayoutResource): void {
    if (!this.vpc) throw new Error(`internal: security group ${g.name} in stack ${this.sl.name}, which has no network`);
    // Group names are unique in a VPC: the layout name is unique in the stack, and readable.
    const sg = this.emit(aws.securityGroup, g.name, { name: `xos-${g.name}`, description: asciiDescription(describeGroup(g)), vpcId: this.vpc.ref('id'), tags: this.tags(g) }, g);
    this.groups.set(g.name, sg);
  }

  private renderSecrule(r: LayoutResource): void {
    const group = this.groups.get(r.refs.group);
    const remote = r.refs.remote_group === undefined ? undefined : this.groups.get(r.refs.remote_group);
    if (!group || (r.refs.remote_group !== undefined && !remote)) throw new Error(`internal: security rule ${r.name} refers to a group that is not in stack ${this.sl.name}`);
    const protocol = r.attrs.protocol as string;
    const ranged = protocol === 'tcp' || protocol === 'udp';
    const args = {
      securityGroupId: group.ref('id'),
      ...(remote ? { referencedSecurityGroupId: remote.ref('id') } : { cidrIpv4: (r.attrs.remote_cidr as string | undefined) ?? '0.0.0.0/0' }),
      // -1: every protocol (and then no ports); ICMP's -1/-1: every type and code.
      ipProtocol: protocol === 'any' ? '-1' : protocol,
      ...(protocol === 'any' ? {} : ranged ? { fromPort: r.attrs.port_min as number, toPort: r.attrs.port_max as number } : { fromPort: -1, toPort: -1 }),
      description: asciiDescription(String(r.attrs.why ?? '')),
    };
    if (r.attrs.direction === 'egress') this.emit(aws.vpcSecurityGroupEgressRule, r.name, args, r);
    else this.emit(aws.vpcSecurityGroupIngressRule, r.name, args, r);
  }

  private renderPort(p: LayoutResource): void {
    const subnet = this.subnets.get(p.refs.network);
    if (!subnet) throw new Error(`internal: port ${p.name} is on a network that is not in stack ${this.sl.name}`);
    const groups = (p.refLists?.security_groups ?? []).map((g) => this.groups.get(g)!.ref('id'));
    const eni = this.emit(
      aws.networkInterface,
      p.name,
      // Every interface lists its groups, so none falls back to the VPC's default group.
      { subnetId: subnet.ref('id'), description: `XOS ${p.attrs.sliver} ${p.attrs.interface}`, securityGroups: groups, tags: this.tags(p) },
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

  /** An Elastic IP per public endpoint (the layout's addresses), and per interface of a Network routed to the internet gateway. */
  private renderAddresses(publicPorts: ReadonlySet<string>): void {
    const done = new Set<string>();
    for (const a of this.ix.of('address')) {
      const eni = this.enis.get(a.refs.port);
      if (!eni) throw new Error(`internal: address ${a.name} is for a port that is not in stack ${this.sl.name}`);
      this.emit(aws.eip, a.name, { domain: 'vpc', networkInterface: eni.ref('id'), tags: this.tags(a) }, a);
      done.add(a.refs.port);
    }
    for (const p of this.ix.of('port')) {
      if (!publicPorts.has(p.name) || done.has(p.name)) continue;
      this.emit(aws.eip, p.name, { domain: 'vpc', networkInterface: this.enis.get(p.name)!.ref('id'), tags: this.tags(p) }, p);
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
        const user = this.emit(aws.iamUser, t.name, { name: iamUserName(name, tenant), path: '/xos/', tags: { 'xos:key': t.model } }, origin);
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

/** A resource name for a VPC block: `block_10_1_0_0_16`. */
function blockName(cidr: string): string {
  return `block_${cidr.replace(/[./]/g, '_')}`;
}

/** EC2 takes group and rule descriptions of `a-zA-Z0-9 ._-:/()#,@[]+=&;{}!$*` only, up to 255 characters. */
function asciiDescription(s: string): string {
  return s.replace(/[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, '_').slice(0, 255);
}

/** Render one stack for the aws target. */
export function renderAws(stack: XosStack, layout: StackLayout, ctx: RenderContext): void {
  new AwsRenderer(stack, layout, ctx).render();
}
