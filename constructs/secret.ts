import type { SecretRef } from '../lib/model/types';

const SECRET = Symbol.for('xos.Secret');

/**
 * A reference to a secret (a Controller's credentials, a Service's tenancy credentials).
 * The program never holds the value: it names where the value comes from when Terraform
 * runs, and the value reaches Terraform only as a sensitive variable.
 */
export class Secret {
  /**
   * A secret held in an environment variable of the machine that runs Terraform. Terraform
   * itself reads variables only from `TF_VAR_<name>`: the synthesized stack declares the
   * sensitive variable `name`, and it is handed over where Terraform runs with
   * `export TF_VAR_OS_PASSWORD="$OS_PASSWORD"` (xos synth prints the line; each variable's
   * description says it too). xos never reads the value.
   * @param name the environment variable, for example `OS_PASSWORD`
   */
  public static env(name: string): Secret {
    return new Secret({ secret: 'env', name });
  }

  /**
   * A secret given as a Terraform variable (marked sensitive in the synthesized stack): set
   * `TF_VAR_<name>` where Terraform runs, or pass `-var` / a .tfvars file.
   * @param name the variable's name, for example `openstack_password`
   */
  public static tfVar(name: string): Secret {
    return new Secret({ secret: 'tfvar', name });
  }

  /** True when `x` is a Secret (works across copies of the library). */
  public static isSecret(x: unknown): x is Secret {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SECRET] === true;
  }

  /** @internal turn whatever the program gave into a reference; a literal keeps no value */
  public static toRef(x: unknown): SecretRef {
    if (Secret.isSecret(x)) return x.ref;
    return { secret: 'literal' };
  }

  private constructor(public readonly ref: SecretRef) {
    Object.defineProperty(this, SECRET, { value: true });
  }

  public toString(): string {
    return this.ref.secret === 'literal' ? '<literal>' : `<secret ${this.ref.secret}:${this.ref.name}>`;
  }
}

/** Credentials: each value must be a {@link Secret}, never a literal string. */
export type Credentials = Readonly<Record<string, Secret>>;
