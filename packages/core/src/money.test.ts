import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from './errors.js';
import {
  formatEspayAmount,
  formatEspayDataAmount,
  formatIakAmount,
  formatIdr,
  parseEspayAmount,
  parseEspayDataAmount,
  parseIakAmount,
  rupiah,
} from './money.js';

describe('Espay amounts', () => {
  it('top-level wire amount has two implied decimals', () => {
    expect(parseEspayAmount('12540000')).toBe(12540000n);
    expect(parseEspayAmount(20250000)).toBe(20250000n);
    expect(parseEspayAmount('0')).toBe(0n);
    expect(formatEspayAmount(12540000n)).toBe('12540000');
  });
  it('data amounts are whole rupiah zero-padded to 12 digits', () => {
    expect(parseEspayDataAmount('000000125400')).toBe(12540000n);
    expect(parseEspayDataAmount('0002000000')).toBe(200000000n); // PDAM pads to 10
    expect(formatEspayDataAmount(12540000n)).toBe('000000125400');
    expect(() => formatEspayDataAmount(12540001n)).toThrow(RangeError);
    expect(() => formatEspayDataAmount(10n ** 15n)).toThrow(/12 digits/);
  });
  it('strict parsing rejects decimals, signs, exponents, separators, blanks, unsafe numbers', () => {
    const bad: unknown[] = [
      '',
      ' 1',
      '1 ',
      '12.5',
      '1,00',
      '150.000,00',
      '-1',
      '+1',
      '1e5',
      '0x10',
      '١٢',
      1.5,
      -1,
      -0,
      Number.NaN,
      Infinity,
      2 ** 53,
      JSON.parse('9007199254740993'),
      null,
      undefined,
      {},
      true,
    ];
    for (const value of bad) {
      expect(() => parseEspayAmount(value), JSON.stringify(String(value))).toThrow(MalformedResponseError);
    }
    expect(() => parseIakAmount(Number.MAX_SAFE_INTEGER + 2)).toThrow(/2\^53/);
    expect(parseIakAmount(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER) * 100n);
  });
  it('names the field in the error and the error is provider-tagged', () => {
    try {
      parseEspayAmount('12.00', { field: 'bill_amount' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MalformedResponseError);
      expect((e as MalformedResponseError).provider).toBe('espay');
      expect((e as Error).message).toContain('bill_amount');
    }
  });
  it('formatters refuse non-bigint and negative input', () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => formatEspayAmount(100 as any)).toThrow(TypeError);
    expect(() => formatEspayAmount(-1n)).toThrow(RangeError);
  });
});

describe('IAK amounts', () => {
  it('whole rupiah numbers or digit strings', () => {
    expect(parseIakAmount(125400)).toBe(12540000n);
    expect(parseIakAmount('125400')).toBe(12540000n);
    expect(formatIakAmount(12540000n)).toBe('125400');
    expect(() => formatIakAmount(12540050n)).toThrow(RangeError);
    expect(() => parseIakAmount('125400.00')).toThrow(MalformedResponseError);
  });
});

describe('formatIdr and rupiah', () => {
  it('formats with dot thousands and comma decimals', () => {
    expect(formatIdr(12540000n)).toBe('Rp 125.400,00');
    expect(formatIdr(0n)).toBe('Rp 0,00');
    expect(formatIdr(5n)).toBe('Rp 0,05');
    expect(formatIdr(100000000000n)).toBe('Rp 1.000.000.000,00');
    expect(formatIdr(-150n)).toBe('-Rp 1,50');
  });
  it('rupiah() builds minor units', () => {
    expect(rupiah(125400)).toBe(12540000n);
    expect(rupiah('125400')).toBe(12540000n);
    expect(rupiah(3n)).toBe(300n);
    expect(() => rupiah(1.5)).toThrow(RangeError);
  });
});

const minor = fc.bigInt({ min: 0n, max: 10n ** 20n });
const wholeMinor = fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }).map((r) => r * 100n);

describe('money round trips (property)', () => {
  it('Espay top-level: minor → wire → minor', () => {
    fc.assert(fc.property(minor, (m) => parseEspayAmount(formatEspayAmount(m)) === m));
  });
  it('Espay top-level: canonical wire digits → minor → wire', () => {
    fc.assert(fc.property(fc.stringMatching(/^[1-9][0-9]{0,18}$/), (s) => formatEspayAmount(parseEspayAmount(s)) === s));
  });
  it('Espay data: minor → 12-digit wire → minor', () => {
    fc.assert(
      fc.property(wholeMinor, (m) => {
        const wire = formatEspayDataAmount(m);
        return wire.length === 12 && parseEspayDataAmount(wire) === m;
      }),
    );
  });
  it('IAK: minor → wire → minor, number and string forms agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const m = parseIakAmount(n);
        return m === parseIakAmount(String(n)) && formatIakAmount(m) === String(n);
      }),
    );
  });
  it('formatIdr keeps every digit', () => {
    fc.assert(
      fc.property(minor, (m) => {
        const digits = formatIdr(m).replace(/[^0-9]/g, '');
        return BigInt(digits) === m;
      }),
    );
  });
  it('any string with a non-digit character is rejected', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => /[^0-9]/.test(s)),
        (s) => {
          expect(() => parseEspayAmount(s)).toThrow(MalformedResponseError);
        },
      ),
    );
  });
});

describe('parseRupiahDecimal', () => {
  it('reads rupiah with optional decimals exactly', async () => {
    const { parseRupiahDecimal } = await import('./money.js');
    expect(parseRupiahDecimal('espay', '16127451.00')).toBe(1612745100n);
    expect(parseRupiahDecimal('espay', '16127451.5')).toBe(1612745150n);
    expect(parseRupiahDecimal('espay', '16127451')).toBe(1612745100n);
    expect(parseRupiahDecimal('espay', 16127451.25)).toBe(1612745125n);
    expect(parseRupiahDecimal('espay', '-5.00', { allowNegative: true })).toBe(-500n);
    for (const bad of ['-5.00', '1.234', '1,00', '', '1e3', ' 1', 2 ** 60, null]) {
      expect(() => parseRupiahDecimal('espay', bad), String(bad)).toThrow(MalformedResponseError);
    }
  });
});
