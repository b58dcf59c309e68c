import { normalizePlan, SENSITIVE, diffAttributes } from '../../lib/plan/index';
import { SecretScrubber } from '../../lib/review/scrub';

/** A terraform_data update whose `output` copies `input`, secret included, without Terraform's mark. */
function mirrorPlan(secret: string) {
  return normalizePlan(
    {
      format_version: '1.2',
      planned_values: {},
      resource_changes: [
        {
          address: 'terraform_data.a',
          mode: 'managed',
          type: 'terraform_data',
          name: 'a',
          change: {
            actions: ['update'],
            before: { input: { name: 'a', token: secret }, output: { name: 'a', token: secret, url: `https://u:${secret}@host` } },
            after: { input: { name: 'b', token: secret } },
            after_unknown: { output: true },
            before_sensitive: { input: { token: true }, output: {} },
            after_sensitive: { input: { token: true } },
          },
        },
      ],
    },
    'mirror.json',
  ).changes[0];
}

describe('masking copies of secrets', () => {
  test('a secret Terraform marked in one attribute is masked where a provider copied it unmarked', () => {
    const c = mirrorPlan('s3cr3t-token-value');
    const raw = diffAttributes({ before: c.before, after: c.after, beforeSensitive: c.beforeSensitive, afterSensitive: c.afterSensitive, afterUnknown: c.afterUnknown });
    expect(JSON.stringify(raw)).toContain('s3cr3t-token-value'); // Terraform's marks alone leak it via `output`
    const scrubber = new SecretScrubber();
    scrubber.collect(c, []);
    const clean = scrubber.scrub(raw);
    expect(JSON.stringify(clean)).not.toContain('s3cr3t-token-value');
    const output = clean.find((a) => a.path === 'output')!;
    expect(output).toMatchObject({ sensitive: true, after: '(known after apply)' });
    expect((output.before as Record<string, string>).token).toBe(SENSITIVE);
    expect((output.before as Record<string, string>).url).toBe(`https://u:${SENSITIVE}@host`);
  });

  test('the model\'s secret paths count as sensitive even without any mark', () => {
    const c = { ...mirrorPlan('another-secret-42'), beforeSensitive: false as const, afterSensitive: false as const };
    const scrubber = new SecretScrubber();
    scrubber.collect(c, [['input', 'token']]);
    const clean = scrubber.scrub(diffAttributes({ before: c.before, after: c.after, afterUnknown: c.afterUnknown }));
    expect(JSON.stringify(clean)).not.toContain('another-secret-42');
    expect(clean.find((a) => a.path === 'input.name')).toEqual({ path: 'input.name', before: 'a', after: 'b' });
  });

  test('empty sensitive values mask nothing', () => {
    const c = mirrorPlan('');
    const scrubber = new SecretScrubber();
    scrubber.collect(c, []);
    expect(scrubber.size).toBe(0);
  });
});
