/**
 * Records from data files, as an operator keeps subscribers: CSV (with a header row) or JSON
 * (an array of objects, or JSON Lines: one object per line). A program reads them with
 * `readRecords(file)` and declares Users and tenant instances from each; a recipe's
 * `subscribers:` section does the same. Every record remembers its file and line, so that
 * a problem with the instance made from it names the row to fix, not the program's loop.
 *
 * CSV: RFC 4180 (fields separated by commas, quoted with `"`, a quote doubled inside quotes,
 * CRLF or LF line ends, a UTF-8 BOM ignored). Values are strings unless the header gives the
 * column a type: `s_tag:integer`, `rate:number`, `active:boolean`, `name:string`. An empty
 * cell leaves the column out of that record (so a pool fills an attribute left empty). Numbers
 * are decimal (`0x10` is refused, not read as 16), and an integer beyond 2^53 - 1 is refused,
 * not rounded.
 *
 * Hand-written rather than a library: papaparse (5.7.1, 274 kB unpacked) numbers rows, not the
 * lines they start on (mholt/PapaParse#610, open), so a row after a quoted line break would be
 * blamed on the wrong line, and csv-parse (7.0.3, 1.6 MB unpacked in 33 files) would be a
 * hundred times this file for one of its three formats; neither reads `name:type` headers or
 * the line of a JSON array's elements, which is most of what is here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { programFileNow } from '../util/program-file';
import { usageError } from '../errors';
import type { SourceLocation } from '../model/types';

/** A value of a record: a CSV cell (typed by its header) or any JSON value. */
export type DataValue = string | number | boolean | null | readonly DataValue[] | { readonly [key: string]: DataValue };

/** One record of a data file: column (or member) -> value. */
export type DataRecord = Readonly<Record<string, DataValue>>;

const SOURCE = Symbol.for('xos.recordSource');

/** The largest data file read (bytes): far above 100,000 subscribers, well below what would exhaust memory. */
export const MAX_DATA_BYTES = 512 * 1024 * 1024;

/** Where a record was read from (file and line), when it came from `readRecords`. */
export function recordSource(record: unknown): SourceLocation | undefined {
  return record && typeof record === 'object' ? ((record as Record<symbol, SourceLocation | undefined>)[SOURCE] ?? undefined) : undefined;
}

function located<T extends object>(record: T, file: string, line: number): T {
  Object.defineProperty(record, SOURCE, { value: { file, line }, enumerable: false });
  return record;
}

const TYPES = ['string', 'number', 'integer', 'boolean'] as const;
/** A number as a CSV cell writes it: decimal digits, a point, an exponent (no 0x, 0o, 0b, Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
type ColumnType = (typeof TYPES)[number];

/**
 * Read the records of a CSV or JSON file (`.csv`, `.json`, `.jsonl`, `.ndjson`). A relative
 * path is read from the folder of the program file that calls this (`readRecords('subscribers.csv')`
 * reads the file beside main.ts, wherever xos or cdktf runs from), as a recipe's are from
 * the recipe's folder; outside a program (a REPL), from the working directory.
 * Give the records' type to read them typed: `readRecords<{ id: string; s_tag: number }>(file)`
 * (the type is not checked: the provider's instance schema checks the attributes, TNI-003).
 * @throws a usage error naming the file, the line and the fix for anything it cannot read
 */
export function readRecords<T extends object = DataRecord>(file: string): T[] {
  if (typeof file !== 'string' || file === '') throw usageError(`readRecords() was given ${JSON.stringify(file) ?? String(file)}, not a file name. Give the data file's path, relative to the program: readRecords('subscribers.csv').`);
  // Relative to the program that names the file, which needs no @types/node (path, __dirname)
  // to say so: a program without them is type checked against the smaller ES library.
  const from = path.isAbsolute(file) ? undefined : programFileNow(readRecords);
  const abs = path.resolve(from ? path.dirname(from) : process.cwd(), file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    const where = from ? ` (relative paths are read from the folder of ${path.relative(process.cwd(), from) || from}, the program that calls readRecords)` : '';
    throw usageError(`data file not found: ${path.relative(process.cwd(), abs) || abs}${where}. Check the path and the file's name.`);
  }
  if (!stat.isFile()) throw usageError(`${file} is not a file. Give a .csv, .json or .jsonl file of records.`);
  if (stat.size > MAX_DATA_BYTES) throw usageError(`${file} is ${stat.size.toLocaleString('en-US')} bytes, more than xos reads (${MAX_DATA_BYTES.toLocaleString('en-US')}). Split it into several files.`);
  const text = fs.readFileSync(abs, 'utf8');
  const shown = path.relative(process.cwd(), abs) || abs;
  return parseRecords(text, shown, abs) as unknown as T[];
}

/** Parse a data file's text by its name's extension; `shown` names it in messages, `file` in sources. */
export function parseRecords(text: string, shown: string, file = shown): DataRecord[] {
  const ext = path.extname(shown).toLowerCase();
  if (ext === '.csv') return parseCsv(text, shown, file);
  if (ext === '.json') return parseJsonRecords(text, shown, file);
  if (ext === '.jsonl' || ext === '.ndjson') return parseJsonLines(text, shown, file);
  throw usageError(`${shown}: xos reads records from .csv, .json (an array of objects) or .jsonl files (one object per line). Rename the file or convert it.`);
}

/** The fields of CSV text, row by row, with the line each row starts on (RFC 4180). */
function* csvRows(text: string, shown: string): Generator<{ line: number; fields: string[] }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const open = line;
        i++;
        for (;;) {
          if (i >= n) throw usageError(`${shown}:${open}: a quoted field is never closed. Close it with " (a quote inside a quoted field is written "").`);
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          throw usageError(`${shown}:${line}: text after a closing quote (${JSON.stringify(text.slice(i, i + 10))}). Quote the whole field, and double any quote inside it ("").`);
      } else {
        const s = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(s, i);
        if (field.includes('"')) throw usageError(`${shown}:${line}: a quote inside an unquoted field (${JSON.stringify(field.slice(0, 40))}). Quote the field and double the quote: "a ""b"" c".`);
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    if (fields.length === 1 && fields[0] === '') continue; // a blank line
    yield { line: start, fields };
  }
}

function parseCsv(text: string, shown: string, file: string): DataRecord[] {
  const rows = csvRows(text, shown);
  const first = rows.next();
  if (first.done) throw usageError(`${shown} is empty. A CSV file of records starts with a header row naming the columns (id,name,s_tag:integer,...).`);
  const columns = first.value.fields.map((h, col) => {
    const [name, type, ...rest] = h.trim().split(':');
    if (!name || rest.length) throw usageError(`${shown}:1: column ${col + 1} of the header is ${JSON.stringify(h)}; a column is a name, or name:type (types: ${TYPES.join(', ')}).`);
    if (type !== undefined && !(TYPES as readonly string[]).includes(type)) throw usageError(`${shown}:1: column '${name}' has the type '${type}'; the types are ${TYPES.join(', ')}.`);
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') throw usageError(`${shown}:1: '${name}' cannot name a column. Rename it.`);
    return { name, type: (type ?? 'string') as ColumnType };
  });
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw usageError(`${shown}:1: the column '${c.name}' appears twice in the header. Rename one of them.`);
    seen.add(c.name);
  }
  const out: DataRecord[] = [];
  for (const { line, fields } of rows) {
    if (fields.length !== columns.length)
      throw usageError(`${shown}:${line}: the row has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header ${columns.length} (${columns.map((c) => c.name).join(', ')}). Give every row one field per column (an empty field leaves the value out).`);
    const record: Record<string, DataValue> = {};
    for (let c = 0; c < columns.length; c++) {
      const raw = fields[c];
      if (raw === '') continue;
      record[columns[c].name] = cell(raw, columns[c], shown, line);
    }
    out.push(located(record, file, line));
  }
  return out;
}

function cell(raw: string, column: { name: string; type: ColumnType }, shown: string, line: number): DataValue {
  switch (column.type) {
    case 'string':
      return raw;
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (v === 'true') return true;
      if (v === 'false') return false;
      throw usageError(`${shown}:${line}: column '${column.name}' is boolean, but the value is ${JSON.stringify(raw)}. Write true or false, or leave the field empty.`);
    }
    default: {
      const v = raw.trim();
      // Decimal only: Number() would read 0x10 as 16 and 0o17 as 15, a value the file does not say.
      const num = DECIMAL.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(num) || (column.type === 'integer' && !Number.isInteger(num)))
        throw usageError(`${shown}:${line}: column '${column.name}' is ${column.type === 'integer' ? 'an integer' : 'a number'}, but the value is ${JSON.stringify(raw)}. Write ${column.type === 'integer' ? 'a whole number' : 'a number'}, or leave the field empty.`);
      if (column.type === 'integer' && !Number.isSafeInteger(num))
        throw usageError(`${shown}:${line}: column '${column.name}' is an integer, but ${v} is too large to be kept exactly (the largest is ${Number.MAX_SAFE_INTEGER}). Write a smaller number, or read the column as text (${column.name}:string).`);
      return num;
    }
  }
}

function checkObject(v: unknown, shown: string, line: number, what: string): DataRecord {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw usageError(`${shown}:${line}: ${what} is ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}, not an object. Each record is an object of named values.`);
  for (const k of Object.keys(v)) if (k === '__proto__') throw usageError(`${shown}:${line}: a record has the member '__proto__'. Rename it.`);
  return v as DataRecord;
}

/** The line of each top-level element of a JSON array's text (a small scan: strings and nesting). */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expect = false; // at depth 1, the next non-space character starts an element
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expect && c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n' && c !== ']') {
      lines.push(line);
      expect = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expect = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expect = true;
  }
  return lines;
}

function parseJsonRecords(text: string, shown: string, file: string): DataRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw usageError(`${shown} is not valid JSON: ${(e as Error).message}. A JSON file of records is an array of objects: [{ "id": "sub-1", ... }, ...].`);
  }
  if (!Array.isArray(doc)) throw usageError(`${shown} holds ${doc === null ? 'null' : typeof doc}, not an array. A JSON file of records is an array of objects: [{ "id": "sub-1", ... }, ...].`);
  const lines = elementLines(text);
  return doc.map((v, i) => located({ ...checkObject(v, shown, lines[i] ?? 1, `record ${i + 1}`) }, file, lines[i] ?? 1));
}

function parseJsonLines(text: string, shown: string, file: string): DataRecord[] {
  const out: DataRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (!t) return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw usageError(`${shown}:${i + 1}: not a JSON object (${(e as Error).message}). A .jsonl file holds one JSON object per line.`);
    }
    out.push(located({ ...checkObject(v, shown, i + 1, 'the line') }, file, i + 1));
  });
  return out;
}
