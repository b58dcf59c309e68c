import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'review',
  summary:
    'Review Terraform plans in the model\'s words: a summary per stack, destroys first, changes grouped by model object, drift, whether --actor may make the change (RBAC-006/007/008), the rules the head model breaks, and the tenancy graph. The markdown always fits one GitHub comment. Exit 0: nothing blocks; 3: the actor needs approval or a rule fails; 1: error.',
  usage: 'xos review --plan [STACK=]FILE [--plan ...] (--model FILE --base-model FILE | --head-out DIR --base-out DIR | --model FILE --first-deploy) [--actor USER] [--format markdown|json]',
  positionals: [],
  options: [
    { name: 'plan', type: 'strings', description: 'a plan as JSON (`terraform show -json PLAN`), one per stack; prefix STACK= to name its stack (else found from its addresses)', placeholder: '[STACK=]FILE' },
    { name: 'model', type: 'string', description: 'the head model: xos-model.json written by `xos synth`', placeholder: 'FILE' },
    { name: 'base-model', type: 'string', description: "the base branch's xos-model.json: the authority the actor's roles are read from (required with --actor), and the model diff", placeholder: 'FILE' },
    { name: 'head-out', type: 'string', description: 'the head\'s synthesized output folder: its xos-model.json is the head model (unless --model), and its stacks are compared with --base-out\'s', placeholder: 'DIR' },
    { name: 'base-out', type: 'string', description: "the base's synthesized output folder: its xos-model.json is the base model (unless --base-model); a stack whose backend, provider configuration or Terraform settings differ from it needs root admin, and a stack whose output is identical is named unchanged", placeholder: 'DIR' },
    { name: 'first-deploy', type: 'boolean', description: 'there is no base model yet (the first deploy): every change needs a root admin\'s approval' },
    { name: 'actor', type: 'string', description: 'the User (key or name) who authored the change; without it authorization is not checked (and the review blocks)', placeholder: 'USER' },
    { name: 'format', type: 'string', description: 'output format', default: 'markdown', choices: ['markdown', 'json'], placeholder: 'FORMAT' },
  ],
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const fs = await import('fs');
  const { usageError } = await import('../../errors');
  const { readPlanFile } = await import('../../plan/read');
  const { buildReview, readModelFile, renderMarkdown, parsePlanArg } = await import('../../review/index');

  const planArgs = (args.options.plan as string[] | undefined) ?? [];
  if (!planArgs.length) throw usageError(`'xos review' needs at least one --plan FILE (the output of \`terraform show -json PLAN\`, one per stack). Usage: ${spec.usage}`);
  const path = await import('path');
  const headOut = args.options['head-out'] as string | undefined;
  const baseOut = args.options['base-out'] as string | undefined;
  const modelFile = (args.options.model as string | undefined) ?? (headOut ? path.join(headOut, 'xos-model.json') : undefined);
  if (!modelFile) throw usageError(`'xos review' needs --model FILE: the xos-model.json that \`xos synth\` wrote for the head of the change (or --head-out DIR, the folder it wrote). Usage: ${spec.usage}`);
  const baseFile = (args.options['base-model'] as string | undefined) ?? (baseOut ? path.join(baseOut, 'xos-model.json') : undefined);
  const actor = args.options.actor as string | undefined;
  if (actor !== undefined && !actor.trim()) throw usageError('--actor is empty: give the User (key or name) who authored the change, or leave --actor out.');
  const firstDeploy = !!args.options['first-deploy'];
  if ((headOut === undefined) !== (baseOut === undefined)) throw usageError('--head-out and --base-out go together: the stacks of one are compared with those of the other.');

  const head = readModelFile(modelFile, 'model');
  const base = baseFile ? readModelFile(baseFile, 'base model') : undefined;
  const { MAX_REVIEW_CHANGES } = await import('../../limits');
  const { thousandsOf } = await import('../../util/numbers');
  let changes = 0;
  const plans = planArgs.map((a) => {
    const { stack, file } = parsePlanArg(a, (f) => fs.existsSync(f));
    const plan = readPlanFile(file);
    changes += plan.changes.length + plan.drift.length;
    if (changes > MAX_REVIEW_CHANGES)
      throw usageError(`the plans hold more than ${thousandsOf(MAX_REVIEW_CHANGES)} resource changes (${file} brings the count to ${thousandsOf(changes)}): more than one review takes. Review the stacks in groups (one xos review per group of plans).`);
    return { plan, ...(stack ? { stack } : {}) };
  });
  const { checkReviewInputs } = await import('../../synth/output-info');
  checkReviewInputs(modelFile, baseFile, plans.map((p, i) => ({ file: planArgs[i], ...(p.stack ? { stack: p.stack } : {}), types: [...p.plan.changes, ...p.plan.drift].map((c) => c.type) })));
  const { outputChanges } = await import('../../review/config');
  const { compareStacks } = await import('../../synth/since');
  const configuration = headOut && baseOut ? outputChanges(baseOut, headOut) : [];
  const unchanged = headOut && baseOut ? compareStacks(baseOut, headOut).unchanged : undefined;
  const review = buildReview({ plans, head, ...(base ? { base } : {}), ...(actor !== undefined ? { actor } : {}), ...(firstDeploy ? { firstDeploy } : {}), configuration, ...(unchanged ? { unchanged } : {}) });

  if (args.options.format === 'json') {
    const { writeJson } = await import('../../util/json-stream');
    writeJson((t) => io.out(t), review);
  } else {
    const full = ['xos review', ...planArgs.map((p) => `--plan ${p}`), `--model ${modelFile}`, ...(baseFile ? [`--base-model ${baseFile}`] : []), ...(headOut && baseOut ? [`--head-out ${headOut} --base-out ${baseOut}`] : []), ...(firstDeploy ? ['--first-deploy'] : []), ...(actor ? [`--actor ${actor}`] : []), '--format json'].join(' ');
    io.out(renderMarkdown(review, { fullCommand: full }));
  }
  return review.exitCode;
}
