/**
 * What the real targets (openstack, aws) read the same way from a stack's layout: the ports
 * of each Sliver in interface order, what each security group is for, the routes a router's
 * Networks hand out, and the sizes that providers' hooks ask for.
 */
import { usageError } from '../errors';
import { formatIp, parseCidr } from '../model/cidr';
import type { LayoutKind, LayoutResource, StackLayout } from './layout';
import type { RoutingDomain } from './routing';

/** Lookups over one stack's layout, indexed once: each lookup costs the size of its answer. */
export class StackIndex {
  public readonly byName = new Map<string, LayoutResource>();
  private readonly byKind = new Map<LayoutKind, LayoutResource[]>();
  private readonly byModel = new Map<string, LayoutResource[]>();
  private readonly portsBySliver = new Map<string, LayoutResource[]>();
  private readonly slicesByService = new Map<string, LayoutResource[]>();
  private readonly sliversBySlice = new Map<string, LayoutResource[]>();

  constructor(public readonly stack: StackLayout) {
    const push = <K>(m: Map<K, LayoutResource[]>, k: K, r: LayoutResource) => {
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    };
    for (const r of stack.resources) {
      if (!this.byName.has(r.name)) this.byName.set(r.name, r);
      push(this.byKind, r.kind, r);
      push(this.byModel, r.model, r);
      if (r.kind === 'port' && r.refs.sliver !== undefined) push(this.portsBySliver, r.refs.sliver, r);
      if (r.kind === 'slice' && typeof r.attrs.service === 'string') push(this.slicesByService, r.attrs.service, r);
      if (r.kind === 'sliver' && r.refs.slice !== undefined) push(this.sliversBySlice, r.refs.slice, r);
    }
    for (const ports of this.portsBySliver.values()) ports.sort((a, b) => (a.attrs.index as number) - (b.attrs.index as number));
  }

  /** The resources of one kind, in layout order (do not change the list). */
  public of(kind: LayoutKind): readonly LayoutResource[] {
    return this.byKind.get(kind) ?? [];
  }

  public get(name: string | undefined): LayoutResource | undefined {
    return name === undefined ? undefined : this.byName.get(name);
  }

  /** The resource of one kind that comes from a model object, if the stack holds it. */
  public ofModel(kind: LayoutKind, model: string | undefined): LayoutResource | undefined {
    return model === undefined ? undefined : this.byModel.get(model)?.find((r) => r.kind === kind);
  }

  /** The ports of a Sliver, eth0 first. */
  public portsOf(sliver: string): readonly LayoutResource[] {
    return this.portsBySliver.get(sliver) ?? [];
  }

  /** The template settings of a Network (private, no translation, when it has none). */
  public templateOf(network: LayoutResource): { visibility: string; translation: string } {
    const t = this.get(network.refs.template);
    return { visibility: (t?.attrs.visibility as string) ?? 'private', translation: (t?.attrs.translation as string) ?? 'none' };
  }

  /** The Slivers whose Slice implements a Service, in layout order. */
  public sliversOfService(service: string): LayoutResource[] {
    const slices = new Set((this.slicesByService.get(service) ?? []).map((s) => s.name));
    return this.of('sliver').filter((v) => slices.has(v.refs.slice));
  }

  /** The Slivers of one Slice (by its layout name), in layout order. */
  public sliversOfSlice(slice: string): readonly LayoutResource[] {
    return this.sliversBySlice.get(slice) ?? [];
  }

  /** The Service key a Sliver's Slice implements, if any. */
  public serviceOfSliver(sliver: LayoutResource): string | undefined {
    return this.get(sliver.refs.slice)?.attrs.service as string | undefined;
  }
}

/** What a security group of the layout is for, in words (its description on the back-ends). */
export function describeGroup(g: LayoutResource): string {
  switch (g.attrs.purpose) {
    case 'members':
      return `XOS Network ${g.attrs.network}: Slivers of ${(g.attrs.slices as string[] | undefined)?.join(', ') ?? '?'} reach each other${g.attrs.public ? ', and the Internet reaches them (public)' : ''}`;
    case 'tenant':
      return `XOS Service ${g.attrs.service} as a tenant: its providers admit this group (TEN-007)`;
    case 'provider':
      return `XOS Service ${g.attrs.service} as a provider on Network ${g.attrs.network}: its tenants, on its ports only (TEN-007)`;
    case 'endpoint':
      return `public endpoint of XOS Service ${g.attrs.service}: its ports, from anywhere`;
    default:
      return `XOS ${g.model}`;
  }
}

/**
 * Per Network (layout name) in a routing domain of two Networks or more: a host route to each
 * other Network of the domain through this Network's gateway address (the router's interface,
 * Neutron's default gateway: the block's first address).
 */
export function hostRoutesOf(ix: StackIndex, domains: readonly RoutingDomain[]): Map<string, { to: string; destinationCidr: string; nextHop: string }[]> {
  const out = new Map<string, { to: string; destinationCidr: string; nextHop: string }[]>();
  for (const d of domains) {
    if (d.networks.length < 2) continue;
    for (const n of d.networks) {
      const own = parseCidr(String(ix.get(n)?.attrs.cidr));
      if (typeof own === 'string') continue;
      const nextHop = formatIp(own.base + 1);
      const routes = d.networks.filter((o) => o !== n).map((o) => ({ to: o, destinationCidr: String(ix.get(o)?.attrs.cidr), nextHop }));
      out.set(n, routes);
    }
  }
  return out;
}

/**
 * The size in GB of the block volume a `volume` addition asks for; undefined when it gives
 * no size (then it is not a block device but something the provider mounts, kept as
 * configuration); a usage error naming it and the fix when the size is not a whole number.
 */
export function volumeSizeGb(a: LayoutResource): number | undefined {
  const attrs = (a.attrs.attributes ?? {}) as Record<string, unknown>;
  const size = attrs.sizeGb ?? attrs.size_gb ?? attrs.size;
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1)
    throw usageError(
      `Provider ${a.attrs.provider} adds a volume for ${a.attrs.sliver !== undefined ? `Sliver ${a.attrs.sliver}` : `tenant instance ${a.attrs.instance}`} (addition ${a.attrs.sliver !== undefined ? a.model : `${a.model}/${a.attrs.id}`}) with size ${JSON.stringify(size)}. ` +
        `Give the volume's size in whole GB (attributes: { sizeGb: 10 }), or no size for a volume the provider mounts rather than a block device.`,
    );
  return size;
}

/** A Flavor's sizes, checked: each a positive whole number, or a usage error. */
export function flavorSizes(f: LayoutResource, cloud: string): { cores: number; ramMb: number; diskGb: number } {
  const cores = f.attrs.cores as number;
  const ramMb = f.attrs.ram_mb as number;
  const diskGb = f.attrs.disk_gb as number;
  for (const [what, v] of [['cores', cores], ['ramMb', ramMb], ['diskGb', diskGb]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < (what === 'diskGb' ? 0 : 1))
      throw usageError(
        `Flavor ${f.model}: ${what} ${JSON.stringify(v ?? null)} cannot be told to ${cloud}, which takes whole numbers (${what === 'diskGb' ? '0 or more' : '1 or more'}). ` +
          `Give the Flavor whole ${what === 'cores' ? 'cores' : what === 'ramMb' ? 'megabytes of memory' : 'gigabytes of disk'}.`,
      );
  }
  return { cores, ramMb, diskGb };
}

/** A name made of `[A-Za-z0-9_.-]`, for names the clouds restrict. */
export function safeName(s: string, max = 255): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/-+/g, '-').slice(0, max);
}

/** A provider alias from a stack name: letters, digits, `_` and `-`, starting with a letter. */
export function providerAlias(stack: string): string {
  const a = stack.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z]/.test(a) ? a : `c_${a}`;
}
