import * as path from 'path';
import { recordSource } from '../lib/data/records';
import type { Acknowledgement, SourceLocation } from '../lib/model/types';
import { declaredNow, positionSource, type ProgramPosition } from './base';
import type { Service } from './service';
import type { User } from './user';

const NO_ATTRIBUTES: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_ACKS: readonly Acknowledgement[] = Object.freeze([]);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Who may hold a tenant instance: a User, a Service, or another tenant instance (a chain). */
export type Subscriber = User | Service | TenantInstance;

export interface TenantInstanceProps {
  /**
   * Who holds the instance: a User (the provider must accept Users, TNI-002), a Service that
   * is declared a tenant of the provider, or an instance of such a Service (which chains them:
   * subscriber -> vOLT -> vCPE -> vBNG).
   */
  readonly subscriber: Subscriber;
  /**
   * The instance's attributes, checked against the provider's instance schema (TNI-003) and
   * uniqueness constraints (TNI-004). An attribute the provider allocates from a pool may be
   * left out (the pool fills it, TNI-005) or given (the pool checks it). Secrets (`Secret.env`)
   * reach the provider's Slivers only as sensitive values.
   * @default {}
   */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /**
   * The data file row the instance is made from (a record of `readRecords`): messages about
   * the instance then name that file and line rather than the program's loop.
   * @default the place in the program that declares it
   */
  readonly from?: object;
}

/**
 * A tenant instance (paper 3.2 and 4.3): one virtual instance of a provider Service, held by
 * a subscriber. Declared with `provider.addTenant(id, { subscriber, attributes })`; its model
 * key is `<provider path>/<id>`.
 *
 * Not a construct of its own: a Central Office holds a hundred thousand of them, and each is
 * one entry of its provider's collection (ids, attributes, where it was declared).
 */
export class TenantInstance {
  public readonly kind = 'Instance' as const;
  /** The subscriber: a User, a Service, or another instance. */
  public readonly subscriber: Subscriber;
  /** The attributes as declared, read when the model is built (allocated values are added in the model, not here). */
  public readonly attributes: Readonly<Record<string, unknown>>;
  private readonly declaredAt?: ProgramPosition;
  private readonly row?: SourceLocation;
  private acks?: Acknowledgement[];

  /** @internal use `provider.addTenant(id, props)` */
  constructor(
    /** The provider Service the instance is an instance of. */
    public readonly provider: Service,
    /** The instance's id, unique within its provider. */
    public readonly id: string,
    props: TenantInstanceProps,
  ) {
    this.subscriber = props?.subscriber;
    // A copy: the program's object may be reused for the next record (a loop over rows).
    // Anything but a plain object is kept as given, for TNI-003 to name.
    const a = props?.attributes;
    this.attributes = a === undefined ? NO_ATTRIBUTES : isRecord(a) ? { ...a } : a;
    this.row = recordSource(props?.from);
    // From the caller of this constructor (Service.addTenant): the program's frame is the next.
    if (!this.row) this.declaredAt = declaredNow(4, new.target);
  }

  /** The instance's name: its id. */
  public get name(): string {
    return this.id;
  }

  /** The model key: `<provider path>/<id>` (one string, shared by every reference to the instance). */
  public get key(): string {
    return (this.keyText ??= `${this.provider.node.path}/${this.id}`);
  }

  private keyText?: string;

  /**
   * Acknowledge a warning on this instance (TNI-006): it is reported as acknowledged, with
   * the reason, and never fails a run.
   * @param options.finding acknowledge only this finding, by the id reports print
   *   (`TNI-006@<provider path>/<id>`)
   * @default every finding of `rule` on this instance
   */
  public acknowledge(rule: string, reason: string, options: { readonly finding?: string } = {}): this {
    if (typeof reason !== 'string' || !reason.trim()) throw new Error(`${this.key}: acknowledging ${rule} needs a reason. Say why the rule does not apply here.`);
    const finding = options?.finding;
    if (finding !== undefined && (typeof finding !== 'string' || !finding.startsWith(`${rule}@`)))
      throw new Error(`${this.key}: acknowledging one finding of ${rule} needs its id as reports print it, '${rule}@<path>' (got ${JSON.stringify(finding)}).`);
    (this.acks ??= []).push({ rule, reason, ...(finding !== undefined ? { finding } : {}) });
    return this;
  }

  /** @internal the acknowledgements made on this instance (a copy) */
  public get acknowledgements(): readonly Acknowledgement[] {
    return this.acks ? this.acks.map((a) => ({ ...a })) : NO_ACKS;
  }

  /** @internal where the instance was declared: its data row, or the program's line */
  public get source(): SourceLocation | undefined {
    return this.row ?? positionSource(this.declaredAt);
  }

  /** `file:line` of the declaration, relative to the working directory, for messages. */
  public get where(): string | undefined {
    const s = this.source;
    return s ? `${path.relative(process.cwd(), s.file) || s.file}:${s.line}` : undefined;
  }

  /** True when `x` is a tenant instance (works across copies of the library). */
  public static isTenantInstance(x: unknown): x is TenantInstance {
    return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'Instance' && typeof (x as { provider?: unknown }).provider === 'object';
  }
}
