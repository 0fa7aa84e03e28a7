import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/exit.js';
import { FcbenchError } from '../../src/errors.js';

describe('describeFailure redacts every line it prints', () => {
  it('message and detail lines of an FcbenchError', () => {
    const error = new FcbenchError('bad-input', 'cannot use redis://:pw1@127.0.0.1:6379', {
      details: ['--set cascade.redis.url=rediss://user:pw2@h:6380: not loopback', 'source https://u:tok@h/p?token=abc'],
    });
    expect(describeFailure(error, { debug: false })).toEqual({
      exitCode: 2,
      lines: [
        'fcbench: cannot use redis://:***@127.0.0.1:6379',
        '  --set cascade.redis.url=rediss://user:***@h:6380: not loopback',
        '  source https://u:***@h/p?token=***',
      ],
    });
  });

  it('an internal error, with and without its stack and causes', () => {
    const error = new Error('boom at postgres://u:pw3@h/db', { cause: new Error('inner redis://:pw4@h:1') });
    expect(describeFailure(error, { debug: false }).lines).toEqual([
      'fcbench: boom at postgres://u:***@h/db (an internal error; FCBENCH_DEBUG=1 shows the stack)',
    ]);
    const debug = describeFailure(error, { debug: true }).lines.join('\n');
    expect(debug).toContain('caused by: Error: inner redis://:***@h:1');
    expect(debug).not.toMatch(/pw3|pw4/);
  });

  it('lines without secrets are unchanged', () => {
    const error = new FcbenchError('environment', 'cannot connect to Redis at redis://127.0.0.1:1: connection refused');
    expect(describeFailure(error, { debug: false }).lines).toEqual(['fcbench: cannot connect to Redis at redis://127.0.0.1:1: connection refused']);
  });
});
