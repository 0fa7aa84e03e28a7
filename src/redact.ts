/**
 * Takes secrets out of anything fcbench writes or prints: results, reports, progress and error
 * lines. Pure and generic on purpose: it knows no field of today's scenario, so a PostgreSQL source
 * or an HTTP target added later is covered the day it lands, not when someone remembers.
 *
 * What counts as a secret:
 * - the password of any `scheme://user:password@host` inside any string (the user name stays: it
 *   says which ACL user ran, and is not a credential on its own);
 * - the value of a query parameter whose name looks secret (`?token=`, `&password=`, `key=`, `sig=`);
 * - a string stored under a key whose name looks secret (`password`, `authToken`, `apiKey`, `secret`).
 *
 * Text is edited in place, never re-serialised through `new URL()`, so everything that is not a
 * secret (host, port, path, a key prefix, surrounding prose) stays byte for byte what it was.
 */

/** What a secret is replaced with. */
export const REDACTED = '***';

/**
 * `scheme://` + user + `:` + password + `@`. The password runs to the LAST `@` before the host's end
 * (`/ ? #`, whitespace, a quote or `<>`), as URL parsers read `redis://:p@ss@host`; a password that
 * uses one of those stop characters unencoded is not a valid URL and may be missed.
 */
const USERINFO_RE = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:"'<>`\\]*):([^\s/?#"'<>`\\]*)@/gi;

/** `?name=value` / `&name=value` / `;name=value`: the value runs to the next separator. */
const QUERY_PARAM_RE = /([?&;])([A-Za-z0-9_.~-]+)=([^&;#\s"'<>`\\]*)/g;

/** Words that make a field or parameter name secret wherever they appear in it. */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'apikey', 'authorization']);

/** Word pairs that do (`apiKey`, `access_key`, `privateKey`), where `key` alone (`keyPrefix`) does not. */
const SECRET_PAIRS = new Set(['api key', 'access key', 'private key', 'client secret', 'auth key']);

/** In a URL's query, these short names are secrets too (`?key=` API keys, `sig=` signed URLs). */
const SECRET_PARAM_WORDS = new Set(['key', 'sig', 'signature', 'auth']);

/** `authToken` -> ['auth', 'token'], `api_key` -> ['api', 'key'], `X-Amz-Signature` -> ['x', 'amz', 'signature']. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/**
 * Field names already judged. A result repeats a few dozen names thousands of times (every
 * timeline bucket has the same fields), and splitting each into words took ~100 ms of a 30-minute
 * simulation's result. Cleared when it grows past `MAX_JUDGED`, so odd inputs cannot grow it.
 */
const judged = new Map<string, boolean>();
const MAX_JUDGED = 4096;

/** Whether a field name looks like it holds a secret: `password`, `redisPassword`, `api_key`; not `keyPrefix`, `maxTokens`. */
export function isSecretKey(name: string): boolean {
  const known = judged.get(name);
  if (known !== undefined) return known;
  const words = wordsOf(name);
  const secret = words.some((word, i) => SECRET_WORDS.has(word) || (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${word}`)));
  if (judged.size >= MAX_JUDGED) judged.clear();
  judged.set(name, secret);
  return secret;
}

function isSecretParam(name: string): boolean {
  return isSecretKey(name) || wordsOf(name).some((word) => SECRET_PARAM_WORDS.has(word));
}

/** One string with every URL password and secret query value replaced by `***`; text without them is returned as is. */
export function redactText(text: string): string {
  if (!text.includes('://') && !text.includes('=')) return text;
  return text
    .replace(USERINFO_RE, (whole, scheme: string, user: string, password: string) =>
      password === '' ? whole : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(QUERY_PARAM_RE, (whole, separator: string, name: string, value: string) =>
      value === '' || !isSecretParam(name) ? whole : `${separator}${name}=${REDACTED}`,
    );
}

/**
 * A copy of plain data (what JSON can hold) with every string passed through `redactText` and every
 * non-empty string under a secret-looking key replaced by `***`. The input is never changed; other
 * values (numbers, booleans, null) are kept, so the shape and types stay those of the input.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, false) as T;
}

function redactValue(value: unknown, secretKey: boolean): unknown {
  if (typeof value === 'string') return secretKey && value !== '' ? REDACTED : redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secretKey));
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, isSecretKey(key));
    return out;
  }
  return value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
