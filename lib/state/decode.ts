/**
 * Bytes to JSON, with errors that say what is wrong with the file: empty, truncated, not
 * JSON. Text in UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark
 * (what Windows PowerShell's `>` writes) or without one is read.
 */
import { usageError } from '../errors';
import { jsonProblem } from '../util/json-error';

/** Decode bytes to text, honouring a byte order mark. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

/** Decode a JSON file's bytes: UTF-8 with or without a BOM, UTF-16 LE or BE with or without one. */
export function decodeBytes(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf-16be' };
  }
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  // UTF-16 without a byte order mark: JSON starts with an ASCII character, so one of its
  // first two bytes is NUL. Taken only when the text then reads as JSON's start.
  if (buf.length >= 2 && buf.length % 2 === 0 && (buf[0] === 0) !== (buf[1] === 0)) {
    const le = buf[1] === 0 ? buf : Buffer.from(buf).swap16();
    const text = le.toString('utf16le');
    if (/^\s*[[{]/.test(text)) return { text, encoding: buf[1] === 0 ? 'utf-16le' : 'utf-16be' };
  }
  return { text: buf.toString('utf8'), encoding: 'utf-8' };
}

/** The text of a JSON file's bytes (see `decodeBytes`). */
export function decodeText(bytes: Uint8Array): string {
  return decodeBytes(bytes).text;
}

/**
 * Parse JSON text read from `source`. Throws a usage error naming the source when the text is
 * empty, cut short, or not JSON.
 */
export function parseJsonText(text: string, source: string, what = 'a Terraform state'): unknown {
  if (text.trim() === '') throw usageError(`${source} is empty: expected ${what} (JSON). Check that the file was written completely.`);
  try {
    return JSON.parse(text);
  } catch (e) {
    // Said in words of our own, with no byte of the text: V8's message quotes the text around the error.
    const p = jsonProblem(e, text);
    const where = p.where ? ` at ${p.where}` : '';
    if (p.truncated) throw usageError(`${source} is truncated: its JSON ends early (${p.cause}${where}). It was cut off while being written or copied; read it again from its source (terraform state pull).`);
    const head = text.trimStart()[0];
    if (head !== '{' && head !== '[') throw usageError(`${source} is not JSON (${notJsonKind(text)}): expected ${what}.`);
    throw usageError(`${source} is not valid JSON (${p.cause}${where}): expected ${what}. The file is damaged; read it again from its source.`);
  }
}

/** What a text that does not begin as JSON does begin as, without quoting it. */
export function notJsonKind(text: string): string {
  const t = text.trimStart();
  if (/^<(!doctype|html|\?xml)/i.test(t)) return 'it begins like an HTML or XML page';
  if (/^(Terraform |Plan:|No changes|Initializing|\x1b\[)/.test(t)) return 'it begins like the human-readable output of terraform';
  if (/^(---|[A-Za-z_][\w-]*:\s)/.test(t)) return 'it begins like YAML';
  if (/^\/[/*]/.test(t)) return 'it begins with a comment, which JSON does not allow';
  return 'it does not begin with { or [';
}
