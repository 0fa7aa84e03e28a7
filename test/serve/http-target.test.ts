import { describe, expect, it } from 'vitest';
import { httpErrorKind, statusErrorKind } from '../../src/serve/http-errors.js';
import { builtinTarget, externalTarget } from '../../src/serve/http-target.js';
import { connectionsFor } from '../../src/serve/open-driver.js';

describe('external targets', () => {
  it.each(['http://127.0.0.1:8080/features/{entity}', 'http://localhost/features/{entity}', 'http://[::1]:9000/f/{entity}', 'http://127.9.9.9/{entity}'])(
    'loopback %s is allowed without the flag',
    (url) => {
      expect(externalTarget(url, false).kind).toBe('external');
    },
  );

  it.each(['http://features.invalid/features/{entity}', 'https://api.example.invalid:443/{entity}', 'http://10.0.0.1.invalid/{entity}'])('%s is refused without the flag (bad input)', (url) => {
    expect(() => externalTarget(url, false)).toThrow(expect.objectContaining({ code: 'bad-input', message: expect.stringMatching(/not a loopback address.*--allow-remote/) }));
    // With the flag the check passes; nothing is sent by building the target.
    expect(externalTarget(url, true).origin).toMatch(/\.invalid/);
  });

  it('builds paths from the template: entity and sets URL-encoded, origin and port kept', () => {
    const target = externalTarget('http://127.0.0.1:80/v1/features/{entity}?sets={sets}&x=1', false);
    expect(target.origin).toBe('http://127.0.0.1');
    expect(target.pathFor('user/42 a', ['credit', 'fraud'])).toBe('/v1/features/user%2F42%20a?sets=credit,fraud&x=1');
    expect(builtinTarget().pathFor('e1', ['a', 'b'])).toBe('/features/e1?sets=a,b');
  });

  it('redacts a token in the template from its label', () => {
    expect(externalTarget('http://127.0.0.1:8080/f/{entity}?token=abc123', false).label).not.toContain('abc123');
  });
});

describe('HTTP error kinds', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connect-refused'],
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'http-timeout'],
    [new Error('request timed out'), 'http-timeout'],
    [{ code: 'ECONNRESET' }, 'connection-reset'],
    [{ code: 'UND_ERR_SOCKET' }, 'connection-reset'],
    [new Error('something else'), 'http-error'],
    [null, 'http-error'],
  ])('%o -> %s', (error, kind) => {
    expect(httpErrorKind(error)).toBe(kind);
  });

  it('status codes: 5xx and 4xx are errors, 2xx and 3xx are not', () => {
    expect([200, 204, 304, 404, 429, 500, 503].map(statusErrorKind)).toEqual([null, null, null, 'http-4xx', 'http-4xx', 'http-5xx', 'http-5xx']);
  });
});

describe('connections over replicas', () => {
  it('spreads the total, at least one each', () => {
    expect([0, 1, 2].map((i) => connectionsFor(8, 3, i))).toEqual([3, 3, 2]);
    expect([0, 1].map((i) => connectionsFor(1, 2, i))).toEqual([1, 1]);
  });
});
