/**
 * Reading a response body within the byte cap, for both HTTP stacks. Bytes are counted as they come (after
 * content decoding, so a small gzip body cannot inflate past the cap); the text is UTF-8 with invalid
 * sequences replaced and a leading BOM dropped.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BodyTooLarge } from './transport-errors.js';
import { ONCE } from './transport-retry.js';

export interface BodyRead {
  text: string;
  bytes: number;
  raw: Uint8Array | undefined;
}

const utf8 = new TextDecoder('utf-8');

function joined(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

function decoded(chunks: Uint8Array[], total: number, keepBytes: boolean): BodyRead {
  const all = joined(chunks, total);
  return { text: utf8.decode(all), bytes: total, raw: keepBytes ? all : undefined };
}

/** A declared Content-Length over the cap fails before anything is read. */
export function declaredTooLarge(length: string | null | undefined, cap: number): boolean {
  return length !== null && length !== undefined && Number(length) > cap;
}

/** The decoder of a Content-Encoding (what fetch would undo for us); undefined for identity or unknown. */
function decoderFor(encoding: string | null): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Reads a node:http response. The attempt's stop destroys the request, and with it the socket: the body
 * then closes before its end and the read fails; the error mapping tells a timeout from a reset.
 */
export function readNodeBody(res: IncomingMessage, encoding: string | null, cap: number, keepBytes: boolean): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const decoder = decoderFor(encoding);
    const source: Readable = decoder ? res.pipe(decoder) : res;
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      res.destroy();
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > cap) fail(new BodyTooLarge(res.statusCode ?? 0));
      else chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(decoded(chunks, total, keepBytes));
    });
    source.on('error', fail);
    if (decoder) res.on('error', fail);
    // A socket closed before the body's end (reset, or our own stop) ends the read as a failure.
    res.on('close', () => {
      if (!res.complete) fail(new Error('response closed before its end'));
    });
  });
}

/**
 * Reads a fetch Response. The abort cancels the read itself: undici errors a body for an aborted signal
 * only while the Request it built internally is alive, and once the garbage collector has taken that
 * Request a stalled body would wait forever (seen in the client fuzz tests); cancelling through the reader
 * ends the pending read at once and makes undici drop the connection. An injected fetch promises nothing
 * about its streams, so with `raceChunks` every chunk is also raced against the signal: a stream that
 * ignores the cancel, dripping one byte at a time, still ends on time.
 */
export async function readWebBody(
  response: Response,
  signal: AbortSignal,
  cap: number,
  raceChunks: boolean,
  keepBytes: boolean,
): Promise<BodyRead> {
  if (declaredTooLarge(response.headers.get('content-length'), cap)) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLarge(response.status);
  }
  if (!response.body) return { text: '', bytes: 0, raw: keepBytes ? new Uint8Array(0) : undefined };
  const reader = response.body.getReader();
  let rejectAborted: ((reason: unknown) => void) | undefined;
  const aborted = raceChunks
    ? new Promise<never>((_, reject) => {
        rejectAborted = reject;
      })
    : undefined;
  aborted?.catch(() => {});
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
    rejectAborted?.(signal.reason);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, ONCE);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = aborted ? await Promise.race([reader.read(), aborted]) : await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      total += value.byteLength;
      if (total > cap) throw new BodyTooLarge(response.status);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return decoded(chunks, total, keepBytes);
}
