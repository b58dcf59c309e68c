/**
 * The output lock under stress, in real processes: writers that take and release it as fast
 * as they can (blocking and non-blocking waits alike), and writers that die while holding it,
 * whose locks the others must break. Inside the lock each writer creates a marker file
 * exclusively: finding it already there means two holders at once.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { siblings } from '../../lib/synth/atomic';
import { tmpDir } from '../helpers/tools';

const ATOMIC = path.resolve(__dirname, '..', '..', 'dist', 'lib', 'synth', 'atomic.js');

/** One writer: `node worker.js ATOMIC TARGET MARKER COUNT MODE` prints `{ taken, overlaps }`. */
const WORKER = `
const fs = require('fs');
const [atomicPath, target, marker, countText, mode] = process.argv.slice(2);
const { lock, lockSync } = require(atomicPath);
const count = Number(countText);
let overlaps = 0;
const hold = () => {
  try {
    fs.closeSync(fs.openSync(marker, 'wx'));
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    overlaps++;
    return false;
  }
  // A little work inside the lock, so that holders overlap if the lock lets them.
  const until = Date.now() + Math.random() * 2;
  while (Date.now() < until);
  fs.rmSync(marker);
  return true;
};
(async () => {
  for (let i = 0; i < count; i++) {
    const release = mode === 'async' || (mode === 'mixed' && i % 2) ? await lock(target) : lockSync(target);
    if (mode === 'die') {
      // Die holding the lock (the marker is the test's, not the lock's: remove it first).
      hold();
      process.stdout.write(JSON.stringify({ taken: i + 1, overlaps }) + '\\n', () => process.kill(process.pid, 'SIGKILL'));
      return;
    }
    hold();
    release();
  }
  process.stdout.write(JSON.stringify({ taken: count, overlaps }) + '\\n');
})();
`;

interface Run {
  taken: number;
  overlaps: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function writer(dir: string, target: string, marker: string, count: number, mode: 'sync' | 'async' | 'mixed' | 'die'): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'worker.js'), ATOMIC, target, marker, String(count), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').pop();
      const r = last ? (JSON.parse(last) as { taken: number; overlaps: number }) : { taken: 0, overlaps: 0 };
      resolve({ ...r, code, signal });
    });
  });
}

test('the output lock has one holder at a time: 6 writers x 150 acquisitions, and 8 writers that die holding it', async () => {
  const dir = tmpDir('xos-lock-stress-');
  fs.writeFileSync(path.join(dir, 'worker.js'), WORKER);
  const target = path.join(dir, 'out');
  const marker = path.join(dir, 'holder');
  const started = Date.now();
  const modes = ['sync', 'sync', 'async', 'async', 'mixed', 'mixed'] as const;
  const steady = modes.map((m) => writer(dir, target, marker, 150, m));
  // Writers that die holding the lock, while the others wait for it: their locks are broken, once each.
  const dying: Promise<Run>[] = [];
  for (let i = 0; i < 8; i++) {
    await new Promise((r) => setTimeout(r, 100));
    dying.push(writer(dir, target, marker, 1, 'die'));
  }
  const runs = [...(await Promise.all(steady)), ...(await Promise.all(dying))];
  const seconds = (Date.now() - started) / 1000;
  const taken = runs.reduce((n, r) => n + r.taken, 0);
  expect(runs.map((r) => r.overlaps)).toEqual(runs.map(() => 0));
  expect(runs.slice(0, modes.length).map((r) => [r.code, r.taken])).toEqual(modes.map(() => [0, 150]));
  expect(runs.slice(modes.length).map((r) => [r.signal, r.taken])).toEqual(Array.from({ length: 8 }, () => ['SIGKILL', 1]));
  expect(taken).toBe(6 * 150 + 8);
  // Nothing is left beside the target: no lock, no draft of one, no breaker.
  const { lock } = siblings(target);
  expect(fs.readdirSync(dir).sort()).toEqual(fs.existsSync(lock) ? ['.out.lock', 'worker.js'] : ['worker.js']);
  // eslint-disable-next-line no-console
  console.log(`lock stress: ${taken} acquisitions in ${seconds.toFixed(1)} s (${Math.round(taken / seconds)}/s), ${runs.reduce((n, r) => n + r.overlaps, 0)} overlaps`);
}, 120_000);
