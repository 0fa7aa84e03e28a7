import type { Clock } from '../cascade/clock.js';
import type { DeployOutcome } from '../load/events.js';
import { RETIRE_TIMEOUT_MS } from '../load/replica-fleet.js';
import type { ColdStartMark } from '../metrics/cold-starts.js';
import type { HttpDriver } from './open-driver.js';
import type { PreloadAnswer } from './replica-protocol.js';
import type { ReplicaHandle, ReplicaSet } from './replica-set.js';
import type { RequestPlan } from './request-plan.js';

/** A preload is many MGETs: it gets far longer than a control command's default timeout. */
const PRELOAD_TIMEOUT_MS = 120_000;

export interface HttpDeploys {
  /** The `deploy` event's action over real processes (EventTargets.deploy). */
  deploy(replicas: number | undefined, warmLocal: number): Promise<DeployOutcome>;
  /** The replicas taking traffic now. */
  current(): readonly ReplicaHandle[];
  /** Waits for every retirement (old replicas read and stopped); before the end-of-run read. */
  settle(): Promise<void>;
  /** When each retired replica was stopped, ms since the measured phase started, by id. */
  retiredAt(): ReadonlyMap<number, number>;
}

/**
 * Deploys over HTTP, as the in-process fleet does them (src/load/replica-fleet.ts) but with real
 * processes: the new generation is forked (each its own cascade and empty LRU, the same Redis),
 * preloads `warmLocal` hottest entities per feature set from Redis while the old one keeps serving,
 * then plan and driver switch to it in one tick; the old replicas get their in-flight requests
 * answered, their figures are read, and they are stopped.
 */
export function createHttpDeploys(deps: {
  replicas: ReplicaSet;
  driver: HttpDriver;
  plan: RequestPlan;
  clock: Clock;
  measureStartUs: number;
  markColdStart: (mark: ColdStartMark) => void;
}): HttpDeploys {
  const { replicas, driver, plan, clock } = deps;
  let current: readonly ReplicaHandle[] = [...replicas.replicas];
  const retiring = new Set<Promise<void>>();
  const retiredAt = new Map<number, number>();
  const sinceStartMs = (us: number) => (us - deps.measureStartUs) / 1000;

  const preload = async (fresh: readonly ReplicaHandle[], top: number): Promise<PreloadAnswer> => {
    const total: PreloadAnswer = { loaded: 0, failed: 0 };
    if (top <= 0) return total;
    // Every new process warms at once, from the same Redis.
    const answers = (await Promise.all(fresh.map((r) => replicas.control(r.id, { op: 'preload-local', top }, PRELOAD_TIMEOUT_MS)))) as PreloadAnswer[];
    for (const a of answers) {
      total.loaded += a.loaded;
      total.failed += a.failed;
    }
    return total;
  };

  const retire = async (old: readonly ReplicaHandle[], drained: Promise<void>): Promise<void> => {
    // A request that never completes must not keep old processes past the retire timeout.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, RETIRE_TIMEOUT_MS)))]);
    clearTimeout(timer);
    await replicas.retire(old.map((r) => r.id));
    const at = sinceStartMs(clock.nowUs());
    for (const r of old) retiredAt.set(r.id, at);
  };

  return {
    async deploy(count, warmLocal) {
      const atUs = clock.nowUs();
      const previous = current;
      // A deploy that cannot start its processes fails the event; the old replicas keep serving.
      const fresh = await replicas.launch(count ?? previous.length);
      const warmStartUs = clock.nowUs();
      const warmed = await preload(fresh, warmLocal).catch(async (error: unknown) => {
        await replicas.retire(fresh.map((r) => r.id));
        throw error;
      });
      const switchedAtUs = clock.nowUs();
      const firstId = fresh[0]!.id;
      // One tick: the plan names only new ids from here, and the driver has their connections.
      plan.switchTo(firstId, fresh.length);
      const drained = driver.switchTo(
        firstId,
        fresh.map((r) => r.origin),
      );
      current = fresh;
      deps.markColdStart({ cause: 'deploy', atUs, servingUs: switchedAtUs, readyUs: warmStartUs, ...(warmLocal > 0 ? { warmLocal } : {}) });
      const retirement = retire(previous, drained);
      retiring.add(retirement);
      void retirement.finally(() => retiring.delete(retirement));
      return {
        replicasBefore: previous.length,
        replicas: fresh.length,
        firstReplicaId: firstId,
        warmedKeys: warmed.loaded,
        ...(warmed.failed > 0 ? { warmFailedKeys: warmed.failed } : {}),
        warmMs: (switchedAtUs - warmStartUs) / 1000,
        switchedAt: sinceStartMs(switchedAtUs),
        pids: fresh.map((r) => r.pid),
        startMs: (warmStartUs - atUs) / 1000,
      };
    },
    current: () => current,
    async settle() {
      await Promise.allSettled([...retiring]);
    },
    retiredAt: () => retiredAt,
  };
}
