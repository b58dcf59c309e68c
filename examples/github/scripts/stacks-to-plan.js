#!/usr/bin/env node
/**
 * Which stacks the plan-review workflow plans, from `xos synth --since BASE --json` (run on
 * the head's model, rendered with the base's backends): the stacks whose synthesized output
 * differs from the base's (backend and provider blocks included) or that are new, and the
 * stacks the head removed (planned from the base with -destroy). The rest are unchanged and
 * are only named in the comment. The stacks are dealt into at most MAX_PLAN_JOBS groups,
 * one per job of the plan matrix.
 *
 * Usage: node stacks-to-plan.js SYNTH_JSON [DECLARED_JSON]
 *   SYNTH_JSON     the --json output of `xos synth <head model> --backends-from BASE --since BASE`
 *   DECLARED_JSON  the same with the head's own backends (--backends-from HEAD): a stack whose
 *                  backend the pull request changed is planned too (against the base's backend)
 * Prints { plan, removed, unchanged, matrix } as JSON; with GITHUB_OUTPUT set, also writes
 * `matrix` and `count` there for the workflow.
 */
'use strict';
const fs = require('fs');

function changesOf(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!doc || doc.ok !== true || !doc.changes) throw new Error(`${file} is not the --json output of a successful xos synth --since`);
  return doc.changes;
}

function main(argv, env) {
  const [synthJson, declaredJson] = argv;
  if (!synthJson) throw new Error('usage: stacks-to-plan.js SYNTH_JSON [DECLARED_JSON]');
  const c = changesOf(synthJson);
  const plan = new Set([...c.changed, ...c.added]);
  if (declaredJson) {
    const d = changesOf(declaredJson);
    for (const s of [...d.changed, ...d.added]) plan.add(s);
  }
  const removed = [...c.removed].sort();
  const unchanged = c.unchanged.filter((s) => !plan.has(s)).sort();
  const all = [...[...plan].sort(), ...removed.map((s) => `-${s}`)];
  const jobs = Math.max(1, Math.min(Number(env.MAX_PLAN_JOBS) || 16, all.length));
  const groups = Array.from({ length: jobs }, () => []);
  all.forEach((s, i) => groups[i % jobs].push(s));
  const matrix = { include: all.length ? groups.map((g, i) => ({ group: i + 1, stacks: g.join(' ') })) : [] };
  const result = { plan: [...plan].sort(), removed, unchanged, matrix };
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `matrix=${JSON.stringify(matrix)}\ncount=${all.length}\nunchanged=${unchanged.join(' ')}\n`);
  return result;
}

if (require.main === module) {
  try {
    process.stdout.write(`${JSON.stringify(main(process.argv.slice(2), process.env), null, 2)}\n`);
  } catch (e) {
    process.stderr.write(`stacks-to-plan: ${e.message}\n`);
    process.exit(1);
  }
}
module.exports = { main };
