import { describe, expect, it } from 'vitest';
import { isSecretKey, redactSecrets, redactText } from '../src/redact.js';

describe('redactText', () => {
  it.each([
    ['redis://:pw@h', 'redis://:***@h'],
    ['redis://:pw@127.0.0.1:6379/0', 'redis://:***@127.0.0.1:6379/0'],
    ['redis://user:pw@h:6379', 'redis://user:***@h:6379'],
    ['rediss://default:s3cr3t@cache.example.com:6380', 'rediss://default:***@cache.example.com:6380'],
    ['postgres://u:pw@h/db', 'postgres://u:***@h/db'],
    ['postgresql://u:pw@h:5432/db?sslmode=require', 'postgresql://u:***@h:5432/db?sslmode=require'],
    ['https://u:tok@h/p?token=abc', 'https://u:***@h/p?token=***'],
    ['https://h/p?a=1&password=x&b=2', 'https://h/p?a=1&password=***&b=2'],
    ['https://h/p?key=abc#frag', 'https://h/p?key=***#frag'],
    ['https://h/p?secret=s&access_token=t&apiKey=k&X-Amz-Signature=sig', 'https://h/p?secret=***&access_token=***&apiKey=***&X-Amz-Signature=***'],
    // A password with an unencoded @ runs to the last @ before the host, as URL parsers read it.
    ['redis://:p@ss@h:1', 'redis://:***@h:1'],
    // Inside prose, quotes and JSON: only the password goes.
    ['cannot connect to redis://:pw@127.0.0.1:1: refused', 'cannot connect to redis://:***@127.0.0.1:1: refused'],
    ['got "redis://:pw@h:1", expected auto', 'got "redis://:***@h:1", expected auto'],
    ['--set cascade.redis.url=redis://:pw@h:1', '--set cascade.redis.url=redis://:***@h:1'],
    ['{"url":"redis://:a@h","other":"x@y"}', '{"url":"redis://:***@h","other":"x@y"}'],
    ['a=redis://:one@h1:1,b=redis://:two@h2:2', 'a=redis://:***@h1:1,b=redis://:***@h2:2'],
    // Nothing to hide: unchanged.
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://user@h:6379', 'redis://user@h:6379'],
    ['redis://user:@h', 'redis://user:@h'],
    ['https://h/p?page=2&sort=asc', 'https://h/p?page=2&sort=asc'],
    ['https://h/p?token=', 'https://h/p?token='],
    ['fcbench:bench:1a2b3c4d', 'fcbench:bench:1a2b3c4d'],
    ['mail me at someone@example.com', 'mail me at someone@example.com'],
    ['--set cascade.replicas=abc', '--set cascade.replicas=abc'],
    ['HISTFAAAAB54nJNpmSzMwMDAxsDAwMzAwMDEwM7AwMDAwc/+=', 'HISTFAAAAB54nJNpmSzMwMDAxsDAwMzAwMDEwM7AwMDAwc/+='],
    ['', ''],
  ])('%s -> %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = redactText('https://u:tok@h/p?token=abc and redis://:pw@h');
    expect(redactText(once)).toBe(once);
  });
});

describe('isSecretKey', () => {
  it.each(['password', 'redisPassword', 'passwd', 'token', 'authToken', 'access_token', 'secret', 'clientSecret', 'apiKey', 'api_key', 'API_KEY', 'accessKey', 'privateKey', 'credentials', 'Authorization'])(
    '%s is secret',
    (name) => expect(isSecretKey(name)).toBe(true),
  );
  it.each(['keyPrefix', 'keys', 'keepKeys', 'bytesPerKey', 'redisKeys', 'maxTokens', 'url', 'name', 'hash', 'allowRemote', 'description'])(
    '%s is not secret',
    (name) => expect(isSecretKey(name)).toBe(false),
  );
});

describe('redactSecrets', () => {
  it('redacts URLs at any depth and strings under secret-looking keys, keeping everything else', () => {
    const input = {
      name: 'bench',
      cascade: {
        redis: { url: 'redis://:pw@127.0.0.1:6379', keyPrefix: 'fcbench:bench', keepKeys: false, connectTimeout: 2000 },
        replicas: [{ url: 'postgres://u:pw@h/db' }, 'https://u:tok@h/p?token=abc', 3, null, true],
      },
      source: { kind: 'http', apiKey: 'k-123', password: 'hunter2', token: '', tokenBucket: { tokens: 5 } },
      credentials: { user: 'bob', password: 'pw' },
    };
    expect(redactSecrets(input)).toEqual({
      name: 'bench',
      cascade: {
        redis: { url: 'redis://:***@127.0.0.1:6379', keyPrefix: 'fcbench:bench', keepKeys: false, connectTimeout: 2000 },
        replicas: [{ url: 'postgres://u:***@h/db' }, 'https://u:***@h/p?token=***', 3, null, true],
      },
      // An empty secret stays empty (nothing to hide, and "not set" stays visible); numbers keep their type.
      source: { kind: 'http', apiKey: '***', password: '***', token: '', tokenBucket: { tokens: 5 } },
      credentials: { user: 'bob', password: '***' },
    });
  });

  it('never changes its input', () => {
    const input = { cascade: { redis: { url: 'redis://:pw@h:1' } }, list: ['redis://:pw@h:2'], password: 'x' };
    const before = structuredClone(input);
    const output = redactSecrets(input);
    expect(input).toEqual(before);
    expect(output).not.toBe(input);
    expect(output.cascade).not.toBe(input.cascade);
    expect(output.list).not.toBe(input.list);
  });

  it('returns data without secrets deep-equal to the input', () => {
    const input = { a: [1, 'two', { b: 'redis://127.0.0.1:6379', c: null }], keyPrefix: 'p:q', d: false };
    expect(redactSecrets(input)).toEqual(input);
  });

  it('passes scalars through', () => {
    expect(redactSecrets('redis://:pw@h')).toBe('redis://:***@h');
    expect(redactSecrets(42)).toBe(42);
    expect(redactSecrets(null)).toBe(null);
  });
});
