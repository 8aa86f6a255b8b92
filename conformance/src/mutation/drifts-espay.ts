/**
 * Ways Espay Biller drifts under its clients, each a real failure seen in payment APIs: answers about
 * someone else's request, dropped and retyped fields, texts the client reads, amounts, wrong status codes
 * and content types, error pages, broken bodies, redirects, and a provider that stops refusing.
 */
import { ESPAY_SIGNATURE_FIELDS, espayOperationTable, espaySignature } from '@billerkit/signing';
import type { EspayCredentials } from '../target.js';
import {
  changed,
  type Drift,
  type DriftContext,
  editJson,
  dropped,
  espayOperation,
  formOf,
  htmlPage,
  isObject,
  jsonEdit,
  redirect,
  retyped,
  truncated,
  unlabelledGzip,
  type WireAnswer,
  type WireRequest,
  withBody,
  withHeaders,
} from './drift.js';

const isString = (value: unknown) => typeof value === 'string';
const espay = (drift: Omit<Drift, 'provider' | 'format'>): Drift => ({ provider: 'espay', format: 'espay', ...drift });
const on = (request: WireRequest, ...operations: string[]) => {
  const op = espayOperation(request);
  return op !== undefined && (operations.length === 0 || operations.includes(op));
};

/** The form re-signed with the provider's real key (what a provider that accepts any signature does in effect). */
function resigned(request: WireRequest, credentials: EspayCredentials, fields = formOf(request)): URLSearchParams {
  const op = espayOperation(request);
  if (!op) return fields;
  const service = espayOperationTable[op as keyof typeof espayOperationTable].signature;
  const recipe: readonly string[] = ESPAY_SIGNATURE_FIELDS[service];
  const signed = Object.fromEntries(recipe.map((name) => [name, fields.get(name) ?? '']));
  const out = new URLSearchParams(fields);
  out.set('signature', espaySignature(service, signed as never, credentials.signatureKey));
  return out;
}

function basicOf(credentials: EspayCredentials): string {
  return `Basic ${Buffer.from(`${credentials.basicAuth.username}:${credentials.basicAuth.password}`).toString('base64')}`;
}

const codeOf = (answer: WireAnswer): string | undefined => {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as unknown;
    return isObject(body) && typeof body['error_code'] === 'string' ? body['error_code'] : undefined;
  } catch {
    return undefined;
  }
};

/** Re-sends a payment refused as a duplicate under a fresh rq_uuid, and answers as if for the original one. */
async function payAgain(request: WireRequest, answer: WireAnswer, context: DriftContext): Promise<WireAnswer | undefined> {
  if (!on(request, 'paymentReport') || codeOf(answer) !== '210') return undefined;
  const fields = formOf(request);
  const original = fields.get('rq_uuid') ?? '';
  fields.set('rq_uuid', `${original.slice(0, 20)}AGAIN`);
  const again = await context.forward(withBody(request, resigned(request, context.credentials.espay, fields).toString()));
  return editJson(again, (body) => {
    body['rq_uuid'] = original;
    return true;
  });
}

/** Answers a repeated rq_uuid with the first answer given for it, instead of refusing it. */
function replayFirst(request: WireRequest, answer: WireAnswer, context: DriftContext): WireAnswer | undefined {
  if (!on(request, 'paymentReport')) return undefined;
  const key = `espay-payment:${formOf(request).get('rq_uuid')}`;
  const first = context.memory.get(key) as WireAnswer | undefined;
  if (codeOf(answer) === '0000' && !first) context.memory.set(key, answer);
  return codeOf(answer) === '210' && first ? first : undefined;
}

const signatureWrong = (request: WireRequest, credentials: EspayCredentials) =>
  on(request) && formOf(request).get('signature') !== resigned(request, credentials).get('signature');

export function espayDrifts(): Drift[] {
  return [
    espay({
      id: 'espay-echo-rq-uuid',
      class: 'echo',
      quick: true,
      title: "every answer echoes another request's rq_uuid (someone else's answer)",
      answer: jsonEdit((request) => on(request), changed('rq_uuid')),
    }),
    espay({
      id: 'espay-echo-order-id',
      class: 'echo',
      title: 'inquiry and payment answers carry another order_id',
      answer: jsonEdit((request) => on(request, 'inquiryTransaction', 'paymentReport'), changed('order_id')),
    }),
    espay({
      id: 'espay-echo-ref-id',
      class: 'echo',
      title: 'status answers are about another ref_id',
      answer: jsonEdit((request) => on(request, 'getTransactionInfo'), changed('ref_id')),
    }),
    espay({
      id: 'espay-echo-product-code',
      class: 'echo',
      title: 'status answers name another product_code',
      answer: jsonEdit((request) => on(request, 'getTransactionInfo'), changed('product_code')),
    }),
    espay({
      id: 'espay-drop-bill-amount',
      class: 'dropped field',
      title: 'inquiry answers drop bill_amount',
      answer: jsonEdit((request) => on(request, 'inquiryTransaction'), dropped('bill_amount')),
    }),
    espay({
      id: 'espay-drop-ref-id',
      class: 'dropped field',
      title: 'payment answers drop ref_id',
      answer: jsonEdit((request) => on(request, 'paymentReport'), dropped('ref_id')),
    }),
    espay({
      id: 'espay-retype-amount',
      class: 'retyped field',
      title: 'inquiry answers send amount as a JSON number',
      answer: jsonEdit((request) => on(request, 'inquiryTransaction'), retyped('amount', Number, isString)),
    }),
    espay({
      id: 'espay-retype-error-code',
      class: 'retyped field',
      title: 'every answer sends error_code as a JSON number (0000 → 0)',
      answer: jsonEdit((request) => on(request), retyped('error_code', Number, isString)),
    }),
    espay({
      id: 'espay-swap-bill-fee',
      class: 'amounts',
      quick: true,
      title: 'inquiry answers swap bill_amount and admin_fee (the sum stays right)',
      answer: (request, answer) =>
        on(request, 'inquiryTransaction')
          ? editJson(answer, (body) => {
              const { bill_amount: bill, admin_fee: fee } = body;
              if (typeof bill !== 'string' || typeof fee !== 'string' || bill === fee) return false;
              body['bill_amount'] = fee.padStart(bill.length, '0');
              body['admin_fee'] = bill.replace(/^0+(?=\d)/, '');
              return true;
            })
          : undefined,
    }),
    espay({
      id: 'espay-amount-not-sum',
      class: 'amounts',
      title: 'inquiry answers an amount Rp 1 more than bill_amount + admin_fee',
      answer: jsonEdit(
        (request) => on(request, 'inquiryTransaction'),
        retyped('amount', (amount) => String(BigInt(amount as string) + 100n), isString),
      ),
    }),
    espay({
      id: 'espay-reword-inproses',
      class: 'reworded text',
      title: 'pending payments say "Dalam proses" instead of "Inproses" (the only mark of a pending 0000)',
      answer: jsonEdit(
        (request) => on(request, 'paymentReport', 'getTransactionInfo'),
        retyped(
          'error_desc',
          () => 'Dalam proses',
          (desc) => desc === 'Inproses',
        ),
      ),
    }),
    espay({
      id: 'espay-reword-failure-text',
      class: 'reworded text',
      accepted: 'clients act on error_code alone for failures; error_desc of a failure is shown, never parsed (the pacts match it by type)',
      title: 'failure answers reword error_desc',
      answer: jsonEdit(
        (request) => on(request),
        (body) => body['error_code'] !== '0000' && retyped('error_desc', (desc) => `${desc} (mohon coba lagi)`, isString)(body),
      ),
    }),
    espay({
      id: 'espay-failure-http-400',
      class: 'status code',
      title: 'failure answers come with HTTP 400 instead of 200',
      answer: (request, answer) =>
        on(request) && answer.status === 200 && codeOf(answer) !== '0000' && codeOf(answer) !== undefined
          ? { ...answer, status: 400 }
          : undefined,
    }),
    espay({
      id: 'espay-unauthorized-http-200',
      class: 'status code',
      title: 'wrong Basic-auth credentials are answered with HTTP 200 (the 401 body kept)',
      answer: (request, answer) => (on(request) && answer.status === 401 ? { ...answer, status: 200 } : undefined),
    }),
    espay({
      id: 'espay-content-type-text',
      class: 'content type',
      title: 'JSON answers labelled text/plain',
      answer: (request, answer) => (on(request) ? withHeaders(answer, { 'content-type': 'text/plain; charset=utf-8' }) : undefined),
    }),
    espay({
      id: 'espay-html-502',
      class: 'error page',
      title: 'payments answered by an HTML 502 page from a gateway',
      answer: (request) => (on(request, 'paymentReport') ? htmlPage(502, '502 Bad Gateway') : undefined),
    }),
    espay({
      id: 'espay-unlabelled-gzip',
      class: 'body encoding',
      title: 'inquiry answers gzipped without Content-Encoding',
      answer: (request, answer) => (on(request, 'inquiryTransaction') ? unlabelledGzip(answer) : undefined),
    }),
    espay({
      id: 'espay-truncated-status',
      class: 'body encoding',
      title: 'status answers cut off halfway',
      answer: (request, answer) => (on(request, 'getTransactionInfo') ? truncated(answer) : undefined),
    }),
    espay({
      id: 'espay-redirect-inquiry',
      class: 'redirect',
      title: 'inquiries redirected (302) to a maintenance host',
      answer: (request) => (on(request, 'inquiryTransaction') ? redirect(request) : undefined),
    }),
    espay({
      id: 'espay-signature-unchecked',
      class: 'signature',
      quick: true,
      title: 'the provider stops checking signatures',
      request: (request, context) =>
        signatureWrong(request, context.credentials.espay)
          ? withBody(request, resigned(request, context.credentials.espay).toString())
          : undefined,
    }),
    espay({
      id: 'espay-basic-unchecked',
      class: 'signature',
      title: 'the provider stops checking Basic-auth credentials',
      request: (request, context) => {
        const basic = basicOf(context.credentials.espay);
        return on(request) && request.headers['authorization'] !== basic
          ? { ...request, headers: { ...request.headers, authorization: basic } }
          : undefined;
      },
    }),
    espay({
      id: 'espay-hang-on-bad-signature',
      class: 'signature',
      quick: true,
      title: 'a request with a wrong signature is never answered (a refusal check must not pass on silence)',
      hang: (request, context) => signatureWrong(request, context.credentials.espay),
    }),
    espay({
      id: 'espay-duplicate-paid-again',
      class: 'duplicate',
      title: 'a payment with a used rq_uuid is made again instead of refused (210)',
      answer: payAgain,
    }),
    espay({
      id: 'espay-duplicate-replayed',
      class: 'duplicate',
      title: "a repeated rq_uuid gets the first payment's answer replayed instead of 210",
      answer: replayFirst,
    }),
    espay({
      id: 'espay-delay-balance',
      class: 'delay',
      title: "balance answers take longer than the suite's answer budget",
      delayMs: (request) => (on(request, 'getBalance') ? DELAY_MS : 0),
    }),
  ];
}

/** How long a delayed answer is held: well past the answer budget of a mutation run ({@link MUTATION_ANSWER_BUDGET_MS}). */
export const MUTATION_ANSWER_BUDGET_MS = 5_000;
const DELAY_MS = 2 * MUTATION_ANSWER_BUDGET_MS;
