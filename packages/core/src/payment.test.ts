import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionError, InsufficientBalanceError, TimeoutError } from './errors.js';
import { confirmPayment, isAmbiguousPaymentError, type PayStep, type StatusStep } from './payment.js';
import { parseJsonBody } from './response.js';
import { createTransport } from './transport.js';

/**
 * A toy provider on loopback: POST /pay records a payment by ref (unless told not to) and answers
 * according to `script`; POST /status answers from its records. It counts payment POSTs.
 */
interface Script {
  /** What /pay does: answer, record-then-hang (the classic ambiguous timeout), hang without recording, or a failure. */
  pay: ('success' | 'pending' | 'record-and-hang' | 'hang' | 'insufficient')[];
  /** How many status checks a pending payment stays pending. */
  pendingChecks: number;
}
let script: Script;
// Counted per payment reference, so a late request from an earlier test cannot skew a later one.
const postsByRef = new Map<string, number>();
const checksByRef = new Map<string, number>();
let currentRef = '';
let paymentPosts = 0;
let statusChecks = 0;
const records = new Map<string, { status: 'success' | 'pending'; checks: number }>();
let server: Server;
let base: string;
const sockets = new Set<import('node:net').Socket>();

const json = (res: ServerResponse, value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const ref = form.get('ref') ?? '';
      if (req.url === '/pay') {
        const n = postsByRef.get(ref) ?? 0;
        postsByRef.set(ref, n + 1);
        if (ref === currentRef) paymentPosts = n + 1;
        const behaviour = script.pay[n] ?? 'success';
        if (behaviour === 'hang') return;
        if (behaviour === 'insufficient') return json(res, { code: '800', status: 'failed' });
        records.set(ref, { status: behaviour === 'success' ? 'success' : 'pending', checks: 0 });
        if (behaviour === 'record-and-hang') return;
        return json(res, { code: '0000', status: behaviour, ref });
      }
      if (req.url === '/status') {
        checksByRef.set(ref, (checksByRef.get(ref) ?? 0) + 1);
        if (ref === currentRef) statusChecks = checksByRef.get(ref) ?? 0;
        const rec = records.get(ref);
        if (!rec) return json(res, { status: 'not_found' });
        rec.checks++;
        if (rec.status === 'pending' && rec.checks > script.pendingChecks) rec.status = 'success';
        return json(res, { status: rec.status, ref });
      }
      res.writeHead(404).end();
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
  paymentPosts = 0;
  statusChecks = 0;
  records.clear();
});

type Answer = { status: string; ref?: string; code?: string };

/** A minimal client over the toy provider, shaped like the real clients use the engine. */
function run(ref: string, options: { rePostGraceMs?: number; deadlineMs?: number; payUrl?: string } = {}) {
  currentRef = ref;
  // Generous against a loaded CI machine; the hanging answers still time out well inside the deadline.
  const transport = createTransport({ provider: 'espay', timeoutMs: 1500 });
  const call = async (path: string, idempotent: boolean, signal: AbortSignal) => {
    const res = await transport.send({
      operation: path,
      url: options.payUrl && path === '/pay' ? options.payUrl : `${base}${path}`,
      body: `ref=${ref}`,
      idempotent,
      signal,
    });
    return parseJsonBody(res, { provider: 'espay' }) as Answer;
  };
  return confirmPayment<Answer, Answer, { ref: string }>({
    references: { ref },
    deadlineMs: options.deadlineMs ?? 10_000,
    poll: { initialDelayMs: 20, maxDelayMs: 60 },
    rePostGraceMs: options.rePostGraceMs ?? 0,
    async pay({ signal }): Promise<PayStep<Answer>> {
      const a = await call('/pay', false, signal);
      if (a.code === '800') {
        throw new InsufficientBalanceError({ provider: 'espay', message: 'no balance', code: '800' });
      }
      return { outcome: a.status === 'success' ? 'success' : 'pending', value: a };
    },
    async checkStatus({ signal }): Promise<StatusStep<Answer>> {
      const a = await call('/status', true, signal);
      if (a.status === 'not_found') return { outcome: 'not_found', value: a };
      return { outcome: a.status as 'success' | 'pending', value: a };
    },
  });
}

describe('confirmPayment against a loopback provider', () => {
  it('a plain success is one POST and no status check', async () => {
    script = { pay: ['success'], pendingChecks: 0 };
    const r = await run('R1');
    expect(r).toMatchObject({ outcome: 'success', via: 'pay', payments: 1, statusChecks: 0 });
    expect(paymentPosts).toBe(1);
  });

  it('a pay that timed out after the provider recorded it is confirmed by status, never re-posted', async () => {
    script = { pay: ['record-and-hang'], pendingChecks: 2 };
    const r = await run('R2');
    expect(r.outcome).toBe('success');
    expect(r).toMatchObject({ via: 'status', rePosted: false });
    expect(paymentPosts).toBe(1);
    expect(statusChecks).toBe(3);
  });

  it('pending is polled until final', async () => {
    script = { pay: ['pending'], pendingChecks: 3 };
    const r = await run('R3');
    expect(r).toMatchObject({ outcome: 'success', via: 'status', statusChecks: 4 });
    expect(paymentPosts).toBe(1);
  });

  it('not recorded (status says not_found) → exactly one re-post', async () => {
    script = { pay: ['hang', 'success'], pendingChecks: 0 };
    const r = await run('R4');
    expect(r).toMatchObject({ outcome: 'success', via: 'pay', rePosted: true, payments: 2 });
    expect(paymentPosts).toBe(2);
  });

  it('not_found inside the grace period is not trusted: no re-post, unknown at the deadline', async () => {
    script = { pay: ['hang', 'success'], pendingChecks: 0 };
    const r = await run('R5', { rePostGraceMs: 60_000, deadlineMs: 1000 });
    expect(r.outcome).toBe('unknown');
    expect(paymentPosts).toBe(1);
    if (r.outcome === 'unknown') {
      expect(r.references).toEqual({ ref: 'R5' });
      expect(r.reason).toMatch(/deadline/);
    }
  });

  it('never more than one re-post, even if the re-post hangs too', async () => {
    script = { pay: ['hang', 'hang', 'success'], pendingChecks: 0 };
    // Room for the re-post on a loaded machine: the first attempt times out at 1.5 s, the re-post follows.
    const r = await run('R6', { deadlineMs: 5000 });
    expect(r.outcome).toBe('unknown');
    expect(paymentPosts).toBe(2);
    expect(r.rePosted).toBe(true);
  });

  it('a definite failure is failed without any status check', async () => {
    script = { pay: ['insufficient'], pendingChecks: 0 };
    const r = await run('R7');
    expect(r.outcome).toBe('failed');
    if (r.outcome === 'failed') expect(r.error).toBeInstanceOf(InsufficientBalanceError);
    expect(statusChecks).toBe(0);
  });

  it('connection refused means not sent: failed, no status check', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    script = { pay: ['success'], pendingChecks: 0 };
    const r = await run('R8', { payUrl: `http://127.0.0.1:${port}/pay` });
    expect(r.outcome).toBe('failed');
    if (r.outcome === 'failed') expect(r.error).toBeInstanceOf(ConnectionError);
    expect(statusChecks).toBe(0);
  });
});

describe('confirmPayment rules (in-memory)', () => {
  const timeout = () => new TimeoutError({ provider: 'iak', message: 't', phase: 'before-response' });

  it('status unavailable → unknown with references, no re-post', async () => {
    let pays = 0;
    const r = await confirmPayment({
      references: { rq_uuid: 'U1', order_id: 'O1' },
      poll: { initialDelayMs: 1 },
      pay: async () => {
        pays++;
        throw timeout();
      },
      checkStatus: async () => ({ outcome: 'unavailable', reason: 'no ref_id came back' }) as const,
    });
    expect(r).toMatchObject({ outcome: 'unknown', reason: 'no ref_id came back', references: { rq_uuid: 'U1', order_id: 'O1' } });
    expect(pays).toBe(1);
  });

  it('a non-transient status error (auth) → unknown, not failed', async () => {
    const r = await confirmPayment({
      references: {},
      poll: { initialDelayMs: 1 },
      pay: async () => ({ outcome: 'pending', value: 1 }),
      checkStatus: async () => {
        throw new AuthenticationError({ provider: 'iak', message: 'no' });
      },
    });
    expect(r.outcome).toBe('unknown');
    if (r.outcome === 'unknown') expect(r.lastError).toBeInstanceOf(AuthenticationError);
  });

  it('programming errors propagate', async () => {
    await expect(
      confirmPayment({
        references: {},
        pay: async () => {
          throw new TypeError('bug');
        },
        checkStatus: async () => ({ outcome: 'unavailable', reason: '' }) as const,
      }),
    ).rejects.toThrow(TypeError);
  });

  it('isAmbiguousPaymentError', () => {
    expect(isAmbiguousPaymentError(timeout())).toBe(true);
    expect(
      isAmbiguousPaymentError(
        new ConnectionError({ provider: 'iak', message: 'c', phase: 'before-response', requestMaybeReceived: false }),
      ),
    ).toBe(false);
    expect(isAmbiguousPaymentError(new InsufficientBalanceError({ provider: 'iak', message: 'c' }))).toBe(false);
    expect(isAmbiguousPaymentError(new Error('x'))).toBe(false);
  });

  it('property: whatever pay and status do, at most 2 POSTs, and a re-post only follows a not_found', async () => {
    const payBehaviour = fc.constantFrom('success', 'failed', 'pending', 'timeout', 'connection', 'insufficient');
    const statusBehaviour = fc.constantFrom('success', 'failed', 'pending', 'not_found', 'timeout', 'auth', 'unavailable');
    await fc.assert(
      fc.asyncProperty(
        fc.array(payBehaviour, { minLength: 3, maxLength: 3 }),
        fc.array(statusBehaviour, { minLength: 1, maxLength: 12 }),
        async (pays, statuses) => {
          const log: string[] = [];
          let p = 0;
          let s = 0;
          let clock = 0; // virtual time: sleeping advances it, so polling ends at the deadline without real waiting
          const r = await confirmPayment<string, string, { id: string }>({
            references: { id: 'X' },
            deadlineMs: 10_000,
            poll: { initialDelayMs: 100, maxDelayMs: 1000 },
            rePostGraceMs: 0,
            now: () => clock,
            sleep: async (ms) => {
              clock += ms;
            },
            pay: async () => {
              const b = pays[p++] ?? 'success';
              log.push(`pay:${b}`);
              if (b === 'timeout') throw timeout();
              if (b === 'connection')
                throw new ConnectionError({ provider: 'espay', message: 'c', phase: 'before-response', requestMaybeReceived: true });
              if (b === 'insufficient') throw new InsufficientBalanceError({ provider: 'espay', message: 'i' });
              return { outcome: b as 'success' | 'failed' | 'pending', value: b };
            },
            checkStatus: async () => {
              const b = statuses[s++ % statuses.length] as string;
              log.push(`status:${b}`);
              if (b === 'timeout') throw timeout();
              if (b === 'auth') throw new AuthenticationError({ provider: 'espay', message: 'a' });
              if (b === 'unavailable') return { outcome: 'unavailable', reason: 'u' };
              if (b === 'not_found') return { outcome: 'not_found' };
              return { outcome: b as 'success' | 'failed' | 'pending', value: b };
            },
          });
          const posts = log.filter((l) => l.startsWith('pay:'));
          expect(posts.length).toBeLessThanOrEqual(2);
          if (posts.length === 2) {
            const i = log.lastIndexOf(posts[1] as string);
            expect(log.slice(0, i).at(-1)).toBe('status:not_found');
          }
          expect(r.payments).toBe(posts.length);
          // A failed result only ever comes from a definite answer.
          if (r.outcome === 'failed') expect(log.at(-1)).toMatch(/pay:(failed|insufficient)|status:failed/);
          if (r.outcome === 'success') expect(log.at(-1)).toMatch(/success/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
