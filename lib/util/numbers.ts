/**
 * A count (a whole number) with commas between groups of three digits, as
 * `toLocaleString('en-US')` writes it, without loading the locale data.
 */
export function thousandsOf(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) out += (i > 0 && (digits.length - i) % 3 === 0 ? ',' : '') + digits[i];
  return n < 0 ? `-${out}` : out;
}
