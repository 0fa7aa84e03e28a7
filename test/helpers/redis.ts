import { afterAll, beforeAll } from 'vitest';
import { connectRedis } from '../../src/redis/connect.js';
import { startPrivateRedis, type PrivateRedis, type PrivateRedisOptions } from '../../src/redis/private-server.js';
import type { Redis } from 'ioredis';

/**
 * A private redis-server for one test file: started in beforeAll on a free loopback port, killed in
 * afterAll. Never the shared 6379 server, never a mock. Read `.url` / `.server` inside tests.
 * `options.extraArgs` go to redis-server (`['--requirepass', pw]`); `.url` carries no password.
 */
export function usePrivateRedis(options: Pick<PrivateRedisOptions, 'extraArgs'> = {}): {
  readonly url: string;
  readonly server: PrivateRedis;
  client(): Promise<Redis>;
} {
  let server: PrivateRedis | undefined;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await startPrivateRedis(options);
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });
  return {
    get url() {
      if (!server) throw new Error('usePrivateRedis: server not started yet (use it inside a test or hook)');
      return server.url;
    },
    get server() {
      if (!server) throw new Error('usePrivateRedis: server not started yet (use it inside a test or hook)');
      return server;
    },
    async client() {
      const c = await connectRedis(this.url, { commandTimeoutMs: 2000 });
      clients.push(c);
      return c;
    },
  };
}
