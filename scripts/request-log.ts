/**
 * `npm run request-log -- <scenario.yaml> [--requests N] [--out file.csv[.gz]]`: writes the request
 * log a service would have logged under a scenario's traffic: `ts,entity,feature_set` per request,
 * the entities from the scenario's key distribution and seed (the same chooser `run` uses), the
 * times from its open-loop arrivals (a closed-loop scenario gets 1,000 req/s), starting at a fixed
 * epoch so reruns are byte-identical. It is how the README's `fcbench analyze` figures are made,
 * and a way to try analyze and `manifest --from trace` without a production log.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { loadScenario } from '../src/scenario/load.js';
import { createArrivals, createKeyChooser, createRng } from '../src/workload/index.js';

const START_MS = Date.UTC(2026, 0, 1);

async function main(argv: string[]): Promise<void> {
  const file = argv[0];
  if (file === undefined || file.startsWith('--')) throw new Error('usage: npm run request-log -- <scenario.yaml> [--requests N] [--out file.csv[.gz]]');
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : argv[at + 1];
  };
  const requests = Number(flag('--requests') ?? 1_000_000);
  if (!Number.isInteger(requests) || requests < 1) throw new Error('--requests: a whole number >= 1');
  const out = flag('--out') ?? 'request-log.csv';
  const scenario = (await loadScenario(file, { env: process.env })).variants[0]!.scenario;
  const keys = createKeyChooser(scenario.keys.distribution, scenario.keys.entities, scenario.seed);
  const rng = createRng(scenario.seed).fork('request-log');
  const rate = scenario.load.mode === 'open' ? scenario.load.rate : 1000;
  const arrivals = createArrivals(scenario.load.mode === 'open' ? scenario.load.arrivals : 'constant', rate, rng.fork('arrivals'));
  const sets = scenario.featureSets;
  const totalWeight = sets.reduce((sum, s) => sum + s.weight, 0);
  const pickSet = (u: number) => {
    let w = u * totalWeight;
    for (const s of sets) if ((w -= s.weight) < 0) return s.name;
    return sets[sets.length - 1]!.name;
  };
  const setRng = rng.fork('sets');
  function* lines(): Generator<string> {
    yield 'ts,entity,feature_set\n';
    let us = 0;
    let chunk = '';
    for (let i = 0; i < requests; i++) {
      us += arrivals.nextGapUs();
      const entity = keys.next();
      if (entity === null) break;
      chunk += `${START_MS + Math.floor(us / 1000)},${entity},${pickSet(setRng.next())}\n`;
      if (chunk.length > 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  const temp = `${out}.tmp-${process.pid}`;
  const sink = createWriteStream(temp);
  await (out.endsWith('.gz') ? pipeline(Readable.from(lines()), createGzip(), sink) : pipeline(Readable.from(lines()), sink));
  await rename(temp, out);
  process.stdout.write(`${out}: ${requests.toLocaleString('en-US')} requests of ${scenario.name} (seed ${scenario.seed}, ${rate} req/s)\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`request-log: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
