import { createHash } from 'node:crypto';
import { type EspayProduct, espayProducts } from '@billerkit/specs';
import { rupiah, toPaddedRupiah, toRupiahDigits } from './amounts.js';
import { espayTestOrder } from './test-orders.js';

const PRODUCTS = new Map(espayProducts.map((product) => [product.code, product]));

/** The catalogue entry of a product code, exact match (Espay codes are upper case). */
export function findProduct(code: string): EspayProduct | undefined {
  return PRODUCTS.get(code);
}

export function registeredProducts(): readonly EspayProduct[] {
  return espayProducts;
}

/**
 * Admin fee per category, whole rupiah. Espay publishes none; these sit near the samples
 * (PDAM 3.500, PLN prepaid 2.500, mobile prepaid 3.500, e-wallet 1.665) rounded to simple values.
 */
const ADMIN_FEE_RUPIAH: Record<string, number> = {
  'mobile-postpaid': 2_500,
  'mobile-prepaid': 1_500,
  'pln-prepaid': 2_500,
  'pln-postpaid': 2_500,
  'pln-non-taglis': 2_500,
  'ewallet-topup': 1_500,
  'bpjs-kesehatan': 2_500,
  pdam: 3_500,
  'airline-ticket': 7_500,
  'train-ticket': 7_500,
};
const DEFAULT_ADMIN_FEE_RUPIAH = 2_500;

/** Top-up limits of the e-wallet products, whole rupiah; outside them the inquiry answers 802. */
export const TOPUP_LIMITS_RUPIAH = { min: 10_000, max: 10_000_000 } as const;

/** An inquiry's bill, exact: `totalMinor` = `billMinor` + `adminMinor`, all whole rupiah. */
export interface Bill {
  billMinor: bigint;
  adminMinor: bigint;
  totalMinor: bigint;
  data: Record<string, unknown>;
  /** Top-level extras some categories carry (PDAM: bankFee, barcode_fee, receipt). */
  extras: Record<string, unknown>;
}

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('|')).digest();
}

const NAMES = ['BUDI SANTOSO', 'SITI RAHAYU', 'AGUS SETIAWAN', 'DEWI LESTARI', 'RINA WATI', 'EKO PRASETYO', 'ANDI WIJAYA', 'NURUL HIDAYAH'];

/** A stable customer name for an order id: the test table's, or one picked by hash. */
export function customerNameFor(orderId: string): string {
  const test = espayTestOrder(orderId);
  if (test) return test.customerName;
  return NAMES[digest('name', orderId).readUInt8(0) % NAMES.length] as string;
}

/** Bill of a bill-type product for an order id outside the test table: Rp 50.000 to Rp 500.000 in hundreds, stable per order and product. */
function derivedBillRupiah(product: EspayProduct, orderId: string): number {
  return 50_000 + (digest('bill', product.code, orderId).readUInt32BE(0) % 4_501) * 100;
}

/** Face value of a prepaid product from its code: `SLYLPR100` → Rp 100.000, `SVHTS50` → Rp 50.000. */
export function denominationRupiah(product: EspayProduct): number {
  const match = /([0-9]+)$/.exec(product.code);
  const thousands = match ? Number(match[1]) : 50;
  return (thousands > 0 ? thousands : 50) * 1_000;
}

/** `YYYYMM` of the month before `now` in WIB, the period a postpaid bill is for. */
function lastMonth(now: Date): { ym: string; label: string } {
  const wib = new Date(now.getTime() + 7 * 3_600_000);
  const index = wib.getUTCFullYear() * 12 + wib.getUTCMonth() - 1;
  const year = Math.floor(index / 12);
  const month = index % 12;
  const names = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  return { ym: `${year}${String(month + 1).padStart(2, '0')}`, label: `${names[month]}${String(year % 100).padStart(2, '0')}` };
}

function digits(seed: Buffer, offset: number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String((seed[(offset + i) % seed.length] as number) % 10);
  return out;
}

function mask(name: string): string {
  return name
    .split(' ')
    .map((word) => (word.length <= 2 ? word : `${word.slice(0, 2)}${'*'.repeat(word.length - 2)}`))
    .join(' ');
}

export interface BillRequest {
  product: EspayProduct;
  orderId: string;
  /** E-wallet top-up value from `additional_data.amount`, sen. */
  topupMinor?: bigint;
  now: Date;
}

/** Builds the bill an inquiry answers with, and the `data` object the payment will echo back. */
export function buildBill({ product, orderId, topupMinor, now }: BillRequest): Bill {
  const test = espayTestOrder(orderId);
  let billMinor: bigint;
  if (product.transactionType === 'TOPUP') {
    if (topupMinor === undefined) throw new TypeError('buildBill: a top-up needs its amount');
    billMinor = topupMinor;
  } else if (product.transactionType === 'PURCHASE') {
    billMinor = rupiah(denominationRupiah(product));
  } else {
    billMinor = rupiah(test ? test.billRupiah : derivedBillRupiah(product, orderId));
  }
  const adminMinor = rupiah(ADMIN_FEE_RUPIAH[product.category] ?? DEFAULT_ADMIN_FEE_RUPIAH);
  const seed = digest('data', product.code, orderId);
  const name = customerNameFor(orderId);
  const period = lastMonth(now);
  const id32 = orderId.slice(0, 32);
  const extras: Record<string, unknown> = {};
  let data: Record<string, unknown>;
  switch (product.dataSchema) {
    case 'MobilePostpaidData':
      data = {
        phone_no: id32,
        bill_total: '1',
        bill_ref: `${digits(seed, 0, 3)}A${digits(seed, 3, 6)}`,
        bill_amount: toPaddedRupiah(billMinor),
        customer_name: name,
        region_code: '00',
      };
      break;
    case 'MobilePrepaidData':
      data = { denomination: String(denominationRupiah(product) / 1_000), price: toRupiahDigits(billMinor) };
      break;
    case 'PlnPrepaidData':
      data = {
        customer_id: id32,
        customer_name: name,
        meter_serial: id32,
        class: 'R1  /000001300',
        token_unsold1: '0',
        token_unsold2: '0',
        reff_no: '',
        price: toRupiahDigits(billMinor),
        admin_fee: toRupiahDigits(adminMinor),
        remark: digits(seed, 0, 32),
      };
      break;
    case 'PlnPostpaidData':
      data = {
        customer_id: id32,
        customer_name: name,
        total_bill: '1',
        bill_period: period.label,
        bill_amount: toPaddedRupiah(billMinor),
        admin_fee: toRupiahDigits(adminMinor),
      };
      break;
    case 'BpjsKesehatanData':
      data = {
        va_number: id32,
        customer_id: id32,
        customer_name: name,
        family_number: '1',
        bill_period: '1',
        bill_amount: toPaddedRupiah(billMinor),
        admin_fee: toRupiahDigits(adminMinor),
        amount: toRupiahDigits(billMinor + adminMinor),
        remain_payment: '0',
        reff_code: digits(seed, 0, 32),
        branch_code: '2301',
        branch_name: 'JAKARTA',
        remark: '',
      };
      break;
    case 'PdamData':
      data = {
        bill_amount: toPaddedRupiah(billMinor),
        bill_date: period.ym,
        bill_total: '01',
        cubication: '00000000-00000000',
        customer_id: id32,
        customer_name: name,
        penalty: '00000000',
        provider_code: '11',
        ref_no: '',
      };
      // The PDAM answer lists these beside data (docs ?p=27740, ?p=41971); the bank fee is the admin fee.
      extras['bankFee'] = adminMinor.toString();
      extras['barcode_fee'] = '';
      extras['receipt'] = { field: 'Reference Number', value: '' };
      break;
    case 'EwalletTopupData':
      data = { customer_name: mask(name) };
      break;
    case 'KaiTicketData':
      data = {
        ticket_no: orderId,
        reserved1: '',
        reserved2: '',
        bill_total: '1',
        passenger_name: name,
        train_number: 'KA 16',
        train_name: 'ARGO GEDE',
        train_seat: `${1 + (seed.readUInt8(4) % 60)}A`,
        info: [{ trip_info: 'JKTSBY0000', trip_info_extended: digits(seed, 8, 8) }],
      };
      break;
    case 'InstalmentCardData':
      data = { card_no: id32, amount: toPaddedRupiah(billMinor) };
      break;
    default:
      // PaymentOnlyData, and the products whose data shape nobody has published (airlines, PLN non-taglis).
      data = { customer_id: orderId, amount: toPaddedRupiah(billMinor) };
  }
  return { billMinor, adminMinor, totalMinor: billMinor + adminMinor, data, extras };
}

/** `data` of a payment-only product's payment answer, for the amount actually paid (whole rupiah). */
export function paymentOnlyData(product: EspayProduct, orderId: string, amountMinor: bigint): Record<string, unknown> {
  if (product.dataSchema === 'InstalmentCardData') return { card_no: orderId.slice(0, 32), amount: toPaddedRupiah(amountMinor) };
  return { customer_id: orderId, amount: toPaddedRupiah(amountMinor) };
}

/** The payment answer's `data`: the inquiry's, plus the token for a PLN prepaid purchase (PlnPrepaidData is open for it). */
export function paidData(product: EspayProduct, inquiryData: Record<string, unknown>, refId: string): Record<string, unknown> {
  if (product.dataSchema !== 'PlnPrepaidData') return inquiryData;
  const token = digits(digest('token', refId), 0, 20).replace(/(\d{4})(?=\d)/g, '$1 ');
  return { ...inquiryData, reff_no: refId.slice(0, 32), token };
}
