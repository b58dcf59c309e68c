/**
 * The recipe validator is ajv's code for schema/recipe.schema.json, generated ahead of time
 * (scripts/gen-recipe-validator.ts): it must be fresh, give exactly the errors that compiling
 * the schema gives, and loading a recipe must not compile anything.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { generate, OUT_FILE, SCHEMA_FILE } from '../../scripts/gen-recipe-validator';
import generated from '../../lib/recipe/generated/validate-recipe';
import { ROOT } from '../helpers/examples';

test('the committed validator is what the schema generates (else run: npx ts-node scripts/gen-recipe-validator.ts)', () => {
  expect(fs.readFileSync(OUT_FILE, 'utf8') === generate()).toBe(true);
});

test('the generated validator gives the same errors as ajv compiling the schema', () => {
  const compiled = new Ajv({ allErrors: true, verbose: true, strict: true }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
  const docs: unknown[] = [
    { cloud: 'ok', sites: { s1: {} } },
    [],
    { clowd: 'x' },
    { cloud: 'x', sites: { 'bad id!': { slices: { web: { image: 3, flavour: 'small' } } } } },
    { cloud: 'x', flavors: { f: { cores: -1, ramMb: 'lots' } }, controllers: { c: { backend: 'mainframe', credentials: { password: 'literal' } } } },
    { cloud: 'x', services: { s: { ports: [0, { port: 70000 }, 'http'], tenantOf: [{ provider: 'p' }] } } },
  ];
  const strip = (errors: unknown) => JSON.parse(JSON.stringify(errors ?? null));
  for (const d of docs) {
    const a = compiled(d);
    const b = (generated as unknown as typeof compiled)(d);
    expect(b).toBe(a);
    expect(strip((generated as unknown as typeof compiled).errors)).toEqual(strip(compiled.errors));
  }
});

test('loading and checking a recipe compiles no schema: ajv\'s compiler is never loaded', () => {
  const script = `
    const { recipeFromText } = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'recipe', 'index'))});
    const file = ${JSON.stringify(path.join(ROOT, 'examples', 'central-office', 'recipe.yaml'))};
    const r = recipeFromText(require('fs').readFileSync(file, 'utf8'), file);
    const bad = recipeFromText('cloud: x\\nsites: 3\\n', file);
    const compiler = Object.keys(require.cache).filter((m) => /[\\\\/]ajv[\\\\/]dist[\\\\/](core|ajv|compile[\\\\/]index)\\.js$/.test(m));
    console.log(JSON.stringify({ problems: r.problems.length, bad: bad.problems.map((p) => p.message), compiler }));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(out.problems).toBe(0);
  expect(out.bad).toEqual(["is a whole number, but must be a map (Sites by id: co-located Nodes, the home of Users, the owner of Slices). Write a map here."]);
  expect(out.compiler).toEqual([]);
});
