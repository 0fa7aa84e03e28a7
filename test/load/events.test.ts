import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { scheduleEvents, type EventTargets } from '../../src/load/events.js';

function recordingTargets() {
  const calls: string[] = [];
  const targets: EventTargets = {
    expireHot: async (top, set) => (calls.push(`expire ${top} ${set ?? '*'}`), Array.from({ length: top }, (_, i) => `k${i}`)),
    flushLocal: () => void calls.push('flush'),
    setSourceLatencyFactor: (f) => void calls.push(`factor ${f}`),
    setSourceErrorRate: (r) => void calls.push(`errors ${r}`),
    pauseRedis: async (ms) => void calls.push(`pause ${ms}`),
  };
  return { calls, targets };
}

describe('event schedule', () => {
  it('fires events in time order and undoes slowdowns and error injection when they end', async () => {
    const clock = new FakeClock();
    const { calls, targets } = recordingTargets();
    const schedule = scheduleEvents(
      [
        { kind: 'source-slowdown', at: 2000, factor: 4, for: 1000 },
        { kind: 'expire-hot', at: 1000, top: 3 },
        { kind: 'source-errors', at: 5000, rate: 0.5, for: 500 },
        { kind: 'flush-local', at: 0 },
      ],
      { clock, startUs: clock.nowUs(), targets },
    );
    await clock.advanceMs(0);
    expect(calls).toEqual(['flush']);
    await clock.advanceMs(1000);
    expect(calls).toEqual(['flush', 'expire 3 *']);
    await clock.advanceMs(1000);
    expect(calls.at(-1)).toBe('factor 4');
    await clock.advanceMs(1000);
    expect(calls.at(-1)).toBe('factor 1');
    await clock.advanceMs(2000);
    expect(calls.at(-1)).toBe('errors 0.5');
    await schedule.stop();
    expect(calls.at(-1)).toBe('errors null');
    expect(schedule.fired.map((e) => [e.kind, e.at])).toEqual([
      ['flush-local', 0],
      ['expire-hot', 1000],
      ['source-slowdown', 2000],
      ['source-errors', 5000],
    ]);
    expect(schedule.fired[1]!['keys']).toBe(3);
  });

  it('expire-hot passes its expiry on (hard by default) and records a soft one', async () => {
    const clock = new FakeClock();
    const { targets } = recordingTargets();
    const expiries: string[] = [];
    targets.expireHot = async (top, _set, expiry) => (expiries.push(expiry), Array.from({ length: top }, (_, i) => `k${i}`));
    const schedule = scheduleEvents(
      [
        { kind: 'expire-hot', at: 0, top: 2 },
        { kind: 'expire-hot', at: 10, top: 1, expiry: 'soft' },
      ],
      { clock, startUs: clock.nowUs(), targets },
    );
    await clock.advanceMs(10);
    await schedule.stop();
    expect(expiries).toEqual(['hard', 'soft']);
    expect(schedule.fired.map((e) => e['expiry'])).toEqual([undefined, 'soft']);
  });

  it('stop() cancels events that have not fired yet', async () => {
    const clock = new FakeClock();
    const { calls, targets } = recordingTargets();
    const schedule = scheduleEvents([{ kind: 'redis-pause', at: 10_000, for: 100 }], { clock, startUs: 0, targets });
    await clock.advanceMs(5000);
    await schedule.stop();
    await clock.advanceMs(10_000);
    expect(calls).toEqual([]);
    expect(schedule.fired).toEqual([]);
  });
});
