import { describe, expect, it } from 'vitest';
import { createRedactor, createSafeLogger, isSensitiveKey, REDACTED, redact, redactValue } from './redact.js';

const SECRET = 'Zq9-uniq+secret/=value';

describe('redact by field name', () => {
  it('form bodies and query strings', () => {
    const body = 'rq_uuid=A1&sender_id=S&password=TeJ9LtGs7xWZNwwm&order_id=1&signature=abc123&sign=deadbeef&api_key=k1&signature_key=sk';
    const out = redact(body);
    for (const leaked of ['TeJ9LtGs7xWZNwwm', 'abc123', 'deadbeef', 'k1', '=sk']) expect(out).not.toContain(leaked);
    expect(out).toContain('rq_uuid=A1');
    expect(out).toContain('order_id=1');
    expect(out).toContain(`password=${REDACTED}`);
    expect(redact('https://h/x?signature=zz&a=1')).toBe(`https://h/x?signature=${REDACTED}&a=1`);
  });

  it('does not touch names that merely contain a sensitive word', () => {
    expect(redact('designation=x&signed_at=y&order_id=z')).toBe('designation=x&signed_at=y&order_id=z');
  });

  it('JSON members, including nested JSON strings', () => {
    const json = JSON.stringify({ username: 'u', sign: 'abc', apiKey: 'k', nested: JSON.stringify({ password: 'p@ss' }) });
    const out = redact(json);
    expect(out).not.toMatch(/"abc"|"k"|p@ss/);
    expect(out).toContain('"username":"u"');
    expect(redact('{"password": 12345}')).toBe(`{"password": "${REDACTED}"}`);
  });

  it('XML elements', () => {
    expect(redact('<mp><username>u</username><sign>0123abcd</sign></mp>')).toBe(`<mp><username>u</username><sign>${REDACTED}</sign></mp>`);
  });

  it('Authorization headers, Basic credentials and URL userinfo', () => {
    expect(redact('Authorization: Basic ZXNwYXktdGVzdDp0ZXN0')).not.toContain('ZXNwYXktdGVzdDp0ZXN0');
    expect(redact('authorization=Token abc')).not.toContain('abc');
    expect(redact('sent Basic QWxhZGRpbjpTbWVsYW5h to host')).not.toContain('QWxhZGRpbjpTbWVsYW5h');
    expect(redact('https://user:pa55@api.example/x')).toBe(`https://${REDACTED}@api.example/x`);
  });
});

describe('redact by value', () => {
  const r = createRedactor({ secrets: [SECRET, '', undefined] });
  it('removes the plain, URL-encoded, form-encoded, JSON-escaped and upper-cased spellings', () => {
    const spellings = [
      SECRET,
      encodeURIComponent(SECRET),
      new URLSearchParams({ x: SECRET }).toString().slice(2),
      JSON.stringify(SECRET).slice(1, -1),
      SECRET.toUpperCase(),
    ];
    for (const s of spellings) {
      const out = r(`prefix ${s} suffix note=${s}&x=1`);
      expect(out).not.toContain(s);
      expect(out).toContain('prefix');
    }
  });
  it('ignores empty secrets instead of redacting everything', () => {
    expect(r('hello')).toBe('hello');
  });
});

describe('redactValue / safe logger', () => {
  it('replaces sensitive members and redacts strings deeply, survives cycles', () => {
    const meta: Record<string, unknown> = {
      headers: new Headers({ authorization: 'Basic abcdEFGH', accept: '*/*' }),
      body: `password=${SECRET}`,
      nested: [{ signatureKey: 'x', ok: 1 }],
      err: new Error(`boom ${SECRET}`),
    };
    meta['self'] = meta;
    const out = JSON.stringify(redactValue(meta, createRedactor({ secrets: [SECRET] })));
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('abcdEFGH');
    expect(out).toContain('[Circular]');
    expect(out).toContain('"ok":1');
  });

  it('every log line goes through the redactor; a throwing logger is harmless', () => {
    const lines: string[] = [];
    const log = createSafeLogger({ debug: (m, meta) => lines.push(m + JSON.stringify(meta)) }, createRedactor({ secrets: [SECRET] }));
    log.debug(`about ${SECRET}`, { url: `https://h/?k=${encodeURIComponent(SECRET)}` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain(encodeURIComponent(SECRET));
    const throwing = createSafeLogger(
      {
        debug: () => {
          throw new Error('x');
        },
      },
      createRedactor(),
    );
    expect(() => throwing.debug('m', {})).not.toThrow();
  });

  it('a short secret is removed as a word, never from inside other words (password "test" keeps "latest")', () => {
    const r = createRedactor({ secrets: ['test'] });
    expect(r('the latest attestation tested at test-time')).toBe('the latest attestation tested at [REDACTED]-time');
    expect(r('password is test.')).toBe('password is [REDACTED].');
    expect(r('{"note":"test"}')).toBe('{"note":"[REDACTED]"}');
    // Long secrets are still removed wherever they appear, glued to other text or not.
    const long = createRedactor({ secrets: ['s3cr3t-k3y-long'] });
    expect(long('xxs3cr3t-k3y-longyy')).toBe('xx[REDACTED]yy');
  });

  it('isSensitiveKey', () => {
    for (const k of ['password', 'api_key', 'apiKey', 'signatureKey', 'signature', 'sign', 'Authorization'])
      expect(isSensitiveKey(k)).toBe(true);
    for (const k of ['order_id', 'signed', 'designation']) expect(isSensitiveKey(k)).toBe(false);
  });
});
