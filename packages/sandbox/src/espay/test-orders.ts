/**
 * Espay publishes no test customer numbers, so the sandbox defines its own. Each `order_id` below picks
 * the answers of the inquiry and the payment for ANY product code; every other order_id gets a normal
 * bill and a successful payment. The suffix echoes the answer code where there is one (…0405 → 405).
 * The sandbox README prints this table; keep the two in step (a test checks it).
 */

/** What the inquiry answers. For payment-only products (no inquiry) a failing inquiry outcome is answered by the payment instead. */
export type EspayInquiryOutcome = 'bill' | 'suspect' | 'product-denied' | 'not-found' | 'already-paid';

/** What the payment answers once the request itself is valid (right amount, inquiry done, not a repeat). */
export type EspayPaymentOutcome =
  | 'success'
  | 'pending-then-success'
  | 'pending-then-failed'
  | 'failed'
  | 'suspect'
  | 'insufficient-balance';

export interface EspayTestOrder {
  orderId: string;
  title: string;
  inquiry: EspayInquiryOutcome;
  payment: EspayPaymentOutcome;
  /** Bill in whole rupiah for bill-type (PAYMENT) products; prepaid and top-up products keep their own price. */
  billRupiah: number;
  customerName: string;
  /** What a client sees, for the README. */
  description: string;
}

const BILL = 125_400;

export const ESPAY_TEST_ORDERS: readonly EspayTestOrder[] = Object.freeze([
  {
    orderId: '880000000000',
    title: 'Success',
    inquiry: 'bill',
    payment: 'success',
    billRupiah: BILL,
    customerName: 'BILLERKIT SUCCESS',
    description: 'Inquiry returns a bill; payment answers `0000` Success at once.',
  },
  {
    orderId: '880000000010',
    title: 'Pending, then success',
    inquiry: 'bill',
    payment: 'pending-then-success',
    billRupiah: BILL,
    customerName: 'BILLERKIT PENDING OK',
    description:
      'Payment answers `0000` Inproses with a ref_id; gettransactioninfo says Inproses until the transaction settles, then Success.',
  },
  {
    orderId: '880000000011',
    title: 'Pending, then failed',
    inquiry: 'bill',
    payment: 'pending-then-failed',
    billRupiah: BILL,
    customerName: 'BILLERKIT PENDING FAIL',
    description: 'Payment answers `0000` Inproses; after settling, gettransactioninfo answers `0099` and the deposit is refunded.',
  },
  {
    orderId: '880000000099',
    title: 'Payment failed',
    inquiry: 'bill',
    payment: 'failed',
    billRupiah: BILL,
    customerName: 'BILLERKIT FAILED',
    description: 'Payment answers `0099` Transaksi gagal; recorded as failed, nothing deducted.',
  },
  {
    orderId: '880000019999',
    title: 'Payment suspect',
    inquiry: 'bill',
    payment: 'suspect',
    billRupiah: BILL,
    customerName: 'BILLERKIT SUSPECT PAY',
    description:
      'Payment answers `9999` Suspect without a ref_id, yet the payment was recorded (pending, deposit deducted) and settles to success; a later inquiry then answers `0088` already paid. Never pay this one again.',
  },
  {
    orderId: '880000009999',
    title: 'Inquiry suspect',
    inquiry: 'suspect',
    payment: 'success',
    billRupiah: BILL,
    customerName: 'BILLERKIT SUSPECT INQ',
    description: 'Inquiry answers `9999` Suspect (as in the PLN postpaid sample).',
  },
  {
    orderId: '880000000405',
    title: 'Product denied',
    inquiry: 'product-denied',
    payment: 'success',
    billRupiah: BILL,
    customerName: 'BILLERKIT DENIED',
    description: 'Inquiry (and a payment-only payment) answers `405` product denied.',
  },
  {
    orderId: '880000000800',
    title: 'Insufficient balance',
    inquiry: 'bill',
    payment: 'insufficient-balance',
    billRupiah: BILL,
    customerName: 'BILLERKIT NO DEPOSIT',
    description: 'Payment answers `800` whatever the deposit; nothing recorded or deducted.',
  },
  {
    orderId: '880000000014',
    title: 'Bill not found',
    inquiry: 'not-found',
    payment: 'success',
    billRupiah: BILL,
    customerName: 'BILLERKIT NOT FOUND',
    description: 'Inquiry answers `0014` Data not found (unknown customer number).',
  },
  {
    orderId: '880000000088',
    title: 'Already paid',
    inquiry: 'already-paid',
    payment: 'success',
    billRupiah: BILL,
    customerName: 'BILLERKIT PAID',
    description: 'Inquiry answers `0088` Tagihan sudah terbayar.',
  },
] satisfies EspayTestOrder[]);

const BY_ID = new Map(ESPAY_TEST_ORDERS.map((order) => [order.orderId, order]));

export function espayTestOrder(orderId: string): EspayTestOrder | undefined {
  return BY_ID.get(orderId);
}
