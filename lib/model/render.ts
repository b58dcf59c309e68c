/**
 * Helpers with which each construct renders its own part of the model (`toModel`): plain-JSON
 * copies, secret references, ports and pools as the model keeps them. Pure functions of the
 * values they get; nothing here knows the construct tree.
 */
import { Secret } from '../../constructs/secret';
import { setKey } from './dict';
import type { PoolModel, SecretRef, ServicePort } from './types';

export { withoutUndefined as clean } from './dict';

/** A Service's pools as the model keeps them: by attribute, `per` a list. */
export function poolModels(pools: Readonly<Record<string, unknown>>): PoolModel[] {
  const out: PoolModel[] = [];
  for (const attribute of Object.keys(pools).sort()) {
    const p = (pools[attribute] ?? {}) as Record<string, unknown>;
    const per = p.per === undefined ? [] : typeof p.per === 'string' ? [p.per] : Array.isArray(p.per) ? p.per.map(String) : [String(p.per)];
    if (p.block !== undefined) out.push({ attribute, per, block: String(p.block), prefix: Number(p.prefix) });
    else out.push({ attribute, per, range: (Array.isArray(p.range) ? [Number(p.range[0]), Number(p.range[1])] : [NaN, NaN]) as [number, number] });
  }
  return out;
}

/** The ports a Service serves, as the model keeps them: sorted, each with its protocol. */
export function servicePorts(ports: readonly unknown[]): ServicePort[] {
  const out: ServicePort[] = [];
  for (const p of ports) {
    if (typeof p === 'number') out.push({ port: p, protocol: 'tcp' });
    else if (p && typeof p === 'object') {
      const o = p as { port?: unknown; protocol?: unknown };
      out.push({ port: Number(o.port), protocol: (o.protocol ?? 'tcp') as ServicePort['protocol'] });
    } else out.push({ port: Number(p), protocol: 'tcp' });
  }
  return out.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** A Network's port range as the model writes it: `low-high`, a single port, or null for all. */
export function portsText(p: unknown): string | null {
  if (p === undefined || p === null) return null;
  if (typeof p === 'object') {
    const o = p as { low?: unknown; high?: unknown };
    return `${o.low}-${o.high}`;
  }
  return String(p);
}

/** Credentials as references, by name: a literal keeps no value. */
export function secretRefs(creds: Readonly<Record<string, unknown>>): Record<string, SecretRef> {
  const out: Record<string, SecretRef> = {};
  for (const k of Object.keys(creds).sort()) setKey(out, k, Secret.toRef(creds[k]));
  return out;
}

/**
 * An instance's attributes for the model: the object itself when it is flat plain data (strings,
 * numbers, booleans, null: nearly every instance, from data rows), else a plain-JSON copy. A
 * hundred thousand instances need not each be copied.
 */
export function flatOrCopy(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (Object.getPrototypeOf(attributes) === Object.prototype || Object.getPrototypeOf(attributes) === null) {
    let flat = true;
    for (const k in attributes) {
      const v = attributes[k];
      if (v !== null && typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
        flat = false;
        break;
      }
    }
    if (flat) return attributes as Record<string, unknown>;
  }
  return jsonCopy(attributes) as Record<string, unknown>;
}

/** A plain-JSON copy; Secrets become their references, functions and undefined vanish. */
export function jsonCopy(x: unknown): unknown {
  if (Secret.isSecret(x)) return { ...x.ref };
  if (Array.isArray(x)) {
    // Pushed, not mapped: V8 makes some mapped arrays holey, which serialize unlike the same
    // values packed, and --watch would check the same model again (see CompileMemo).
    const out: unknown[] = [];
    for (const v of x) out.push(jsonCopy(v));
    return out;
  }
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (v === undefined || typeof v === 'function') continue;
      setKey(out, k, jsonCopy(v));
    }
    return out;
  }
  if (typeof x === 'bigint') return x.toString();
  return x;
}
