import { espayOperationTable, iakCommandTable } from '@billerkit/signing';
import { espayOpenApi, iakOpenApi } from '@billerkit/specs';
import { espayOperations, iakCommands, iakOperations } from '@billerkit/validators';
import { describe, expect, it } from 'vitest';

// The operation tables live in @billerkit/signing (dependency-free, so it cannot read the spec itself);
// this is where a spec change that the tables no longer describe fails.
describe('the operation tables match the specs', () => {
  it('Espay: every spec operation has a row with its path, method and components, and no row is extra', () => {
    expect(Object.keys(espayOperationTable).sort()).toEqual(Object.keys(espayOperations).sort());
    for (const row of Object.values(espayOperationTable)) {
      expect(espayOperations[row.operationId], row.operationId).toMatchObject({
        path: row.path,
        method: row.method,
        requestComponent: row.requestComponent,
        responseComponent: row.responseComponent,
      });
    }
  });

  it('IAK: every command of the bill-check discriminator has a row with its components and the bill-check paths', () => {
    expect(Object.keys(iakCommandTable).sort()).toEqual(Object.keys(iakCommands).sort());
    for (const row of Object.values(iakCommandTable)) {
      expect(iakCommands[row.command], row.command).toMatchObject({
        requestComponent: row.requestComponent,
        responseComponent: row.responseComponent,
      });
      expect(Object.keys(iakOpenApi.paths)).toContain(row.path);
      if ('typedPath' in row) expect(Object.keys(iakOpenApi.paths)).toContain(row.typedPath);
    }
    expect(iakOperations['billCheck']?.path).toBe('/api/v1/bill/check');
  });

  it('every component a row names exists in its spec', () => {
    for (const row of Object.values(espayOperationTable)) {
      expect(espayOpenApi.components.schemas[row.requestComponent], row.requestComponent).toBeDefined();
      expect(espayOpenApi.components.schemas[row.responseComponent], row.responseComponent).toBeDefined();
    }
  });
});
