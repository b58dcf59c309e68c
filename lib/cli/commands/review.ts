import type { CommandSpec, ParsedArgs } from '../args';
import type { Io } from '../io';

export const spec: CommandSpec = {
  name: 'review',
  summary:
    'Review Terraform plans in the model\'s words: a summary per stack, destroys first, changes grouped by model object, drift, whether --actor may make the change (RBAC-006/007/008), the rules the head model breaks, and the tenancy graph. The markdown always fits one GitHub comment. Exit 0: nothing blocks; 3: the actor needs approval or a rule fails; 1: error.',
  usage: 'xos review --plan [STACK=]FILE [--plan ...] --model xos-model.json [--base-model FILE] [--actor USER] [--format markdown|json]',
  positionals: [],
  options: [
    { name: 'plan', type: 'strings', description: 'a plan as JSON (`terraform show -json PLAN`), one per stack; prefix STACK= to name its stack (else found from its addresses)', placeholder: '[STACK=]FILE' },
    { name: 'model', type: 'string', description: 'the head model: xos-model.json written by `xos synth`', placeholder: 'FILE' },
    { name: 'base-model', type: 'string', description: 'the base branch\'s xos-model.json: enables the model diff and reads the actor\'s roles from it', placeholder: 'FILE' },
    { name: 'actor', type: 'string', description: 'the User (key or name) who authored the change; without it authorization is not checked', placeholder: 'USER' },
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
  const modelFile = args.options.model as string | undefined;
  if (!modelFile) throw usageError(`'xos review' needs --model FILE: the xos-model.json that \`xos synth\` wrote for the head of the change. Usage: ${spec.usage}`);
  const baseFile = args.options['base-model'] as string | undefined;
  const actor = args.options.actor as string | undefined;
  if (actor !== undefined && !actor.trim()) throw usageError('--actor is empty: give the User (key or name) who authored the change, or leave --actor out.');

  const head = readModelFile(modelFile, 'model');
  const base = baseFile ? readModelFile(baseFile, 'base model') : undefined;
  const plans = planArgs.map((a) => {
    const { stack, file } = parsePlanArg(a, (f) => fs.existsSync(f));
    return { plan: readPlanFile(file), ...(stack ? { stack } : {}) };
  });
  const review = buildReview({ plans, head, ...(base ? { base } : {}), ...(actor !== undefined ? { actor } : {}) });

  if (args.options.format === 'json') io.out(JSON.stringify(review, null, 2) + '\n');
  else {
    const full = ['xos review', ...planArgs.map((p) => `--plan ${p}`), `--model ${modelFile}`, ...(baseFile ? [`--base-model ${baseFile}`] : []), ...(actor ? [`--actor ${actor}`] : []), '--format json'].join(' ');
    io.out(renderMarkdown(review, { fullCommand: full }));
  }
  return review.exitCode;
}
