/**
 * The network of one stack as the back-end would build it from its Terraform JSON, in terms
 * the analysis shares across back-ends (the readers, read-*.ts, carry each back-end's
 * semantics into it):
 *
 * - a segment is a subnet: its address block, the Network (model key) its tags name, the
 *   routers that join it, whether its fixed addresses are reachable from the Internet as
 *   they are, and how (if at all) it sends to the Internet;
 * - an interface (NIC) is a port or ENI of a Sliver, on one segment, with the security groups
 *   that filter it (or none at all when port security is off), and its public address;
 * - a security group is a list of rules, stateful or not;
 * - a router joins segments: a packet goes from one segment to another only through a
 *   router that has an interface on both (no route between routers is assumed).
 *
 * Every object keeps the Terraform address it comes from, to name it in messages.
 */
import type { Cidr } from '../model/cidr';
import type { PortSet } from './ports';

export type Remote =
  | { readonly kind: 'any' }
  | { readonly kind: 'cidr'; readonly cidr: Cidr; readonly text: string }
  | { readonly kind: 'group'; readonly group: string }
  /** A remote the stack cannot tell (a literal id, an unknown reference): may match anything. */
  | { readonly kind: 'unknown'; readonly text: string };

export interface GroupRule {
  /** Terraform address of the rule (or of the group, for inline and default rules, with a suffix). */
  readonly address: string;
  readonly direction: 'ingress' | 'egress';
  readonly ports: PortSet;
  readonly remote: Remote;
  /** IPv6 rules are kept out of the analysis (xos is IPv4-only), but named when they are all there is. */
  readonly ipv6?: boolean;
}

export interface Group {
  /** Terraform address, or a synthetic name for a back-end's implicit default group. */
  readonly address: string;
  readonly rules: readonly GroupRule[];
  readonly stateful: boolean;
  /** Why the group is there when the stack does not declare it (a default group). */
  readonly implicit?: string;
}

export interface Segment {
  readonly address: string;
  /** The Network (model key) the subnet belongs to, from its tags. */
  readonly network?: string;
  readonly cidr?: Cidr;
  /** Routers (addresses) with an interface on the segment. */
  readonly routers: readonly string[];
  /** The segment's fixed addresses are reachable from the Internet as they are (public, routed without translation): the resource that routes them. */
  readonly publicRoute?: string;
  /** How the segment reaches the Internet without a public address of its own (SNAT, NAT gateway): the resource that translates. */
  readonly translatedRoute?: string;
  /** The resource through which a public address on the segment is reached (the router's external gateway, the internet gateway). */
  readonly addressRoute?: string;
  /** The segment carries nothing (network or subnet administratively down). */
  readonly down?: string;
}

export interface Nic {
  /** Terraform address of the port or ENI. */
  readonly address: string;
  /** The Sliver (model key) it belongs to. */
  readonly sliver: string;
  /** Interface order (eth0 = 0). */
  readonly index: number;
  readonly segment: string;
  /** Security groups (addresses), or `unfiltered` when port security is off. */
  readonly groups: readonly string[] | 'unfiltered';
  /** The public address on the interface (floating IP, Elastic IP), by address. */
  readonly publicAddress?: string;
  /** Why it passes nothing (administratively down). */
  readonly down?: string;
}

export interface Router {
  readonly address: string;
  readonly segments: readonly string[];
  readonly down?: string;
}

export interface StackGraph {
  readonly stack: string;
  readonly target: 'openstack' | 'aws' | 'local';
  readonly segments: ReadonlyMap<string, Segment>;
  readonly groups: ReadonlyMap<string, Group>;
  readonly nics: readonly Nic[];
  readonly routers: ReadonlyMap<string, Router>;
  /** What the reader could not analyze: resources it does not model that could change what passes. */
  readonly unknown: readonly { readonly address: string; readonly reason: string }[];
}

/** The router that joins two segments, or undefined (the same segment needs none: returns ''). */
export function l3Path(g: StackGraph, a: string, b: string): string | undefined {
  if (a === b) return '';
  const sa = g.segments.get(a);
  const sb = g.segments.get(b);
  if (!sa || !sb) return undefined;
  for (const r of sa.routers) if (sb.routers.includes(r) && !g.routers.get(r)?.down) return r;
  return undefined;
}
