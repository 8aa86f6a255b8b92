import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  DuplicateRequestError,
  InsufficientBalanceError,
  ProviderError,
  SignatureError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import {
  createEspayClassifier,
  createIakClassifier,
  createIakStatusClassifier,
  type EspayErrorCodeEntry,
  errorFromClassification,
  normaliseCode,
  parseRetryAfter,
} from './outcome.js';

// A small table in the catalogue's shape; the real catalogue is exercised in catalogues.test.ts.
const espay: EspayErrorCodeEntry[] = [
  { code: '0000', meaning: 'Success', outcome: 'success', kind: null },
  { code: '0000', meaning: 'In process', outcome: 'pending', kind: null, descPattern: '^\\s*(in ?pro[sc]es|process)' },
  { code: '0014', meaning: 'Unknown order', outcome: 'failed', kind: 'not_found' },
  { code: '210', meaning: 'UUID already exist', outcome: 'failed', kind: 'duplicate' },
  { code: '610', meaning: 'Try again after 5 minutes', outcome: 'retry-after', kind: 'throttled' },
  { code: '800', meaning: 'Insufficient balance', outcome: 'failed', kind: 'insufficient_balance' },
  { code: '9999', meaning: 'Suspect / timeout', outcome: 'pending', kind: 'timeout' },
];
const classify = createEspayClassifier(espay);

describe('classifyEspay (catalogue-driven)', () => {
  it('numeric and string codes are the same', () => {
    expect(classify(210, 'UUID already exist')).toEqual(classify('210', 'UUID already exist'));
    expect(classify(210).code).toBe('210');
    expect(classify(210).kind).toBe('duplicate');
  });
  it('descPattern entries win over the plain entry of the same code', () => {
    expect(classify('0000', 'Success').outcome).toBe('success');
    expect(classify('0000', 'Inproses').outcome).toBe('pending');
    expect(classify('0000', 'INPROSES').outcome).toBe('pending');
    expect(classify('0000', null).outcome).toBe('success');
  });
  it('codes are compared as sent: no zero-padding (0, "0", "00" are not 0000; 14 is not 0014)', () => {
    for (const code of [0, '0', '00', '000', ' 0 '])
      expect(classify(code, 'Success')).toMatchObject({ outcome: 'failed', kind: 'provider', known: false });
    expect(classify(14)).toMatchObject({ outcome: 'failed', kind: 'provider', code: '14', known: false });
    expect(classify('0014')).toMatchObject({ outcome: 'failed', kind: 'not_found', code: '0014', known: true });
  });
  it('retry-after becomes failed with retryAfter seconds read from the text', () => {
    expect(classify(610, 'Anda bisa melakukan transaksi yang sama setelah 5 menit')).toMatchObject({
      outcome: 'failed',
      kind: 'throttled',
      retryAfter: 300,
    });
    expect(classify(610, 'try again in 30 seconds').retryAfter).toBe(30);
  });
  it('unknown and missing codes are failed/provider', () => {
    expect(classify('4242', 'whatever')).toEqual({ outcome: 'failed', kind: 'provider', code: '4242', known: false });
    expect(classify(undefined)).toMatchObject({ outcome: 'failed', kind: 'provider', code: null });
    expect(classify(1.5).code).toBeNull();
  });
});

describe('IAK classifiers', () => {
  const iak = createIakClassifier([
    { code: '00', message: 'SUCCESS', outcome: 'success', kind: null },
    { code: '39', message: 'PENDING', outcome: 'pending', kind: null },
    { code: '01', message: 'INVOICE HAS BEEN PAID', outcome: 'failed', kind: 'already_paid' },
  ]);
  it('looks codes up as sent, without padding', () => {
    expect(iak('00').outcome).toBe('success');
    expect(iak(0)).toMatchObject({ outcome: 'failed', kind: 'provider', code: '0', known: false });
    expect(iak('0')).toMatchObject({ outcome: 'failed', known: false });
    expect(iak(1)).toMatchObject({ outcome: 'failed', kind: 'provider', code: '1', known: false });
    expect(iak('01')).toMatchObject({ outcome: 'failed', kind: 'already_paid', code: '01' });
    expect(iak('77')).toMatchObject({ outcome: 'failed', kind: 'provider', known: false });
  });
  it('status values accept numbers and strings', () => {
    const status = createIakStatusClassifier([
      { status: 1, meaning: 'success', outcome: 'success' },
      { status: '2', meaning: 'failed', outcome: 'failed' },
      { status: 0, meaning: 'pending', outcome: 'pending' },
    ]);
    expect(status('1').outcome).toBe('success');
    expect(status(2).outcome).toBe('failed');
    expect(status(0).outcome).toBe('pending');
    expect(status(9).known).toBe(false);
  });
});

describe('errorFromClassification', () => {
  const ctx = { provider: 'espay' as const, providerMessage: 'msg' };
  it('maps kinds to subclasses', () => {
    const cases: [string, unknown][] = [
      ['auth', AuthenticationError],
      ['signature', SignatureError],
      ['validation', ValidationError],
      ['duplicate', DuplicateRequestError],
      ['insufficient_balance', InsufficientBalanceError],
      ['timeout', TimeoutError],
      ['not_found', ProviderError],
      ['throttled', ProviderError],
      ['product', ProviderError],
    ];
    for (const [kind, cls] of cases) {
      // biome-ignore lint/suspicious/noExplicitAny: table-driven
      const err = errorFromClassification({ outcome: 'failed', kind: kind as any, code: '1', known: true }, ctx);
      expect(err, kind).toBeInstanceOf(cls as new (...a: never[]) => unknown);
      expect(err.kind).toBe(kind);
      expect(err.code).toBe('1');
      expect(err.providerMessage).toBe('msg');
    }
  });
  it('throttled carries retryAfter', () => {
    const err = errorFromClassification(classify(610, 'setelah 5 menit'), ctx) as ProviderError;
    expect(err.retryAfter).toBe(300);
    expect(err.message).toContain('610');
  });
});

describe('helpers', () => {
  it('normaliseCode', () => {
    expect(normaliseCode(' 0000 ')).toBe('0000');
    expect(normaliseCode('')).toBeNull();
    expect(normaliseCode(-1)).toBeNull();
  });
  it('parseRetryAfter', () => {
    expect(parseRetryAfter('setelah 5 menit')).toBe(300);
    expect(parseRetryAfter('1 jam')).toBe(3600);
    expect(parseRetryAfter('no number')).toBeUndefined();
  });
});
