/** `checkstatus`: the state of the payment of one inquiry. */
import { type Classification, classifyIak, classifyIakStatus, echoProblems, missingProblems } from '@billerkit/core';
import { IAK_BILL_CHECK_PATH } from './config.js';
import { connectionInternals, type IakConnection, type IakConnectionInternals } from './connection.js';
import { assertIakFits, base, exchange, failure, type IakCallOptions, type IakCommand, priceProblems, withContext } from './exchange.js';
import { buildCheckStatusBody, type IakCheckStatusInput } from './requests.js';
import { billFields, type IakCheckStatusResult, type IakPaymentStatus, paymentFields, smallInt } from './results.js';

const CHECKSTATUS: IakCommand = {
  operation: 'checkstatus',
  request: 'CheckStatusRequest',
  json: 'CheckStatusResponse',
  xml: 'CheckStatusResult',
};

/** checkStatus with a connection already checked (payAndConfirm polls with it). */
export async function statusOf(
  c: IakConnectionInternals,
  input: IakCheckStatusInput,
  call: IakCallOptions | undefined,
): Promise<IakCheckStatusResult> {
  const body = buildCheckStatusBody(c.credentials, input);
  const answer = await exchange(c, CHECKSTATUS, IAK_BILL_CHECK_PATH, body, call, true, { ref_id: input.refId });
  const status = smallInt(answer.data['status']);
  const rc = classifyIak(answer.responseCode);
  const outcome = paymentStatus(answer.responseCode, rc, status);
  if (outcome === undefined) throw failure(c, answer, rc);
  const fields = withContext(c, answer.res, () => ({ ...billFields(answer.data), ...paymentFields(answer.data) }));
  // A status must be about this ref_id; a paid one must say which inquiry (tr_id) it paid.
  assertIakFits(c, answer, [
    ...echoProblems(answer.data, { ref_id: input.refId }),
    ...(outcome === 'success' ? missingProblems(answer.data, ['tr_id']) : []),
    ...priceProblems(fields),
  ]);
  const result: IakCheckStatusResult = { ...base(answer), ...fields, outcome, status };
  if (outcome === 'failed') result.error = failure(c, answer, rc);
  return result;
}

/**
 * `checkstatus`: the state of the payment of the inquiry with this ref_id. A failed or missing
 * payment is an answer (`outcome` `failed` / `not_found`), not an exception; a refused request throws.
 */
export async function checkStatus(
  connection: IakConnection,
  input: IakCheckStatusInput,
  options?: IakCallOptions,
): Promise<IakCheckStatusResult> {
  return statusOf(connectionInternals(connection, 'iak.checkStatus'), input, options);
}

/**
 * The payment state a checkstatus answer describes, or undefined when the answer is a refusal of
 * the status request itself (bad signature, unknown ref_id …) and must be thrown.
 *
 * `status` (0 not received, 1 paid, 2 failed, 3 in process) and `response_code` normally agree
 * (1/00, 3/39, 0/42, 2/37). When both are present and disagree the answer is treated as pending,
 * so the payment is checked again rather than settled on a contradiction.
 */
export function paymentStatus(code: string | null, rc: Classification, status: number | undefined): IakPaymentStatus | undefined {
  const fromCode: IakPaymentStatus | undefined =
    code === '42' ? 'not_found' : status === undefined && rc.outcome === 'failed' ? undefined : rc.outcome;
  if (status === undefined) return fromCode;
  let fromStatus: IakPaymentStatus;
  if (status === 0) fromStatus = 'not_found';
  else {
    const s = classifyIakStatus(status);
    // An undocumented status value says nothing certain: keep checking.
    fromStatus = s.known ? s.outcome : 'pending';
  }
  if (code === null) return fromStatus;
  return fromStatus === fromCode ? fromStatus : 'pending';
}
