import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Cascade } from '../../src/cascade/cascade.js';
import { CascadeError } from '../../src/cascade/cascade-error.js';
import { FakeClock } from '../../src/cascade/clock.js';
import type { FailurePolicy } from '../../src/cascade/options.js';
import { newTrace, type Trace } from '../../src/cascade/trace.js';
import { connectRedis } from '../../src/redis/connect.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, featureSet, freshPrefix, outcomeOf, payload, replica, simulatedSource, until, watchUnhandledRejections } from './fixture.js';

const redisServer = usePrivateRedis();
const unhandled = watchUnhandledRejections();
const POLICIES: FailurePolicy[] = ['serve-stale', 'bypass', 'fail-closed'];
const clients: Redis[] = [];
afterAll(() => {
  for (const c of clients) c.disconnect();
});

async function client(commandTimeoutMs = 300): Promise<Redis> {
  const c = await connectRedis(redisServer.url, { commandTimeoutMs });
  clients.push(c);
  return c;
}

/** A get that must settle (value or CascadeError) well within a generous bound: it never hangs. */
async function settledGet(cascade: Cascade, entity: string, trace: Trace) {
  const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref());
  const result = await Promise.race([outcomeOf(cascade.get(entity, 'credit', trace)), guard]);
  if (result === 'hung') throw new Error(`get of ${entity} did not settle`);
  return result;
}

function expectFailed(result: Awaited<ReturnType<typeof settledGet>>, trace: Trace, kinds: string[]): void {
  expect(result.ok).toBe(false);
  const error = (result as { error: unknown }).error;
  expect(error).toBeInstanceOf(CascadeError);
  expect(kinds).toContain((error as CascadeError).kind);
  expect(trace.failed).toBe(true);
  expect(trace.errorKind).toBe((error as CascadeError).kind);
}

async function policyReplicas(clock: FakeClock, source: ReturnType<typeof simulatedSource>, extra: Partial<Parameters<typeof cascadeOptions>[0]> = {}) {
  const keyPrefix = freshPrefix();
  const cascades = new Map<FailurePolicy, Cascade>();
  let id = 0;
  for (const policy of POLICIES) {
    const options = cascadeOptions({ redis: { keyPrefix }, failurePolicy: policy, local: { ttlMs: 1000 }, ...extra });
    cascades.set(policy, replica(options, { redis: await client(), source, clock, replicaId: id++ }));
  }
  return cascades;
}

describe('failure policies', () => {
  it('Redis killed mid-run: each policy does what the README says, then recovers after a restart', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascades = await policyReplicas(clock, source);
    for (const c of cascades.values()) await c.get('held', 'credit', newTrace());
    await clock.advanceMs(2000); // past the local TTL: the next get asks Redis, the replica still holds the value
    await redisServer.server.kill();
    const redisKinds = ['redis-error', 'redis-timeout'];

    const stale = cascades.get('serve-stale') as Cascade;
    const callsBefore = source.stats().calls;
    let trace = newTrace();
    let result = await settledGet(stale, 'held', trace);
    expect(result).toEqual({ ok: true, value: payload('held', 'credit', 'v1') });
    expect(trace).toMatchObject({ servedBy: 'local', stale: 'outdated', failed: false, outcome: { redis: 'error' } });
    expect(redisKinds).toContain(trace.errorKind);
    trace = newTrace();
    expectFailed(await settledGet(stale, 'never-seen', trace), trace, redisKinds);
    expect(source.stats().calls).toBe(callsBefore); // the outage did not fall through to the source

    const bypass = cascades.get('bypass') as Cascade;
    for (const entity of ['held', 'never-seen']) {
      trace = newTrace();
      result = await settledGet(bypass, entity, trace);
      expect(result).toEqual({ ok: true, value: payload(entity, 'credit', 'v1') });
      expect(trace).toMatchObject({ servedBy: 'source', stale: false, failed: false, originCalls: 1, encodedBytes: expect.any(Number) });
      expect(redisKinds).toContain(trace.errorKind);
      expect(trace.us.redisSet).toBe(0); // no write-back to the failed tier
    }

    const closed = cascades.get('fail-closed') as Cascade;
    for (const entity of ['held', 'never-seen']) {
      trace = newTrace();
      expectFailed(await settledGet(closed, entity, trace), trace, redisKinds);
    }

    await redisServer.server.restart();
    await until(() => clients.every((c) => c.status === 'ready'), 'clients to reconnect');
    for (const [policy, c] of cascades) {
      trace = newTrace();
      expect(await settledGet(c, `after-${policy}`, trace)).toEqual({ ok: true, value: payload(`after-${policy}`, 'credit', 'v1') });
      expect(trace).toMatchObject({ errorKind: null, servedBy: 'source', us: { redisSet: expect.any(Number) } });
    }
    for (const c of cascades.values()) await c.close();
    expect(unhandled).toEqual([]);
  });

  it('source failing: serve-stale serves the held value, bypass and fail-closed fail', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascades = await policyReplicas(clock, source);
    const admin = await client();
    for (const c of cascades.values()) {
      await c.get('held', 'credit', newTrace());
      await admin.del(c.keyFor('held', 'credit')); // Redis lost it: the get must reach the source
    }
    await clock.advanceMs(2000);
    source.setErrorRate(1);

    let trace = newTrace();
    expect(await settledGet(cascades.get('serve-stale') as Cascade, 'held', trace)).toEqual({ ok: true, value: payload('held', 'credit', 'v1') });
    expect(trace).toMatchObject({ servedBy: 'local', stale: 'outdated', errorKind: 'source-error', failed: false, outcome: { redis: 'miss', source: 'error' } });
    trace = newTrace();
    expectFailed(await settledGet(cascades.get('serve-stale') as Cascade, 'never-seen', trace), trace, ['source-error']);
    for (const policy of ['bypass', 'fail-closed'] as const) {
      trace = newTrace();
      expectFailed(await settledGet(cascades.get(policy) as Cascade, 'held', trace), trace, ['source-error']);
      expect(trace.outcome.source).toBe('error');
    }
    source.setErrorRate(null);
    trace = newTrace();
    expect((await settledGet(cascades.get('fail-closed') as Cascade, 'held', trace)).ok).toBe(true);
    for (const c of cascades.values()) await c.close();
    expect(unhandled).toEqual([]);
  });

  it('a paused Redis times out at the command timeout instead of hanging a get', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascades = await policyReplicas(clock, source, { featureSets: [featureSet({ ttl: { hardMs: 60_000, softMs: 500 } })] });
    const stale = cascades.get('serve-stale') as Cascade;
    await stale.get('held', 'credit', newTrace());
    await clock.advanceMs(600);
    const admin = await client(5000);
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    // A soft-expired local hit starts a background refresh that meets the paused Redis: no unhandled rejection.
    const hit = newTrace();
    expect(stale.get('held', 'credit', hit)).toEqual(payload('held', 'credit', 'v1'));
    expect(hit.refreshStarted).toBe(true);
    const trace = newTrace();
    expectFailed(await settledGet(cascades.get('fail-closed') as Cascade, 'e9', trace), trace, ['redis-timeout']);
    await stale.close();
    expect(stale.stats().refreshFailures).toBe(1);
    await admin.call('CLIENT', 'UNPAUSE');
    const after = newTrace();
    expect((await settledGet(cascades.get('fail-closed') as Cascade, 'e9', after)).ok).toBe(true);
    for (const c of cascades.values()) await c.close();
    expect(unhandled).toEqual([]);
  });
});
