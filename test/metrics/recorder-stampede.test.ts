import { describe, it, expect } from 'vitest';
import { createRecorder, type Recorder } from '../../src/metrics/recorder.js';
import { fetched, localHit, redisHit, trace, waiter } from './trace-builder.js';

const MS = 1000;

function started(options?: Parameters<typeof createRecorder>[0]): Recorder {
  const r = createRecorder(options);
  r.start(0);
  return r;
}

/** A fetch that wrote back a value with this hard TTL (what fill.ts puts on the trace). */
const filling = (key: string, ttlMs: number) => trace({ ...fetched(key), outcome: { local: 'miss', redis: 'miss', source: 'hit' }, filledTtlMs: ttlMs });

/** A recorder whose warmup filled `keys` at t = 0 with a 100 ms TTL, measured phase from 1 s. */
function afterWarmup(keys: readonly string[], options?: Parameters<typeof createRecorder>[0]): Recorder {
  const r = createRecorder(options);
  r.start(-10 * MS);
  for (const key of keys) r.record(filling(key, 100), 0, 0, 0, 0);
  r.start(1000 * MS);
  return r;
}

describe('recorder stampede accounting', () => {
  it('no protection: 50 fetches of an expired key -> one episode with 50 origin calls', () => {
    const r = afterWarmup(['hot']);
    for (let i = 0; i < 50; i++) r.record(fetched('hot'), 2000 * MS, 2000 * MS, 2010 * MS + i, 0);
    const s = r.finish(5000 * MS).stampede;
    expect(s.maxOriginCallsPerExpiry).toBe(50);
    expect(s.naturalExpiries).toBe(1);
    expect(s.episodes).toEqual({ cold: 0, expired: 1, evicted: 0, event: 0 });
    expect(s.expiries).toEqual([
      { at: 1000, cause: 'expired', keys: 1, waiting: 0, originCalls: 50, maxOriginCallsPerKey: 50, staleServed: 0, p99: expect.any(Number) },
    ]);
  });

  it('an open loop behind schedule: a fetch issued after an expire-hot counts for it, though it was due before', () => {
    const r = afterWarmup(['hot']);
    r.markExpiry(2000 * MS, ['hot'], 'event');
    // Due at 1.99 s (a stall held the schedule back), issued at 2.01 s: it met the expired key.
    r.record(fetched('hot'), 1990 * MS, 2010 * MS, 2060 * MS, 0);
    // Due and issued before the event: it saw the old cache, and says nothing about the event.
    r.record(localHit('hot'), 1995 * MS, 1995 * MS, 1996 * MS, 0);
    const [event] = r.finish(5000 * MS).stampede.expiries.filter((e) => e.cause === 'event');
    expect(event).toMatchObject({ originCalls: 1, maxOriginCallsPerKey: 1 });
  });

  it('single-flight: 1 fetch + 49 waiters, in any completion order', () => {
    const r = afterWarmup(['hot']);
    for (let i = 0; i < 20; i++) r.record(waiter('hot'), 2000 * MS + i, 2000 * MS + i, 2009 * MS, 0);
    r.record(fetched('hot'), 2000 * MS, 2000 * MS, 2009 * MS, 0);
    for (let i = 20; i < 49; i++) r.record(waiter('hot'), 2000 * MS + i, 2000 * MS + i, 2009 * MS, 0);
    const s = r.finish(5000 * MS).stampede;
    expect(s.maxOriginCallsPerExpiry).toBe(1);
    expect(s.waiting).toBe(49);
    expect(s.expiries).toHaveLength(1);
    expect(s.expiries[0]).toMatchObject({ cause: 'expired', keys: 1, waiting: 49, originCalls: 1, maxOriginCallsPerKey: 1 });
  });

  it('tells cold misses, expiries and evictions apart by the fills it saw, warmup included', () => {
    const r = createRecorder();
    r.start(-10 * MS); // warmup: a and b filled at 0 with a 100 ms TTL
    r.record(filling('a', 100), 0, 0, 0, 0);
    r.record(filling('b', 100), 0, 0, 0, 0);
    r.start(50 * MS);
    r.record(filling('c', 100), 60 * MS, 60 * MS, 70 * MS, 0); // first fetch of c in this run: cold
    r.record(filling('b', 100), 80 * MS, 80 * MS, 90 * MS, 0); // b before its TTL (100 ms): evicted
    r.record(filling('a', 100), 150 * MS, 150 * MS, 160 * MS, 0); // a after its TTL: expired
    for (const key of ['a', 'b', 'c']) r.record(redisHit(key), 195 * MS, 195 * MS, 195 * MS, 0); // refilled: episodes close
    r.record(filling('c', 100), 200 * MS, 200 * MS, 210 * MS, 0); // c refilled at 70 + 100 = 170 ms: expired
    r.record(filling('b', 100), 210 * MS, 210 * MS, 220 * MS, 0); // b refilled at 90 ms, expires 190: expired
    const s = r.finish(1000 * MS).stampede;
    expect(s.episodes).toEqual({ cold: 1, expired: 3, evicted: 1, event: 0 });
    expect(s.naturalExpiries).toBe(3);
    // Every episode was one fetch nobody waited for: ordinary misses, counted but not listed.
    expect(s.expiries).toEqual([]);
    expect(s.maxOriginCallsPerExpiry).toBe(1);
  });

  it('lists a cold or evicted episode only when it stampeded, and never counts it as an expiry', () => {
    const r = afterWarmup(['e']);
    for (let i = 0; i < 3; i++) r.record(fetched('cold'), 1001 * MS, 1001 * MS, 1010 * MS, 0);
    r.record(fetched('lone'), 1002 * MS, 1002 * MS, 1010 * MS, 0);
    r.record(fetched('e'), 1003 * MS, 1003 * MS, 1010 * MS, 0); // filled at 0, TTL 100 ms: expired
    r.record(waiter('e'), 1003 * MS, 1003 * MS, 1010 * MS, 0);
    const s = r.finish(5000 * MS).stampede;
    expect(s.episodes).toEqual({ cold: 2, expired: 1, evicted: 0, event: 0 });
    expect(s.expiries.map((e) => [e.cause, e.originCalls, e.waiting])).toEqual([['cold', 3, 0], ['expired', 1, 1]]);
    expect(s.maxOriginCallsPerExpiry).toBe(1); // the cold key's 3 calls are not an expiry's
    expect(s.naturalExpiries).toBe(1);
  });

  it('a key an event expired and nobody asked for within the window reads expired later', () => {
    const r = afterWarmup(['k'], { expiryWindowMs: 100 });
    r.markExpiry(1010 * MS, ['k', 'never-filled'], 'event');
    r.record(fetched('k'), 1500 * MS, 1500 * MS, 1510 * MS, 0);
    r.record(fetched('never-filled'), 1500 * MS, 1500 * MS, 1510 * MS, 0);
    const s = r.finish(5000 * MS).stampede;
    expect(s.episodes).toEqual({ cold: 1, expired: 1, evicted: 0, event: 1 });
  });

  it('a refresh started by a stale serve counts as an origin call of the open episode', () => {
    const r = afterWarmup(['k']);
    r.markExpiry(1000 * MS, ['k'], 'event');
    const stale = () => trace({ key: 'k', servedBy: 'redis', outcome: { local: 'miss', redis: 'stale' }, stale: 'soft-expired' });
    r.record(trace({ ...stale(), outcome: { local: 'miss', redis: 'stale' }, refreshStarted: true }), 1001 * MS, 1001 * MS, 1002 * MS, 0);
    for (let i = 0; i < 9; i++) r.record(stale(), 1001 * MS, 1001 * MS, 1002 * MS, 0);
    const s = r.finish(5000 * MS).stampede;
    expect(s.expiries).toEqual([
      { at: 0, cause: 'event', keys: 1, waiting: 0, originCalls: 1, maxOriginCallsPerKey: 1, staleServed: 10, p99: expect.any(Number) },
    ]);
  });

  it('an expire-hot event over 10 keys with one fetch each has max 1 per key and 10 in total', () => {
    const r = started();
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    r.markExpiry(2000 * MS, keys, 'event');
    for (const key of keys) r.record(fetched(key), 2001 * MS, 2001 * MS, 2010 * MS, 0);
    for (const key of keys) r.record(waiter(key), 2002 * MS, 2002 * MS, 2010 * MS, 0);
    const s = r.finish(5000 * MS).stampede;
    expect(s.maxOriginCallsPerExpiry).toBe(1);
    expect(s.naturalExpiries).toBe(0);
    expect(s.expiries).toEqual([
      { at: 2000, cause: 'event', keys: 10, waiting: 10, originCalls: 10, maxOriginCallsPerKey: 1, staleServed: 0, p99: expect.closeTo(9, 1) }, // 2-digit histogram: within 1%
    ]);
  });

  it('a refill closes the episode: the next fetch opens a new one', () => {
    const r = started();
    r.record(fetched('k'), 0, 0, 10 * MS, 0);
    r.record(fetched('k'), 0, 0, 11 * MS, 0);
    r.record(localHit('k'), 20 * MS, 20 * MS, 20 * MS, 0);
    r.record(fetched('k'), 30 * MS, 30 * MS, 40 * MS, 0);
    r.record(fetched('k'), 30 * MS, 30 * MS, 41 * MS, 0);
    const s = r.finish(1000 * MS).stampede;
    expect(s.episodes?.cold).toBe(2); // no fill with a TTL was seen: both are cold
    expect(s.expiries.map((e) => e.originCalls)).toEqual([2, 2]);
  });

  it('requests that waited, or were served stale, do not count as a refill', () => {
    const r = started();
    r.record(fetched('k'), 0, 0, 10 * MS, 0);
    // a redis-lock waiter reads Redis after the lock: served by redis, but part of the stampede
    r.record(trace({ key: 'k', servedBy: 'redis', outcome: { local: 'miss', redis: 'hit' }, waited: true }), 1 * MS, 1 * MS, 11 * MS, 0);
    r.record(trace({ key: 'k', servedBy: 'local', outcome: { local: 'stale' }, stale: 'soft-expired' }), 2 * MS, 2 * MS, 12 * MS, 0);
    r.record(fetched('k'), 3 * MS, 3 * MS, 13 * MS, 0);
    const s = r.finish(1000 * MS).stampede;
    expect(s.expiries).toHaveLength(1);
    expect(s.expiries[0]).toMatchObject({ originCalls: 2, waiting: 1, staleServed: 1 });
  });

  it('beyond maxOpenExpiryKeys the longest-open key is dropped, never one already closed', () => {
    const r = started({ maxOpenExpiryKeys: 3 });
    r.record(fetched('k1'), 1 * MS, 1 * MS, 1 * MS, 0);
    r.record(fetched('k2'), 2 * MS, 2 * MS, 2 * MS, 0);
    r.record(fetched('k3'), 3 * MS, 3 * MS, 3 * MS, 0);
    r.record(redisHit('k2'), 4 * MS, 4 * MS, 4 * MS, 0); // refilled: k2's episode closes
    r.record(fetched('k4'), 5 * MS, 5 * MS, 5 * MS, 0); // three open: k1, k3, k4
    r.record(fetched('k5'), 6 * MS, 6 * MS, 6 * MS, 0); // a fourth: k1, the oldest still open, goes
    expect(r.snapshot().openExpiryKeys).toBe(3);
    r.record(fetched('k3'), 7 * MS, 7 * MS, 7 * MS, 0); // still tracked: a second call of the same episode
    r.record(fetched('k1'), 8 * MS, 8 * MS, 8 * MS, 0); // dropped before: a new episode (k4 goes)
    const s = r.finish(1000 * MS).stampede;
    expect(s.expiries.map((e) => [e.at, e.originCalls])).toEqual([[3, 2]]);
    expect(s.episodes.cold + s.episodes.evicted + s.episodes.expired).toBe(6);
  });

  it('keeps evicting in opening order over many more keys than the cap (closed ones in between)', () => {
    const r = started({ maxOpenExpiryKeys: 100 });
    for (let i = 0; i < 5000; i++) {
      r.record(fetched(`k${i}`), i * MS, i * MS, i * MS, 0);
      if (i % 3 === 0) r.record(redisHit(`k${i}`), i * MS + 1, i * MS + 1, i * MS + 1, 0);
    }
    expect(r.snapshot().openExpiryKeys).toBe(100);
    // The 100 newest keys not refilled are the ones still open: a second fetch of one joins its
    // episode (2 origin calls: listed); the 101st newest was dropped, so its second fetch opens anew.
    const notRefilled = Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 3 !== 0);
    const open = notRefilled.slice(-100);
    for (const i of open.slice(-40)) r.record(fetched(`k${i}`), 5000 * MS, 5000 * MS, 5000 * MS, 0);
    r.record(fetched(`k${notRefilled.at(-101)!}`), 5000 * MS, 5000 * MS, 5000 * MS, 0);
    const listed = r.finish(6000 * MS).stampede.expiries.filter((e) => e.originCalls === 2).map((e) => e.at);
    expect(listed).toEqual(open.slice(-40));
  });

  it('the window closes an episode', () => {
    const r = started({ expiryWindowMs: 100 });
    r.record(fetched('k'), 0, 0, 10 * MS, 0);
    r.record(fetched('k'), 50 * MS, 50 * MS, 60 * MS, 0);
    r.record(fetched('k'), 101 * MS, 101 * MS, 110 * MS, 0);
    r.record(fetched('k'), 101 * MS, 101 * MS, 111 * MS, 0);
    const s = r.finish(1000 * MS).stampede;
    expect(s.expiries.map((e) => [e.at, e.originCalls])).toEqual([[0, 2], [101, 2]]);
  });

  it('ignores, for an event episode, requests that started before the event', () => {
    const r = started();
    r.markExpiry(1000 * MS, ['k'], 'event');
    r.record(localHit('k'), 999 * MS, 999 * MS, 1001 * MS, 0); // saw the cache before the expiry
    r.record(fetched('k'), 1000 * MS, 1000 * MS, 1010 * MS, 0);
    r.record(redisHit('k'), 1020 * MS, 1020 * MS, 1021 * MS, 0); // refilled, but the episode keeps its window
    r.record(fetched('k'), 1005 * MS, 1005 * MS, 1060 * MS, 0); // a slower fetch that started before the refill
    const s = r.finish(2000 * MS).stampede;
    expect(s.expiries.map((e) => [e.cause, e.originCalls])).toEqual([['event', 2]]);
    expect(s.maxOriginCallsPerExpiry).toBe(2);
  });

  it('lists every event episode but only the worst others', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const r = afterWarmup(keys, { maxListedExpiries: 3 });
    for (let i = 0; i < 20; i++) {
      const calls = (i * 7) % 20; // 0, 7, 14, 1, 8, ... : each count 0..19 once
      const at = (1000 + i) * MS;
      for (let c = 0; c < Math.max(1, calls); c++) r.record(fetched(`n${i}`), at, at, at + 5, 0);
    }
    r.markExpiry(1500 * MS, ['e1'], 'event');
    r.markExpiry(1600 * MS, ['e2'], 'event');
    const s = r.finish(2000 * MS).stampede;
    expect(s.naturalExpiries).toBe(20);
    expect(s.episodes).toEqual({ cold: 0, expired: 20, evicted: 0, event: 2 });
    expect(s.maxOriginCallsPerExpiry).toBe(19);
    const expired = s.expiries.filter((e) => e.cause === 'expired').map((e) => e.originCalls);
    expect([...expired].sort((a, b) => b - a)).toEqual([19, 18, 17]);
    expect(s.expiries.filter((e) => e.cause === 'event').map((e) => e.at)).toEqual([500, 600]);
    expect(s.expiries.map((e) => e.at)).toEqual([...s.expiries.map((e) => e.at)].sort((a, b) => a - b));
  });

  it('computes the episode p99 from its requests', () => {
    const r = started();
    r.markExpiry(0, ['k'], 'event');
    for (let i = 1; i <= 100; i++) r.record(waiter('k'), 0, 0, i * MS, 0); // 1..100 ms
    const [expiry] = r.finish(1000 * MS).stampede.expiries;
    expect(expiry?.waiting).toBe(100);
    expect(Math.abs((expiry?.p99 ?? 0) - 99) / 99).toBeLessThan(0.01); // 2-digit histogram: 1%
  });

  it('a new event takes over keys of an open episode', () => {
    const r = started();
    r.record(fetched('k'), 0, 0, 10 * MS, 0);
    r.record(fetched('k'), 0, 0, 10 * MS, 0);
    r.markExpiry(20 * MS, ['k', 'k', 'j'], 'event');
    r.record(fetched('k'), 21 * MS, 21 * MS, 30 * MS, 0);
    const s = r.finish(1000 * MS).stampede;
    expect(s.expiries.map((e) => [e.cause, e.keys, e.originCalls])).toEqual([['cold', 1, 2], ['event', 2, 1]]);
  });
});
