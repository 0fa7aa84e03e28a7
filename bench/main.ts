/**
 * `npm run bench`: every benchmark section, each measured against a raw baseline in the same
 * run and reported as ratios (machines are shared and noisy; absolute numbers drift, ratios less).
 * `npm run bench -- zipf codec` runs only the named sections; `npm run bench:soak` (the `soak`
 * section, 30 minutes) only when asked for.
 */
import type { BenchSection } from './types.js';

const sections: Record<string, () => Promise<{ runBench(): Promise<BenchSection> }>> = {
  zipf: () => import('./zipf.js'),
  codec: () => import('./codec.js'),
  recorder: () => import('./recorder.js'),
  cascade: () => import('./cascade.js'),
  driver: () => import('./driver.js'),
  pgload: () => import('./pgload.js'),
  mrc: () => import('./mrc.js'),
  simulate: () => import('./simulate.js'),
  http: () => import('./http.js'),
  warm: () => import('./warm.js'),
  workers: () => import('./workers.js'),
  soak: () => import('./soak.js'),
};

/** Sections left out of a bare `npm run bench` because they take long (ask for them by name). */
const OPT_IN = new Set(['soak']);

function table(rows: BenchSection['rows']): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? format(v) : (v ?? ''));
  const lines = [columns, columns.map(() => '---'), ...rows.map((r) => columns.map((c) => cell(r[c])))];
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

function format(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(sections).filter((name) => !OPT_IN.has(name));
let failed = false;
for (const name of names) {
  const load = sections[name];
  if (load === undefined) {
    console.error(`unknown bench section ${name}; choose from ${Object.keys(sections).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  try {
    const section = await (await load()).runBench();
    console.log(`\n## ${section.title}\n\n${table(section.rows)}\n`);
    for (const note of section.notes) console.log(`- ${note}`);
  } catch (error) {
    failed = true;
    console.error(`bench ${name} failed: ${(error as Error).stack ?? String(error)}`);
  }
}
if (failed) process.exitCode = 1;
