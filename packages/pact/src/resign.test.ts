import { iakSign, verifyEspaySignature } from '@billerkit/signing';
import { buildIakXml, parseIakXml } from '@billerkit/validators';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS } from './credentials.js';
import { type ProxyRequest, resignEspayForm, resignIakJson, resignIakXml, resigningRequestFilter } from './resign.js';

const espay = {
  senderId: 'MERCHANT',
  password: 'target-pw',
  signatureKey: 'target-key',
  basicAuth: { username: 'u', password: 'target-basic' },
};
const iak = { username: '0899', apiKey: 'target-api-key' };

describe('re-signing replayed requests for the target', () => {
  it('Espay: puts in sender_id and password and signs the final fields with the target key', () => {
    const headers: ProxyRequest['headers'] = { authorization: PLACEHOLDERS.espayBasic };
    const fields = resignEspayForm(
      '/rest/biller/paymentreport',
      {
        rq_uuid: 'PACTPAY0001',
        sender_id: 'SANDBOX',
        password: PLACEHOLDERS.espayPassword,
        order_id: '880000000000',
        product_code: 'SPBFRE',
        amount: '12790000',
        signature: PLACEHOLDERS.espaySignature,
      },
      headers,
      { espay },
    );
    expect(fields['sender_id']).toBe('MERCHANT');
    expect(fields['password']).toBe('target-pw');
    const signed = { sender_id: 'MERCHANT', order_id: '880000000000', product_code: 'SPBFRE', amount: '12790000', rq_uuid: 'PACTPAY0001' };
    expect(verifyEspaySignature('payment', signed, 'target-key', fields['signature'] ?? '')).toBe(true);
    expect(headers['authorization']).toBe(`Basic ${Buffer.from('u:target-basic').toString('base64')}`);
  });

  it('Espay: leaves the deliberately wrong signature and Basic header of the failure interactions alone', () => {
    const headers: ProxyRequest['headers'] = { authorization: PLACEHOLDERS.wrongEspayBasic };
    const fields = resignEspayForm(
      '/rest/biller/inquirytransaction',
      {
        rq_uuid: 'X',
        sender_id: 'SANDBOX',
        password: PLACEHOLDERS.espayPassword,
        order_id: '1',
        product_code: 'P',
        signature: PLACEHOLDERS.wrongEspaySignature,
      },
      headers,
      { espay },
    );
    expect(fields['signature']).toBe(PLACEHOLDERS.wrongEspaySignature);
    expect(headers['authorization']).toBe(PLACEHOLDERS.wrongEspayBasic);
  });

  it('Espay: a fresh rq_uuid is signed, not the one in the pact', () => {
    const fields = resignEspayForm(
      '/rest/billertools/getbalance',
      { rq_uuid: 'PACTBAL0001', sender_id: 'SANDBOX', password: PLACEHOLDERS.espayPassword, signature: PLACEHOLDERS.espaySignature },
      {},
      { espay, freshId: () => 'FRESH1' },
    );
    expect(fields['rq_uuid']).toBe('FRESH1');
    expect(verifyEspaySignature('balance', { sender_id: 'MERCHANT', rq_uuid: 'FRESH1' }, 'target-key', fields['signature'] ?? '')).toBe(
      true,
    );
  });

  it('IAK JSON: signs each command with its own extra', () => {
    expect(resignIakJson({ commands: 'inq-pasca', username: 'x', ref_id: 'R1', sign: PLACEHOLDERS.iakSign }, { iak })['sign']).toBe(
      iakSign('0899', 'target-api-key', 'R1'),
    );
    expect(resignIakJson({ commands: 'pay-pasca', username: 'x', tr_id: '77', sign: PLACEHOLDERS.iakSign }, { iak })['sign']).toBe(
      iakSign('0899', 'target-api-key', '77'),
    );
    expect(resignIakJson({ commands: 'checkstatus', username: 'x', ref_id: 'R1', sign: PLACEHOLDERS.iakSign }, { iak })['sign']).toBe(
      iakSign('0899', 'target-api-key', 'cs'),
    );
    expect(resignIakJson({ commands: 'pricelist-pasca', username: 'x', sign: PLACEHOLDERS.iakSign }, { iak })['sign']).toBe(
      iakSign('0899', 'target-api-key', 'pl'),
    );
    expect(resignIakJson({ commands: 'inq-pasca', username: 'x', ref_id: 'R1', sign: PLACEHOLDERS.wrongIakSign }, { iak })['sign']).toBe(
      PLACEHOLDERS.wrongIakSign,
    );
  });

  it('IAK XML: edits username, ref_id and sign in place', () => {
    const xml = buildIakXml({
      commands: 'inq-pasca',
      username: '081234567890',
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: 'PACTXML1',
      sign: PLACEHOLDERS.iakSign,
    });
    const out = resignIakXml(xml, { iak, freshId: () => 'FRESH2' });
    const parsed = parseIakXml(out, { form: 'request' }) as Record<string, string>;
    expect(parsed).toMatchObject({
      username: '0899',
      ref_id: 'FRESH2',
      hp: '530000000001',
      sign: iakSign('0899', 'target-api-key', 'FRESH2'),
    });
  });

  it('the verifier filter hands the proxy a form Buffer (not JSON) with a matching Content-Length', () => {
    const filter = resigningRequestFilter({ espay });
    const req: ProxyRequest = {
      path: '/rest/billertools/getbalance',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' },
      // What body-parser.urlencoded leaves for the filter: an object, which the proxy would JSON.stringify.
      body: { rq_uuid: 'A B', sender_id: 'SANDBOX', password: PLACEHOLDERS.espayPassword, signature: PLACEHOLDERS.espaySignature },
    };
    let called = false;
    filter(req, {}, () => {
      called = true;
    });
    expect(called).toBe(true);
    expect(Buffer.isBuffer(req.body)).toBe(true);
    const text = (req.body as Buffer).toString('utf8');
    expect(text.startsWith('rq_uuid=A+B&sender_id=MERCHANT&password=target-pw&signature=')).toBe(true);
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    const untouched: ProxyRequest = { path: '/_pactSetup', headers: { 'content-type': 'application/json' }, body: { state: 'x' } };
    filter(untouched, {}, () => {});
    expect(untouched.body).toEqual({ state: 'x' });
  });
});
