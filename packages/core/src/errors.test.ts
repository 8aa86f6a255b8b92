import { describe, expect, it } from 'vitest';
import * as errors from './errors.js';
import {
  AuthenticationError,
  BillerkitError,
  ConnectionError,
  DuplicateRequestError,
  InsufficientBalanceError,
  MalformedResponseError,
  ProviderError,
  SignatureError,
  TimeoutError,
  ValidationError,
} from './errors.js';

const SECRET = 'S3cr3t-Only-Here-7f1c';

describe('BillerkitError', () => {
  it('carries provider, code, providerMessage, status, kind and a request summary', () => {
    const err = new ProviderError({
      provider: 'espay',
      message: 'espay 405: product denied',
      code: '405',
      providerMessage: 'product denied',
      httpStatus: 200,
      rawBody: '{"error_code":405}',
      kind: 'product',
      request: { operation: 'inquiryTransaction', method: 'POST', url: 'https://x/rest', attempt: 1 },
    });
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(BillerkitError);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err.name).toBe('ProviderError');
    expect(err.code).toBe('405');
    expect(err.kind).toBe('product');
    expect(err.request?.operation).toBe('inquiryTransaction');
    expect(String(err.stack)).toContain('ProviderError');
  });

  it('redacts secrets from message, providerMessage, rawBody and request url', () => {
    const err = new AuthenticationError({
      provider: 'iak',
      message: `bad key ${SECRET}`,
      providerMessage: `echo ${SECRET}`,
      rawBody: `{"username":"u","sign":"abcdef","api_key":"${SECRET}"}`,
      request: { url: `https://h/p?api_key=${SECRET}`, references: { note: SECRET } },
      secrets: [SECRET],
    });
    expect(JSON.stringify({ ...err.toJSON(), raw: err.rawBody, stack: err.stack })).not.toContain(SECRET);
    expect(err.rawBody).not.toContain('abcdef');
    expect(err.kind).toBe('auth');
  });

  it('default kinds per subclass', () => {
    const p = { provider: 'espay' as const, message: 'm' };
    expect(new SignatureError(p).kind).toBe('signature');
    expect(new DuplicateRequestError(p).kind).toBe('duplicate');
    expect(new InsufficientBalanceError(p).kind).toBe('insufficient_balance');
    expect(new MalformedResponseError(p).kind).toBe('malformed_response');
    expect(new ConnectionError({ ...p, phase: 'before-response', requestMaybeReceived: false }).kind).toBe('connection');
    const t = new TimeoutError({ ...p, phase: 'during-body' });
    expect([t.kind, t.phase, t.limit]).toEqual(['timeout', 'during-body', 'attempt']);
    const v = new ValidationError({ ...p, direction: 'response', issues: [{ path: '/a', message: 'bad', keyword: 'type' }] });
    expect(v.issues).toHaveLength(1);
    expect(v).toBeInstanceOf(ValidationError);
  });

  it('instanceof works across a second copy of the module', async () => {
    const copy = (await import(/* @vite-ignore */ `./errors.js?copy=${Date.now()}`)) as typeof errors;
    // Proof that this really is a second copy: the classes are different objects.
    expect(copy.TimeoutError).not.toBe(TimeoutError);
    expect(copy.BillerkitError).not.toBe(BillerkitError);

    const foreign = new copy.TimeoutError({ provider: 'iak', message: 'slow', phase: 'before-response' });
    expect(foreign).toBeInstanceOf(TimeoutError);
    expect(foreign).toBeInstanceOf(BillerkitError);
    expect(foreign).not.toBeInstanceOf(ConnectionError);
    expect(errors.isBillerkitError(foreign)).toBe(true);

    const local = new ValidationError({ provider: 'espay', message: 'x', direction: 'request', issues: [] });
    expect(local).toBeInstanceOf(copy.ValidationError);
    expect(local).toBeInstanceOf(copy.BillerkitError);
    expect(local).not.toBeInstanceOf(copy.ProviderError);
  });

  it('instanceof rejects look-alikes and non-objects', () => {
    expect(new Error('x')).not.toBeInstanceOf(BillerkitError);
    expect({ name: 'TimeoutError' }).not.toBeInstanceOf(TimeoutError);
    const notObjects: unknown[] = [null, undefined, 'TimeoutError', 42];
    for (const value of notObjects) expect(value instanceof TimeoutError).toBe(false);
  });

  it('a user subclass without its own brand uses the ordinary prototype check', () => {
    class MyTimeout extends TimeoutError {}
    const mine = new MyTimeout({ provider: 'espay', message: 'm', phase: 'provider' });
    const plain = new TimeoutError({ provider: 'espay', message: 'm', phase: 'provider' });
    expect(mine).toBeInstanceOf(MyTimeout);
    expect(mine).toBeInstanceOf(TimeoutError);
    expect(plain).not.toBeInstanceOf(MyTimeout);
  });

  it('cuts very long raw bodies', () => {
    const err = new MalformedResponseError({ provider: 'espay', message: 'm', rawBody: 'x'.repeat(20_000) });
    expect(err.rawBody!.length).toBeLessThan(errors.MAX_RAW_BODY_CHARS + 100);
    expect(err.rawBody).toContain('truncated');
  });
});
