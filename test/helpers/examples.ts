import * as fs from 'fs';
import * as path from 'path';
import { Cloud } from '../../lib/index';
import { compileCloud, type Compiled } from '../../lib/compile';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLES = ['hello', 'central-office', 'opencloud'] as const;

/** Run an example program in-process (jest maps `xos` to the sources) and return its Cloud. */
export function loadExample(name: string): Cloud {
  Cloud.reset();
  Cloud.setCaptureMode(true);
  try {
    const file = path.join(ROOT, 'examples', name, 'main.ts');
    jest.isolateModules(() => {
      require(file);
    });
  } finally {
    Cloud.setCaptureMode(false);
  }
  const clouds = Cloud.all();
  if (clouds.length !== 1) throw new Error(`example ${name} declared ${clouds.length} clouds`);
  return clouds[0];
}

export function compileExample(name: string): Compiled {
  return compileCloud(loadExample(name));
}

/** Every file below a directory, as paths relative to it. */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * A copy of the central-office example (program, recipe and data) in `dest`, with only the
 * first `rows` subscribers of its data file and no recorded allocations: what tests that
 * apply it with real terraform use (Terraform takes minutes to apply a thousand subscribers'
 * four thousand resources, one state write each). Returns `dest`.
 */
export function centralOfficeCopy(dest: string, rows: number): string {
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(path.join(ROOT, 'examples', 'central-office'), dest, { recursive: true });
  fs.rmSync(path.join(dest, 'xos.allocations.json'), { force: true });
  const csv = fs.readFileSync(path.join(dest, 'subscribers.csv'), 'utf8').split('\n');
  fs.writeFileSync(path.join(dest, 'subscribers.csv'), csv.slice(0, rows + 1).join('\n') + '\n');
  return dest;
}
