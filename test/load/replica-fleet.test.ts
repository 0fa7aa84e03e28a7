import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { createReplicaFleet } from '../../src/load/replica-fleet.js';
import { buildWorkload } from '../../src/load/build-workload.js';
import { createRouter } from '../../src/load/routing.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { connectRedis } from '../../src/redis/connect.js';
import { createRng } from '../../src/workload/rng.js';
import { cascadeOptions, replica, simulatedSource } from '../cascade/fixture.js';
import { usePrivateRedis } from '../helpers/redis.js';

/**
 * The replica fleet against a private redis-server: a deploy builds new replicas (new ids,
 * routing over the new count), preloads from Redis without calling the source, and closes the old
 * replicas and their connections once idle: nothing is left connected.
 */
const redis = usePrivateRedis();

let admin: Awaited<ReturnType<typeof redis.client>> | undefined;
async function connectedClients(): Promise<number> {
  admin ??= await redis.client();
  const info = String(await admin.info('clients'));
  return Number(/connected_clients:(\d+)/.exec(info)![1]);
}

describe('replica fleet', () => {
  it('deploy: new ids and count, a preload read from Redis, old replicas closed and disconnected', async () => {
    const source = simulatedSource(systemClock);
    const options = cascadeOptions();
    const routing = createRng(3).fork('routing');
    const fleet = createReplicaFleet({
      build: async (id) => {
        const client = await connectRedis(redis.url);
        return { client, cascade: replica(options, { redis: client, source, clock: systemClock, replicaId: id }) };
      },
      routerFor: (n) => createRouter('round-robin', n, routing),
      hottest: (top) => Array.from({ length: top }, (_, i) => String(i)),
      featureSets: ['credit'],
      clock: systemClock,
      retireTimeoutMs: 5000,
    });
    const baseline = await connectedClients();
    await fleet.launch(2);
    expect(await connectedClients()).toBe(baseline + 2);
    // Fill Redis with entities 0..9 through the first generation.
    for (let e = 0; e < 10; e++) await fleet.byId[fleet.route(String(e))]!.get(String(e), 'credit', newTrace());
    const callsBefore = source.stats().calls;
    expect(callsBefore).toBe(10);

    const deploy = await fleet.deploy(3, 20);
    expect(deploy.next.firstId).toBe(2);
    expect(deploy.next.replicas).toHaveLength(3);
    // 20 asked for, 10 in Redis, three replicas; the source was not called.
    expect(deploy.warmedKeys).toBe(30);
    expect(source.stats().calls).toBe(callsBefore);
    // Routing is over ids 2..4 now, in turn; a preloaded key is a local hit on each of them.
    const routed = Array.from({ length: 6 }, () => fleet.route('x'));
    expect(routed).toEqual([2, 3, 4, 2, 3, 4]);
    for (const id of [2, 3, 4]) {
      const trace = newTrace();
      fleet.byId[id]!.get('7', 'credit', trace);
      expect(trace.outcome.local).toBe('hit');
    }
    await fleet.close();
    expect(await connectedClients()).toBe(baseline);
  });

  it('a retiring replica with a request in flight is closed only once that request finished', async () => {
    const source = simulatedSource(systemClock, { latency: { fixedMs: 200 } });
    const options = cascadeOptions();
    const routing = createRng(3).fork('routing');
    const fleet = createReplicaFleet({
      build: async (id) => {
        const client = await connectRedis(redis.url);
        return { client, cascade: replica(options, { redis: client, source, clock: systemClock, replicaId: id }) };
      },
      routerFor: (n) => createRouter('random', n, routing),
      hottest: () => [],
      featureSets: ['credit'],
      clock: systemClock,
      retireTimeoutMs: 5000,
    });
    await fleet.launch(1);
    // A slow miss on replica 0, counted in flight as the issuer counts it.
    fleet.inFlight[0]!++;
    const slow = Promise.resolve(fleet.byId[0]!.get('slow', 'credit', newTrace())).finally(() => fleet.inFlight[0]!--);
    await fleet.deploy(1, 0);
    // The miss still completes, its write-back on the old connection included: nothing failed.
    await slow;
    expect(source.stats().errors).toBe(0);
    expect(fleet.byId[0]!.stats().writeErrors).toBe(0);
    await fleet.close();
  });

  it('a preload that meets a Redis not answering gives up after a few chunks; the deploy still switches', async () => {
    const source = simulatedSource(systemClock);
    const options = cascadeOptions();
    const routing = createRng(3).fork('routing');
    const fleet = createReplicaFleet({
      build: async (id) => {
        const client = await connectRedis(redis.url, { commandTimeoutMs: 50 });
        // Once the deploy's last replica is connected, Redis stops answering: every preload MGET times out.
        if (id === 2) await admin!.call('CLIENT', 'PAUSE', '600', 'ALL');
        return { client, cascade: replica(options, { redis: client, source, clock: systemClock, replicaId: id }) };
      },
      routerFor: (n) => createRouter('random', n, routing),
      hottest: (top) => Array.from({ length: top }, (_, i) => String(i)),
      featureSets: ['credit'],
      clock: systemClock,
      retireTimeoutMs: 5000,
    });
    admin ??= await redis.client();
    await fleet.launch(1);
    const deploy = await fleet.deploy(2, 1000);
    expect(deploy.warmedKeys).toBe(0);
    expect(deploy.warmFailedKeys).toBe(2000);
    expect(fleet.route('x')).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await fleet.close();
  });

  it('a deploy moves neither the key stream nor the arrivals: routing over a new count draws on its own stream', () => {
    const scenario = parseScenario({ name: 'det', seed: 4, cascade: { replicas: 2 }, load: { mode: 'open', rate: 100 } });
    const plain = buildWorkload(scenario, process.cwd());
    const deployed = buildWorkload(scenario, process.cwd());
    const keysAndGaps = (w: typeof plain, deployAt: number | null) => {
      let route = w.router;
      const out: string[] = [];
      for (let i = 0; i < 200; i++) {
        // To one replica: a router that draws nothing, so a shared stream would shift every later key.
        if (i === deployAt) route = w.routerFor(1);
        const entity = w.keys.next()!;
        route(entity);
        out.push(`${entity}@${w.nextGapUs!()}`);
      }
      return out;
    };
    expect(keysAndGaps(deployed, 100)).toEqual(keysAndGaps(plain, null));
    // The same seed deploys the same way: routes after a deploy are reproducible.
    const again = buildWorkload(scenario, process.cwd());
    const routes = (w: typeof plain) => Array.from({ length: 50 }, (_, i) => w.routerFor(5)(String(i)));
    expect(routes(again)).toEqual(routes(buildWorkload(scenario, process.cwd())));
  });
});
