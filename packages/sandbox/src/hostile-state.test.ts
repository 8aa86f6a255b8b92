/**
 * Hostile use of the sandbox's state (issue 15), each finding a regression test: one bill inquired and paid
 * 50 times at once, a paid bill inquired again, clients that stop reading, state that grows without bound,
 * and a restart that forgets what was paid (`stateFile`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iakSign } from '@billerkit/signing';
import { afterAll, describe, expect, it } from 'vitest';
import { EspayTestClient } from './espay/espay.test.helpers.js';
import { type Sandbox, startSandbox } from './sandbox.js';

const started: Sandbox[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function sandboxWith(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ deterministic: true, ...options });
  started.push(sandbox);
  return sandbox;
}

async function iak(sandbox: Sandbox, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.url}/api/v1/bill/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

function iakCommands(sandbox: Sandbox) {
  const { username, apiKey } = sandbox.credentials.iak;
  return {
    inquiry: (hp: string, refId: string) =>
      iak(sandbox, { commands: 'inq-pasca', username, code: 'PLNPOSTPAID', hp, ref_id: refId, sign: iakSign(username, apiKey, refId) }),
    pay: (trId: unknown) =>
      iak(sandbox, { commands: 'pay-pasca', username, tr_id: String(trId), sign: iakSign(username, apiKey, String(trId)) }),
    status: (refId: string) => iak(sandbox, { commands: 'checkstatus', username, ref_id: refId, sign: iakSign(username, apiKey, 'cs') }),
  };
}

describe('a bill is paid once', () => {
  it('IAK: 50 concurrent inquiries + payments of 530000000001 take money once; later inquiries answer 01 until reset', async () => {
    const sandbox = await sandboxWith();
    const { inquiry, pay } = iakCommands(sandbox);
    const before = sandbox.balances().iak;
    let sellingPrice = 0n;
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const bill = await inquiry('530000000001', `RACE${i}`);
        if (bill['response_code'] !== '00') return `inquiry ${String(bill['response_code'])}`;
        sellingPrice = BigInt(bill['selling_price'] as number) * 100n; // rupiah → sen
        return (await pay(bill['tr_id']))['response_code'];
      }),
    );
    expect(results.filter((code) => code === '00')).toHaveLength(1);
    expect(results.every((code) => code === '00' || code === '01' || code === 'inquiry 01')).toBe(true);
    expect(sandbox.transactions().filter((t) => t.provider === 'iak')).toHaveLength(1);
    expect(sellingPrice).toBeGreaterThan(0n);
    expect(before - sandbox.balances().iak).toBe(sellingPrice);
    expect(await inquiry('530000000001', 'AFTER1')).toMatchObject({ response_code: '01', message: 'INVOICE HAS BEEN PAID' });
    sandbox.reset();
    expect((await inquiry('530000000001', 'AFTER2'))['response_code']).toBe('00');
  });

  it('IAK: iakStatelessTestNumbers restores IAK test-host behaviour (the same number pays again)', async () => {
    const sandbox = await sandboxWith({ iakStatelessTestNumbers: true });
    const { inquiry, pay } = iakCommands(sandbox);
    for (const refId of ['S1', 'S2']) {
      const bill = await inquiry('530000000001', refId);
      expect(bill['response_code']).toBe('00');
      expect((await pay(bill['tr_id']))['response_code']).toBe('00');
    }
    expect(sandbox.transactions()).toHaveLength(2);
  });

  it('Espay: 50 concurrent inquiries + payments of one order take money once; a later inquiry answers 0088', async () => {
    const sandbox = await sandboxWith();
    const client = new EspayTestClient(sandbox, 'RC');
    const before = sandbox.balances().espay;
    const codes = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const inquiry = await client.inquiry('081299990001', 'SPBFRE');
        if (inquiry.body.error_code !== '0000') return `inquiry ${inquiry.body.error_code}`;
        return (await client.payment('081299990001', 'SPBFRE', inquiry.body.amount, { data: JSON.stringify(inquiry.body.data) })).body
          .error_code as string;
      }),
    );
    expect(codes.filter((code) => code === '0000')).toHaveLength(1);
    const payments = sandbox.transactions().filter((t) => t.provider === 'espay');
    expect(payments).toHaveLength(1);
    expect(before - sandbox.balances().espay).toBe(BigInt(payments[0]?.amountMinor ?? '0'));
    expect((await client.inquiry('081299990001', 'SPBFRE')).body.error_code).toBe('0088');
  });
});

describe('bounded connections and state', () => {
  it('a client that sends nothing, or stops reading its answers, is disconnected after the idle timeout', async () => {
    const sandbox = await sandboxWith({ idleTimeoutMs: 300, maxLatencyMs: 0 });
    const client = new EspayTestClient(sandbox, 'ID');
    // Answers of about 10 kB each, so that the pipelined ones below overflow every socket buffer.
    for (let i = 0; i < 40; i++) await client.inquireAndPay(`0812777${String(i).padStart(5, '0')}`, 'SPBFRE');
    const idle = connect(sandbox.port, '127.0.0.1');
    const stalled = connect(sandbox.port, '127.0.0.1');
    stalled.on('connect', () => {
      stalled.pause(); // never reads
      stalled.write(`GET /__sandbox/transactions HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\n\r\n`.repeat(3_000));
    });
    await new Promise((resolve) => idle.once('connect', resolve));
    expect(sandbox.stats().connections).toBeGreaterThanOrEqual(2);
    // Generous: the claim is that they are closed at all (without the limit they stay open forever).
    const deadline = Date.now() + 20_000;
    while (sandbox.stats().connections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sandbox.stats().connections).toBe(0);
    idle.destroy();
    stalled.destroy();
    expect((await fetch(`${sandbox.url}/__sandbox/health`)).status).toBe(200);
  }, 60_000);

  it('keeps at most retention.inquiries open inquiries and retention.requestIds used ids, oldest forgotten first', async () => {
    const sandbox = await sandboxWith({ retention: { inquiries: 20, requestIds: 30 } });
    const { inquiry, status } = iakCommands(sandbox);
    for (let i = 0; i < 25; i++) expect((await inquiry('530000000002', `KEEP${i}`))['response_code']).toBe('00');
    expect((await status('KEEP0'))['response_code']).toBe('06'); // forgotten
    expect((await status('KEEP24'))['response_code']).toBe('42'); // kept, not paid yet
    const client = new EspayTestClient(sandbox, 'RT');
    const first = client.balanceFields();
    await client.post('/rest/billertools/getbalance', first);
    for (let i = 0; i < 30; i++) await client.balance();
    // The first rq_uuid fell out of the 30 remembered ones.
    expect((await client.post('/rest/billertools/getbalance', first)).body.error_code).toBe('0000');
  }, 60_000);
});

describe('stateFile keeps what was paid across a restart', () => {
  it('a paid IAK ref_id is still paid, the bill still answers 01, deposits and used Espay ids are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billerkit-state-'));
    dirs.push(dir);
    const stateFile = join(dir, 'state.json');
    const first = await startSandbox({ deterministic: true, stateFile });
    const { inquiry, pay } = iakCommands(first);
    const bill = await inquiry('530000000001', 'PERSIST1');
    expect((await pay(bill['tr_id']))['response_code']).toBe('00');
    const espay = new EspayTestClient(first, 'PS');
    const { payment } = await espay.inquireAndPay('081299990002', 'SPBFRE');
    expect(payment.body.error_code).toBe('0000');
    const used = espay.balanceFields();
    expect((await espay.post('/rest/billertools/getbalance', used)).body.error_code).toBe('0000');
    const balances = first.balances();
    // Written before each answer, atomically: the file is complete JSON and no temporary file is left.
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).version).toBe(1);
    expect(readdirSync(dir)).toEqual(['state.json']);
    await first.close();

    const second = await sandboxWith({ stateFile, port: 0 });
    const again = iakCommands(second);
    expect(await again.status('PERSIST1')).toMatchObject({ response_code: '00', status: 1, tr_id: bill['tr_id'] });
    expect((await again.inquiry('530000000001', 'PERSIST2'))['response_code']).toBe('01');
    expect(second.balances()).toEqual(balances);
    expect(
      second
        .transactions()
        .map((t) => t.merchantRef)
        .sort(),
    ).toEqual(
      first
        .transactions()
        .map((t) => t.merchantRef)
        .sort(),
    );
    const espay2 = new EspayTestClient(second, 'PT');
    expect((await espay2.post('/rest/billertools/getbalance', used)).body.error_code).toBe('210');
    expect((await espay2.inquiry('081299990002', 'SPBFRE')).body.error_code).toBe('0088');
  }, 60_000);

  it('a state file that is not a sandbox state stops the start with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billerkit-state-'));
    dirs.push(dir);
    const broken = join(dir, 'broken.json');
    await import('node:fs').then((fs) => fs.writeFileSync(broken, '{"version":2}'));
    await expect(startSandbox({ stateFile: broken })).rejects.toThrow(/not a billerkit sandbox state/);
  });
});
