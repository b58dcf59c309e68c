/**
 * Which frames of a call stack are the user's program: every file outside this package and
 * outside node_modules. Used to point messages at the program's line, and to read a data
 * file named relative to the program that names it.
 */
import * as path from 'path';
import { callerNow, sourceAt } from './call-sites';

/** The package's root, from lib/util (sources) or dist/lib/util (built). */
const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_ROOT = path.basename(ROOT) === 'dist' ? path.dirname(ROOT) : ROOT;
/** Frames from these folders belong to the library, not to the user's program. */
const LIBRARY_DIRS = ['constructs', 'lib', 'bin', 'dist'].map((d) => path.join(PACKAGE_ROOT, d));

/** True when `file` is the user's program (or a module of it), not this library nor a dependency. */
export function inProgram(file: string): boolean {
  return !file.includes(`${path.sep}node_modules${path.sep}`) && !LIBRARY_DIRS.some((d) => file.startsWith(d + path.sep));
}

/**
 * The source file of the program's code that called `above`, now (a .ts file, mapped back
 * from the JavaScript that ran), or undefined when no frame of a program is on the stack.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export function programFileNow(above: Function): string | undefined {
  const p = callerNow(16, above, inProgram);
  return p ? sourceAt(p.file, p.line, p.column).file : undefined;
}
