/**
 * `xos verify` over the output of the generated cloud: read each stack's Terraform JSON into the
 * network its back-end would build and prove the flows it admits against the model, as
 * `xos verify DIR` does. Judged (run.ts) against validate + synth of the same cloud (the
 * `synth-*` task of the same target): at 100k resources at most half of it, and linear.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compileCloud } from '../lib/compile';
import { generateCloud } from './generate';
import { cacheDir, registerTask } from './worker';

/** The synthesized output of the generated cloud for one target, made once per size and reused. */
function cachedTargetOutput(size: number, seed: number, target: 'local' | 'openstack' | 'aws'): string {
  // Named as the other cached inputs are (per copy of xos, so other copies' caches are never read).
  const dir = `${cacheDir('out', size, seed)}-verify-${target}`;
  if (fs.existsSync(path.join(dir, 'xos-model.json'))) return dir;
  const { synthesizeAtomically } = require('../lib/synth/output') as typeof import('../lib/synth/output');
  const c = compileCloud(generateCloud({ seed, resources: size, backend: target === 'aws' ? 'ec2' : 'openstack' }));
  synthesizeAtomically(c, { outdir: dir, target: target === 'local' ? 'local' : 'auto' });
  return dir;
}

function verifyTask(target: 'local' | 'openstack' | 'aws') {
  return (size: number, seed: number) => {
    const dir = cachedTargetOutput(size, seed, target);
    const { readOutputGraphs, verifyGraphList } = require('../lib/verify/index') as typeof import('../lib/verify/index');
    const t0 = performance.now();
    const { model, graphs } = readOutputGraphs(dir);
    const t1 = performance.now();
    const r = verifyGraphList(model, graphs);
    const ms = performance.now() - t0;
    if (r.errors) throw new Error(`the generated cloud does not verify: ${r.violations[0].message}`);
    const flows = r.summary.reduce((n, x) => n + x.intended, 0);
    const slivers = r.stacks.reduce((n, s) => n + s.slivers, 0);
    const classes = r.stacks.reduce((n, s) => n + s.classes, 0);
    return { ms, resources: graphs.reduce((n, g) => n + g.nics.length + g.groups.size + g.segments.size, 0), extra: { readMs: Math.round(t1 - t0), proveMs: Math.round(performance.now() - t1), flows, slivers, classes } };
  };
}

registerTask('verify-local', verifyTask('local'));
registerTask('verify-openstack', verifyTask('openstack'));
registerTask('verify-aws', verifyTask('aws'));
