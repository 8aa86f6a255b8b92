import { espayOpenApi, iakOpenApi } from '@billerkit/specs';
import { describe, expect, it } from 'vitest';
import { espayOperations, iakCommands } from './operations.js';
import { componentNames, formatIssues, getValidator, parseFormBody, validate } from './validators.js';

describe('compiled validators', () => {
  for (const provider of ['espay', 'iak'] as const) {
    it(`every ${provider} component compiles in strict mode, in both profiles`, { timeout: 60_000 }, () => {
      const names = componentNames(provider);
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) {
        expect(typeof getValidator(provider, name, 'strict')).toBe('function');
        expect(typeof getValidator(provider, name, 'tolerant')).toBe('function');
      }
    });
  }

  it('compiles once and reuses the validator', () => {
    expect(getValidator('espay', 'InquiryTransactionResponse', 'strict')).toBe(
      getValidator('espay', 'InquiryTransactionResponse', 'strict'),
    );
    expect(getValidator('espay', 'InquiryTransactionResponse', 'strict')).not.toBe(
      getValidator('espay', 'InquiryTransactionResponse', 'tolerant'),
    );
  });

  it('names an unknown component', () => {
    expect(() => getValidator('espay', 'NoSuchThing', 'strict')).toThrow(/no component schema "NoSuchThing"/);
  });

  it('reports missing fields by their own path', () => {
    const result = validate('espay', 'GetBalanceRequest', 'strict', {});
    expect(result.valid).toBe(false);
    expect(result.issues.map((issue) => issue.path)).toContain('/rq_uuid');
    expect(formatIssues(result.issues)).toMatch(/\/rq_uuid is required/);
  });

  it('the tolerant profile accepts what strict rejects where the spec says so', () => {
    const strictCount = JSON.stringify(espayOpenApi).split('"x-tolerant"').length - 1;
    expect(strictCount).toBeGreaterThan(0);
    expect(JSON.stringify(iakOpenApi).includes('"x-tolerant"')).toBe(true);
  });
});

describe('operation tables', () => {
  it('maps every Espay operation to its form body and answer', () => {
    expect(Object.keys(espayOperations).sort()).toEqual(
      ['getBalance', 'getRegisteredProducts', 'getTransactionInfo', 'inquiryTransaction', 'paymentReport'].sort(),
    );
    expect(espayOperations['inquiryTransaction']).toMatchObject({
      method: 'POST',
      path: '/rest/biller/inquirytransaction',
      requestComponent: 'InquiryTransactionRequest',
      responseComponent: 'InquiryTransactionResponse',
    });
  });

  it('maps every IAK command to request and response components', () => {
    expect(Object.keys(iakCommands).sort()).toEqual(['checkstatus', 'inq-pasca', 'pay-pasca', 'pricelist-pasca']);
    for (const { requestComponent, responseComponent } of Object.values(iakCommands)) {
      expect(componentNames('iak')).toContain(requestComponent);
      expect(componentNames('iak')).toContain(responseComponent);
    }
  });
});

describe('parseFormBody', () => {
  it('decodes like the providers: plus and percent escapes, empty pairs ignored, last value wins', () => {
    expect(parseFormBody('a=1&&b=x+y&c=%7B%22k%22%3A1%7D&a=2&=orphan')).toEqual({ a: '2', b: 'x y', c: '{"k":1}' });
  });
  it('keeps raw spaces and JSON as written in the docs samples', () => {
    expect(parseFormBody('rq_datetime=2019-09-26 21:03:33&data={"phone_no":"0888"}')).toEqual({
      rq_datetime: '2019-09-26 21:03:33',
      data: '{"phone_no":"0888"}',
    });
  });
});
