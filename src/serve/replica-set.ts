import { fork, type ChildProcess } from 'node:child_process';
import { lazyModule } from '../lazy-module.js';

const undici = lazyModule<typeof import('undici')>('undici');
const request: typeof import('undici').request = (...args) => undici().request(...args);
import { environmentError, FcbenchError } from '../errors.js';
import { REPLICA_ENTRY_PATH } from './replica-entry.js';
import { CONTROL_PATH, METRICS_PATH, REPLICA_ENV_FLAG, type ChildMessage, type ControlCommand, type ReplicaConfig, type ReplicaReport } from './replica-protocol.js';

/** One running replica process, as the runner sees it. */
export interface ReplicaHandle {
  id: number;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Set when the process ended before `stop()` asked it to (ms since the set started). */
  exit: { code: number | null; signal: string | null; atMs: number } | null;
}

export interface ReplicaSet {
  readonly replicas: readonly ReplicaHandle[];
  /** One command to one replica; rejects when it is dead or does not answer within the timeout. */
  control(id: number, command: ControlCommand): Promise<unknown>;
  /** The command to every live replica; failures (a dead replica) are reported, not thrown. */
  broadcast(command: ControlCommand): Promise<{ id: number; error: string }[]>;
  /** Each replica's own figures; null for one that is dead or does not answer. */
  reports(): Promise<(ReplicaReport | null)[]>;
  /** Called when a replica dies before `stop()`: drivers stop sending to it. */
  onExit(listener: (replica: ReplicaHandle) => void): void;
  /** Stops every replica: asked over IPC, SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface ReplicaSetOptions {
  count: number;
  config: (id: number) => ReplicaConfig;
  /** A replica not ready within this long fails the run (exit 3). @default 30000 */
  startTimeoutMs?: number;
  /** Control and report requests time out after this long. @default 5000 */
  requestTimeoutMs?: number;
}

const STOP_GRACE_MS = 3000;

/** Every child of every live set: killed synchronously when this process exits, whatever the path. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit(), an uncaught exception and a normal end all pass here; SIGKILL of the runner
  // does not, and there the children see their IPC channel close and exit on their own.
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/**
 * Starts `count` replica processes in parallel and waits until each listens. A replica that fails
 * to start (Redis unreachable, a bad source) fails the whole set with its own message, and the
 * others are stopped.
 */
export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  installExitHook();
  const startedAt = Date.now();
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const children: ChildProcess[] = [];
  const handles: ReplicaHandle[] = [];
  const exitListeners: ((replica: ReplicaHandle) => void)[] = [];
  let stopping = false;
  let stopped: Promise<void> | null = null;

  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      await Promise.all(children.map((child) => stopChild(child)));
    })());

  const startOne = (id: number): Promise<ReplicaHandle> =>
    new Promise((resolve, reject) => {
      const child = fork(REPLICA_ENTRY_PATH, [], {
        env: { ...process.env, [REPLICA_ENV_FLAG]: '1' },
        // stdout stays clean for `--json`; a replica's own errors still reach stderr.
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      children.push(child);
      liveChildren.add(child);
      const timer = setTimeout(() => reject(environmentError(`replica ${id} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      let handle: ReplicaHandle | null = null;
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          handle = { id, pid: message.pid, origin: `http://127.0.0.1:${message.port}`, exit: null };
          resolve(handle);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new FcbenchError(message.code === 'bad-input' ? 'bad-input' : 'environment', `replica ${id}: ${message.message}`));
        }
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(environmentError(`replica ${id} could not be started: ${error.message}`, error));
      });
      child.on('exit', (code, signal) => {
        liveChildren.delete(child);
        clearTimeout(timer);
        if (handle === null) {
          reject(environmentError(`replica ${id} exited while starting (code ${code}, signal ${signal})`));
          return;
        }
        if (!stopping) {
          handle.exit = { code, signal, atMs: Date.now() - startedAt };
          for (const listener of exitListeners) listener(handle);
        }
      });
      child.send({ type: 'start', config: options.config(id) });
    });

  try {
    handles.push(...(await Promise.all(Array.from({ length: options.count }, (_, id) => startOne(id)))));
  } catch (error) {
    await stop();
    throw error;
  }

  const call = async (handle: ReplicaHandle, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    if (handle.exit !== null) throw new Error(`replica ${handle.id} (pid ${handle.pid}) is not running`);
    const response = await request(handle.origin + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: requestTimeoutMs,
      bodyTimeout: requestTimeoutMs,
    });
    const answer = (await response.body.json()) as { error?: string };
    if (response.statusCode !== 200) throw new Error(`replica ${handle.id}: ${answer.error ?? `status ${response.statusCode}`}`);
    return answer;
  };

  return {
    replicas: handles,
    control: (id, command) => call(handles[id]!, 'POST', CONTROL_PATH, command),
    async broadcast(command) {
      const outcomes = await Promise.allSettled(handles.map((h) => call(h, 'POST', CONTROL_PATH, command)));
      return outcomes.flatMap((o, id) => (o.status === 'rejected' ? [{ id, error: String((o.reason as Error)?.message ?? o.reason) }] : []));
    },
    async reports() {
      const outcomes = await Promise.allSettled(handles.map((h) => call(h, 'GET', METRICS_PATH)));
      return outcomes.map((o) => (o.status === 'fulfilled' ? (o.value as ReplicaReport) : null));
    },
    onExit: (listener) => void exitListeners.push(listener),
    stop,
  };
}

/** Asks a child to stop over IPC; SIGKILL if it has not exited after the grace period. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' }, (error) => error && child.kill('SIGKILL'));
    else child.kill('SIGKILL');
  });
}
