/**
 * Terraform state, read and normalized: one shape whatever the source (a raw state file of
 * format version 4, `terraform show -json`, `terraform state pull` from any backend).
 * xos reads state and never writes it: Terraform owns it.
 */

/** One step of a path into an attribute value: an object key or a list index. */
export type PathStep = string | number;

/** A path into a resource's attributes, for example `['input', 'credential_password']`. */
export type AttrPath = readonly PathStep[];

/** The provider that manages a resource, as the state names it. */
export interface ProviderRef {
  /** Short name: `aws`, `openstack`, `terraform` (for the built-in `terraform_data`). */
  readonly name: string;
  /**
   * Full source address: `registry.terraform.io/hashicorp/aws`. Legacy states (Terraform
   * 0.12, `provider.aws`) carry no namespace; they read as `registry.terraform.io/-/aws`, as
   * Terraform itself reads them.
   */
  readonly source: string;
  /** The provider configuration's alias, when not the default one. */
  readonly alias?: string;
  /** True for the legacy `provider.NAME` form of Terraform 0.12. */
  readonly legacy: boolean;
}

/** One resource instance of a state (a resource with `count` or `for_each` has several). */
export interface StateInstance {
  /** The instance address, for example `module.net["a"].openstack_networking_network_v2.n[0]`. */
  readonly address: string;
  /** The resource's address without the instance key. */
  readonly resourceAddress: string;
  /** The module path, `''` for the root module, for example `module.github["k"]`. */
  readonly module: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  /** The `count` index or `for_each` key, when the resource has one. */
  readonly indexKey?: string | number;
  readonly provider: ProviderRef;
  /** `tainted`: a failed create (or `terraform taint`); the next apply replaces it. */
  readonly status: 'ok' | 'tainted';
  /** Set for an object left deposed by a create-before-destroy replacement that failed. */
  readonly deposed?: string;
  /** Attribute values, as `terraform show -json` prints them (dynamic values unwrapped). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Paths of the values the state marks sensitive (never printed). */
  readonly sensitivePaths: readonly AttrPath[];
  readonly schemaVersion?: number;
  /** The resource identity (Terraform 1.12 and later), when the provider records one. */
  readonly identity?: Readonly<Record<string, unknown>>;
  readonly identitySchemaVersion?: number;
  readonly dependencies: readonly string[];
}

/** An output of the root module. The value of a sensitive output is never kept. */
export interface StateOutput {
  readonly sensitive: boolean;
  readonly value?: unknown;
}

export type StateFormat = 'state-v4' | 'show-json';

/** A whole state, normalized. */
export interface StateSnapshot {
  /** Where it was read from, for messages: a file path or a backend description. */
  readonly source: string;
  readonly format: StateFormat;
  /** `4` for a raw state; the `format_version` of `terraform show -json` (`0.1`, `1.0` ...). */
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly serial?: number;
  readonly lineage?: string;
  readonly instances: readonly StateInstance[];
  readonly outputs: Readonly<Record<string, StateOutput>>;
  /** Resources recorded with no instance at all (left by `count = 0` in old Terraform). */
  readonly emptyResources: readonly string[];
}

/** Options of the readers. */
export interface ReadOptions {
  /**
   * Attributes of a resource type whose type is dynamic: a raw state stores them as
   * `{ "value": ..., "type": ... }`, and the reader unwraps them. Terraform's built-in
   * `terraform_data` (`input`, `output`, `triggers_replace`) is always known.
   */
  readonly dynamicAttributes?: (type: string, provider: ProviderRef) => readonly string[] | undefined;
}
