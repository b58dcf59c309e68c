/**
 * Templates filled from a data file's records: a recipe's `subscribers:` section writes
 * `${column}` where a record's value goes. A string that is exactly one placeholder takes the
 * value itself (a number stays a number); a placeholder whose column the record leaves empty
 * takes no value, and an attribute without a value is left out (so a pool fills it); inside a
 * longer string a missing value is an error. `$${` writes a literal `${`.
 */
import type { DataRecord } from '../data/records';

const PLACEHOLDER = /\$?\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;

/** The column names a template refers to. */
export function columnsOf(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) if (!m[0].startsWith('$$')) out.add(m[1].trim());
  } else if (Array.isArray(value)) for (const v of value) columnsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) columnsOf(v, out);
  return out;
}

function own(row: DataRecord, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(row, k) ? row[k] : undefined;
}

/** Fill a template from one record; undefined for a whole placeholder whose column is empty. Throws for a missing value inside a longer string. */
export function fillRow(value: unknown, row: DataRecord): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return own(row, whole[1].trim());
    return value.replace(PLACEHOLDER, (m, col: string) => {
      if (m.startsWith('$$')) return m.slice(1);
      const v = own(row, col.trim());
      if (v === undefined || v === null) throw new Error(`the record has no value for '${col.trim()}' (in ${JSON.stringify(value)})`);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => fillRow(v, row));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const filled = fillRow(v, row);
      if (filled !== undefined) out[k] = filled;
    }
    return out;
  }
  return value;
}

/** Fill a template that must give a non-empty string (an id, a reference). */
export function fillText(value: string, row: DataRecord, what: string): string {
  const v = fillRow(value, row);
  if (v === undefined || v === null || v === '') throw new Error(`${what} ${JSON.stringify(value)} is empty for this record`);
  return typeof v === 'string' ? v : String(v);
}
