/**
 * Where a command writes: standard output and standard error, replaceable in tests.
 *
 * Everything a command prints goes through `inertIo` once, at this output layer (bin/xos.ts
 * wraps the Io every command gets): control, C1, bidirectional and invisible characters
 * are escaped (`printable`), and passwords and the environment's credentials are masked
 * (`redactor`). A command, including one added later, gets both for free.
 */
import { printable } from '../util/printable';
import { environmentSecrets, redactor } from '../util/redact';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

// A reader that stops early (`xos rules | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** Text made safe to print: inert on a terminal, no secret of the environment or of a connection string in it. */
export function safeText(env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const redact = redactor(environmentSecrets(env));
  return (text) => redact(printable(text));
}

const INERT = Symbol('inert');

/** An Io whose every write is made safe (see `safeText`); wrapping twice wraps once. */
export function inertIo(io: Io, env: NodeJS.ProcessEnv = process.env): Io {
  if ((io as { [INERT]?: boolean })[INERT]) return io;
  const safe = safeText(env);
  return { out: (t) => io.out(safe(t)), err: (t) => io.err(safe(t)), [INERT]: true } as Io;
}
