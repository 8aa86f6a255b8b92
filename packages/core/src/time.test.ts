import { describe, expect, it } from 'vitest';
import { jakartaCompact, jakartaDateTime, parseJakartaDateTime, uniqueId } from './time.js';

describe('jakartaDateTime', () => {
  it('is UTC+7 regardless of the machine TZ', () => {
    expect(jakartaDateTime(new Date('2019-09-26T14:03:33Z'))).toBe('2019-09-26 21:03:33');
    expect(jakartaDateTime(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01 00:00:00');
    expect(jakartaDateTime(new Date('2024-02-28T20:59:59.999Z'))).toBe('2024-02-29 03:59:59');
    expect(jakartaCompact(new Date('2019-09-26T14:03:33Z'))).toBe('20190926210333');
    expect(() => jakartaDateTime(new Date('nope'))).toThrow(RangeError);
  });
  it('does not depend on process.env.TZ', () => {
    const before = process.env['TZ'];
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env['TZ'] = tz;
        expect(jakartaDateTime(new Date(Date.UTC(2020, 2, 8, 6, 30, 0)))).toBe('2020-03-08 13:30:00');
      }
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  });
  it('parses back and rejects malformed stamps', () => {
    const d = new Date('2025-02-14T07:48:02Z');
    expect(parseJakartaDateTime(jakartaDateTime(d))?.getTime()).toBe(d.getTime());
    for (const bad of ['2025-02-1414: 24: 22', '2025-02-30 10:00:00', '', 5, null]) expect(parseJakartaDateTime(bad)).toBeUndefined();
  });
});

describe('uniqueId', () => {
  it('is prefixed, alphanumeric and unique', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => uniqueId({ prefix: 'SENDERID' })));
    expect(ids.size).toBe(5000);
    for (const id of [...ids].slice(0, 20)) expect(id).toMatch(/^SENDERID\d{14}\d{3}[0-9A-F]{12}$/);
  });
  it('keeps its shape across refills of the random pool, for any length asked', () => {
    const at = new Date('2019-09-26T14:03:33Z');
    for (let i = 0; i < 2000; i++) expect(uniqueId({ now: at, randomBytes: 7 })).toMatch(/^20190926210333\d{3}[0-9A-F]{14}$/);
    expect(uniqueId({ randomBytes: 5000 }).length).toBe(14 + 3 + 10000);
    expect(uniqueId({ randomBytes: 0 })).toMatch(/^\d{17}$/);
  });
  it('stamps follow the clock second by second (the last second is cached)', () => {
    expect(jakartaDateTime(new Date('2019-09-26T14:03:33.100Z'))).toBe('2019-09-26 21:03:33');
    expect(jakartaCompact(new Date('2019-09-26T14:03:33.900Z'))).toBe('20190926210333');
    expect(jakartaDateTime(new Date('2019-09-26T14:03:34.000Z'))).toBe('2019-09-26 21:03:34');
    expect(jakartaCompact(new Date('2019-09-26T14:03:33.999Z'))).toBe('20190926210333');
    expect(jakartaDateTime(new Date('1969-12-31T16:59:59.500Z'))).toBe('1969-12-31 23:59:59');
    expect(jakartaCompact(new Date('1969-12-31T17:00:00.000Z'))).toBe('19700101000000');
  });
});
