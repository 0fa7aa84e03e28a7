import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { environmentError } from '../errors.js';
import { assertInlineSafe } from './escape.js';

/** The minified UMD build defines `window.Chart` and needs no module loader, eval or network. */
const CHART_UMD_FILE = 'chart.umd.min.js';

let cached: string | undefined;

/**
 * Chart.js 4 from the installed package, ready to inline. chart.js's `exports` map does not expose
 * `dist/*`, so resolve the package's main entry and take the UMD file next to it. The trailing
 * `sourceMappingURL` comment is dropped: the map is not shipped, and devtools would try to fetch it.
 * Read once per process and cached.
 */
export function chartJsSource(): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = path.join(path.dirname(require.resolve('chart.js')), CHART_UMD_FILE);
    const source = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
    cached = assertInlineSafe(source, 'chart.js');
    return cached;
  } catch (error) {
    throw environmentError(`cannot read Chart.js to inline it into the report (is the chart.js package installed?)`, error);
  }
}
