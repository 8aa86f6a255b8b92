/**
 * Typed results built from IAK's wire data. JSON answers carry amounts as numbers and XML answers
 * as strings; both go through core's `parseIakAmount` (whole rupiah → bigint sen), so the same
 * answer gives the same result in either format. The wire object is always kept as `raw`.
 */
import { type BillerkitError, type Minor, parseIakAmount } from '@billerkit/core';

/** The `data` object of an IAK answer as received: JSON values, or strings when the answer was XML. */
export type WireData = Record<string, unknown>;

/** Fields every IAK postpaid answer may carry. */
export interface IakResultBase {
  /** IAK's `response_code` (`"00"`, `"39"` …), or null when the answer had none (pricelist). */
  responseCode: string | null;
  /** IAK's `message`. */
  message: string | null;
  /** HTTP status of the answer. */
  httpStatus: number;
  /** The parsed answer as IAK sent it: `{ data, meta? }` (XML answers in the same shape, values as strings). */
  raw: unknown;
}

/** One bill period from `desc.tagihan.detail[]` (PLN, telco, internet, TV) or `desc.bill.detail[]` (PDAM). */
export interface IakBill {
  period: string | undefined;
  /** `nilai_tagihan` (or PDAM `bill_amount`). */
  amount: Minor | undefined;
  admin: Minor | undefined;
  /** `denda` (or PDAM `penalty`). */
  penalty: Minor | undefined;
  /** PDAM `misc_amount`. */
  misc: Minor | undefined;
  total: Minor | undefined;
  raw: WireData;
}

/** Fields of the bill an inquiry, payment or status answer describes. */
export interface IakBillFields {
  /** IAK's inquiry id (`tr_id`), as a digit string. */
  trId: string | undefined;
  refId: string | undefined;
  /** Product code. */
  code: string | undefined;
  /** Customer number. */
  hp: string | undefined;
  /** Bill holder's name (`tr_name`). */
  trName: string | undefined;
  period: string | undefined;
  /** Bill amount (`nominal`), sen. */
  nominal: Minor | undefined;
  /** Admin fee (`admin`), sen. */
  admin: Minor | undefined;
  /** What the customer pays, nominal + admin (`price`), sen. */
  price: Minor | undefined;
  /** What is deducted from your deposit (`selling_price`), sen. */
  sellingPrice: Minor | undefined;
  /** Product-specific details as sent. */
  desc: unknown;
  /** Bill periods from `desc`, amounts in sen; empty when the product has none. */
  bills: IakBill[];
}

export interface IakInquiryResult extends IakResultBase, IakBillFields {
  outcome: 'success';
  trId: string;
  refId: string;
  nominal: Minor;
  admin: Minor;
  price: Minor;
  sellingPrice: Minor;
}

export interface IakPaymentFields {
  /** `datetime` as sent (`YYYYMMDDHHMMSS`). */
  datetime: string | undefined;
  /** Your deposit after the payment, sen. */
  balance: Minor | undefined;
  /** Biller reference (`noref`, spelled `no_ref` in some XML answers). */
  noref: string | undefined;
}

export interface IakPayResult extends IakResultBase, IakBillFields, IakPaymentFields {
  /** `success`: paid; `pending`: IAK is still processing (resolve with checkStatus / payAndConfirm). */
  outcome: 'success' | 'pending';
}

/**
 * checkstatus describes the payment of one inquiry:
 * `success` paid; `pending` in process; `failed` payment failed; `not_found` IAK has not received
 * a payment request for this ref_id (status 0, response_code 42).
 */
export type IakPaymentStatus = 'success' | 'pending' | 'failed' | 'not_found';

export interface IakCheckStatusResult extends IakResultBase, IakBillFields, IakPaymentFields {
  outcome: IakPaymentStatus;
  /** IAK's `status`: 0 not received, 1 success, 2 failed, 3 in process. */
  status: number | undefined;
  /** For `failed`: the typed error describing why the payment failed. */
  error?: BillerkitError;
}

export interface IakProduct {
  code: string | undefined;
  name: string | undefined;
  /** 1 active, 0 inactive (as sent). */
  status: number | undefined;
  /** Admin fee, sen. */
  fee: Minor | undefined;
  /** Your commission (`komisi`), sen. */
  komisi: Minor | undefined;
  type: string | undefined;
  category: string | undefined;
  province: string | undefined;
  raw: WireData;
}

export interface IakPricelistResult extends IakResultBase {
  outcome: 'success';
  products: IakProduct[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as a string; numbers in decimal. Anything else is undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** A small non-negative integer (status codes); undefined when absent or not an integer. */
export function smallInt(value: unknown): number | undefined {
  const t = text(value);
  if (t === undefined || t.length === 0 || t.length > 6) return undefined;
  for (const ch of t) if (ch < '0' || ch > '9') return undefined;
  return Number(t);
}

/** Top-level amounts are strict: a present but malformed amount is a malformed answer. */
export function amount(data: WireData, field: string): Minor | undefined {
  const value = data[field];
  if (value === undefined || value === null || value === '') return undefined;
  return parseIakAmount(value, { field });
}

/** Amounts inside `desc` vary by product (`""`, strings, numbers); anything unreadable stays only in `raw`. */
function looseAmount(value: unknown): Minor | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return parseIakAmount(value);
  } catch {
    return undefined;
  }
}

function list(value: unknown): WireData[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  if (isRecord(value)) return [value];
  return [];
}

export function billsOf(desc: unknown): IakBill[] {
  if (!isRecord(desc)) return [];
  const bills: IakBill[] = [];
  const tagihan = desc['tagihan'];
  if (isRecord(tagihan)) {
    for (const d of list(tagihan['detail'])) {
      bills.push({
        period: text(d['periode']),
        amount: looseAmount(d['nilai_tagihan']),
        admin: looseAmount(d['admin']),
        penalty: looseAmount(d['denda']),
        misc: undefined,
        total: looseAmount(d['total']),
        raw: d,
      });
    }
  }
  const bill = desc['bill'];
  if (isRecord(bill)) {
    for (const d of list(bill['detail'])) {
      bills.push({
        period: text(d['period']),
        amount: looseAmount(d['bill_amount']),
        admin: looseAmount(d['admin']),
        penalty: looseAmount(d['penalty']),
        misc: looseAmount(d['misc_amount']),
        total: looseAmount(d['total']),
        raw: d,
      });
    }
  }
  return bills;
}

export function billFields(data: WireData): IakBillFields {
  return {
    trId: text(data['tr_id']),
    refId: text(data['ref_id']),
    code: text(data['code']),
    hp: text(data['hp']),
    trName: text(data['tr_name']),
    period: text(data['period']),
    nominal: amount(data, 'nominal'),
    admin: amount(data, 'admin'),
    price: amount(data, 'price'),
    sellingPrice: amount(data, 'selling_price'),
    desc: data['desc'],
    bills: billsOf(data['desc']),
  };
}

export function paymentFields(data: WireData): IakPaymentFields {
  return {
    datetime: text(data['datetime']),
    balance: amount(data, 'balance'),
    noref: text(data['noref']) ?? text(data['no_ref']),
  };
}

export function productOf(p: WireData): IakProduct {
  return {
    code: text(p['code']),
    name: text(p['name']),
    status: smallInt(p['status']),
    fee: amount(p, 'fee'),
    komisi: amount(p, 'komisi'),
    type: text(p['type']),
    category: text(p['category']),
    province: text(p['province']),
    raw: p,
  };
}
