import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PactV3, SpecificationVersion } from '@pact-foundation/pact';
import { afterAll, describe, expect, it } from 'vitest';
import { espayAnswers, espayInteraction } from './espay.js';
import { iakAnswer, iakInteraction } from './iak.js';
import { addInteraction, type BillerInteraction } from './interaction.js';
import { espayStates, iakStates } from './states.js';
import { PactVerificationError } from './verify.js';
import { verifyWithSandbox } from './with-sandbox.js';

process.env['PACT_DO_NOT_TRACK'] = 'true';
const work = mkdtempSync(join(tmpdir(), 'billerkit-pact-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What an app's client would send: its own (here made-up) credentials, which the pact must not keep. */
const APP_SECRET = 'app-espay-password-9f1c';
const basic = `Basic ${Buffer.from('app-user:app-basic-secret').toString('base64')}`;

async function sendEspayInquiry(url: string, orderId: string, rqUuid: string): Promise<Response> {
  const form = new URLSearchParams({
    rq_uuid: rqUuid,
    rq_datetime: '2026-12-02 15:00:00',
    sender_id: 'APPMERCHANT',
    password: APP_SECRET,
    order_id: orderId,
    product_code: 'SPBFRE',
    signature: 'a'.repeat(64),
  });
  return fetch(`${url}/rest/biller/inquirytransaction`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    body: form,
  });
}

async function writePact(
  name: string,
  interactions: { interaction: BillerInteraction; send: (url: string) => Promise<Response> }[],
): Promise<string> {
  const dir = join(work, name);
  for (const { interaction, send } of interactions) {
    const pact = new PactV3({
      consumer: `${name}-app`,
      provider: `${name}-provider`,
      dir,
      spec: SpecificationVersion.SPECIFICATION_VERSION_V3,
      logLevel: 'error',
    });
    addInteraction(pact, interaction);
    await pact.executeTest(async (server) => {
      const response = await send(server.url);
      expect(response.status).toBe(interaction.response.status);
      await response.arrayBuffer();
    });
  }
  return join(dir, `${name}-app-${name}-provider.json`);
}

const inquiry = (orderId: string, rqUuid: string, answer: BillerInteraction['response']) =>
  espayInteraction({
    operation: 'inquiryTransaction',
    description: `an inquiry for order ${orderId}`,
    state: espayStates.testOrder({ orderId }),
    rqUuid,
    fields: { order_id: orderId, product_code: 'SPBFRE' },
    response: answer,
  });

describe('consumer pacts from the builders, verified against the embedded sandbox in one call', () => {
  it('verifies Espay form bodies (re-signed) and IAK JSON and XML bodies', async () => {
    const espayFile = await writePact('espay', [
      {
        interaction: inquiry(
          '880000000014',
          'APPINQ1',
          espayAnswers.failure('inquiryTransaction', {
            rqUuid: 'APPINQ1',
            orderId: '880000000014',
            code: '0014',
            desc: 'Data tagihan tidak ditemukan',
            exactCode: false,
          }),
        ),
        send: (url) => sendEspayInquiry(url, '880000000014', 'APPINQ1'),
      },
    ]);
    const pactText = readFileSync(espayFile, 'utf8');
    expect(pactText).not.toContain(APP_SECRET);
    expect(pactText).not.toContain(basic.slice(6));

    const inqData = {
      code: 'PLNPOSTPAID',
      hp: '530000000005',
      ref_id: 'APPIAK1',
      response_code: '14',
      message: 'INCORRECT DESTINATION NUMBER',
    };
    const iakFile = await writePact('iak', [
      {
        interaction: iakInteraction({
          command: 'inq-pasca',
          description: 'an inquiry of a wrong number, JSON',
          state: iakStates.testNumber({ code: 'PLNPOSTPAID', hp: '530000000005' }),
          fields: { code: 'PLNPOSTPAID', hp: '530000000005', ref_id: 'APPIAK1' },
          response: iakAnswer('inq-pasca', inqData, { exact: ['hp'] }),
        }),
        send: (url) =>
          fetch(`${url}/api/v1/bill/check`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              commands: 'inq-pasca',
              username: '0811',
              code: 'PLNPOSTPAID',
              hp: '530000000005',
              ref_id: 'APPIAK1',
              sign: 'b'.repeat(32),
            }),
          }),
      },
      {
        interaction: iakInteraction({
          command: 'checkstatus',
          description: 'a status of an unknown ref_id, XML',
          state: iakStates.noInquiry({ refId: 'APPIAK404' }),
          fields: { ref_id: 'APPIAK404' },
          request: { format: 'xml' },
          response: iakAnswer(
            'checkstatus',
            { ref_id: 'APPIAK404', response_code: '06', message: 'INQUIRY ID NOT FOUND' },
            { format: 'xml', exact: ['ref_id'] },
          ),
        }),
        send: (url) =>
          fetch(`${url}/api/v1/bill/check`, {
            method: 'POST',
            headers: { 'content-type': 'application/xml' },
            body: `<?xml version="1.0" encoding="UTF-8"?><mp><commands>checkstatus</commands><username>0811</username><ref_id>APPIAK404</ref_id><sign>${'c'.repeat(32)}</sign></mp>`,
          }),
      },
    ]);

    const results = await verifyWithSandbox({ pactFiles: [espayFile, iakFile] });
    expect(results.map((r) => r.interactions.map((i) => [i.description, i.passed]))).toEqual([
      [['an inquiry for order 880000000014', true]],
      [
        ['a status of an unknown ref_id, XML', true],
        ['an inquiry of a wrong number, JSON', true],
      ],
    ]);
    // The sandbox saw a form body, signed with its own key (it would have answered 0011 otherwise).
    const sent = results[0]?.interactions[0]?.exchanges[0]?.request.body ?? '';
    const form = new URLSearchParams(sent);
    expect(form.get('rq_uuid')).toBe('APPINQ1');
    expect(form.get('signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(form.get('signature')).not.toBe('0'.repeat(64));
    expect(results[0]?.interactions[0]?.exchanges[0]?.response?.body).toContain('"error_code":"0014"');
  });

  it('fails a pact that expects what the sandbox does not do, naming the interaction and the field', async () => {
    // Test order 880000000014 has no bill; a pact claiming a successful inquiry must not verify.
    const file = await writePact('wrong', [
      {
        interaction: inquiry(
          '880000000014',
          'APPINQ2',
          espayAnswers.inquirySuccess({
            rqUuid: 'APPINQ2',
            orderId: '880000000014',
            amount: '12790000',
            billAmount: '12540000',
            adminFee: '250000',
            data: { customer_name: 'X' },
          }),
        ),
        send: (url) => sendEspayInquiry(url, '880000000014', 'APPINQ2'),
      },
    ]);
    const failure = await verifyWithSandbox({ pactFiles: [file] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PactVerificationError);
    expect((failure as Error).message).toContain('"an inquiry for order 880000000014"');
    expect((failure as Error).message).toMatch(/error_code/);
  });
});
