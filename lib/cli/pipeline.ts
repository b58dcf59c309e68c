import * as path from 'path';
import { compileCloud, compileModel, type CompileMemo, type Compiled } from '../compile';
import { changeText, type AllocationLock } from '../model/allocate';
import { allocationsPath, readAllocations, sameAllocations, writeAllocations } from '../model/allocations-file';
import type { XosModel } from '../model/types';
import { elide, formatViolation } from '../rules/index';
import type { SynthResult } from '../synth/output';
import type { Derived, DerivedChange } from '../synth/derived';
import type { Io } from './io';
import { loadProgram, type LoadedProgram, type LoadOptions } from './load';
import { programArgument } from '../project';

/**
 * An xos-model.json read as data (never run) and compiled as a program's model is: the rules
 * checked, the layout made. Acknowledgements and declaration sites are not in the file.
 */
export function compileModelFile(file: string): { loaded: { cloud?: undefined; file: string; dir: string }; compiled: Compiled } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { readModelFile, builtFromJson } = require('../review/model-file') as typeof import('../review/model-file');
  const model = readModelFile(file, 'model');
  return { loaded: { file: path.resolve(file), dir: path.dirname(path.resolve(file)) }, compiled: compileModel(builtFromJson(model), { relativeTo: process.cwd() }) };
}

export interface CompileProgramOptions extends LoadOptions {
  /** Allocate nothing: values missing from (or stale in) xos.allocations.json are TNI-005 errors. */
  readonly locked?: boolean;
  /** What the previous compile of this program made, reused where the model is the same (--watch). */
  readonly memo?: CompileMemo;
}

/** The allocations file beside a program, as read before compiling. */
export interface ProgramAllocations {
  readonly file: string;
  readonly previous?: AllocationLock;
}

/** Load the program (the one given, or the one cdktf.json runs) and compile it. */
export function loadAndCompile(program: string | undefined, options: CompileProgramOptions = {}): { loaded: LoadedProgram; compiled: Compiled; allocations: ProgramAllocations } {
  const loaded = loadProgram(programArgument(program), options);
  const file = allocationsPath(loaded.dir);
  const previous = readAllocations(file);
  const compiled = compileCloud(loaded.cloud, { relativeTo: process.cwd(), allocations: previous, locked: options.locked, allocationsFile: path.relative(process.cwd(), file) || file, memo: options.memo });
  return { loaded, compiled, allocations: { file, ...(previous ? { previous } : {}) } };
}

/** `model: 1 sites, ..., 3012 tenant instances`: what a model holds, as validate and synth print it. */
export function modelCounts(m: XosModel): Record<string, number> {
  return {
    sites: m.sites.length,
    users: m.users.length,
    deployments: m.deployments.length,
    services: m.services.length,
    tenancies: m.tenants.length,
    slices: m.slices.length,
    slivers: m.slivers.length,
    networks: m.networks.length,
    tenantInstances: m.instances.length,
  };
}

export function modelLine(m: XosModel): string {
  const c = modelCounts(m);
  return `model: ${c.sites} sites, ${c.users} users, ${c.deployments} deployments, ${c.services} services, ${c.tenancies} tenancies, ${c.slices} slices, ${c.slivers} slivers, ${c.networks} networks, ${c.tenantInstances} tenant instances`;
}

/** How many allocation changes are listed before the rest are counted. */
const CHANGES_LISTED = 20;

/**
 * What allocation changed against xos.allocations.json, for people: a summary line and the
 * first changes. `recorded`: whether the file was (or will be) written.
 */
export function allocationLines(compiled: Compiled, allocations: ProgramAllocations, recorded: boolean): string[] {
  const changes = compiled.built.meta.allocation?.changes ?? [];
  if (!changes.length) return [];
  const count = (why: string) => changes.filter((c) => c.why === why).length;
  const parts = [`${count('new')} new`, `${count('moved')} moved`, `${count('released')} released`].filter((p) => !p.startsWith('0 '));
  const file = path.relative(process.cwd(), allocations.file) || allocations.file;
  const head = recorded ? `allocations: ${parts.join(', ')}, recorded in ${file}: review and commit it` : `allocations: ${parts.join(', ')}, not recorded (xos synth records them in ${file}; --locked refuses them)`;
  const lines = [head, ...changes.slice(0, CHANGES_LISTED).map((c) => `  ${changeText(c)}`)];
  if (changes.length > CHANGES_LISTED) lines.push(`  and ${(changes.length - CHANGES_LISTED).toLocaleString('en-US')} more`);
  return lines;
}

/** Write the allocations the compiled model uses beside the program, when they differ from the file's. */
export function recordAllocations(compiled: Compiled, allocations: ProgramAllocations): boolean {
  const lock = compiled.built.meta.allocation?.lock;
  if (!lock || sameAllocations(allocations.previous, lock)) return false;
  if (!allocations.previous && !Object.keys(lock.allocations).length) return false;
  writeAllocations(allocations.file, lock);
  return true;
}

/**
 * What xos validate (and each answer of --watch) prints: the model's counts, the allocations a
 * synth would record (said, never recorded: validate writes nothing), the violations; or the
 * violations as JSON. Returns whether the program passed.
 */
export function printValidation(compiled: Compiled, allocations: ProgramAllocations, io: Io, options: { strict?: boolean; json?: boolean; locked?: boolean }): boolean {
  const strict = !!options.strict;
  const ok = !(compiled.errors > 0 || (strict && compiled.warnings > 0));
  // The same counts as the model line (and as `xos synth --json`), then every violation.
  if (options.json) io.out(JSON.stringify({ ok, model: modelCounts(compiled.built.model), violations: compiled.violations }, null, 2) + '\n');
  else {
    io.out(`${modelLine(compiled.built.model)}\n`);
    if (!options.locked) for (const l of allocationLines(compiled, allocations, false)) io.out(`${l}\n`);
    printViolations(compiled, io, strict);
  }
  return ok;
}

export function printViolations(compiled: Compiled, io: Io, strict = false): void {
  const order = (v: { severity: string; acknowledged?: string }) => (v.acknowledged ? 2 : v.severity === 'error' ? 0 : 1);
  const sorted = [...compiled.violations].sort((a, b) => order(a) - order(b));
  for (const v of sorted) io.out(formatViolation(v) + '\n');
  io.out(violationSummary(compiled, strict) + '\n');
}

export function violationSummary(compiled: Compiled, strict = false): string {
  const ack = compiled.violations.filter((v) => v.acknowledged).length;
  const ackText = ack ? ` (${ack} acknowledged)` : '';
  if (!compiled.errors && !compiled.warnings) return `violations: none${ackText}`;
  const parts = [`${compiled.errors} error${compiled.errors === 1 ? '' : 's'}`, `${compiled.warnings} warning${compiled.warnings === 1 ? '' : 's'}${strict && compiled.warnings ? ' (failing: --strict)' : ''}`];
  return `violations: ${parts.join(', ')}${ackText}`;
}

/** Up to `max` names, then how many more. */
function listed(names: readonly string[], max: number): string {
  const shown = names.slice(0, max).map((n) => elide(n, 200));
  return names.length <= max ? shown.join(', ') : `${shown.join(', ')} and ${names.length - max} more`;
}

/**
 * What Terraform needs set where it runs: each secret is a sensitive variable, which
 * Terraform reads only from TF_VAR_<name>; a Secret.env('X') names the variable X that holds
 * the value there, to be handed over as TF_VAR_<name>.
 */
export function secretsLine(compiled: Compiled): string | undefined {
  const vars = new Map<string, import('../synth/layout').LayoutVariable>();
  for (const s of compiled.layout.stacks) for (const v of s.variables) if (!vars.has(v.name)) vars.set(v.name, v);
  if (!vars.size) return undefined;
  const all = [...vars.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const shown = all.slice(0, 6).map((v) => (v.ref.secret === 'env' ? `TF_VAR_${v.name}="$${v.ref.name}"` : `TF_VAR_${v.name}=...`));
  const more = all.length > 6 ? ` and ${all.length - 6} more (each stack's variables say)` : '';
  return `secrets: Terraform reads each from TF_VAR_<name> where it runs: export ${shown.join(' ')}${more}`;
}

export function printSynthSummary(compiled: Compiled, result: SynthResult, io: Io, ctx: { program: string; out: string; target: string; derived?: Derived; derivedChanges?: readonly DerivedChange[] }): void {
  const m = compiled.built.model;
  io.out(`xos synth: ${m.name} (${path.relative(process.cwd(), ctx.program) || ctx.program}), target ${ctx.target} -> ${ctx.out}\n\n`);
  const w = Math.max(5, ...result.stacks.map((s) => s.name.length));
  io.out(`  ${'stack'.padEnd(w)}  ${'backend'.padEnd(10)} resources\n`);
  let total = 0;
  for (const s of result.stacks) {
    io.out(`  ${s.name.padEnd(w)}  ${s.backend.padEnd(10)} ${String(s.resources).padStart(9)}\n`);
    total += s.resources;
  }
  io.out(`  ${'total'.padEnd(w)}  ${''.padEnd(10)} ${String(total).padStart(9)}\n\n`);
  io.out(`${modelLine(m)}\n`);
  for (const v of compiled.violations) io.out(formatViolation(v) + '\n');
  io.out(violationSummary(compiled) + '\n');
  const secrets = secretsLine(compiled);
  if (secrets) io.out(secrets + '\n');
  const unplaced = compiled.layout.unplaced;
  if (unplaced.length)
    io.out(`model-only objects (no back-end holds them): ${unplaced.length} (${listed(unplaced, 6)}), listed in xos-output.json\n`);
  if (ctx.derived) printDerived(io, ctx.derived, ctx.derivedChanges);
  if (result.proof) {
    const flows = result.proof.summary.reduce((n, r) => n + r.intended, 0);
    io.out(`network proof: ${flows} intended flow${flows === 1 ? '' : 's'} admitted, nothing else (xos verify ${ctx.out} for the table)\n`);
  }
  io.out(`wrote ${path.join(ctx.out, 'manifest.json')}, ${path.join(ctx.out, 'xos-model.json')}, ${path.join(ctx.out, 'xos-output.json')} and ${result.stacks.length} stack${result.stacks.length === 1 ? '' : 's'} under ${path.join(ctx.out, 'stacks')}\n`);
}

/**
 * What synthesis derived (tenancy networks, gateways, routes out): what appeared, went or
 * moved since the previous output when there was one, else the list (cut when long).
 */
function printDerived(io: Io, d: Derived, changes?: readonly DerivedChange[]): void {
  const routes = d.gateways.filter((g) => g.role === 'internet').length;
  const gateways = d.gateways.length - routes;
  if (!d.networks.length && !d.gateways.length && !changes?.length) return;
  io.out(`derived: ${d.networks.length} tenancy network${d.networks.length === 1 ? '' : 's'}, ${gateways} tenancy gateway${gateways === 1 ? '' : 's'}, ${routes} route${routes === 1 ? '' : 's'} out (xos-derived.json)\n`);
  const MAX = 20;
  if (changes) {
    if (!changes.length) io.out('  none appeared, went or moved since the previous output\n');
    for (const c of changes.slice(0, MAX)) io.out(`  ${c.change === 'appeared' ? '+' : c.change === 'went' ? '-' : '~'} ${c.change} ${c.what}\n`);
    if (changes.length > MAX) io.out(`  ... and ${changes.length - MAX} more changes (xos-derived.json)\n`);
    return;
  }
  const lines = [
    ...d.networks.map((n) => `network ${n.key} ${n.cidr} (tenancy ${n.tenancy}) in ${n.stacks.join(', ') || 'no stack'}`),
    ...d.gateways.map((g) => (g.role === 'interconnect' ? `gateway of tenancy ${g.of} in ${g.stack} (${g.detail})` : `route out of ${g.of} in ${g.stack} (${g.detail})`)),
  ];
  for (const l of lines.slice(0, MAX)) io.out(`  ${l}\n`);
  if (lines.length > MAX) io.out(`  ... and ${lines.length - MAX} more (xos-derived.json)\n`);
}
