/**
 * Reading `xos-model.json` (written by `xos synth`) back into a model, with the checks that
 * make a wrong file fail with a message naming it instead of a crash later on.
 */
import { releaseAfterRead } from '../util/release';
import { MAX_JSON_FILE } from '../limits';
import { thousandsOf } from '../util/numbers';
import { isXosError } from '../errors';
import * as fs from 'fs';
import type { BuiltModel } from '../model/build';
import { modelShapeProblem } from '../model/shape';
import { acknowledgementMap, acknowledgementsProblem } from '../model/acknowledgements';
import { COLLECTIONS, MODEL_FORMAT_VERSION, type XosModel } from '../model/types';
import { externalError } from '../errors';
import { decodeText } from '../state/decode';
import { jsonProblemText } from '../util/json-error';

const HOW_TO = 'It is written by `xos synth <program>` as <out>/xos-model.json.';

/** Read and check a model file. */
export function readModelFile(file: string, role = 'model'): XosModel {
  let text: string;
  let size: number;
  try {
    // UTF-8 with or without a byte order mark, or UTF-16 with one (as a Windows editor saves it).
    size = fs.statSync(file).size;
    if (size > MAX_JSON_FILE) throw externalError(`${role} file ${file} is ${thousandsOf(size)} bytes, more than the ${thousandsOf(MAX_JSON_FILE)} xos reads. ${HOW_TO}`);
    text = decodeText(fs.readFileSync(file));
  } catch (e) {
    if (isXosError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw externalError(`cannot read ${role} file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}. ${HOW_TO}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw externalError(`${role} file ${file} is not valid JSON (${jsonProblemText(e, text)}). ${HOW_TO}`);
  }
  text = '';
  const model = checkModel(raw, file, role);
  raw = undefined;
  releaseAfterRead(size);
  return model;
}

/** Check that a parsed document is an xos model of the format this version writes. */
export function checkModel(raw: unknown, file: string, role = 'model'): XosModel {
  const o = raw as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw externalError(`${role} file ${file} is not an xos model: expected a JSON object. ${HOW_TO}`);
  if ('format_version' in o || 'resource_changes' in o) throw externalError(`${role} file ${file} is a Terraform plan or state, not an xos model: give plans with --plan, and the model as the xos-model.json that \`xos synth <program>\` writes.`);
  if (o.formatVersion === undefined)
    throw externalError(`${role} file ${file} is not an xos model: it has no "formatVersion" (its keys: ${Object.keys(o).slice(0, 6).join(', ') || 'none'}). ${HOW_TO}`);
  if (o.formatVersion !== MODEL_FORMAT_VERSION)
    throw externalError(`${role} file ${file} has model format version ${JSON.stringify(o.formatVersion) ?? 'none'}; this xos reads version ${MODEL_FORMAT_VERSION}. Synthesize it again with this xos.`);
  if (typeof o.name !== 'string') throw externalError(`${role} file ${file} has no model "name". ${HOW_TO}`);
  for (const c of COLLECTIONS) {
    const v = o[c];
    if (v === undefined) continue;
    if (!Array.isArray(v)) throw externalError(`${role} file ${file}: "${c}" must be a list (got ${typeof v}).`);
    v.forEach((x, i) => {
      if (!x || typeof x !== 'object' || typeof (x as { key?: unknown }).key !== 'string' || typeof (x as { kind?: unknown }).kind !== 'string')
        throw externalError(`${role} file ${file}: ${c}[${i}] is not a model object (it needs a "kind" and a "key").`);
    });
  }
  const problem = modelShapeProblem(o) ?? acknowledgementsProblem(o.acknowledgements);
  if (problem) throw externalError(`${role} file ${file} is not a whole xos model: ${problem}. ${HOW_TO}`);
  const model: Record<string, unknown> = { ...o };
  for (const c of COLLECTIONS) if (model[c] === undefined) model[c] = [];
  return model as unknown as XosModel;
}

/**
 * A model read from JSON, as the rules take it: its acknowledgements (the file holds them),
 * no declaration sites or build errors.
 */
export function builtFromJson(model: XosModel): BuiltModel {
  return { model, meta: { sources: new Map(), acknowledgements: acknowledgementMap(model.acknowledgements), buildErrors: [] } };
}
