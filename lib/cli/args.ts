import { usageError } from '../errors';

export interface OptionSpec {
  readonly name: string;
  readonly type: 'boolean' | 'string' | 'strings';
  readonly description: string;
  readonly default?: string | boolean;
  readonly choices?: readonly string[];
  readonly placeholder?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** Names of positional arguments; a trailing `?` marks one optional. */
  readonly positionals: readonly string[];
}

export type ParsedArgs = { positionals: string[]; options: Record<string, string | boolean | string[] | undefined> };

export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'debug', type: 'boolean', description: 'show stack traces of errors' },
  { name: 'help', type: 'boolean', description: 'show this help' },
];

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const all = [...spec.options, ...COMMON_OPTIONS];
  const options: ParsedArgs['options'] = {};
  for (const o of all) if (o.default !== undefined) options[o.name] = o.default;
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const o = all.find((x) => x.name === name);
    if (!o) throw usageError(`unknown option --${name} for 'xos ${spec.name}'. Run 'xos ${spec.name} --help' for its options.`);
    if (o.type === 'boolean') {
      if (eq >= 0) throw usageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw usageError(`--${name} needs a value (${o.placeholder ?? 'VALUE'})`);
    if (o.choices && !o.choices.includes(value)) throw usageError(`--${name} '${value}' is not one of: ${o.choices.join(', ')}`);
    if (o.type === 'strings') options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    else options[name] = value;
  }
  if (options.help) return { positionals, options };
  const required = spec.positionals.filter((p) => !p.endsWith('?'));
  if (positionals.length < required.length) throw usageError(`'xos ${spec.name}' needs ${required.map((r) => `<${r}>`).join(' ')}. Usage: ${spec.usage}`);
  if (positionals.length > spec.positionals.length) throw usageError(`'xos ${spec.name}' got an unexpected argument '${positionals[spec.positionals.length]}'. Usage: ${spec.usage}`);
  return { positionals, options };
}

export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:'];
  for (const o of [...spec.options, ...COMMON_OPTIONS]) {
    const flag = o.type === 'boolean' ? `--${o.name}` : `--${o.name} ${o.placeholder ?? 'VALUE'}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : '';
    lines.push(`  ${flag.padEnd(28)} ${o.description}${def}`);
  }
  return lines.join('\n') + '\n';
}
