import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyIak, MalformedResponseError } from '@billerkit/core';
import { buildIakXml, parseIakXml } from '@billerkit/validators';
import { describe, expect, it } from 'vitest';
import { paymentStatus } from './check-status.js';
import { amount, billFields, billsOf, paymentFields, productOf, smallInt, type WireData } from './results.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const json = (name: string) => (JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as { data: WireData }).data;
const xml = (name: string) => (parseIakXml(readFileSync(FIXTURES + name, 'utf8')) as { data: WireData }).data;

describe('amounts from IAK samples, in sen', () => {
  it('reads the PLN inquiry (JSON numbers)', () => {
    const fields = billFields(json('pln-inquiry-response.json'));
    expect(fields).toMatchObject({
      trId: '9732792',
      refId: '09128374655',
      nominal: 30_000_000n,
      admin: 250_000n,
      price: 30_250_000n,
      sellingPrice: 30_190_000n,
    });
    // IAK's rule: price = nominal + admin.
    expect(fields.price).toBe(fields.nominal! + fields.admin!);
    expect(fields.bills).toEqual([
      { period: '201608', amount: 30_000_000n, admin: 250_000n, penalty: 0n, misc: undefined, total: 30_250_000n, raw: expect.any(Object) },
    ]);
  });

  it('reads the PLN inquiry (XML strings) to the same amounts where the published twins agree', () => {
    const fromJson = billFields(json('pln-inquiry-response.json'));
    const fromXml = billFields(xml('pln-inquiry-response.xml'));
    for (const key of ['trId', 'refId', 'code', 'hp', 'trName', 'period', 'nominal', 'admin', 'price'] as const) {
      expect(fromXml[key], key).toEqual(fromJson[key]);
    }
    // IAK's own twins disagree on selling_price (301900 in JSON, 302500 in XML); each is read exactly.
    expect(fromJson.sellingPrice).toBe(30_190_000n);
    expect(fromXml.sellingPrice).toBe(30_250_000n);
    expect(fromXml.bills.map(({ raw: _r, ...b }) => b)).toEqual(fromJson.bills.map(({ raw: _r, ...b }) => b));
  });

  it('reads three Telkom bills and PDAM bills with penalty and misc amounts', () => {
    const telkom = billsOf(json('telkom-inquiry-response.json')['desc']);
    expect(telkom.map((b) => [b.period, b.amount, b.admin, b.total])).toEqual([
      ['MEI 2014', 4_987_000n, 250_000n, 5_237_000n],
      ['JUN 2014', 4_487_000n, 250_000n, 4_737_000n],
      ['JUL 2014', 3_487_000n, 250_000n, 3_737_000n],
    ]);
    const sum = telkom.reduce((n, b) => n + b.amount!, 0n);
    expect(sum).toBe(billFields(json('telkom-inquiry-response.json')).nominal);
    expect(billsOf(xml('telkom-inquiry-response.xml')['desc']).map((b) => b.total)).toEqual(telkom.map((b) => b.total));

    const pdam = billFields(json('pdam-inquiry-response.json'));
    expect(pdam.bills).toEqual([
      {
        period: '201412',
        amount: 2_724_000n,
        admin: undefined,
        penalty: 750_000n,
        misc: 75_000n,
        total: undefined,
        raw: expect.any(Object),
      },
    ]);
    // nominal = penalty + bill_amount + misc_amount in IAK's sample.
    const b = pdam.bills[0]!;
    expect(b.amount! + b.penalty! + b.misc!).toBe(pdam.nominal);
    expect(billsOf(xml('pdam-inquiry-response.xml')['desc'])).toEqual(pdam.bills.map((x) => ({ ...x, raw: expect.any(Object) })));
  });

  it('reads payment fields, including the XML spelling no_ref', () => {
    expect(paymentFields(json('pln-payment-response.json'))).toEqual({
      datetime: '20180803171844',
      balance: 99_758_610_800n,
      noref: '004212C9245F1BA43A77CEBD5CD5DA39',
    });
    expect(paymentFields(xml('pln-payment-response.xml'))).toEqual({
      datetime: '20170725153910',
      balance: 7_365_775_300n,
      noref: '004212C9245F1BA43A77CEBD5CD5DA39',
    });
  });

  it('keeps a 100-billion-rupiah balance exact (beyond float cents)', () => {
    expect(paymentFields(json('checkstatus-pending-response.json')).balance).toBe(9_999_583_390_000n);
    expect(paymentFields(xml('checkstatus-pending-response.xml')).balance).toBe(9_999_583_390_000n);
  });

  it('reads price list entries from JSON and XML', () => {
    const fromJson = (json('pricelist-response.json')['pasca'] as WireData[]).map(productOf);
    const fromXml = (xml('pricelist-response.xml')['pasca'] as WireData[]).map(productOf);
    expect(fromJson.map((p) => [p.code, p.fee, p.komisi, p.status, p.type])).toEqual([
      ['AETRA', 250_000n, 70_000n, 1, 'pdam'],
      ['BPJS', 200_000n, 10_000n, 1, 'bpjs'],
    ]);
    // IAK's XML twin lists other BPJS fees; the AETRA entry agrees.
    expect(fromXml[0]).toEqual({ ...fromJson[0], raw: expect.any(Object) });
  });

  it('gives identical typed fields for a JSON answer and its XML rendering', () => {
    for (const name of [
      'pln-payment-response.json',
      'checkstatus-success-response.json',
      'pdam-inquiry-response.json',
      'telkom-inquiry-response.json',
    ]) {
      const data = json(name);
      const viaXml = (parseIakXml(buildIakXml({ data })) as { data: WireData }).data;
      const strip = (d: WireData) => {
        const { desc: _d, bills, ...rest } = { ...billFields(d), ...paymentFields(d) };
        return { ...rest, bills: bills.map(({ raw: _r, ...bill }) => bill) };
      };
      expect(strip(viaXml), name).toEqual(strip(data));
    }
  });

  it('is strict about top-level amounts and lenient inside desc', () => {
    expect(() => amount({ price: '302.500' }, 'price')).toThrow(MalformedResponseError);
    expect(() => amount({ price: -1 }, 'price')).toThrow(MalformedResponseError);
    expect(() => amount({ price: 2 ** 53 }, 'price')).toThrow(MalformedResponseError);
    expect(() => amount({ price: 0.1 }, 'price')).toThrow(/price/);
    expect(amount({ price: '' }, 'price')).toBeUndefined();
    expect(amount({}, 'price')).toBeUndefined();
    expect(amount({ price: '9007199254740993' }, 'price')).toBe(900_719_925_474_099_300n);
    // Telco desc totals come as "" and odd strings; they are left out, not guessed.
    expect(billsOf({ tagihan: { detail: [{ periode: '', nilai_tagihan: '', admin: 'Rp 2.500', total: '' }] } })).toEqual([
      { period: '', amount: undefined, admin: undefined, penalty: undefined, misc: undefined, total: undefined, raw: expect.any(Object) },
    ]);
    expect(billsOf([])).toEqual([]);
    expect(billsOf({ tagihan: '' })).toEqual([]);
    expect(smallInt('3')).toBe(3);
    expect(smallInt('3a')).toBeUndefined();
  });
});

describe('payment status of a checkstatus answer', () => {
  const cases: [string, string | null, number | undefined, string | undefined][] = [
    ['paid', '00', 1, 'success'],
    ['in process', '39', 3, 'pending'],
    ['never received', '42', 0, 'not_found'],
    ['failed', '37', 2, 'failed'],
    ['failed, other code', '38', 2, 'failed'],
    ['never received, code only', '42', undefined, 'not_found'],
    ['never received, status only', null, 0, 'not_found'],
    ['paid, code only', '00', undefined, 'success'],
    ['pending code 05 only', '05', undefined, 'pending'],
    ['contradiction: paid status with "not received" code', '42', 1, 'pending'],
    ['contradiction: not received status with success code', '00', 0, 'pending'],
    ['undocumented status value', '00', 7, 'pending'],
    ['refusal of the request itself (bad signature)', '100', undefined, undefined],
    ['refusal: unknown ref_id', '06', undefined, undefined],
  ];
  it.each(cases)('%s (code %s, status %s) → %s', (_label, code, status, expected) => {
    expect(paymentStatus(code, classifyIak(code), status)).toBe(expected);
  });

  it("agrees with IAK's four published checkstatus samples", () => {
    const samples: [string, string][] = [
      ['checkstatus-success-response.json', 'success'],
      ['checkstatus-pending-response.json', 'pending'],
      ['checkstatus-not-received-response.json', 'not_found'],
      ['checkstatus-failed-response.json', 'failed'],
    ];
    for (const [name, expected] of samples) {
      const data = json(name);
      const code = data['response_code'] as string;
      expect(paymentStatus(code, classifyIak(code), smallInt(data['status'])), name).toBe(expected);
    }
    const fromXml = xml('checkstatus-pending-response.xml');
    expect(paymentStatus('39', classifyIak('39'), smallInt(fromXml['status']))).toBe('pending');
  });
});
