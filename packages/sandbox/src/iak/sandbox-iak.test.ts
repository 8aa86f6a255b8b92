import { iakSign } from '@billerkit/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox.js';
import { call, strictIssues } from './iak.test.helpers.js';

/** The IAK provider behind the real sandbox server (startSandbox), not the test adapter. */
describe('IAK through startSandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ deterministic: true, credentials: { iak: { username: '081200000001', apiKey: 'k-iak' } } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const post = async (body: Record<string, unknown>, path = '/api/v1/bill/check') => {
    const answer = await call(sandbox.url, path, { body: JSON.stringify(body) });
    return { answer, envelope: JSON.parse(answer.text) as { data: Record<string, unknown> } };
  };

  it('runs inquiry → payment → checkstatus with the configured credentials and records the payment once', async () => {
    const { username, apiKey } = sandbox.credentials.iak;
    expect(username).toBe('081200000001');
    const sign = (extra: string) => iakSign(username, apiKey, extra);
    const inq = await post({
      commands: 'inq-pasca',
      username,
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: 'srv001',
      sign: sign('srv001'),
    });
    expect(inq.answer.status).toBe(200);
    expect(strictIssues('InqPascaResponse', inq.envelope)).toEqual([]);
    const trId = String(inq.envelope.data['tr_id']);
    for (let i = 0; i < 2; i++) {
      const pay = await post({ commands: 'pay-pasca', username, tr_id: trId, sign: sign(trId) }, '/api/v1/bill/check/');
      expect(strictIssues('PayPascaResponse', pay.envelope)).toEqual([]);
      expect(pay.envelope.data['response_code']).toBe(i === 0 ? '00' : '01');
    }
    const status = await post({ commands: 'checkstatus', username, ref_id: 'srv001', sign: sign('cs') });
    expect(status.envelope.data).toMatchObject({ status: 1, response_code: '00' });
    expect(sandbox.transactions().filter((t) => t.provider === 'iak')).toHaveLength(1);
    expect(sandbox.balances().iak).toBe(1_000_000_000n - 30_190_000n);

    // The default key no longer works once the server is configured with another one.
    const foreign = await post({
      commands: 'checkstatus',
      username,
      ref_id: 'srv001',
      sign: iakSign(username, 'sandbox-iak-api-key', 'cs'),
    });
    expect(foreign.envelope.data).toEqual({ response_code: '100', message: 'INVALID SIGNATURE' });
  });

  it('exposes the provider states through the server', async () => {
    const made = await sandbox.setState('iak', 'inquiry exists', { ref_id: 'srv002', tr_id: '9732792' });
    expect(made).toMatchObject({ tr_id: 9732792, ref_id: 'srv002' });
    const receipt = await call(sandbox.url, '/api/v1/download/9732792/1', { method: 'GET', contentType: null });
    expect(receipt.contentType).toBe('application/xml');
    expect(receipt.text).toContain('<response_code>02</response_code>');
  });
});
