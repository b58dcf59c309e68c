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
  const ON_CYCLE = Number.MAX_SAFE_INTEGER / 2;
  // Depth-first, with an explicit stack: a chain of tenancies tens of thousands long must not
  // overflow the call stack.
  const depthOf = (start: string): number => {
    const known = depth.get(start);
    if (known !== undefined) return known;
    const frames: { node: string; next: number; d: number }[] = [{ node: start, next: 0, d: 0 }];
    visiting.add(start);
    while (frames.length) {
      const top = frames[frames.length - 1];
      const providers = providersOf.get(top.node) ?? [];
      if (top.next < providers.length) {
        const p = providers[top.next++];
        const k = depth.get(p);
        if (k !== undefined) top.d = Math.max(top.d, k + 1);
        else if (visiting.has(p)) top.d = Math.max(top.d, ON_CYCLE + 1);
        else {
          visiting.add(p);
          frames.push({ node: p, next: 0, d: 0 });
        }
        continue;
      }
      frames.pop();
      visiting.delete(top.node);
      depth.set(top.node, top.d);
      const parent = frames[frames.length - 1];
      if (parent) parent.d = Math.max(parent.d, top.d + 1);
    }
    return depth.get(start)!;
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
  const record = (m: string) => {
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
  };
  // Depth-first with an explicit stack of frames (no recursion: long chains must not overflow).
  const visit = (root: string) => {
    const frames: { node: string; next: number }[] = [{ node: root, next: 0 }];
    state.set(root, 1);
    stack.push(root);
    while (frames.length) {
      const top = frames[frames.length - 1];
      const next = adj.get(top.node) ?? [];
      if (top.next < next.length) {
        const m = next[top.next++];
        const s = state.get(m);
        if (s === 1) record(m);
        else if (s === undefined) {
          state.set(m, 1);
          stack.push(m);
          frames.push({ node: m, next: 0 });
        }
        continue;
      }
      frames.pop();
      stack.pop();
      state.set(top.node, 2);
    }
  };
  for (const n of [...adj.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}
