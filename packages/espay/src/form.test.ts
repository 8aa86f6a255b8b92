import { describe, expect, it } from 'vitest';
import { ESPAY_FORM_ORDER, encodeEspayForm, espayBodySerializer } from './form.js';

describe('encodeEspayForm', () => {
  it('writes fields in the documented order whatever the object order', () => {
    const body = {
      signature: 's',
      data: '{"a":"b c"}',
      amount: '100',
      product_code: 'P',
      order_id: 'O',
      password: 'pw',
      sender_id: 'S',
      rq_datetime: '2019-09-26 21:08:13',
      rq_uuid: 'U',
    };
    expect(encodeEspayForm('paymentReport', body)).toBe(
      'rq_uuid=U&rq_datetime=2019-09-26%2021%3A08%3A13&sender_id=S&password=pw&order_id=O&product_code=P&amount=100&signature=s&data=%7B%22a%22%3A%22b%20c%22%7D',
    );
  });
  it('round-trips through URLSearchParams, including awkward characters', () => {
    const value = 'a+b&c=d %é/?#"\'';
    const body = encodeEspayForm('getBalance', { rq_uuid: value, rq_datetime: 'x', sender_id: 'S', password: value, signature: 'z' });
    expect(new URLSearchParams(body).get('password')).toBe(value);
    expect(body).not.toContain('+');
  });
  it('skips undefined optionals, refuses unknown fields and non-strings', () => {
    expect(encodeEspayForm('getBalance', { rq_uuid: 'U', rq_datetime: 'D', sender_id: 'S', password: 'P', signature: undefined })).toBe(
      'rq_uuid=U&rq_datetime=D&sender_id=S&password=P',
    );
    expect(() => encodeEspayForm('getBalance', { rq_uuid: 'U', extra: 'x' })).toThrow(/no field "extra"/);
    expect(() => encodeEspayForm('paymentReport', { amount: 100 })).toThrow(/amount must be a string, got number/);
    expect(() => encodeEspayForm('paymentReport', { amount: null })).toThrow(/got null/);
    expect(() => espayBodySerializer('getBalance')('x')).toThrow(TypeError);
  });
  it('every operation lists the signature and the envelope fields', () => {
    for (const order of Object.values(ESPAY_FORM_ORDER)) {
      expect(order.slice(0, 4)).toEqual(['rq_uuid', 'rq_datetime', 'sender_id', 'password']);
      expect(order).toContain('signature');
    }
  });
});
