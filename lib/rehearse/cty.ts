/**
 * Terraform's values as the provider protocol carries them (cty): types in their JSON form
 * (`"string"`, `["list","string"]`, `["object",{...}]` ...), and values encoded as
 * MessagePack (or JSON) by the type the schema gives, with cty's conventions: an unknown
 * value is any extension (code 12 carries refinements, ignored here), a `dynamic` value is
 * `[type JSON bytes, value]` (in JSON `{ "type": ..., "value": ... }`). See Terraform's
 * docs/plugin-protocol/object-wire-format.md for the format. Hand-written because cty is a Go
 * library and no npm package implements its wire conventions (none found searching the
 * registry's package list for cty, tfplugin or terraform-plugin).
 */
import { decodeMsgpack, MsgpackExt, MsgpackWriter, type Msgpack } from './msgpack';

export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | readonly ['list' | 'set' | 'map', CtyType]
  | readonly ['object', { readonly [name: string]: CtyType }]
  | readonly ['object', { readonly [name: string]: CtyType }, readonly string[]]
  | readonly ['tuple', readonly CtyType[]];

/** A value Terraform decides only at apply time. */
export class Unknown {
  private constructor() {}
  public static readonly value = new Unknown();
  public toJSON(): string {
    return '(known after apply)';
  }
}
export const UNKNOWN = Unknown.value;

/** A value of a `dynamic` attribute: its type travels with it. */
export class Dynamic {
  constructor(
    public readonly type: CtyType,
    public readonly value: Value,
  ) {}
}

export type Value = null | Unknown | Dynamic | string | number | boolean | Value[] | ValueObject;
export interface ValueObject {
  [name: string]: Value;
}

export function isObjectValue(v: Value): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof Dynamic);
}

/** A new object without a prototype (keys from configurations are plain keys). */
export function newObject(): ValueObject {
  return Object.create(null) as ValueObject;
}

/** True when no unknown value is anywhere inside `v`. */
export function whollyKnown(v: Value): boolean {
  if (v instanceof Unknown) return false;
  if (v instanceof Dynamic) return whollyKnown(v.value);
  if (Array.isArray(v)) return v.every(whollyKnown);
  if (isObjectValue(v)) return Object.values(v).every(whollyKnown);
  return true;
}

function typeError(path: string, want: string, got: unknown): Error {
  return new Error(`value at ${path || '(root)'}: expected ${want}, got ${Array.isArray(got) ? 'an array' : typeof got}`);
}

/** A decoded MessagePack (or JSON) value, read by its type. */
function fromWire(m: Msgpack | unknown, t: CtyType, path: string, json: boolean): Value {
  if (m instanceof MsgpackExt) return UNKNOWN;
  if (m === null || m === undefined) return null;
  if (t === 'dynamic') {
    if (json) {
      const o = m as { type?: unknown; value?: unknown };
      if (typeof o !== 'object' || !('type' in o)) throw typeError(path, 'a dynamic value {type, value}', m);
      const dt = o.type as CtyType;
      return new Dynamic(dt, fromWire(o.value, dt, path, json));
    }
    if (!Array.isArray(m) || m.length !== 2 || !(m[0] instanceof Uint8Array)) throw typeError(path, 'a dynamic value [type, value]', m);
    const dt = JSON.parse(Buffer.from(m[0]).toString('utf8')) as CtyType;
    return new Dynamic(dt, fromWire(m[1], dt, path, json));
  }
  if (t === 'string') {
    if (typeof m === 'string') return m;
    if (typeof m === 'number' || typeof m === 'boolean') return String(m);
    throw typeError(path, 'a string', m);
  }
  if (t === 'number') {
    if (typeof m === 'number') return m;
    if (typeof m === 'string' && m.trim() !== '' && !Number.isNaN(Number(m))) return Number(m);
    throw typeError(path, 'a number', m);
  }
  if (t === 'bool') {
    if (typeof m === 'boolean') return m;
    if (m === 'true' || m === 'false') return m === 'true';
    throw typeError(path, 'a bool', m);
  }
  const [kind, arg] = t;
  switch (kind) {
    case 'list':
    case 'set':
      if (!Array.isArray(m)) throw typeError(path, kind, m);
      return m.map((x, i) => fromWire(x, arg as CtyType, `${path}[${i}]`, json));
    case 'tuple':
      if (!Array.isArray(m)) throw typeError(path, 'a tuple', m);
      return (arg as readonly CtyType[]).map((et, i) => fromWire(m[i], et, `${path}[${i}]`, json));
    case 'map': {
      if (typeof m !== 'object' || Array.isArray(m)) throw typeError(path, 'a map', m);
      const out = newObject();
      for (const [k, x] of Object.entries(m as object)) out[k] = fromWire(x, arg as CtyType, `${path}[${JSON.stringify(k)}]`, json);
      return out;
    }
    case 'object': {
      if (typeof m !== 'object' || Array.isArray(m)) throw typeError(path, 'an object', m);
      const src = m as Record<string, unknown>;
      const out = newObject();
      for (const [k, at] of Object.entries(arg as Record<string, CtyType>)) out[k] = fromWire(Object.prototype.hasOwnProperty.call(src, k) ? src[k] : null, at, path ? `${path}.${k}` : k, json);
      return out;
    }
  }
}

/** Decode a `DynamicValue`'s MessagePack by its type. */
export function decodeValue(bytes: Uint8Array, t: CtyType): Value {
  return fromWire(decodeMsgpack(bytes), t, '', false);
}

/** Decode a `DynamicValue`'s (or a raw state's) JSON by its type. */
export function decodeJsonValue(text: string | Uint8Array, t: CtyType): Value {
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  return fromWire(JSON.parse(s), t, '', true);
}

const UNKNOWN_BYTES = new Uint8Array([0]);

function write(w: MsgpackWriter, v: Value, t: CtyType): void {
  if (v instanceof Unknown) return w.ext(0, UNKNOWN_BYTES);
  if (v === null || v === undefined) return w.nil();
  if (t === 'dynamic') {
    const d = v instanceof Dynamic ? v : new Dynamic(impliedTypeOf(v), v);
    w.arrayHeader(2);
    w.binary(Buffer.from(JSON.stringify(d.type), 'utf8'));
    return write(w, d.value, d.type);
  }
  if (v instanceof Dynamic) return write(w, v.value, t);
  if (t === 'string') return w.string(typeof v === 'string' ? v : String(v));
  if (t === 'number') return w.number(typeof v === 'number' ? v : Number(v));
  if (t === 'bool') return w.bool(v === true || v === 'true');
  const [kind, arg] = t;
  switch (kind) {
    case 'list':
    case 'set': {
      const a = Array.isArray(v) ? v : [];
      w.arrayHeader(a.length);
      for (const x of a) write(w, x, arg as CtyType);
      return;
    }
    case 'tuple': {
      const ts = arg as readonly CtyType[];
      const a = Array.isArray(v) ? v : [];
      w.arrayHeader(ts.length);
      ts.forEach((et, i) => write(w, a[i] ?? null, et));
      return;
    }
    case 'map': {
      const o = isObjectValue(v) ? v : newObject();
      const keys = Object.keys(o).sort();
      w.mapHeader(keys.length);
      for (const k of keys) {
        w.string(k);
        write(w, o[k], arg as CtyType);
      }
      return;
    }
    case 'object': {
      const attrs = arg as Record<string, CtyType>;
      const o = isObjectValue(v) ? v : newObject();
      const keys = Object.keys(attrs).sort();
      w.mapHeader(keys.length);
      for (const k of keys) {
        w.string(k);
        write(w, Object.prototype.hasOwnProperty.call(o, k) ? o[k] : null, attrs[k]);
      }
      return;
    }
  }
}

/** Encode a value as a `DynamicValue`'s MessagePack by its type. */
export function encodeValue(v: Value, t: CtyType): Buffer {
  const w = new MsgpackWriter();
  write(w, v, t);
  return w.result();
}

/** The type a plain value has on its own (for `dynamic` attributes). */
export function impliedTypeOf(v: Value): CtyType {
  if (v instanceof Dynamic) return v.type;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return ['tuple', v.map(impliedTypeOf)];
  if (isObjectValue(v)) {
    const attrs: Record<string, CtyType> = {};
    for (const [k, x] of Object.entries(v)) attrs[k] = impliedTypeOf(x);
    return ['object', attrs];
  }
  return 'dynamic';
}

/** A value as plain JSON (unknowns as null), for files and messages. */
export function toPlain(v: Value): unknown {
  if (v instanceof Unknown) return null;
  if (v instanceof Dynamic) return toPlain(v.value);
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObjectValue(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: toPlain(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

/** A plain JSON value read back by its type (the inverse of `toPlain` for known values). */
export function fromPlain(p: unknown, t: CtyType): Value {
  return fromWire(p === undefined ? null : p, t === 'dynamic' ? 'dynamic' : t, '', true);
}

/** Deep equality of two values (sets compared as lists: the caller orders them). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Unknown || b instanceof Unknown) return false;
  if (a instanceof Dynamic) return sameValue(a.value, b instanceof Dynamic ? b.value : b);
  if (b instanceof Dynamic) return sameValue(a, b.value);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (isObjectValue(a) && isObjectValue(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== null);
    const kb = Object.keys(b).filter((k) => b[k] !== null);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => sameValue(a[k], b[k] ?? null));
  }
  return false;
}
