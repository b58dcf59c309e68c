import * as fs from 'fs';
import * as path from 'path';
import { helpText, parseArgs, type CommandSpec } from '../../lib/cli/args';
import { tmpDir, xos } from '../helpers/tools';

const SPEC: CommandSpec = {
  name: 'try',
  summary: 'A command to parse with.',
  usage: 'xos try <program> [--out DIR] [--json]',
  positionals: ['program', 'extra?'],
  options: [
    { name: 'out', type: 'string', description: 'output directory', default: 'cdktf.out', placeholder: 'DIR' },
    { name: 'json', type: 'boolean', description: 'print JSON', short: 'j' },
    { name: 'plan', type: 'strings', description: 'a plan', placeholder: 'FILE' },
    { name: 'format', type: 'string', description: 'format', choices: ['a', 'b'], placeholder: 'FORMAT' },
    { name: 'depth', type: 'number', description: 'how deep', default: 2, placeholder: 'N' },
  ],
};

const parse = (...argv: string[]) => parseArgs(SPEC, argv);

describe('parsing a command line against its declared options', () => {
  test('an option whose value is forgotten is refused, never given the next option as its value', () => {
    expect(() => parse('p.ts', '--out', '--json')).toThrow("--out needs a value (DIR), but is followed by the option --json. Give the value first; a value that begins with a dash is written --out=--json.");
    expect(() => parse('p.ts', '-o', '-j')).toThrow('-o (--out) needs a value (DIR), but is followed by the option -j.');
    expect(() => parse('p.ts', '--out')).toThrow('--out needs a value (DIR)');
  });

  test('a value that begins with a dash is given with =', () => {
    expect(parse('p.ts', '--out=--json').options.out).toBe('--json');
    expect(parse('p.ts', '--out', '-').options.out).toBe('-');
  });

  test('values are typed: booleans, strings, repeated strings, numbers, and defaults', () => {
    expect(parse('p.ts')).toEqual({ positionals: ['p.ts'], options: { out: 'cdktf.out', depth: 2 } });
    const a = parse('p.ts', '--json', '--out', 'o', '--plan', 'x', '--plan=y', '--depth', '5', '--format', 'b');
    expect(a.options).toEqual({ out: 'o', json: true, plan: ['x', 'y'], depth: 5, format: 'b' });
    expect(parse('p.ts', '--depth', '-1').options.depth).toBe(-1);
    expect(() => parse('p.ts', '--depth', 'deep')).toThrow("--depth 'deep' is not a number.");
    expect(() => parse('p.ts', '--format', 'c')).toThrow("--format 'c' is not one of: a, b");
    expect(() => parse('p.ts', '--json=yes')).toThrow('--json takes no value');
  });

  test('short flags, declared or conventional, alone or grouped', () => {
    expect(parse('p.ts', '-j').options.json).toBe(true);
    expect(parse('p.ts', '-o', 'dir').options.out).toBe('dir');
    expect(parse('p.ts', '-jo', 'dir').options).toMatchObject({ json: true, out: 'dir' });
    expect(parse('p.ts', '-f', 'a').options.format).toBe('a');
    expect(parse('-h').options.help).toBe(true);
    expect(() => parse('p.ts', '-x')).toThrow("unknown option -x for 'xos try'. Run 'xos try --help' for its options.");
  });

  test('positionals: required, optional, too many, and after --', () => {
    expect(() => parse()).toThrow("'xos try' needs <program>. Usage: xos try <program> [--out DIR] [--json]");
    expect(parse('a', 'b').positionals).toEqual(['a', 'b']);
    expect(() => parse('a', 'b', 'c')).toThrow("'xos try' got an unexpected argument 'c'.");
    expect(parse('--', '--json').positionals).toEqual(['--json']);
    expect(() => parse('p.ts', '--jsn')).toThrow("unknown option --jsn for 'xos try'.");
  });

  test('help lists every option with its short flag, placeholder and default', () => {
    const text = helpText(SPEC);
    expect(text).toContain('Usage: xos try <program> [--out DIR] [--json]');
    expect(text).toMatch(/^ {2}-o, --out DIR +output directory \(default: cdktf\.out\)$/m);
    expect(text).toMatch(/^ {2}-j, --json +print JSON$/m);
    expect(text).toMatch(/^ {6}--plan FILE +a plan$/m);
    expect(text).toMatch(/^ {2}-h, --help +show this help$/m);
  });
});

test('xos synth p.ts --out --json refuses, and writes no folder named --json', () => {
  const cwd = tmpDir();
  const r = xos(['synth', path.resolve('examples/hello'), '--out', '--json', '--transpile-only'], { cwd });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('xos: --out needs a value (DIR), but is followed by the option --json. Give the value first; a value that begins with a dash is written --out=--json.\n');
  expect(fs.readdirSync(cwd)).toEqual([]);
});
