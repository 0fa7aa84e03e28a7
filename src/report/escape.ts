import { createHash } from 'node:crypto';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes text for an HTML text node or a double- or single-quoted attribute value. Every string
 * that comes from a scenario or a result goes through here (or through `html```), so a scenario
 * called `<img onerror=...>` shows up as those characters, never as an element.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` become `\u003c` etc. so the
 * data can never close the script element (`</script>`) or open a comment (`<!--`); U+2028/2029
 * are escaped because older JS parsers treat them as line breaks. The output is still valid JSON:
 * those characters can only occur inside JSON strings, where `\uXXXX` means the same character.
 */
export function jsonForScript(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) return 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A CSP source expression (`'sha256-...'`) allowing exactly this inline script or style body. */
export function cspHash(body: string): string {
  return `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;
}

/**
 * Guards code we inline ourselves (Chart.js, our page script): a body containing `</script` or
 * `<!--` would end or corrupt its element, so refuse to emit it rather than ship a broken page.
 */
export function assertInlineSafe(body: string, what: string): string {
  if (/<\/script|<!--|<\/style/i.test(body)) {
    throw new Error(`${what} contains a sequence that would break out of its inline element`);
  }
  return body;
}
