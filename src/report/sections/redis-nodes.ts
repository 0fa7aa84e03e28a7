import type { ResultDocument } from '../../results/result-types.js';
import { formatBytes, formatCount, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, note, table } from './parts.js';

/**
 * A Redis Cluster's per-node balance: keys, memory and commands of each node, with each master's
 * share of the commands. Zipf traffic puts its hottest keys on a few slots, so one master can take
 * far more than a third; this is where a reader sees it. Empty on a single server.
 */
export function renderRedisNodes(result: ResultDocument, index: number): SafeHtml {
  const nodes = result.redis.nodes;
  if (nodes === undefined || nodes.length === 0) return html``;
  const serving = nodes.filter((n) => n.role !== 'replica');
  const total = serving.reduce((sum, n) => sum + (n.commandsProcessed ?? 0), 0);
  const busiest = Math.max(...serving.map((n) => n.commandsProcessed ?? 0));
  const rows = nodes.map((n) => [
    n.address,
    n.role,
    n.keys === null ? '—' : formatCount(n.keys),
    n.usedMemory === null ? '—' : formatBytes(n.usedMemory),
    n.commandsProcessed === null ? '—' : formatCount(n.commandsProcessed),
    n.role === 'replica' || n.commandsProcessed === null || total === 0 ? '—' : formatRatio(n.commandsProcessed / total),
  ]);
  const skew = serving.length > 1 && total > 0 ? `The busiest node took ${formatRatio(busiest / total)} of the commands (an even spread is ${formatRatio(1 / serving.length)}).` : '';
  return html`<h3>Redis Cluster nodes</h3>
<div class="grid2 narrow-chart">${table(['node', 'role (end)', 'keys', 'memory', 'commands', 'share'], rows, 'num')}
${chart('redis-nodes', index, 'Commands and keys per Redis Cluster node', 'Commands each node processed during the run (left axis) and the keys it held at the end (right axis).')}</div>
${note(`Read from every node before and after the measured phase: keys and memory at the end, commands during the run; a replica's commands are mostly replication. ${skew}`)}`;
}
