/** `inq-pasca`: looks up the open bill. */
import { classifyIak, echoProblems, errorFromClassification, MalformedResponseError } from '@billerkit/core';
import { IAK_BILL_CHECK_PATH } from './config.js';
import { connectionInternals, type IakConnection } from './connection.js';
import {
  answerTrId,
  assertIakFits,
  errorContext,
  exchange,
  type IakCallOptions,
  type IakCommand,
  priceProblems,
  withContext,
} from './exchange.js';
import { buildInquiryBody, type IakInquiryInput } from './requests.js';
import { billFields, type IakInquiryResult } from './results.js';

const INQ_PASCA: IakCommand = { operation: 'inq-pasca', request: 'InqPascaRequest', json: 'InqPascaResponse', xml: 'InqPascaResult' };

/**
 * `inq-pasca`: looks up the open bill. Throws a typed error unless IAK answers `00`. One attempt only:
 * an inquiry moves no money, but a retried one could meet "duplicate ref_id".
 */
export async function inquiry(connection: IakConnection, input: IakInquiryInput, options?: IakCallOptions): Promise<IakInquiryResult> {
  const c = connectionInternals(connection, 'iak.inquiry');
  const body = buildInquiryBody(c.credentials, input);
  const answer = await exchange(c, INQ_PASCA, IAK_BILL_CHECK_PATH, body, options, false, { ref_id: input.refId });
  const rc = classifyIak(answer.responseCode);
  if (rc.outcome !== 'success') {
    throw errorFromClassification(rc, {
      ...errorContext(c, answer.res),
      providerMessage: answer.message,
      ...(rc.outcome === 'pending'
        ? {
            message: `iak inq-pasca ${rc.code}: inquiry did not complete (${answer.message ?? rc.meaning}); inquire again with a new ref_id`,
          }
        : {}),
    });
  }
  return withContext(c, answer.res, (): IakInquiryResult => {
    const fields = billFields(answer.data);
    const { trId, nominal, admin, price, sellingPrice } = fields;
    if (trId === undefined || nominal === undefined || admin === undefined || price === undefined || sellingPrice === undefined) {
      const missing = (['trId', 'nominal', 'admin', 'price', 'sellingPrice'] as const).filter((k) => fields[k] === undefined);
      throw new MalformedResponseError({
        ...errorContext(c, answer.res),
        message: `iak inq-pasca: successful inquiry without ${missing.join(', ')}`,
      });
    }
    const checkedTrId = answerTrId(c, answer.res, trId);
    // The answer must be about this inquiry (same ref_id, and hp/code when echoed), with a price that adds up.
    assertIakFits(c, answer, [
      ...echoProblems(answer.data, { ref_id: input.refId, hp: input.hp, code: input.code }, ['ref_id']),
      ...priceProblems(fields),
    ]);
    // Written out rather than spread from base() and the fields: every inquiry builds one, and a literal of
    // fixed shape is several times cheaper to make than a merge of spreads. Same keys, same order.
    return {
      responseCode: answer.responseCode,
      message: answer.message,
      httpStatus: answer.res.status,
      raw: answer.parsed,
      trId: checkedTrId,
      refId: fields.refId ?? input.refId,
      code: fields.code,
      hp: fields.hp,
      trName: fields.trName,
      period: fields.period,
      nominal,
      admin,
      price,
      sellingPrice,
      desc: fields.desc,
      bills: fields.bills,
      outcome: 'success',
    };
  });
}
