import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentError } from '../errors.js';

/** A redis-server fcbench started itself: loopback only, no persistence, stopped when we exit. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGTERM, then wait for exit. Idempotent. */
  stop(): Promise<void>;
  /** Kill it abruptly (tests of failure policies); `restart()` brings it back on the same port, empty. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

const HOW_TO_GET_REDIS =
  'install it (apt-get install redis-server), start one (docker compose up -d redis), or set REDIS_URL=redis://host:port';

/** Whether `redis-server` can be run from PATH (or the given path). */
export function findRedisServer(binary = process.env['FCBENCH_REDIS_SERVER'] ?? 'redis-server'): string | null {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? binary : null;
}

export interface PrivateRedisOptions {
  binary?: string;
  /** How long redis-server may take to answer PING. @default 10000 (ms) */
  readyTimeoutMs?: number;
  /** More redis-server arguments, after ours (tests: `['--requirepass', pw]`). @default [] */
  extraArgs?: readonly string[];
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const binary = options.binary ?? findRedisServer();
  if (binary === null) throw environmentError(`redis-server was not found on PATH; ${HOW_TO_GET_REDIS}`);
  // A free port can be taken between our probe and redis binding it: retry a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await launch(binary, port, options.readyTimeoutMs ?? 10_000, options.extraArgs ?? []);
    } catch (error) {
      lastError = error;
    }
  }
  throw environmentError(`could not start a private redis-server: ${String((lastError as Error)?.message ?? lastError)}`);
}

async function launch(binary: string, port: number, readyTimeoutMs: number, extraArgs: readonly string[]): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'fcbench-redis-'));
  let child = await spawnReady(binary, port, dir, readyTimeoutMs, extraArgs);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped = false;
  const server: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      await terminate(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await terminate(child, 'SIGKILL');
    },
    async restart() {
      await terminate(child, 'SIGKILL');
      child = await spawnReady(binary, port, dir, readyTimeoutMs, extraArgs);
    },
  };
  return server;
}

function spawnReady(binary: string, port: number, dir: string, readyTimeoutMs: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning', '--logfile', '',
    ...extraArgs,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const probe = setInterval(() => void ping(port).then((ok) => {
      if (!ok) return;
      clearInterval(probe);
      clearTimeout(timer);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(child);
    }), 20);
    const collect = (chunk: Buffer) => {
      if (output.length < 4000) output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => {
      clearInterval(probe);
      fail(error);
    });
    child.once('exit', (code) => {
      clearInterval(probe);
      fail(new Error(`redis-server exited with code ${code}: ${output.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/**
 * A raw PING over a socket: no client library, so readiness never depends on ioredis' retry logic.
 * A server started with `--requirepass` answers `-NOAUTH`: it is up all the same.
 */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setTimeout(200);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        const reply = data.toString();
        resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    }, () => resolve(false));
  });
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
