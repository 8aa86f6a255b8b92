// Consumer contract of this app's Espay calls (form bodies), then the same pact verified against the
// embedded billerkit sandbox. In CI the pact file is published with `pact-broker publish` (see README.md).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { addInteraction, espayAnswers, espayInteraction, espayStates, verifyWithSandbox } from '@billerkit/pact';
import { PactV3, SpecificationVersion } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { espayBiller } from '../src/bills.js';

const PACT_DIR = join(import.meta.dirname, '..', 'pacts');
const PACT_FILE = join(PACT_DIR, 'consumer-contract-app-espay-biller.json');
rmSync(PACT_FILE, { force: true });
const pact = new PactV3({
  consumer: 'consumer-contract-app',
  provider: 'espay-biller',
  dir: PACT_DIR,
  spec: SpecificationVersion.SPECIFICATION_VERSION_V3,
  logLevel: 'error',
});

// The app's real settings would come from its environment; none of these values reaches the pact file.
const settings = (baseUrl) => ({
  baseUrl,
  senderId: 'MYSHOP',
  password: 'my-password',
  signatureKey: 'my-signature-key',
  basicAuth: { username: 'myshop', password: 'my-basic-password' },
});
const bill = {
  phone_no: '880000000000',
  bill_total: '1',
  bill_ref: '445A412198',
  bill_amount: '000000125400',
  customer_name: 'BILLERKIT SUCCESS',
  region_code: '00',
};

describe('Espay consumer contract', () => {
  it('quotes a bill (success)', async () => {
    addInteraction(
      pact,
      espayInteraction({
        operation: 'inquiryTransaction',
        description: 'a quote for order 880000000000',
        state: espayStates.testOrder({ orderId: '880000000000' }),
        rqUuid: 'MYSHOPINQ1',
        fields: { order_id: '880000000000', product_code: 'SPBFRE' },
        response: espayAnswers.inquirySuccess({
          rqUuid: 'MYSHOPINQ1',
          orderId: '880000000000',
          amount: '12790000',
          billAmount: '12540000',
          adminFee: '250000',
          data: bill,
        }),
      }),
    );
    await pact.executeTest(async (server) => {
      const quote = await espayBiller(settings(server.url)).quote('SPBFRE', '880000000000', 'MYSHOPINQ1');
      expect(quote).toEqual({ total: 12_790_000n, adminFee: 250_000n });
    });
  });

  it('is told when the customer has no bill', async () => {
    addInteraction(
      pact,
      espayInteraction({
        operation: 'inquiryTransaction',
        description: 'a quote for order 880000000014, which has no bill',
        state: espayStates.testOrder({ orderId: '880000000014' }),
        rqUuid: 'MYSHOPINQ2',
        fields: { order_id: '880000000014', product_code: 'SPBFRE' },
        response: espayAnswers.failure('inquiryTransaction', {
          rqUuid: 'MYSHOPINQ2',
          orderId: '880000000014',
          code: '0014',
          desc: 'Data tagihan tidak ditemukan',
          exactCode: false,
        }),
      }),
    );
    await pact.executeTest(async (server) => {
      await expect(espayBiller(settings(server.url)).quote('SPBFRE', '880000000014', 'MYSHOPINQ2')).rejects.toMatchObject({ code: '0014' });
    });
  });

  it('pays a quoted bill', async () => {
    addInteraction(
      pact,
      espayInteraction({
        operation: 'paymentReport',
        description: 'a payment for order 880000000000',
        state: espayStates.openInquiry({ orderId: '880000000000', productCode: 'SPBFRE' }),
        rqUuid: 'MYSHOPPAY1',
        fields: { order_id: '880000000000', product_code: 'SPBFRE', amount: '12790000', data: JSON.stringify(bill) },
        // The echoed bill data is JSON text the app does not build itself: matched by type.
        request: { loose: ['data'] },
        response: espayAnswers.paymentSuccess({ rqUuid: 'MYSHOPPAY1', orderId: '880000000000', refId: 'TX119590800001', data: bill }),
      }),
    );
    await pact.executeTest(async (server) => {
      const payment = await espayBiller(settings(server.url)).pay('SPBFRE', '880000000000', 12_790_000n, bill, 'MYSHOPPAY1');
      expect(payment).toEqual({ outcome: 'success', refId: 'TX119590800001' });
    });
  });

  it('holds up against the embedded sandbox (re-signed with its credentials)', async () => {
    const [result] = await verifyWithSandbox({ pactFiles: [PACT_FILE] });
    expect(result.interactions.map((i) => i.passed)).toEqual([true, true, true]);
  });
});
