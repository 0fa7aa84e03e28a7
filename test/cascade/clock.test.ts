import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../../src/cascade/clock.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('Clock.sleepMs with a signal', () => {
  it('the system clock wakes at once on abort and cancels its timer (a live one would hold the process open)', async () => {
    const before = timers();
    const controller = new AbortController();
    const sleep = systemClock.sleepMs(60_000, controller.signal);
    expect(timers()).toBe(before + 1);
    controller.abort();
    await sleep;
    expect(timers()).toBe(before);
    await systemClock.sleepMs(60_000, controller.signal);
    expect(timers()).toBe(before);
  });

  it('a zero sleep yields without a timer', async () => {
    const before = timers();
    const sleep = systemClock.sleepMs(0);
    expect(timers()).toBe(before);
    await sleep;
  });

  it('the fake clock drops an aborted sleeper', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let woke = false;
    const sleep = clock.sleepMs(1000, controller.signal).then(() => (woke = true));
    expect(clock.pendingSleeps).toBe(1);
    controller.abort();
    await sleep;
    expect(woke).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });
});
