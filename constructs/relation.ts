/**
 * A relation between two kinds of object (a Service and the Slices that implement it, a Slice
 * and the Networks it joined), held in one place and read from both sides. Objects keep no
 * copy of their own: the one method that makes a relation (`service.addSlice(slice)`,
 * `slice.join(network)`) links it here, so both sides always read the same thing, and a
 * collection handed out is a copy that cannot change the relation (aws-cdk and cdk8s-plus
 * keep theirs the same way).
 *
 * Kept per process under a global symbol, like the registry of clouds, so that two copies of
 * the library loaded by one program still see one relation.
 */
export class Relation<A extends object, B extends object, V = true> {
  private readonly forward: WeakMap<A, Map<B, V>>;
  private readonly backward: WeakMap<B, Map<A, V>>;

  /** @param name names the relation in the process-wide registry (`xos.relation.<name>`) */
  constructor(name: string) {
    const g = globalThis as unknown as Record<symbol, { forward: WeakMap<A, Map<B, V>>; backward: WeakMap<B, Map<A, V>> } | undefined>;
    const key = Symbol.for(`xos.relation.${name}`);
    const maps = (g[key] ??= { forward: new WeakMap(), backward: new WeakMap() });
    this.forward = maps.forward;
    this.backward = maps.backward;
  }

  /** Relate `a` to `b` (both sides at once); false when they already were (the first value is kept). */
  public link(a: A, b: B, value: V): boolean {
    let out = this.forward.get(a);
    if (!out) this.forward.set(a, (out = new Map()));
    if (out.has(b)) return false;
    out.set(b, value);
    let back = this.backward.get(b);
    if (!back) this.backward.set(b, (back = new Map()));
    back.set(a, value);
    return true;
  }

  /** What `a` is related to, in the order the relations were made (a copy). */
  public of(a: A): B[] {
    const out = this.forward.get(a);
    return out ? [...out.keys()] : [];
  }

  /** What is related to `b`, in the order the relations were made (a copy). */
  public to(b: B): A[] {
    const back = this.backward.get(b);
    return back ? [...back.keys()] : [];
  }

  /** True when `a` is related to `b`. */
  public has(a: A, b: B): boolean {
    return this.forward.get(a)?.has(b) ?? false;
  }

  /** The value the relation of `a` to `b` carries, if they are related. */
  public value(a: A, b: B): V | undefined {
    return this.forward.get(a)?.get(b);
  }

  /** Undo every relation `x` has, on either side (an object whose constructor refused a prop). */
  public forget(x: object): void {
    for (const b of this.forward.get(x as A)?.keys() ?? []) this.backward.get(b)?.delete(x as A);
    this.forward.delete(x as A);
    for (const a of this.backward.get(x as B)?.keys() ?? []) this.forward.get(a)?.delete(x as B);
    this.backward.delete(x as B);
  }

  /** How many objects `a` is related to (no copy). */
  public count(a: A): number {
    return this.forward.get(a)?.size ?? 0;
  }
}

import type { Controller, Deployment, Flavor, Image, NetworkTemplate } from './infra';
import type { Service } from './service';
import type { Site } from './site';
import type { Network, Slice } from './slice';
import type { SourceLocation } from '../lib/model/types';

/** Where the program made a relation, read only when a message asks. */
export type CallSite = { readonly source: SourceLocation | undefined } | undefined;

/** Sites a Deployment lets host its Nodes (`deployment.allowHosting(site)`, DEP-002). */
export const HOSTS = new Relation<Deployment, Site>('hosts');
/** Sites a Deployment lets acquire its resources (`deployment.allowAcquire(site)`, DEP-003). */
export const ACQUIRES = new Relation<Deployment, Site>('acquires');
/** What a Deployment supports (`deployment.support(image, flavor, template)`, DEP-004..006). */
export const SUPPORTS = new Relation<Deployment, Image | Flavor | NetworkTemplate>('supports');
/** The Controllers that bind a Deployment to back-ends (`deployment.addController()`). */
export const CONTROLS = new Relation<Deployment, Controller>('controls');
/** The Sites a Controller manages (`controller.addSite(site)`). */
export const MANAGES = new Relation<Controller, Site>('manages');
/** The Slices that implement a Service (`service.addSlice(slice)`): a Slice implements one Service. */
export const IMPLEMENTS = new Relation<Service, Slice>('implements');
/** The Slices a Network's owner lets join it (`network.allowJoin(slice)`, NET-003). */
export const PERMITS = new Relation<Network, Slice>('permits');
/** The Networks of other Slices a Slice joined (`slice.join(network)`), with where the program joined. */
export const JOINS = new Relation<Slice, Network, CallSite>('joins');

/** Every relation, for undoing an object's relations at once. */
export const RELATIONS: readonly Relation<object, object, unknown>[] = [HOSTS, ACQUIRES, SUPPORTS, CONTROLS, MANAGES, IMPLEMENTS, PERMITS, JOINS] as never;
