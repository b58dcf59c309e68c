/**
 * What the real targets' plain bindings share: a resource or data source type as a pure
 * converter from typed arguments to Terraform JSON, and references to its attributes as
 * `${type.name.attr}` expressions. Targets write elements with it through
 * `XosStack.addRawResource`/`addRawData`, with no cdktf construct or token per element.
 */

/** A Terraform expression (`${...}`): stands for a value of any type. */
export type Expression = `\${${string}}`;

/**
 * One resource or data source type without constructs: the Terraform JSON of its typed
 * arguments (schema names, unset arguments left out) and references to its attributes.
 */
export interface ElementType<A, K extends string> {
  /** The Terraform type, `openstack_...` or `aws_...`. */
  readonly type: string;
  readonly mode: 'resource' | 'data';
  /**
   * The arguments as Terraform JSON, keys in sorted order, with the `provider` meta-argument
   * (`<provider>.<alias>`) when given.
   */
  toTerraform(args: A, provider?: string): Record<string, unknown>;
  /** The expression that reads `attribute` of the element named `name`. */
  ref(name: string, attribute: K): Expression;
}

/** An element written into a stack: read its attributes by expression. */
export class Element<K extends string> {
  constructor(
    private readonly type: ElementType<never, K>,
    public readonly name: string,
  ) {}

  /** `${type.name.attribute}` (`${data.type.name.attribute}` for a data source). */
  public ref(attribute: K): Expression {
    return this.type.ref(this.name, attribute);
  }
}

/** The address of an element in its stack: `type.name`, or `data.type.name`. */
export function addressOf(type: Pick<ElementType<never, string>, 'type' | 'mode'>, name: string): string {
  return `${type.mode === 'data' ? 'data.' : ''}${type.type}.${name}`;
}
