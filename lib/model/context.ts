/**
 * What the constructs render their parts of the model into (each construct's `toModel(ctx)`,
 * as cdk8s-plus constructs render themselves with `_toKube()`): the model's collections, the
 * references between objects as keys, and what is known about where each object came from.
 */
import type { IConstruct } from 'constructs';
import { describeValue, XosConstruct } from '../../constructs/base';
import { TenantInstance } from '../../constructs/instance';
import type { Service, Tenant } from '../../constructs/service';
import type { Acknowledgement, AdditionModel, NetworkModel, Ref, SourceLocation, TenantModel, XosModel } from './types';
import { UNDECLARED } from './types';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** Something whose declaration site can be read when a message asks for it. */
export interface Located {
  readonly source: SourceLocation | undefined;
}

export class ModelContext {
  public readonly sites: Mutable<XosModel>['sites'] = [];
  public readonly users: Mutable<XosModel>['users'] = [];
  public readonly privileges: Mutable<XosModel>['privileges'] = [];
  public readonly deployments: Mutable<XosModel>['deployments'] = [];
  public readonly controllers: Mutable<XosModel>['controllers'] = [];
  public readonly nodes: Mutable<XosModel>['nodes'] = [];
  public readonly images: Mutable<XosModel>['images'] = [];
  public readonly flavors: Mutable<XosModel>['flavors'] = [];
  public readonly networkTemplates: Mutable<XosModel>['networkTemplates'] = [];
  public readonly slices: Mutable<XosModel>['slices'] = [];
  public readonly slivers: Mutable<XosModel>['slivers'] = [];
  public readonly networks: Mutable<NetworkModel>[] = [];
  public readonly services: Mutable<XosModel>['services'] = [];
  public readonly tenants: Mutable<TenantModel>[] = [];
  public readonly views: Mutable<XosModel>['views'] = [];
  public additions: AdditionModel[] = [];

  /** The Tenant constructs, for the steps that derive networks from tenancies. */
  public readonly tenantConstructs: Tenant[] = [];
  /** The Service constructs by key, for the steps that call their hooks. */
  public readonly serviceConstructs = new Map<string, Service>();
  /** Every tenant instance of every Service, in declaration order. */
  public readonly instanceConstructs: TenantInstance[] = [];

  /** Declaration sites, by key (formatted only when a message asks). */
  public readonly sources = new LazySources();
  /** Acknowledgements, by the key of the object they were made on. */
  public readonly acknowledgements = new Map<string, Acknowledgement[]>();
  /** Problems that are not rule violations (a hook that throws). */
  public readonly buildErrors: { path: string; message: string }[] = [];

  constructor(private readonly root: IConstruct) {}

  /** Remember where an object (a construct, or a tenant instance) was declared and what was acknowledged on it. */
  public locate(key: string, x: Located & { readonly acknowledgements: readonly Acknowledgement[] }): void {
    this.sources.defer(key, x);
    if (x.acknowledgements.length) this.acknowledgements.set(key, [...x.acknowledgements]);
  }

  /** True when `x` is a construct declared in this cloud. */
  public declared(x: unknown): x is XosConstruct {
    return XosConstruct.isXosConstruct(x) && x.node.root === this.root;
  }

  /** The reference to `x`: its key, or a note that it is not declared in this cloud (the rules report it). */
  public ref(x: unknown): Ref {
    if (x === undefined || x === null) return null;
    if (XosConstruct.isXosConstruct(x)) return x.node.root === this.root ? x.node.path : `${UNDECLARED}${x.node.path}`;
    return `${UNDECLARED}${describeValue(x)}`;
  }

  /** The references to `xs`, each once, in order. */
  public refs(xs: readonly unknown[] | undefined): string[] {
    return [...new Set((xs ?? []).map((x) => this.ref(x) ?? `${UNDECLARED}undefined`))];
  }

  /** The reference to a subscriber: an instance's key when its provider is declared here and holds it. */
  public subscriberRef(x: unknown): Ref {
    if (TenantInstance.isTenantInstance(x)) {
      const p = x.provider;
      const held = this.declared(p) && (p as Service).instance?.(x.id) === x;
      return held ? x.key : `${UNDECLARED}instance ${x.key}`;
    }
    return this.ref(x);
  }
}

/**
 * Declaration sites, formatted only when asked: formatting a stack trace (through source maps
 * under ts-node) is what costs, and only objects with a violation need theirs.
 */
export class LazySources extends Map<string, SourceLocation> {
  private readonly pending = new Map<string, Located>();

  public defer(key: string, c: Located): void {
    this.pending.set(key, c);
  }

  public override get(key: string): SourceLocation | undefined {
    const c = this.pending.get(key);
    if (c) {
      this.pending.delete(key);
      const src = c.source;
      if (src) super.set(key, src);
    }
    return super.get(key);
  }

  public override has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}
