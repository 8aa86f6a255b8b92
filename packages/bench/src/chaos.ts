/**
 * Chaos run: many payments through both clients' `payAndConfirm` against the embedded sandbox while the
 * sandbox injects faults into payment and status requests (connections dropped before or after the payment
 * is recorded, gateway 5xx, latency beyond the client's timeout, cut bodies) and the provider answers
 * pending, failed or suspect. Afterwards every client result is checked against the sandbox's own record:
 * no payment recorded twice, none recorded that the client calls failed, none the client calls paid that
 * is not recorded, every `unknown` carrying its references, and the deposits moved by exactly what was
 * recorded.
 *
 * Used by chaos.test.ts and, with secret credentials and a capturing logger, by canary.test.ts.
 */
import { createEspayClient, type EspayConfirmedPayment } from '@billerkit/espay';
import { createIakClient, type IakConfirmedPayment } from '@billerkit/iak';
import { type Sandbox, type SandboxCredentialsOverride, type SandboxTransaction, startSandbox } from '@billerkit/sandbox';
import { componentNames, getValidator } from '@billerkit/validators';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ChaosOptions {
  espayPayments?: number;
  iakPayments?: number;
  /** Payments in flight at once, per provider. */
  concurrency?: number;
  credentials?: SandboxCredentialsOverride;
  /** Receives every client debug line (the canary captures them). */
  logger?: { debug(message: string, meta?: Record<string, unknown>): void };
  /** Told about sandbox internal errors. */
  sandboxLogger?: { error(message: string, details?: Record<string, unknown>): void };
}

/** What happened to one payment, as the client reported it. */
export interface PaymentRecord {
  provider: 'espay' | 'iak';
  /** Which case and which fault it met, e.g. `pending-then-success / drop-after-record`. */
  plan: string;
  /** Espay order_id, IAK tr_id: what a double payment would repeat. */
  bill: string;
  /** Espay rq_uuid, IAK ref_id: the sandbox's `merchantRef`. */
  merchantRef: string;
  amountMinor: string;
  outcome: 'success' | 'failed' | 'unknown' | 'threw';
  /** Payment POSTs the client made. */
  payments: number;
  references: Record<string, unknown> | undefined;
  error?: string;
}

export interface ChaosReport {
  records: PaymentRecord[];
  transactions: SandboxTransaction[];
  balances: { espay: bigint; iak: bigint };
  initialBalances: { espay: bigint; iak: bigint };
  /** Every rule broken; empty in a good run. */
  violations: string[];
  outcomes: Record<string, number>;
  byPlan: Record<string, Record<string, number>>;
  internalErrors: number;
  durationMs: number;
}

const INITIAL = 10n ** 14n; // Rp 1,000,000,000,000.00: enough for every payment of the run
const TIMEOUT_MS = 250;
/** The inquiries only set payments up and meet no fault: a limit that only a hang reaches, even on a busy machine. */
const SETUP_TIMEOUT_MS = 60_000;
/** Latency injected to outlast the client's per-attempt timeout. */
const TOO_SLOW = `latency=${TIMEOUT_MS + 350}`;
const PAY_FAULTS = [
  'none',
  'none',
  'drop-before-record',
  'drop-after-record',
  'http-500',
  'http-503',
  TOO_SLOW,
  'malformed-body',
  'latency=30',
] as const;
const STATUS_FAULTS = ['none', 'none', 'none', 'http-503', 'drop-before-record', TOO_SLOW] as const;
const ESPAY_CASES = ['success', 'pending-then-success', 'pending-then-failed', 'failed', 'suspect'] as const;
/** IAK's published (seed generation) PLN postpaid test numbers: success, payment failed 37, pending 39, biller error 105. */
const IAK_CASES = [
  { hp: '530000000001', name: 'success' },
  { hp: '530000000006', name: 'failed-37' },
  { hp: '530000000007', name: 'pending-39' },
  { hp: '530000000008', name: 'failed-105' },
] as const;
const ESPAY_PATHS: Record<string, string> = {
  '/rest/biller/paymentreport': 'pay',
  '/rest/billertools/gettransactioninfo': 'status',
};

/**
 * A fetch that adds the sandbox's `x-sandbox-fault` header to the first payment POST and the first status
 * check of this one payment; everything else goes out untouched. The request itself is real HTTP.
 */
function faultingFetch(provider: 'espay' | 'iak', payFault: string, statusFault: string): FetchLike {
  const seen = { pay: 0, status: 0 };
  return (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const body = typeof init?.body === 'string' ? init.body : '';
    const op =
      provider === 'espay' ? ESPAY_PATHS[url.pathname] : /pay-pasca/.test(body) ? 'pay' : /checkstatus/.test(body) ? 'status' : undefined;
    let fault: string | undefined;
    if (op === 'pay' || op === 'status') {
      seen[op] += 1;
      const planned = op === 'pay' ? payFault : statusFault;
      if (seen[op] === 1 && planned !== 'none') fault = planned;
    }
    if (!fault) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('x-sandbox-fault', fault);
    return fetch(input, { ...init, headers });
  };
}

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

async function espayPayment(sandbox: Sandbox, options: ChaosOptions, index: number): Promise<PaymentRecord> {
  const outcomeCase = ESPAY_CASES[index % ESPAY_CASES.length]!;
  const payFault = PAY_FAULTS[Math.floor(index / ESPAY_CASES.length) % PAY_FAULTS.length]!;
  const statusFault = STATUS_FAULTS[index % STATUS_FAULTS.length]!;
  const orderId = `77${String(index).padStart(10, '0')}`;
  const plan = `${outcomeCase} / ${payFault} / status ${statusFault}`;
  if (outcomeCase !== 'success') await sandbox.setState('espay', 'force', { order_id: orderId, payment: outcomeCase });
  const setup = createEspayClient({
    baseUrl: sandbox.url,
    ...sandbox.credentials.espay,
    timeoutMs: SETUP_TIMEOUT_MS,
    totalTimeoutMs: SETUP_TIMEOUT_MS,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const client = createEspayClient({
    baseUrl: sandbox.url,
    ...sandbox.credentials.espay,
    timeoutMs: TIMEOUT_MS,
    totalTimeoutMs: 2_000,
    retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 40 },
    fetch: faultingFetch('espay', payFault, statusFault),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  // The inquiry moves no money and meets no fault: it only sets the payment up.
  const inquiry = await setup.inquiry({ productCode: 'SPBFRE', orderId });
  const base = { provider: 'espay' as const, plan, bill: orderId, amountMinor: inquiry.amount.toString() };
  let result: EspayConfirmedPayment;
  try {
    result = await client.payAndConfirm({ inquiry, deadlineMs: 6_000, poll: { initialDelayMs: 20, maxDelayMs: 120 } });
  } catch (error) {
    return { ...base, merchantRef: '?', outcome: 'threw', payments: -1, references: undefined, error: describeError(error) };
  }
  return {
    ...base,
    merchantRef: result.references.rq_uuid,
    outcome: result.outcome,
    payments: result.payments,
    references: { ...result.references },
    ...(result.outcome === 'failed' ? { error: describeError(result.error) } : {}),
    ...(result.outcome === 'unknown'
      ? { error: `${result.reason}${result.lastError ? ` (${describeError(result.lastError)})` : ''}` }
      : {}),
  };
}

async function iakPayment(sandbox: Sandbox, options: ChaosOptions, index: number): Promise<PaymentRecord> {
  const numberCase = IAK_CASES[index % IAK_CASES.length]!;
  const payFault = PAY_FAULTS[Math.floor(index / IAK_CASES.length) % PAY_FAULTS.length]!;
  const statusFault = STATUS_FAULTS[index % STATUS_FAULTS.length]!;
  const plan = `${numberCase.name} / ${payFault} / status ${statusFault}`;
  const client = createIakClient({
    baseUrl: sandbox.url,
    ...sandbox.credentials.iak,
    format: index % 2 === 0 ? 'json' : 'xml',
    timeoutMs: TIMEOUT_MS,
    totalTimeoutMs: 2_000,
    retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 40 },
    fetch: faultingFetch('iak', payFault, statusFault),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const refId = `CHAOS${Date.now().toString(36).toUpperCase()}${index}`;
  const bill = await client.inquiry(
    { code: 'PLNPOSTPAID', hp: numberCase.hp, refId },
    { timeoutMs: SETUP_TIMEOUT_MS, totalTimeoutMs: SETUP_TIMEOUT_MS },
  );
  const base = { provider: 'iak' as const, plan, bill: bill.trId, merchantRef: refId, amountMinor: bill.price.toString() };
  let result: IakConfirmedPayment;
  try {
    result = await client.payAndConfirm(bill, { deadlineMs: 6_000, poll: { initialDelayMs: 20, maxDelayMs: 120 }, rePostGraceMs: 150 });
  } catch (error) {
    return { ...base, outcome: 'threw', payments: -1, references: undefined, error: describeError(error) };
  }
  return {
    ...base,
    outcome: result.outcome,
    payments: result.payments,
    references: { ...result.references },
    ...(result.outcome === 'failed' ? { error: describeError(result.error) } : {}),
    ...(result.outcome === 'unknown'
      ? { error: `${result.reason}${result.lastError ? ` (${describeError(result.lastError)})` : ''}` }
      : {}),
  };
}

/**
 * The rules, checked against the sandbox's record. Exported so a test can show they catch a doctored record.
 */
export function verify(
  records: PaymentRecord[],
  transactions: SandboxTransaction[],
  balances: { espay: bigint; iak: bigint },
  initial: { espay: bigint; iak: bigint },
): string[] {
  const violations: string[] = [];
  const byMerchantRef = new Map<string, SandboxTransaction[]>();
  const byBill = new Map<string, SandboxTransaction[]>();
  for (const tx of transactions) {
    const billKey = `${tx.provider}:${tx.provider === 'espay' ? tx.customer : tx.ref}`;
    byMerchantRef.set(`${tx.provider}:${tx.merchantRef}`, [...(byMerchantRef.get(`${tx.provider}:${tx.merchantRef}`) ?? []), tx]);
    byBill.set(billKey, [...(byBill.get(billKey) ?? []), tx]);
  }
  // No bill paid twice: at most one recorded payment that took money (success or pending) per bill.
  for (const [bill, txs] of byBill) {
    const charged = txs.filter((tx) => tx.status !== 'failed');
    if (charged.length > 1)
      violations.push(`double payment: ${bill} recorded ${charged.length} times (${charged.map((t) => t.ref).join(', ')})`);
  }
  const known = new Set(records.map((r) => `${r.provider}:${r.merchantRef}`));
  for (const tx of transactions) {
    if (!known.has(`${tx.provider}:${tx.merchantRef}`))
      violations.push(`recorded payment ${tx.provider} ${tx.ref} (${tx.merchantRef}) belongs to no client payment`);
  }
  for (const r of records) {
    const label = `${r.provider} ${r.bill} [${r.plan}]`;
    const recorded = byMerchantRef.get(`${r.provider}:${r.merchantRef}`) ?? [];
    const charged = recorded.filter((tx) => tx.status !== 'failed');
    if (r.outcome === 'threw') violations.push(`${label}: payAndConfirm threw ${r.error}`);
    if (r.provider === 'espay' && r.payments > 1) violations.push(`${label}: Espay payment posted ${r.payments} times`);
    if (r.payments > 2) violations.push(`${label}: payment posted ${r.payments} times`);
    if (r.outcome === 'success') {
      const ok = recorded.find((tx) => tx.status === 'success');
      if (!ok)
        violations.push(
          `${label}: client says paid, the sandbox has ${recorded.length === 0 ? 'no payment' : recorded.map((t) => t.status).join(', ')}`,
        );
      else if (ok.amountMinor !== r.amountMinor) violations.push(`${label}: paid ${r.amountMinor} sen, recorded ${ok.amountMinor}`);
    }
    if (r.outcome === 'failed' && charged.length > 0) {
      violations.push(
        `lost payment: ${label}: client says failed (${r.error}), the sandbox recorded ${charged.map((t) => `${t.ref} ${t.status}`).join(', ')}`,
      );
    }
    if (r.outcome === 'unknown') {
      const refs = r.references ?? {};
      const needed = r.provider === 'espay' ? ['rq_uuid', 'order_id', 'amount'] : ['trId', 'refId'];
      const missing = needed.filter((k) => typeof refs[k] !== 'string' || (refs[k] as string).length === 0);
      if (missing.length > 0) violations.push(`${label}: unknown without ${missing.join(', ')}`);
    }
  }
  // The deposits moved by exactly what was recorded as taking money.
  for (const provider of ['espay', 'iak'] as const) {
    const spent = transactions
      .filter((tx) => tx.provider === provider && tx.status !== 'failed')
      .reduce((sum, tx) => sum + BigInt(tx.amountMinor), 0n);
    const moved = initial[provider] - balances[provider];
    if (provider === 'espay' && moved !== spent) violations.push(`espay deposit moved ${moved} sen, recorded payments total ${spent}`);
    // IAK takes selling_price (price minus commission), the record holds price: the deposit may move less, never more.
    if (provider === 'iak' && (moved > spent || moved < 0n))
      violations.push(`iak deposit moved ${moved} sen, recorded payments total ${spent}`);
  }
  return violations;
}

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const espayPayments = options.espayPayments ?? 500;
  const iakPayments = options.iakPayments ?? 500;
  const concurrency = options.concurrency ?? 25;
  const sandbox = await startSandbox({
    initialBalances: { espay: INITIAL, iak: INITIAL },
    settle: { afterChecks: 2, afterMs: 60_000 },
    maxLatencyMs: 2_000,
    // The chaos run pays IAK's test numbers many times over: their stateless behaviour, not the paid-bill memory.
    iakStatelessTestNumbers: true,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.sandboxLogger ? { logger: options.sandboxLogger } : {}),
  });
  // Compile every validator first (clients and sandbox share them), so no cold start meets a 250 ms timeout.
  for (const provider of ['espay', 'iak'] as const) {
    for (const component of componentNames(provider))
      for (const profile of ['strict', 'tolerant'] as const) getValidator(provider, component, profile);
  }
  const started = performance.now();
  try {
    const records: PaymentRecord[] = [];
    await Promise.all([
      pool(
        Array.from({ length: espayPayments }, (_, i) => i),
        concurrency,
        async (i) => {
          records.push(await espayPayment(sandbox, options, i));
        },
      ),
      pool(
        Array.from({ length: iakPayments }, (_, i) => i),
        concurrency,
        async (i) => {
          records.push(await iakPayment(sandbox, options, i));
        },
      ),
    ]);
    const transactions = sandbox.transactions();
    const balances = sandbox.balances();
    const initialBalances = { espay: INITIAL, iak: INITIAL };
    const outcomes: Record<string, number> = {};
    const byPlan: Record<string, Record<string, number>> = {};
    for (const r of records) {
      outcomes[`${r.provider} ${r.outcome}`] = (outcomes[`${r.provider} ${r.outcome}`] ?? 0) + 1;
      const planKey = `${r.provider} ${r.plan.split(' / ').slice(0, 2).join(' / ')}`;
      const plan = byPlan[planKey] ?? {};
      plan[r.outcome] = (plan[r.outcome] ?? 0) + 1;
      byPlan[planKey] = plan;
    }
    return {
      records,
      transactions,
      balances,
      initialBalances,
      violations: verify(records, transactions, balances, initialBalances),
      outcomes,
      byPlan,
      internalErrors: sandbox.stats().internalErrors,
      durationMs: performance.now() - started,
    };
  } finally {
    await sandbox.close();
  }
}
