/**
 * Fuzzing the state and plan readers, and what reads their output (xos status and xos
 * review): real files mutated once (a value of another type, a key removed, a huge string,
 * bytes cut, flipped or re-encoded) either read or fail with an XosError of kind usage or
 * external. Never a crash, never a hang. Bounded in count and in time.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { compileCloud } from '../../lib/compile';
import { computeStatus, declaredSideOf, formatTable, formatJson } from '../../lib/drift/index';
import { isXosError } from '../../lib/errors';
import { decodePlanBytes, parsePlan } from '../../lib/plan/index';
import { buildReview, checkModel, renderMarkdown } from '../../lib/review/index';
import { decodeText, readStateText } from '../../lib/state/index';
import { declaredResources } from '../../lib/synth/declared';
import { loadExample } from '../helpers/examples';
import { tmpDir } from '../helpers/tools';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
/** Runs per property, and their seed: fixed, so that CI is repeatable; set XOS_FUZZ_SEED and XOS_FUZZ_RUNS to explore. */
const RUNS = Number(process.env.XOS_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.XOS_FUZZ_SEED ?? 0);
const TIME_LIMIT_MS = 20_000;

function fixtures(kind: 'state' | 'plan'): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (kind === 'plan' ? /plan.*\.json$|tfplan/.test(e.name) : /\.tfstate(\.backup)?$|state\.json$/.test(e.name)) out.push({ name: path.relative(FIXTURES, p), bytes: fs.readFileSync(p) });
    }
  };
  walk(FIXTURES);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The hello example's model, layout and a state and plan of it as Terraform would write them. */
const compiled = compileCloud(loadExample('hello'));
const model = compiled.built.model;
const declared = declaredSideOf(model, compiled.index, compiled.layout);
const stackName = compiled.layout.stacks[0].name;
const resources = declaredResources(compiled.layout, 'local').get(stackName) ?? [];

/** A raw state (format 4) as `terraform apply` of the local target leaves it. */
function helloState(): unknown {
  return {
    version: 4,
    terraform_version: '1.11.4',
    serial: 3,
    lineage: '0b8d4c1e-8f4a-4f3e-9a51-1c2d3e4f5a6b',
    outputs: {},
    resources: resources.map((r, i) => ({
      mode: 'managed',
      type: 'terraform_data',
      name: r.name,
      provider: 'provider["terraform.io/builtin/terraform"]',
      instances: [
        {
          schema_version: 0,
          attributes: { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, input: { value: r.attrs.input, type: ['object', {}] }, output: { value: r.attrs.input, type: ['object', {}] }, triggers_replace: null },
          sensitive_attributes: r.sensitive.length ? [[{ type: 'get_attr', value: 'input' }, { type: 'get_attr', value: 'secrets' }]] : [],
          dependencies: [],
        },
      ],
    })),
    check_results: null,
  };
}

/** A plan (terraform show -json) that creates every resource of the hello stack. */
function helloPlan(): unknown {
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: resources.map((r) => ({
      address: r.address,
      mode: 'managed',
      type: 'terraform_data',
      name: r.name,
      provider_name: 'terraform.io/builtin/terraform',
      change: { actions: ['create'], before: null, after: r.attrs, after_unknown: { id: true, output: true }, before_sensitive: false, after_sensitive: r.sensitive.length ? { input: { secrets: true } } : {} },
    })),
    planned_values: { root_module: {} },
    configuration: { root_module: { resources: resources.map((r) => ({ address: r.address, mode: 'managed', type: 'terraform_data', name: r.name })) } },
    complete: true,
    applyable: true,
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value (the root included), in a stable order. */
function pathsOf(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) pathsOf(v[k], [...at, k], out);
  return out;
}

const replacement: fc.Arbitrary<(old: Json) => Json | undefined> = fc.oneof(
  fc.constant(() => undefined), // remove it
  fc.constant(() => null),
  fc.constant((old: Json) => (Array.isArray(old) ? Object.fromEntries(old.map((x, i) => [String(i), x])) : old && typeof old === 'object' ? Object.values(old) : [old])),
  fc.constant((old: Json) => (Array.isArray(old) ? [...old, ...old] : old)),
  fc.constant((old: Json) => JSON.stringify(old) ?? 'null'),
  fc.constant(() => 'x'.repeat(1_000_000)),
  fc.constant(() => '\u0000\u001b[2J\u202e'),
  fc.jsonValue({ maxDepth: 2 }).map((j) => () => j as Json),
  fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(-1), fc.constant(2 ** 53 + 1)).map((n) => () => n as Json),
);

/** One mutation of a parsed document at one of its paths. */
function mutateJson(doc: Json, pick: number, replace: (old: Json) => Json | undefined): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const paths = pathsOf(copy);
  const p = paths[pick % paths.length];
  if (!p.length) return replace(copy) ?? null;
  let parent = copy as Record<string | number, Json>;
  for (const step of p.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = p[p.length - 1];
  const next = replace(parent[last]);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = next;
  return copy;
}

/** One mutation of a document's bytes. */
const byteMutation: fc.Arbitrary<(b: Buffer) => Buffer> = fc.oneof(
  fc.nat().map((n) => (b: Buffer) => b.subarray(0, n % (b.length + 1))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([n, v]) => (b: Buffer) => {
    const c = Buffer.from(b);
    if (c.length) c[n % c.length] = v;
    return c;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, bytes]) => (b: Buffer) => {
    const at = n % (b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(bytes), b.subarray(at)]);
  }),
  fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString('utf8'), 'utf16le')])),
  fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])),
);

/** A document mutated once, structurally or in its bytes. */
function mutated(docs: { name: string; bytes: Buffer }[], decode: (b: Buffer) => string): fc.Arbitrary<{ name: string; how: string; bytes: Buffer }> {
  return fc.oneof(
    fc.tuple(fc.nat(docs.length - 1), fc.nat(), replacement).map(([d, pick, replace]) => {
      const doc = JSON.parse(decode(docs[d].bytes)) as Json;
      return { name: docs[d].name, how: `value at path #${pick} replaced`, bytes: Buffer.from(JSON.stringify(mutateJson(doc, pick, replace))) };
    }),
    fc.tuple(fc.nat(docs.length - 1), byteMutation).map(([d, f]) => ({ name: docs[d].name, how: 'bytes changed', bytes: f(docs[d].bytes) })),
  );
}

/** Run `fn`; it may succeed or fail with a usage or external XosError, and nothing else. */
async function onlyClearErrors(what: string, fn: () => unknown | Promise<unknown>): Promise<'ok' | 'usage' | 'external'> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    if (isXosError(e) && (e.kind === 'usage' || e.kind === 'external')) {
      if (!e.message.trim()) throw new Error(`${what}: an XosError with an empty message`);
      return e.kind;
    }
    throw new Error(`${what}: not a clear error but ${(e as Error)?.stack ?? String(e)}`);
  }
}

/** Decode as the state reader does: it takes bytes (UTF-8 or UTF-16). */
function stateText(bytes: Buffer): string {
  return decodeText(bytes);
}

describe('fuzzing the state reader and xos status', () => {
  const docs = [...fixtures('state'), { name: 'hello (as terraform apply leaves it)', bytes: Buffer.from(JSON.stringify(helloState(), null, 2)) }];
  const dir = tmpDir('xos-fuzz-state-');

  test('the real states it mutates read clean before they are mutated', async () => {
    expect(docs.length).toBeGreaterThanOrEqual(6);
    for (const d of docs) expect(await onlyClearErrors(d.name, () => readStateText(stateText(d.bytes), d.name))).toBe('ok');
    const file = path.join(dir, 'hello.json');
    fs.writeFileSync(file, docs[docs.length - 1].bytes);
    const report = await computeStatus({ declared, outdir: dir, target: 'local', states: [{ stack: stackName, file }] });
    expect(formatTable(report)).toMatch(/in-sync/);
  });

  test('a mutated state is read, or refused with a clear error; status never crashes on it', async () => {
    const seen = { ok: 0, usage: 0, external: 0 };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutated(docs, stateText), async (m) => {
        const what = `${m.name}, ${m.how}`;
        const read = await onlyClearErrors(what, () => readStateText(stateText(m.bytes), m.name));
        seen[read]++;
        const file = path.join(dir, `state-${n++ % 4}.json`);
        fs.writeFileSync(file, m.bytes);
        await onlyClearErrors(`${what}, through xos status`, async () => {
          const report = await computeStatus({ declared, outdir: dir, target: 'local', states: [{ stack: stackName, file }] });
          formatTable(report);
          formatJson(report);
        });
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: SEED + 8 },
    );
    // Both outcomes happen: the fuzzing reaches past the reader's first checks.
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.usage + seen.external).toBeGreaterThan(0);
  }, 120_000);
});

describe('fuzzing the plan reader and xos review', () => {
  const docs = [...fixtures('plan'), { name: 'hello (a plan that creates it)', bytes: Buffer.from(JSON.stringify(helloPlan(), null, 2)) }];

  test('the real plans it mutates read clean before they are mutated', async () => {
    expect(docs.length).toBeGreaterThanOrEqual(10);
    for (const d of docs) expect(await onlyClearErrors(d.name, () => parsePlan(d.bytes, d.name))).toBe('ok');
    const review = buildReview({ plans: [{ plan: parsePlan(docs[docs.length - 1].bytes, 'hello.plan.json') }], head: model });
    expect(renderMarkdown(review)).toContain('princeton');
  });

  test('a mutated plan is read, or refused with a clear error; review never crashes on it', async () => {
    const seen = { ok: 0, usage: 0, external: 0 };
    await fc.assert(
      fc.asyncProperty(mutated(docs, (b) => decodePlanBytes(b).text), async (m) => {
        const what = `${m.name}, ${m.how}`;
        let plan: ReturnType<typeof parsePlan> | undefined;
        const read = await onlyClearErrors(what, () => (plan = parsePlan(m.bytes, m.name)));
        seen[read]++;
        if (!plan) return;
        await onlyClearErrors(`${what}, through xos review`, () => {
          const review = buildReview({ plans: [{ plan: plan! }], head: model, actor: 'alice' });
          renderMarkdown(review);
          JSON.stringify(review);
        });
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: SEED + 9 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.usage + seen.external).toBeGreaterThan(0);
  }, 120_000);
});

describe('fuzzing the model reader', () => {
  test('a mutated xos-model.json is read, or refused with a clear error; review never crashes on it', async () => {
    const doc = JSON.parse(JSON.stringify(model)) as Json;
    const plan = parsePlan(Buffer.from(JSON.stringify(helloPlan())), 'hello.plan.json');
    await fc.assert(
      fc.asyncProperty(fc.nat(), replacement, async (pick, replace) => {
        const m = mutateJson(doc, pick, replace);
        let head: ReturnType<typeof checkModel> | undefined;
        await onlyClearErrors(`model, value at path #${pick} replaced`, () => (head = checkModel(m, 'xos-model.json')));
        if (!head) return;
        await onlyClearErrors(`model, value at path #${pick} replaced, through xos review`, () => renderMarkdown(buildReview({ plans: [{ plan }], head: head!, base: model, actor: 'alice' })));
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: SEED + 10 },
    );
  }, 120_000);
});
