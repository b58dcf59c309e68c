/**
 * Benchmark tasks at instance sizes: the size is a number of subscribers, each a chain of
 * three tenant instances (vOLT -> vCPE -> vBNG) in central offices of up to 10,000
 * subscribers (one stack each; see generateOffices). The same measurements as at resource
 * sizes (compile, synthesis, status and review with their floors, plain cdktf over the same
 * resources), and `instances-since`: one more subscriber, against the earlier output.
 *
 * `instances-one-office`: all the subscribers in ONE central office (one stack), as an operator
 * keeps them: examples/central-office's recipe with its subscribers.csv holding that many rows,
 * synthesized by `xos synth recipe.yaml` in the measured process. At 100k subscribers that is
 * 400,013 tenant instances and a 240 MB cdk.tf.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileCloud } from '../lib/compile';
import { floorRatios } from './floors';
import { reviewFloorTask, reviewTask, statusFloorTask, statusTask } from './tasks-extra';
import { cacheDir, cachedOutput, compileTask, generated, madeApart, plainCdktfTask, registerCache, registerTask, synthLocalTask, synthTask, type Measurement } from './worker';

const V = 'offices' as const;

registerTask('instances-compile', compileTask(V));
registerTask('instances-synth', synthLocalTask(V));
registerTask('instances-plain-cdktf', plainCdktfTask(V));
registerTask('instances-status', statusTask(V));
registerTask('instances-status-floor', statusFloorTask(V));
registerTask('instances-review', reviewTask(V));
registerTask('instances-review-floor', reviewFloorTask(V));

registerTask('instances-synth-openstack', synthTask(V, 'auto'));

/**
 * One more subscriber (in the first office) compiled with the allocations of the earlier
 * compile, synthesized, and compared with the earlier output: the stacks that changed (one),
 * and in it the resources added (the subscriber's three records), changed and removed (none).
 */
registerTask('instances-since', (size, seed) => {
  const { synthesizeAtomically } = require('../lib/synth/output') as typeof import('../lib/synth/output');
  const { compareStacks } = require('../lib/synth/since') as typeof import('../lib/synth/since');
  const { User } = require('../constructs/user') as typeof import('../constructs/user');
  const before = cachedOutput(size, seed, V);
  // The allocations of the earlier compile, as `xos synth` reads them beside the program.
  const { allocationsPath, readAllocations } = require('../lib/model/allocations-file') as typeof import('../lib/model/allocations-file');
  const lock = readAllocations(allocationsPath(before));
  if (!lock) throw new Error(`the cached output ${before} has no allocations file`);
  const after = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-')), 'out');
  // What `xos synth --since` does, timed: compile, synthesize, compare the stacks' digests.
  // In a function of its own, so that the constructs and the compiled model are let go
  // before the check below reads the changed stack's two files.
  const run = () => {
    const cloud = generated(size, seed, V);
    const svc = (name: string) => cloud.node.findChild(`${name}-co0`) as import('../constructs/service').Service;
    const site = cloud.node.findChild('co0') as import('../constructs/site').Site;
    const user = new User(cloud, 'sub-0-new', { site });
    const v = svc('vOLT').addTenant('sub-0-new', { subscriber: user, attributes: { s_tag: 100 } });
    const c0 = svc('vCPE').addTenant('sub-0-new', { subscriber: v, attributes: { bundle: 'family' } });
    svc('vBNG').addTenant('sub-0-new', { subscriber: c0 });
    const t0 = performance.now();
    const c = compileCloud(cloud, { allocations: lock });
    synthesizeAtomically(c, { outdir: after, target: 'local' });
    const t1 = performance.now();
    const changes = compareStacks(before, after);
    const t2 = performance.now();
    return { ms: t2 - t0, compareMs: t2 - t1, changes, resources: c.layout.stacks.reduce((n, s) => n + s.resources.length, 0) };
  };
  const { ms, compareMs, changes, resources } = run();
  // The check, untimed: inside the stacks that changed, resources added, changed and removed.
  let added = 0;
  let changed = 0;
  let removed = 0;
  const others: string[] = [];
  for (const stack of changes.changed) {
    const read = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8')).resource?.terraform_data ?? {}) as Record<string, { input?: { xos_key?: string } }>;
    const [a, b] = [read(before), read(after)];
    for (const [name, body] of Object.entries(b)) {
      if (!(name in a)) {
        added++;
        if (!String(body.input?.xos_key).endsWith('/sub-0-new')) others.push(name);
      } else if (JSON.stringify(a[name]) !== JSON.stringify(body)) changed++;
    }
    for (const name of Object.keys(a)) if (!(name in b)) removed++;
  }
  fs.rmSync(path.dirname(after), { recursive: true, force: true });
  return {
    ms,
    resources,
    extra: {
      compareMs: Math.round(compareMs),
      changed: changes.changed.length,
      added: changes.added.length,
      removed: changes.removed.length,
      unchanged: changes.unchanged.length,
      resourcesAdded: added,
      resourcesChanged: changed,
      resourcesRemoved: removed,
      notTheSubscribers: others.length,
    },
  };
});

/** examples/central-office, from the sources (bench/) or the build (dist/bench/). */
function centralOffice(): string {
  const found = [path.resolve(__dirname, '..', 'examples', 'central-office'), path.resolve(__dirname, '..', '..', 'examples', 'central-office')].find((d) => fs.existsSync(path.join(d, 'recipe.yaml')));
  if (!found) throw new Error('examples/central-office/recipe.yaml not found');
  return found;
}

/** `xos synth <recipe> --out <out>` in this process, as the command line runs it: what it printed. */
async function synthRecipe(recipe: string, out: string): Promise<string> {
  const { main } = require('../bin/xos') as typeof import('../bin/xos');
  let printed = '';
  let said = '';
  const code = await main(['synth', recipe, '--out', out], { out: (t) => void (printed += t), err: (t) => void (said += t) });
  if (code !== 0) throw new Error(`xos synth ${recipe} failed (exit ${code}): ${(said || printed).slice(-500)}`);
  return printed;
}

/**
 * The input of `instances-one-office`: examples/central-office's recipe and cdktf.json, its
 * vBNG pool widened to 100.64.0.0/10 (a /29 for each of up to 524,288 instances), and a
 * subscribers.csv of `size` rows (4,000 per s_tag, c_tag left to vOLT's pool, bundles in turn).
 * Synthesized once here so that xos.allocations.json records every allocation: the measured
 * synthesis is the ordinary one, of a cloud whose subscribers are all recorded.
 */
async function officeInput(size: number, seed: number): Promise<string> {
  const dir = cacheDir('office', size, seed, 'offices');
  const recipe = path.join(dir, 'recipe.yaml');
  if (fs.existsSync(path.join(dir, 'xos.allocations.json')) || madeApart('office', size, seed, 'offices')) return recipe;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const example = centralOffice();
  const text = fs.readFileSync(path.join(example, 'recipe.yaml'), 'utf8');
  const widened = text.replace(/routable_subnet: \{ block: [^,]+, prefix: 29 \}/, 'routable_subnet: { block: 100.64.0.0/10, prefix: 29 }');
  if (widened === text) throw new Error("examples/central-office/recipe.yaml: vBNG's routable_subnet pool not found");
  fs.writeFileSync(recipe, widened);
  fs.copyFileSync(path.join(example, 'cdktf.json'), path.join(dir, 'cdktf.json'));
  const bundles = ['basic', 'family', 'business'];
  const rows = ['id,email,s_tag:integer,c_tag:integer,bundle,parental_control:boolean'];
  for (let i = 0; i < size; i++) {
    const id = `sub-${10000 + i}`;
    const bundle = bundles[(i + seed) % 3];
    rows.push(`${id},${id}@subscribers.co1.example,${100 + Math.floor(i / 4000)},,${bundle},${bundle === 'family' && i % 2 ? 'true' : ''}`);
  }
  fs.writeFileSync(path.join(dir, 'subscribers.csv'), rows.join('\n') + '\n');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-')), 'out');
  await synthRecipe(recipe, out);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return recipe;
}
registerCache('office', (size, seed) => officeInput(size, seed));

registerTask('instances-one-office', async (size, seed) => {
  const recipe = await officeInput(size, seed);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xos-bench-')), 'out');
  const t0 = performance.now();
  const printed = await synthRecipe(recipe, out);
  const ms = performance.now() - t0;
  const stacks = fs.readdirSync(path.join(out, 'stacks'));
  const bytes = stacks.reduce((n, s) => n + fs.statSync(path.join(out, 'stacks', s, 'cdk.tf.json')).size, 0);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  // As the summary says them: `total  400101` (resources), `400013 tenant instances`.
  const resources = Number(/^\s*total\s+(\d+)\s*$/m.exec(printed)?.[1]);
  const instances = Number(/(\d+) tenant instances/.exec(printed)?.[1]);
  if (!resources || !instances) throw new Error(`xos synth printed no resource or instance count: ${printed.slice(0, 500)}`);
  return { ms, resources, extra: { stacks: stacks.length, instances, bytes } };
});

/** One of the targets at instance sizes, judged on this run's figures. */
export interface InstanceTarget {
  readonly target: string;
  readonly met: boolean;
  readonly measured: string;
}

/**
 * The targets at instance sizes: compile (validate + synth) at most half of plain cdktf's
 * time for the same resources; status and review within 3x of their floors; one more
 * subscriber re-plans one stack and adds only its three records. (Linear growth and peak
 * memory are judged with every task.)
 */
export function instanceTargets(get: (task: string, size: number) => Measurement | undefined, sizes: readonly number[]): InstanceTarget[] {
  const out: InstanceTarget[] = [];
  const judge = (target: string, pairs: [string, number, number, number?][]) => {
    if (pairs.length) out.push({ target, met: pairs.every(([, v, most, least]) => v <= most && (least === undefined || v >= least)), measured: pairs.map(([l, v]) => `${l} ${v}`).join(', ') });
  };
  judge(
    'instances: validate + synth at most half of plain cdktf for the same resources (ratio <= 0.5)',
    ['instances-synth', 'instances-synth-openstack'].flatMap((t) =>
      sizes.flatMap((size): [string, number, number][] => {
        const m = get(t, size);
        const plain = get('instances-plain-cdktf', size);
        return m && plain ? [[`${t}@${size}`, +(m.ms / plain.ms).toFixed(3), 0.5]] : [];
      }),
    ),
  );
  judge(
    'instances: status and review within 3x of the JSON floor of what they read',
    floorRatios(get, ['instances-status', 'instances-review'], sizes),
  );
  judge(
    'instances: one more subscriber re-plans one stack, adding its 3 records and changing nothing else',
    sizes.flatMap((size): [string, number, number, number?][] => {
      const m = get('instances-since', size);
      if (!m) return [];
      const e = m.extra ?? {};
      return [
        [`stacks@${size}`, Number(e.changed) + Number(e.added) + Number(e.removed), 1, 1],
        [`added@${size}`, Number(e.resourcesAdded), 3, 3],
        [`changed+removed+others@${size}`, Number(e.resourcesChanged) + Number(e.resourcesRemoved) + Number(e.notTheSubscribers), 0],
      ];
    }),
  );
  return out;
}
