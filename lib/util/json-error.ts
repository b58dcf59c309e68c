/**
 * What is wrong with text that is not JSON, said without quoting it. V8's own message quotes
 * the text around the error (`Unexpected token 'x', "{"password": "hunt"... is not valid
 * JSON`): one damaged byte in a state, plan or model would print a piece of a secret. Here
 * the cause is one of a fixed set of words and the place is a line and a column; no byte of
 * the text is ever part of the message.
 */

export interface JsonProblem {
  /** What is wrong, in words of our own: never text from the input. */
  readonly cause: string;
  /** Where, as a character offset into the text, when known. */
  readonly offset?: number;
  /** `line L, column C` (1-based), when the offset is known. */
  readonly where?: string;
  /** True when the text ends before the JSON does (cut short while written or copied). */
  readonly truncated: boolean;
}

/** V8's causes (Node 18 to 22) as our words; anything else is `not valid JSON`. */
const CAUSES: readonly [RegExp, string][] = [
  [/^Unexpected end of JSON input/, 'it ends early'],
  [/^Unterminated string/, 'a string is not closed'],
  [/^Bad control character in string/, 'a control character inside a string'],
  [/^Bad escaped character/, 'a bad escape sequence inside a string'],
  [/^Bad Unicode escape/, 'a bad \\u escape inside a string'],
  [/^Unexpected non-whitespace character after JSON/, 'more text after the JSON value'],
  [/^Expected double-quoted property name/, 'a property name is missing or not in double quotes'],
  [/^Expected property name or '\}'/, "a property name or '}' was expected"],
  [/^Expected ':' after property name/, "':' was expected after a property name"],
  [/^Expected ',' or '\}' after property value/, "',' or '}' was expected after a property value"],
  [/^Expected ',' or '\]' after array element/, "',' or ']' was expected after an array element"],
  [/^(No number after minus sign|Unterminated fractional number|Exponent part is missing a number|Unexpected number)/, 'a malformed number'],
  [/^Unexpected (token|string|character)/, 'an unexpected character'],
];

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `line ${line}, column ${offset - last}`;
}

/**
 * The offset of the first syntax error of JSON text (text.length when it ends early), or -1
 * when the text is valid. Iterative: nesting a million deep costs no stack.
 */
export function firstJsonError(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const string = (): boolean => {
    i++; // the opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === undefined) return false;
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if ('"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    if (!m.exec(text) || m.lastIndex === i) return false;
    i = m.lastIndex;
    return true;
  };
  const literal = (): boolean => {
    for (const w of ['true', 'false', 'null']) {
      if (text.startsWith(w, i)) {
        i += w.length;
        return true;
      }
    }
    return false;
  };
  // A stack of the open containers: 'o' object, 'a' array.
  const stack: string[] = [];
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') return true; // opened by the loop below
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    return literal();
  };
  ws();
  for (;;) {
    if (!value()) return i;
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (c === '{') {
        if (text[i] === '}') {
          i++;
        } else {
          if (text[i] !== '"' || !string()) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
          stack.push('o');
          continue;
        }
      } else if (text[i] === ']') {
        i++;
      } else {
        stack.push('a');
        continue;
      }
    }
    // A value is complete: close containers, or go on to the next member.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        ws();
        return i === n ? -1 : i;
      }
      const d = text[i];
      if (d === ',') {
        i++;
        if (top === 'o') {
          ws();
          if (text[i] !== '"' || !string()) return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        break;
      }
      if ((top === 'o' && d === '}') || (top === 'a' && d === ']')) {
        i++;
        stack.pop();
        continue;
      }
      return i;
    }
  }
}

/** Why `JSON.parse(text)` threw `e`, in words that quote nothing of the text. */
export function jsonProblem(e: unknown, text: string): JsonProblem {
  const msg = String((e as Error)?.message ?? '');
  const cause = CAUSES.find(([re]) => re.test(msg))?.[1] ?? 'not valid JSON';
  const at = / at position (\d+)/.exec(msg);
  let offset = at ? Number(at[1]) : undefined;
  if (offset === undefined) {
    const found = firstJsonError(text);
    if (found >= 0) offset = found;
  }
  const end = text.trimEnd().length;
  const truncated = /^Unexpected end of JSON input|^Unterminated string/.test(msg) || (offset !== undefined && offset >= end - 1 && end > 0 && !/^Unexpected non-whitespace/.test(msg));
  return { cause: truncated && cause === 'not valid JSON' ? 'it ends early' : cause, ...(offset !== undefined ? { offset, where: lineColumn(text, offset) } : {}), truncated };
}

/** `cause at line L, column C`: a JSON syntax error in one phrase, quoting nothing. */
export function jsonProblemText(e: unknown, text: string): string {
  const p = jsonProblem(e, text);
  return p.where ? `${p.cause} at ${p.where}` : p.cause;
}

/**
 * A value from a file for an error message: quoted only when it is short and plainly not a
 * secret (a version, a mode, an action name); anything else is described by its type and
 * length, so that a damaged file never makes a message quote a secret it holds.
 */
export function quoteValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return /^[A-Za-z0-9._-]{0,24}$/.test(v) ? JSON.stringify(v) : `a string of ${v.length} characters`;
  if (Array.isArray(v)) return v.length <= 4 && v.every((x) => typeof x === 'string' && /^[A-Za-z0-9._-]{0,24}$/.test(x)) ? JSON.stringify(v) : `a list of ${v.length}`;
  return `an ${typeof v}`;
}
