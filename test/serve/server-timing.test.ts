import { describe, expect, it } from 'vitest';
import { newTrace } from '../../src/cascade/trace.js';
import { fillTraceFromTiming, formatServerTiming, parseServerTiming } from '../../src/serve/server-timing.js';

describe('Server-Timing parse', () => {
  const ok: [string, string | string[], { tier: string; local?: number; redis?: number; source?: number; decode?: number; lock?: number; stale?: string | false }][] = [
    ['the contract example', 'tier;desc="redis", local;dur=0.004, redis;dur=0.21, source;dur=0', { tier: 'redis', local: 0.004, redis: 0.21, source: 0 }],
    ['token desc, no spaces', 'tier;desc=local,local;dur=0.01', { tier: 'local', local: 0.01 }],
    ['order and case free, unknown metrics ignored', 'db;dur=3;desc="pg, primary", Redis;DUR=1.5, TIER;desc="source", source;dur=12', { tier: 'source', redis: 1.5, source: 12 }],
    ['several header lines are one list', ['tier;desc="local"', 'local;dur=0.002'], { tier: 'local', local: 0.002 }],
    ['first occurrence wins', 'tier;desc="local", tier;desc="source", local;dur=1, local;dur=9', { tier: 'local', local: 1 }],
    ['decode and lock steps', 'tier;desc="redis", redis;dur=0.3, decode;dur=0.02, lock;dur=4', { tier: 'redis', decode: 0.02, lock: 4 }],
    ['stale marker', 'tier;desc="redis", stale;desc="soft-expired"', { tier: 'redis', stale: 'soft-expired' }],
    ['a step without dur is skipped', 'tier;desc="local", local', { tier: 'local', local: 0 }],
  ];
  it.each(ok)('%s', (_name, header, expected) => {
    const parsed = parseServerTiming(header);
    expect(parsed.kind).toBe('ok');
    if (parsed.kind !== 'ok') return;
    expect(parsed.timing.tier).toBe(expected.tier);
    for (const step of ['local', 'redis', 'source', 'decode', 'lock'] as const) {
      if (expected[step] !== undefined) expect(parsed.timing.stepsMs[step]).toBe(expected[step]);
    }
    expect(parsed.timing.stale).toBe(expected.stale ?? false);
  });

  const absent: [string, string | string[] | undefined][] = [
    ['no header', undefined],
    ['empty', ''],
    ['blank', '   '],
  ];
  it.each(absent)('absent: %s', (_name, header) => {
    expect(parseServerTiming(header).kind).toBe('absent');
  });

  const malformed: [string, string][] = [
    ['no tier', 'local;dur=0.1, redis;dur=0.2'],
    ['unknown tier', 'tier;desc="disk", local;dur=1'],
    ['tier without desc', 'tier, local;dur=1'],
    ['negative dur', 'tier;desc="local", local;dur=-1'],
    ['dur not a number', 'tier;desc="local", local;dur=fast'],
    ['dur empty', 'tier;desc="local", local;dur='],
    ['infinite dur', 'tier;desc="local", local;dur=1e999'],
    ['unclosed quote', 'tier;desc="local, local;dur=1'],
    ['bad metric name', 'ti er;desc="local"'],
    ['garbage', '\u0000\u0001;;;==,,'],
    ['json instead', '{"tier":"local"}'],
  ];
  it.each(malformed)('malformed, never thrown: %s', (_name, header) => {
    const parsed = parseServerTiming(header);
    expect(parsed.kind).toBe('malformed');
    if (parsed.kind === 'malformed') expect(parsed.reason.length).toBeGreaterThan(0);
  });

  it('never throws on arbitrary text', () => {
    let seed = 7;
    const alphabet = 'tier;desc="local,redis source=dur0.1-\\ ';
    for (let n = 0; n < 2000; n++) {
      let text = '';
      for (let i = 0; i < 30; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        text += alphabet.charAt(seed % alphabet.length);
      }
      expect(() => parseServerTiming(text)).not.toThrow();
    }
  });
});

describe('Server-Timing emit', () => {
  it('round-trips a trace: tier, steps in ms at 0.1 µs precision, stale', () => {
    const trace = newTrace();
    trace.servedBy = 'redis';
    trace.stale = 'soft-expired';
    trace.us.localGet = 4;
    trace.us.redisGet = 210;
    trace.us.decode = 19.6;
    const header = formatServerTiming(trace);
    expect(header).toBe('tier;desc="redis", local;dur=0.004, redis;dur=0.21, source;dur=0, decode;dur=0.0196, stale;desc="soft-expired"');
    const parsed = parseServerTiming(header);
    expect(parsed.kind).toBe('ok');
    if (parsed.kind !== 'ok') return;
    const back = newTrace();
    fillTraceFromTiming(back, parsed.timing);
    expect(back.servedBy).toBe('redis');
    expect(back.outcome).toEqual({ local: 'miss', redis: 'stale', source: 'skipped' });
    expect(back.us.redisGet).toBe(210);
    expect(back.us.decode).toBeCloseTo(19.6, 9);
    expect(back.stale).toBe('soft-expired');
  });

  it('a sub-microsecond local lookup is not rounded away', () => {
    const trace = newTrace();
    trace.servedBy = 'local';
    trace.us.localGet = 0.34;
    expect(formatServerTiming(trace)).toBe('tier;desc="local", local;dur=0.0003, redis;dur=0, source;dur=0');
  });

  it('a source-served timing counts one origin call', () => {
    const back = newTrace();
    fillTraceFromTiming(back, { tier: 'source', stale: false, stepsMs: { local: 0.001, redis: 0.2, source: 8, decode: 0, encode: 0.01, lock: 0 } });
    expect(back.outcome).toEqual({ local: 'miss', redis: 'miss', source: 'hit' });
    expect(back.originCalls).toBe(1);
    expect(back.us.sourceFetch).toBe(8000);
    expect(back.waited).toBe(false);
  });

  it('served by the source after waiting on another request\'s fetch: no origin call, a wait', () => {
    const back = newTrace();
    fillTraceFromTiming(back, { tier: 'source', stale: false, stepsMs: { local: 0.001, redis: 0.2, source: 0, decode: 0, encode: 0, lock: 4 } });
    expect(back.originCalls).toBe(0);
    expect(back.waited).toBe(true);
    expect(back.us.lockWait).toBe(4000);
  });
});
