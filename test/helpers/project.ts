/**
 * A user's project installed offline: the packed xos tarball and, for everything else, the
 * packages already in npm's cache (this repository's own install put them there). `npm
 * install` would need the registry's package documents to resolve version ranges, which
 * the cache does not hold; so the project gets a package-lock.json made from this
 * repository's (the same versions xos is tested with), and `npm ci --offline` installs it.
 */
import { createHash } from 'crypto';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

type LockEntry = { version?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; [k: string]: unknown };

/** The packed tarball of this repository (built already: `npm test` builds first). */
export function packTarball(dest: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  return path.join(dest, filename);
}

/** The entries of a lock's tree that `deps` need from `at`, found as Node resolves them. */
function closure(packages: Record<string, LockEntry>, roots: Record<string, string>, skip: Set<string>): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  const find = (from: string, name: string): string | undefined => {
    let dir = from;
    for (;;) {
      const p = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[p]) return p;
      if (!dir) return undefined;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i < 0 ? '' : dir.slice(0, i);
    }
  };
  const visit = (from: string, deps: Record<string, string>, optional: Set<string>) => {
    for (const name of Object.keys(deps)) {
      if (skip.has(name)) continue;
      const p = find(from, name);
      if (!p) {
        if (optional.has(name)) continue;
        throw new Error(`the repository's package-lock.json has no ${name} for ${from || 'the project'}`);
      }
      if (out.has(p)) continue;
      out.set(p, packages[p]);
      const e = packages[p];
      const opt = new Set([...Object.keys(e.optionalDependencies ?? {}), ...Object.entries(e.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n)]);
      visit(p, { ...(e.dependencies ?? {}), ...(e.optionalDependencies ?? {}), ...(e.peerDependencies ?? {}) }, opt);
    }
  };
  visit('', roots, new Set());
  return out;
}

/** Write a package-lock.json for the project in `dir` (package.json made by xos init --tarball). */
export function writeOfflineLock(dir: string, tarball: string): void {
  const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; bin: Record<string, string>; engines: Record<string, string>; license: string };
  const packages = closure(repoLock.packages, { ...own.dependencies, ...pkg.devDependencies }, new Set(['xos']));
  const integrity = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  const lock = {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies },
      'node_modules/xos': {
        version: own.version,
        resolved: pkg.dependencies.xos,
        integrity,
        license: own.license,
        dependencies: own.dependencies,
        bin: own.bin,
        engines: own.engines,
        peerDependencies: own.peerDependencies,
        peerDependenciesMeta: own.peerDependenciesMeta,
      },
      ...Object.fromEntries([...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, e]) => [p, Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'dev' && k !== 'peer' && k !== 'devOptional'))])),
    },
  };
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
}

/** `npm ci --offline` in the project, from npm's cache only. */
export function installOffline(dir: string): { code: number; output: string } {
  const r = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 600_000 });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** A scratch folder for a project, outside the repository (so nothing resolves xos from here). */
export function projectParent(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'xos-project-'));
}
