import { spawn } from 'node:child_process';
import { environmentError } from '../errors.js';
import { startPrivateRedis, type PrivateRedis } from './private-server.js';

/**
 * A Redis Cluster fcbench (its tests and benchmarks) formed from local `redis-server` binaries:
 * each node a private server on a free loopback port with cluster mode on, joined by
 * `redis-cli --cluster create`, the tool operators use, so the slots and replicas are laid out as
 * in a real deployment. Stopped as a whole; one node can be killed to force a failover.
 */
export interface PrivateCluster {
  /** Seed URLs, one per node (masters first, as formed). */
  readonly urls: readonly string[];
  readonly nodes: readonly PrivateRedis[];
  stop(): Promise<void>;
}

export interface PrivateClusterOptions {
  masters?: number;
  /** Replicas per master (1 for failover tests). @default 0 */
  replicasPerMaster?: number;
  /**
   * cluster-node-timeout: how long a master may be unreachable before its replica takes over.
   * Short, so a failover test takes seconds, not the 15 s default. @default 1000 (ms)
   */
  nodeTimeoutMs?: number;
  /** How long the cluster may take to agree on its slots. @default 20000 (ms) */
  readyTimeoutMs?: number;
}

export async function startPrivateCluster(options: PrivateClusterOptions = {}): Promise<PrivateCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  const total = masters * (1 + replicas);
  const clusterArgs = [
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
    // A test may run with a master gone and no replica for its slots: keys elsewhere stay readable.
    '--cluster-require-full-coverage', 'no',
    // A replica may take over however long ago it last heard from its master: a test kills a master
    // seconds after forming the cluster, and failover must not depend on replication timing.
    '--cluster-replica-validity-factor', '0',
    // A replica's first sync starts at once, not after diskless replication's 5 s wait for more replicas.
    '--repl-diskless-sync-delay', '0',
  ];
  const nodes: PrivateRedis[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < total; i++) nodes.push(await startPrivateRedis({ extraArgs: clusterArgs }));
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes']);
    await waitForClusterOk(nodes, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: nodes.map((node) => node.url), nodes, stop };
}

function redisCli(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env['FCBENCH_REDIS_CLI'] ?? 'redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('error', (error) => reject(environmentError(`redis-cli could not be run (${error.message}); it comes with redis-server (apt-get install redis-tools)`)));
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(environmentError(`redis-cli ${args.slice(0, 2).join(' ')} failed (exit ${code}): ${output.trim().split('\n').slice(-2).join(' ')}`));
    });
  });
}

/**
 * Every node reports cluster_state:ok and knows every other node (slots are assigned and gossiped),
 * and every replica's link to its master is up: a failover test needs replicas that hold the data.
 */
async function waitForClusterOk(nodes: readonly PrivateRedis[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(nodes.map((node) => redisCli(['-p', String(node.port), 'CLUSTER', 'INFO']).catch(() => '')));
    const replication = await Promise.all(nodes.map((node) => redisCli(['-p', String(node.port), 'INFO', 'replication']).catch(() => '')));
    const ready =
      states.every((info) => /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${nodes.length}\\b`).test(info)) &&
      replication.every((info) => !/role:slave/.test(info) || /master_link_status:up/.test(info));
    if (ready) return;
    if (Date.now() > deadline) throw environmentError(`the local Redis Cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
