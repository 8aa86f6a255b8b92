import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IAK_SIGN_EXTRA, iakSign, verifyIakSign } from './index.js';

const { vectors } = JSON.parse(readFileSync(new URL('../fixtures/iak-sign.vectors.json', import.meta.url), 'utf8')) as {
  vectors: { username: string; api_key: string; extra: string; sign: string; note: string }[];
};

describe('iakSign vectors', () => {
  it.each(vectors.map((v) => [v.note, v] as const))('%s', (_note, v) => {
    expect(iakSign(v.username, v.api_key, v.extra)).toBe(v.sign);
    expect(verifyIakSign(v.username, v.api_key, v.extra, v.sign)).toBe(true);
  });

  it('the literal extras match the documented commands', () => {
    expect(IAK_SIGN_EXTRA).toEqual({ checkStatus: 'cs', pricelist: 'pl', balance: 'bl' });
    const literalVectors = vectors.filter((v) => ['cs', 'pl', 'bl'].includes(v.extra));
    expect(literalVectors).toHaveLength(3);
  });
});

describe('iakSign input checks', () => {
  it('never signs undefined', () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => iakSign('user', 'key', undefined as any)).toThrow(/extra must be a string, got undefined/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => iakSign(undefined as any, 'key', 'cs')).toThrow(TypeError);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expect(() => verifyIakSign('user', null as any, 'cs', 'x')).toThrow(/apiKey/);
  });
  it('verify is false for malformed signs', () => {
    for (const bad of ['', 'abc', 'z'.repeat(32), 'a'.repeat(33), undefined, 12]) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
      expect(verifyIakSign('u', 'k', 'cs', bad as any)).toBe(false);
    }
  });
});

const part = fc.string({ maxLength: 20 });

describe('iakSign properties', () => {
  it('is deterministic lowercase md5 hex and verifies its own output', () => {
    fc.assert(
      fc.property(part, part, part, (u, k, e) => {
        const sign = iakSign(u, k, e);
        expect(sign).toMatch(/^[0-9a-f]{32}$/);
        expect(iakSign(u, k, e)).toBe(sign);
        expect(verifyIakSign(u, k, e, sign)).toBe(true);
      }),
    );
  });

  it('is case-sensitive in its inputs (md5 of the plain concatenation, nothing folded)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), (u) => {
        expect(iakSign(u, 'key', 'cs')).not.toBe(iakSign(u.toUpperCase(), 'key', 'cs'));
      }),
    );
  });

  it('rejects any one-character change of an input', () => {
    fc.assert(
      fc.property(fc.tuple(part, part, part), fc.nat(2), fc.nat(), fc.constantFrom('0', 'x', 'Z', '.'), (parts, which, at, ch) => {
        const sign = iakSign(...parts);
        const original = parts[which] as string;
        fc.pre(original.length > 0);
        const pos = at % original.length;
        const changed = original.slice(0, pos) + ch + original.slice(pos + 1);
        fc.pre(changed !== original);
        const next = [...parts] as [string, string, string];
        next[which] = changed;
        // Moving a character across the boundary of two parts yields the same concatenation; that is the recipe, not a bug.
        fc.pre(next.join('') !== parts.join(''));
        expect(verifyIakSign(...next, sign)).toBe(false);
      }),
    );
  });

  it('rejects any one-character change of the sign', () => {
    fc.assert(
      fc.property(part, fc.nat(31), fc.constantFrom(...'0123456789abcdef'), (u, pos, ch) => {
        const sign = iakSign(u, 'key', 'pl');
        fc.pre(sign[pos] !== ch);
        expect(verifyIakSign(u, 'key', 'pl', sign.slice(0, pos) + ch + sign.slice(pos + 1))).toBe(false);
      }),
    );
  });
});
