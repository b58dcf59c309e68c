import { Cidr, DERIVED_POOL, overlaps, parseCidr, usableHosts } from '../model/cidr';
import { joinSiteKey, type NetworkModel, type ServiceModel, type SliceModel, type TenantModel } from '../model/types';
import { hostName } from '../synth/layout';
import type { Finding, Rule, RuleContext } from './rule';
import { listNames, nameOf, undeclared } from './util';

/** Parse a port range `low-high` or `port`; a reason string when it is not valid. */
export function parsePorts(text: string): { low: number; high: number } | string {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(text);
  if (!m) return `port range '${text}' is not of the form low-high (for example 5000-5999) or a single port`;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (low < 1 || high > 65535 || low > 65535) return `port range '${text}' is outside 1-65535`;
  if (low > high) return `port range '${text}' has its low end above its high end`;
  return { low, high };
}

/** The Slivers that attach to a Network: those of its owner and of every Slice that joined. */
function attachedSlivers(ctx: RuleContext, n: NetworkModel) {
  return [n.owner, ...n.joined].flatMap((s) => ctx.index.sliversBySlice.get(s) ?? []);
}

/** How many Slivers attach to a Network (as `attachedSlivers(...).length`, with no list made). */
function attachedCount(ctx: RuleContext, n: NetworkModel): number {
  let count = (ctx.index.sliversBySlice.get(n.owner) ?? []).length;
  for (const s of n.joined) count += (ctx.index.sliversBySlice.get(s) ?? []).length;
  return count;
}

export const slcRules: Rule[] = [
  {
    id: 'SLC-001',
    severity: 'error',
    title: 'A Slice belongs to exactly one declared Site; its name is unique within that Site.',
    why: "A Slice's name is how its Site, its users and the back-ends know it; two Slices of one name at one Site are indistinguishable there.",
    fix: 'Rename one of the Slices.',
    origin: 'guide, Virtualization',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const names = new Map<string, SliceModel>();
      for (const s of model.slices) {
        if (!index.has(s.site, 'Site')) {
          yield { path: s.key, message: `Slice ${s.name} does not belong to a declared Site.` };
          continue;
        }
        const id = `${s.site}\u0000${s.name}`;
        const first = names.get(id);
        if (first) yield { path: s.key, message: `Slice name '${s.name}' is already used at Site ${nameOf(index, s.site)} by ${first.key}. Give one of them another name.` };
        else names.set(id, s);
      }
    },
  },
  {
    id: 'SLC-002',
    severity: 'error',
    title: "All Slivers of a Slice boot the Slice's Image (no per-Sliver image).",
    why: 'The Image is defined Slice-wide so that every instance of a service runs the same software.',
    fix: "Remove the Sliver's image, or change the Slice's Image.",
    origin: 'guide, Virtualization ("All Slivers bound to a Slice share the same Image")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const v of model.slivers) {
        const s = index.get<SliceModel>(v.slice);
        if (!s || !v.image || v.image === s.image) continue;
        yield { path: v.key, message: `Sliver ${v.name} boots image ${nameOf(index, v.image)}, but its Slice ${s.name} boots ${nameOf(index, s.image)}. Remove the Sliver's image; every Sliver boots the Slice's Image.` };
      }
    },
  },
  {
    id: 'SLC-003',
    severity: 'error',
    title: 'Every Sliver of a Slice is attached to every Network the Slice owns or has joined (one interface each, in a stable order: eth0, eth1, ...). The synthesizer guarantees it; the validator checks the synthesized result.',
    why: "XOS's invariant: a Slice's Networks appear as interfaces in every Sliver, so software in the Slice can count on them.",
    fix: 'This is the compiler\'s job; a violation is a bug in xos. Report it.',
    origin: 'guide, Virtualization ("all Slivers belonging to the Slice are attached to all Networks")',
    *check({ index, layout }: RuleContext): Iterable<Finding> {
      for (const stack of layout.stacks) {
        const ports = new Map<string, { network: string; index: number }[]>();
        for (const r of stack.resources) {
          if (r.kind !== 'port') continue;
          const l = ports.get(r.model) ?? [];
          l.push({ network: String(r.attrs.network), index: Number(r.attrs.index) });
          ports.set(r.model, l);
        }
        for (const r of stack.resources) {
          if (r.kind !== 'sliver') continue;
          const v = index.get(r.model);
          if (!v || v.kind !== 'Sliver') continue;
          const nets = index.networksOfSlice.get(v.slice) ?? [];
          const got = (ports.get(v.key) ?? []).sort((a, b) => a.index - b.index);
          // Compared in place: the lists are made only for a message.
          let same = got.length === nets.length;
          for (let i = 0; same && i < got.length; i++) same = got[i].index === i && got[i].network === nets[i].key;
          if (!same)
            yield { path: v.key, message: `in stack ${stack.name}, Sliver ${v.name} has interfaces [${got.map((p) => p.network).join(', ')}] but its Slice's Networks are [${nets.map((n) => n.key).join(', ')}] (eth0, eth1, ... in that order).` };
        }
      }
    },
  },
  {
    id: 'SLC-004',
    severity: 'error',
    title: 'A Sliver runs on a declared Node, or on a Deployment when placement is left to the back-end.',
    why: 'An instance must be somewhere: on a physical Node, or on a Deployment whose back-end schedules it.',
    fix: 'Give the Sliver { node } or { deployment }, declared in the same cloud.',
    origin: 'guide, Virtualization ("Each Sliver is instantiated on some physical Node")',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      for (const v of model.slivers) {
        if (v.node) {
          if (!index.has(v.node, 'Node')) yield { path: v.key, message: `Sliver ${v.name} runs on Node ${undeclared(v.node)}, which is not declared in this model.` };
        } else if (!v.deployment) {
          yield { path: v.key, message: `Sliver ${v.name} has no placement. Give it { node } or { deployment }.` };
        } else if (!index.has(v.deployment, 'Deployment')) {
          yield { path: v.key, message: `Sliver ${v.name} is placed on Deployment ${undeclared(v.deployment)}, which is not declared in this model.` };
        } else if (v.site && !index.has(v.site, 'Site')) {
          yield { path: v.key, message: `Sliver ${v.name} is placed at Site ${undeclared(v.site)}, which is not declared in this model.` };
        }
      }
    },
  },
  {
    id: 'SLC-006',
    severity: 'error',
    title: "Every Sliver's derived host name (`<login base>-<slice>-<sliver>`, lower case, a DNS label) is unique in the cloud.",
    why: 'The host name is written into the instance (cloud-init) and names it on its back-end; two Slivers of one host name are mistaken for each other in DNS, in monitoring and by the people who log in, and ids that differ only in case, punctuation or where the dashes fall (Site a-b, Slice web; Site a, Slice b-web) collide.',
    fix: 'Rename one of the Slivers (or its Slice, or give its Site another loginBase) so that the names differ.',
    origin: 'operator judgement (the seeds name instances by slice and host; xos design, cloud-init host name)',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const first = new Map<string, string>();
      for (const v of model.slivers) {
        const s = index.get<SliceModel>(v.slice);
        if (!s || s.kind !== 'Slice') continue;
        const host = hostName(v, s, index);
        const other = first.get(host);
        if (other === undefined) first.set(host, v.key);
        else yield { path: v.key, message: `Sliver ${v.key} gets the host name '${host}', which Sliver ${other} already has. Rename one of them (or its Slice, or its Site's loginBase).` };
      }
    },
  },
];

export const netRules: Rule[] = [
  {
    id: 'NET-001',
    severity: 'error',
    title: "A Network's address space is a valid IPv4 CIDR block, written canonically (no leading zeros), and holds enough addresses for every Sliver that attaches to it; its port range, when given, is valid (1-65535, low <= high). A Network a tenancy derives finds a free block.",
    why: 'Every Sliver on a Network needs an address from its block, and the block the back-ends get must be the one the program means (`010.10.0.0/24` is 8.10.0.0/24 to some tools and 10.10.0.0/24 to others). xos networks are IPv4-only: the targets write IPv4 subnets and security rules, and `xos verify` proves IPv4 flows.',
    fix: 'Fix the CIDR block (an IPv4 block such as 10.0.1.0/24, without leading zeros) or the port range, or use a larger block. For a derived network with no free block, give the tenancy a `cidr`.',
    origin: 'guide, Virtualization ("IP AddrSpace (CIDR block and port range)")',
    *check(ctx: RuleContext): Iterable<Finding> {
      for (const n of ctx.model.networks) {
        if (n.derivedFrom && n.cidr === '') {
          yield {
            path: n.derivedFrom,
            message: `the Network this tenancy derives (${n.key}) has no address block: no /24 of ${DERIVED_POOL} is free of the cloud's other blocks. Give the tenancy a block of its own: tenantOf(provider, { connect, cidr: '10.200.0.0/24' }).`,
          };
          continue;
        }
        const c = parseCidr(n.cidr);
        if (typeof c === 'string') yield { path: n.key, message: `Network ${n.name}: ${c}.` };
        else {
          const need = attachedCount(ctx, n);
          const have = usableHosts(c);
          if (need > have)
            yield { path: n.key, message: `Network ${n.name}: ${n.cidr} has ${have} usable addresses but ${need} Slivers attach to it. Use a larger block (for example /${Math.max(0, 32 - Math.ceil(Math.log2(need + 3)))}).` };
        }
        if (n.ports !== null) {
          const p = parsePorts(n.ports);
          if (typeof p === 'string') yield { path: n.key, message: `Network ${n.name}: ${p}.` };
        }
      }
    },
  },
  {
    id: 'NET-002',
    severity: 'error',
    title: 'Two Networks attached to the same Sliver do not overlap.',
    why: 'A Sliver with two interfaces on overlapping blocks cannot route between them.',
    fix: 'Give one of the Networks a block that does not overlap the other.',
    origin: 'operator judgement (the seeds are silent)',
    *check({ index }: RuleContext): Iterable<Finding> {
      const reported = new Set<string>();
      for (const [slice, nets] of index.networksOfSlice) {
        if (!(index.sliversBySlice.get(slice) ?? []).length) continue;
        const parsed = nets.map((n) => [n, parseCidr(n.cidr)] as const).filter((x): x is readonly [NetworkModel, Cidr] => typeof x[1] !== 'string');
        for (let i = 0; i < parsed.length; i++)
          for (let j = i + 1; j < parsed.length; j++) {
            const [a, ca] = parsed[i];
            const [b, cb] = parsed[j];
            if (!overlaps(ca, cb)) continue;
            const id = `${a.key}\u0000${b.key}`;
            if (!reported.has(id)) {
              reported.add(id);
              yield { path: b.key, message: `Network ${b.name} (${b.cidr}) overlaps Network ${a.name} (${a.cidr}), and the Slivers of Slice ${nameOf(index, slice)} attach to both. Give one of them a block that does not overlap.` };
            }
          }
      }
    },
  },
  {
    id: 'NET-003',
    severity: 'error',
    title:
      "A Slice joins a Network only if the owning Slice lists it among the Slices that may join. A join a tenancy derives (shared-private's `network`, an interconnect's private networks) holds only when the Network's owner is a Slice of the tenancy's tenant or provider: the tenancy is then both sides' consent, and is never recorded as the owner's.",
    why: "A Network is its owner's: others get in only with the owner's consent. A tenancy speaks for its two Services (paper 4.2: the tenancy graph is the operator's security policy), never for a third Service whose Network it would open.",
    fix: "Have the owner allow it (`network.allowJoin(slice)`), or remove the join. For a tenancy, name a Network owned by a Slice of its tenant or provider, or leave `network` out and let the tenancy derive one.",
    origin: 'guide, Virtualization ("a (possibly empty) set of other Slices that may join it"); paper 3.2 and 4.2',
    *check({ model, index }: RuleContext): Iterable<Finding> {
      const owner = (n: NetworkModel) => `Slice ${n.owner}${index.servicesBySlice.get(n.owner) ? ` (Service ${index.servicesBySlice.get(n.owner)!.name})` : ''}`;
      for (const n of model.networks) {
        // Derived joins, by tenancy: one finding per tenancy and Network, naming every Slice.
        const derived = new Map<string, string[]>();
        for (const s of n.joined) {
          const tenancy = n.derivedJoins?.[s];
          if (tenancy !== undefined) {
            const l = derived.get(tenancy);
            if (l) l.push(s);
            else derived.set(tenancy, [s]);
          } else if (!n.permitted.includes(s))
            yield {
              path: s,
              at: joinSiteKey(s, n.key),
              message: `Slice ${s} joined Network ${n.key}, but its owner ${owner(n)} does not allow it. Call allowJoin(...) on the Network where it is declared, or remove the join.`,
            };
        }
        for (const [tenancy, slices] of derived) {
          const t = index.get<TenantModel>(tenancy);
          if (!t || t.kind !== 'Tenant') continue;
          const sides = [t.tenant, t.provider].map((k) => index.get<ServiceModel>(k)).filter((x): x is ServiceModel => x?.kind === 'Service');
          if (sides.some((svc) => svc.slices.includes(n.owner))) continue;
          yield {
            path: t.key,
            message: `this tenancy joins Slice${slices.length > 1 ? 's' : ''} ${listNames(slices)} to Network ${n.key}, owned by ${owner(n)}, which is neither the tenant's nor the provider's and never allowed it. Give the tenancy a Network owned by a Slice of ${sides.map((x) => x.name).join(' or ')}, or leave 'network' out to derive one.`,
          };
        }
      }
    },
  },
  {
    id: 'NET-004',
    severity: 'error',
    title: 'A Network bound to a Site attaches only Slivers at that Site.',
    why: "A site-specific Network is part of that Site's infrastructure and does not reach elsewhere.",
    fix: 'Unbind the Network from the Site, or keep the attached Slices\' Slivers at that Site.',
    origin: 'guide, Virtualization ("for site-specific networks")',
    *check(ctx: RuleContext): Iterable<Finding> {
      for (const n of ctx.model.networks) {
        if (!n.site) continue;
        if (!ctx.index.has(n.site, 'Site')) {
          yield { path: n.key, message: `Network ${n.name} is bound to Site ${undeclared(n.site)}, which is not declared in this model.` };
          continue;
        }
        const away = attachedSlivers(ctx, n).filter((v) => v.site !== n.site);
        if (away.length)
          yield { path: n.key, message: `Network ${n.name} is bound to Site ${nameOf(ctx.index, n.site)}, but Slivers at other Sites attach to it: ${listNames(away.map((v) => `${v.name} (${nameOf(ctx.index, v.site)})`))}.` };
      }
    },
  },
  {
    id: 'NET-005',
    severity: 'warning',
    title: "A public Network's Slivers are reachable from the Internet: say so in the review, and warn when a private connection would have served.",
    why: 'Least privilege: services that only talk to each other should not be reachable from the whole Internet.',
    fix: 'Make the Network private, or acknowledge the rule on it with the reason it must be public.',
    origin: 'paper, 3.2 ("doing so violates the principle of least privilege")',
    *check(ctx: RuleContext): Iterable<Finding> {
      const publicProviders = new Set(ctx.model.tenants.filter((t) => t.connect === 'public' && t.provider).map((t) => t.provider!));
      for (const n of ctx.model.networks) {
        if (!n.public) continue;
        const slices = [n.owner, ...n.joined];
        const count = attachedCount(ctx, n);
        const services = slices.map((s) => ctx.index.servicesBySlice.get(s)?.key).filter((s): s is string => !!s);
        const servesPublic = services.some((s) => publicProviders.has(s));
        yield {
          path: n.key,
          message: `Network ${n.name} is public: its ${count} Sliver${count === 1 ? ' is' : 's are'} reachable from the Internet.${servesPublic ? '' : ' No tenancy reaches its Slices publicly, so a private Network would serve.'}`,
        };
      }
    },
  },
];
