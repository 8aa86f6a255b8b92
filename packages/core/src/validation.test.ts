import { espayValidators } from '@billerkit/validators/espay';
import { iakValidators } from '@billerkit/validators/iak';
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { clientValidation, specChecks } from './validation.js';

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
  data: {
    phone_no: '0888666777',
    bill_total: '1',
    bill_ref: '108A000000',
    bill_amount: '000000125400',
    customer_name: 'SMARTFREN CUSTOMER POSTPAID',
    region_code: '00',
  },
};

const { checkResponse } = specChecks(espayValidators);

describe('specChecks', () => {
  it('passes a documented answer in both profiles', () => {
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', mode: 'strict', data: good })).not.toThrow();
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', data: good })).not.toThrow();
  });
  it('fails a broken answer with ValidationError carrying issues; off skips', () => {
    const bad = { ...good, error_code: { nested: true } };
    let err: unknown;
    try {
      checkResponse({
        provider: 'espay',
        component: 'InquiryTransactionResponse',
        mode: 'tolerant',
        data: bad,
        rawBody: JSON.stringify(bad),
      });
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
    expect(() => checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', mode: 'lenient' as any, data: good })).toThrow(
      TypeError,
    );
  });
  it('refuses data of the other provider', () => {
    expect(() =>
      specChecks(iakValidators).checkResponse({ provider: 'espay', component: 'InquiryTransactionResponse', data: good }),
    ).toThrow(/cannot be checked/);
  });
});

describe('clientValidation', () => {
  it('is off without validators and tolerant with them', () => {
    expect(clientValidation('c', 'espay', {})).toBeUndefined();
    expect(clientValidation('c', 'espay', { validate: 'off' })).toBeUndefined();
    expect(clientValidation('c', 'espay', { validators: espayValidators })?.mode).toBe('tolerant');
    expect(clientValidation('c', 'espay', { validators: espayValidators, validate: 'strict' })?.mode).toBe('strict');
    expect(clientValidation('c', 'espay', { validators: espayValidators, validate: 'off' })).toBeUndefined();
  });
  it('checks with the validators it was given', () => {
    const checks = clientValidation('c', 'espay', { validators: espayValidators, validate: 'strict' });
    expect(() =>
      checks?.checkResponse({
        provider: 'espay',
        component: 'InquiryTransactionResponse',
        mode: checks.mode,
        data: { ...good, amount: 1 },
      }),
    ).toThrow(ValidationError);
  });
  it('refuses a check it cannot run, the wrong provider and an unknown mode at construction', () => {
    expect(() => clientValidation('createEspayClient', 'espay', { validate: 'strict' })).toThrow(
      /needs the validators.*@billerkit\/validators\/espay/,
    );
    expect(() => clientValidation('createEspayClient', 'espay', { validate: 'tolerant' })).toThrow(TypeError);
    expect(() => clientValidation('createEspayClient', 'espay', { validators: iakValidators })).toThrow(/for iak, not espay/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => clientValidation('createEspayClient', 'espay', { validators: {} as any })).toThrow(/espayValidators/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => clientValidation('createEspayClient', 'espay', { validate: 'loose' as any })).toThrow(/got "loose"/);
  });
});
