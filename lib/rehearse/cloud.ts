/**
 * The simulated cloud behind the harness: every object the harness created, with the scope
 * it was created in (project, user, region: what the provider configuration authenticated
 * as), kept in a folder so that a later Terraform run, or another harness process started by
 * Terraform, reads the same cloud. Also the out-of-band changes to simulate (drift), and the
 * addresses handed out per block.
 *
 * Layout of the folder:
 *   objects/<provider>/<type>/<id>.json   one object each (written whole, by rename)
 *   addresses/<pool>.json                 address -> owner, per subnet or public pool
 *   drift.json                            the out-of-band changes to make (see `DriftRule`)
 *   drift-applied.json                    the rules made already (each is made once)
 *   events.jsonl                          what was created, updated, deleted, drifted, refused
 */
import * as fs from 'fs';
import * as path from 'path';
import { blockSize, digest, formatAddress, parseBlock } from './ids';

/** Where an object was made: what the provider configuration that made it authenticated as. */
export interface Scope {
  /** OpenStack: the project the token was scoped to. */
  readonly project?: string;
  /** OpenStack: the user that authenticated. */
  readonly user?: string;
  /** The region of the provider configuration. */
  readonly region?: string;
}

export interface CloudObject {
  readonly provider: string;
  readonly type: string;
  readonly id: string;
  /** The object as the provider returns it (plain JSON of the resource's attributes). */
  readonly state: Record<string, unknown>;
  readonly scope: Scope;
}

/**
 * An out-of-band change to make to one object the next time Terraform reads it (as if
 * someone changed it in the cloud's console): `set` replaces top-level attributes, `delete`
 * removes the object. The object is chosen by type and id, or by attribute values (`where`).
 * Each rule is made once.
 */
export interface DriftRule {
  readonly type: string;
  readonly id?: string;
  readonly where?: Readonly<Record<string, unknown>>;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly delete?: boolean;
}

export interface CloudEvent {
  readonly event: 'create' | 'update' | 'delete' | 'drift' | 'refused';
  readonly provider: string;
  readonly type: string;
  readonly id?: string;
  readonly scope?: Scope;
  readonly detail?: string;
}

function encodeId(id: string): string {
  const safe = encodeURIComponent(id).replace(/\*/g, '%2A');
  return safe.length > 200 ? `${safe.slice(0, 120)}~${digest(id).toString('hex').slice(0, 16)}` : safe;
}

function writeWhole(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

function matches(state: Record<string, unknown>, where: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(where).every(([k, v]) => JSON.stringify(state[k] ?? null) === JSON.stringify(v));
}

export class Cloud {
  constructor(public readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'objects'), { recursive: true });
  }

  private file(provider: string, type: string, id: string): string {
    return path.join(this.dir, 'objects', provider, type, `${encodeId(id)}.json`);
  }

  public get(provider: string, type: string, id: string): CloudObject | undefined {
    const o = readJson<CloudObject | undefined>(this.file(provider, type, id), undefined);
    return o && o.id === id ? o : undefined;
  }

  public put(o: CloudObject, event: 'create' | 'update' = 'create'): void {
    writeWhole(this.file(o.provider, o.type, o.id), JSON.stringify(o, null, 1));
    this.log({ event, provider: o.provider, type: o.type, id: o.id, scope: o.scope });
  }

  public delete(provider: string, type: string, id: string): void {
    fs.rmSync(this.file(provider, type, id), { force: true });
    this.log({ event: 'delete', provider, type, id });
  }

  /** Every object of a type (or of every type of a provider), in a stable order. */
  public list(provider: string, type?: string): CloudObject[] {
    const base = path.join(this.dir, 'objects', provider);
    const types = type ? [type] : fs.existsSync(base) ? fs.readdirSync(base).sort() : [];
    const out: CloudObject[] = [];
    for (const t of types) {
      const dir = path.join(base, t);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.json')) {
        const o = readJson<CloudObject | undefined>(path.join(dir, f), undefined);
        if (o) out.push(o);
      }
    }
    return out;
  }

  /** The first object of a type whose attributes match. */
  public find(provider: string, type: string, where: Readonly<Record<string, unknown>>): CloudObject | undefined {
    return this.list(provider, type).find((o) => matches(o.state, where));
  }

  public log(e: CloudEvent): void {
    fs.appendFileSync(path.join(this.dir, 'events.jsonl'), `${JSON.stringify(e)}\n`);
  }

  public events(): CloudEvent[] {
    const file = path.join(this.dir, 'events.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as CloudEvent);
  }

  /**
   * An address for `owner` inside `cidr`, the same one every time it asks; the first
   * `reserved` addresses of the block (the network address, the gateway ...) and the last
   * (broadcast) are never handed out. Undefined when the block is full.
   */
  public allocate(pool: string, cidr: string, owner: string, reserved = 2): string | undefined {
    const block = parseBlock(cidr);
    if (!block) return undefined;
    const file = path.join(this.dir, 'addresses', `${encodeId(pool)}.json`);
    const taken = readJson<Record<string, string>>(file, {});
    for (const [a, o] of Object.entries(taken)) if (o === owner) return a;
    const size = blockSize(block);
    const usable = size - reserved - 1;
    if (usable <= 0) return undefined;
    const start = digest(owner).readUInt32BE(0) % usable;
    for (let i = 0; i < usable; i++) {
      const a = formatAddress(block.base + reserved + ((start + i) % usable));
      if (taken[a] === undefined) {
        taken[a] = owner;
        writeWhole(file, JSON.stringify(taken, null, 1));
        return a;
      }
    }
    return undefined;
  }

  /** Give back what `owner` holds in a pool. */
  public release(pool: string, owner: string): void {
    const file = path.join(this.dir, 'addresses', `${encodeId(pool)}.json`);
    const taken = readJson<Record<string, string>>(file, {});
    let changed = false;
    for (const [a, o] of Object.entries(taken)) if (o === owner) (delete taken[a], (changed = true));
    if (changed) writeWhole(file, JSON.stringify(taken, null, 1));
  }

  /** Out-of-band changes to make: append rules to drift.json. */
  public addDrift(...rules: readonly DriftRule[]): void {
    const file = path.join(this.dir, 'drift.json');
    writeWhole(file, JSON.stringify([...readJson<DriftRule[]>(file, []), ...rules], null, 1));
  }

  /**
   * Make the out-of-band changes that concern an object, once each: the object as the cloud
   * has it now, or undefined when a change deleted it.
   */
  public drifted(o: CloudObject): CloudObject | undefined {
    const rules = readJson<DriftRule[]>(path.join(this.dir, 'drift.json'), []);
    if (!rules.length) return o;
    const appliedFile = path.join(this.dir, 'drift-applied.json');
    const applied = new Set(readJson<string[]>(appliedFile, []));
    let cur: CloudObject | undefined = o;
    let changed = false;
    for (const r of rules) {
      if (!cur) break;
      const key = digest(r).toString('hex');
      if (applied.has(key) || r.type !== cur.type) continue;
      if (r.id !== undefined && r.id !== cur.id) continue;
      if (r.where && !matches(cur.state, r.where)) continue;
      if (r.id === undefined && !r.where) continue;
      applied.add(key);
      changed = true;
      if (r.delete) {
        this.delete(cur.provider, cur.type, cur.id);
        this.log({ event: 'drift', provider: cur.provider, type: cur.type, id: cur.id, detail: 'deleted outside Terraform' });
        cur = undefined;
        continue;
      }
      const state: Record<string, unknown> = { ...cur.state, ...(r.set ?? {}) };
      cur = { ...cur, state };
      writeWhole(this.file(cur.provider, cur.type, cur.id), JSON.stringify(cur, null, 1));
      this.log({ event: 'drift', provider: cur.provider, type: cur.type, id: cur.id, detail: `changed outside Terraform: ${Object.keys(r.set ?? {}).join(', ')}` });
    }
    if (changed) writeWhole(appliedFile, JSON.stringify([...applied], null, 1));
    return cur;
  }
}
