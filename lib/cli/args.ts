/**
 * Command lines, declared per command (a CommandSpec) and split by Node's own
 * `util.parseArgs`: its tokenizer handles `--name=value`, short flags and their groups
 * (`-jo DIR`), and `--`. Every token is then checked against the spec here, so that each
 * mistake gets a message that names the command, the option and the fix; in particular a
 * value that looks like an option (`--out --json`) is refused, never taken as the value.
 */
import { parseArgs as nodeParseArgs } from 'util';
import { usageError } from '../errors';

export interface OptionSpec {
  readonly name: string;
  /** `strings` may be repeated and collects every value; `number` is a finite number. */
  readonly type: 'boolean' | 'string' | 'strings' | 'number';
  readonly description: string;
  readonly default?: string | boolean | number;
  readonly choices?: readonly string[];
  readonly placeholder?: string;
  /** A one-letter alias, given as `-x`. @default none */
  readonly short?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** Names of positional arguments; a trailing `?` marks one optional. */
  readonly positionals: readonly string[];
}

export type ParsedArgs = { positionals: string[]; options: Record<string, string | boolean | number | string[] | undefined> };

export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'debug', type: 'boolean', description: 'show stack traces of errors' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
];

/**
 * Short flags that mean the same in every command that has the option, so that commands need
 * not repeat them: `-o DIR` for `--out DIR`, `-f FORMAT` for `--format FORMAT`.
 */
const CONVENTIONAL_SHORTS: Readonly<Record<string, string>> = { out: 'o', format: 'f' };

/** A command's options with the common ones, each with its short flag if it has one. */
function optionsOf(spec: CommandSpec): OptionSpec[] {
  const all = [...spec.options, ...COMMON_OPTIONS];
  const taken = new Set(all.map((o) => o.short).filter(Boolean));
  return all.map((o) => {
    const short = CONVENTIONAL_SHORTS[o.name];
    return o.short || !short || taken.has(short) ? o : { ...o, short };
  });
}

const flag = (o: OptionSpec) => `--${o.name}`;

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const all = optionsOf(spec);
  const byName = new Map(all.map((o) => [o.name, o]));
  const { tokens } = nodeParseArgs({
    args: [...argv],
    // Strings for every option: the values are typed and checked below, against the spec.
    options: Object.fromEntries(all.map((o) => [o.name, { type: o.type === 'boolean' ? ('boolean' as const) : ('string' as const), ...(o.short ? { short: o.short } : {}) }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options: ParsedArgs['options'] = {};
  for (const o of all) if (o.default !== undefined) options[o.name] = o.default;
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    // parseArgs names a known short flag by its long name, an unknown one by its letter.
    const o = byName.get(t.name);
    if (!o || (!t.rawName.startsWith('--') && t.rawName !== `-${o.short}`)) throw usageError(`unknown option ${t.rawName} for 'xos ${spec.name}'. Run 'xos ${spec.name} --help' for its options.`);
    const shown = t.rawName === flag(o) ? flag(o) : `${t.rawName} (${flag(o)})`;
    if (o.type === 'boolean') {
      if (t.value !== undefined) throw usageError(`${shown} takes no value`);
      options[o.name] = true;
      continue;
    }
    const value = t.value;
    if (value === undefined) throw usageError(`${shown} needs a value (${o.placeholder ?? 'VALUE'})`);
    // parseArgs takes the next argument whatever it is; an option there means the value was forgotten.
    if (!t.inlineValue && value.startsWith('-') && value !== '-' && !(o.type === 'number' && Number.isFinite(Number(value))))
      throw usageError(`${shown} needs a value (${o.placeholder ?? 'VALUE'}), but is followed by the option ${value}. Give the value first; a value that begins with a dash is written ${flag(o)}=${value}.`);
    if (o.choices && !o.choices.includes(value)) throw usageError(`${shown} '${value}' is not one of: ${o.choices.join(', ')}`);
    if (o.type === 'number') {
      const n = value.trim() === '' ? NaN : Number(value);
      if (!Number.isFinite(n)) throw usageError(`${shown} '${value}' is not a number. Give a number, for example ${flag(o)} ${o.default ?? 10}.`);
      options[o.name] = n;
    } else if (o.type === 'strings') options[o.name] = [...((options[o.name] as string[] | undefined) ?? []), value];
    else options[o.name] = value;
  }
  if (options.help) return { positionals, options };
  const required = spec.positionals.filter((p) => !p.endsWith('?'));
  if (positionals.length < required.length) throw usageError(`'xos ${spec.name}' needs ${required.map((r) => `<${r}>`).join(' ')}. Usage: ${spec.usage}`);
  if (positionals.length > spec.positionals.length) throw usageError(`'xos ${spec.name}' got an unexpected argument '${positionals[spec.positionals.length]}'. Usage: ${spec.usage}`);
  return { positionals, options };
}

export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:'];
  for (const o of optionsOf(spec)) {
    const long = o.type === 'boolean' ? flag(o) : `${flag(o)} ${o.placeholder ?? 'VALUE'}`;
    const text = o.short ? `-${o.short}, ${long}` : `    ${long}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : '';
    lines.push(`  ${text.padEnd(32)} ${o.description}${def}`);
  }
  return lines.join('\n') + '\n';
}
