import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ResolvedTtl } from '../../src/cascade/options.js';
import { envelopeSoftExpiry, expiriesFor, expiriesFromEnvelope, jitterFactor, staleReasonAt, xfetchDue } from '../../src/cascade/ttl-policy.js';

const ttl = (over: Partial<ResolvedTtl> = {}): ResolvedTtl => ({ hardMs: 10_000, softMs: 0, jitter: 0, xfetchBeta: 0, ...over });

describe('ttl policy', () => {
  it('jitter shortens both TTLs by one shared factor 1 - jitter * u', () => {
    expect(jitterFactor(0.2, 0)).toBe(1);
    expect(jitterFactor(0.2, 0.5)).toBeCloseTo(0.9, 12);
    expect(expiriesFor(ttl({ softMs: 4000, jitter: 0.5 }), 1000, 0.5)).toEqual({ hardExpiresAtMs: 1000 + 7500, softExpiresAtMs: 1000 + 3000 });
    expect(expiriesFor(ttl(), 1000, 0.9)).toEqual({ hardExpiresAtMs: 11_000, softExpiresAtMs: 0 });
  });

  it('the envelope carries the exact jittered hard expiry, with or without a soft TTL', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.boolean(), (u, jitter, soft) => {
        const policy = ttl({ jitter, softMs: soft ? 3000 : 0 });
        const written = 1_700_000_000_000;
        const expiries = expiriesFor(policy, written, u);
        const back = expiriesFromEnvelope(policy, written, envelopeSoftExpiry(policy, expiries));
        expect(back.hardExpiresAtMs).toBeCloseTo(expiries.hardExpiresAtMs, 3);
        expect(back.softExpiresAtMs).toBeCloseTo(expiries.softExpiresAtMs, 3);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('a foreign header never stretches a value past the configured hard TTL', () => {
    expect(expiriesFromEnvelope(ttl(), 0, 0)).toEqual({ hardExpiresAtMs: 10_000, softExpiresAtMs: 0 });
    expect(expiriesFromEnvelope(ttl(), 0, 99_999).hardExpiresAtMs).toBe(10_000);
    expect(expiriesFromEnvelope(ttl({ softMs: 1000 }), 0, 50_000).hardExpiresAtMs).toBe(10_000);
  });

  it('xfetch refreshes when now - delta * beta * ln(u) reaches expiry', () => {
    // delta 100 ms, beta 1: -ln(u) * 100 must cover the 50 ms left.
    expect(xfetchDue(950, 1000, 100, 1, Math.exp(-0.5))).toBe(true);
    expect(xfetchDue(950, 1000, 100, 1, Math.exp(-0.49))).toBe(false);
    expect(xfetchDue(950, 1000, 100, 2, Math.exp(-0.25))).toBe(true);
    expect(xfetchDue(1000, 1000, 0, 1, 1)).toBe(true);
    expect(xfetchDue(0, 1000, 100, 1, 1)).toBe(false);
  });

  it('the chance of an early refresh grows as expiry nears (exp(-left / (delta * beta)))', () => {
    const share = (leftMs: number) => {
      let due = 0;
      for (let i = 1; i <= 10_000; i++) if (xfetchDue(1000 - leftMs, 1000, 100, 1, i / 10_000)) due++;
      return due / 10_000;
    };
    expect(share(500)).toBeCloseTo(Math.exp(-5), 3);
    expect(share(100)).toBeCloseTo(Math.exp(-1), 3);
    expect(share(10)).toBeCloseTo(Math.exp(-0.1), 3);
  });

  it('a held value is soft-expired past its soft TTL, else outdated', () => {
    expect(staleReasonAt(100, 100)).toBe('soft-expired');
    expect(staleReasonAt(100, 99)).toBe('outdated');
    expect(staleReasonAt(0, 1e12)).toBe('outdated');
  });
});
