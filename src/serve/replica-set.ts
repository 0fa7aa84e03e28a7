import { fork, type ChildProcess } from 'node:child_process';
import { lazyModule } from '../lazy-module.js';

const undici = lazyModule<typeof import('undici')>('undici');
const request: typeof import('undici').request = (...args) => undici().request(...args);
import { environmentError, FcbenchError } from '../errors.js';
import { REPLICA_ENTRY_PATH } from './replica-entry.js';
import { CONTROL_PATH, METRICS_PATH, REPLICA_ENV_FLAG, type ChildMessage, type ControlCommand, type ReplicaConfig, type ReplicaReport } from './replica-protocol.js';

/** One running replica process, as the runner sees it. */
export interface ReplicaHandle {
  /** Global over the run: a deploy's replicas get new ids after the old ones. */
  id: number;
  pid: number;
  /** 0 for the replicas the run started with, n for the n-th deploy's. */
  generation: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Set when the process ended before `stop()` or `retire()` asked it to (ms since the set started). */
  exit: { code: number | null; signal: string | null; atMs: number } | null;
  /** Set once a deploy retired it: its figures were read and the process stopped. */
  retired: boolean;
}

export interface ReplicaSet {
  /** Every replica of every generation, by id. */
  readonly replicas: readonly ReplicaHandle[];
  /** One command to one replica; rejects when it is dead or does not answer within the timeout. */
  control(id: number, command: ControlCommand, timeoutMs?: number): Promise<unknown>;
  /** The command to every replica not retired; failures (a dead replica) are reported, not thrown. */
  broadcast(command: ControlCommand): Promise<{ id: number; error: string }[]>;
  /** Each replica's own figures, by id: a retired one's as read before it stopped; null for one dead or not answering. */
  reports(): Promise<(ReplicaReport | null)[]>;
  /**
   * A deploy's new generation: `count` more replicas, ids after the last, on spare processes where
   * there are (they build their cascade, connect and listen at once) and on new forks otherwise.
   * If one fails to start, those just started are stopped and it throws; the running ones are not touched.
   */
  launch(count: number): Promise<ReplicaHandle[]>;
  /** A deploy's old generation, once idle: reads each one's figures, then stops it (not reported as a death). */
  retire(ids: readonly number[]): Promise<void>;
  /** Called when a replica dies before `stop()`: drivers stop sending to it. */
  onExit(listener: (replica: ReplicaHandle) => void): void;
  /** Stops every replica of every generation, starting ones included: asked over IPC, SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void>;
}

export interface ReplicaSetOptions {
  count: number;
  config: (id: number) => ReplicaConfig;
  /** A replica not ready within this long fails the run (exit 3). @default 30000 */
  startTimeoutMs?: number;
  /** Control and report requests time out after this long. @default 5000 */
  requestTimeoutMs?: number;
  /**
   * Processes forked beside the first generation that wait, modules loaded, for a deploy's
   * `launch` (see `launch`). @default 0
   */
  spares?: number;
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
  const retiredReports = new Map<number, ReplicaReport | null>();
  const exitListeners: ((replica: ReplicaHandle) => void)[] = [];
  let generation = 0;
  let stopping = false;
  let stopped: Promise<void> | null = null;

  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      await Promise.all(children.map((child) => stopChild(child)));
    })());

  const spawn = (): ChildProcess => {
    const child = fork(REPLICA_ENTRY_PATH, [], {
      env: { ...process.env, [REPLICA_ENV_FLAG]: '1' },
      // stdout stays clean for `--json`; a replica's own errors still reach stderr.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    children.push(child);
    liveChildren.add(child);
    // A spare that fails while idle must not crash the runner with an unhandled 'error'.
    child.on('error', () => undefined);
    child.once('exit', () => liveChildren.delete(child));
    return child;
  };
  const spares: ChildProcess[] = [];
  /** Resolves once a spare has loaded its modules and waits (or has died: launch then forks anew). */
  const loadedOf = (child: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, startTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      child.on('message', (message: ChildMessage) => message.type === 'loaded' && done());
      child.once('exit', done);
    });
  const takeChild = (): ChildProcess => {
    for (let spare = spares.shift(); spare !== undefined; spare = spares.shift()) if (spare.exitCode === null && spare.signalCode === null) return spare;
    return spawn();
  };

  const startOne = (id: number, gen: number): Promise<{ handle: ReplicaHandle; child: ChildProcess }> =>
    new Promise((resolve, reject) => {
      // A deploy still starting when the run stops: no process is forked after stop() collected the children.
      if (stopping) return reject(environmentError(`replica ${id}: the run is stopping`));
      const child = takeChild();
      const timer = setTimeout(() => reject(environmentError(`replica ${id} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      let handle: ReplicaHandle | null = null;
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          handle = { id, pid: message.pid, generation: gen, origin: `http://127.0.0.1:${message.port}`, exit: null, retired: false };
          resolve({ handle, child });
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
        clearTimeout(timer);
        if (handle === null) {
          reject(environmentError(`replica ${id} exited while starting (code ${code}, signal ${signal})`));
          return;
        }
        if (!stopping && !handle.retired) {
          handle.exit = { code, signal, atMs: Date.now() - startedAt };
          for (const listener of exitListeners) listener(handle);
        }
      });
      child.send({ type: 'start', config: options.config(id) });
    });

  const childOf = new Map<number, ChildProcess>();
  const launch = async (count: number): Promise<ReplicaHandle[]> => {
    const first = handles.length;
    const gen = generation++;
    const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startOne(first + i, gen)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(started.flatMap((s) => (s.status === 'fulfilled' ? [stopChild(s.value.child)] : [])));
      throw failed.reason;
    }
    const fresh = started.map((s) => (s as PromiseFulfilledResult<{ handle: ReplicaHandle; child: ChildProcess }>).value);
    for (const { handle, child } of fresh) childOf.set(handle.id, child);
    handles.push(...fresh.map((f) => f.handle));
    return fresh.map((f) => f.handle);
  };

  try {
    // launch takes its processes synchronously, so the spares forked after it are all left for the deploys.
    const first = launch(options.count);
    // Forked now, before any traffic: a deploy then does not put Node's start-up on the cores the serving replicas use.
    for (let i = 0; i < (options.spares ?? 0); i++) spares.push(spawn());
    // And loaded before the run sends traffic, so their start-up is not in its figures either.
    await Promise.all([first, ...spares.map(loadedOf)]);
  } catch (error) {
    await stop();
    throw error;
  }

  const call = async (handle: ReplicaHandle, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = requestTimeoutMs): Promise<unknown> => {
    if (handle.exit !== null || handle.retired) throw new Error(`replica ${handle.id} (pid ${handle.pid}) is not running`);
    const response = await request(handle.origin + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const answer = (await response.body.json()) as { error?: string };
    if (response.statusCode !== 200) throw new Error(`replica ${handle.id}: ${answer.error ?? `status ${response.statusCode}`}`);
    return answer;
  };
  const report = (h: ReplicaHandle): Promise<ReplicaReport | null> => call(h, 'GET', METRICS_PATH).then((r) => r as ReplicaReport, () => null);

  return {
    replicas: handles,
    control: (id, command, timeoutMs) => call(handles[id]!, 'POST', CONTROL_PATH, command, timeoutMs),
    async broadcast(command) {
      const targets = handles.filter((h) => !h.retired);
      const outcomes = await Promise.allSettled(targets.map((h) => call(h, 'POST', CONTROL_PATH, command)));
      return outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ id: targets[i]!.id, error: String((o.reason as Error)?.message ?? o.reason) }] : []));
    },
    reports: () => Promise.all(handles.map((h) => (h.retired ? Promise.resolve(retiredReports.get(h.id) ?? null) : report(h)))),
    launch,
    async retire(ids) {
      await Promise.all(
        ids.map(async (id) => {
          const handle = handles[id]!;
          if (handle.retired) return;
          retiredReports.set(id, await report(handle));
          handle.retired = true;
          await stopChild(childOf.get(id)!);
        }),
      );
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
