/**
 * `npm run local-cluster -- [--replicas 1] <fcbench args...>`: forms a local Redis Cluster from the
 * machine's redis-server binaries (3 masters on free loopback ports, `redis-cli --cluster create`),
 * runs `fcbench <args>` against it with `cascade.redis.cluster` set to its seeds, and stops every
 * node afterwards, also on failure or Ctrl-C. It is how the README's cluster figures are made, and
 * a way to try cluster mode without a cluster:
 *
 *     npm run local-cluster -- run scenarios/quickstart.yaml --out results/ --report reports/
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPrivateCluster } from '../src/redis/private-cluster.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let replicas = 0;
  if (argv[0] === '--replicas') {
    replicas = Number(argv[1]);
    argv = argv.slice(2);
  }
  if (argv.length === 0) throw new Error('usage: npm run local-cluster -- [--replicas N] <fcbench command and flags>');
  process.stderr.write(`forming a local Redis Cluster (3 masters, ${replicas} replica(s) each)...\n`);
  const cluster = await startPrivateCluster({ masters: 3, replicasPerMaster: replicas });
  process.stderr.write(`cluster ready: ${cluster.urls.join(' ')}\n`);
  try {
    const child = spawn(process.execPath, [MAIN, ...argv, '--set', `cascade.redis.cluster=${JSON.stringify(cluster.urls.slice(0, 3))}`], { stdio: 'inherit' });
    // The child gets Ctrl-C from the terminal itself; this process only waits for it, then stops the nodes.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    return await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 130)));
  } finally {
    await cluster.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`local-cluster: ${(error as Error).message}\n`);
    process.exit(3);
  },
);
