import { describe, expect, it } from 'vitest';
import { MalformedResponseError, TimeoutError } from './errors.js';
import { createTransport, type TransportRequest } from './transport.js';

// What only an injected fetch can do: hand back a stream that lies or ignores the abort. The cases every
// stack must meet run against the fetch option in transport.test.ts.
const req: TransportRequest = { operation: 'op', url: 'http://127.0.0.1:9/anything', body: 'a=1', idempotent: false };
const SLACK_MS = 10_000;

describe('an injected fetch', () => {
  it('an injected fetch whose body lies about its length still meets the cap', async () => {
    const big = new Uint8Array(64 * 1024);
    const fetch = async () => new Response(big, { status: 200, headers: { 'content-length': '10' } });
    const t = createTransport({ provider: 'espay', fetch, maxResponseBytes: 32 * 1024 });
    const err = await t.send(req).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toMatch(/larger than 32768 bytes/);
  });

  it('an injected fetch whose body ignores the abort signal still ends at the timeout', async () => {
    const fetch = async () => {
      let timer: ReturnType<typeof setInterval> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          timer = setInterval(() => c.enqueue(new Uint8Array([32])), 20);
        },
        cancel() {
          clearInterval(timer);
        },
      });
      return new Response(body, { status: 200, headers: { 'content-length': '100000' } });
    };
    const t = createTransport({ provider: 'espay', fetch, timeoutMs: 200 });
    const started = Date.now();
    const err = await t.send(req).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('during-body');
    expect(Date.now() - started).toBeLessThan(200 + SLACK_MS);
  });
});
