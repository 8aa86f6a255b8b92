import { describe, expect, it } from 'vitest';
import { amount, RawNumber, receiptRupiah, rupiah, senToRupiahText, toJson, toXmlValue } from './money.js';

describe('IAK money helpers', () => {
  it('turns sen into exact rupiah text without floating point', () => {
    expect(senToRupiahText(30_250_000n)).toBe('302500');
    expect(senToRupiahText(12_345n)).toBe('123.45');
    expect(senToRupiahText(12_340n)).toBe('123.4');
    expect(senToRupiahText(5n)).toBe('0.05');
    expect(senToRupiahText(-150n)).toBe('-1.5');
    // Far beyond 2^53: still exact.
    expect(senToRupiahText(123_456_789_012_345_678_901n)).toBe('1234567890123456789.01');
    expect(rupiah(302500)).toBe(30_250_000n);
    expect(() => rupiah(1.5)).toThrow(TypeError);
  });

  it('writes RawNumber and bigint verbatim in JSON and drops undefined', () => {
    const text = toJson({ a: amount(99_999_999_999_999_999_999n), b: 7n, c: undefined, d: [1, 'x', null], e: { f: true } });
    expect(text).toBe('{"a":999999999999999999.99,"b":7,"d":[1,"x",null],"e":{"f":true}}');
    expect(() => toJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => new RawNumber('1e5')).toThrow(TypeError);
  });

  it('gives the XML codec strings for money', () => {
    expect(toXmlValue({ a: amount(250n), b: [amount(100n)], c: 3n })).toEqual({ a: '2.5', b: ['1'], c: '3' });
  });

  it('formats receipt amounts the Indonesian way', () => {
    expect(receiptRupiah(rupiah(50000))).toBe('Rp 50.000');
    expect(receiptRupiah(rupiah(2500))).toBe('Rp 2.500');
    expect(receiptRupiah(123_456_789n)).toBe('Rp 1.234.567,89');
    expect(receiptRupiah(0n)).toBe('Rp 0');
  });
});
