import { describe, expect, it } from 'vitest';
import { SnapshotChain } from '../../src/batch/snapshot-chain.js';

const entities = Array.from({ length: 20_000 }, (_, i) => String(i));

describe('SnapshotChain', () => {
  it('changes about the asked fraction of entities per version, the same ones for the same seed', () => {
    const chain = new SnapshotChain(42, 'credit', 'v1', [{ version: 'v2', changed: 0.3 }]);
    const changed = entities.filter((e) => chain.changedIn(e, 'v2'));
    // 20,000 Bernoulli(0.3) draws: sd = sqrt(20000 * 0.21) ~ 65; 5 sd either side.
    expect(Math.abs(changed.length - 6000)).toBeLessThan(325);
    const again = new SnapshotChain(42, 'credit', 'v1', [{ version: 'v2', changed: 0.3 }]);
    expect(entities.filter((e) => again.changedIn(e, 'v2'))).toEqual(changed);
    const otherSeed = new SnapshotChain(43, 'credit', 'v1', [{ version: 'v2', changed: 0.3 }]);
    expect(entities.filter((e) => otherSeed.changedIn(e, 'v2'))).not.toEqual(changed);
  });

  it('content versions walk back to the last change; the base changes everyone', () => {
    const chain = new SnapshotChain(7, 'set', 'v1', [
      { version: 'v2', changed: 0.5 },
      { version: 'v3', changed: 0 },
      { version: 'v4', changed: 1 },
    ]);
    for (const e of entities.slice(0, 500)) {
      expect(chain.contentVersion(e, 'v1')).toBe('v1');
      const at2 = chain.contentVersion(e, 'v2');
      expect(at2).toBe(chain.changedIn(e, 'v2') ? 'v2' : 'v1');
      expect(chain.contentVersion(e, 'v3')).toBe(at2);
      expect(chain.sameContent(e, 'v2', 'v3')).toBe(true);
      expect(chain.contentVersion(e, 'v4')).toBe('v4');
      expect(chain.sameContent(e, 'v3', 'v4')).toBe(false);
    }
  });

  it('refuses a repeated version, a fraction outside 0..1 and unknown versions', () => {
    const chain = new SnapshotChain(1, 'set', 'v1');
    expect(() => chain.add({ version: 'v1', changed: 0.1 })).toThrow(/already in use/);
    expect(() => chain.add({ version: 'v2', changed: 1.5 })).toThrow(/0\.\.1/);
    expect(() => chain.contentVersion('1', 'v9')).toThrow(/unknown snapshot version "v9"/);
  });
});

describe('SnapshotChain with a rolled-back version', () => {
  it('later versions build on the last version before the abandoned one', () => {
    const chain = new SnapshotChain(3, 'set', 'v1', [
      { version: 'v2', changed: 0.5, abandoned: true },
      { version: 'v3', changed: 0.2 },
    ]);
    const e = entities.find((x) => chain.changedIn(x, 'v2') && !chain.changedIn(x, 'v3'))!;
    expect(chain.contentVersion(e, 'v2')).toBe('v2');
    expect(chain.contentVersion(e, 'v3')).toBe('v1');
  });
});
