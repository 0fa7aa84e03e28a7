import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { loadScenario } from '../../src/scenario/load.js';
import { REPO_ROOT } from '../cli/cli-helpers.js';

/**
 * examples/k8s: no cluster runs here, so the manifests are checked for what they promise: an
 * Indexed Job whose pods run `fcbench run --shard $(JOB_COMPLETION_INDEX)/N` with flags that exist,
 * results on a shared volume, and a merge Job reading that folder with commands that exist.
 */
const DIR = join(REPO_ROOT, 'examples/k8s');

interface Container {
  image: string;
  command?: string[];
  args: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: { spec: { containers: Container[]; volumes: { name: string; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string } }[] } };
  };
  data?: Record<string, string>;
}

const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'scenario.yaml')
  .flatMap((f) => {
    const docs = parseAllDocuments(readFileSync(join(DIR, f), 'utf8'));
    for (const doc of docs) expect(doc.errors, f).toEqual([]);
    return docs.map((d) => d.toJS() as Manifest);
  });
const byName = (name: string) => manifests.find((m) => m.metadata.name === name)!;

/** `fcbench <command> ...flags` names a command and only flags it has. */
async function expectCliCall(argv: readonly string[]): Promise<void> {
  const program = await buildProgram();
  const command = program.commands.find((c: Command) => c.name() === argv[0]);
  expect(command, `fcbench ${argv[0]}: no such command`).toBeDefined();
  const flags = new Set(command!.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
  for (const arg of argv.slice(1)) if (arg.startsWith('-')) expect(flags.has(arg.split('=')[0]!), `fcbench ${argv[0]} ${arg}`).toBe(true);
}

/** The folder a path is on, as the pod mounts it: the volume's claim. */
function claimOf(manifest: Manifest, path: string): string | undefined {
  const spec = manifest.spec.template.spec;
  const mount = spec.containers[0]!.volumeMounts.find((m) => path.startsWith(`${m.mountPath}/`));
  return spec.volumes.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName;
}

describe('examples/k8s', () => {
  const shards = byName('fcbench-shards');
  const merge = byName('fcbench-merge');

  it('an Indexed Job of N pods, each running fcbench run --shard $(JOB_COMPLETION_INDEX)/N with flags that exist', async () => {
    expect(shards.kind).toBe('Job');
    expect(shards.spec.completionMode).toBe('Indexed');
    const n = shards.spec.parallelism!;
    expect(n).toBeGreaterThan(1);
    expect(shards.spec.completions).toBe(n);
    const args = shards.spec.template.spec.containers[0]!.args;
    expect(args[0]).toBe('run');
    expect(args[args.indexOf('--shard') + 1]).toBe(`$(JOB_COMPLETION_INDEX)/${n}`);
    expect(args).toContain('--shard-group');
    await expectCliCall(args);
  });

  it('the shard group is fresh per Job and the same in every pod: the Job uid, by the downward API', () => {
    const container = shards.spec.template.spec.containers[0]!;
    const group = container.args[container.args.indexOf('--shard-group') + 1]!;
    const variable = /^\$\((\w+)\)$/.exec(group)![1];
    const env = container.env!.find((e) => e.name === variable)!;
    expect(env.valueFrom!.fieldRef!.fieldPath).toBe("metadata.labels['batch.kubernetes.io/controller-uid']");
    expect(container.env!.find((e) => e.name === 'REDIS_SEED')!.value).toMatch(/^redis:\/\//);
  });

  it('the shards write to a shared volume that the merge Job reads, and merge runs merge and report with flags that exist', async () => {
    const shardArgs = shards.spec.template.spec.containers[0]!.args;
    const out = shardArgs[shardArgs.indexOf('--out') + 1]!;
    const script = merge.spec.template.spec.containers[0]!.args.join(' ');
    const calls = script
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] === 'node' && words[1]!.endsWith('dist/src/cli/main.js'))
      .map((words) => words.slice(2));
    expect(calls.map((c) => c[0])).toEqual(['merge', 'report']);
    for (const call of calls) await expectCliCall(call);
    const mergeInput = calls[0]![1]!;
    expect(mergeInput.replace(/\/$/, '')).toBe(out);
    expect(claimOf(shards, `${out}/x`)).toBe('fcbench-results');
    expect(claimOf(merge, `${mergeInput}x`)).toBe('fcbench-results');
    expect(manifests.find((m) => m.kind === 'PersistentVolumeClaim')!.metadata.name).toBe('fcbench-results');
  });

  it('mounts the scenario the ConfigMap carries, which is scenario.yaml, and it validates', async () => {
    const configMap = byName('fcbench-scenario');
    expect(configMap.data!['scenario.yaml']!.trim()).toBe(readFileSync(join(DIR, 'scenario.yaml'), 'utf8').trim());
    const seed = shards.spec.template.spec.containers[0]!.env!.find((e) => e.name === 'REDIS_SEED')!.value!;
    const loaded = await loadScenario(join(DIR, 'scenario.yaml'), { env: { REDIS_SEED: seed } });
    const scenario = loaded.variants[0]!.scenario;
    // Against a Redis Cluster: the Job's Service is the seed the client discovers the masters from.
    expect(scenario.cascade.redis.cluster).toEqual([seed]);
    expect(scenario.cascade.redis.allowRemote).toBe(true);
    expect(shards.spec.template.spec.containers[0]!.args[1]).toBe('/scenario/scenario.yaml');
  });

  it('the image runs the compiled CLI', () => {
    const dockerfile = readFileSync(join(DIR, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/fcbench\/dist\/src\/cli\/main\.js"\]/);
  });
});
