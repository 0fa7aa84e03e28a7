import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Docker is not on our machines; the file is for users, so at least keep it valid and complete.
describe('docker-compose.yml', () => {
  it('is valid YAML with Redis 7, PostgreSQL 15 and an fcbench service wired to them', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
      services: Record<string, { image?: string; environment?: Record<string, string>; depends_on?: string[]; ports?: string[] }>;
    };
    expect(compose.services['redis']?.image).toBe('redis:7');
    expect(compose.services['postgres']?.image).toBe('postgres:15');
    expect(compose.services['fcbench']?.environment?.['REDIS_URL']).toBe('redis://redis:6379');
    expect(compose.services['fcbench']?.depends_on).toEqual(['redis', 'postgres']);
    // Published only on loopback: a user's benchmark Redis is not exposed to the network.
    for (const name of ['redis', 'postgres']) {
      for (const port of compose.services[name]?.ports ?? []) expect(port.startsWith('127.0.0.1:')).toBe(true);
    }
  });
});
