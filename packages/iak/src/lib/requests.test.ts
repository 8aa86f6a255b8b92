import { rupiah } from '@billerkit/core';
import { buildIakXml, parseIakXml, validate } from '@billerkit/validators';
import { describe, expect, it } from 'vitest';
import { buildCheckStatusBody, buildInquiryBody, buildPayBody, buildPricelistBody, normaliseTrId } from './requests.js';
import { encodeBody } from './wire.js';

// md5 vectors computed independently (printf '%s' … | md5sum), username 081234567890, api key abc123.
const CREDS = { username: '081234567890', apiKey: 'abc123' };
const VECTORS = {
  refId09128374655: '94bebdc24f0fd3641ac146138265937b',
  trId9732792: 'f6a4d16f1e1e831be5e187b0bcf26059',
  cs: '8497d7e00c764187e115968f8266af0a',
  pl: '54fbebc2563c0b56c5a3449ab84f325a',
};

describe('request bodies', () => {
  it('signs inq-pasca with the ref_id', () => {
    expect(buildInquiryBody(CREDS, { code: 'PLNPOSTPAID', hp: '530000000001', refId: '09128374655' })).toEqual({
      commands: 'inq-pasca',
      username: '081234567890',
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: '09128374655',
      sign: VECTORS.refId09128374655,
    });
  });

  it('signs pay-pasca with the tr_id and sends it as a digit string, whatever type it came in', () => {
    const expected = { commands: 'pay-pasca', username: '081234567890', tr_id: '9732792', sign: VECTORS.trId9732792 };
    expect(buildPayBody(CREDS, { trId: '9732792' })).toEqual(expected);
    expect(buildPayBody(CREDS, { trId: 9732792 })).toEqual(expected);
    expect(buildPayBody(CREDS, { trId: 9732792n })).toEqual(expected);
  });

  it('signs checkstatus with "cs" and pricelist-pasca with "pl"', () => {
    expect(buildCheckStatusBody(CREDS, { refId: '091283746520' })).toEqual({
      commands: 'checkstatus',
      username: '081234567890',
      ref_id: '091283746520',
      sign: VECTORS.cs,
    });
    expect(buildPricelistBody(CREDS)).toEqual({ commands: 'pricelist-pasca', username: '081234567890', sign: VECTORS.pl });
    expect(buildPricelistBody(CREDS, { status: 'non active', province: 'Jakarta', type: 'pdam' })).toEqual({
      commands: 'pricelist-pasca',
      username: '081234567890',
      status: 'non active',
      province: 'Jakarta',
      sign: VECTORS.pl,
    });
  });

  it('maps product extras to IAK field names; desc.amount is whole rupiah from sen', () => {
    const body = buildInquiryBody(CREDS, {
      code: 'SHOPEEPAY',
      hp: '082100000001',
      refId: 'pasca-978994691278',
      amount: rupiah(100000),
      month: 2,
      year: 2023,
      nomorIdentitas: '0212502110170100',
      extra: { kode_promo: 'X1' },
    });
    expect(body).toMatchObject({ desc: { amount: 100000 }, month: 2, year: '2023', nomor_identitas: '0212502110170100', kode_promo: 'X1' });
    expect(Object.keys(body).at(-1)).toBe('sign');
  });

  it('refuses an amount with sen, since IAK takes whole rupiah', () => {
    expect(() => buildInquiryBody(CREDS, { code: 'SHOPEEPAY', hp: '1', refId: 'R1', amount: 10_050n })).toThrow(RangeError);
    expect(() => buildInquiryBody(CREDS, { code: 'SHOPEEPAY', hp: '1', refId: 'R1', amount: 100 as unknown as bigint })).toThrow(TypeError);
  });

  it.each([
    ['an empty ref_id', { code: 'PLN', hp: '1', refId: '' }],
    ['a ref_id with a space', { code: 'PLN', hp: '1', refId: 'a b' }],
    ['a numeric hp', { code: 'PLN', hp: 530000000001 as unknown as string, refId: 'R' }],
    ['a missing code', { hp: '1', refId: 'R' }],
    ['an extra that overwrites sign', { code: 'PLN', hp: '1', refId: 'R', extra: { sign: 'x' } }],
    ['an extra that overwrites ref_id', { code: 'PLN', hp: '1', refId: 'R', extra: { ref_id: 'x' } }],
    ['a negative month', { code: 'BPJS', hp: '1', refId: 'R', month: -1 }],
  ])('refuses %s with a TypeError', (_label, input) => {
    expect(() => buildInquiryBody(CREDS, input as never)).toThrow(TypeError);
  });

  it('checks tr_id strictly: digits only, safe numbers only', () => {
    expect(normaliseTrId('0012', 't')).toBe('0012');
    expect(() => normaliseTrId('12a', 't')).toThrow(/digits only/);
    expect(() => normaliseTrId(2 ** 53, 't')).toThrow(/safe/);
    expect(() => normaliseTrId(1.5, 't')).toThrow(TypeError);
    expect(() => normaliseTrId(null, 't')).toThrow(/got null/);
    expect(() => buildPricelistBody(CREDS, { status: 'inactive' as never })).toThrow(/status/);
  });

  it('builds bodies that pass the strict spec components', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['InqPascaRequest', buildInquiryBody(CREDS, { code: 'PLNPOSTPAID', hp: '530000000001', refId: '09128374655' })],
      ['InqPascaRequest', buildInquiryBody(CREDS, { code: 'SHOPEEPAY', hp: '082100000001', refId: 'R1', amount: rupiah(100000) })],
      ['InqPascaRequest', buildInquiryBody(CREDS, { code: 'PBBKOT.CIMAHI', hp: '329801092375999901', refId: 'R2', year: '2023' })],
      [
        'InqPascaRequest',
        buildInquiryBody(CREDS, { code: 'ESAMSAT.JABAR', hp: '9658548523568701', refId: 'R3', nomorIdentitas: '0212502110170100' }),
      ],
      ['InqPascaRequest', buildInquiryBody(CREDS, { code: 'BPJS', hp: '8801234560001', refId: 'R4', month: 2 })],
      ['PayPascaRequest', buildPayBody(CREDS, { trId: 9732792 })],
      ['CheckStatusRequest', buildCheckStatusBody(CREDS, { refId: 'R1' })],
      ['PricelistPascaRequest', buildPricelistBody(CREDS, { status: 'active' })],
    ];
    for (const [component, body] of cases) {
      const result = validate('iak', component, 'strict', body);
      expect(result.issues, `${component} ${JSON.stringify(body)}`).toEqual([]);
      expect(validate('iak', 'BillCheckRequest', 'strict', body).valid).toBe(true);
    }
    // The spec's rules bite: PBB without a year fails.
    expect(
      validate('iak', 'InqPascaRequest', 'strict', buildInquiryBody(CREDS, { code: 'PBBKOT.CIMAHI', hp: '1', refId: 'R' })).valid,
    ).toBe(false);
  });
});

describe('request encoding', () => {
  it('writes JSON with JSON headers', () => {
    const body = buildPayBody(CREDS, { trId: '9732792' });
    const encoded = encodeBody(body, 'json');
    expect(encoded.headers).toEqual({ 'Content-Type': 'application/json', Accept: 'application/json' });
    expect(JSON.parse(encoded.body)).toEqual(body);
  });

  it('writes the <mp> form with XML headers, in the layout of IAK samples', () => {
    const body = buildCheckStatusBody(CREDS, { refId: '091283746520' });
    const encoded = encodeBody(body, 'xml');
    expect(encoded.headers).toEqual({ 'Content-Type': 'application/xml', Accept: 'application/xml' });
    expect(encoded.body).toBe(
      `<?xml version="1.0" ?>\n<mp>\n  <commands>checkstatus</commands>\n  <username>081234567890</username>\n  <ref_id>091283746520</ref_id>\n  <sign>${VECTORS.cs}</sign>\n</mp>\n`,
    );
    expect(parseIakXml(encoded.body)).toEqual(body);
  });

  it('carries nested request fields (desc.amount) through XML as text', () => {
    const body = buildInquiryBody(CREDS, { code: 'SHOPEEPAY', hp: '082100000001', refId: 'R1', amount: rupiah(100000) });
    const back = parseIakXml(buildIakXml(body)) as Record<string, unknown>;
    expect(back['desc']).toEqual({ amount: '100000' });
    // The tolerant profile accepts the XML text form of the same request.
    expect(validate('iak', 'InqPascaRequest', 'tolerant', back).valid).toBe(true);
  });
});
