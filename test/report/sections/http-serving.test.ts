import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/render-report.js';
import { formatSummary } from '../../../src/cli/format-summary.js';
import type { ResultDocument } from '../../../src/results/result-types.js';
import { makeResult } from '../fixture.js';

function httpResult(withTiming: boolean): ResultDocument {
  const base = makeResult({ requests: 1_000 });
  return {
    ...base,
    load: { ...base.load, mode: 'http', model: 'closed', http: { driver: 'autocannon', target: 'http://127.0.0.1:8080/features/{entity}', connections: 8, pipelining: 1, routing: 'per-connection', note: 'closed loop (autocannon): each connection sends its next request when the last response arrived' } },
    serving: {
      mode: 'http',
      routing: 'random',
      replicas: [{ id: 0, pid: 0, requests: 1_000, localHits: withTiming ? 600 : 0, errors: 3, exit: { code: null, signal: 'SIGKILL', atMs: 1234 } }],
      http: {
        statusCodes: { '200': 997, '503': 3 },
        serverTiming: withTiming ? { withHeader: 997, absent: 0, malformed: 0 } : { withHeader: 0, absent: 997, malformed: 0 },
        ...(withTiming ? {} : { note: 'the service sent no Server-Timing header: only end-to-end latency and status codes are recorded (no per-tier figures)' }),
      },
    },
  };
}

describe('report and summary: HTTP serving', () => {
  it('names the driver and what it measures, the status codes and each replica with its fate', () => {
    const page = renderReport([httpResult(true)]);
    expect(page).toContain('HTTP serving (autocannon driver');
    expect(page).toContain('closed loop (autocannon)');
    expect(page).toContain('503: 3');
    expect(page).toContain('SIGKILL');
    expect(page).not.toContain('No Server-Timing');
    expect(formatSummary(httpResult(true))).toMatch(/HTTP autocannon driver[\s\S]*Server-Timing: 997 with[\s\S]*external 1000 req 3 errors \(died: SIGKILL\)/);
  });

  it('says when the service sent no Server-Timing, in the report and the summary', () => {
    const result = httpResult(false);
    expect(renderReport([result])).toContain('No Server-Timing.</strong> the service sent no Server-Timing header');
    expect(formatSummary(result)).toContain('NOTE: the service sent no Server-Timing header');
  });

  it('shows nothing of it for an in-process run', () => {
    expect(renderReport([makeResult({ requests: 10 })])).not.toContain('HTTP serving (');
  });
});
