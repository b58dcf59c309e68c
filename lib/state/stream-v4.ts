/**
 * A large raw state (format version 4) read from its file a piece at a time: each element of
 * the top-level `resources` list is parsed and read on its own (see StateV4Resources) as the
 * file is read, and the rest of the document (version, serial, lineage, outputs) is parsed
 * last, without them. Neither the file's bytes, nor its text, nor the
 * whole parsed document are ever held: a state of 30,000 resources is 110 MB of JSON, and
 * holding all three of them, with the resources' wrappers and type trees, was most of
 * `xos status`'s memory and time on a large cloud.
 *
 * Only the ordinary file takes this path: UTF-8 without a byte order mark, an object whose
 * `resources` is one list of objects, valid JSON throughout, and a raw state of format
 * version 4 once read. Anything else (another encoding, another format, damaged JSON, a
 * resource xos refuses) makes it answer undefined, and the file is read whole, by the path
 * whose errors name what is wrong.
 *
 * Why not a streaming JSON library: they tokenize every character in JavaScript. On a 115 MB
 * state of 30,050 resources (the bench's, 2026-12-04), stream-json 1.9 took 6.0 s and
 * @streamparser/json 0.0.26 2.4 s only to hand over the resources, against 0.73 s (123 MB
 * peak) for this reader to read the whole snapshot: it finds each element's end by
 * Terraform's indentation with `indexOf` and leaves the parsing to V8's JSON.parse.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { MAX_JSON_FILE } from '../limits';
import { StateV4Resources } from './raw-v4';
import type { ReadOptions, StateSnapshot } from './types';

/** Files smaller than this are read whole: it costs less than scanning them. */
export const STREAM_FROM = 8 * 1024 * 1024;

/** The line that opens the top-level resources list, as Terraform indents a state. */
const OPEN = Buffer.from('\n  "resources": [');
/** The line that closes one of its elements. */
const CLOSE = Buffer.from('\n    }');

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Thrown inside the scan when the file is not the ordinary kind: the caller reads it whole. */
class NotOrdinary extends Error {}

/**
 * Read `file` as a raw state of format version 4, a piece at a time, when it is the ordinary
 * kind (see above) and at least `from` bytes long; undefined otherwise. `isRawV4` decides,
 * from the document without its resources, whether it is a raw state of format version 4.
 */
export function streamStateV4(file: string, isRawV4: (doc: unknown) => boolean, options: ReadOptions = {}, tuning: { from?: number; chunk?: number } = {}): StateSnapshot | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < (tuning.from ?? STREAM_FROM) || size > MAX_JSON_FILE || size < 2) return undefined;
    return scan(fd, file, isRawV4, options, tuning.chunk ?? 4 * 1024 * 1024);
  } catch {
    // Not the ordinary kind (NotOrdinary), a resource xos refuses, a read that failed: the
    // whole-file path reads it again and says what is wrong.
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The scan. No byte of JSON text is read one at a time here: a raw newline is never inside a
 * JSON string, so the lines Terraform writes around the resources list and each of its
 * elements (`  "resources": [`, `    }`) are found with `indexOf`, and each element is
 * parsed by JSON.parse. Whatever those lines suggest, the result is taken only when it is
 * what parsing the whole file would give: every element parses alone, only commas and
 * spaces lie between them, and the rest of the document, with a random marker where the
 * list was cut, parses to a raw state whose top-level `resources` is that marker alone.
 */
function scan(fd: number, source: string, isRawV4: (doc: unknown) => boolean, options: ReadOptions, chunk: number): StateSnapshot {
  const reader = new StateV4Resources(source, options);
  // The bytes read and not yet used are work[start, end): one buffer, read into in place.
  let work = Buffer.allocUnsafe(2 * chunk);
  let start = 0;
  let end = 0;
  let eof = false;
  /** Read one more chunk after what is pending; false at the end of the file. */
  const more = (): boolean => {
    if (eof) return false;
    if (start > 0) {
      work.copy(work, 0, start, end);
      end -= start;
      start = 0;
    }
    if (work.length - end < chunk) {
      const grown = Buffer.allocUnsafe(Math.max(2 * work.length, end + chunk));
      work.copy(grown, 0, 0, end);
      work = grown;
    }
    const n = fs.readSync(fd, work, end, chunk, null);
    if (n === 0) eof = true;
    end += n;
    return n > 0;
  };
  // The head: up to and including the list's `[`. UTF-8 without a byte order mark, beginning with `{`.
  let at = -1;
  while (at < 0) {
    const from = Math.max(0, end - OPEN.length);
    if (!more()) throw new NotOrdinary();
    if (from === 0) {
      let i = 0;
      while (i < end && isSpace(work[i])) i++;
      if (i < end && work[i] !== 0x7b) throw new NotOrdinary();
    }
    at = work.subarray(0, end).indexOf(OPEN, from);
  }
  const head = Buffer.from(work.subarray(0, at + OPEN.length));
  start = at + OPEN.length;
  // The elements, each from its `{` to the first line that is `    }`.
  let index = 0;
  let expectElement = false;
  for (;;) {
    while (start < end && isSpace(work[start])) start++;
    if (start === end) {
      if (!more()) throw new NotOrdinary();
      continue;
    }
    const c = work[start];
    if (c === 0x5d /* ] */ && !expectElement) break;
    if (c === 0x2c /* , */ && index > 0 && !expectElement) {
      expectElement = true;
      start++;
      continue;
    }
    if (c !== 0x7b /* { */ || (index > 0 && !expectElement)) throw new NotOrdinary();
    let close: number;
    let searched = start;
    while ((close = work.subarray(0, end).indexOf(CLOSE, searched)) < 0) {
      searched = Math.max(start, end - CLOSE.length);
      const shift = start;
      if (!more()) throw new NotOrdinary();
      searched -= shift;
    }
    let r: unknown;
    try {
      r = JSON.parse(work.toString('utf8', start, close + CLOSE.length));
    } catch {
      throw new NotOrdinary();
    }
    reader.add(r, index++);
    expectElement = false;
    start = close + CLOSE.length;
  }
  // The tail: from the list's `]` to the end of the file.
  while (more());
  const marker = `xos:${randomBytes(16).toString('hex')}`;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat([head, Buffer.from(JSON.stringify(marker)), work.subarray(start, end)]).toString('utf8'));
  } catch {
    throw new NotOrdinary();
  }
  const resources = (doc as { resources?: unknown }).resources;
  if (!isRawV4(doc) || !Array.isArray(resources) || resources.length !== 1 || resources[0] !== marker) throw new NotOrdinary();
  return reader.snapshot(doc as Record<string, unknown>);
}
