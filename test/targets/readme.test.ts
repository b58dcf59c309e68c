/**
 * The README's target sections show real output: each program shown is the file named beside
 * it, each Terraform excerpt is part of what that program synthesizes today, and the output of
 * `npm start` and of `xos verify` shown is what they print.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadProgram } from '../../lib/cli/load';
import { compileCloud } from '../../lib/compile';
import { renderInMemory } from '../../lib/synth/rendered';
import { xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced block right after each marker comment of a kind. */
function blocks(marker: string): { args: string[]; body: string }[] {
  const re = new RegExp(`<!-- ${marker}: ([^>]*) -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``, 'g');
  return [...README.matchAll(re)].map((m) => ({ args: m[1].trim().split(/\s+/), body: m[2] }));
}

const rendered = new Map<string, Map<string, Record<string, any>>>();
function stacksOf(program: string): Map<string, Record<string, any>> {
  if (!rendered.has(program)) {
    const compiled = compileCloud(loadProgram(path.join(ROOT, program), { transpileOnly: true }).cloud);
    rendered.set(program, new Map(renderInMemory(compiled.layout, 'auto').json));
  }
  return rendered.get(program)!;
}

test('the README shows the target sections\' programs and excerpts', () => {
  expect(blocks('readme-check-program').length).toBe(1);
  expect(blocks('readme-check').length).toBe(4);
});

test.each(blocks('readme-check-program').map((b) => [b.args[0], b.body] as const))('the program shown is %s, verbatim', (file, body) => {
  expect(body).toBe(fs.readFileSync(path.join(ROOT, file), 'utf8').trimEnd());
});

test.each(blocks('readme-check').map((b) => [b.args[0], b.args[1], b.body] as const))('what the README shows for %s, stack %s, is what it synthesizes', (program, stack, body) => {
  const tf = stacksOf(program).get(stack)!;
  for (const [address, want] of Object.entries(JSON.parse(body) as Record<string, unknown>)) {
    const parts = address.split('.');
    const got = parts[0] === 'provider' ? tf.provider[parts[1]] : parts[0] === 'data' ? tf.data?.[parts[1]]?.[parts[2]] : tf.resource?.[parts[0]]?.[parts[1]];
    expect({ address, got }).toMatchObject({ address, got: want });
  }
});

/** The command's output, run in this process as the CLI runs it. */
async function cliOutput(args: string[]): Promise<{ code: number; out: string }> {
  // A fresh module registry: the program runs again (a required program is otherwise cached).
  jest.resetModules();
  const { main } = await import('../../bin/xos');
  let out = '';
  const code = await main(args, { out: (t: string) => void (out += t), err: () => undefined });
  return { code, out };
}

test('the README shows xos verify output', () => {
  expect(blocks('readme-check-output').map((b) => b.args.join(' '))).toEqual([
    'verify examples/central-office --target auto',
    'verify examples/central-office --target auto --explain co1/volt/olt-1 co1/vcpe/cpe-1 --port 67 --protocol udp',
  ]);
});

test.each(blocks('readme-check-output').map((b) => [b.args.join(' '), b.args, b.body] as const))('what the README shows for `xos %s` is what it prints', async (_, args, body) => {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const r = await cliOutput([...args, '--transpile-only']);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd()).toBe(body);
  } finally {
    process.chdir(cwd);
  }
});

test('what the README shows for `npm start` is what it prints', () => {
  const [body] = [...README.matchAll(/<!-- readme-check-start -->\n```\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  expect(body).toBeDefined();
  // npm start runs `node dist/bin/xos.js <args>`: the same command, into a folder of its own here, named as npm start's.
  const start = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
  expect(start).toMatch(/^node dist\/bin\/xos\.js /);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-readme-start-'));
  try {
    const r = xos([...start.replace(/^node dist\/bin\/xos\.js /, '').split(/\s+/), '--out', out]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split(out).join('cdktf.out').trimEnd()).toBe(body);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
