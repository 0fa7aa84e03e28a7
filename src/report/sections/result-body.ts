import type { ResultDocument } from '../../results/result-types.js';
import { html, type SafeHtml } from '../html.js';
import { renderCapacity } from './capacity.js';
import { renderColdStarts } from './cold-starts.js';
import { renderCost } from './cost.js';
import { renderFreshness } from './freshness.js';
import { renderHeader } from './header.js';
import { renderLatency } from './latency.js';
import { note, section } from './parts.js';
import { renderPayload } from './payload.js';
import { renderStampede } from './stampede.js';
import { renderTiers } from './tiers.js';
import { renderTimeline } from './timeline.js';

/** Section ids and titles, in page order (the single-result table of contents uses them). */
export const SECTIONS = [
  ['latency', 'Latency'],
  ['timeline', 'Over time'],
  ['cold-starts', 'Cold starts'],
  ['tiers', 'Where served'],
  ['stampede', 'Stampedes'],
  ['freshness', 'Freshness'],
  ['payload', 'Payload and codec'],
  ['cost', 'Cost'],
  ['capacity', 'Capacity'],
] as const;

type SectionId = (typeof SECTIONS)[number][0];

function renderSection(id: SectionId, result: ResultDocument, index: number, prefix: string): SafeHtml {
  switch (id) {
    case 'latency': return renderLatency(result, index, prefix);
    case 'timeline': return renderTimeline(result, index, prefix);
    case 'cold-starts': return renderColdStarts(result, index, prefix);
    case 'tiers': return renderTiers(result, index, prefix);
    case 'stampede': return renderStampede(result, index, prefix);
    case 'freshness': return renderFreshness(result, index, prefix);
    case 'payload': return renderPayload(result, prefix);
    case 'cost': return renderCost(result, index, prefix);
    case 'capacity': return renderCapacity(result, index, prefix);
  }
}

/**
 * One section, or a note saying why it is missing: a hand-edited or truncated result file that
 * passed the minimal validation must still give a report for the parts it has.
 */
function guarded(id: SectionId, title: string, result: ResultDocument, index: number, prefix: string): SafeHtml {
  try {
    return renderSection(id, result, index, prefix);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return section(`${prefix}${id}`, title, note(`Not shown: this result file lacks the data (${reason}).`));
  }
}

/** Everything about one result: header with verdict, `afterHeader` (a table of contents), then every section. */
export function renderResultBody(result: ResultDocument, index: number, headingLevel: 'h1' | 'h2', afterHeader: SafeHtml = html``): SafeHtml {
  const prefix = `r${index}-`;
  return html`${renderHeader(result, headingLevel)}${afterHeader}${SECTIONS.map(([id, title]) => guarded(id, title, result, index, prefix))}`;
}
