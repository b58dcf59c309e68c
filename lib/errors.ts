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
