/**
 * Errors that escape every command: an exception thrown by a program's timer or callback,
 * a promise it rejected and never handled. They end the run with one clear line (the stack
 * only with --debug), after removing any output directory this process was writing, so
 * nothing is left half-written.
 */
import { abandonTemps } from '../synth/atomic';
import { inertIo, processIo } from './io';

/** The message for an error nobody caught, thrown by the user's program or by xos itself. */
export function fatalMessage(e: unknown, how: 'exception' | 'rejection', debug: boolean): string {
  // Loaded here, not at start-up: `xos --help` stays instant.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { describeThrown, programFrame } = require('./load') as typeof import('./load');
  const where = programFrame(e, process.cwd());
  const what = describeThrown(e).split('\n')[0];
  const lines = where
    ? [`xos: the program failed after it ran: ${what} (at ${where}), in ${how === 'rejection' ? 'a promise it rejected and never handled' : 'a timer or callback it left running'}. A program declares its cloud synchronously; await nothing, or handle the error. Nothing was written.`]
    : [`xos: internal error: ${what}`, `This is a bug in xos; please report it${debug ? '' : ' with the output of --debug'}. Nothing was written.`];
  if (debug && (e as Error)?.stack) lines.push(String((e as Error).stack));
  else if ((e as Error)?.stack) lines.push('(run with --debug for the full trace)');
  return lines.join('\n') + '\n';
}

/** Print, clean up and exit on an uncaught exception or unhandled rejection. */
export function installFatalHandlers(debug: boolean, write: (text: string) => void = (t) => inertIo(processIo).err(t)): void {
  const fatal = (how: 'exception' | 'rejection') => (e: unknown) => {
    try {
      abandonTemps();
    } finally {
      write(fatalMessage(e, how, debug));
      process.exit(1);
    }
  };
  process.on('uncaughtException', fatal('exception'));
  process.on('unhandledRejection', fatal('rejection'));
}

/**
 * Exit with `code` once standard output and error are flushed, even if the program left a
 * timer or a socket open that would keep the process alive.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
