/** Reading Terraform JSON (cdk.tf.json): elements by type, and the references between them. */

export type Tf = Record<string, any>;
export type Body = Record<string, any>;

/** The resources (or data sources) of one type: [address, body]. */
export function elements(tf: Tf, type: string, data = false): [string, Body][] {
  const table = (data ? tf.data : tf.resource)?.[type];
  if (!table || typeof table !== 'object') return [];
  return Object.keys(table)
    .sort()
    .map((name) => [`${data ? 'data.' : ''}${type}.${name}`, table[name] as Body]);
}

/** Every resource type the stack declares. */
export function resourceTypes(tf: Tf): string[] {
  return Object.keys(tf.resource ?? {}).sort();
}

const ONE_REF = /^\$\{((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/;

/** The element a value refers to when it is exactly one reference `${type.name.attr}` (or `${data.type.name.attr}`). */
export function refOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = ONE_REF.exec(v);
  return m ? m[1] : undefined;
}

/** Each element a list of values refers to; values that are not references are returned as they are, marked. */
export function refsOf(v: unknown): { refs: string[]; literals: string[] } {
  const refs: string[] = [];
  const literals: string[] = [];
  for (const x of Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]) {
    const r = refOf(x);
    if (r) refs.push(r);
    else literals.push(String(x));
  }
  return { refs, literals };
}

/** A Terraform boolean as written (true, "true"), with its default. */
export function bool(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return dflt;
}

/** Add to a map of lists (in place: never a copy per element). */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
