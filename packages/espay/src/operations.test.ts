/**
 * The modular API: operations as functions of a connection, against the embedded sandbox, and the
 * connection as an opaque handle that carries no readable secret.
 */
import { inspect } from 'node:util';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { espayValidators } from '@billerkit/validators/espay';
import { createEspayClient } from './client.js';
import { createEspayConnection, type EspayConnection } from './connection.js';
import { balance, inquiry, pay, payAndConfirm, transactionInfo } from './operations.js';

let sandbox: Sandbox;
let espay: EspayConnection;

beforeAll(async () => {
  sandbox = await startSandbox();
  espay = createEspayConnection({ baseUrl: sandbox.url, ...sandbox.credentials.espay, timeoutMs: 2000 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

describe('Espay operations on a connection', () => {
  it('inquiry → pay → transactionInfo: one payment, deposit deducted by exactly the amount', async () => {
    const before = sandbox.balances().espay;
    const bill = await inquiry(espay, { productCode: 'SPBFRE', orderId: '880000000000' });
    expect(bill.outcome).toBe('success');
    const paid = await pay(espay, { inquiry: bill });
    expect(paid.outcome).toBe('success');
    const info = await transactionInfo(espay, { refId: paid.refId as string });
    expect(info.outcome).toBe('success');
    expect(sandbox.balances().espay).toBe(before - bill.amount);
    expect(sandbox.transactions().filter((t) => t.provider === 'espay' && t.customer === '880000000000')).toHaveLength(1);
    expect((await balance(espay)).balance).toBe(sandbox.balances().espay);
  });

  it('payAndConfirm on a connection settles a pending payment by polling', async () => {
    const bill = await inquiry(espay, { productCode: 'SPBFRE', orderId: '880000000010' });
    const result = await payAndConfirm(espay, { inquiry: bill, poll: { initialDelayMs: 10, maxDelayMs: 20 }, deadlineMs: 5000 });
    expect(result.outcome).toBe('success');
    expect(sandbox.transactions().filter((t) => t.provider === 'espay' && t.customer === '880000000010')).toHaveLength(1);
  });

  it('validates against the spec when given the validators, as the client does', async () => {
    const strict = createEspayConnection({
      baseUrl: sandbox.url,
      ...sandbox.credentials.espay,
      validators: espayValidators,
      validate: 'tolerant',
    });
    await expect(inquiry(strict, { productCode: 'SPBFRE', orderId: '880000000000' })).resolves.toMatchObject({ outcome: 'success' });
    expect(() => createEspayConnection({ baseUrl: sandbox.url, ...sandbox.credentials.espay, validate: 'strict' })).toThrow(
      /createEspayConnection: validate 'strict' needs the validators/,
    );
  });

  it('refuses anything but a connection from createEspayConnection, before sending', async () => {
    const client = createEspayClient({ baseUrl: sandbox.url, ...sandbox.credentials.espay });
    for (const wrong of [{ baseUrl: sandbox.url }, client, null, undefined]) {
      await expect(inquiry(wrong as never, { productCode: 'SPBFRE', orderId: '880000000000' })).rejects.toThrow(
        /expected a connection from createEspayConnection/,
      );
    }
    expect(sandbox.transactions()).toHaveLength(0);
  });

  it('shows only its base URL: no secret through inspect, JSON or its keys', () => {
    const credentials = sandbox.credentials.espay;
    const secrets = [credentials.password, credentials.signatureKey, credentials.basicAuth.password];
    const shown = [
      inspect(espay, { showHidden: true, depth: 10, getters: true }),
      JSON.stringify(espay),
      Object.getOwnPropertyNames(espay).join(','),
      Object.getOwnPropertySymbols(espay).length.toString(),
    ].join('\n');
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(Object.getOwnPropertyNames(espay)).toEqual(['baseUrl']);
    expect(Object.isFrozen(espay)).toBe(true);
  });

  it('names the function called in option errors', () => {
    expect(() => createEspayConnection({ ...sandbox.credentials.espay, senderId: '' })).toThrow(/^createEspayConnection: senderId/);
    expect(() => createEspayClient({ ...sandbox.credentials.espay, senderId: '' })).toThrow(/^createEspayClient: senderId/);
  });
});
