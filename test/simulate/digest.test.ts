import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { loadScenario } from '../../src/scenario/load.js';
import { simulateVariant } from '../../src/simulate/simulate-variant.js';

/**
 * Speed work on the simulation must not change what it computes: the shipped scenarios (shortened)
 * give the same result document, bit for bit, as the code that recorded these digests. Only what
 * depends on the machine or the wall clock is left out (tool, start time, env, pids, the
 * simulation's own speed figures). A digest that changes means results changed: find out why
 * before recording a new one.
 */
interface Case {
  name: string;
  file: string;
  sets: string[];
  /** sha256 of the result documents of every variant, and two figures to make a mismatch readable. */
  expected: { digest: string; requests: number[]; sourceCalls: number[] };
}

const CASES: Case[] = [
  {
    // Its expire-hot event at 5 s: single-flight, stampede episodes of an event.
    name: 'quickstart, 20 s',
    file: 'scenarios/quickstart.yaml',
    sets: ['duration=20s'],
    expected: { digest: 'd131f7bc58876d29119f6148b76ceb75dff562a0b73d9e8db5bdcb1e53276c2e', requests: [40_259], sourceCalls: [8_182] },
  },
  {
    // Every failure the simulation models: a Redis pause past the command timeout, source errors and a slowdown, a local flush.
    name: 'quickstart, failures and a short local TTL',
    file: 'scenarios/quickstart.yaml',
    sets: [
      'duration=14s',
      'cascade.local={maxEntries: 10000, ttl: 1s}',
      'events=[{at: 2s, kind: redis-pause, for: 2s}, {at: 5s, kind: source-errors, rate: 0.5, for: 2s}, {at: 8s, kind: source-slowdown, factor: 5, for: 2s}, {at: 11s, kind: flush-local}]',
    ],
    expected: { digest: '56d594c620f06a6f5fca0dceff97fe5e81ac80ffd760bcba07d9dec0dc913054', requests: [28_023], sourceCalls: [5_727] },
  },
  {
    // A closed loop, bounded by the shared CPU.
    name: 'quickstart, closed loop',
    file: 'scenarios/quickstart.yaml',
    sets: ['load={mode: closed, concurrency: 16, requests: 60000}', 'warmup={requests: 5000}'],
    expected: { digest: '9ecd85bb465393acbd684c0756bef47b02c178a2d01d035e2e996bd17450f8c5', requests: [60_000], sourceCalls: [10_920] },
  },
  {
    // 2 sets, 1M entities, 4 replicas by affinity, swr with a soft TTL.
    name: 'capacity-planning, 40 s',
    file: 'scenarios/capacity-planning.yaml',
    sets: ['duration=40s', 'warmup=10s'],
    expected: { digest: 'd456d202a8af97b5ca4a90ac7c171f8ca3b30d36c35a8674e4bf6a23965b9ef7', requests: [119_750], sourceCalls: [44_538] },
  },
  {
    // Both sets in one request (merged traces).
    name: 'capacity-planning, every set per request',
    file: 'scenarios/capacity-planning.yaml',
    sets: ['duration=20s', 'warmup=5s', 'request={featureSets: all}'],
    expected: { digest: '99968192871f8c0f8831affc3ca80e3242fa004d35f8197e1a19119049cd9c9d', requests: [59_681], sourceCalls: [45_750] },
  },
  {
    // Its four variants: none, single-flight, swr (soft expiry events), redis-lock across 4 replicas.
    name: 'stampede, every strategy',
    file: 'scenarios/stampede.yaml',
    sets: ['duration=6s', 'warmup=2s'],
    expected: { digest: 'ea96ce5f44463abe2e1956a6979255c746bf618d22c828f93022fb32fbbf3d88', requests: [8_775, 11_358, 12_051, 12_051], sourceCalls: [3_031, 2_628, 2_818, 2_353] },
  },
  {
    // Its four variants: hard TTL, jitter, soft TTL (stale serves, refreshes), XFetch; long enough for the 60 s TTLs to expire.
    name: 'ttl-policies, every policy',
    file: 'scenarios/ttl-policies.yaml',
    sets: ['duration=75s'],
    expected: { digest: '597952609b07139071aa52ac20f6fabfab0e2711ffc27a9b74f0af50fdf3fc2f', requests: [113_049, 113_049, 113_049, 113_049], sourceCalls: [14_260, 14_987, 19_812, 14_990] },
  },
];

/** The result without what depends on the machine or the wall clock. */
function deterministicPart(r: ResultDocument): unknown {
  const { tool: _tool, startedAt: _startedAt, env: _env, simulation, serving, ...rest } = r as ResultDocument & Record<string, unknown>;
  const { requestsPerSecond: _rps, wallMs: _wall, cpuMs: _cpu, requestsPerCpuSecond: _rpc, ...sim } = simulation!;
  return { ...rest, simulation: sim, serving: { ...serving, replicas: serving.replicas.map(({ pid: _pid, ...replica }) => replica) } };
}

describe('simulate: same scenario and seed, same result document', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const loaded = await loadScenario(c.file, { sets: c.sets, env: {} });
      const hash = createHash('sha256');
      const requests: number[] = [];
      const sourceCalls: number[] = [];
      for (const variant of loaded.variants) {
        const r = simulateVariant(variant, { scenarioDir: loaded.dir, toolVersion: 'test' });
        hash.update(JSON.stringify(deterministicPart(r)));
        requests.push(r.requests.total);
        sourceCalls.push(r.tiers.source.calls);
      }
      expect({ digest: hash.digest('hex'), requests, sourceCalls }).toEqual(c.expected);
    });
  }
});
