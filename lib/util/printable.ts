/**
 * Text that is safe to print on a terminal. What xos prints can quote a user's names and
 * bytes from the files it reads (a state, a plan, a program that is not text); a control
 * character among them could move the cursor, clear the screen, retitle the window, write
 * the clipboard (OSC 52), overwrite the line (a lone carriage return), or (a bidirectional
 * override, an invisible character) show a line other than the one printed. Those characters
 * are printed as JSON-style escapes (`\u001b`, `\u202e`), which are also valid inside a JSON
 * string: `--json` output stays JSON and means the same. Newlines and tabs are kept.
 *
 * Hand-written because strip-ansi (6.0.1, checked) removes escape sequences but leaves a lone
 * carriage return and a bidirectional override (U+202E) as they are, and removes rather than
 * shows what it takes out; a reader must see that a value held such a character.
 *
 * Escaped: C0 controls but tab and newline, DEL, C1 controls, the bidirectional marks,
 * embeddings, overrides and isolates, zero-width and invisible formatting characters, line
 * and paragraph separators, the byte order mark, interlinear annotations and Unicode tags.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;
const ANY_UNSAFE = new RegExp(UNSAFE.source);

/** One UTF-16 unit as `\uXXXX`. */
function escapeUnit(n: number): string {
  return `\\u${n.toString(16).padStart(4, '0')}`;
}

export function printable(text: string): string {
  if (!ANY_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (c) => (c.length === 1 ? escapeUnit(c.charCodeAt(0)) : escapeUnit(c.charCodeAt(0)) + escapeUnit(c.charCodeAt(1))));
}

/** True when the text holds a character `printable` would escape. */
export function hasUnsafe(text: string): boolean {
  return ANY_UNSAFE.test(text);
}
