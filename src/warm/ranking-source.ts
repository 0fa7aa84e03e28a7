import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { badInput } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import { readTraceFile } from '../workload/trace-replay.js';
import { modelRanking, type Ranking } from './model-ranking.js';
import { rankRequestLog } from './request-log.js';

/** Where a manifest's ranking comes from (`--from`). */
export type RankingFrom = { kind: 'model' } | { kind: 'trace'; file: string; keyColumn?: string | undefined } | { kind: 'result'; file: string };

/** The entity ranking `from` names, for `scenario` (trace files relative to `scenarioDir`). */
export async function rankingFor(scenario: Scenario, scenarioDir: string, from: RankingFrom): Promise<{ ranking: Ranking; source: 'model' | 'trace' }> {
  switch (from.kind) {
    case 'model': {
      const d = scenario.keys.distribution;
      const spec = d.kind === 'trace' ? { ...d, file: resolve(scenarioDir, d.file) } : d;
      const trace = spec.kind === 'trace' ? readTraceFile(spec.file) : undefined;
      return { ranking: modelRanking(spec, scenario.keys.entities, scenario.seed, trace), source: 'model' };
    }
    case 'trace':
      return { ranking: await rankRequestLog(from.file, { keyColumn: from.keyColumn }), source: 'trace' };
    case 'result':
      return rankFromResult(from.file);
  }
}

/**
 * A result records totals, HDR histograms and miss-ratio curves, not which entity was asked for
 * how often, so it cannot rank entities: said plainly, after checking the file is a result at all.
 */
async function rankFromResult(file: string): Promise<never> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not JSON';
    throw badInput(`${file}: cannot read a result (${reason})`);
  }
  const isResult = doc !== null && typeof doc === 'object' && 'schemaVersion' in doc && 'scenario' in doc;
  if (!isResult) throw badInput(`${file}: not an fcbench result document (no schemaVersion / scenario)`);
  throw badInput(
    `${file}: a result holds no per-entity request counts (only totals, histograms and miss-ratio curves), so it cannot rank entities; ` +
      'use --from model (the scenario\'s key distribution, exact) or --from trace <request log>',
  );
}
