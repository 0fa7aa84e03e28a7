import { badInput } from '../errors.js';
import { redactText } from '../redact.js';
import { isLoopback } from '../redis/provision.js';
import { TARGET_PLACEHOLDER_RE } from '../scenario/schema-workload.js';

/**
 * Where an HTTP run sends its requests: origins (one per builtin replica, or the external
 * service's) and the path of each request. Pure apart from reading its arguments.
 */
export interface HttpTarget {
  kind: 'builtin' | 'external';
  /** The URL template as the result shows it (secrets redacted); `builtin` for replicas. */
  label: string;
  /** The path (and query) of a request for `entity` and `sets`. */
  pathFor(entity: string, sets: readonly string[]): string;
}

/** The builtin replicas' route: `/features/{entity}?sets=a,b`. */
export function builtinTarget(): HttpTarget {
  return {
    kind: 'builtin',
    label: 'builtin',
    pathFor: (entity, sets) => `/features/${encodeURIComponent(entity)}?sets=${sets.map(encodeURIComponent).join(',')}`,
  };
}

/**
 * An external service from `load.target`. Only loopback hosts unless `allowRemote`: checked here,
 * before any connection is opened, so a refused target never receives a byte (exit 2).
 */
export function externalTarget(template: string, allowRemote: boolean): HttpTarget & { origin: string } {
  const probe = new URL(template.replace(TARGET_PLACEHOLDER_RE, 'x'));
  if (!allowRemote && !isLoopback(probe.hostname)) {
    throw badInput(
      `load.target: ${redactText(template)} is not a loopback address; fcbench only sends load to another host when load.allowRemote is true or --allow-remote is given`,
    );
  }
  const origin = probe.origin;
  const pathTemplate = template.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  return {
    kind: 'external',
    label: redactText(template),
    origin,
    pathFor: (entity, sets) =>
      pathTemplate.replace(TARGET_PLACEHOLDER_RE, (_m, name: string) => (name === 'entity' ? encodeURIComponent(entity) : sets.map(encodeURIComponent).join(','))),
  };
}
