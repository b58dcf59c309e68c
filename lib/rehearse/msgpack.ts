/**
 * MessagePack, as far as Terraform's `DynamicValue` uses it (the format is the MessagePack
 * specification; the conventions on top of it are cty's, handled in `cty.ts`): nil, booleans,
 * integers, floats, strings, binary, arrays, maps and extension values (cty's unknowns).
 *
 * Maps decode to objects without a prototype, so that keys such as `__proto__` written by a
 * configuration are plain keys. Hand-written for that: @msgpack/msgpack 3.1.3 (checked) refuses
 * a map with the key `__proto__` outright ("The key __proto__ is not allowed"), so a
 * configuration holding one could not be planned at all.
 */

/** An extension value: cty writes unknown values as extensions (code 0, or 12 with refinements). */
export class MsgpackExt {
  constructor(
    public readonly type: number,
    public readonly data: Uint8Array,
  ) {}
}

export type Msgpack = null | boolean | number | string | Uint8Array | MsgpackExt | Msgpack[] | { [key: string]: Msgpack };

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`msgpack: value cut short at byte ${this.pos}`);
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  private bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private str(n: number): string {
    return Buffer.from(this.bytes(n)).toString('utf8');
  }
  private array(n: number): Msgpack[] {
    const out: Msgpack[] = [];
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }
  private map(n: number): { [key: string]: Msgpack } {
    const out: { [key: string]: Msgpack } = Object.create(null);
    for (let i = 0; i < n; i++) {
      const k = this.value();
      const key = typeof k === 'string' ? k : typeof k === 'number' ? String(k) : undefined;
      if (key === undefined) throw new Error(`msgpack: a map key that is not a string at byte ${this.pos}`);
      out[key] = this.value();
    }
    return out;
  }
  private ext(n: number): MsgpackExt {
    this.need(1);
    const type = this.view.getInt8(this.pos++);
    return new MsgpackExt(type, this.bytes(n));
  }

  public value(): Msgpack {
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return this.array(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return this.str(b & 0x1f);
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bytes(this.u8());
      case 0xc5:
        return this.bytes(this.u16());
      case 0xc6:
        return this.bytes(this.u32());
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca: {
        this.need(4);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xcb: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf: {
        this.need(8);
        const v = this.view.getBigUint64(this.pos);
        this.pos += 8;
        return Number(v);
      }
      case 0xd0: {
        this.need(1);
        return this.view.getInt8(this.pos++);
      }
      case 0xd1: {
        this.need(2);
        const v = this.view.getInt16(this.pos);
        this.pos += 2;
        return v;
      }
      case 0xd2: {
        this.need(4);
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xd3: {
        this.need(8);
        const v = this.view.getBigInt64(this.pos);
        this.pos += 8;
        return Number(v);
      }
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.str(this.u8());
      case 0xda:
        return this.str(this.u16());
      case 0xdb:
        return this.str(this.u32());
      case 0xdc:
        return this.array(this.u16());
      case 0xdd:
        return this.array(this.u32());
      case 0xde:
        return this.map(this.u16());
      case 0xdf:
        return this.map(this.u32());
      default:
        throw new Error(`msgpack: unknown type byte 0x${b.toString(16)} at byte ${this.pos - 1}`);
    }
  }

  public done(): boolean {
    return this.pos === this.buf.length;
  }
}

/** Decode one MessagePack value (the whole buffer). */
export function decodeMsgpack(buf: Uint8Array): Msgpack {
  const r = new Reader(buf);
  const v = r.value();
  if (!r.done()) throw new Error('msgpack: bytes left after the value');
  return v;
}

/** A growing byte buffer. */
class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  public u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  public u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  public u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }
  public raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  public f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  public i64(v: number): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
  }
  public result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Writes MessagePack values one by one (the caller walks its own structure). */
export class MsgpackWriter {
  private readonly w = new Writer();

  public nil(): void {
    this.w.u8(0xc0);
  }
  public bool(v: boolean): void {
    this.w.u8(v ? 0xc3 : 0xc2);
  }
  public number(v: number): void {
    if (Number.isInteger(v) && Number.isSafeInteger(v)) {
      if (v >= 0) {
        if (v <= 0x7f) this.w.u8(v);
        else if (v <= 0xff) (this.w.u8(0xcc), this.w.u8(v));
        else if (v <= 0xffff) (this.w.u8(0xcd), this.w.u16(v));
        else if (v <= 0xffffffff) (this.w.u8(0xce), this.w.u32(v));
        else (this.w.u8(0xd3), this.w.i64(v));
      } else if (v >= -32) this.w.u8(v & 0xff);
      else (this.w.u8(0xd3), this.w.i64(v));
      return;
    }
    this.w.u8(0xcb);
    this.w.f64(v);
  }
  public string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    const n = b.length;
    if (n <= 31) this.w.u8(0xa0 | n);
    else if (n <= 0xff) (this.w.u8(0xd9), this.w.u8(n));
    else if (n <= 0xffff) (this.w.u8(0xda), this.w.u16(n));
    else (this.w.u8(0xdb), this.w.u32(n));
    this.w.raw(b);
  }
  public binary(b: Uint8Array): void {
    const n = b.length;
    if (n <= 0xff) (this.w.u8(0xc4), this.w.u8(n));
    else if (n <= 0xffff) (this.w.u8(0xc5), this.w.u16(n));
    else (this.w.u8(0xc6), this.w.u32(n));
    this.w.raw(b);
  }
  public arrayHeader(n: number): void {
    if (n <= 15) this.w.u8(0x90 | n);
    else if (n <= 0xffff) (this.w.u8(0xdc), this.w.u16(n));
    else (this.w.u8(0xdd), this.w.u32(n));
  }
  public mapHeader(n: number): void {
    if (n <= 15) this.w.u8(0x80 | n);
    else if (n <= 0xffff) (this.w.u8(0xde), this.w.u16(n));
    else (this.w.u8(0xdf), this.w.u32(n));
  }
  /** An extension value; cty's unrefined unknown is `ext(0, [0])` (a fixext1). */
  public ext(type: number, data: Uint8Array): void {
    const n = data.length;
    if (n === 1) this.w.u8(0xd4);
    else if (n === 2) this.w.u8(0xd5);
    else if (n === 4) this.w.u8(0xd6);
    else if (n === 8) this.w.u8(0xd7);
    else if (n === 16) this.w.u8(0xd8);
    else if (n <= 0xff) (this.w.u8(0xc7), this.w.u8(n));
    else if (n <= 0xffff) (this.w.u8(0xc8), this.w.u16(n));
    else (this.w.u8(0xc9), this.w.u32(n));
    this.w.u8(type & 0xff);
    this.w.raw(data);
  }
  public result(): Buffer {
    return this.w.result();
  }
}
