/**
 * Declaration sites and the places programs throw from, read from V8's structured call sites
 * and mapped through the program's source map: right for any folder name, relative to the
 * working folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { capture, framesOf, siteOf } from '../../lib/util/call-sites';
import { tmpDir, xos } from '../helpers/tools';

const PROGRAMS = path.resolve(__dirname, 'programs');

/** A copy of a test program at `rel` below a fresh folder; returns the folder. */
function placed(program: string, rel: string, edit: (text: string) => string = (t) => t): string {
  const root = tmpDir();
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), edit(fs.readFileSync(path.join(PROGRAMS, program), 'utf8')));
  return root;
}

describe.each(['dir (old)', 'a:b c', 'x) (y'])('a program in "%s/main.ts"', (folder) => {
  test('its violations name the file and line where each object was declared, relative to the working folder', () => {
    const root = placed('broken-rules.ts', path.join(folder, 'main.ts'));
    const outside = xos(['validate', folder, '--json', '--transpile-only'], { cwd: root });
    expect(JSON.parse(outside.stdout).violations.map((v: { id: string; source: string }) => `${v.id} ${v.source}`).sort()).toEqual([`DEP-008 ${folder}/main.ts:12`, `RBAC-004 ${folder}/main.ts:13`]);
    const inside = xos(['validate', '.', '--json'], { cwd: path.join(root, folder) });
    expect(JSON.parse(inside.stdout).violations.map((v: { source: string }) => v.source).sort()).toEqual(['main.ts:12', 'main.ts:13']);
  });

  test('an error it throws is reported at its file and line', () => {
    const root = placed('throws.ts', path.join(folder, 'main.ts'));
    const r = xos(['validate', folder, '--transpile-only'], { cwd: root });
    expect(r.stderr).toContain(`xos: the program threw: inventory service unreachable (at ${folder}/main.ts:5)`);
  });
});

test('an error whose stack the program printed before throwing it on is still placed', () => {
  const root = placed('throws.ts', 'main.ts', (t) => t.replace('lookUpInventory();', "try { lookUpInventory(); } catch (e) { void (e as Error).stack; throw e; }"));
  const r = xos(['validate', '.', '--transpile-only'], { cwd: root });
  expect(r.stderr).toContain('xos: the program threw: inventory service unreachable (at main.ts:5)');
});

describe('structured call sites in process', () => {
  test('a capture is read as the frames of its caller, with file, line and column', () => {
    const here = capture();
    const site = siteOf(here, (f) => f === __filename);
    expect(site).toEqual({ file: __filename, line: expect.any(Number), column: expect.any(Number) });
    expect(framesOf(here)![0].getFileName()).toBe(__filename);
  });

  test('reading an error\'s frames leaves its stack text as it would have been', () => {
    const e = new Error('boom');
    expect(framesOf(e)!.length).toBeGreaterThan(0);
    expect(typeof e.stack).toBe('string');
    expect(e.stack).toMatch(/^Error: boom\n {4}at /);
  });

  test('a value that is not an error has no frames', () => {
    expect(framesOf('thrown string')).toBeUndefined();
    expect(framesOf(null)).toBeUndefined();
    expect(siteOf({ stack: 'Error\n    at f (/x.ts:1:1)' }, () => true)).toBeUndefined();
  });
});
