import { describe, expect, it } from 'vitest';
import { ESPAY_SIGNATURE_FIELDS, espayOperationOfPath, espayOperationTable, iakCommandTable, iakSignInputOf } from './index.js';

describe('operation tables', () => {
  it('finds each Espay row by its exact path, and no other', () => {
    for (const row of Object.values(espayOperationTable)) expect(espayOperationOfPath(row.path)).toBe(row);
    expect(espayOperationOfPath('/rest/biller/inquirytransaction/')).toBeUndefined();
    expect(espayOperationOfPath('/REST/biller/inquirytransaction')).toBeUndefined();
  });

  it('names a documented signature recipe for every Espay operation', () => {
    for (const row of Object.values(espayOperationTable)) expect(ESPAY_SIGNATURE_FIELDS[row.signature]).toContain('rq_uuid');
  });

  it('reads the sign input of each IAK command from its body', () => {
    expect(iakSignInputOf({ commands: 'inq-pasca', ref_id: 'R1' })).toBe('R1');
    expect(iakSignInputOf({ commands: 'pay-pasca', tr_id: 900000101 })).toBe('900000101');
    expect(iakSignInputOf({ commands: 'checkstatus', ref_id: 'R1' })).toBe('cs');
    expect(iakSignInputOf({ commands: 'pricelist-pasca' })).toBe('pl');
    expect(iakSignInputOf({ commands: 'inq-pasca' })).toBeUndefined();
    expect(iakSignInputOf({ commands: 'topup' })).toBeUndefined();
    expect(iakSignInputOf({ commands: 'toString' })).toBeUndefined();
    expect(Object.keys(iakCommandTable)).toEqual(['inq-pasca', 'pay-pasca', 'checkstatus', 'pricelist-pasca']);
  });
});
