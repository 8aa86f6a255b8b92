/** Answer parsing under hostile bodies (issue 15): bounded work before JSON.parse, cross-check helpers. */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, MalformedResponseError, ResponseMismatchError } from './errors.js';
import { ANSWER_SHAPE_LIMITS, jsonShape } from './json-shape.js';
import { assertAnswerFits, echoProblems, missingProblems, parseJsonBody, sumProblems } from './response.js';
import type { TransportResponse } from './transport.js';

function response(body: string): TransportResponse {
  return {
    status: 200,
    headers: new Headers(),
    body,
    bytes: Buffer.byteLength(body),
    contentType: 'application/json',
    url: 'http://127.0.0.1/x',
    attempts: 1,
    durationMs: 1,
    request: { operation: 'checkstatus' },
  };
}

describe('parseJsonBody bounds the work before parsing', () => {
  it('refuses 5 MiB of nesting with a MalformedResponseError naming the limit, and keeps 8 kB of the body', () => {
    const depth = 2_600_000;
    const nested = `{"data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(nested.length).toBeGreaterThan(5_000_000);
    let error: unknown;
    try {
      parseJsonBody(response(nested), { provider: 'iak' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toContain(`nests deeper than ${ANSWER_SHAPE_LIMITS.maxDepth} levels`);
    expect((error as MalformedResponseError).rawBody?.length).toBeLessThan(8_300);
  });

  it('refuses hundreds of thousands of keys, and accepts what real answers look like', () => {
    const wide = `{"data":{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":${i}`).join(',')}}}`;
    expect(() => parseJsonBody(response(wide), { provider: 'espay' })).toThrow(/more than 50000 fields/);
    expect(parseJsonBody(response('{"data":{"a":[1,2,{"b":"{[:,]}"}]}}'), { provider: 'iak' })).toEqual({
      data: { a: [1, 2, { b: '{[:,]}' }] },
    });
  });

  it('jsonShape stops at the first limit and ignores syntax inside strings', () => {
    expect(jsonShape('{"a":"::::::::"}', { maxDepth: 1, maxMembers: 1 })).toEqual({ ok: true });
    expect(jsonShape('{"a":1,"b":2}', { maxDepth: 4, maxMembers: 1 })).toEqual({ ok: false, reason: 'has more than 1 fields' });
    expect(jsonShape(Buffer.from('[[["\\"["]]]'), { maxDepth: 2, maxMembers: 9 })).toEqual({
      ok: false,
      reason: 'nests deeper than 2 levels',
    });
  });
});

describe('cross-check helpers', () => {
  it('name echoes that differ or are missing, sums that do not add up', () => {
    const answer = { rq_uuid: 'A1', order_id: 77, ref_id: '' };
    expect(echoProblems(answer, { rq_uuid: 'A1', order_id: '77' })).toEqual([]);
    expect(echoProblems(answer, { rq_uuid: 'a1' })).toEqual(['rq_uuid "A1" is not the request\'s "a1"']);
    expect(echoProblems(answer, { ref_id: 'TX', tr_id: '5' }, ['tr_id'])).toEqual(["tr_id is missing (the request's is 5)"]);
    expect(missingProblems(answer, ['ref_id', 'rq_uuid'])).toEqual(['ref_id is missing']);
    expect(
      sumProblems(
        ['price', 300n],
        [
          ['nominal', 200n],
          ['admin', 100n],
        ],
      ),
    ).toEqual([]);
    expect(
      sumProblems(
        ['price', 301n],
        [
          ['nominal', 200n],
          ['admin', 100n],
        ],
      ),
    ).toEqual(['price 301 is not nominal + admin = 300 (minor units)']);
    expect(
      sumProblems(
        ['price', 200n],
        [
          ['nominal', 200n],
          ['admin', 100n],
        ],
        [200n],
      ),
    ).toEqual([]);
    expect(sumProblems(['price', undefined], [['nominal', 200n]])).toEqual([]);
  });

  it('assertAnswerFits throws a ResponseMismatchError (a MalformedResponseError) with the problems', () => {
    expect(() => assertAnswerFits([], response('{}'), { provider: 'iak' })).not.toThrow();
    let error: unknown;
    try {
      assertAnswerFits(['tr_id is missing'], response('{"data":{}}'), { provider: 'iak' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseMismatchError);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as ResponseMismatchError).problems).toEqual(['tr_id is missing']);
    expect((error as ResponseMismatchError).kind).toBe('malformed_response');
  });
});

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
