import { describe, expect, it } from 'vitest';
import { receiptData, receiptPdf } from './receipt.js';

const lines: Array<[string, string]> = [
  ['HEADER', 'STRUK PEMBAYARAN PLN (Pascabayar)'],
  ['NAMA', 'SUBCRIBER \\ NAME'],
  ['JUMLAH TAGIHAN', 'Rp 300.000'],
  ['CATATAN', 'ünïcode → ?'],
];

describe('IAK receipt', () => {
  it('writes a structurally valid single-page PDF whose xref offsets point at the objects', () => {
    const pdf = receiptPdf(lines);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const entries = text.slice(startxref).split('\n').slice(3, 8);
    entries.forEach((entry, index) => {
      expect(entry).toMatch(/^\d{10} 00000 n $/);
      expect(text.slice(Number(entry.slice(0, 10))).startsWith(`${index + 1} 0 obj`)).toBe(true);
    });
    const length = Number(/\/Length (\d+)/.exec(text)?.[1]);
    const streamAt = text.indexOf('stream\n') + 'stream\n'.length;
    expect(text.slice(streamAt + length, streamAt + length + '\nendstream'.length)).toBe('\nendstream');
    // Parentheses and backslashes escaped, non-ASCII replaced: the content stream stays parseable.
    expect(text).toContain('(STRUK PEMBAYARAN PLN \\(Pascabayar\\)) Tj');
    expect(text).toContain('SUBCRIBER \\\\ NAME');
    expect([...pdf].every((byte) => byte < 0x80)).toBe(true);
    expect(receiptPdf(lines).equals(pdf)).toBe(true);
  });

  it('keeps the label order in the JSON receipt', () => {
    expect(Object.keys(receiptData(lines))).toEqual(['HEADER', 'NAMA', 'JUMLAH TAGIHAN', 'CATATAN']);
  });
});
