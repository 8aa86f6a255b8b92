// Consumer contract of this app's IAK calls, in JSON and in IAK's <mp> XML, then verified against the
// embedded billerkit sandbox.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { addInteraction, iakAnswer, iakInteraction, iakStates, verifyWithSandbox } from '@billerkit/pact';
import { PactV3, SpecificationVersion } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { iakBiller } from '../src/bills.js';

const PACT_DIR = join(import.meta.dirname, '..', 'pacts');
const PACT_FILE = join(PACT_DIR, 'consumer-contract-app-iak-postpaid.json');
rmSync(PACT_FILE, { force: true });
const pact = new PactV3({
  consumer: 'consumer-contract-app',
  provider: 'iak-postpaid',
  dir: PACT_DIR,
  spec: SpecificationVersion.SPECIFICATION_VERSION_V3,
  logLevel: 'error',
});

const settings = (baseUrl, format = 'json') => ({ baseUrl, username: '0811000000', apiKey: 'my-iak-api-key', format });
// IAK's documented answer for a 1-bill PLN test number. The repository's own pact cases use the same data;
// this app is standalone and imports nothing from the repository, so it spells the bill out itself.
const bill = (hp) => ({
  code: 'PLNPOSTPAID',
  hp,
  tr_name: 'SUBCRIBER NAME',
  period: '201608',
  nominal: 300000,
  admin: 2500,
  price: 302500,
  selling_price: 301900,
  desc: {
    tarif: 'R1',
    daya: 1300,
    lembar_tagihan: '1',
    tagihan: { detail: [{ periode: '201608', nilai_tagihan: '300000', admin: '2500', denda: '0', total: 302500 }] },
  },
});

describe('IAK consumer contract', () => {
  for (const format of ['json', 'xml']) {
    it(`quotes a PLN bill in ${format}`, async () => {
      const refId = `MYSHOP${format.toUpperCase()}1`;
      addInteraction(
        pact,
        iakInteraction({
          command: 'inq-pasca',
          description: `a ${format} quote for test number 530000000001`,
          state: iakStates.testNumber({ code: 'PLNPOSTPAID', hp: '530000000001' }),
          fields: { code: 'PLNPOSTPAID', hp: '530000000001', ref_id: refId },
          request: { format },
          response: iakAnswer(
            'inq-pasca',
            { tr_id: 119590800001, ...bill('530000000001'), ref_id: refId, response_code: '00', message: 'INQUIRY SUCCESS' },
            { format },
          ),
        }),
      );
      await pact.executeTest(async (server) => {
        const quote = await iakBiller(settings(server.url, format)).quote('PLNPOSTPAID', '530000000001', refId);
        expect(quote.price).toBe(30_250_000n);
      });
    });
  }

  it('pays the quoted bill', async () => {
    addInteraction(
      pact,
      iakInteraction({
        command: 'pay-pasca',
        description: 'a payment of tr_id 900000101',
        state: iakStates.unpaidInquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'MYSHOPPAY1', trId: '900000101' }),
        fields: { tr_id: '900000101' },
        response: iakAnswer(
          'pay-pasca',
          {
            tr_id: 900000101,
            datetime: '20250101100000',
            ...bill('530000000001'),
            ref_id: 'MYSHOPPAY1',
            response_code: '00',
            message: 'PAYMENT SUCCESS',
            balance: 9697500,
            noref: '478CAB5AC80106906C372CFCE1F4584C',
          },
          { exact: ['tr_id', 'ref_id'] },
        ),
      }),
    );
    await pact.executeTest(async (server) => {
      expect(await iakBiller(settings(server.url)).pay('900000101')).toEqual({ outcome: 'success', price: 30_250_000n });
    });
  });

  it('is told when the number is wrong', async () => {
    addInteraction(
      pact,
      iakInteraction({
        command: 'inq-pasca',
        description: 'a quote for test number 530000000005, which is wrong',
        state: iakStates.testNumber({ code: 'PLNPOSTPAID', hp: '530000000005' }),
        fields: { code: 'PLNPOSTPAID', hp: '530000000005', ref_id: 'MYSHOPBAD1' },
        response: iakAnswer('inq-pasca', {
          code: 'PLNPOSTPAID',
          hp: '530000000005',
          ref_id: 'MYSHOPBAD1',
          response_code: '14',
          message: 'INCORRECT DESTINATION NUMBER',
        }),
      }),
    );
    await pact.executeTest(async (server) => {
      await expect(iakBiller(settings(server.url)).quote('PLNPOSTPAID', '530000000005', 'MYSHOPBAD1')).rejects.toMatchObject({
        code: '14',
      });
    });
  });

  it('holds up against the embedded sandbox (re-signed with its credentials)', async () => {
    const [result] = await verifyWithSandbox({ pactFiles: [PACT_FILE] });
    expect(result.interactions.every((i) => i.passed)).toBe(true);
    expect(result.interactions).toHaveLength(4);
  });
});
