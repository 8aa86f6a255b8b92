import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { iakSign } from '@billerkit/signing';
import { validate } from '@billerkit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkContract, EspayTestClient, PATHS } from './espay/espay.test.helpers.js';
import { type Sandbox, startSandbox } from './sandbox.js';

describe('startSandbox', () => {
  it('listens on loopback on an ephemeral port and hands out credentials shaped like the client options', async () => {
    const sandbox = await startSandbox();
    try {
      expect(sandbox.host).toBe('127.0.0.1');
      expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
      expect(sandbox.port).toBeGreaterThan(0);
      expect(sandbox.credentials.espay).toEqual({
        senderId: expect.any(String),
        password: expect.any(String),
        signatureKey: expect.any(String),
        basicAuth: { username: expect.any(String), password: expect.any(String) },
      });
      expect(sandbox.credentials.iak).toEqual({ username: expect.any(String), apiKey: expect.any(String) });
    } finally {
      await sandbox.close();
    }
  });

  it('takes credential overrides and uses them', async () => {
    const sandbox = await startSandbox({
      credentials: { espay: { senderId: 'MYSHOP', basicAuth: { password: 'p' } }, iak: { apiKey: 'k' } },
    });
    try {
      expect(sandbox.credentials.espay.senderId).toBe('MYSHOP');
      expect(sandbox.credentials.espay.basicAuth.password).toBe('p');
      expect(sandbox.credentials.espay.basicAuth.username).toBe('espay-test');
      const client = new EspayTestClient(sandbox);
      expect((await client.balance()).body.error_code).toBe('0000');
      expect(client.violations()).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses bad options at start rather than at the first request', async () => {
    await expect(startSandbox({ faults: [{ fault: 'explode', probability: 0.5 }] })).rejects.toThrow(/unknown fault/);
    await expect(startSandbox({ faults: [{ fault: 'http-500', probability: 2 }] })).rejects.toThrow(/probability/);
    await expect(startSandbox({ initialBalances: { espay: '-1' } })).rejects.toThrow(/initialBalances/);
    await expect(startSandbox({ credentials: { espay: { basicAuth: { username: 'a:b' } } } })).rejects.toThrow(/":"/);
    await expect(startSandbox({ settle: { afterChecks: 0 } })).rejects.toThrow(/settle.afterChecks/);
  });

  it('close() releases the port, and is idempotent', async () => {
    const sandbox = await startSandbox();
    const client = new EspayTestClient(sandbox);
    expect((await client.balance()).status).toBe(200); // leaves a keep-alive connection behind
    await Promise.all([sandbox.close(), sandbox.close()]);
    await sandbox.close();
    // The same port can be bound again at once.
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(sandbox.port, '127.0.0.1', () => probe.close(() => resolve()));
    });
    await expect(fetch(`${sandbox.url}/__sandbox/health`)).rejects.toThrow();
  });

  it('close() does not wait for a request sleeping on injected latency', async () => {
    const sandbox = await startSandbox({ maxLatencyMs: 20_000 });
    const client = new EspayTestClient(sandbox);
    const pending = client.balance({ headers: { 'x-sandbox-fault': 'latency=20000' }, noContract: true }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await sandbox.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('binds another interface only when asked', async () => {
    const sandbox = await startSandbox({ host: '127.0.0.2' }).catch(() => undefined);
    if (sandbox) {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.2:/);
      await sandbox.close();
    }
  });
});

describe('routing and inspection', () => {
  let sandbox: Sandbox;
  let client: EspayTestClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ deterministic: true });
    client = new EspayTestClient(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
    expect(client.violations()).toEqual([]);
    expect(sandbox.stats().internalErrors).toBe(0);
  });

  const get = async (path: string, init?: RequestInit) => {
    // The inspection routes take JSON only; a test of that sets its own content-type.
    const headers =
      init?.method === 'POST' ? { 'content-type': 'application/json', ...(init.headers as Record<string, string>) } : init?.headers;
    const response = await fetch(`${sandbox.url}${path}`, { ...init, ...(headers ? { headers } : {}) });
    const text = await response.text();
    return { status: response.status, text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
  };

  it('GET /__sandbox/health', async () => {
    const health = await get('/__sandbox/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', providers: ['espay', 'iak'], internalErrors: 0, now: '2025-01-01T03:00:00.000Z' });
  });

  it('GET /__sandbox/transactions shows what was recorded, for both providers or one', async () => {
    const { payment } = await client.inquireAndPay('081234000010', 'SPBFRE');
    const all = await get('/__sandbox/transactions');
    expect(all.body.transactions).toEqual([
      {
        provider: 'espay',
        ref: payment.body.ref_id,
        merchantRef: expect.stringMatching(/^SANDBOXBK/),
        customer: '081234000010',
        productCode: 'SPBFRE',
        amountMinor: expect.stringMatching(/^[0-9]+$/),
        status: 'success',
        createdAt: '2025-01-01T03:00:00.000Z',
        updatedAt: '2025-01-01T03:00:00.000Z',
      },
    ]);
    expect((await get('/__sandbox/transactions?provider=iak')).body.transactions).toEqual([]);
    expect((await get('/__sandbox/transactions?provider=espay')).body.transactions).toHaveLength(1);
    expect((await get('/__sandbox/transactions?provider=x')).status).toBe(400);
    const balances = await get('/__sandbox/balances');
    expect(BigInt(balances.body.espay)).toBe(1_000_000_000n - BigInt(all.body.transactions[0].amountMinor));

    expect((await get('/__sandbox/reset', { method: 'POST' })).body).toEqual({ reset: true });
    expect((await get('/__sandbox/transactions')).body.transactions).toEqual([]);
    expect((await get('/__sandbox/balances')).body).toEqual({ espay: '1000000000', iak: '1000000000' });
  });

  it('POST /__sandbox/clock moves the clock; GET reads it', async () => {
    expect(
      (
        await get('/__sandbox/clock', {
          method: 'POST',
          body: JSON.stringify({ advanceMs: 60_000 }),
          headers: { 'content-type': 'application/json' },
        })
      ).body,
    ).toEqual({
      now: '2025-01-01T03:01:00.000Z',
    });
    expect((await get('/__sandbox/clock')).body.now).toBe('2025-01-01T03:01:00.000Z');
    expect((await get('/__sandbox/clock', { method: 'POST', body: JSON.stringify({ advanceMs: -1 }) })).status).toBe(400);
    expect((await get('/__sandbox/clock', { method: 'POST', body: 'nope' })).status).toBe(400);
    sandbox.reset();
    expect((await get('/__sandbox/clock')).body.now).toBe('2025-01-01T03:00:00.000Z');
  });

  it('answers wrong methods and unknown routes under /__sandbox/ plainly', async () => {
    expect((await get('/__sandbox/reset')).status).toBe(405);
    expect((await get('/__sandbox/health', { method: 'POST' })).status).toBe(405);
    expect((await get('/__sandbox/state')).status).toBe(405);
    expect((await get('/__sandbox/nothing')).status).toBe(404);
    expect((await get('/__sandbox/state', { method: 'POST', body: '{' })).status).toBe(400);
    expect((await get('/__sandbox/state', { method: 'POST', body: '[]' })).status).toBe(400);
    expect((await get('/__sandbox/health', { method: 'DELETE' })).status).toBe(405);
  });

  /** node:http sends the path as written (fetch would resolve the dot segments before sending). */
  const rawPost = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: sandbox.port, method: 'POST', path, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('inspection routes cannot be reached through provider paths', async () => {
    await client.inquireAndPay('081234000011', 'SPBFRE');
    for (const path of [
      '/rest/../__sandbox/reset',
      '/rest/biller/../../__sandbox/reset',
      '/api/v1/..%2F..%2F__sandbox/reset',
      '//__sandbox/reset',
      '/%5F_sandbox/reset',
    ]) {
      expect(await rawPost(path), path).toBe(404);
    }
    expect(sandbox.transactions()).toHaveLength(1);
    // The literal route does work (so the test above can fail).
    expect(await rawPost('/__sandbox/reset')).toBe(200);
    expect(sandbox.transactions()).toHaveLength(0);
  });

  it('unknown paths get a plain 404; near-miss Espay paths are not Espay endpoints', async () => {
    for (const path of [
      '/',
      '/rest/biller/inquirytransaction/',
      '/REST/BILLER/INQUIRYTRANSACTION',
      '/rest/biller/nothing',
      '/favicon.ico',
    ]) {
      const answer = await get(path, { method: 'POST', body: 'a=b' });
      expect(answer.status, path).toBe(404);
    }
  });

  it('a query string does not change the Espay route', async () => {
    const answer = await client.raw(`${PATHS.balance}?x=1`, new URLSearchParams(client.balanceFields()).toString(), { noContract: true });
    expect(answer.body.error_code).toBe('0000');
    expect(checkContract(PATHS.balance, answer.status, answer.body).strict).toEqual([]);
  });
});

describe('the top-level catch', () => {
  it('turns an exception inside a provider into the provider error shape (logged, counted, never a 500)', async () => {
    let armed = false;
    const logged: Array<{ message: string; details?: Record<string, unknown> }> = [];
    const sandbox = await startSandbox({
      clock: () => {
        if (armed) throw new Error('clock broke');
        return new Date('2025-03-01T00:00:00Z');
      },
      logger: { error: (message, details) => logged.push({ message, ...(details ? { details } : {}) }) },
    });
    const client = new EspayTestClient(sandbox);
    try {
      expect((await client.balance()).body.error_code).toBe('0000');
      armed = true;
      const fields = client.inquiryFields('081234', 'SPBFRE');
      const answer = await client.post(PATHS.inquiry, fields);
      expect(answer.status).toBe(200);
      // 9999 (suspect): the outcome is unknown, so the client must check before paying again.
      expect(answer.body).toMatchObject({ error_code: '9999', error_desc: 'Suspect', rq_uuid: fields.rq_uuid, order_id: '081234' });
      expect(sandbox.stats().internalErrors).toBe(1);
      expect(logged).toHaveLength(1);
      expect(logged[0]?.details).toMatchObject({ path: PATHS.inquiry, provider: 'espay', error: 'clock broke' });
      // The log names the request but never its body or credentials.
      const text = JSON.stringify(logged);
      for (const secret of [sandbox.credentials.espay.password, sandbox.credentials.espay.signatureKey, fields.signature as string]) {
        expect(text).not.toContain(secret);
      }

      // IAK paths get IAK's envelope: rc 201 (undefined response code, i.e. pending).
      const { username, apiKey } = sandbox.credentials.iak;
      const iak = await fetch(`${sandbox.url}/api/v1/bill/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          commands: 'inq-pasca',
          username,
          code: 'PLNPOSTPAID',
          hp: '530000000001',
          ref_id: 'r1',
          sign: iakSign(username, apiKey, 'r1'),
        }),
      });
      const iakBody = (await iak.json()) as { data: Record<string, unknown> };
      expect(iak.status).toBe(200);
      expect(iakBody).toEqual({ data: { response_code: '201', message: 'UNDEFINED RESPONSE CODE' }, meta: [] });
      expect(validate('iak', 'BillCheckResponse', 'strict', iakBody).issues).toEqual([]);
      expect(sandbox.stats().internalErrors).toBe(2);
      armed = false;
      expect(client.violations()).toEqual([]);
    } finally {
      armed = false;
      await sandbox.close();
    }
  });
});
