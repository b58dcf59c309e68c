/**
 * Errors come in three kinds (as in cdktf's commons): usage (the user's input), external
 * (Terraform, a backend, a file), internal (a bug in xos). The CLI prints each differently.
 */
export type ErrorKind = 'usage' | 'external' | 'internal';

export class XosError extends Error {
  constructor(public readonly kind: ErrorKind, message: string, public readonly detail?: string) {
    super(message);
    this.name = 'XosError';
  }
}

export function usageError(message: string, detail?: string): XosError {
  return new XosError('usage', message, detail);
}

export function externalError(message: string, detail?: string): XosError {
  return new XosError('external', message, detail);
}

export function isXosError(e: unknown): e is XosError {
  return e instanceof Error && (e as XosError).name === 'XosError' && typeof (e as XosError).kind === 'string';
}

/** One rule violation, as a SynthError carries it (the same shape as `xos validate --json`). */
export interface SynthViolation {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly message: string;
  readonly source?: string;
  readonly acknowledged?: string;
}

/**
 * What `cloud.synth()` throws when the model breaks a rule (or cannot be synthesized):
 * nothing was written. It carries every violation as data, so that a test can assert on
 * them; the process is never ended from inside the library.
 */
export class SynthError extends Error {
  /** Every violation of the model (warnings and acknowledged ones included; those that failed have severity 'error' and no acknowledgement). */
  public declare readonly violations: readonly SynthViolation[];

  constructor(message: string, violations: readonly SynthViolation[]) {
    super(message);
    this.name = 'SynthError';
    // Not enumerable: an uncaught SynthError prints its message (which lists the errors), not the data again.
    Object.defineProperty(this, 'violations', { value: violations, enumerable: false });
    // The frames of the program (where it called synth), not those inside xos or its runner.
    const path = require('path') as typeof import('path');
    const root = path.basename(path.resolve(__dirname, '..')) === 'dist' ? path.resolve(__dirname, '..', '..') : path.resolve(__dirname, '..');
    const inside = ['lib', 'dist', 'constructs', 'bin'].map((d) => path.join(root, d) + path.sep);
    const frames = (this.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .filter((l) => !l.includes(`${path.sep}node_modules${path.sep}`) && !/[( ]node:/.test(l) && !inside.some((d) => l.includes(d)));
    this.stack = [`${this.name}: ${this.message}`, ...frames].join('\n');
  }
}
