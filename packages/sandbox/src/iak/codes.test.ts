import { iakResponseCodes } from '@billerkit/specs';
import { describe, expect, it } from 'vitest';
import { IAK_RC, messageOf } from './codes.js';

describe('IAK response codes used by the sandbox', () => {
  it('are all in specs/iak/response-codes.json, with the meaning the sandbox gives them', () => {
    const kinds = new Map(iakResponseCodes.map((c) => [c.code, c.kind]));
    for (const code of Object.values(IAK_RC)) expect(kinds.has(code), code).toBe(true);
    expect(kinds.get(IAK_RC.alreadyPaid)).toBe('already_paid');
    expect(kinds.get(IAK_RC.notFound)).toBe('not_found');
    expect(kinds.get(IAK_RC.invalidSignature)).toBe('signature');
    expect(kinds.get(IAK_RC.balanceNotEnough)).toBe('insufficient_balance');
    expect(kinds.get(IAK_RC.duplicateRefId)).toBe('duplicate');
    expect(kinds.get(IAK_RC.timeout)).toBe('timeout');
  });

  it('uses the documented sample messages per command and the table text otherwise', () => {
    expect(messageOf('00', 'inq-pasca')).toBe('INQUIRY SUCCESS');
    expect(messageOf('00', 'pay-pasca')).toBe('PAYMENT SUCCESS');
    expect(messageOf('42', 'checkstatus')).toBe('REQUEST PEMBAYARAN BELUM DITERIMA');
    expect(messageOf('42')).toBe("PAYMENT REQUEST HAVEN'T BEEN RECEIEVED");
    expect(messageOf('103', 'inq-pasca')).toBe('TIMEOUT');
    expect(() => messageOf('999')).toThrow(/not in specs/);
  });
});
