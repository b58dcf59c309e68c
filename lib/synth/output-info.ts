/**
 * What made an output folder: `xos-output.json`, written by every synthesis beside
 * `xos-model.json`, says which cloud (and program) and which target. Status, view and review
 * read a folder's stacks against a model; they refuse, with the fix, a folder that another
 * program made, or that was made for another target than the one the project chose: read
 * that way, every object of one shows as drifted or orphaned in the other.
 *
 * No cdktf here: status and review ask it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { usageError } from '../errors';
import { jsonProblemText } from '../util/json-error';
import type { TargetMode } from '../project';

export const OUTPUT_INFO_FILE = 'xos-output.json';
export const OUTPUT_INFO_VERSION = 1;

export interface OutputInfo {
  readonly formatVersion: number;
  /** The cloud's name (as in xos-model.json). */
  readonly cloud: string;
  /** The program, relative to the folder the output folder is in (`examples/hello/main.ts`). */
  readonly program?: string;
  /** The target the output was synthesized for. */
  readonly target: TargetMode;
  /** Each stack's target (`auto` renders each by its back-end). */
  readonly stacks: Readonly<Record<string, string>>;
  /** Model objects no back-end holds (Views, unused catalog entries ...): in xos-model.json, in no stack. */
  readonly unplaced?: readonly string[];
}

/** The record of an output folder being written into `dir` (a fresh folder beside the final one). */
export function outputInfo(cloud: string, target: TargetMode, stacks: readonly { name: string; target?: string }[], program: string | undefined, dir: string, unplaced: readonly string[] = []): OutputInfo {
  const stackTargets: Record<string, string> = {};
  for (const s of stacks) stackTargets[s.name] = s.target ?? 'local';
  const rel = program ? path.relative(path.dirname(path.resolve(dir)), program).split(path.sep).join('/') : undefined;
  return { formatVersion: OUTPUT_INFO_VERSION, cloud, ...(rel ? { program: rel } : {}), target, stacks: stackTargets, unplaced: [...unplaced] };
}

/** Write it (stable JSON, no absolute path, no time). */
export function writeOutputInfo(dir: string, info: OutputInfo): void {
  fs.writeFileSync(path.join(dir, OUTPUT_INFO_FILE), JSON.stringify(info, null, 2) + '\n');
}

/** The record of an output folder; undefined when it has none (made by an older xos, or not by xos). */
export function readOutputInfo(outdir: string): OutputInfo | undefined {
  const file = path.join(outdir, OUTPUT_INFO_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let doc: Partial<OutputInfo>;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw usageError(`${file} is not valid JSON (${jsonProblemText(e, text)}): the output folder is damaged. Synthesize it again (xos synth).`);
  }
  if (!doc || typeof doc !== 'object' || typeof doc.cloud !== 'string' || (doc.target !== 'auto' && doc.target !== 'local'))
    throw usageError(`${file} does not say which cloud and target made ${outdir}. Synthesize it again (xos synth).`);
  return doc as OutputInfo;
}

function madeBy(info: OutputInfo): string {
  return `the cloud '${info.cloud}'${info.program ? ` (${info.program})` : ''}`;
}

export interface ExpectedOutput {
  /** The cloud's name the folder must have been made from. */
  readonly cloud: string;
  /** The target it must have been made for, and where that was chosen; unchecked when absent. */
  readonly target?: { readonly target: TargetMode; readonly from: string };
  /** The program as the user names it, for the fix (`examples/hello`). */
  readonly program?: string;
  /** What the command does with the folder (`status reads each stack's state from it`). */
  readonly use: string;
  /** The command takes `--target` to read a folder as it was made. */
  readonly targetFlag?: boolean;
}

/**
 * Refuse an output folder made by another cloud or for another target than expected, or one
 * that does not say what made it, saying how to make the right one (fails closed: read
 * against the wrong model, every object would show as drifted or orphaned). A folder that
 * does not exist passes, for the command to say so in its own words.
 *
 * The cloud is compared, not the program's path: one cloud may be declared by a program and
 * by a recipe that give the same output byte for byte (central-office's main.ts and
 * recipe.yaml), and a program may move; two different clouds are told apart by their names.
 */
export function checkOutputFolder(outdir: string, expected: ExpectedOutput): OutputInfo | undefined {
  const info = readOutputInfo(outdir);
  const shown = path.relative(process.cwd(), path.resolve(outdir)) || outdir;
  const synth = `xos synth${expected.program ? ` ${expected.program}` : ''} --out ${shown}`;
  if (!info) {
    if (!fs.existsSync(outdir)) return undefined;
    throw usageError(
      `${shown} has no ${OUTPUT_INFO_FILE}, so what made it cannot be told: ${expected.use}, and a folder made by another program or for another target would show every object as drifted. ` +
        `Synthesize it with xos (${synth}, or cdktf synth of the program) and give that folder.`,
    );
  }
  if (info.cloud !== expected.cloud)
    throw usageError(
      `${shown} was synthesized from ${madeBy(info)}, not from the cloud '${expected.cloud}': ${expected.use}, and would count every object of one as missing from the other. ` +
        `Synthesize this one into its own folder (${synth.replace(`--out ${shown}`, '--out <folder>')}) and give that, or give the program that made ${shown}.`,
    );
  if (expected.target && info.target !== expected.target.target)
    throw usageError(
      `${shown} was synthesized for the target '${info.target}', but the target here is '${expected.target.target}' (from ${expected.target.from}): ${expected.use}, and each target keeps other resources in other state. ` +
        `Synthesize it again for '${expected.target.target}' (${synth})${expected.targetFlag ? `, or read it as it was made with --target ${info.target}` : ''}.`,
    );
  return info;
}

/**
 * The target whose resources a Terraform type is: `openstack_*`, `aws_*`, else local; none for
 * Terraform's built-in types (`terraform_data`), which every target writes (an OpenStack stack
 * holds model-only markers as terraform_data too).
 */
function targetOfType(type: string): string | undefined {
  if (type.startsWith('terraform_')) return undefined;
  return type.startsWith('openstack_') ? 'openstack' : type.startsWith('aws_') ? 'aws' : 'local';
}

/**
 * A review's inputs must be of one program and one target: the head and base models'
 * output folders made from one cloud for one target, and each plan made from stacks of
 * that target. Folders without a record (older output) are not checked.
 */
export function checkReviewInputs(headModel: string, baseModel: string | undefined, plans: readonly { file: string; stack?: string; types: readonly string[] }[]): void {
  const head = readOutputInfo(path.dirname(path.resolve(headModel)));
  if (!head) return;
  const headDir = path.relative(process.cwd(), path.dirname(path.resolve(headModel))) || '.';
  if (baseModel !== undefined) {
    const baseDir = path.dirname(path.resolve(baseModel));
    const base = readOutputInfo(baseDir);
    const shown = path.relative(process.cwd(), baseDir) || '.';
    if (base && base.cloud !== head.cloud)
      throw usageError(
        `the base model (${shown}) was synthesized from ${madeBy(base)} and the head (${headDir}) from ${madeBy(head)}: a review compares two versions of one program. Synthesize the base from the same program; if the change renames the cloud, review it without --base-model.`,
      );
    if (base && base.target !== head.target)
      throw usageError(
        `the base model (${shown}) was synthesized for the target '${base.target}' and the head (${headDir}) for '${head.target}': their plans and state differ in every resource. Synthesize both for one target (the same --target, XOS_TARGET or project setting).`,
      );
  }
  const made = new Set(Object.values(head.stacks));
  for (const p of plans) {
    const wanted = p.stack && head.stacks[p.stack] ? new Set([head.stacks[p.stack]]) : made;
    const other = [...new Set(p.types.map(targetOfType))].filter((t): t is string => t !== undefined && !wanted.has(t));
    if (other.length)
      throw usageError(
        `the plan ${p.file} holds ${other.join(' and ')} resources, but ${headDir} was synthesized for the target '${head.target}'${p.stack ? ` (stack ${p.stack}: ${head.stacks[p.stack] ?? 'not in it'})` : ''}: it was planned from another output folder. Plan the stacks of ${headDir} (terraform -chdir=${headDir}/stacks/<stack> plan), or synthesize for the target the plans were made for.`,
      );
  }
}
