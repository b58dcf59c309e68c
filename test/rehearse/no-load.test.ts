/**
 * Nothing of the rehearsal harness is loaded by `xos` in normal use: the built CLI runs
 * validate, synth, status, review, view and graph with a loader hook that fails any load of
 * lib/rehearse, gRPC or protobuf. Only `xos rehearse` loads them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir, xos } from '../helpers/tools';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the harness stays unloaded', () => {
  const dir = tmpDir('xos-noload-');
  const hook = path.join(dir, 'forbid.js');
  fs.writeFileSync(
    hook,
    `const Module = require('module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const resolved = (() => { try { return Module._resolveFilename(request, parent, isMain); } catch { return request; } })();
  if (/[\\\\/]lib[\\\\/]rehearse[\\\\/]/.test(resolved) || /@grpc[\\\\/]grpc-js|protobufjs/.test(resolved)) throw new Error('the rehearsal harness was loaded: ' + resolved);
  return load.apply(this, arguments);
};
`,
  );
  const env = { ...process.env, NODE_OPTIONS: `--require ${hook}` };
  const out = path.join(dir, 'out');

  test.each([
    ['validate', ['validate', 'examples/opencloud', '--transpile-only'], 0],
    ['synth', ['synth', 'examples/opencloud', '--out', out, '--transpile-only'], 0],
    ['status', ['status', path.join(out, 'xos-model.json'), '--out', out], 2],
    ['view', ['view', 'examples/opencloud', '--as', 'larry', '--transpile-only'], 0],
    ['graph', ['graph', 'examples/opencloud', '--transpile-only'], 0],
    ['review', ['review', '--plan', path.join(ROOT, 'test', 'fixtures', 'borchero-terraform-plan-comment', '1-modify.plan.json'), '--model', path.join(out, 'xos-model.json')], 3], // no --actor: the review blocks (exit 3)
  ])('xos %s', (_name, args, code) => {
    const r = xos(args as string[], { env });
    expect(r.stderr).not.toMatch(/rehearsal harness was loaded/);
    expect(r.stdout).not.toMatch(/rehearsal harness was loaded/);
    expect(r.code).toBe(code);
  });

  test('the check itself works: xos rehearse loads the harness', () => {
    const r = xos(['rehearse', out], { env });
    expect(r.stderr + r.stdout).toMatch(/rehearsal harness was loaded/);
  });
});
