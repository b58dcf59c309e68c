import * as fs from 'fs';
import * as path from 'path';
import { decodePlanBytes, normalizePlan, parsePlan, readPlanFile } from '../../lib/plan/index';
import { isXosError } from '../../lib/errors';
import { tmpDir } from '../helpers/tools';
import { fixture, PLAN_FIXTURES } from './fixtures';


/** The raw JSON of a fixture, decoded the way a careful reader would, for independent checks. */
function raw(f: string): any {
  const b = fs.readFileSync(fixture(f));
  const text = b[0] === 0xff && b[1] === 0xfe ? new TextDecoder('utf-16le').decode(b.subarray(2)) : b.toString('utf8');
  return JSON.parse(text);
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('reading every plan fixture', () => {
  test.each(PLAN_FIXTURES)('%s reads with its format version, Terraform version and every resource change', (f) => {
    const plan = readPlanFile(fixture(f));
    const r = raw(f);
    expect(plan.formatVersion).toBe(r.format_version);
    expect(plan.terraformVersion).toBe(r.terraform_version);
    expect(plan.changes.map((c) => c.address)).toEqual((r.resource_changes ?? []).map((c: any) => c.address));
    expect(plan.changes.map((c) => c.actions)).toEqual((r.resource_changes ?? []).map((c: any) => c.change.actions));
    expect(plan.drift).toHaveLength((r.resource_drift ?? []).length);
  });

  test('the fixtures span plan format versions 0.1 to 1.2', () => {
    const versions = new Set(PLAN_FIXTURES.map((f) => readPlanFile(fixture(f)).formatVersion));
    expect([...versions].sort()).toEqual(['0.1', '0.2', '1.0', '1.1', '1.2']);
  });
});

describe('encodings', () => {
  const utf16 = fixture('bridgecrewio-checkov/tfplan_win_utf16.json');

  test('a UTF-16LE plan with a byte-order mark (PowerShell redirect) decodes', () => {
    const plan = readPlanFile(utf16);
    expect(plan.encoding).toBe('utf-16le');
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(plan.changes.every((c) => /^[a-z_.\[\]0-9"A-Z-]+$/.test(c.address))).toBe(true);
  });

  test('UTF-16BE with a mark, UTF-8 with a mark, and UTF-16LE without one read the same plan', () => {
    const reference = readPlanFile(utf16);
    const text = decodePlanBytes(fs.readFileSync(utf16)).text;
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    const dir = tmpDir('xos-plan-enc-');
    const variants: [string, Buffer, string][] = [
      ['be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf-16be'],
      ['bom8.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'utf-8-bom'],
      ['le-nobom.json', le, 'utf-16le'],
    ];
    for (const [name, bytes, encoding] of variants) {
      fs.writeFileSync(path.join(dir, name), bytes);
      const p = readPlanFile(path.join(dir, name));
      expect(p.encoding).toBe(encoding);
      expect(p.changes).toEqual(reference.changes);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('what the reader keeps from each plan', () => {
  test('drift entries without an address (Terraform 1.0.0) get one rebuilt from type and name', () => {
    const f = 'terraform-compliance-cli/test_issue_522.plan.out.json';
    const plan = readPlanFile(fixture(f));
    const r = raw(f);
    expect(r.resource_drift.every((d: any) => d.address === undefined)).toBe(true);
    expect(plan.drift.every((d) => d.addressRebuilt)).toBe(true);
    expect(plan.drift.map((d) => d.address)).toEqual(r.resource_drift.map((d: any) => `${d.type}.${d.name}`));
  });

  test('a moved resource keeps its previous address', () => {
    const plan = readPlanFile(fixture('hashicorp-terraform-json/moved_block.plan.json'));
    expect(plan.changes[0]).toMatchObject({ address: 'random_id.test2', previousAddress: 'random_id.test', action: 'no-op' });
  });

  test('replacements keep the reason and the paths that force them', () => {
    const plan = readPlanFile(fixture('borchero-terraform-plan-comment/1-modify.plan.json'));
    const replaced = plan.changes.filter((c) => c.action === 'replace');
    expect(replaced.length).toBeGreaterThan(0);
    for (const c of replaced) {
      expect(c.actionReason).toBe('replace_because_cannot_update');
      expect(c.replacePaths).toEqual([['content']]);
    }
    const tainted = readPlanFile(fixture('hashicorp-terraform-json/action_reason.plan.json')).changes[0];
    expect(tainted).toMatchObject({ action: 'replace', actionReason: 'replace_because_tainted', replacePaths: [] });
  });

  test('a removed block is a forget, not a delete', () => {
    const plan = readPlanFile(fixture('borchero-terraform-plan-comment/3-remove.plan.json'));
    expect(plan.changes.map((c) => c.action)).toEqual(['forget']);
  });

  test('relevant_attributes are kept from format 1.1 on, and absent (everything relevant) before', () => {
    expect(readPlanFile(fixture('hashicorp-terraform-json/120_basic.plan.json')).relevantAttributes).toEqual([{ resource: 'null_resource.foo', attribute: ['id'] }]);
    expect(readPlanFile(fixture('dineshba-tf-summarize/example.tfplan.json')).relevantAttributes).toBeUndefined();
    // Format 1.2 leaves the list out when it is empty: nothing drifted is relevant.
    expect(readPlanFile(fixture('hashicorp-terraform-json/moved_block.plan.json')).relevantAttributes).toEqual([]);
  });

  test('an import block is read from change.importing', () => {
    const r = raw('hashicorp-terraform-json/moved_block.plan.json');
    r.resource_changes[0].change.importing = { id: 'abc-123' };
    const plan = normalizePlan(r, 'imported.json');
    expect(plan.changes[0].importing).toEqual({ id: 'abc-123' });
  });

  test('sensitivity trees are kept beside the values', () => {
    const plan = readPlanFile(fixture('terraform-compliance-cli/test_issue_522.plan.out.json'));
    const ssm = plan.changes.find((c) => c.type === 'aws_ssm_parameter')!;
    expect(ssm.afterSensitive).toMatchObject({ value: true });
  });
});

describe('bad input fails with a message naming the file', () => {
  const dir = tmpDir('xos-plan-bad-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  test('a missing file', () => {
    const e = thrown(() => readPlanFile(path.join(dir, 'nope.json')));
    expect(isXosError(e)).toBe(true);
    expect(e.message).toContain('nope.json');
    expect(e.message).toContain('no such file');
  });

  test('an empty file', () => {
    expect(thrown(() => readPlanFile(write('empty.json', '  \n'))).message).toMatch(/empty\.json is empty/);
  });

  test('text that is not JSON, such as the human-readable plan', () => {
    const e = thrown(() => readPlanFile(write('human.json', 'Terraform will perform the following actions:\n')));
    expect(e.message).toContain('human.json is not valid JSON');
    expect(e.message).toContain('human-readable');
    expect(e.message).toContain('terraform show -json');
  });

  test('a state where a plan belongs', () => {
    const e = thrown(() => readPlanFile(fixture('hashicorp-terraform-json/110_sensitive_values.state.json')));
    expect(e.message).toContain('110_sensitive_values.state.json');
    expect(e.message).toMatch(/is the JSON of a Terraform state/);
  });

  test('a format version from the future', () => {
    const e = thrown(() => parsePlan(JSON.stringify({ format_version: '2.0', resource_changes: [] }), 'future.json'));
    expect(e.message).toContain('future.json has plan format version 2.0');
  });

  test('an array instead of an object', () => {
    expect(thrown(() => parsePlan('[]', 'list.json')).message).toContain('list.json is not a Terraform plan');
  });

  test('a resource change without actions, and one with actions nobody knows', () => {
    expect(thrown(() => parsePlan(JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [{ address: 'a.b', change: {} }] }), 'noact.json')).message).toMatch(/noact\.json has a malformed resource_changes\[0\] \(a\.b\)/);
    expect(thrown(() => parsePlan(JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [{ address: 'a.b', change: { actions: ['explode'] } }] }), 'odd.json')).message).toContain('["explode"]');
  });
});
