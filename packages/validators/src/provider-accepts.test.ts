import { espayOpenApi, iakOpenApi } from '@billerkit/specs';
import { describe, expect, it } from 'vitest';
import { allProviderAcceptances, providerAcceptances, validateAsProvider } from './provider-accepts.js';
import { validate } from './validators.js';

const pay = { commands: 'pay-pasca', username: '081234567890', tr_id: '9922430', sign: '0'.repeat(32) };
const inquiry = { commands: 'inq-pasca', username: '081234567890', code: 'BPJS', hp: '8801234560001', ref_id: 'R1', sign: '0'.repeat(32) };

describe('validateAsProvider', () => {
  it('lists the request fields whose extra form the provider is evidenced to accept, with the evidence', () => {
    expect(providerAcceptances('iak', 'PayPascaRequest').map((a) => [a.path, a.schema])).toEqual([['/tr_id', 'RequestTrId']]);
    expect(providerAcceptances('iak', 'PricelistTypeRequest').map((a) => a.path)).toEqual(['/status']);
    expect(providerAcceptances('espay', 'PaymentReportRequest').map((a) => a.path)).toEqual(['/amount']);
    for (const acceptance of [...allProviderAcceptances('iak'), ...allProviderAcceptances('espay')]) {
      expect(acceptance.evidence.length).toBeGreaterThan(40);
      expect(acceptance.why.length).toBeGreaterThan(40);
    }
  });

  it('accepts a numeric tr_id, month "2" and status non-active, which strict refuses', () => {
    for (const [component, body] of [
      ['PayPascaRequest', { ...pay, tr_id: 9922430 }],
      ['InqPascaRequest', { ...inquiry, month: '2' }],
      ['PricelistPascaRequest', { commands: 'pricelist-pasca', username: '081234567890', sign: '0'.repeat(32), status: 'non-active' }],
    ] as const) {
      expect(validate('iak', component, 'strict', body).valid).toBe(false);
      const verdict = validateAsProvider('iak', component, body);
      expect(verdict.valid).toBe(true);
      expect(verdict.accepted).toHaveLength(1);
    }
  });

  it('still refuses what only the tolerant profile admits, or what no profile admits', () => {
    // A hyphenated ref_id passes tolerant, but IAK's response-code table refuses it (rc 03).
    const refId = validateAsProvider('iak', 'InqPascaRequest', { ...inquiry, ref_id: 'ref-1' });
    expect(validate('iak', 'InqPascaRequest', 'tolerant', { ...inquiry, ref_id: 'ref-1' }).valid).toBe(true);
    expect(refId.valid).toBe(false);
    expect(refId.issues.map((i) => i.path)).toEqual(['/ref_id']);
    // An accepted field in a form no profile takes.
    expect(validateAsProvider('iak', 'PayPascaRequest', { ...pay, tr_id: -5 }).valid).toBe(false);
    expect(validateAsProvider('iak', 'PayPascaRequest', { ...pay, tr_id: 9922430, extra: 1 }).valid).toBe(false);
  });

  it('takes the Espay amount written as 150.000,00, not other separators', () => {
    const base = {
      rq_uuid: 'SANDBOX-1',
      rq_datetime: '2025-01-01 10:00:00',
      sender_id: 'SANDBOX',
      password: 'p',
      order_id: '880000000000',
      product_code: 'SPBFRE',
      signature: 'a'.repeat(64),
    };
    expect(validate('espay', 'PaymentReportRequest', 'strict', { ...base, amount: '150.000,00' }).valid).toBe(false);
    expect(validateAsProvider('espay', 'PaymentReportRequest', { ...base, amount: '150.000,00' }).valid).toBe(true);
    expect(validateAsProvider('espay', 'PaymentReportRequest', { ...base, amount: '15000000' }).accepted).toEqual([]);
    for (const amount of ['150,000.00', '150.000', '1.50.000,00', '150000,0', '150.000,00 ']) {
      expect(validateAsProvider('espay', 'PaymentReportRequest', { ...base, amount }).valid, amount).toBe(false);
    }
  });

  it('only ever appears beside an x-tolerant patch and its x-tolerant-why', () => {
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) walk(item, `${where}/${i}`);
      } else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if ('x-provider-accepts' in record) {
          expect(record['x-tolerant'], where).toBeTypeOf('object');
          expect(record['x-tolerant-why'], where).toBeTypeOf('string');
        }
        for (const [key, value] of Object.entries(record)) walk(value, `${where}/${key}`);
      }
    };
    walk(espayOpenApi, 'espay');
    walk(iakOpenApi, 'iak');
  });
});
