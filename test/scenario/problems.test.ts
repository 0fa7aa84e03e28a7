import { describe, expect, it } from 'vitest';
import { escapeControls, printable, problemLine } from '../../src/scenario/problems.js';

describe('problem lines stay one line', () => {
  it.each([
    ['plain text', 'plain text'],
    ['tab\tstays', 'tab\tstays'],
    ['a\nb', 'a\\nb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['\u0000\u001b[31m\u007f', '\\u0000\\u001b[31m\\u007f'],
  ])('escapeControls(%j) = %j', (text, escaped) => {
    expect(escapeControls(text)).toBe(escaped);
  });

  it('printable leaves ordinary text alone and quotes text with control characters', () => {
    expect(printable('cascade.replicas=4')).toBe('cascade.replicas=4');
    expect(printable('a=[1,\n2]')).toBe('"a=[1,\\n2]"');
    expect(printable('a=\u007f')).toBe('"a=\\u007f"');
  });

  it('problemLine escapes whatever reached the message unescaped', () => {
    expect(problemLine({ where: 'f.yaml:1:2', path: 'name', message: 'bad\nthing' })).toBe('f.yaml:1:2: name: bad\\nthing');
    expect(problemLine({ where: 'f.yaml', path: '', message: 'file not found' })).toBe('f.yaml: file not found');
  });
});
