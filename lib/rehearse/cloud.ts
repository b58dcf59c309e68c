/**
 * The simulated cloud behind the harness: every object the harness created, with the scope
 * it was created in (project, user, region: what the provider configuration authenticated
 * as), kept in a folder so that a later Terraform run, or another harness process started by
 * Terraform, reads the same cloud. Also the out-of-band changes to simulate (drift), and the
 * addresses handed out per block.
 *
 * One folder holds every cloud a rehearsal talks to, each apart (a partition): an OpenStack
 * per endpoint (`auth_url`), an AWS account. A provider works in one partition through a
 * `CloudView`.
 *
 * Layout of the folder:
 *   objects/<provider>/<partition>/<type>/<id>.json   one object each (written whole, by rename)
 *   addresses/<provider>/<partition>/<pool>.json      address -> owner, per subnet or public pool
 *   drift.json                            the out-of-band changes to make (see `DriftRule`); the
 *                                         file that XOS_REHEARSE_DRIFT names, in the harness's
 *                                         environment, holds more
 *   drift-applied.json                    the rules made already (each is made once)
 *   events.jsonl                          what was created, updated, deleted, drifted, refused
 */
import * as fs from 'fs';
import * as path from 'path';
import { blockSize, digest, formatAddress, parseBlock } from './ids';

/** Where an object was made: what the provider configuration that made it authenticated as. */
export interface Scope {
  /** Which cloud: an OpenStack endpoint, an AWS account (the partition of the simulated clouds). */
  readonly cloud: string;
  /** OpenStack: the project the token was scoped to. */
  readonly project?: string;
  /** OpenStack: the user that authenticated. */
  readonly user?: string;
  /** The region of the provider configuration. */
  readonly region?: string;
}

export interface CloudObject {
  readonly provider: string;
  /** The partition (cloud) it lives in. */
  readonly cloud: string;
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
  /** Only in this cloud (partition); any when unset. */
  readonly cloud?: string;
  readonly id?: string;
  readonly where?: Readonly<Record<string, unknown>>;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly delete?: boolean;
}

export interface CloudEvent {
  readonly event: 'create' | 'update' | 'delete' | 'drift' | 'refused';
  readonly provider: string;
  readonly cloud?: string;
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

/** What a provider sees of the simulated clouds: the one its configuration works in. */
export interface CloudView {
  readonly provider: string;
  readonly partition: string;
  get(type: string, id: string): CloudObject | undefined;
  list(type: string): CloudObject[];
  find(type: string, where: Readonly<Record<string, unknown>>): CloudObject | undefined;
  put(o: Omit<CloudObject, 'provider' | 'cloud'>, event?: 'create' | 'update'): void;
  delete(type: string, id: string): void;
  allocate(pool: string, cidr: string, owner: string, reserved?: number): string | undefined;
  release(pool: string, owner: string): void;
  log(e: Omit<CloudEvent, 'provider' | 'cloud'>): void;
}

export class Cloud {
  constructor(public readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'objects'), { recursive: true });
  }

  private file(provider: string, partition: string, type: string, id: string): string {
    return path.join(this.dir, 'objects', provider, encodeId(partition), type, `${encodeId(id)}.json`);
  }

  private partitions(provider: string): string[] {
    const base = path.join(this.dir, 'objects', provider);
    return fs.existsSync(base) ? fs.readdirSync(base).sort().map((p) => decodeURIComponent(p)) : [];
  }

  private listIn(provider: string, partition: string, type: string): CloudObject[] {
    const dir = path.join(this.dir, 'objects', provider, encodeId(partition), type);
    if (!fs.existsSync(dir)) return [];
    const out: CloudObject[] = [];
    for (const f of fs.readdirSync(dir).sort())
      if (f.endsWith('.json')) {
        const o = readJson<CloudObject | undefined>(path.join(dir, f), undefined);
        if (o) out.push(o);
      }
    return out;
  }

  /** A provider's view of one cloud. */
  public view(provider: string, partition: string): CloudView {
    const get = (type: string, id: string) => {
      const o = readJson<CloudObject | undefined>(this.file(provider, partition, type, id), undefined);
      return o && o.id === id ? o : undefined;
    };
    const list = (type: string) => this.listIn(provider, partition, type);
    const log = (e: Omit<CloudEvent, 'provider' | 'cloud'>) => this.log({ ...e, provider, cloud: partition });
    const pool = (name: string) => path.join(this.dir, 'addresses', provider, encodeId(partition), `${encodeId(name)}.json`);
    return {
      provider,
      partition,
      get,
      list,
      find: (type, where) => list(type).find((o) => matches(o.state, where)),
      put: (o, event = 'create') => {
        const full: CloudObject = { ...o, provider, cloud: partition };
        writeWhole(this.file(provider, partition, o.type, o.id), JSON.stringify(full, null, 1));
        log({ event, type: o.type, id: o.id, scope: o.scope });
      },
      delete: (type, id) => {
        fs.rmSync(this.file(provider, partition, type, id), { force: true });
        log({ event: 'delete', type, id });
      },
      allocate: (name, cidr, owner, reserved = 2) => allocateIn(pool(name), cidr, owner, reserved),
      release: (name, owner) => releaseIn(pool(name), owner),
      log,
    };
  }

  /** Every object of a provider (of one type, or all), in every cloud, in a stable order: for inspection. */
  public list(provider: string, type?: string): CloudObject[] {
    const out: CloudObject[] = [];
    for (const partition of this.partitions(provider)) {
      const base = path.join(this.dir, 'objects', provider, encodeId(partition));
      const types = type ? [type] : fs.readdirSync(base).sort();
      for (const t of types) out.push(...this.listIn(provider, partition, t));
    }
    return out;
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
    const extra = process.env.XOS_REHEARSE_DRIFT;
    const rules = [...readJson<DriftRule[]>(path.join(this.dir, 'drift.json'), []), ...(extra ? readJson<DriftRule[]>(path.resolve(extra), []) : [])];
    if (!rules.length) return o;
    const appliedFile = path.join(this.dir, 'drift-applied.json');
    const applied = new Set(readJson<string[]>(appliedFile, []));
    const v = this.view(o.provider, o.cloud);
    let cur: CloudObject | undefined = o;
    let changed = false;
    for (const r of rules) {
      if (!cur) break;
      const key = digest(r).toString('hex');
      if (applied.has(key) || r.type !== cur.type || (r.cloud !== undefined && r.cloud !== cur.cloud)) continue;
      if (r.id !== undefined && r.id !== cur.id) continue;
      if (r.where && !matches(cur.state, r.where)) continue;
      if (r.id === undefined && !r.where) continue;
      applied.add(key);
      changed = true;
      if (r.delete) {
        v.delete(cur.type, cur.id);
        v.log({ event: 'drift', type: cur.type, id: cur.id, detail: 'deleted outside Terraform' });
        cur = undefined;
        continue;
      }
      const state: Record<string, unknown> = { ...cur.state, ...(r.set ?? {}) };
      cur = { ...cur, state };
      writeWhole(this.file(cur.provider, cur.cloud, cur.type, cur.id), JSON.stringify(cur, null, 1));
      v.log({ event: 'drift', type: cur.type, id: cur.id, detail: `changed outside Terraform: ${Object.keys(r.set ?? {}).join(', ')}` });
    }
    if (changed) writeWhole(appliedFile, JSON.stringify([...applied], null, 1));
    return cur;
  }
}

/**
 * An address for `owner` inside `cidr`, the same one every time it asks; the first
 * `reserved` addresses of the block (the network address, the gateway ...) and the last
 * (broadcast) are never handed out. Undefined when the block is full.
 */
function allocateIn(file: string, cidr: string, owner: string, reserved: number): string | undefined {
  const block = parseBlock(cidr);
  if (!block) return undefined;
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
function releaseIn(file: string, owner: string): void {
  const taken = readJson<Record<string, string>>(file, {});
  let changed = false;
  for (const [a, o] of Object.entries(taken)) if (o === owner) (delete taken[a], (changed = true));
  if (changed) writeWhole(file, JSON.stringify(taken, null, 1));
}
