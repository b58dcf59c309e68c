/**
 * Text that is safe to print on a terminal. What xos prints can quote a user's names and
 * bytes from the files it reads (a state, a plan, a program that is not text); a control
 * character among them could move the cursor, clear the screen, retitle the window, or (a
 * bidirectional override) show a line other than the one printed. Those characters are
 * printed as escapes (`\x1b`, `\u202e`); newlines and tabs are kept.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}
