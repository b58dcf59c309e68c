/**
 * The address blocks of an `ec2` stack's VPC, and what EC2 would refuse about them: shared by
 * the aws target (which writes them) and the rules (which report the refusals at validate
 * time, TGT-001), so that synthesis never fails on a model that validated. No cdktf here.
 *
 * - Subnet and VPC blocks are /16 to /28.
 * - A VPC holds blocks of one RFC 1918 range only (10/8, 172.16/12 or 192.168/16: EC2 refuses
 *   to add a block of another), and none of 198.19.0.0/16 beside them; publicly routable and
 *   100.64.0.0/10 blocks may be added to any.
 * - Each RFC 1918 Network is covered by its /16 (so that a stack of many /24s needs few VPC
 *   blocks: EC2 allows five per VPC unless the quota is raised); other blocks are taken as
 *   they are (a wider public block would shadow Internet addresses inside the VPC). The
 *   primary block is an RFC 1918 one when there is one (EC2 refuses RFC 1918 blocks beside a
 *   public primary).
 * - A NAT gateway needs a subnet of its own that routes to the internet gateway: a /28 of
 *   100.64.0.0/10 that no Network uses, added to the VPC.
 */
import { contains, enclosing, formatCidr, overlaps, parseCidr, rfc1918Range, type Cidr } from '../../model/cidr';

/** VPC and subnet blocks on EC2 are /16 to /28. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

const BENCHMARK = parseCidr('198.19.0.0/16') as Cidr;
const SHARED = parseCidr('100.64.0.0/10') as Cidr;

export interface VpcNetwork {
  /** The Network's model key, for messages. */
  readonly model: string;
  readonly cidr: string;
}

export interface VpcProblem {
  readonly kind: 'prefix' | 'ranges';
  /** The Network the problem is about. */
  readonly model: string;
  readonly message: string;
}

export interface VpcPlan {
  /** The VPC's blocks, the primary first. */
  readonly blocks: readonly string[];
  /** For each Network (by model key), the VPC block that holds it. */
  readonly blockOf: ReadonlyMap<string, string>;
  readonly problems: readonly VpcProblem[];
}

/** The VPC blocks of one stack's Networks (overlaps between them are NET-006's to report). */
export function planVpc(networks: readonly VpcNetwork[]): VpcPlan {
  const problems: VpcProblem[] = [];
  const blocks: { block: Cidr; range?: string }[] = [];
  const blockOf = new Map<string, string>();
  const ranges = new Map<string, string>(); // range -> first Network in it
  let benchmark: string | undefined;
  for (const n of networks) {
    const c = parseCidr(n.cidr);
    if (typeof c === 'string') continue; // NET-001's to report
    if (c.prefix < MIN_PREFIX || c.prefix > MAX_PREFIX) {
      problems.push({
        kind: 'prefix',
        model: n.model,
        message: `Network ${n.model}: address space ${n.cidr} cannot be told to EC2, whose VPC and subnet blocks are /${MIN_PREFIX} to /${MAX_PREFIX}. Give the Network a block in that range (for example 10.0.1.0/24).`,
      });
      continue;
    }
    const range = rfc1918Range(c);
    if (range && !ranges.has(range)) ranges.set(range, n.model);
    if (contains(BENCHMARK, c)) benchmark ??= n.model;
    const cover = range ? enclosing(c, MIN_PREFIX) : c;
    const have = blocks.find((b) => contains(b.block, cover));
    if (have) blockOf.set(n.model, formatCidr(have.block));
    else {
      // A wider cover replaces blocks it holds (two /24s of one /16 met in either order).
      for (let i = blocks.length - 1; i >= 0; i--) if (contains(cover, blocks[i].block)) blocks.splice(i, 1);
      blocks.push({ block: cover, ...(range ? { range } : {}) });
      blockOf.set(n.model, formatCidr(cover));
    }
  }
  if (ranges.size > 1 || (ranges.size && benchmark)) {
    const [[firstRange, first], ...rest] = [...ranges];
    const other = rest.length ? `${rest[0][1]} (in ${rest[0][0]})` : `${benchmark} (in 198.19.0.0/16)`;
    problems.push({
      kind: 'ranges',
      model: rest.length ? rest[0][1] : benchmark!,
      message: `Networks ${first} (in ${firstRange}) and ${other} are in one EC2 back-end, whose VPC may not hold blocks of two private ranges. Give them blocks of one range (for example all in 10.0.0.0/8; a tenancy's derived Network takes the tenancy's cidr).`,
    });
  }
  // Every Network's block is the one holding it (covers may have grown after it was seen).
  for (const n of networks) {
    const c = parseCidr(n.cidr);
    if (typeof c === 'string') continue;
    const b = blocks.find((x) => contains(x.block, c));
    if (b) blockOf.set(n.model, formatCidr(b.block));
  }
  const ordered = [...blocks.filter((b) => b.range), ...blocks.filter((b) => !b.range)];
  return { blocks: ordered.map((b) => formatCidr(b.block)), blockOf, problems };
}

/** A /28 of 100.64.0.0/10 for the NAT gateway's subnet that overlaps none of `taken`. */
export function egressBlock(taken: readonly string[]): string {
  const blocks = taken.map(parseCidr).filter((c): c is Cidr => typeof c !== 'string');
  // From the top of the shared range down: Networks are rarely numbered from there.
  for (let base = SHARED.base + SHARED.size - 16; base >= SHARED.base; base -= 16) {
    const cand: Cidr = { base, prefix: 28, size: 16 };
    if (!blocks.some((b) => overlaps(b, cand))) return formatCidr(cand);
  }
  // 100.64.0.0/10 entirely taken by the stack's own Networks: the NAT subnet goes among them.
  throw new Error('internal: no /28 of 100.64.0.0/10 is free for the NAT gateway subnet');
}
