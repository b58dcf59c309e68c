#!/usr/bin/env node
/**
 * The pull request's own output must be exactly what its xos-model.json renders to: the
 * workflow plans and reviews the model (rendered by the base's xos), so a program that wrote
 * one model and other stacks (overwriting its xos-model.json, say) would have its stacks
 * deployed unreviewed. Compares every file under stacks/ of the two folders; exit 1, naming
 * what differs, when they are not the same.
 *
 * Usage: node check-render.js HEAD_PROGRAM_OUT HEAD_RENDERED_OUT
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

function files(root) {
  const out = new Map();
  const walk = (dir, rel) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else out.set(r, e.isFile() ? crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex') : `not a file (${e.isSymbolicLink() ? 'a link' : 'special'})`);
    }
  };
  walk(path.join(root, 'stacks'), '');
  return out;
}

const [program, rendered] = process.argv.slice(2);
try {
  const a = files(program);
  const b = files(rendered);
  const differ = [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f)).sort();
  if (differ.length) {
    process.stderr.write(`check-render: the pull request's synthesized stacks are not what its xos-model.json renders to (${differ.slice(0, 10).join(', ')}${differ.length > 10 ? ` and ${differ.length - 10} more` : ''}). The program's output was altered after xos wrote it, or the head runs another xos version than the base: review refused.\n`);
    process.exit(1);
  }
} catch (e) {
  process.stderr.write(`check-render: ${e.message}\n`);
  process.exit(1);
}
