/**
 * A real PostgreSQL server for a test: initdb and pg_ctl in a temporary directory, on a free
 * loopback port, trusted local connections, no fsync (the data is thrown away). As root the
 * server runs as the `postgres` user, which PostgreSQL requires.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface PgServer {
  readonly port: number;
  readonly dir: string;
  /** A connection URL for the `postgres` database, as the `postgres` user (no password). */
  readonly url: string;
  readonly running: boolean;
  /** Stop the server and remove its directory; safe to call twice. */
  stop(): void;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

function run(argv: string[]): void {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${argv.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** Start a server; the caller stops it (in afterAll). */
export async function startPostgres(): Promise<PgServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xos-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  run(asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--no-locale']));
  const port = await freePort();
  run(asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`, 'start']));
  let running = true;
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    get running() {
      return running;
    },
    stop() {
      if (running) {
        running = false;
        try {
          run(asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']));
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
    },
  };
}
