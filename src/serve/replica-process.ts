import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCascade } from '../cascade/cascade.js';
import { systemClock } from '../cascade/clock.js';
import { FcbenchError } from '../errors.js';
import { buildSource } from '../load/build-source.js';
import { buildWorkload } from '../load/build-workload.js';
import { cascadeOptionsOf } from '../load/cascade-config.js';
import { createRecorder } from '../metrics/recorder.js';
import { connectCluster, connectRedis, disconnect } from '../redis/connect.js';
import { createFeatureHandler } from './replica-handler.js';
import { CONTROL_PATH, INTERNAL_PREFIX, METRICS_PATH, type ChildMessage, type ControlCommand, type ParentMessage, type PreloadAnswer, type ReplicaConfig, type ReplicaReport } from './replica-protocol.js';

/**
 * One builtin replica: a process of its own with its own cascade, local LRU and simulated source
 * (or PostgreSQL pool), sharing the run's Redis, serving features over node:http on a loopback port.
 *
 * node:http rather than fastify: one route and two internal ones need no router, schema or
 * plugin system, and whatever the framework costs per request would be counted as "HTTP overhead"
 * in the figures; node:http is the floor any Node service pays.
 *
 * It lives only as long as its parent: the IPC channel closing (the runner exited, crashed or was
 * killed) ends it, so no replica is ever orphaned. Ctrl-C in a terminal reaches the whole process
 * group; a replica ignores SIGINT and lets the runner stop it after reading its figures.
 */
export async function runReplicaProcess(): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  // Parent gone (exit, crash, SIGKILL): the channel closes and so does this process, at once.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => undefined);
  const config = await new Promise<ReplicaConfig>((resolve) => {
    const onMessage = (message: ParentMessage) => {
      if (message.type !== 'start') return;
      process.off('message', onMessage);
      resolve(message.config);
    };
    process.on('message', onMessage);
    send({ type: 'loaded' });
  });
  // A stop may come while still starting (the run ended during a deploy): then there is nothing to close.
  let replica: RunningReplica | null = null;
  process.on('message', (message: ParentMessage) => {
    if (message.type !== 'stop') return;
    if (replica === null) process.exit(0);
    else void replica.close().finally(() => process.exit(0));
  });
  try {
    replica = await startReplica(config);
    send({ type: 'ready', port: replica.port, pid: process.pid });
  } catch (error) {
    const code = error instanceof FcbenchError ? error.code : 'environment';
    send({ type: 'failed', code, message: error instanceof Error ? error.message : String(error) });
    // Let the message reach the parent before going.
    setTimeout(() => process.exit(1), 50);
  }
}

interface RunningReplica {
  port: number;
  close(): Promise<void>;
}

async function startReplica(config: ReplicaConfig): Promise<RunningReplica> {
  const { scenario, id } = config;
  const clock = systemClock;
  const workload = buildWorkload(scenario, config.scenarioDir);
  const built = await buildSource(scenario, {
    clock,
    rng: workload.root.fork('source').fork(`replica-${id}`),
    payload: workload.payload,
    env: process.env,
    scenarioDir: config.scenarioDir,
    runId: config.runId,
  });
  const settings = {
    connectTimeoutMs: scenario.cascade.redis.connectTimeout,
    commandTimeoutMs: scenario.cascade.redis.commandTimeout,
    autoPipelining: scenario.cascade.redis.autoPipelining,
    name: `fcbench-replica-${id}`,
  };
  // A cluster's seeds come with the scenario (the runner checked them, and every node they name).
  const cluster = scenario.cascade.redis.cluster;
  const redis = cluster === undefined ? await connectRedis(config.redisUrl, settings) : await connectCluster(cluster, settings);
  const cascade = createCascade(cascadeOptionsOf(scenario, config.keyPrefix), {
    redis,
    source: built.source,
    clock,
    rng: workload.root.fork(`replica-${id}`),
    replicaId: id,
  });
  const recorder = createRecorder();
  recorder.start(clock.nowUs());
  let cpuAtReset = process.cpuUsage();
  let sourceAtReset = built.source.stats();
  const features = createFeatureHandler({ cascade, recorder, clock, replicaId: id, featureSets: scenario.featureSets.map((s) => s.name) });

  const report = (): ReplicaReport => {
    const summary = recorder.finish(clock.nowUs());
    const cpu = process.cpuUsage(cpuAtReset);
    const source = built.source.stats();
    return {
      id,
      pid: process.pid,
      served: summary.requests.ok,
      failed: summary.requests.errors,
      latency: { endToEnd: summary.latency.endToEnd, byTier: summary.latency.byTier },
      tiers: {
        localHits: summary.tiers.local.hits,
        localLookups: summary.tiers.local.lookups,
        redisHits: summary.tiers.redis.hits,
        redisLookups: summary.tiers.redis.lookups,
      },
      source: { calls: source.calls - sourceAtReset.calls, errors: source.errors - sourceAtReset.errors },
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  };

  const control = async (command: ControlCommand): Promise<unknown> => {
    switch (command.op) {
      case 'reset':
        recorder.start(clock.nowUs());
        cpuAtReset = process.cpuUsage();
        sourceAtReset = built.source.stats();
        return {};
      case 'flush-local':
        cascade.invalidateLocal();
        return {};
      case 'expire': {
        const expire = (entity: string, set: string) => (command.expiry === 'soft' ? cascade.softExpireKeys(entity, set) : cascade.deleteKeys(entity, set));
        return { keys: await Promise.all(command.targets.map(({ entity, set }) => expire(entity, set))) };
      }
      case 'evict-local':
        for (const key of command.keys) cascade.evictLocal(key);
        return {};
      case 'source-latency':
        built.source.setLatencyFactor(command.factor);
        return {};
      case 'source-errors':
        built.source.setErrorRate(command.rate);
        return {};
      case 'preload-local': {
        const entities = workload.hottest(command.top);
        const answer: PreloadAnswer = { loaded: 0, failed: 0 };
        for (const set of scenario.featureSets) {
          const outcome = await cascade.preloadLocal(entities, set.name);
          answer.loaded += outcome.loaded;
          answer.failed += outcome.failed;
        }
        return answer;
      }
    }
  };

  const internal = (req: IncomingMessage, res: ServerResponse): void => {
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method === 'GET' && req.url === METRICS_PATH) return json(200, report());
    if (req.method !== 'POST' || req.url !== CONTROL_PATH) return json(404, { error: 'unknown internal endpoint' });
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      let command: ControlCommand;
      try {
        command = JSON.parse(body) as ControlCommand;
      } catch {
        return json(400, { error: 'control: body is not JSON' });
      }
      control(command).then(
        (answer) => json(200, answer),
        (error: unknown) => json(500, { error: error instanceof Error ? error.message : String(error) }),
      );
    });
  };

  const server = createServer((req, res) => ((req.url ?? '').startsWith(INTERNAL_PREFIX) ? internal(req, res) : features(req, res)));
  // Keep-alive connections from the load generator live for the whole run.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await cascade.close();
      recorder.close();
      await built.close();
      disconnect(redis);
    },
  };
}
