/**
 * Read a Terraform state from text or a file, whatever its form: a raw state (format
 * version 4) or `terraform show -json`. Anything else (a plan, a provider schema, an old or
 * unknown format, damaged JSON) is refused with an error that names the file and says what
 * it holds instead.
 */
import { MAX_JSON_FILE } from '../limits';
import { thousandsOf } from '../util/numbers';
import { quoteValue } from '../util/json-error';
import * as fs from 'fs';
import { usageError } from '../errors';
import { decodeText, parseJsonText } from './decode';
import { readStateV4 } from './raw-v4';
import { readShowJson } from './show-json';
import { streamStateV4 } from './stream-v4';
import type { ReadOptions, StateSnapshot } from './types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a parsed JSON document holds, when it is not a state. */
function describeOther(doc: Json): string | undefined {
  if ('planned_values' in doc || 'resource_changes' in doc || 'output_changes' in doc)
    return 'a plan (terraform show -json of a plan file), not a state. Give the state: terraform state pull > state.json, or terraform show -json with no plan file';
  if ('provider_schemas' in doc) return 'a provider schema (terraform providers schema -json), not a state';
  if ('formatVersion' in doc && 'controllers' in doc) return "an xos model (xos-model.json), not a state. Give it as the program instead: xos status <dir>/xos-model.json";
  if ('//' in doc && ('resource' in doc || 'terraform' in doc)) return 'a Terraform configuration (cdk.tf.json), not a state';
  return undefined;
}

/** Other JSON has a "version" too (package.json's "1.0.0"): a state's is a number, or comes with a state's other keys. */
function hasStateVersion(doc: Json): boolean {
  return 'version' in doc && (typeof doc.version === 'number' || 'terraform_version' in doc || 'lineage' in doc || 'resources' in doc);
}

/** True when `readStateDocument` reads `doc` as a raw state of format version 4. */
export function isRawV4(doc: unknown): boolean {
  return isObject(doc) && !describeOther(doc) && hasStateVersion(doc) && doc.version === 4;
}

/** Read a parsed JSON document as a state. */
export function readStateDocument(doc: unknown, source: string, options: ReadOptions = {}): StateSnapshot {
  if (!isObject(doc)) throw usageError(`${source} holds JSON ${Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc}, not a Terraform state (an object with "version": 4, or "format_version" and "values").`);
  const other = describeOther(doc);
  if (other) throw usageError(`${source} is ${other}.`);
  if (hasStateVersion(doc)) {
    const v = doc.version;
    if (v === 4) return readStateV4(doc, source, options);
    if (v === 1 || v === 2 || v === 3)
      throw usageError(`${source} is a state of format version ${v}, written by Terraform before 0.12. xos reads format version 4: upgrade the state with Terraform 0.12 or later (any plan or apply rewrites it), then read it again.`);
    throw usageError(`${source} is a state of format version ${quoteValue(v)}, which xos does not know: it reads format version 4 (Terraform 0.12 to 1.x). Upgrade xos, or check that the file is a Terraform state.`);
  }
  if ('format_version' in doc) return readShowJson(doc, source);
  throw usageError(`${source} is JSON but not a Terraform state: it has neither "version" (a raw state) nor "format_version" (terraform show -json). Its keys: ${Object.keys(doc).slice(0, 8).join(', ') || '(none)'}.`);
}

/** Read state text (a raw state or terraform show -json). */
export function readStateText(text: string, source: string, options: ReadOptions = {}): StateSnapshot {
  return readStateDocument(parseJsonText(text, source), source, options);
}

/** Read a state file: a large raw state a piece at a time (see stream-v4.ts), anything else whole. */
export function readStateFile(file: string, options: ReadOptions = {}): StateSnapshot {
  return streamStateV4(file, isRawV4, options) ?? readWholeStateFile(file, options);
}

/** Read a state file whole: its bytes, then its text, then its document. */
function readWholeStateFile(file: string, options: ReadOptions): StateSnapshot {
  let bytes: Buffer | undefined;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw usageError(`state file not found: ${file}. Give the path of a state (terraform state pull > state.json).`);
    if (code === 'EISDIR') throw usageError(`${file} is a folder, not a state file.`);
    throw usageError(`cannot read the state file ${file}: ${(e as Error).message}`);
  }
  if (bytes.length > MAX_JSON_FILE) throw usageError(`${file} is ${thousandsOf(bytes.length)} bytes, more than the ${thousandsOf(MAX_JSON_FILE)} xos reads as a state.`);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) throw usageError(`${file} is gzip-compressed, not JSON: decompress it first (gunzip -c ${file} > state.json), then give the JSON.`);
  const text = decodeText(bytes);
  // The bytes are let go before the text is parsed: a large state need not be held twice over.
  bytes = undefined;
  return readStateText(text, file, options);
}
