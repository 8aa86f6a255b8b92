import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, MalformedResponseError, RequestAbortedError, TimeoutError } from './errors.js';
import { createRedactor } from './redact.js';
import { parseJsonBody } from './response.js';
import { createTransport, type TransportOptions, type TransportRequest } from './transport.js';

// Time bounds hold on a machine whose cores are busy with other work: a timeout that must be hit mid-body is
// long next to a loopback round trip, and upper bounds only catch a call that never ends.
const STALL_TIMEOUT_MS = 1_500;
const SLACK_MS = 10_000;

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
const sockets = new Set<import('node:net').Socket>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const handler = routes.get(path);
      if (!handler) {
        res.writeHead(404).end('no route');
        return;
      }
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  routes.clear();
  hits.clear();
});

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

function req(path: string, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    operation: 'op',
    url: `${base}${path}`,
    body: 'a=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    idempotent: false,
    ...extra,
  };
}

// The same table of cases runs against each HTTP stack: the default (node:http with keep-alive agents) and an
// injected fetch (here the platform's own, called through a wrapper so the transport cannot tell it apart).
const STACKS: Array<[string, Partial<TransportOptions>]> = [
  ['node:http (default)', {}],
  ['fetch option', { fetch: (input, init) => globalThis.fetch(input, init) }],
];

describe.each(STACKS)('transport over a real loopback server, %s', (_stack, stackOptions) => {
  const make = (options: TransportOptions) => createTransport({ ...options, ...stackOptions });

  it('sends the body exactly as given and returns status, body and headers', async () => {
    routes.set('/echo', (r, res, body) => json(res, 200, { method: r.method, ct: r.headers['content-type'], body }));
    const t = make({ provider: 'espay' });
    const res = await t.send(req('/echo', { body: 'x=1&y=a%20b' }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', ct: 'application/x-www-form-urlencoded', body: 'x=1&y=a%20b' });
    expect(res.attempts).toBe(1);
    expect(res.contentType).toContain('application/json');
  });

  it('never retries a non-idempotent call, even on 503', async () => {
    routes.set('/pay', (_r, res) => json(res, 503, { error: 'busy' }));
    const t = make({ provider: 'espay', retry: { baseDelayMs: 1 } });
    const res = await t.send(req('/pay'));
    expect(res.status).toBe(503);
    expect(hits.get('/pay')).toBe(1);
  });

  it('retries an idempotent call on 503 with backoff, then succeeds', async () => {
    routes.set('/status', (_r, res) => (hits.get('/status') === 1 ? json(res, 503, {}) : json(res, 200, { ok: true })));
    const t = make({ provider: 'espay', retry: { baseDelayMs: 5, maxRetries: 2 } });
    const res = await t.send(req('/status', { idempotent: true }));
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    expect(hits.get('/status')).toBe(2);
  });

  it('retries an idempotent call after a connection reset; a payment gets ConnectionError once', async () => {
    routes.set('/reset', (r, res) => {
      if (hits.get('/reset') === 1) r.socket.destroy();
      else json(res, 200, { ok: true });
    });
    const t = make({ provider: 'iak', retry: { baseDelayMs: 5 } });
    expect((await t.send(req('/reset', { idempotent: true }))).attempts).toBe(2);

    hits.clear();
    routes.set('/reset-pay', (r) => r.socket.destroy());
    const err = await t.send(req('/reset-pay')).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.requestMaybeReceived).toBe(true);
    expect(hits.get('/reset-pay')).toBe(1);
  });

  it('times out before any response: TimeoutError phase before-response, sent once', async () => {
    routes.set('/hang', () => {});
    // 1 s: the in-process server must have read the request before the timeout, even on a crowded machine
    // (at 150 ms it sometimes had not, and "sent once" saw no request at all).
    const t = make({ provider: 'espay', timeoutMs: 1000 });
    const started = Date.now();
    const err = await t.send(req('/hang')).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('before-response');
    expect(err.limit).toBe('attempt');
    expect(Date.now() - started).toBeLessThan(1000 + SLACK_MS);
    expect(hits.get('/hang')).toBe(1);
  });

  it('a redirect is not followed: MalformedResponseError, one request, and an idempotent call not retried into it', async () => {
    routes.set('/moved', (_r, res) =>
      res.writeHead(302, { location: '/elsewhere', 'content-type': 'text/html' }).end('<html>moved</html>'),
    );
    routes.set('/elsewhere', (_r, res) => json(res, 200, { ok: true }));
    const t = make({ provider: 'iak' });
    for (const idempotent of [false, true]) {
      const err = await t.send(req('/moved', { idempotent })).catch((e) => e);
      expect(err).toBeInstanceOf(MalformedResponseError);
      expect(err.message).toMatch(/redirect/);
    }
    expect(hits.get('/moved')).toBe(2);
    expect(hits.get('/elsewhere')).toBeUndefined();
  });

  it('a body that stalls after its headers ends at the timeout even when the garbage collector runs meanwhile', async () => {
    // undici stops propagating an abort to a body once its internal Request is collected; forced collections
    // during the stall make that happen every time. The collections start only once the server has flushed
    // every call's headers and first bytes (forced collections back to back would otherwise starve the
    // headers on a busy machine), and the timeout is long next to a loopback round trip.
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const calls = 8;
    let flushed = 0;
    let collector: ReturnType<typeof setInterval> | undefined;
    const stallBegins = new Promise<void>((resolve) => {
      routes.set('/stall', (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"a":', () => {
          flushed += 1;
          if (flushed === calls) resolve();
        });
      });
    });
    void stallBegins.then(() => {
      collector = setInterval(collect, 20);
    });
    const t = make({ provider: 'espay', timeoutMs: STALL_TIMEOUT_MS });
    try {
      const ended = await Promise.all(
        Array.from({ length: calls }, async () => {
          const started = performance.now();
          const outcome = await Promise.race([
            t.send(req('/stall')).catch((e) => e),
            new Promise((resolve) => setTimeout(resolve, STALL_TIMEOUT_MS + SLACK_MS, 'still waiting')),
          ]);
          return { outcome, tookMs: performance.now() - started };
        }),
      );
      expect(collector).toBeDefined();
      for (const { outcome, tookMs } of ended) {
        expect(outcome).toBeInstanceOf(TimeoutError);
        expect((outcome as TimeoutError).phase).toBe('during-body');
        expect(tookMs).toBeGreaterThanOrEqual(STALL_TIMEOUT_MS - 2);
      }
    } finally {
      clearInterval(collector);
    }
  });

  it('concurrent attempts each end at their own limit, never sooner, and leave no timer behind', async () => {
    routes.set('/hang', () => {});
    routes.set('/ok', (_r, res) => json(res, 200, { ok: true }));
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const limits = [120, 125, 131, 300];
    const ended = await Promise.all(
      limits.flatMap((timeoutMs) =>
        Array.from({ length: 5 }, async () => {
          const t = make({ provider: 'espay', timeoutMs });
          const started = performance.now();
          const err = await t.send(req('/hang')).catch((e) => e);
          return { timeoutMs, err, tookMs: performance.now() - started };
        }),
      ),
    );
    for (const { timeoutMs, err, tookMs } of ended) {
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.timeoutMs).toBe(timeoutMs);
      // Timers and Date.now() work in whole milliseconds, so "never sooner" holds to within 2 ms.
      expect(tookMs).toBeGreaterThanOrEqual(timeoutMs - 2);
      expect(tookMs).toBeLessThan(timeoutMs + SLACK_MS);
    }
    // Completed calls stop their timers at once; none outlives its call.
    const t = make({ provider: 'espay', timeoutMs: 60_000 });
    await Promise.all(Array.from({ length: 20 }, () => t.send(req('/ok'))));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  // Chunked bodies and bodies with a Content-Length take the same capped read: both must end.
  it.each([
    ['chunked', '/drip', {}],
    ['with a Content-Length', '/drip-length', { 'content-length': '1000' }],
  ])('a slow-drip body (%s) still ends at the timeout: phase during-body', async (_kind, path, length) => {
    routes.set(path, (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...length });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    });
    const t = make({ provider: 'espay', timeoutMs: STALL_TIMEOUT_MS });
    const started = Date.now();
    const err = await t.send(req(path)).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('during-body');
    expect(err.limit).toBe('attempt');
    expect(Date.now() - started).toBeLessThan(STALL_TIMEOUT_MS + SLACK_MS);
  });

  it('the total deadline caps retries of an idempotent call', async () => {
    routes.set('/slow', () => {});
    // Attempts of 300 ms under a 1.5 s deadline: a second attempt is due ~1.2 s before the deadline (room for a busy
    // machine), and at most five fit.
    const t = make({ provider: 'espay', timeoutMs: 300, totalTimeoutMs: 1_500, retry: { maxRetries: 10, baseDelayMs: 10 } });
    const started = Date.now();
    const err = await t.send(req('/slow', { idempotent: true })).catch((e) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(1_430);
    expect(elapsed).toBeLessThan(1_500 + SLACK_MS);
    expect(hits.get('/slow')).toBeGreaterThanOrEqual(2);
    expect(hits.get('/slow')).toBeLessThanOrEqual(5);
  });

  it('caps the response size, with and without Content-Length', async () => {
    const big = 'x'.repeat(64 * 1024);
    routes.set('/big', (_r, res) => res.writeHead(200, { 'content-length': String(big.length) }).end(big));
    routes.set('/big-chunked', (_r, res) => {
      res.writeHead(200);
      for (let i = 0; i < 8; i++) res.write(big.slice(0, 8192));
      res.end();
    });
    const t = make({ provider: 'espay', maxResponseBytes: 32 * 1024 });
    for (const path of ['/big', '/big-chunked']) {
      const err = await t.send(req(path)).catch((e) => e);
      expect(err, path).toBeInstanceOf(MalformedResponseError);
      expect(err.message).toMatch(/larger than 32768 bytes/);
    }
  });

  it('a gzip body small on the wire but over the cap once decoded is refused', async () => {
    const packed = gzipSync(Buffer.from('x'.repeat(256 * 1024)));
    routes.set('/gzip', (_r, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(packed.length) }).end(packed),
    );
    const t = make({ provider: 'espay', maxResponseBytes: 32 * 1024 });
    const err = await t.send(req('/gzip')).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toMatch(/larger than 32768 bytes/);
  });

  it('a body within the cap reads whole, with its byte count, BOM dropped and bad UTF-8 replaced', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}'), Buffer.from([0xff])]);
    routes.set('/bytes', (_r, res) => res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes));
    routes.set('/bytes-chunked', (_r, res) => {
      res.writeHead(200);
      res.write(bytes.subarray(0, 5));
      res.end(bytes.subarray(5));
    });
    const t = make({ provider: 'iak' });
    for (const path of ['/bytes', '/bytes-chunked']) {
      const res = await t.send(req(path));
      expect(res.body, path).toBe('{"a":"é"}\uFFFD');
      expect(res.bytes, path).toBe(bytes.length);
    }
  });

  it("leaves no listener on the caller's signal once a call has ended, whatever the ending", async () => {
    routes.set('/ok', (_r, res) => json(res, 200, { ok: true }));
    routes.set('/hang3', () => {});
    const t = make({ provider: 'espay', timeoutMs: 100 });
    const controller = new AbortController();
    await t.send(req('/ok', { signal: controller.signal }));
    await t.send(req('/hang3', { signal: controller.signal })).catch(() => {});
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted caller signal sends nothing', async () => {
    routes.set('/never', (_r, res) => json(res, 200, {}));
    const t = make({ provider: 'espay' });
    const err = await t.send(req('/never', { signal: AbortSignal.abort() })).catch((e) => e);
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect(hits.get('/never')).toBeUndefined();
  });

  it('a deadline shorter than the attempt timeout is reported as the deadline', async () => {
    routes.set('/hang4', () => {});
    const t = make({ provider: 'espay', timeoutMs: 5_000, totalTimeoutMs: 150 });
    const err = await t.send(req('/hang4', { idempotent: true })).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.limit).toBe('deadline');
    expect(err.timeoutMs).toBe(150);
  });

  it('connection refused: ConnectionError that certainly did not reach the provider', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const t = make({ provider: 'iak' });
    const err = await t.send({ ...req('/'), url: `http://127.0.0.1:${port}/x` }).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.errno).toBe('ECONNREFUSED');
    expect(err.requestMaybeReceived).toBe(false);
    expect(err.phase).toBe('before-response');
  });

  it("the caller's AbortSignal ends the call with RequestAbortedError", async () => {
    routes.set('/hang2', () => {});
    const t = make({ provider: 'espay' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await t.send(req('/hang2', { signal: controller.signal })).catch((e) => e);
    expect(err).toBeInstanceOf(RequestAbortedError);
  });

  it('a unique secret never reaches logs or errors', async () => {
    const secret = 'UNIQ-secret-9c2e71';
    routes.set('/leak', (_r, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(`<html>password=${secret} ${secret}</html>`));
    const lines: string[] = [];
    const redactor = createRedactor({ secrets: [secret] });
    const t = make({ provider: 'espay', redactor, logger: { debug: (m, meta) => lines.push(`${m} ${JSON.stringify(meta)}`) } });
    const res = await t.send(req(`/leak?k=${secret}`, { body: `password=${secret}&signature=abc&note=${encodeURIComponent(secret)}` }));
    const err = (() => {
      try {
        parseJsonBody(res, { provider: 'espay', redactor });
      } catch (e) {
        return e as MalformedResponseError;
      }
    })();
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const everything = [...lines, err?.message, err?.rawBody, JSON.stringify(err?.toJSON()), err?.stack].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).toContain('[REDACTED]');
  });
  it('gzip and br bodies within the cap are decoded, the byte count after decoding', async () => {
    const text = JSON.stringify({ a: 'é'.repeat(100) });
    routes.set('/gz', (_r, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(Buffer.from(text))),
    );
    routes.set('/br', (_r, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' }).end(brotliCompressSync(Buffer.from(text))),
    );
    const t = make({ provider: 'iak' });
    for (const path of ['/gz', '/br']) {
      const res = await t.send(req(path));
      expect(res.body, path).toBe(text);
      expect(res.bytes, path).toBe(Buffer.byteLength(text));
    }
  });

  it('keepBytes returns the exact bytes beside the text; headers read as a Headers object', async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0xff, 0x00, 0x80]);
    routes.set('/pdf', (_r, res) => res.writeHead(200, { 'content-type': 'application/pdf', 'x-trace': 'abc' }).end(bytes));
    const t = make({ provider: 'iak' });
    const res = await t.send(req('/pdf', { method: 'GET', body: undefined, keepBytes: true }));
    expect(Buffer.from(res.bodyBytes!)).toEqual(bytes);
    expect(res.headers.get('x-trace')).toBe('abc');
    expect(res.contentType).toBe('application/pdf');
    expect((await t.send(req('/pdf'))).bodyBytes).toBeUndefined();
  });

  it('a Retry-After within the cap is honoured between retries of an idempotent call', async () => {
    routes.set('/later', (_r, res) =>
      hits.get('/later') === 1 ? res.writeHead(503, { 'retry-after': '0' }).end() : json(res, 200, { ok: true }),
    );
    const t = make({ provider: 'espay', retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const res = await t.send(req('/later', { idempotent: true }));
    expect(res.attempts).toBe(2);
  });
});
