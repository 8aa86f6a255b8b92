/** `pricelist-pasca`: products with admin fee and commission. */
import { classifyIak, MalformedResponseError } from '@billerkit/core';
import { IAK_PATHS } from './config.js';
import { connectionInternals, type IakConnection } from './connection.js';
import { base, errorContext, exchange, failure, type IakCallOptions, type IakCommand, withContext } from './exchange.js';
import { buildPricelistBody, type IakPricelistInput } from './requests.js';
import { type IakPricelistResult, isRecord, productOf } from './results.js';

const PRICELIST_PASCA: IakCommand = {
  operation: 'pricelist-pasca',
  request: 'PricelistPascaRequest',
  json: 'PricelistPascaResponse',
  xml: 'PricelistPascaXmlResponse',
};

/** `pricelist-pasca`: products with admin fee and commission, optionally of one type. */
export async function pricelist(
  connection: IakConnection,
  input: IakPricelistInput = {},
  options?: IakCallOptions,
): Promise<IakPricelistResult> {
  const c = connectionInternals(connection, 'iak.pricelist');
  const body = buildPricelistBody(c.credentials, input);
  const path = input.type === undefined ? IAK_PATHS.billCheck : IAK_PATHS.pricelist(input.type);
  const answer = await exchange(c, PRICELIST_PASCA, path, body, options, true, input.type === undefined ? {} : { type: input.type });
  const pasca = answer.data['pasca'];
  if (pasca === undefined) {
    const rc = classifyIak(answer.responseCode);
    if (rc.outcome !== 'success') throw failure(c, answer, rc);
  }
  const entries = Array.isArray(pasca) ? pasca : pasca === undefined || pasca === '' ? [] : [pasca];
  return withContext(c, answer.res, () => ({
    ...base(answer),
    outcome: 'success' as const,
    products: entries.map((p, i) => {
      if (!isRecord(p))
        throw new MalformedResponseError({ ...errorContext(c, answer.res), message: `iak pricelist-pasca: pasca[${i}] is not an object` });
      return productOf(p);
    }),
  }));
}
