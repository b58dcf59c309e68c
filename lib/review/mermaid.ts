/**
 * The tenancy graph as a Mermaid flowchart (GitHub renders it in comments): Services as
 * nodes, tenancies as edges from tenant to provider labelled with the connect mode, and
 * what a change adds, changes or removes marked in colour and in words.
 */
import type { ServiceModel, TenantModel, XosModel } from '../model/types';
import { printable } from '../util/printable';

export type Mark = 'added' | 'changed' | 'removed' | 'same';

/** At most this many Services are drawn; beyond, only changed ones and their neighbours. */
export const MAX_NODES = 80;

/** Text safe inside a quoted Mermaid label. */
function label(s: string): string {
  // Control, bidi and invisible characters first made visible, then every character Mermaid or markdown reads.
  return printable(s).replace(/[\\"<>&#|`{}[\]]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\s+/g, ' ');
}

export interface Diagram {
  readonly text: string;
  /** Services left out to keep the picture readable. */
  readonly omitted: number;
}

/**
 * Draw the union of the base and head tenancy graphs. `marks` gives each changed Service
 * and Tenant (by key) its mark; everything else is unchanged.
 */
export function tenancyDiagram(head: XosModel, base: XosModel | undefined, marks: ReadonlyMap<string, Mark>): Diagram | undefined {
  const services = new Map<string, ServiceModel>();
  for (const s of base?.services ?? []) services.set(s.key, s);
  for (const s of head.services) services.set(s.key, s);
  const tenants = new Map<string, TenantModel>();
  for (const t of base?.tenants ?? []) tenants.set(t.key, t);
  for (const t of head.tenants) tenants.set(t.key, t);
  if (!services.size) return undefined;

  let keep = [...services.keys()].sort();
  let omitted = 0;
  if (keep.length > MAX_NODES) {
    const near = new Set<string>();
    for (const k of keep) if ((marks.get(k) ?? 'same') !== 'same') near.add(k);
    for (const t of tenants.values()) {
      if ((marks.get(t.key) ?? 'same') === 'same') continue;
      if (t.tenant) near.add(t.tenant);
      if (t.provider) near.add(t.provider);
    }
    const all = keep.length;
    keep = keep.filter((k) => near.has(k)).slice(0, MAX_NODES);
    omitted = all - keep.length;
    if (!keep.length) return { text: '', omitted };
  }
  const ids = new Map<string, string>();
  keep.forEach((k, i) => ids.set(k, `s${i}`));

  const lines = ['flowchart LR'];
  for (const k of keep) {
    const s = services.get(k)!;
    const m = marks.get(k) ?? 'same';
    const tag = m === 'same' ? '' : ` (${m})`;
    lines.push(`  ${ids.get(k)}["${label(s.name + tag)}"]${m === 'same' ? '' : `:::${m}`}`);
  }
  const edgeStyles: string[] = [];
  let edge = 0;
  for (const t of [...tenants.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const from = t.tenant ? ids.get(t.tenant) : undefined;
    const to = t.provider ? ids.get(t.provider) : undefined;
    if (!from || !to) continue;
    const m = marks.get(t.key) ?? 'same';
    const text = label(`${t.connect}${m === 'same' ? '' : ` (${m})`}`);
    lines.push(`  ${from} ${m === 'removed' ? '-.->' : m === 'added' ? '==>' : '-->'}|"${text}"| ${to}`);
    if (m !== 'same') edgeStyles.push(`  linkStyle ${edge} stroke:${COLOURS[m].stroke},stroke-width:3px`);
    edge++;
  }
  lines.push(...edgeStyles);
  lines.push(
    `  classDef added fill:${COLOURS.added.fill},stroke:${COLOURS.added.stroke},stroke-width:2px`,
    `  classDef changed fill:${COLOURS.changed.fill},stroke:${COLOURS.changed.stroke},stroke-width:2px`,
    `  classDef removed fill:${COLOURS.removed.fill},stroke:${COLOURS.removed.stroke},stroke-width:2px,stroke-dasharray:5 5`,
  );
  return { text: lines.join('\n'), omitted };
}

const COLOURS: Record<Exclude<Mark, 'same'>, { fill: string; stroke: string }> = {
  added: { fill: '#dafbe1', stroke: '#1a7f37' },
  changed: { fill: '#fff8c5', stroke: '#9a6700' },
  removed: { fill: '#ffebe9', stroke: '#cf222e' },
};
