/**
 * The operator view's status comes from the same state reading as `xos status`: a real
 * synth, a real apply of one stack with terraform, then the view.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ViewReport } from '../../lib/views/report';
import { centralOfficeCopy } from '../helpers/examples';
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
  // The recipe with two of its thousand generated subscribers (and the three named ones).
  const recipe = path.join(centralOfficeCopy(path.join(work, 'co'), 2), 'recipe.yaml');
  const env = terraformEnv({ TF_VAR_vbng_api_token: 'tok', TF_VAR_OS_USERNAME: 'u', TF_VAR_OS_PASSWORD: 'p' });
  const view = (as = 'carol'): ViewReport => {
    const r = xos(['view', recipe, '--as', as, '--out', out, '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as ViewReport;
  };
  const statusOf = (v: ViewReport) => Object.fromEntries(v.operator!.services.map((s) => [s.name, s.status!.status]));
  const stack = path.join(out, 'stacks', 'co1-openstack');

  beforeAll(() => {
    expect(xos(['synth', recipe, '--out', out, '--target', 'local']).code).toBe(0);
    terraform(stack, ['init', '-input=false', '-no-color'], env);
    terraform(stack, ['apply', '-input=false', '-no-color', '-auto-approve'], env);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('shows every Service in sync after the apply, and the abstract one with nothing to deploy', () => {
    const v = view();
    expect(statusOf(v)).toEqual({ CDN: 'in-sync', subscriber: 'unknown', vBNG: 'in-sync', vCPE: 'in-sync', vOLT: 'in-sync' });
    expect(v.operator!.status).toMatch(/^from each stack's backend .*: \d+ in-sync \(\d+ objects\)$/);
    expect(v.tenant!.slices[0].slivers.every((s) => s.status === 'in-sync')).toBe(true);
  });

  test('shows a subscriber each instance of their chain in sync', () => {
    const chain = view('alice').subscriber!.chains[0];
    expect(chain.map((l) => `${l.key} ${l.status}`)).toEqual(['subscriber/sub-1042 model-only', 'vOLT/sub-1042 in-sync', 'vCPE/sub-1042 in-sync', 'vBNG/sub-1042 in-sync']);
  });

  test('shows a Service failed when its resource is tainted, with the reason', () => {
    terraform(stack, ['taint', '-no-color', 'terraform_data.service_vBNG'], env);
    const v = view();
    const vbng = v.operator!.services.find((s) => s.name === 'vBNG')!;
    expect(vbng.status!.status).toBe('failed');
    expect(vbng.status!.details).toHaveLength(1);
    expect(vbng.status!.details[0]).toMatch(/^vBNG: /);
    const text = xos(['view', recipe, '--as', 'carol', '--out', out], { env }).stdout;
    expect(text).toMatch(/vBNG +sliced +failed/);
  });
});
