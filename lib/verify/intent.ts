/**
 * The flows the model intends (docs/flows.md, generated from FLOW_SOURCES below): computed
 * from the model alone, never from the layout or the output, over classes of Slivers (the
 * Slivers of one Slice on one back-end are alike to the model), never over pairs of Slivers.
 *
 * A flow is (source, destination Sliver, the Network the destination is reached on, the
 * protocols and ports). The source is a Sliver or the Internet.
 */
import type { ModelIndex } from '../model/index';
import type { ServiceModel, TenantModel, XosModel } from '../model/types';
import { endpointNetwork, isPublicNetwork, networkPortRange, providerNetworkOf } from '../synth/layout-net';
import { stacksOfSlivers } from '../rules/flow';
import { PortSet, rangeSet, servicePortSet } from './ports';

/** Why a flow is intended: what declared it, and the seed sentence it rests on (docs/flows.md). */
export interface Reason {
  readonly kind: keyof typeof FLOW_SOURCES;
  /** The model object that declares it (a Network, a tenancy). */
  readonly by: string;
}

/** The Slivers of one Slice on one back-end. */
export interface IntentClass {
  readonly stack: string;
  readonly slice: string;
  readonly slivers: readonly string[];
}

export interface Intended {
  ports: PortSet;
  readonly reasons: Reason[];
}

export interface Intent {
  /** Classes by `${stack}\0${slice}`. */
  readonly classes: ReadonlyMap<string, IntentClass>;
  /** Direct flows within a back-end: `${stack}\0${srcSlice}\0${dstSlice}\0${network}`. */
  readonly direct: ReadonlyMap<string, Intended>;
  /** From the Internet: `${stack}\0${dstSlice}\0${network}`. */
  readonly internet: ReadonlyMap<string, Intended>;
  /** Over the Internet, Sliver to Sliver (public tenancies): checked to be admitted. */
  readonly viaInternet: readonly { readonly src: string; readonly dst: string; readonly network: string; readonly ports: PortSet; readonly tenancy: string }[];
  /** Over the Internet to an external Service (no Slivers): the tenant must be able to send. */
  readonly external: readonly { readonly src: string; readonly service: string; readonly ports: PortSet; readonly tenancy: string }[];
  /** Each tenancy's intended direct or Internet flows (class keys), for the summary. */
  readonly byTenancy: ReadonlyMap<string, { readonly direct: string[]; readonly internet: string[]; readonly via: number[]; readonly external: number[] }>;
}

/**
 * The sentences of the seeds each kind of intended flow rests on. docs/flows.md is generated
 * from this table (`npm run docs`; a test fails when it is stale), so the doc and the code
 * cannot drift apart.
 */
export const FLOW_SOURCES = {
  network: {
    title: "A Network's participating Slivers reach each other",
    flows: "Every Sliver of the Network's owner Slice and of each Slice that joined it by itself (`slice.join`, with the owner's `allowJoin`) reaches every other such Sliver on the same back-end, on the Network, with every protocol (or tcp and udp on the Network's port range).",
    seeds: [
      ['guide, Virtualization', '"Network: A virtual network associated with a Slice. Each Network also specifies a (possibly empty) set of other Slices that may join it, has an IP AddrSpace (CIDR block and port range) by which all Slivers are addressed"'],
      ['guide, Virtualization', '"XOS maintains the invariant that all Slivers belonging to the Slice are attached to all Networks associated with the Slice"'],
      ['paper, 3.1', '"a set of Virtual Networks (VN), each of which is embedded in the underlying physical network and interconnects the VMs in the slice"'],
      ['paper, 3.2', '"Such a shared VN interconnects the union of all VMs belonging to the participating slices."'],
    ],
  },
  joined: {
    title: 'A Slice a tenancy joined to a Network reaches only its own Slivers there',
    flows: "A Slice joined to a Network by a tenancy (shared-private's network, an interconnect's private network of its Service) reaches its own Slivers on it, like any Slice on each of its Networks; it reaches the other Slices there only as the tenancy says (below).",
    seeds: [
      ['guide, Virtualization', '"Bound to a set of Networks that connect the Slice\'s Slivers."'],
      ['paper, 3.2', '"doing so violates the principle of least privilege"'],
    ],
  },
  'shared-private': {
    title: "A shared-private tenant reaches its provider on the provider's ports, over the shared Network",
    flows: "Each tenant Sliver reaches each provider Sliver on the same back-end, on the shared Network, on the provider's declared ports; nothing else between them (not provider to tenant, not other ports).",
    seeds: [
      ['paper, 3.2', '"The second is to create a single VN that is shared by two or more slices."'],
      ['paper, 3.2', '"for two services to compose means that the constituent service instances (i.e., VMs) must be able to communicate with each other"'],
      ['paper, 4.2', '"the tenancy objects that the graph model include directives about how services are connected in the data plane—that is, how they are connected by isolated virtual networks"'],
    ],
  },
  'interconnect-private': {
    title: "An interconnect-private tenant reaches its provider on the provider's ports, through a gateway between the two Services' networks",
    flows: "Each tenant Sliver reaches each provider Sliver on the same back-end, on the provider's private Network, through the logical gateway joining it to the tenant's, on the provider's declared ports; nothing else.",
    seeds: [
      ['paper, 3.2', '"The third leverages OpenVirteX to install the appropriate flow rules in the underlying switches so as to pass packets from one VN to another. The \\"gateway\\" between the two VNs is logical"'],
    ],
  },
  public: {
    title: "A public tenant reaches its provider at the provider's public address; the Internet reaches it there on the provider's ports",
    flows: "Every Sliver of a provider reached publicly answers on the Internet on its declared ports, at a public address on one of its interfaces (the first on a public or translated Network, else eth0); each tenant Sliver reaches each provider Sliver there (so it can send to the Internet). An external provider (a Controller and no Slice) is reached by the tenant's Slivers sending to the Internet on its ports (every port when it declares none).",
    seeds: [
      ['paper, 3.2', '"The first is the default on commodity clouds: the services communicate over the public Internet."'],
      ["xos's invariants", '"public: no shared network; the provider must be reachable at a public address."'],
    ],
  },
  'public-network': {
    title: 'The Internet reaches the Slivers of a public Network',
    flows: "Every Sliver attached to a public Network (its own flag, or its template's visibility) is reached from the Internet on the Network, with every protocol (or tcp and udp on the Network's port range). NET-005 warns about each such Network.",
    seeds: [
      ['guide, Virtualization', '"is designated at Public or Private depending on whether its addresses are publicly routable"'],
      ['paper, 4.3', '"the vCPE and CDN services are connected by a second VN that is publicly routable. vBNG is the scalable service that implements routing for this second VN"'],
    ],
  },
} as const;

const key = (...parts: string[]) => parts.join('\u0000');

/** Compute what the model intends. */
export function intendedFlows(model: XosModel, index: ModelIndex): Intent {
  const stackOf = stacksOfSlivers(model, index);
  const classes = new Map<string, { stack: string; slice: string; slivers: string[] }>();
  const stacksOfSlice = new Map<string, Set<string>>();
  for (const v of model.slivers) {
    const st = stackOf.get(v.key);
    if (st === undefined || !index.has(v.slice, 'Slice')) continue;
    const k = key(st, v.slice);
    const c = classes.get(k);
    if (c) c.slivers.push(v.key);
    else classes.set(k, { stack: st, slice: v.slice, slivers: [v.key] });
    let s = stacksOfSlice.get(v.slice);
    if (!s) stacksOfSlice.set(v.slice, (s = new Set()));
    s.add(st);
  }
  const direct = new Map<string, Intended>();
  const internet = new Map<string, Intended>();
  const viaInternet: Intent['viaInternet'][number][] = [];
  const external: Intent['external'][number][] = [];
  const byTenancy = new Map<string, { direct: string[]; internet: string[]; via: number[]; external: number[] }>();
  const tenancyRow = (t: string) => {
    let r = byTenancy.get(t);
    if (!r) byTenancy.set(t, (r = { direct: [], internet: [], via: [], external: [] }));
    return r;
  };
  const add = (m: Map<string, Intended>, k: string, ports: PortSet, reason: Reason) => {
    if (ports.isEmpty()) return;
    const cur = m.get(k);
    if (cur) {
      cur.ports = cur.ports.union(ports);
      if (!cur.reasons.some((r) => r.kind === reason.kind && r.by === reason.by)) cur.reasons.push(reason);
    } else m.set(k, { ports, reasons: [reason] });
  };
  const stacks = (slice: string) => [...(stacksOfSlice.get(slice) ?? [])].sort();

  // Networks: their participating Slivers, each set on each back-end.
  for (const n of model.networks) {
    const ports = rangeSet(networkPortRange(n));
    const own = [n.owner, ...n.joined.filter((s) => n.derivedJoins?.[s] === undefined)];
    for (const a of own) for (const b of own) for (const st of stacks(a)) if (stacksOfSlice.get(b)?.has(st)) add(direct, key(st, a, b, n.key), ports, { kind: 'network', by: n.key });
    for (const s of n.joined) if (n.derivedJoins?.[s] !== undefined) for (const st of stacks(s)) add(direct, key(st, s, s, n.key), ports, { kind: 'joined', by: n.key });
    if (isPublicNetwork(index, n)) for (const s of [n.owner, ...n.joined]) for (const st of stacks(s)) add(internet, key(st, s, n.key), ports, { kind: 'public-network', by: n.key });
  }

  // Tenancies: one place maps each connect mode to what it intends.
  for (const t of model.tenants) {
    const tenant = index.get<ServiceModel>(t.tenant);
    const provider = index.get<ServiceModel>(t.provider);
    if (tenant?.kind !== 'Service' || provider?.kind !== 'Service' || tenant === provider) continue;
    const ports = provider.slices.length ? servicePortSet(provider.ports) : provider.ports.length ? servicePortSet(provider.ports) : PortSet.ALL;
    for (const f of tenancyFlows(t, provider, index)) {
      const row = tenancyRow(t.key);
      if (f.kind === 'direct') {
        for (const ts of tenant.slices)
          for (const ps of provider.slices)
            for (const st of stacks(ts)) {
              if (!stacksOfSlice.get(ps)?.has(st)) continue; // another back-end: FLOW-003
              const k = key(st, ts, ps, f.network);
              add(direct, k, ports, { kind: t.connect as Reason['kind'], by: t.key });
              row.direct.push(k);
            }
      } else if (f.kind === 'endpoint') {
        for (const ps of provider.slices) {
          const n = endpointNetwork(index, ps);
          if (!n) continue; // no Network: TGT-001
          for (const st of stacks(ps)) {
            const k = key(st, ps, n.key);
            add(internet, k, ports, { kind: 'public', by: t.key });
            row.internet.push(k);
            for (const ts of tenant.slices)
              for (const tst of stacks(ts)) {
                row.via.push(viaInternet.length);
                viaInternet.push({ src: key(tst, ts), dst: key(st, ps), network: n.key, ports, tenancy: t.key });
              }
          }
        }
      } else if (f.kind === 'external') {
        for (const ts of tenant.slices)
          for (const st of stacks(ts)) {
            row.external.push(external.length);
            external.push({ src: key(st, ts), service: provider.key, ports, tenancy: t.key });
          }
      }
    }
  }
  return { classes, direct, internet, viaInternet, external, byTenancy };
}

/** What one tenancy's connect mode asks for: the one place that maps connect modes to flows. */
function tenancyFlows(t: TenantModel, provider: ServiceModel, index: ModelIndex): ({ kind: 'direct'; network: string } | { kind: 'endpoint' } | { kind: 'external' })[] {
  switch (t.connect) {
    case 'shared-private':
    case 'interconnect-private': {
      const pn = providerNetworkOf(t);
      return pn && index.has(pn, 'Network') ? [{ kind: 'direct', network: pn }] : [];
    }
    case 'public':
      return provider.slices.length ? [{ kind: 'endpoint' }] : [{ kind: 'external' }];
    default:
      // Anything else (a control-plane-only tenancy) carries no data-plane flow.
      return [];
  }
}

/** The Slivers of a class. */
export function classSlivers(intent: Intent, k: string): readonly string[] {
  return intent.classes.get(k)?.slivers ?? [];
}

