import type pg from 'pg';
import { lazyModule } from '../lazy-module.js';

const pgModule = lazyModule<typeof pg>('pg');
import { badInput, environmentError } from '../errors.js';
import { readPackageVersion } from '../package-version.js';
import { redactText } from '../redact.js';
import { isLoopback } from '../redis/provision.js';

/**
 * Connecting to the PostgreSQL feature store: resolve `auto`, refuse non-loopback hosts unless
 * allowed, open a pool and prove it answers within the connect timeout. Every message and every
 * URL handed back is redacted (`redactText`), so a password in the URL or in `?password=` never
 * reaches a terminal, a result or a report.
 */

/** node-postgres' own version, recorded in every result that reads PostgreSQL. */
export const PG_CLIENT_VERSION = `pg ${readPackageVersion('pg')}`;

/** Where `url: auto` goes when FCBENCH_PG_URL is unset: the local server a Debian package or `docker compose up -d postgres` gives. */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/fcbench';

export interface PostgresTarget {
  /** `auto` or a postgres:// / postgresql:// URL. */
  url: string;
  /** Load may go to a non-loopback host only when the user says so. @default false */
  allowRemote?: boolean | undefined;
  /** Which setting named the URL, for messages (`cascade.source.url`, `--url`). @default "cascade.source.url" */
  field?: string | undefined;
}

/** `auto` -> FCBENCH_PG_URL, else {@link DEFAULT_PG_URL}; anything else as given. Pure. */
export function resolvePostgresUrl(url: string, env: Record<string, string | undefined>): string {
  if (url !== 'auto') return url;
  const fromEnv = env['FCBENCH_PG_URL'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_PG_URL;
}

/** Bad input (exit 2) for a URL fcbench will not use: not a postgres URL, or remote without allowRemote. */
export function checkPostgresUrl(url: string, target: Pick<PostgresTarget, 'allowRemote' | 'field'>): void {
  const field = target.field ?? 'cascade.source.url';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput(`${field}: not a URL: ${redactText(url)} (use auto or postgres://user@host:port/database)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw badInput(`${field}: unsupported scheme ${parsed.protocol} in ${redactText(url)} (use postgres:// or postgresql://)`);
  }
  // `?host=/var/run/postgresql` would override the URL's host: a socket is local, any other host is not.
  const hostParam = parsed.searchParams.get('host');
  const host = hostParam ?? parsed.hostname;
  const local = host === '' || host.startsWith('/') || isLoopback(host);
  if (!(target.allowRemote ?? false) && !local) {
    throw badInput(
      `${field}: ${redactText(url)} is not a loopback address; fcbench only uses a remote PostgreSQL when ` +
        (field === '--url' ? 'you also give --allow-remote' : 'cascade.source.allowRemote is true (--set cascade.source.allowRemote=true)'),
    );
  }
}

export interface PoolSettings {
  /** Connections in the pool: reads in flight at once. */
  max: number;
  /** Server-side `statement_timeout`, ms; also the longest wait for a pooled connection. 0 = none. */
  statementTimeoutMs: number;
  /** A new connection not established by then fails, ms. @default 2000 */
  connectTimeoutMs?: number | undefined;
}

export interface PostgresConnection {
  /** The URL connected to, password redacted: the only form of it that may be shown. */
  readonly url: string;
  /** `SHOW server_version`. */
  readonly serverVersion: string;
  readonly pool: pg.Pool;
  /** A client outside the pool, without the statement timeout (a batch write that must not take a reader's slot). */
  newClient(): Promise<pg.Client>;
  /** Ends the pool and every client made by `newClient`. */
  close(): Promise<void>;
}

/**
 * Opens a pool on a checked URL and runs one query on it, so an unreachable server, a wrong
 * password or a missing database fails here (exit 3, one line naming the redacted URL), before
 * the caller writes anything anywhere.
 */
export async function connectPostgres(target: PostgresTarget, settings: PoolSettings, env: Record<string, string | undefined>): Promise<PostgresConnection> {
  const url = resolvePostgresUrl(target.url, env);
  checkPostgresUrl(url, target);
  const shown = redactText(url);
  const config: pg.ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 2000,
    application_name: 'fcbench',
  };
  const pool = new (pgModule().Pool)({
    ...config,
    ...(settings.statementTimeoutMs > 0
      ? {
          statement_timeout: Math.ceil(settings.statementTimeoutMs),
          // A stalled server (stopped, partitioned) never fires statement_timeout: pg gives up a second later.
          query_timeout: Math.ceil(settings.statementTimeoutMs) + 1000,
        }
      : {}),
    max: settings.max,
    // Waiting for a pooled connection counts against the same budget as the statement itself.
    connectionTimeoutMillis: Math.ceil(settings.statementTimeoutMs > 0 ? Math.max(settings.statementTimeoutMs, config.connectionTimeoutMillis!) : config.connectionTimeoutMillis!),
    idleTimeoutMillis: 0,
  });
  // An idle connection the server drops emits here; without a listener it would crash the process.
  // The next read on it fails and is counted as a source error instead.
  pool.on('error', () => undefined);
  // The pool listens only to idle clients: a connection dropped while checked out (between a read
  // and its release, or by pg_terminate_backend) would emit 'error' unheard and crash the run.
  // Heard here, the read in flight fails (a source error) and pg-pool discards the client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const clients = new Set<pg.Client>();
  let serverVersion: string;
  try {
    const result = await firstAnswer(pool, config.connectionTimeoutMillis!);
    serverVersion = result;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw environmentError(`cannot connect to PostgreSQL at ${shown}: ${describePgError(error)}`, error);
  }
  return {
    url: shown,
    serverVersion,
    pool,
    async newClient() {
      const client = new (pgModule().Client)(config);
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        throw environmentError(`cannot connect to PostgreSQL at ${shown}: ${describePgError(error)}`, error);
      }
      clients.add(client);
      client.once('end', () => clients.delete(client));
      return client;
    },
    async close() {
      await Promise.allSettled([...clients].map((c) => c.end()));
      await pool.end().catch(() => undefined);
    },
  };
}

/** The server version, or a rejection within the timeout (pg's own timeout covers connect, not a stalled server). */
async function firstAnswer(pool: pg.Pool, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const query = pool.query<{ server_version: string }>('SHOW server_version');
    query.catch(() => undefined);
    const result = await Promise.race([
      query,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 250);
      }),
    ]);
    return result.rows[0]?.server_version ?? 'unknown';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A PostgreSQL failure as one line with its fix. pg's own messages never carry the password; the
 * line is redacted anyway, because some name the connection string's parts.
 */
export function describePgError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { code?: string };
  let text: string;
  if (e?.code === 'ECONNREFUSED') text = 'connection refused (is PostgreSQL running there? apt-get install postgresql, or docker compose up -d postgres)';
  else if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') text = 'host not found';
  else if (e?.code === '28P01' || e?.code === '28000') text = `authentication failed (${e.message}); check the user and password in the URL`;
  else if (e?.code === '3D000') text = `${e.message} (fcbench source load creates it)`;
  else text = e?.message ?? String(error);
  return redactText(text.replace(/\s+/g, ' ').trim());
}
