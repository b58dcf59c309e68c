/**
 * The harness: the OpenStack and AWS providers served from this process over loopback
 * gRPC, one simulated cloud behind both, and the environment that makes Terraform use them
 * and nothing else:
 *
 * - `TF_REATTACH_PROVIDERS` names the running providers (Terraform attaches to them as to a
 *   provider in debug mode: one process serves every Terraform command run with it);
 * - `TF_CLI_CONFIG_FILE` points at a CLI configuration written into the harness's own folder,
 *   never the user's: it excludes the real providers from installation, so that nothing is
 *   ever downloaded or taken from a plugin cache for these two addresses;
 * - with `launch`, Terraform starts the harness itself as a plugin instead: the CLI
 *   configuration installs both providers from a filesystem mirror in the harness's folder,
 *   whose packages are executables (`plugin-main.ts`) answering go-plugin's handshake (with
 *   automatic mutual TLS), at the versions the schemas are of (`terraform init` checks the
 *   stacks' version constraints against them, and records them in the lock file).
 *
 * Nothing here runs unless asked: `xos rehearse` and the tests load it; no other command does.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AWS_ADDRESS } from './aws';
import { Cloud } from './cloud';
import { OPENSTACK_ADDRESS } from './openstack';
import { HarnessProvider } from './provider';
import { awsSchema, behaviours, openstackSchema, type OpenstackSchemaVersion } from './schemas';
import { serveProvider, type Served } from './server';

export const PROVIDER_ADDRESSES = { openstack: OPENSTACK_ADDRESS, aws: AWS_ADDRESS } as const;

export interface HarnessOptions {
  /** The harness's folder: the simulated cloud, the CLI configuration, plugin executables. */
  readonly dir: string;
  /** The OpenStack provider schema to serve. @default '3' */
  readonly openstack?: OpenstackSchemaVersion;
  /** Let Terraform start the providers as plugins (dev_overrides) instead of attaching to this process. */
  readonly launch?: boolean;
}

export interface Harness {
  readonly dir: string;
  readonly cloud: Cloud;
  readonly openstack: OpenstackSchemaVersion;
  /** Environment variables that make Terraform use the harness (add them to a clean environment: `terraformEnv`). */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Strings in HCL: quoted, with backslashes and quotes escaped. */
function hcl(s: string): string {
  return JSON.stringify(s);
}

/** The CLI configuration: the real providers can never be installed; with a `mirror`, Terraform installs the harness's executables from it. */
function cliConfig(mirror?: string): string {
  const addrs = Object.values(PROVIDER_ADDRESSES);
  const lines = ['# Written by xos rehearse: Terraform uses the rehearsal harness, never the real providers.', 'provider_installation {'];
  if (mirror) lines.push('  filesystem_mirror {', `    path    = ${hcl(mirror)}`, `    include = [${addrs.map(hcl).join(', ')}]`, '  }');
  lines.push('  direct {', `    exclude = [${addrs.map(hcl).join(', ')}]`, '  }', '}', '');
  return lines.join('\n');
}

/** Terraform's name for this machine's platform (`linux_amd64`). */
function platform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${os}_${arch}`;
}

/** A compiled entry point of the harness (tests run from the TypeScript sources, the harness from the build). */
function builtEntry(name: string): string {
  const here = path.resolve(__dirname, `${name}.js`);
  if (fs.existsSync(here)) return here;
  return path.resolve(__dirname, '..', '..', 'dist', 'lib', 'rehearse', `${name}.js`);
}

export function pluginMainPath(): string {
  return builtEntry('plugin-main');
}

/**
 * A filesystem mirror (unpacked layout: `<host>/<namespace>/<type>/<version>/<platform>/`)
 * holding, for both providers, an executable that starts the harness as a plugin.
 */
function writeMirror(mirror: string, cloudDir: string, openstack: OpenstackSchemaVersion): void {
  const main = pluginMainPath();
  if (!fs.existsSync(main)) throw new Error(`the harness plugin ${main} is not built: run npm run build`);
  const versions = { openstack: openstackSchema(openstack).provider_version ?? '3.4.0', aws: awsSchema().provider_version ?? '6.25.0' };
  for (const name of ['openstack', 'aws'] as const) {
    const dir = path.join(mirror, ...PROVIDER_ADDRESSES[name].split('/'), versions[name], platform());
    fs.mkdirSync(dir, { recursive: true });
    const script = ['#!/bin/sh', `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(main)} ${name} ${JSON.stringify(cloudDir)} ${openstack}`, ''].join('\n');
    fs.writeFileSync(path.join(dir, `terraform-provider-${name}_v${versions[name]}`), script, { mode: 0o755 });
  }
}

/** Start the harness (both providers served from this process, unless `launch`). */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = path.resolve(options.dir);
  const openstack = options.openstack ?? '3';
  fs.mkdirSync(dir, { recursive: true });
  const cloud = new Cloud(path.join(dir, 'cloud'));
  const cliFile = path.join(dir, 'terraform.rc');
  const env: Record<string, string> = { TF_CLI_CONFIG_FILE: cliFile };
  const served: Served[] = [];
  if (options.launch) {
    const mirror = path.join(dir, 'mirror');
    writeMirror(mirror, cloud.dir, openstack);
    fs.writeFileSync(cliFile, cliConfig(mirror));
  } else {
    fs.writeFileSync(cliFile, cliConfig());
    const b = behaviours(openstack);
    const reattach: Record<string, unknown> = {};
    for (const name of ['openstack', 'aws'] as const) {
      const s = await serveProvider(new HarnessProvider(b[name], cloud));
      served.push(s);
      reattach[PROVIDER_ADDRESSES[name]] = { Protocol: 'grpc', ProtocolVersion: 6, Pid: process.pid, Test: true, Addr: { Network: 'tcp', String: s.address } };
    }
    env.TF_REATTACH_PROVIDERS = JSON.stringify(reattach);
  }
  return {
    dir,
    cloud,
    openstack,
    env,
    stop: async () => {
      await Promise.all(served.map((s) => s.stop()));
    },
  };
}

/**
 * The harness in a child process (`harness-main.ts`): for callers that block while Terraform
 * runs (a harness in their own process could not answer it then). Same interface; `stop`
 * terminates the process.
 */
export function startHarnessProcess(options: Omit<HarnessOptions, 'launch'>): Promise<Harness> {
  const dir = path.resolve(options.dir);
  const openstack = options.openstack ?? '3';
  const main = builtEntry('harness-main');
  if (!fs.existsSync(main)) return Promise.reject(new Error(`the harness ${main} is not built: run npm run build`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, dir, openstack], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the harness process ended (exit ${code}) before it served`)));
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const { env } = JSON.parse(buf.slice(0, nl)) as { env: Record<string, string> };
      child.removeAllListeners('exit');
      resolve({
        dir,
        cloud: new Cloud(path.join(dir, 'cloud')),
        openstack,
        env,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Variables of the environment a rehearsal never passes to Terraform: credentials and Terraform's own settings. */
const DROPPED = /^(TF_|OS_|AWS_|AZURE_|ARM_|GOOGLE_|PG_CONN_STR$|PGPASSWORD$|PLUGIN_|CHECKPOINT_)/;

/**
 * A clean environment for Terraform under the harness: the caller's, without any credential
 * or Terraform setting of the user's (variables, plugin caches, backends' credentials), plus
 * the harness's and offline settings.
 */
export function terraformEnv(h: Harness, base: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!DROPPED.test(k) && v !== undefined) env[k] = v;
  return { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...h.env, ...extra };
}
