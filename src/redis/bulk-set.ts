import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Redis } from 'ioredis';

/**
 * `SET key value PX ms` for a batch of keys at a time, framed as RESP by hand into one buffer and
 * written over a connection of its own: the warm job's write path to a single server.
 *
 * Why not an ioredis pipeline: there each SET is a Command with its own argument array, promise,
 * timer and a copy of the value, about 9.6 µs of main-thread CPU per key on this machine, as much
 * as reading and encoding the row. A batch framed here costs a buffer, a memcpy per value and a
 * few digits per key. Redis documents the raw protocol as the way to mass-insert (`redis-cli
 * --pipe`). Only SET is spoken, and only simple replies (`+OK`, `-ERR ...`) are expected, so the
 * reply side is a line counter. A cluster keeps ioredis (slot routing, MOVED); so does everything
 * that reads replies (resume's GETs).
 *
 * The connection copies the ioredis client's address, credentials, database and TLS, so it goes
 * where the client already connected (past the loopback check) and nowhere else. Reply text from
 * Redis goes into errors; what was sent (the password in AUTH) never does.
 */
export interface BulkSetConnection {
  /**
   * Sends `SET keys[i] values[i] PX pxMs[i]` for every i. Resolves once Redis has answered them all;
   * rejects with the first error reply (after every reply of the batch has arrived), or at once
   * when the connection fails or stays silent for `commandTimeoutMs`. Batches may overlap; they are
   * answered in order.
   */
  send(keys: readonly string[], values: readonly Uint8Array[], pxMs: readonly number[]): Promise<void>;
  /** Closes the connection; batches not yet answered reject. */
  close(): void;
}

export interface BulkSetOptions {
  /** @default 2000 */
  connectTimeoutMs?: number | undefined;
  /** A batch with no reply byte for this long fails the connection. @default the client's commandTimeout, else 5000 */
  commandTimeoutMs?: number | undefined;
  /** CLIENT SETNAME. @default 'fcbench-warm' */
  name?: string | undefined;
}

/** A Redis error reply, as the server worded it. */
export class RedisReplyError extends Error {
  override readonly name = 'RedisReplyError';
}

interface Pending {
  replies: number;
  firstError: string | null;
  resolve: () => void;
  reject: (error: Error) => void;
}

const SET_HEAD = Buffer.from('*5\r\n$3\r\nSET\r\n', 'latin1');
const PX_HEAD = Buffer.from('\r\n$2\r\nPX\r\n', 'latin1');
const NEWLINE = 0x0a;
const MINUS = 0x2d;

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}

/** Writes non-negative integer `n` in decimal at `at`; returns the offset after it. */
function writeDecimal(out: Buffer, at: number, n: number): number {
  const end = at + digits(n);
  let p = end;
  do {
    out[--p] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return end;
}

/** `$<length>\r\n`: a bulk string's header. */
function bulkHeaderBytes(length: number): number {
  return 1 + digits(length) + 2;
}

function writeBulkHeader(out: Buffer, at: number, length: number): number {
  out[at] = 0x24; // '$'
  at = writeDecimal(out, at + 1, length);
  out[at] = 0x0d;
  out[at + 1] = NEWLINE;
  return at + 2;
}

/** One RESP command of string arguments (the handshake's). */
function command(...args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`, 'utf8');
}

/** The batch as one buffer of SET commands. Keys are written as UTF-8, as ioredis writes them. */
export function frameSetBatch(keys: readonly string[], values: readonly Uint8Array[], pxMs: readonly number[]): Buffer {
  const keyBytes = new Array<number>(keys.length);
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    const px = pxMs[i]!;
    if (!(Number.isInteger(px) && px > 0)) throw new RangeError(`PX must be a positive integer, got ${px} for ${keys[i]!}`);
    const k = Buffer.byteLength(keys[i]!, 'utf8');
    const v = values[i]!.length;
    keyBytes[i] = k;
    total += SET_HEAD.length + bulkHeaderBytes(k) + k + 2 + bulkHeaderBytes(v) + v + PX_HEAD.length + bulkHeaderBytes(digits(px)) + digits(px) + 2;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    at += SET_HEAD.copy(out, at);
    at = writeBulkHeader(out, at, keyBytes[i]!);
    at += out.write(keys[i]!, at, 'utf8');
    out[at++] = 0x0d;
    out[at++] = NEWLINE;
    const value = values[i]!;
    at = writeBulkHeader(out, at, value.length);
    out.set(value, at);
    at += value.length;
    at += PX_HEAD.copy(out, at);
    const px = pxMs[i]!;
    at = writeBulkHeader(out, at, digits(px));
    at = writeDecimal(out, at, px);
    out[at++] = 0x0d;
    out[at++] = NEWLINE;
  }
  return out;
}

/** Opens a bulk SET connection to where `client` is connected (a single server, not a cluster). */
export async function openBulkSet(client: Redis, options: BulkSetOptions = {}): Promise<BulkSetConnection> {
  const { host, port, path, username, password, db, tls, commandTimeout } = client.options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  const silenceMs = options.commandTimeoutMs ?? (typeof commandTimeout === 'number' && commandTimeout > 0 ? commandTimeout : 5000);
  const where = path ?? `${host ?? '127.0.0.1'}:${port ?? 6379}`;
  const socket: Socket =
    tls !== undefined
      ? tlsConnect({ ...tls, host: host ?? '127.0.0.1', port: port ?? 6379, servername: tls.servername ?? host })
      : path !== undefined && path !== null
        ? netConnect({ path })
        : netConnect({ host: host ?? '127.0.0.1', port: port ?? 6379 });
  socket.setNoDelay(true);
  const pending: Pending[] = [];
  let failure: Error | null = null;
  // The current line's text, kept only while it is an error reply (for the message).
  let errorLine: string | null = null;
  let atLineStart = true;
  let silence: NodeJS.Timeout | null = null;

  const fail = (error: Error) => {
    if (failure !== null) return;
    failure = error;
    if (silence !== null) clearTimeout(silence);
    for (const batch of pending.splice(0)) batch.reject(error);
    socket.destroy();
  };
  const watch = () => {
    if (pending.length === 0) {
      if (silence !== null) clearTimeout(silence);
      silence = null;
    } else if (silence === null) {
      silence = setTimeout(() => fail(new Error(`Redis at ${where} did not answer within ${silenceMs} ms`)), silenceMs);
      silence.unref();
    } else silence.refresh();
  };
  const answered = (errorText: string | null) => {
    const batch = pending[0];
    if (batch === undefined) return fail(new Error(`Redis at ${where} sent a reply nothing asked for`));
    if (errorText !== null) batch.firstError ??= errorText;
    if (--batch.replies > 0) return;
    pending.shift();
    if (batch.firstError === null) batch.resolve();
    else batch.reject(new RedisReplyError(batch.firstError));
  };
  // Every reply expected is one line: `+OK` or `-<error>`. A line may span chunks.
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    while (start < chunk.length) {
      if (atLineStart) {
        atLineStart = false;
        errorLine = chunk[start] === MINUS ? '' : null;
        if (errorLine !== null) start++;
      }
      const end = chunk.indexOf(NEWLINE, start);
      if (errorLine !== null) errorLine += chunk.toString('utf8', start, end < 0 ? chunk.length : end);
      if (end < 0) break;
      answered(errorLine === null ? null : errorLine.replace(/\r$/, ''));
      if (failure !== null) return;
      atLineStart = true;
      errorLine = null;
      start = end + 1;
    }
    watch();
  });
  socket.on('error', (error) => fail(new Error(`Redis at ${where}: ${error.message}`)));
  socket.on('close', () => fail(new Error(`Redis at ${where} closed the connection`)));

  const send = (frame: Buffer, replies: number): Promise<void> => {
    if (failure !== null) return Promise.reject(failure);
    if (replies === 0) return Promise.resolve();
    const answer = new Promise<void>((resolve, reject) => pending.push({ replies, firstError: null, resolve, reject }));
    socket.write(frame);
    watch();
    return answer;
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`cannot connect to Redis at ${where}: no answer within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    socket.once(tls !== undefined ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to Redis at ${where}: ${error.message}`));
    });
  });
  const handshake: Buffer[] = [];
  if (password !== undefined && password !== null && password !== '') handshake.push(username ? command('AUTH', username, password) : command('AUTH', password));
  if (typeof db === 'number' && db !== 0) handshake.push(command('SELECT', String(db)));
  handshake.push(command('CLIENT', 'SETNAME', options.name ?? 'fcbench-warm'));
  try {
    await send(Buffer.concat(handshake), handshake.length);
  } catch (error) {
    socket.destroy();
    throw new Error(`Redis at ${where} refused the connection's set-up: ${(error as Error).message}`);
  }

  return {
    send(keys, values, pxMs) {
      let frame: Buffer;
      try {
        frame = frameSetBatch(keys, values, pxMs);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return send(frame, keys.length);
    },
    close() {
      fail(new Error('the bulk SET connection was closed'));
    },
  };
}
