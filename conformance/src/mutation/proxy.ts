/**
 * The mutating proxy: a reverse proxy in front of a sandbox that makes the provider drift in one way
 * (a {@link Drift}). The sandbox control routes (`/__sandbox/*`) pass through untouched, so provider
 * states still work; every other exchange goes through the drift, and the proxy counts how many it
 * changed, so a drift the suite survived is told apart from one that never fired.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Drift, DriftContext, WireAnswer, WireRequest } from './drift.js';

export interface MutatingProxy {
  url: string;
  /** Exchanges the drift changed (a rewritten request, a rewritten or held answer). */
  fired(): number;
  /** Exchanges that went through the drift, changed or not. */
  seen(): number;
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/__sandbox/';

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Sends `req` to `upstream` as it is and returns the answer byte for byte (no decoding, redirects not followed). */
function forwardTo(upstream: URL, req: WireRequest): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers, host: upstream.host, 'content-length': String(req.body.length) };
    delete headers['transfer-encoding'];
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (res) => {
      readAll(res).then((body) => resolve({ status: res.statusCode ?? 502, headers: flatHeaders(res.headers), body }), reject);
    });
    out.on('error', reject);
    out.end(req.body);
  });
}

function sameAnswer(a: WireAnswer, b: WireAnswer): boolean {
  return a.status === b.status && a.body.equals(b.body) && JSON.stringify(a.headers) === JSON.stringify(b.headers);
}

/** Starts the proxy on a loopback port in front of `upstream`, applying `drift` (none: a faithful proxy, the baseline). */
export async function startMutatingProxy(
  upstream: string,
  drift: Drift | undefined,
  context: Omit<DriftContext, 'forward' | 'memory'>,
): Promise<MutatingProxy> {
  const base = new URL(upstream);
  let fired = 0;
  let seen = 0;
  const memory = new Map<string, unknown>();
  const driftContext: DriftContext = { ...context, forward: (req) => forwardTo(base, req), memory };

  const handle = async (incoming: IncomingMessage): Promise<WireAnswer | 'hang'> => {
    const url = incoming.url ?? '/';
    const original: WireRequest = {
      method: incoming.method ?? 'GET',
      url,
      path: url.split('?')[0] ?? '/',
      headers: flatHeaders(incoming.headers),
      body: await readAll(incoming),
    };
    if (original.path.startsWith(CONTROL_PREFIX) || !drift) return forwardTo(base, original);
    seen++;
    let changed = false;
    const request = drift.request?.(original, driftContext);
    if (request) changed = true;
    const sent = request ?? original;
    if (drift.hang?.(sent, driftContext)) {
      fired++;
      return 'hang';
    }
    const answer = await forwardTo(base, sent);
    const drifted = await drift.answer?.(sent, answer, driftContext);
    if (drifted && !sameAnswer(drifted, answer)) changed = true;
    const delay = drift.delayMs?.(sent) ?? 0;
    if (delay > 0) {
      changed = true;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    if (changed) fired++;
    return drifted ?? answer;
  };

  const server: Server = createServer((incoming, res) => {
    handle(incoming).then(
      (answer) => {
        // A provider that never answers: the connection stays open until the client gives up.
        if (answer === 'hang') return;
        const headers: Record<string, string> = { ...answer.headers, 'content-length': String(answer.body.length) };
        delete headers['transfer-encoding'];
        res.writeHead(answer.status, headers);
        res.end(answer.body);
      },
      (error: unknown) => {
        if (res.headersSent) return res.destroy();
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`mutating proxy: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fired: () => fired,
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
