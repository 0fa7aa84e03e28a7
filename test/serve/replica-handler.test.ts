import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCascade } from '../../src/cascade/cascade.js';
import { systemClock } from '../../src/cascade/clock.js';
import { buildSource } from '../../src/load/build-source.js';
import { buildWorkload } from '../../src/load/build-workload.js';
import { cascadeOptionsOf } from '../../src/load/cascade-config.js';
import { createRecorder } from '../../src/metrics/recorder.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { createFeatureHandler } from '../../src/serve/replica-handler.js';
import { parseServerTiming } from '../../src/serve/server-timing.js';

/**
 * The replica's feature route on a real node:http server (port 0), with a real cascade (local tier
 * and a simulated source, no Redis tier): responses, Server-Timing, Accept, and bad requests.
 */
const scenario = parseScenario({
  name: 'handler',
  featureSets: [{ name: 'a' }, { name: 'b' }],
  cascade: { source: { kind: 'simulated', latency: { fixed: '1ms' } } },
  load: { mode: 'http' },
});
const recorder = createRecorder();
let server: Server;
let base = '';

beforeAll(async () => {
  const workload = buildWorkload(scenario, process.cwd());
  const built = await buildSource(scenario, { clock: systemClock, rng: workload.root.fork('source'), payload: workload.payload, env: {}, scenarioDir: process.cwd(), runId: 't' });
  const cascade = createCascade(cascadeOptionsOf(scenario, 'fcb-handler'), { redis: null, source: built.source, clock: systemClock, rng: workload.root, replicaId: 0 });
  recorder.start(systemClock.nowUs());
  server = createServer(createFeatureHandler({ cascade, recorder, clock: systemClock, replicaId: 0, featureSets: ['a', 'b'] }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  recorder.close();
});

describe('replica feature route', () => {
  it('serves from the source, then from the local tier, saying so in Server-Timing', async () => {
    const tiers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${base}/features/e7?sets=a`);
      expect(response.status).toBe(200);
      const parsed = parseServerTiming(response.headers.get('server-timing'));
      expect(parsed.kind).toBe('ok');
      if (parsed.kind === 'ok') tiers.push(parsed.timing.tier);
      const body = (await response.json()) as { entity: string; features: Record<string, unknown> };
      expect(body.entity).toBe('e7');
      expect(Object.keys(body.features)).toEqual(['a']);
    }
    expect(tiers).toEqual(['source', 'local']);
  });

  it('answers MessagePack by Accept, several sets in one request, the first set without ?sets', async () => {
    const packed = await fetch(`${base}/features/e8?sets=a,b`, { headers: { accept: 'application/msgpack' } });
    expect(packed.headers.get('content-type')).toBe('application/msgpack');
    const body = decode(new Uint8Array(await packed.arrayBuffer())) as { features: Record<string, unknown> };
    expect(Object.keys(body.features)).toEqual(['a', 'b']);
    const plain = (await (await fetch(`${base}/features/e8`)).json()) as { features: Record<string, unknown> };
    expect(Object.keys(plain.features)).toEqual(['a']);
  });

  it('bad requests are answered, never thrown: the server keeps serving', async () => {
    expect((await fetch(`${base}/features/e1?sets=%ZZ`)).status).toBe(400);
    expect((await fetch(`${base}/features/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${base}/features/e1?sets=nope`)).status).toBe(404);
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/features/e1`)).status).toBe(200);
  });
});
