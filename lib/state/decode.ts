/**
 * Bytes to JSON, with errors that say what is wrong with the file: empty, truncated, not
 * JSON. Text in UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark
 * (what Windows PowerShell's `>` writes) or without one is read.
 */
import { usageError } from '../errors';

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

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line}, column ${offset - last}`;
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
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? ` at ${lineCol(text, Number(m[1]))}` : '';
    const truncated = /end of JSON input|Unterminated string/.test(msg) || (m !== null && Number(m[1]) >= text.trimEnd().length - 1);
    const cause = msg.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected token/, 'unexpected token');
    if (truncated) throw usageError(`${source} is truncated: its JSON ends early (${cause}${where}). It was cut off while being written or copied; read it again from its source (terraform state pull).`);
    const head = text.trimStart()[0];
    if (head !== '{' && head !== '[') throw usageError(`${source} is not JSON (it begins with '${text.trimStart().slice(0, 20).replace(/\s+/g, ' ').trim()}'): expected ${what}.`);
    throw usageError(`${source} is not valid JSON (${cause}${where}): expected ${what}. The file is damaged; read it again from its source.`);
  }
}
