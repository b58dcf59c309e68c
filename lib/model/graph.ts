/** The tenancy graph: order and cycles (TEN-002). */

interface Edge {
  readonly key: string;
  readonly tenant: string | null;
  readonly provider: string | null;
}

/**
 * Tenancies in tenancy order: a tenancy comes after every tenancy of its provider (the
 * provider is set up before those who use it), ties broken by key. Tenancies on a cycle
 * keep key order at the end.
 */
export function tenancyOrder<T extends Edge>(tenants: readonly T[]): T[] {
  const sorted = [...tenants].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // depth of a service = longest chain of providers below it
  const providersOf = new Map<string, string[]>();
  for (const t of sorted) {
    if (!t.tenant || !t.provider) continue;
    const l = providersOf.get(t.tenant) ?? [];
    l.push(t.provider);
    providersOf.set(t.tenant, l);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (s: string): number => {
    const known = depth.get(s);
    if (known !== undefined) return known;
    if (visiting.has(s)) return Number.MAX_SAFE_INTEGER / 2;
    visiting.add(s);
    let d = 0;
    for (const p of providersOf.get(s) ?? []) d = Math.max(d, depthOf(p) + 1);
    visiting.delete(s);
    depth.set(s, d);
    return d;
  };
  return sorted
    .map((t, i) => ({ t, i, d: t.tenant ? depthOf(t.tenant) : 0 }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.t);
}

/** Every elementary cycle found by a depth-first search, each as [A, B, ..., A]; deterministic. */
export function findCycles(edges: readonly Edge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.tenant || !e.provider) continue;
    const l = adj.get(e.tenant) ?? [];
    if (!l.includes(e.provider)) l.push(e.provider);
    adj.set(e.tenant, l);
  }
  for (const l of adj.values()) l.sort();
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of adj.get(n) ?? []) {
      const s = state.get(m);
      if (s === 1) {
        const cyc = stack.slice(stack.indexOf(m));
        // normalise: rotate so the smallest name comes first, to report each cycle once
        const min = cyc.reduce((a, b) => (b < a ? b : a));
        const i = cyc.indexOf(min);
        const rot = [...cyc.slice(i), ...cyc.slice(0, i)];
        const id = rot.join('\u0000');
        if (!seen.has(id)) {
          seen.add(id);
          cycles.push([...rot, rot[0]]);
        }
      } else if (s === undefined) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of [...adj.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}
