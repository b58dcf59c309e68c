/**
 * The declared resources of a stack, as a target will write them: address, type, the model
 * object each comes from, and the attribute values the model sets. Status (state vs model)
 * and review (plan -> model objects) read these; every target provides them.
 */
import type { Layout, LayoutKind, LayoutResource, StackLayout } from './layout';
import { localBody } from './local-body';
import { targetOf } from './target-choice';

export interface DeclaredResource {
  /** The Terraform address in its stack, for example `terraform_data.sliver_co1__vcpe__cpe-1`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The model key of the object it comes from. */
  readonly model: string;
  readonly kind: LayoutKind;
  /**
   * The attributes the model sets, as they appear in Terraform (references as expressions,
   * secrets as `${var.NAME}`); attributes the provider computes are absent.
   */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Attribute paths (dotted) that hold secrets: always masked in reports. */
  readonly sensitive: readonly string[];
}

export type TargetName = 'local' | 'openstack' | 'aws';

const NO_SENSITIVE: readonly string[] = [];
const SECRETS_SENSITIVE: readonly string[] = ['triggers_replace'];

/**
 * A declared resource of the local target. Its attributes are made on first read: the review
 * maps addresses and never reads them. (A class: one shape for every resource, and no closure
 * per resource; status declares every resource of a cloud.)
 */
class LocalDeclared implements DeclaredResource {
  public readonly address: string;
  public readonly type: string;
  public readonly name: string;
  public readonly model: string;
  public readonly kind: LayoutKind;
  public readonly sensitive: readonly string[];
  // Private fields: not enumerable, so the object reads (and compares) as the plain record it stands for.
  readonly #r: LayoutResource;
  #made?: DeclaredResource['attrs'];

  constructor(r: LayoutResource) {
    this.#r = r;
    this.address = `terraform_data.${r.name}`;
    this.type = 'terraform_data';
    this.name = r.name;
    this.model = r.model;
    this.kind = r.kind;
    this.sensitive = r.secrets && Object.keys(r.secrets).length ? SECRETS_SENSITIVE : NO_SENSITIVE;
  }

  public get attrs(): DeclaredResource['attrs'] {
    return (this.#made ??= localBody(this.#r));
  }
}

/** The declared resources of one stack for the local target. */
function localDeclared(stack: StackLayout): DeclaredResource[] {
  return stack.resources.map((r) => new LocalDeclared(r));
}

/** How a target declares one stack's resources (it may read the whole layout: cross-stack values). */
export type DeclaredMapping = (stack: StackLayout, layout: Layout) => DeclaredResource[];

const renderers: Partial<Record<TargetName, DeclaredMapping>> = { local: localDeclared };

/** Register how a target declares its resources (each target module calls this). */
export function registerDeclared(target: TargetName, fn: DeclaredMapping): void {
  renderers[target] = fn;
}

/**
 * The real targets (openstack, aws) declare what rendering the layout writes, element by
 * element (rendered.ts, loaded on first use: it loads cdktf and the target).
 */
function mappingFor(target: TargetName): DeclaredMapping {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  if (!renderers[target] && (target === 'openstack' || target === 'aws')) renderers[target] = (require('./rendered') as typeof import('./rendered')).renderedDeclared;
  const fn = renderers[target];
  if (!fn) throw new Error(`no declared-resource mapping for target '${target}'`);
  return fn;
}

/**
 * The declared resources of every stack, by stack name. `auto` maps each stack by the target
 * `xos synth` picks for its Controller's back-end (openstack, aws, or local).
 */
export function declaredResources(layout: Layout, target: TargetName | 'auto' = 'local'): Map<string, DeclaredResource[]> {
  return new Map(
    layout.stacks.map((s) => {
      const t = target === 'auto' ? targetOf(s) : target;
      return [s.name, mappingFor(t)(s, layout)];
    }),
  );
}
