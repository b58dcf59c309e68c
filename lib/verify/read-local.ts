/**
 * The local target: every layout resource is a `terraform_data` whose `input` records what it
 * is (`xos_kind`) and its references (`*_id`, `*_ids`). Its semantics are the layout's own,
 * with no defaults (docs/flows.md, "Semantics"): a port is filtered by exactly the groups it
 * lists (none: nothing passes); a group has exactly its rules (stateful); a rule without
 * `remote_group_id` matches `remote_cidr`; an `interconnect` gateway routes between its two
 * Networks, an `internet` gateway gives its Network a route out (`translation: none`: its
 * addresses are public; `nat`: translated); an `address` is a public address on its port.
 */
import { parseCidr } from '../model/cidr';
import type { Group, GroupRule, Nic, Remote, Router, Segment, StackGraph } from './graph';
import { ruleSet } from './ports';
import { elements, refOf, refsOf, type Body, type Tf } from './tf';
import { pushTo } from './tf';

export function readLocal(tf: Tf, stack: string): StackGraph {
  const byKind = new Map<string, [string, Body][]>();
  for (const [a, b] of elements(tf, 'terraform_data')) {
    const input = b.input;
    if (!input || typeof input !== 'object' || typeof input.xos_kind !== 'string') continue;
    pushTo(byKind, input.xos_kind, [a, input as Body]);
  }
  const of = (k: string) => byKind.get(k) ?? [];

  const routers = new Map<string, Router>();
  const routersOf = new Map<string, string[]>();
  const join = (router: string, seg: string | undefined) => {
    if (seg) pushTo(routersOf, seg, router);
  };
  const routes = new Map<string, { translation: string; gateway: string }>();
  for (const [a, g] of of('gateway')) {
    if (g.role === 'interconnect') {
      const ends = [refOf(g.tenant_network_id), refOf(g.provider_network_id)].filter((x): x is string => !!x);
      routers.set(a, { address: a, segments: ends });
      for (const e of ends) join(a, e);
    } else if (g.role === 'internet') {
      const n = refOf(g.network_id);
      if (n) routes.set(n, { translation: String(g.translation), gateway: a });
    }
  }
  const segments = new Map<string, Segment>();
  for (const [a, n] of of('network')) {
    const cidr = parseCidr(String(n.cidr ?? ''));
    const route = routes.get(a);
    segments.set(a, {
      address: a,
      ...(typeof n.xos_key === 'string' ? { network: n.xos_key } : {}),
      ...(typeof cidr !== 'string' ? { cidr } : {}),
      routers: routersOf.get(a) ?? [],
      ...(route ? { addressRoute: route.gateway, ...(route.translation === 'none' ? { publicRoute: route.gateway } : { translatedRoute: route.gateway }) } : {}),
    });
  }

  const rules = new Map<string, GroupRule[]>();
  for (const [a, r] of of('secrule')) {
    const g = refOf(r.group_id);
    if (!g) continue;
    const remote: Remote = r.remote_group_id !== undefined ? (refOf(r.remote_group_id) ? { kind: 'group', group: refOf(r.remote_group_id)! } : { kind: 'unknown', text: String(r.remote_group_id) }) : cidrRemote(r.remote_cidr);
    pushTo(rules, g, { address: a, direction: r.direction === 'egress' ? 'egress' : 'ingress', ports: ruleSet(r.protocol, r.port_min, r.port_max), remote });
  }
  const groups = new Map<string, Group>();
  for (const [a] of of('secgroup')) groups.set(a, { address: a, rules: rules.get(a) ?? [], stateful: true });

  const slivers = new Map(of('sliver').map(([a, v]) => [a, typeof v.xos_key === 'string' ? v.xos_key : a]));
  const addresses = new Map<string, string>();
  for (const [a, x] of of('address')) {
    const p = refOf(x.port_id);
    if (p) addresses.set(p, a);
  }
  const nics: Nic[] = [];
  for (const [a, p] of of('port')) {
    const sliverRes = refOf(p.sliver_id);
    const seg = refOf(p.network_id);
    if (!seg || !segments.has(seg)) continue;
    const sliver = (sliverRes && slivers.get(sliverRes)) ?? (typeof p.sliver === 'string' ? p.sliver : a);
    const listed = refsOf(p.security_groups_ids).refs.filter((g) => groups.has(g));
    nics.push({ address: a, sliver, index: Number(p.index ?? 0), segment: seg, groups: listed, ...(addresses.has(a) ? { publicAddress: addresses.get(a) } : {}) });
  }
  return { stack, target: 'local', segments, groups, nics, routers, unknown: [] };
}

function cidrRemote(text: unknown): Remote {
  if (text === undefined || text === null) return { kind: 'any' };
  const c = parseCidr(String(text));
  if (typeof c === 'string') return { kind: 'unknown', text: String(text) };
  return c.prefix === 0 ? { kind: 'any' } : { kind: 'cidr', cidr: c, text: String(text) };
}
