/**
 * How a stack is written: rendered late (when written, or its JSON read), checked and written
 * by the stack itself, then let go; HCL output, which would drop its elements, is refused.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { RenderContext, renderLayout } from '../../lib/synth/targets';
import { generateCloud } from '../../bench/generate';
import { tmpDir } from '../helpers/tools';
import { compileClean } from './helpers';

describe('writing a stack', () => {
  test('renders each stack when it is written, writes what it rendered, then lets its elements go', () => {
    const compiled = compileClean(generateCloud({ seed: 2, resources: 300 }));
    const out = path.join(tmpDir('xos-stack-'), 'out');
    const app = new App({ outdir: out, stackTraces: false, skipValidation: true });
    const ctx = new RenderContext(compiled.layout);
    const { stacks, constructs } = renderLayout(app, compiled.layout, 'auto', ctx);
    expect(ctx.counts.size).toBe(0); // nothing rendered yet
    app.synth();
    for (const s of stacks) {
      expect(s.resources).toBeGreaterThan(0);
      const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', s.name, 'cdk.tf.json'), 'utf8'));
      const count = (block: Record<string, object> = {}) => Object.values(block).reduce((n, byName) => n + Object.keys(byName).length, 0);
      const written = count(tf.resource) + count(tf.data);
      expect(written).toBe(s.resources);
      expect(() => constructs.get(s.name)!.toTerraform()).toThrow(/was written and its elements released/);
    }
  });

  test('refuses HCL output, which has no form for the elements written as JSON', () => {
    const compiled = compileClean(generateCloud({ seed: 2, resources: 100 }));
    const app = new App({ outdir: path.join(tmpDir('xos-stack-'), 'out'), stackTraces: false, skipValidation: true, hclOutput: true });
    renderLayout(app, compiled.layout, 'local');
    expect(() => app.synth()).toThrow(/xos writes Terraform JSON \(cdk\.tf\.json\), not HCL\. Synthesize without --hcl/);
  });
});
