import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Delivery, delivery, type HostileServer, judge, runFuzzCases, type Scenario, startHostileServer } from './index.js';

class TypedTestError extends Error {
  providerMessage: string | null = null;
  rawBody: string | null;
  request = { operation: 'test' };
  constructor(message: string, rawBody: string | null = null) {
    super(message);
    this.rawBody = rawBody;
  }
}
const isTyped = (error: unknown): error is TypedTestError => error instanceof TypedTestError;

describe('judge', () => {
  it('tells results, typed errors, untyped errors and hangs apart', async () => {
    expect((await judge(async () => 1, 100, isTyped)).kind).toBe('result');
    expect((await judge(() => Promise.reject(new TypedTestError('x')), 100, isTyped)).kind).toBe('typed');
    expect((await judge(() => Promise.reject(new TypeError('x')), 100, isTyped)).kind).toBe('untyped');
    expect((await judge(() => new Promise(() => {}), 10, isTyped, 10)).kind).toBe('late');
  });

  it('does not call a call late because the event loop stalled past its watchdog, and still calls a hang late', async () => {
    // The call settles through I/O (setImmediate) right after its own 50 ms timer; the loop is blocked for
    // 600 ms first, so both timers are overdue in the same turn, as on a machine whose cores are taken.
    const settlesAfterItsTimer = () => new Promise((resolve) => setTimeout(() => setImmediate(() => resolve('ok')), 50));
    const verdict = judge(settlesAfterItsTimer, 50, isTyped, 100);
    const blockedUntil = performance.now() + 600;
    while (performance.now() < blockedUntil) {
      // the stall
    }
    expect((await verdict).kind).toBe('result');
    const hang = judge(() => new Promise(() => {}), 50, isTyped, 100);
    const stallEnds = performance.now() + 600;
    while (performance.now() < stallEnds) {
      // a stall does not excuse a call that never settles
    }
    expect((await hang).kind).toBe('late');
  });
});

describe('runFuzzCases', () => {
  it('fails an error that shows a secret, counts outcomes, and stops at its budget', async () => {
    const tally = await runFuzzCases({
      count: 4,
      isTyped,
      secrets: ['s3cret'],
      prepare: (index) => ({
        label: `case ${index}`,
        deadlineMs: 100,
        groups: index === 3 ? ['unvalidated'] : [],
        call: async () => {
          if (index === 1) throw new TypedTestError('no secret here');
          if (index === 2) throw new TypedTestError('oops', 'body with s3cret');
          return index;
        },
      }),
    });
    expect(tally.ran).toBe(4);
    expect(tally.failures).toEqual(['#2 case 2: a secret appears in TypedTestError']);
    expect(Object.fromEntries(tally.kinds)).toEqual({ result: 2, TypedTestError: 2, 'unvalidated result': 1 });
    const capped = await runFuzzCases({
      count: 1_000,
      isTyped,
      secrets: [],
      budgetMs: 50,
      concurrency: 1,
      prepare: () => ({ label: 'slow', deadlineMs: 100, call: () => new Promise((r) => setTimeout(r, 20)) }),
    });
    expect(capped.ran).toBeLessThan(10);
  });
});

describe('the hostile server', () => {
  let server: HostileServer;
  const scenarios = new Map<string, Scenario<unknown>>();
  const BODY = Buffer.from('{"answer":"0123456789abcdefghij"}');
  let nextId = 0;
  const serve = (d: Delivery, status = 200) => {
    const id = String(nextId++);
    scenarios.set(id, { status, contentType: 'application/json', extraHeaders: {}, body: null, delivery: d });
    return `${server.baseUrlFor(id)}/any/path`;
  };
  const text = async (url: string, ms = 2_000) => {
    const response = await fetch(url, { method: 'POST', body: 'x', signal: AbortSignal.timeout(ms) });
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    server = await startHostileServer(({ id, path, body }) => {
      const scenario = scenarios.get(id);
      if (!scenario || path !== '/any/path' || body.toString() !== 'x') return undefined;
      return { scenario, body: BODY };
    });
  });
  afterAll(() => server.close());

  it('sends a normal answer whole, a drip whole, and 404 for an unknown scenario', async () => {
    expect(await text(serve({ kind: 'normal' }, 503))).toEqual({ status: 503, body: BODY.toString() });
    expect(await text(serve({ kind: 'drip', chunkBytes: 16, everyMs: 5 }))).toEqual({ status: 200, body: BODY.toString() });
    expect((await text(`${server.baseUrlFor('none')}/any/path`)).status).toBe(404);
  });

  it('breaks the answer the way each delivery says', async () => {
    expect((await text(serve({ kind: 'short-content-length' }))).body).toBe(BODY.subarray(0, BODY.length - 5).toString());
    for (const broken of ['cut-at-once', 'cut-mid-body', 'long-content-length', 'bad-chunking'] as const) {
      await expect(text(serve({ kind: broken })), broken).rejects.toThrow();
    }
    for (const stall of ['stall-before-headers', 'stall-after-headers', 'stall-mid-body'] as const) {
      await expect(text(serve({ kind: stall }), 150), stall).rejects.toThrow(/timeout|aborted/i);
    }
  });

  it('generates every delivery kind', () => {
    const kinds = new Set(fc.sample(delivery, { numRuns: 2_000, seed: 1 }).map((d) => d.kind));
    expect(kinds.size).toBe(10);
  });
});
