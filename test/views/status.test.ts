/**
 * The operator view's status comes from the same state reading as `xos status`: a real
 * synth, a real apply of one stack with terraform, then the view.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ViewReport } from '../../lib/views/report';
import { describeWith, terraform, terraformEnv, tmpDir, xos } from '../helpers/tools';

const RECIPE = 'examples/central-office/recipe.yaml';

describe('xos view without state', () => {
  test('says the status is unknown for lack of state, and where to get it', () => {
    const r = xos(['view', RECIPE, '--as', 'carol']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status: no state given \(pass --state FILE or --out DIR/);
    expect(r.stdout).not.toMatch(/STATUS/);
  });

  test('names the missing synthesized output when --out points nowhere', () => {
    const r = xos(['view', RECIPE, '--as', 'carol', '--out', '/nonexistent/out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no synthesized output in \/nonexistent\/out/);
  });
});

describeWith('terraform', 'xos view with the state of a real apply', () => {
  const work = tmpDir('xos-view-state-');
  const out = path.join(work, 'out');
  const env = terraformEnv();
  const view = (): ViewReport => {
    const r = xos(['view', RECIPE, '--as', 'carol', '--out', out, '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as ViewReport;
  };
  const statusOf = (v: ViewReport) => Object.fromEntries(v.operator!.services.map((s) => [s.name, s.status!.status]));

  beforeAll(() => {
    expect(xos(['synth', RECIPE, '--out', out]).code).toBe(0);
    const stack = path.join(out, 'stacks', 'subscriber-portal');
    terraform(stack, ['init', '-input=false', '-no-color'], env);
    terraform(stack, ['apply', '-input=false', '-no-color', '-auto-approve'], env);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('shows the applied Service in sync and the others pending, per stack backend', () => {
    const v = view();
    expect(statusOf(v)).toEqual({ CDN: 'pending', subscriber: 'in-sync', vBNG: 'pending', vCPE: 'pending', vOLT: 'pending' });
    expect(v.operator!.status).toMatch(/^from each stack's backend .*: \d+ pending, 2 in-sync \(\d+ objects\)$/);
    expect(v.tenant!.slices[0].slivers.every((s) => s.status === 'pending')).toBe(true);
  });

  test('shows a Service failed when its resource is tainted, with the reason', () => {
    terraform(path.join(out, 'stacks', 'subscriber-portal'), ['taint', '-no-color', 'terraform_data.service_subscriber'], env);
    const v = view();
    const sub = v.operator!.services.find((s) => s.name === 'subscriber')!;
    expect(sub.status!.status).toBe('failed');
    expect(sub.status!.details).toHaveLength(1);
    expect(sub.status!.details[0]).toMatch(/^subscriber: /);
    const text = xos(['view', RECIPE, '--as', 'carol', '--out', out], { env }).stdout;
    expect(text).toMatch(/subscriber +external +failed/);
  });
});
