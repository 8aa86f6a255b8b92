import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EspayErrorCode, EspayProduct, IakResponseCode, IakStatusValue, IakTestNumber } from './index.js';

const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const json = <T>(file: string): T => JSON.parse(read(file)) as T;

const espay = parse(read('espay/openapi.yaml')) as { components: { schemas: Record<string, unknown> } };
const iak = parse(read('iak/openapi.yaml')) as { components: { schemas: Record<string, unknown> } };
const espayErrors = json<EspayErrorCode[]>('espay/error-codes.json');
const espayProducts = json<EspayProduct[]>('espay/products.json');
const iakCodes = json<IakResponseCode[]>('iak/response-codes.json');
const iakStatuses = json<IakStatusValue[]>('iak/status-values.json');
const iakNumbers = json<IakTestNumber[]>('iak/test-numbers.json');

const OUTCOMES = ['success', 'pending', 'failed'];
const KINDS = [
  null,
  'auth',
  'signature',
  'validation',
  'duplicate',
  'insufficient_balance',
  'not_found',
  'product',
  'provider',
  'timeout',
  'already_paid',
  'throttled',
];

describe('Espay catalogues', () => {
  it('error codes are unique per (code, descPattern), classified, and sourced', () => {
    const keys = espayErrors.map((e) => `${e.code}|${e.descPattern ?? ''}`);
    expect(keys.length).toBe(new Set(keys).size);
    for (const entry of espayErrors) {
      expect([...OUTCOMES, 'retry-after']).toContain(entry.outcome);
      expect(KINDS).toContain(entry.kind);
      expect(entry.source.length).toBeGreaterThan(0);
      if (entry.descPattern) expect(() => new RegExp(entry.descPattern as string, 'i')).not.toThrow();
    }
    expect(espayErrors.find((e) => e.code === '0000' && !e.descPattern)?.outcome).toBe('success');
  });

  it('product codes are unique and their data schemas exist in the spec', () => {
    const codes = espayProducts.map((p) => p.code);
    expect(codes.length).toBe(new Set(codes).size);
    for (const product of espayProducts) {
      expect(['PAYMENT', 'PURCHASE', 'TOPUP']).toContain(product.transactionType);
      if (product.dataSchema) expect(Object.keys(espay.components.schemas)).toContain(product.dataSchema);
    }
  });
});

describe('IAK catalogues', () => {
  it('response codes are unique, classified and sourced', () => {
    const codes = iakCodes.map((c) => c.code);
    expect(codes.length).toBe(new Set(codes).size);
    for (const entry of iakCodes) {
      expect(OUTCOMES).toContain(entry.outcome);
      expect(KINDS).toContain(entry.kind);
      expect(entry.source.length).toBeGreaterThan(0);
    }
    expect(iakCodes.find((c) => c.code === '00')?.outcome).toBe('success');
  });

  it('checkstatus status values are classified', () => {
    expect(iakStatuses.length).toBeGreaterThan(0);
    for (const entry of iakStatuses) expect(OUTCOMES).toContain(entry.outcome);
  });

  it('test numbers cover both generations, and every one names a catalogued response code', () => {
    expect(new Set(iakNumbers.map((n) => n.generation))).toEqual(new Set(['seed', 'newer']));
    const known = new Set(iakCodes.map((c) => c.code));
    for (const number of iakNumbers) {
      expect(known, `${number.generation} ${number.hp}`).toContain(number.responseCode);
      expect(number.hp).toMatch(/^[0-9A-Za-z-]+$/);
    }
    const keys = iakNumbers.map((n) => `${n.generation}|${n.product}|${n.hp}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('every IAK command has request and response components', () => {
    for (const name of [
      'BillCheckRequest',
      'InqPascaRequest',
      'PayPascaRequest',
      'CheckStatusRequest',
      'PricelistPascaRequest',
      'InqPascaResponse',
      'PayPascaResponse',
      'CheckStatusResponse',
      'PricelistPascaResponse',
    ]) {
      expect(Object.keys(iak.components.schemas)).toContain(name);
    }
  });
});
