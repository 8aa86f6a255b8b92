import { espayOpenApi } from '@billerkit/specs';
import { describe, expect, it } from 'vitest';
import { espayAnswers, espayRequest } from './espay.js';
import { iakAnswer, iakAnswers, iakRequest } from './iak.js';
import { PactSpecError, specMatchers } from './spec-matchers.js';

const matcher = (value: unknown) => value as { 'pact:matcher:type': string; regex?: string; value?: unknown };

describe('matchers derived from the spec components', () => {
  it('takes each pattern from the spec, so a changed pattern changes the pact', () => {
    const request = espayRequest('inquiryTransaction', 'RQ1', { order_id: '880000000000', product_code: 'SPBFRE' });
    const body = request.body as Record<string, unknown>;
    const rqDatetime = espayOpenApi.components.schemas['RqDatetime'] as { pattern: string };
    expect(matcher(body['rq_datetime'])).toMatchObject({ 'pact:matcher:type': 'regex', regex: rqDatetime.pattern });
    // No pattern in the spec (only a length): matched by type.
    expect(matcher(body['rq_uuid'])).toMatchObject({ 'pact:matcher:type': 'type', value: 'RQ1' });
    expect(matcher(body['signature'])['pact:matcher:type']).toBe('regex');
    // The app's business values are matched exactly.
    expect(body['order_id']).toBe('880000000000');
  });

  it('refuses an example that breaks the spec, naming the component and the field', () => {
    expect(() =>
      espayAnswers.inquirySuccess({ rqUuid: 'RQ1', orderId: '1', amount: '12.50', billAmount: '1', adminFee: '0', data: {} }),
    ).toThrow(PactSpecError);
    expect(() =>
      espayAnswers.inquirySuccess({ rqUuid: 'RQ1', orderId: '1', amount: '12.50', billAmount: '1', adminFee: '0', data: {} }),
    ).toThrow(/InquiryTransactionResponse.*amount/);
    expect(() => iakRequest('inq-pasca', { code: 'PLNPOSTPAID', hp: '530000000001' })).toThrow(/InqPascaRequest.*ref_id/);
    expect(() => specMatchers('espay', 'NoSuchComponent', {})).toThrow(/no component NoSuchComponent/);
  });

  it('builds an answer for every IAK command, in JSON and in <mp> XML', () => {
    const data = { code: 'PLNPOSTPAID', hp: '530000000001', ref_id: 'R1', response_code: '14', message: 'INCORRECT DESTINATION NUMBER' };
    const json = iakAnswer('inq-pasca', data);
    expect((json.body as { data: Record<string, unknown> }).data['response_code']).toBe('14');
    const xml = iakAnswer('inq-pasca', data, { format: 'xml' });
    expect(xml.contentType).toBe('application/xml');
    // XmlBuilder's JSON form of the document: response_code literal, the rest matched.
    expect(String(xml.body)).toContain('{"name":"response_code","children":[{"content":"14"}]');
    expect(iakRequest('pricelist-pasca', {}, { type: 'pln' }).path).toBe('/api/v1/bill/check/pln');
    expect(String(iakRequest('checkstatus', { ref_id: 'R1' }, { format: 'xml' }).body)).toContain(
      '{"name":"commands","children":[{"content":"checkstatus"}]',
    );
  });

  it('builds the documented IAK answers from the app values, each checked against its component', () => {
    const bill = {
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      tr_name: 'SUBCRIBER NAME',
      period: '201608',
      nominal: 300000,
      admin: 2500,
      price: 302500,
      selling_price: 301900,
    };
    const desc = {
      desc: {
        tarif: 'R1',
        daya: 1300,
        lembar_tagihan: '1',
        tagihan: { detail: [{ periode: '201608', nilai_tagihan: '300000', admin: '2500', denda: '0', total: 302500 }] },
      },
    };
    expect(iakAnswers.inquirySuccess({ trId: 119590800001, refId: 'R1', bill: { ...bill, ...desc } }).status).toBe(200);
    expect(
      iakAnswers.payment({ trId: 900000101, refId: 'R1', bill: { ...bill, ...desc }, responseCode: '39', message: 'PENDING', balance: 1 })
        .status,
    ).toBe(200);
    expect(
      iakAnswers.status({ trId: 900000200, refId: 'R1', status: 0, responseCode: '42', message: 'REQUEST PEMBAYARAN BELUM DITERIMA' })
        .status,
    ).toBe(200);
    const failure = iakAnswers.failure('checkstatus', {
      responseCode: '06',
      message: 'INQUIRY ID NOT FOUND',
      fields: { ref_id: 'R404' },
      format: 'xml',
    });
    expect(String(failure.body)).toContain('{"name":"ref_id","children":[{"content":"R404"}]');
    expect(() => iakAnswers.failure('inq-pasca', { responseCode: 'XX', message: 'no such code' })).toThrow(/response_code/);
    expect(
      iakAnswers.pricelist({
        products: [{ code: 'PLNPOSTPAID', name: 'PLN Pascabayar', status: 1, fee: 2500, komisi: 600, type: 'pln', category: 'postpaid' }],
      }).status,
    ).toBe(200);
  });
});
