// The app's own use of the two clients: what its Pact consumer tests pin down.
import { createEspayClient } from '@billerkit/espay';
import { createIakClient } from '@billerkit/iak';

/** @param {{ baseUrl: string, senderId: string, password: string, signatureKey: string, basicAuth: { username: string, password: string } }} settings */
export function espayBiller(settings) {
  const client = createEspayClient({ ...settings, retry: { maxRetries: 0 } });
  return {
    /**
     * Asks Espay what a customer owes; amounts are bigint sen. The app names each request (`rqUuid`) and keeps
     * the name, which Espay echoes and the client checks.
     */
    async quote(productCode, orderId, rqUuid) {
      const bill = await client.inquiry({ productCode, orderId, rqUuid });
      return { total: bill.amount, adminFee: bill.adminFee };
    },
    /** Pays a quoted bill; `pending` means "confirm later", never "pay again". */
    async pay(productCode, orderId, total, data, rqUuid) {
      const payment = await client.pay({ productCode, orderId, amount: total, data, rqUuid });
      return { outcome: payment.outcome, refId: payment.refId };
    },
  };
}

/** @param {{ baseUrl: string, username: string, apiKey: string, format?: 'json' | 'xml' }} settings */
export function iakBiller(settings) {
  const client = createIakClient({ ...settings, retry: { maxRetries: 0 } });
  return {
    async quote(code, hp, refId) {
      const bill = await client.inquiry({ code, hp, refId });
      return { trId: bill.trId, price: bill.price };
    },
    async pay(trId) {
      const payment = await client.pay({ trId });
      return { outcome: payment.outcome, price: payment.price };
    },
  };
}
