import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInlineSafe, cspHash, escapeHtml, jsonForScript } from '../../src/report/escape.js';
import { html, raw } from '../../src/report/html.js';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  "' onmouseover='alert(1)",
  '<!-- comment',
  '&lt;already&gt;',
];

describe('escapeHtml', () => {
  it('escapes every markup character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it('leaves no tag opener or quote in hostile strings', () => {
    for (const text of HOSTILE) {
      const escaped = escapeHtml(text);
      expect(escaped).not.toMatch(/[<>"'`]/);
    }
    expect(escapeHtml('&lt;already&gt;')).toBe('&amp;lt;already&amp;gt;');
  });
});

describe('html template', () => {
  it('escapes interpolated strings, numbers and arrays but not nested html or raw', () => {
    const name = '<b>x</b>';
    const out = html`<p title="${name}">${name} ${42} ${[name, html`<i>${name}</i>`]} ${raw('<br>')}${null}${undefined}${false}</p>`;
    expect(out.value).toBe(
      '<p title="&lt;b&gt;x&lt;/b&gt;">&lt;b&gt;x&lt;/b&gt; 42 &lt;b&gt;x&lt;/b&gt;<i>&lt;b&gt;x&lt;/b&gt;</i> <br></p>',
    );
  });
});

describe('jsonForScript', () => {
  it('escapes characters that could close the script element or break parsing', () => {
    const out = jsonForScript({ name: '</script><script>alert(1)</script>', other: '<!-- & \u2028\u2029 >' });
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain('\\u003c/script\\u003e');
    expect(out).toContain('\\u2028\\u2029');
    expect(JSON.parse(out)).toEqual({ name: '</script><script>alert(1)</script>', other: '<!-- & \u2028\u2029 >' });
  });

  it('round-trips any JSON value and never contains the unsafe characters (property, fixed seed)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const out = jsonForScript(value);
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 20261125, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = jsonForScript({ text });
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual({ text });
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('renders undefined as null', () => {
    expect(jsonForScript(undefined)).toBe('null');
  });
});

describe('cspHash', () => {
  it('is the base64 sha256 source expression of the exact body', () => {
    // sha256('') is the well-known 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
    expect(cspHash('')).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    expect(cspHash('a')).not.toBe(cspHash('a '));
  });
});

describe('assertInlineSafe', () => {
  it('refuses code that would end its inline element', () => {
    expect(() => assertInlineSafe('var s = "</SCRIPT>"', 'x')).toThrow(/break out/);
    expect(() => assertInlineSafe('<!--', 'x')).toThrow(/break out/);
    expect(assertInlineSafe('var a = 1 < 2;', 'x')).toBe('var a = 1 < 2;');
  });
});
