import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxResponse } from './types.js';

export type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large'; received: number } | { kind: 'aborted' };

/**
 * Reads a request body up to `maxBytes`. Past the cap the rest is read and thrown away so that the
 * answer can still be delivered on a sane connection (a client blocked writing its body would miss
 * an early answer); past `drainLimit` the peer is plainly abusive and the socket is destroyed.
 */
export function readBody(req: IncomingMessage, maxBytes: number, drainLimit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainLimit) {
      req.socket.destroy();
      finish({ kind: 'aborted' });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > drainLimit) {
        req.socket.destroy();
        finish({ kind: 'aborted' });
      } else if (received <= maxBytes) {
        chunks.push(chunk);
      } else if (chunks.length > 0) {
        chunks.length = 0; // over the cap: stop holding memory, keep draining
      }
    });
    req.on('end', () => finish(received > maxBytes ? { kind: 'too-large', received } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('aborted', () => finish({ kind: 'aborted' }));
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('close', () => finish(received > maxBytes ? { kind: 'too-large', received } : { kind: 'aborted' }));
  });
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** Writes a response unless the socket is already gone (a drop fault, a closed server, a client that left). */
export function send(res: ServerResponse, response: SandboxResponse): void {
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Basic credentials from an Authorization header, or undefined when absent, not Basic or not exactly
 * `Basic <base64>` (RFC 7617): standard base64 with its padding, nothing after it. Base64url, missing
 * padding and trailing junk are refused rather than decoded leniently, as Buffer's decoder would.
 */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  if (!match) return undefined;
  const token = match[1] as string;
  if (token.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(token, 'base64');
  // Canonical only: re-encoding gives the token back (no stray bits in the last character).
  if (bytes.toString('base64') !== token) return undefined;
  const decoded = bytes.toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The media type of a Content-Type header, lowercased, parameters dropped. */
export function mediaType(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}
