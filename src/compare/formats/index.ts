import type { Comparison } from '../comparison-types.js';
import { renderBmf } from './bmf.js';
import { benchmarkArrays } from './github-action-benchmark.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

/**
 * The output formats of `fcbench compare` as a strategy map: each renders the same Comparison into
 * one or more named parts. A part's `suffix` is appended to the --out stem (`compare` in a
 * directory); github-action-benchmark has two parts, one array per direction, because the action
 * takes one `tool:` per step.
 */
export const COMPARE_FORMATS = ['text', 'md', 'json', 'junit', 'github-action-benchmark', 'bmf'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export interface RenderedPart {
  /** File name ending, e.g. `.md`, `-smaller-is-better.json`. */
  suffix: string;
  content: string;
}

export interface FormatRenderer {
  /** Extension of a single-file --out, to tell a file from a stem. */
  extension: string;
  parts(comparison: Comparison): RenderedPart[];
  /** What goes to stdout without --out. */
  stdout(comparison: Comparison): string;
}

function single(extension: string, render: (c: Comparison) => string): FormatRenderer {
  return { extension, parts: (c) => [{ suffix: extension, content: render(c) }], stdout: render };
}

export const FORMAT_RENDERERS: Readonly<Record<CompareFormat, FormatRenderer>> = {
  text: single('.txt', renderText),
  md: single('.md', renderMarkdown),
  json: single('.json', renderJson),
  junit: single('.junit.xml', renderJunit),
  bmf: single('.bmf.json', renderBmf),
  'github-action-benchmark': {
    extension: '.json',
    parts: (c) => {
      const { customSmallerIsBetter, customBiggerIsBetter } = benchmarkArrays(c);
      return [
        { suffix: '-smaller-is-better.json', content: `${JSON.stringify(customSmallerIsBetter, null, 2)}\n` },
        { suffix: '-bigger-is-better.json', content: `${JSON.stringify(customBiggerIsBetter, null, 2)}\n` },
      ];
    },
    stdout: (c) => `${JSON.stringify(benchmarkArrays(c), null, 2)}\n`,
  },
};

export function isCompareFormat(name: string): name is CompareFormat {
  return (COMPARE_FORMATS as readonly string[]).includes(name);
}
