import type { ErrorKind } from '../cascade/trace.js';

/**
 * What went wrong with one HTTP request, as `requests.errorsByKind` counts it. Pure: reads the
 * error's `code` (Node and undici codes) and message (autocannon's timeout is a plain Error).
 */
export function httpErrorKind(error: unknown): ErrorKind {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'connect-refused';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return 'http-timeout';
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'connection-reset';
  return 'http-error';
}

/** A response status as an error kind, or null for a success (2xx, 3xx). */
export function statusErrorKind(status: number): ErrorKind | null {
  if (status >= 500) return 'http-5xx';
  if (status >= 400) return 'http-4xx';
  return null;
}
