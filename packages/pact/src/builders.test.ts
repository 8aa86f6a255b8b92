import { espayOpenApi } from '@billerkit/specs';
import { describe, expect, it } from 'vitest';
import { espayAnswers, espayRequest } from './espay.js';
import { iakAnswer, iakRequest } from './iak.js';
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
    expect(() => espayAnswers.inquirySuccess({ rqUuid: 'RQ1', orderId: '1', amount: '12.50', billAmount: '1', adminFee: '0', data: {} })).toThrow(PactSpecError);
    expect(() => espayAnswers.inquirySuccess({ rqUuid: 'RQ1', orderId: '1', amount: '12.50', billAmount: '1', adminFee: '0', data: {} })).toThrow(/InquiryTransactionResponse.*amount/);
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
    expect(String(iakRequest('checkstatus', { ref_id: 'R1' }, { format: 'xml' }).body)).toContain('{"name":"commands","children":[{"content":"checkstatus"}]');
  });
});
