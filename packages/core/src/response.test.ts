import { describe, expect, it } from 'vitest';
import { AuthenticationError, MalformedResponseError } from './errors.js';
import { parseJsonBody } from './response.js';

describe('parseJsonBody', () => {
  const fake = (status: number, body: string, contentType = 'application/json') => ({
    status,
    headers: new Headers(),
    body,
    bytes: body.length,
    contentType,
    url: 'http://x',
    attempts: 1,
    durationMs: 1,
    request: { operation: 'op' },
  });
  it('401 is an AuthenticationError with the status', () => {
    const err = (() => {
      try {
        parseJsonBody(fake(401, '{"error":"unauthorized"}'), { provider: 'espay' });
      } catch (e) {
        return e as AuthenticationError;
      }
    })();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err?.httpStatus).toBe(401);
  });
  it('empty, HTML, truncated and scalar bodies are malformed; the raw body is kept', () => {
    for (const [body, ct] of [
      ['', 'application/json'],
      ['<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', 'application/json'],
      ['{"ok":true}', 'text/html'],
      ['{"error_code":"0000","amount":"125', 'application/json'],
      ['42', 'application/json'],
    ] as const) {
      try {
        parseJsonBody(fake(200, body, ct), { provider: 'espay' });
        expect.unreachable(body);
      } catch (e) {
        expect(e, body).toBeInstanceOf(MalformedResponseError);
        expect((e as MalformedResponseError).rawBody).toBe(body);
      }
    }
  });
  it('returns parsed objects, BOM tolerated', () => {
    expect(parseJsonBody(fake(200, '\uFEFF{"a":1}'), { provider: 'iak' })).toEqual({ a: 1 });
  });
});
