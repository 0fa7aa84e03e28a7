import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/**
 * A PostgreSQL database of one test file's own: created in beforeAll, dropped in afterAll.
 * The server is FCBENCH_TEST_PG_URL when set, else the local one on 127.0.0.1:5432 when it
 * answers, else the test fails with one line saying how to get one. Never a mock.
 */

/** The server tests use when FCBENCH_TEST_PG_URL is unset (a Debian package's, or `docker compose up -d postgres`). */
export const LOCAL_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const HOW_TO =
  'PostgreSQL tests need a server: set FCBENCH_TEST_PG_URL=postgres://user@host:5432/postgres, or start one on 127.0.0.1:5432 ' +
  '(apt-get install postgresql, or docker compose up -d postgres)';

function serverUrl(): string {
  const fromEnv = process.env['FCBENCH_TEST_PG_URL'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : LOCAL_PG_URL;
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`${HOW_TO} (${serverUrl()}: ${(error as Error).message})`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  /** postgres:// URL of this file's database. */
  readonly url: string;
  /** A client on it, ended in afterAll. */
  client(): Promise<pg.Client>;
  /** One query on a short-lived connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Call at the top of a test file; `name` tags the database (`fcbench_test_<name>_<random>`). */
export function useTestDatabase(name: string): TestDatabase {
  const database = `fcbench_test_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase().slice(0, 30)}_${randomBytes(3).toString('hex')}`;
  const server = serverUrl();
  const url = withDatabase(server, database);
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    await admin(server, (c) => c.query(`CREATE DATABASE "${database}"`));
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.end()));
    // WITH (FORCE): a CLI killed mid-run may leave a connection behind for a moment.
    await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  });
  const open = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  return {
    url,
    async client() {
      const c = await open();
      clients.push(c);
      return c;
    },
    async query(text, values) {
      const c = await open();
      try {
        return await c.query(text, values);
      } finally {
        await c.end();
      }
    },
  };
}
