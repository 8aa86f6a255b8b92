/** `pay-pasca`: pays an inquiry's tr_id, exactly one POST, never retried. */
import { type BillerkitError, classifyIak, echoProblems } from '@billerkit/core';
import { IAK_BILL_CHECK_PATH } from './config.js';
import { connectionInternals, type IakConnection, type IakConnectionInternals } from './connection.js';
import { assertIakFits, base, exchange, failure, type IakCallOptions, type IakCommand, priceProblems, withContext } from './exchange.js';
import { buildPayBody, type IakPayInput, normaliseTrId } from './requests.js';
import { billFields, type IakPayResult, paymentFields } from './results.js';

/** What a payment answer said, failed ones included (the engine needs to see those too). */
export type IakPayAnswer =
  | IakPayResult
  | (Omit<IakPayResult, 'outcome'> & {
      outcome: 'failed';
      error: BillerkitError;
    });

const PAY_PASCA: IakCommand = { operation: 'pay-pasca', request: 'PayPascaRequest', json: 'PayPascaResponse', xml: 'PayPascaResult' };

/** One pay-pasca for a checked tr_id; a failed answer is returned with its error, not thrown. */
export async function payOnce(c: IakConnectionInternals, trId: string, call: IakCallOptions | undefined): Promise<IakPayAnswer> {
  const body = buildPayBody(c.credentials, { trId });
  const answer = await exchange(c, PAY_PASCA, IAK_BILL_CHECK_PATH, body, call, false, { tr_id: trId });
  const rc = classifyIak(answer.responseCode);
  const fields = withContext(c, answer.res, () => ({ ...billFields(answer.data), ...paymentFields(answer.data) }));
  if (rc.outcome === 'failed') return { ...base(answer), ...fields, outcome: 'failed', error: failure(c, answer, rc) };
  // A success or pending answer must name this tr_id (the one thing that ties it to the payment sent).
  assertIakFits(c, answer, [...echoProblems(answer.data, { tr_id: trId }), ...priceProblems(fields)]);
  return { ...base(answer), ...fields, outcome: rc.outcome };
}

/**
 * `pay-pasca`: pays an inquiry's tr_id, exactly one POST, never retried. `pending` results must be
 * settled with {@link checkStatus}; prefer {@link payAndConfirm}.
 */
export async function pay(connection: IakConnection, input: IakPayInput, options?: IakCallOptions): Promise<IakPayResult> {
  const c = connectionInternals(connection, 'iak.pay');
  if (typeof input !== 'object' || input === null) throw new TypeError('iak.pay: input must be an object');
  const answer = await payOnce(c, normaliseTrId(input.trId, 'iak.pay'), options);
  if (answer.outcome === 'failed') throw answer.error;
  return answer;
}
