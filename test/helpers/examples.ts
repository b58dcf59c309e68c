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
