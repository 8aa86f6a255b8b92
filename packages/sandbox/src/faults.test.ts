import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EspayTestClient, PATHS } from './espay/espay.test.helpers.js';
import { type FaultRequestInfo, parseFaultHeader, resolveFaults } from './faults.js';
import { type Sandbox, startSandbox } from './sandbox.js';

const INITIAL = 1_000_000_000n;

describe('fault parsing', () => {
  it('splits the header and caps latency', () => {
    expect(parseFaultHeader(' latency=20 , http-503,')).toEqual(['latency=20', 'http-503']);
    expect(resolveFaults(['latency=20', 'http-503'], 1_000)).toEqual({ latencyMs: 20, terminal: 'http-503' });
    expect(resolveFaults(['latency=999999'], 1_000)).toEqual({ latencyMs: 1_000, terminal: undefined });
    expect(resolveFaults([{ kind: 'latency', ms: 5 }, { kind: 'malformed-body' }], 100)).toEqual({
      latencyMs: 5,
      terminal: 'malformed-body',
    });
  });

  it('refuses unknown faults and two ending faults at once', () => {
    expect(() => resolveFaults(['explode'], 10)).toThrow(/unknown fault/);
    expect(() => resolveFaults(['latency=-1'], 10)).toThrow(/whole milliseconds/);
    expect(() => resolveFaults(['http-500', 'drop-after-record'], 10)).toThrow(/cannot both happen/);
  });
});

describe('faults through the server', () => {
  let sandbox: Sandbox;
  let client: EspayTestClient;
  const logged: unknown[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ deterministic: true, maxLatencyMs: 300, logger: { error: (m) => logged.push(m) } });
    client = new EspayTestClient(sandbox);
  });
  afterEach(() => sandbox.reset());
  afterAll(async () => {
    await sandbox.close();
    expect(client.violations()).toEqual([]);
    expect(logged).toEqual([]);
    expect(sandbox.stats().internalErrors).toBe(0);
  });

  const fault = (value: string) => ({ headers: { 'x-sandbox-fault': value } });
  const pay = (orderId: string, value: string) => client.payment(orderId, 'SINCBN', '100000000', {}, { ...fault(value), noContract: true });

  it('latency=<ms> delays the answer, which is otherwise normal', async () => {
    const started = performance.now();
    const answer = await client.balance(fault('latency=150'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(answer.body.error_code).toBe('0000');
  });

  it('latency is capped by maxLatencyMs', async () => {
    const started = performance.now();
    await client.balance(fault('latency=60000'));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('drop-before-record: the socket dies and nothing happens', async () => {
    await expect(pay('4333333333', 'drop-before-record')).rejects.toThrow();
    expect(sandbox.transactions()).toEqual([]);
    expect(sandbox.balances().espay).toBe(INITIAL);
    // Nothing was recorded, so the same payment can simply be sent again.
    expect((await client.payment('4333333333', 'SINCBN', '100000000')).body.error_code).toBe('0000');
  });

  it('drop-after-record: the payment happened, the answer is lost', async () => {
    await expect(pay('4333333333', 'drop-after-record')).rejects.toThrow();
    expect(sandbox.transactions()).toEqual([
      expect.objectContaining({ status: 'success', customer: '4333333333', amountMinor: '100000000' }),
    ]);
    expect(sandbox.balances().espay).toBe(INITIAL - 100_000_000n);
    // A blind resend is caught by the 5-minute rule instead of paying twice.
    expect((await client.payment('4333333333', 'SINCBN', '100000000')).body.error_code).toBe('610');
  });

  it.each([
    ['http-500', 500],
    ['http-503', 503],
  ])('%s answers that status without reaching the provider', async (kind, status) => {
    const response = await fetch(`${sandbox.url}${PATHS.payment}`, {
      method: 'POST',
      headers: { authorization: client.authHeader(), 'content-type': 'application/x-www-form-urlencoded', 'x-sandbox-fault': kind },
      body: new URLSearchParams(client.paymentFields('4333333333', 'SINCBN', '100000000')).toString(),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    await response.text();
    expect(sandbox.transactions()).toEqual([]);
  });

  it('malformed-body: recorded, and the answer is cut-off JSON', async () => {
    const answer = await pay('4333333333', 'malformed-body');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    expect(answer.body).toBeUndefined();
    expect(() => JSON.parse(answer.text)).toThrow();
    expect(answer.text.startsWith('{"rq_uuid":')).toBe(true);
    expect(sandbox.transactions()).toHaveLength(1);
  });

  it('latency combines with an ending fault', async () => {
    const started = performance.now();
    await expect(pay('4333333333', 'latency=100, drop-after-record')).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(sandbox.transactions()).toHaveLength(1);
  });

  it("an unknown fault is the test's mistake: 400 naming it, nothing recorded", async () => {
    const answer = await pay('4333333333', 'explode');
    expect(answer.status).toBe(400);
    expect(answer.body.sandboxError).toMatch(/unknown fault "explode"/);
    expect(sandbox.transactions()).toEqual([]);
  });

  it('faults never apply to the inspection routes', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/health`, { headers: { 'x-sandbox-fault': 'http-500' } });
    expect(response.status).toBe(200);
    await response.text();
  });
});

describe('per-run faults', () => {
  it('a function decides per request', async () => {
    const seen: FaultRequestInfo[] = [];
    const sandbox = await startSandbox({
      faults: (info) => {
        seen.push(info);
        return info.path === PATHS.payment && info.sequence === 2 ? 'http-503' : undefined;
      },
    });
    const client = new EspayTestClient(sandbox);
    try {
      expect((await client.balance()).status).toBe(200);
      expect((await client.payment('4333333333', 'SINCBN', '100000000', {}, { noContract: true })).status).toBe(503);
      expect((await client.payment('4333333333', 'SINCBN', '100000000')).status).toBe(200);
      expect(seen.map((s) => [s.sequence, s.provider, s.method])).toEqual([
        [1, 'espay', 'POST'],
        [2, 'espay', 'POST'],
        [3, 'espay', 'POST'],
      ]);
      // The header still wins over the plan.
      expect((await client.balance({ headers: { 'x-sandbox-fault': 'http-500' }, noContract: true })).status).toBe(500);
    } finally {
      await sandbox.close();
    }
  });

  it('a probability list, seeded in deterministic mode, fails the same requests in every run', async () => {
    const run = async () => {
      const sandbox = await startSandbox({
        deterministic: { seed: 'faulty' },
        faults: [
          { fault: 'http-503', probability: 0.3, path: PATHS.balance },
          { fault: 'http-500', probability: 1, provider: 'iak' },
        ],
      });
      const client = new EspayTestClient(sandbox);
      const statuses: number[] = [];
      try {
        for (let i = 0; i < 40; i++) statuses.push((await client.balance({ noContract: true })).status);
        const iak = await fetch(`${sandbox.url}/api/v1/bill/check`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        });
        statuses.push(iak.status);
        await iak.text();
        // Only the path named in the list is affected.
        statuses.push((await client.inquiry('880000000000', 'SPBFRE', {}, { noContract: true })).status);
      } finally {
        await sandbox.close();
      }
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const failures = first.slice(0, 40).filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
    expect(first.slice(40)).toEqual([500, 200]);
  });
});
