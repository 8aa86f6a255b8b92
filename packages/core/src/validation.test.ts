import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { checkResponse } from './validation.js';

// A recorded Espay inquiry answer (legacy Smartfren sample) and a broken copy of it.
const good = {
  rq_uuid: 'SENDERIDUUID0001',
  rs_datetime: '2019-09-26 21:03:36',
  error_code: '0000',
  error_desc: 'Success',
  order_id: '0888666777',
  amount: '12540000',
  bill_amount: '12540000',
  admin_fee: '0',
  data: { phone_no: '0888666777', bill_total: '1', bill_ref: '108A000000', bill_amount: '000000125400', customer_name: 'SMARTFREN CUSTOMER POSTPAID', region_code: '00' },
};

describe('checkResponse', () => {
  it('passes a documented answer in both profiles', () => {
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', mode: 'strict', data: good })).not.toThrow();
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', data: good })).not.toThrow();
  });
  it('fails a broken answer with ValidationError carrying issues; off skips', () => {
    const bad = { ...good, error_code: { nested: true } };
    let err: unknown;
    try {
      checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', mode: 'tolerant', data: bad, rawBody: JSON.stringify(bad) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.direction).toBe('response');
    expect(v.issues.length).toBeGreaterThan(0);
    expect(v.component).toBe('InquiryTransactionResponse');
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', mode: 'off', data: bad })).not.toThrow();
  });
  it('rejects an unknown mode', () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', mode: 'lenient' as any, data: good })).toThrow(TypeError);
  });
});
