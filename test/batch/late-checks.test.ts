import { afterEach, describe, expect, it, vi } from 'vitest';
import { LateChecks } from '../../src/batch/late-checks.js';

describe('LateChecks: a key is dropped again a full grace after its own push', () => {
  afterEach(() => vi.useRealTimers());

  it('gives a key added while the timer is pending its whole grace, not what is left of the first one', () => {
    vi.useFakeTimers();
    const seen: [number, string, number][] = [];
    const checks = new LateChecks(20, (replica, key) => seen.push([replica, key, Date.now()]), () => Date.now());
    const start = Date.now();
    checks.add(0, 'a');
    vi.advanceTimersByTime(15);
    checks.add(1, 'b'); // 15 ms in: due at 35 ms, where a shared timer would have checked it at 20
    vi.advanceTimersByTime(5);
    expect(seen.map(([r, k, at]) => [r, k, at - start])).toEqual([[0, 'a', 20]]);
    vi.advanceTimersByTime(14);
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(seen.map(([r, k, at]) => [r, k, at - start])).toEqual([[0, 'a', 20], [1, 'b', 35]]);
    expect(checks.pending).toBe(0);
  });

  it('checks every key once, in order, and close() cancels what is left', () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const checks = new LateChecks(20, (_replica, key) => seen.push(key), () => Date.now());
    for (let i = 0; i < 5; i++) {
      checks.add(0, `k${i}`);
      vi.advanceTimersByTime(6);
    }
    vi.advanceTimersByTime(20);
    expect(seen).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    checks.add(0, 'late');
    checks.close();
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(5);
    expect(checks.pending).toBe(0);
  });
});
