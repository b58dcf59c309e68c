#!/usr/bin/env node
/**
 * Exit 0 when two synthesized stacks have the same `terraform` and `provider` blocks (where
 * the state is, which providers, where and how they authenticate), 1 when they differ or one
 * is missing. The plan-review workflow hands the CI's credentials to terraform only for a
 * stack whose blocks are the base's: never to a backend or provider endpoint a pull request chose.
 *
 * Usage: node same-config.js BASE_STACK_DIR HEAD_STACK_DIR
 */
'use strict';
const fs = require('fs');
const path = require('path');

function blocks(dir) {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  return JSON.stringify({ terraform: doc.terraform ?? null, provider: doc.provider ?? null });
}

try {
  process.exit(blocks(process.argv[2]) === blocks(process.argv[3]) ? 0 : 1);
} catch {
  process.exit(1);
}
