/**
 * The client against the embedded sandbox (@billerkit/sandbox), as the README's quickstart uses it:
 * real HTTP on loopback, IAK's published test numbers, faults injected per request.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConnectionError, type FetchLike, ProviderError, RequestAbortedError, SignatureError, TimeoutError } from '@billerkit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iakValidators } from '@billerkit/validators/iak';
import { createIakClient, type IakClientOptions } from './index.js';

/** The parts of @billerkit/sandbox these tests use. */
interface Sandbox {
  url: string;
  credentials: { iak: { username: string; apiKey: string } };
  close(): Promise<void>;
  reset(): void;
  transactions(): { provider: string; ref: string; merchantRef: string; amountMinor: string; status: string }[];
  balances(): { espay: bigint; iak: bigint };
}
type StartSandbox = (options?: Record<string, unknown>) => Promise<Sandbox>;

/**
 * `@billerkit/sandbox` is a devDependency; until the workspace link exists (pnpm install), the built
 * package is loaded from its folder in this repository.
 */
async function loadSandbox(): Promise<StartSandbox> {
  try {
    const name = '@billerkit/sandbox';
    return ((await import(name)) as { startSandbox: StartSandbox }).startSandbox;
  } catch {
    const dist = fileURLToPath(new URL('../../sandbox/dist/index.js', import.meta.url));
    if (!existsSync(dist)) throw new Error('@billerkit/sandbox is not built: run npx turbo run build --filter=@billerkit/sandbox');
    return ((await import(pathToFileURL(dist).href)) as { startSandbox: StartSandbox }).startSandbox;
  }
}

let sandbox: Sandbox;
beforeAll(async () => {
  const startSandbox = await loadSandbox();
  sandbox = await startSandbox({ deterministic: true, settle: { afterChecks: 2 } });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

/** A fetch that counts the commands it sends and can add a sandbox fault to chosen ones. */
function recordingFetch(faultFor: (command: string, nth: number) => string | undefined = () => undefined) {
  const sent: string[] = [];
  const at: number[] = [];
  const fetch: FetchLike = (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const command = /inq-pasca|pay-pasca|checkstatus|pricelist-pasca/.exec(body)?.[0] ?? 'other';
    sent.push(command);
    at.push(Date.now());
    const fault = faultFor(command, sent.filter((c) => c === command).length);
    const headers = new Headers(init?.headers);
    if (fault) headers.set('x-sandbox-fault', fault);
    return globalThis.fetch(input, { ...init, headers });
  };
  return {
    fetch,
    sent,
    count: (command: string) => sent.filter((c) => c === command).length,
    times: (command: string) => at.filter((_t, i) => sent[i] === command),
  };
}

function client(extra: Partial<IakClientOptions> = {}) {
  return createIakClient({ baseUrl: sandbox.url, ...sandbox.credentials.iak, validators: iakValidators, validate: 'strict', ...extra });
}

describe.each(['json', 'xml'] as const)('against the sandbox (%s)', (format) => {
  it('inquires, pays once, confirms and downloads the receipt; the deposit drops by selling_price exactly', async () => {
    const iak = client({ format });
    const before = sandbox.balances().iak;

    const bill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: `SBX${format}1` });
    expect(bill.outcome).toBe('success');
    expect(bill.price).toBe(bill.nominal + bill.admin);
    expect(bill.bills.length).toBeGreaterThanOrEqual(1);

    const paid = await iak.pay({ trId: bill.trId });
    expect(paid.outcome).toBe('success');
    expect(paid.balance).toBe(before - bill.sellingPrice);
    expect(sandbox.balances().iak).toBe(before - bill.sellingPrice);

    const status = await iak.checkStatus({ refId: bill.refId });
    expect(status).toMatchObject({ outcome: 'success', status: 1, trId: bill.trId });

    const pdf = await iak.receipt({ trId: bill.trId });
    if (pdf.kind !== 'pdf') throw new Error('expected a PDF');
    expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const lines = await iak.receipt({ trId: bill.trId, format: 'data' });
    if (lines.kind !== 'data') throw new Error('expected receipt lines');
    expect(Object.keys(lines.lines).length).toBeGreaterThan(0);

    expect(sandbox.transactions().filter((t) => t.provider === 'iak')).toHaveLength(1);
  });

  it('lists prices and maps the documented failure numbers to typed errors', async () => {
    const iak = client({ format });
    const prices = await iak.pricelist({ type: 'pln' });
    expect(prices.products.length).toBeGreaterThan(0);
    expect(prices.products.every((p) => p.type === 'pln' && typeof p.fee === 'bigint')).toBe(true);

    await expect(iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000004', refId: `SBX${format}2` })).rejects.toMatchObject({
      code: '01',
      kind: 'already_paid',
    });
    await expect(iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000005', refId: `SBX${format}3` })).rejects.toMatchObject({ code: '14' });
    const timeout = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000003', refId: `SBX${format}4` }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect((timeout as TimeoutError).phase).toBe('provider');

    const failing = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000006', refId: `SBX${format}5` });
    const failed = await iak.pay({ trId: failing.trId }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderError);
    expect((failed as ProviderError).code).toBe('37');

    const wrong = createIakClient({ baseUrl: sandbox.url, username: sandbox.credentials.iak.username, apiKey: 'not-the-key', format });
    await expect(wrong.checkStatus({ refId: 'X1' })).rejects.toBeInstanceOf(SignatureError);
  });

  it('settles a pending payment (test number …7) through checkstatus', async () => {
    const iak = client({ format });
    const bill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000007', refId: `SBX${format}6` });
    const result = await iak.payAndConfirm(bill, { poll: { initialDelayMs: 10, maxDelayMs: 50 }, deadlineMs: 5000 });
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 1 });
    expect(result.payment).toMatchObject({ outcome: 'pending', responseCode: '39' });
  });
});

describe('payAndConfirm against sandbox faults', () => {
  const FAST = { poll: { initialDelayMs: 20, maxDelayMs: 80 }, rePostGraceMs: 100, deadlineMs: 5000 };

  it('pays once when the connection drops after the sandbox recorded the payment', async () => {
    const wire = recordingFetch((command, nth) => (command === 'pay-pasca' && nth === 1 ? 'drop-after-record' : undefined));
    const iak = client({ fetch: wire.fetch });
    const before = sandbox.balances().iak;
    const bill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'SBXF1' });

    const result = await iak.payAndConfirm(bill, FAST);

    expect(wire.count('pay-pasca')).toBe(1);
    expect(result).toMatchObject({ outcome: 'success', via: 'status', rePosted: false });
    expect(result.outcome === 'success' && result.payment).toBeFalsy();
    expect(sandbox.balances().iak).toBe(before - bill.sellingPrice);
    expect(sandbox.transactions().filter((t) => t.provider === 'iak' && t.status === 'success')).toHaveLength(1);
  });

  it('waits out the grace period before re-posting a payment the client gave up on', async () => {
    // The client gives up after 1000 ms; the sandbox, still in its 4000 ms latency, then drops the
    // abandoned request unrecorded, so checkstatus keeps saying "not received" (42). The margins are wide
    // so that status checks and the re-post never time out on a loaded machine.
    const wire = recordingFetch((command, nth) => (command === 'pay-pasca' && nth === 1 ? 'latency=4000' : undefined));
    const iak = client({ fetch: wire.fetch, timeoutMs: 1000 });
    const before = sandbox.balances().iak;
    const bill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'SBXF2' }, { timeoutMs: 30_000 });

    const result = await iak.payAndConfirm(bill, { ...FAST, rePostGraceMs: 600, deadlineMs: 10_000 });

    expect(wire.count('pay-pasca')).toBe(2);
    const [first, second] = wire.times('pay-pasca');
    // 1000 ms timeout + 600 ms grace before the second POST, with "not received" checks in between.
    expect(second! - first!).toBeGreaterThanOrEqual(1600);
    expect(
      wire.sent.slice(wire.sent.indexOf('pay-pasca') + 1, wire.sent.lastIndexOf('pay-pasca')).filter((c) => c === 'checkstatus').length,
    ).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ outcome: 'success', via: 'pay', rePosted: true });
    // Let the abandoned first attempt finish its latency (it started at `first`, and the sandbox drops it then).
    await new Promise((r) => setTimeout(r, Math.max(0, first! + 4000 + 500 - Date.now())));
    expect(sandbox.balances().iak).toBe(before - bill.sellingPrice);
    expect(sandbox.transactions().filter((t) => t.provider === 'iak')).toHaveLength(1);
  });

  it('re-posts once when the sandbox never recorded the payment, and money moves once', async () => {
    const wire = recordingFetch((command, nth) => (command === 'pay-pasca' && nth === 1 ? 'drop-before-record' : undefined));
    const iak = client({ fetch: wire.fetch });
    const before = sandbox.balances().iak;
    const bill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'SBXF3' });

    const result = await iak.payAndConfirm(bill, FAST);

    expect(wire.count('pay-pasca')).toBe(2);
    expect(result).toMatchObject({ outcome: 'success', via: 'pay', rePosted: true, payments: 2 });
    if (result.outcome === 'success') expect(result.status).toMatchObject({ outcome: 'not_found', responseCode: '42' });
    expect(sandbox.balances().iak).toBe(before - bill.sellingPrice);
  });

  it('reports unknown, never failed, when every payment attempt is lost before recording', async () => {
    const wire = recordingFetch((command) => (command === 'pay-pasca' ? 'drop-before-record' : undefined));
    const iak = client({ fetch: wire.fetch });
    const bill = await iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'SBXF4' });

    const result = await iak.payAndConfirm(bill, { ...FAST, deadlineMs: 1000 });

    expect(wire.count('pay-pasca')).toBe(2);
    expect(result.outcome).toBe('unknown');
    if (result.outcome !== 'unknown') throw new Error('unreachable');
    // The last error is the lost payment, or a status check cut short by the deadline.
    expect(result.lastError instanceof ConnectionError || result.lastError instanceof RequestAbortedError).toBe(true);
    expect(result.status).toMatchObject({ outcome: 'not_found', responseCode: '42' });
    expect(sandbox.transactions().filter((t) => t.provider === 'iak')).toHaveLength(0);
  });
});
