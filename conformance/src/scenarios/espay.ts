import { isBillerkitError } from '@billerkit/core';
import { createEspayClient, type EspayClient, type EspayClientOptions, type EspayInquiryResult } from '@billerkit/espay';
import { espayValidators } from '@billerkit/validators/espay';
import { ESPAY_ANSWER_CODES, ESPAY_TEST_ORDERS, type EspayTestOrder } from '@billerkit/sandbox';
import type { FetchLike } from '../capture.js';
import type { EspayCredentials, ProviderTarget, SandboxControl } from '../target.js';
import { expectRefusal, ScenarioError, type ScenarioSpec } from './harness.js';

/** Smartfren postpaid: bill-type, with an inquiry. */
const PRODUCT = 'SPBFRE';

export interface EspayScenarioDeps {
  target: ProviderTarget<EspayCredentials>;
  control?: SandboxControl;
  client?: (options: EspayClientOptions) => EspayClient;
  /** Per-answer timeout of the clients (their default unless set). */
  timeoutMs?: number;
}

function clientFor(deps: EspayScenarioDeps, fetch: FetchLike, extra: Partial<EspayClientOptions> = {}): EspayClient {
  const make = deps.client ?? createEspayClient;
  const timeout = deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {};
  return make({
    baseUrl: deps.target.baseUrl,
    validators: espayValidators,
    ...deps.target.credentials,
    fetch,
    retry: { maxRetries: 0 },
    ...timeout,
    ...extra,
  });
}

function describe(error: unknown): string {
  if (isBillerkitError(error)) return `${error.name} code ${error.code ?? '(none)'}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const INQUIRY_CODES: Record<Exclude<EspayTestOrder['inquiry'], 'bill'>, string> = {
  suspect: ESPAY_ANSWER_CODES.suspect.code,
  'product-denied': ESPAY_ANSWER_CODES.productDenied.code,
  'not-found': ESPAY_ANSWER_CODES.notFound.code,
  'already-paid': ESPAY_ANSWER_CODES.alreadyPaid.code,
};

/** Polls the status of a pending payment until it settles; moves the sandbox clock when status checks alone do not settle it. */
async function settle(client: EspayClient, refId: string, control: SandboxControl | undefined) {
  for (let attempt = 0; attempt < 6; attempt++) {
    const info = await client.transactionInfo({ refId });
    if (info.outcome !== 'pending') return info;
    if (attempt === 2) await control?.advanceClock(10 * 60_000);
  }
  throw new ScenarioError(`getTransactionInfo: ${refId} never left pending`);
}

/**
 * A test order's bill is documented (`billRupiah`), so the inquiry must carry exactly it, and its total
 * must be bill + admin fee. (Not every real Espay product adds up so: the BPJS sample's amount leaves
 * the fee out, which is why this holds for the documented test orders, not for every answer.)
 */
function checkTestOrderAmounts(inquiry: EspayInquiryResult, order: EspayTestOrder): void {
  const expectedMinor = BigInt(order.billRupiah) * 100n;
  if (inquiry.billAmount === undefined) throw new ScenarioError('inquiryTransaction: no bill_amount, the test order documents one');
  if (inquiry.billAmount !== expectedMinor)
    throw new ScenarioError(`inquiryTransaction: bill_amount ${inquiry.billAmount} sen, the test order says ${expectedMinor}`);
  if (inquiry.adminFee === undefined) throw new ScenarioError('inquiryTransaction: no admin_fee');
  if (inquiry.amount !== inquiry.billAmount + inquiry.adminFee) {
    throw new ScenarioError(
      `inquiryTransaction: amount ${inquiry.amount} sen is not bill_amount ${inquiry.billAmount} + admin_fee ${inquiry.adminFee}`,
    );
  }
}

/**
 * One row of the sandbox's Espay test-order table: the inquiry must answer as documented; when it gives a
 * bill, the payment (and the status of a pending one, until it settles) must too.
 */
export function testOrderScenario(order: EspayTestOrder, deps: EspayScenarioDeps): ScenarioSpec {
  return {
    provider: 'espay',
    name: `test order ${order.orderId} (${order.title}): inquiry ${order.inquiry}, payment ${order.payment}`,
    operation: 'inquiryTransaction',
    async run(fetch) {
      const client = clientFor(deps, fetch);
      let inquiry: EspayInquiryResult;
      try {
        inquiry = await client.inquiry({ productCode: PRODUCT, orderId: order.orderId });
      } catch (error) {
        if (order.inquiry !== 'bill' && isBillerkitError(error) && error.code === INQUIRY_CODES[order.inquiry])
          return { operation: 'inquiryTransaction' };
        throw new ScenarioError(`inquiryTransaction: expected ${order.inquiry}, got ${describe(error)}`);
      }
      if (order.inquiry !== 'bill')
        throw new ScenarioError(`inquiryTransaction: expected ${order.inquiry} (${INQUIRY_CODES[order.inquiry]}), got a bill`);
      checkTestOrderAmounts(inquiry, order);

      let paid: Awaited<ReturnType<EspayClient['pay']>>;
      try {
        paid = await client.pay({ inquiry });
      } catch (error) {
        const code = isBillerkitError(error) ? error.code : undefined;
        if (order.payment === 'failed' && code === ESPAY_ANSWER_CODES.transactionFailed.code) return { operation: 'paymentReport' };
        if (order.payment === 'insufficient-balance' && code === ESPAY_ANSWER_CODES.insufficientBalance.code)
          return { operation: 'paymentReport' };
        throw new ScenarioError(`paymentReport: expected ${order.payment}, got ${describe(error)}`);
      }
      switch (order.payment) {
        case 'success': {
          if (paid.outcome !== 'success' || !paid.refId)
            throw new ScenarioError(`paymentReport: expected success with a ref_id, got ${paid.outcome}`);
          const info = await client.transactionInfo({ refId: paid.refId });
          if (info.outcome !== 'success') throw new ScenarioError(`getTransactionInfo: expected success, got ${info.outcome}`);
          return { operation: 'getTransactionInfo' };
        }
        case 'suspect':
          if (paid.outcome !== 'pending' || paid.errorCode !== ESPAY_ANSWER_CODES.suspect.code) {
            throw new ScenarioError(`paymentReport: expected a pending 9999 (suspect), got ${paid.outcome} ${paid.errorCode}`);
          }
          return { operation: 'paymentReport' };
        case 'pending-then-success':
        case 'pending-then-failed': {
          if (paid.outcome !== 'pending' || !paid.refId)
            throw new ScenarioError(`paymentReport: expected pending with a ref_id, got ${paid.outcome}`);
          const settled = await settle(client, paid.refId, deps.control);
          const want = order.payment === 'pending-then-success' ? 'success' : 'failed';
          if (settled.outcome !== want)
            throw new ScenarioError(`getTransactionInfo: expected the payment to settle as ${want}, got ${settled.outcome}`);
          return { operation: 'getTransactionInfo' };
        }
        default:
          throw new ScenarioError(`paymentReport: expected ${order.payment}, got ${paid.outcome}`);
      }
    },
  };
}

export function espayTestOrders(): readonly EspayTestOrder[] {
  return ESPAY_TEST_ORDERS;
}

/**
 * A replay: a first payment that succeeds, then the same payment with the same rq_uuid, which must be
 * refused as a duplicate (never answered as a second success, never paid again).
 */
function replayScenario(deps: EspayScenarioDeps, name: string, orderId: string, statusFirst: boolean): ScenarioSpec {
  return {
    provider: 'espay',
    name,
    operation: 'paymentReport',
    async run(fetch) {
      const client = clientFor(deps, fetch);
      const inquiry = await client.inquiry({ productCode: 'SLYLPO', orderId });
      const rqUuid = `BKDUP${orderId.slice(-2)}${Date.now().toString(36).toUpperCase()}`;
      const first = await client.pay({ inquiry, rqUuid });
      if (first.outcome !== 'success' || !first.refId)
        throw new ScenarioError(`first paymentReport: expected success with a ref_id, got ${first.outcome}`);
      if (statusFirst) {
        const info = await client.transactionInfo({ refId: first.refId });
        if (info.outcome !== 'success') throw new ScenarioError(`getTransactionInfo: expected success, got ${info.outcome}`);
      }
      await expectRefusal(client.pay({ inquiry, rqUuid }), 'duplicate', 'second paymentReport with the same rq_uuid');
      return {};
    },
  };
}

/** End-to-end Espay flows through the real client. */
export function espayFlows(deps: EspayScenarioDeps): { spec: ScenarioSpec; needsControl?: string }[] {
  return [
    {
      spec: {
        provider: 'espay',
        name: 'inquiry → pay → status (PLN postpaid SLYLPO)',
        operation: 'getTransactionInfo',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          const inquiry = await client.inquiry({ productCode: 'SLYLPO', orderId: '512345678901' });
          const paid = await client.pay({ inquiry });
          if (paid.outcome !== 'success' || !paid.refId)
            throw new ScenarioError(`paymentReport: expected success with a ref_id, got ${paid.outcome}`);
          if (paid.amount !== inquiry.amount)
            throw new ScenarioError(`paymentReport: amount ${paid.amount} differs from the inquiry's ${inquiry.amount}`);
          const info = await client.transactionInfo({ refId: paid.refId });
          if (info.outcome !== 'success') throw new ScenarioError(`getTransactionInfo: expected success, got ${info.outcome}`);
          if (info.amount !== undefined && info.amount !== inquiry.amount)
            throw new ScenarioError(`getTransactionInfo: amount ${info.amount} differs from the paid ${inquiry.amount}`);
          // The status answer must be about this payment: its order and product, not only its ref_id.
          for (const [field, paidValue] of [
            ['order_id', inquiry.orderId],
            ['product_code', inquiry.productCode],
          ] as const) {
            const answered = info.raw[field];
            if (answered !== undefined && answered !== paidValue)
              throw new ScenarioError(
                `getTransactionInfo: ${field} ${JSON.stringify(answered)}, the payment was for ${JSON.stringify(paidValue)}`,
              );
          }
          return {};
        },
      },
    },
    {
      needsControl: 'forcing a pending payment is the billerkit sandbox’s own control',
      spec: {
        provider: 'espay',
        name: 'pending → settled with payAndConfirm (order 512345678904 forced to "pending, then success")',
        operation: 'getTransactionInfo',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          // Its own order, so the test-order row of 880000000010 (run alongside) cannot have paid it already.
          await deps.control?.setState('espay', 'force', { order_id: '512345678904', payment: 'pending-then-success' });
          const inquiry = await client.inquiry({ productCode: PRODUCT, orderId: '512345678904' });
          // The sandbox settles after two status checks; the poll is kept short so the run stays fast.
          const confirmed = await client.payAndConfirm({ inquiry, poll: { initialDelayMs: 1, maxDelayMs: 5 }, deadlineMs: 10_000 });
          if (confirmed.outcome !== 'success')
            throw new ScenarioError(`payAndConfirm: expected the pending payment to settle as success, got ${confirmed.outcome}`);
          return {};
        },
      },
    },
    { spec: replayScenario(deps, 'duplicate rq_uuid is refused, the payment is not made twice', '512345678902', false) },
    // What an app does after a lost answer: look the payment up, then (wrongly) send it again.
    {
      spec: replayScenario(
        deps,
        'a payment re-sent after its status check is refused as a duplicate, not answered again',
        '512345678906',
        true,
      ),
    },
    {
      spec: {
        provider: 'espay',
        name: 'wrong signature is refused',
        operation: 'inquiryTransaction',
        async run(fetch) {
          const client = clientFor(deps, fetch, { signatureKey: 'not-the-signature-key' });
          await expectRefusal(
            client.inquiry({ productCode: 'SLYLPO', orderId: '512345678903' }),
            'signature',
            'inquiry with a wrong signature',
          );
          return {};
        },
      },
    },
    {
      spec: {
        provider: 'espay',
        name: 'wrong Basic-auth credentials are refused',
        operation: 'inquiryTransaction',
        async run(fetch) {
          const client = clientFor(deps, fetch, {
            basicAuth: { username: deps.target.credentials.basicAuth.username, password: 'not-the-basic-password' },
          });
          await expectRefusal(
            client.inquiry({ productCode: 'SLYLPO', orderId: '512345678905' }),
            'auth',
            'inquiry with wrong Basic-auth credentials',
          );
          return {};
        },
      },
    },
    {
      spec: {
        provider: 'espay',
        name: 'deposit balance and registered products',
        operation: 'getBalance',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          const balance = await client.balance();
          if (balance.balance < 0n) throw new ScenarioError(`getBalance: negative balance ${balance.balance}`);
          const products = await client.registeredProducts();
          if (products.products.length === 0) throw new ScenarioError('getRegisteredProducts: no products');
          return {};
        },
      },
    },
  ];
}
