import type pg from 'pg';
import { lazyModule } from '../lazy-module.js';

const pgModule = lazyModule<typeof pg>('pg');
import { environmentError } from '../errors.js';
import { redactText } from '../redact.js';
import { describePgError } from './connect.js';

/**
 * Creates the URL's database when it does not exist, by connecting to the server's `postgres`
 * maintenance database with the same credentials: a fresh `apt-get install postgresql` or
 * `docker compose up -d postgres` has no `fcbench` database, and `source load` should just work.
 * Returns whether it created one. Only `source load` calls this; a run never creates anything.
 */
export async function createDatabaseIfMissing(url: string, connectTimeoutMs: number): Promise<boolean> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name === '' || name === 'postgres') return false;
  parsed.pathname = '/postgres';
  const client = new (pgModule().Client)({ connectionString: parsed.toString(), connectionTimeoutMillis: connectTimeoutMs, application_name: 'fcbench' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount !== 0) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // 42P04: created meanwhile by a concurrent load.
    if ((error as { code?: string }).code === '42P04') return false;
    throw environmentError(`cannot create database ${JSON.stringify(name)} at ${redactText(url)}: ${describePgError(error)}`, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
