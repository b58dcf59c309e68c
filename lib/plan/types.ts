/**
 * Terraform plan JSON (`terraform show -json PLANFILE`), as this project reads it.
 *
 * The raw shapes follow Terraform's documented JSON output format, versions 0.1 to 1.2
 * (Terraform 0.12 to 1.x). The normalized shapes below are what the rest of xos sees: one
 * `PlanChange` per resource instance, with its actions classified, its address always set
 * (Terraform 1.0.0 left `address` out of `resource_drift`), and sensitivity trees kept
 * beside the values so that nothing downstream can print a sensitive value by accident.
 */

/** A tree mirroring a value: `true` where the value (or all below it) is marked. */
export type MarkTree = boolean | { readonly [k: string]: MarkTree } | readonly MarkTree[];

/** One step of an attribute path: an attribute or map key, or a list index. */
export type PathStep = string | number;

/** What a change does, in one word. Terraform's action lists map onto these. */
export type ChangeAction =
  | 'create'
  | 'update'
  | 'replace' // delete then create, or create then delete
  | 'delete'
  | 'forget' // removed from state, the real object left alone (`removed` block)
  | 'replace-forget' // a new object created, the old one forgotten rather than destroyed
  | 'read'
  | 'no-op';

export interface PlanChange {
  /** Full resource instance address, for example `module.a.aws_instance.b["x"]`. */
  readonly address: string;
  /** True when Terraform left `address` out and it was rebuilt from the other fields. */
  readonly addressRebuilt?: boolean;
  /** The address before a `moved` block or refactoring (only when it differs). */
  readonly previousAddress?: string;
  readonly moduleAddress?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  /** Set when the change is to a deposed object (a leftover of create-before-destroy). */
  readonly deposed?: string;
  readonly providerName?: string;
  readonly action: ChangeAction;
  /** Terraform's own action list, as written. */
  readonly actions: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: MarkTree;
  readonly beforeSensitive: MarkTree;
  readonly afterSensitive: MarkTree;
  /** Attribute paths that force the replacement. */
  readonly replacePaths: readonly (readonly PathStep[])[];
  /** Terraform's reason for the action (`replace_because_tainted`, ...). */
  readonly actionReason?: string;
  /** Set when the plan imports an existing object (`import` block, Terraform >= 1.5). */
  readonly importing?: { readonly id?: string; readonly identity?: unknown; readonly unknown?: boolean };
}

/** An attribute a plan depends on (`relevant_attributes`, Terraform >= 1.2). */
export interface RelevantAttribute {
  readonly resource: string;
  readonly attribute: readonly PathStep[];
}

export interface Plan {
  /** The file it was read from, as given. */
  readonly file: string;
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly changes: readonly PlanChange[];
  /** Changes Terraform detected outside of Terraform (`resource_drift`). */
  readonly drift: readonly PlanChange[];
  /**
   * The attributes this plan depends on; `undefined` when the format predates them (< 1.1),
   * where every drifted object counts as relevant.
   */
  readonly relevantAttributes?: readonly RelevantAttribute[];
  /** Addresses the configuration declares (root module and below), when the plan carries it. */
  readonly configuredAddresses: readonly string[];
  /** `errored: true`: the plan stopped on an error and is incomplete. */
  readonly errored?: boolean;
  /** `complete: false`: some changes were deferred to a later plan. */
  readonly complete?: boolean;
  readonly applyable?: boolean;
  /** The encoding the file was read in (for messages). */
  readonly encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';
}
