/**
 * `xos verify`: the proof that the synthesized cloud lets through exactly what the model asks
 * for. It reads each stack's Terraform JSON (never the layout), builds the network each
 * back-end would build from it (read-openstack.ts, read-aws.ts, read-local.ts), computes the
 * flows it admits (analysis.ts) and compares them with the flows the model intends
 * (intent.ts), class by class (check.ts). `xos synth` runs the same proof on what it is about
 * to write, and writes nothing when it fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { externalError, XosError } from '../errors';
import { jsonProblemText } from '../util/json-error';
import { ModelIndex } from '../model/index';
import type { XosModel } from '../model/types';
import { readModelFile } from '../review/model-file';
import { verifyGraphs, type VerifyOptions, type VerifyResult } from './check';
import type { StackGraph } from './graph';
import { readAws } from './read-aws';
import { readLocal } from './read-local';
import { readOpenstack } from './read-openstack';
import type { Tf } from './tf';

export type { VerifyResult, SummaryRow } from './check';
export { explainFlow, type Explanation } from './explain';

/**
 * What `xos synth` throws when the output it is about to write does not admit exactly the
 * intended flows: on a model that validated, a bug in xos (TGT-001: synthesis never fails on
 * a model that validated). It carries the proof, to print its violations.
 */
export class ProofFailed extends XosError {
  constructor(public readonly proof: VerifyResult) {
    super('internal', `the synthesized network does not admit exactly the flows the model intends (${proof.errors} FLOW violation${proof.errors === 1 ? '' : 's'}); nothing was written. This is a bug in xos: please report it with the output of \`xos verify <program> --json\`.`);
    this.name = 'XosError';
  }
}

export function isProofFailed(e: unknown): e is ProofFailed {
  return e instanceof ProofFailed;
}

/** The back-end a stack's JSON is for: by its provider (no provider: the local target). */
export function stackTarget(tf: Tf): 'openstack' | 'aws' | 'local' {
  const providers = Object.keys(tf.provider ?? {});
  if (providers.includes('openstack')) return 'openstack';
  if (providers.includes('aws')) return 'aws';
  const types = Object.keys(tf.resource ?? {});
  if (types.some((t) => t.startsWith('openstack_'))) return 'openstack';
  if (types.some((t) => t.startsWith('aws_'))) return 'aws';
  return 'local';
}

/** The network a back-end would build from one stack's Terraform JSON. */
export function readStack(tf: Tf, stack: string): StackGraph {
  switch (stackTarget(tf)) {
    case 'openstack':
      return readOpenstack(tf, stack);
    case 'aws':
      return readAws(tf, stack);
    default:
      return readLocal(tf, stack);
  }
}

/** Prove stacks (by name: their Terraform JSON) against a model. */
export function verifyStacks(model: XosModel, stacks: ReadonlyMap<string, Tf> | Iterable<[string, Tf]>, options: VerifyOptions = {}, index = new ModelIndex(model)): VerifyResult {
  const graphs = [...stacks].map(([name, tf]) => readStack(tf, name));
  return verifyGraphs(model, index, graphs, options);
}

/** Prove graphs already read (see `readOutputGraphs`) against a model. */
export function verifyGraphList(model: XosModel, graphs: readonly StackGraph[], options: VerifyOptions = {}, index = new ModelIndex(model)): VerifyResult {
  return verifyGraphs(model, index, graphs, options);
}

/**
 * An output folder read for the proof: its model, and each stack's network, read one stack at
 * a time (a stack's JSON is let go once its network is read: a large cloud's output is never
 * in memory whole).
 */
export function readOutputGraphs(dir: string): { model: XosModel; graphs: StackGraph[] } {
  const { model, files } = outputFiles(dir);
  return { model, graphs: files.map(([name, file]) => readStack(parseStack(file), name)) };
}

function outputFiles(dir: string): { model: XosModel; files: [string, string][] } {
  const modelFile = path.join(dir, 'xos-model.json');
  if (!fs.existsSync(modelFile)) throw externalError(`${dir} holds no xos-model.json: give the folder \`xos synth --out\` wrote, or the program.`);
  const model = readModelFile(modelFile);
  const stacksDir = path.join(dir, 'stacks');
  let names: string[] = [];
  try {
    names = fs.readdirSync(stacksDir).sort();
  } catch {
    throw externalError(`${dir} holds no stacks/ folder: give the folder \`xos synth --out\` wrote.`);
  }
  const files = names.map((name) => [name, path.join(stacksDir, name, 'cdk.tf.json')] as [string, string]).filter(([, f]) => fs.existsSync(f));
  return { model, files };
}

function parseStack(file: string): Tf {
  let tf: Tf;
  const text = fs.readFileSync(file, 'utf8');
  try {
    tf = JSON.parse(text) as Tf;
  } catch (e) {
    throw externalError(`${file} is not valid JSON (${jsonProblemText(e, text)}). Synthesize again.`);
  }
  if (!tf || typeof tf !== 'object' || Array.isArray(tf)) throw externalError(`${file} does not hold a Terraform configuration (an object). Synthesize again.`);
  return tf;
}

/** An output folder as `xos synth` writes it: its model and each stack's JSON. */
export function readOutput(dir: string): { model: XosModel; stacks: Map<string, Tf> } {
  const { model, files } = outputFiles(dir);
  return { model, stacks: new Map(files.map(([name, file]) => [name, parseStack(file)])) };
}
