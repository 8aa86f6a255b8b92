import { createHash } from 'node:crypto';
import {
  DEFAULT_RETENTION,
  evictOldest,
  type IdSource,
  type SandboxClock,
  type SandboxRetention,
  type SandboxTransaction,
} from '../types.js';
import type { IakBill } from './bills.js';
import type { IakProduct } from './products.js';
import type { IakScenario } from './test-numbers.js';

export type IakPaymentStatus = 'success' | 'pending' | 'failed';

export interface IakPayment {
  status: IakPaymentStatus;
  /** The response code the payment answered (and checkstatus maps from). */
  responseCode: string;
  /** What a pending payment becomes when it settles. */
  settleTo: 'success' | 'failed';
  paidAt: Date;
  updatedAt: Date;
  noref: string;
  /** Status checks seen while pending. */
  checks: number;
  /** Sen currently taken from the deposit for this payment (0 once a failure is refunded). */
  held: bigint;
}

/** One inquiry (tr_id) and, once paid, its payment. */
export interface IakRecord {
  trId: number;
  refId: string;
  hp: string;
  product: IakProduct;
  bill: IakBill;
  scenario: IakScenario | undefined;
  inquiredAt: Date;
  payment?: IakPayment;
}

/** Jakarta time (UTC+7, no daylight saving) as IAK's `YmdHis`. */
export function ymdHis(date: Date): string {
  const wib = new Date(date.getTime() + 7 * 3600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(wib.getUTCFullYear(), 4)}${p(wib.getUTCMonth() + 1)}${p(wib.getUTCDate())}${p(wib.getUTCHours())}${p(wib.getUTCMinutes())}${p(wib.getUTCSeconds())}`;
}

/** Jakarta time as `YYYY-MM-DD HH:mm:ss` (receipt `TANGGAL`). */
export function wibDateTime(date: Date): string {
  const s = ymdHis(date);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

const TR_ID_PREFIX = 'iak-tr-';
const NOREF_PREFIX = 'iak-noref-';

export interface IakStoreOptions {
  clock: SandboxClock;
  ids: IdSource;
  initialBalanceMinor: bigint;
  settleAfterChecks: number;
  settleAfterMs: number;
  retention?: SandboxRetention;
  /** IAK's own test host answers every test number the same way every time; true restores that (no "already paid" memory). */
  statelessTestNumbers?: boolean;
}

/** The IAK state as JSON-ready data (dates are revived on restore, bigints by the snapshot file's codec). */
export interface IakStoreSnapshot {
  balance: string;
  records: Array<Omit<IakRecord, 'product'> & { product: string }>;
}

/** What makes two inquiries the same bill: product, customer number and period. */
export function billKey(record: Pick<IakRecord, 'product' | 'hp' | 'bill'>): string {
  return `${record.product.code}\u0000${record.hp}\u0000${record.bill.period}`;
}

/** The IAK sandbox's state: deposit balance and inquiries/payments by tr_id and by ref_id. */
export class IakStore {
  balance: bigint;
  private readonly byTrId = new Map<number, IakRecord>();
  private readonly byRefId = new Map<string, IakRecord>();
  /** Unpaid inquiries and paid records by tr_id, each oldest first: the retention bounds apply to them. */
  private readonly open = new Map<number, IakRecord>();
  private readonly paid = new Map<number, IakRecord>();
  /** Bills with a successful or pending payment → that record. */
  private readonly paidBills = new Map<string, IakRecord>();
  private readonly retention: SandboxRetention;

  constructor(private readonly options: IakStoreOptions) {
    this.balance = options.initialBalanceMinor;
    this.retention = options.retention ?? DEFAULT_RETENTION;
  }

  reset(): void {
    this.byTrId.clear();
    this.byRefId.clear();
    this.open.clear();
    this.paid.clear();
    this.paidBills.clear();
    this.balance = this.options.initialBalanceMinor;
  }

  now(): Date {
    return this.options.clock.now();
  }

  /**
   * A fresh numeric tr_id from the context's id source (IAK's tr_id is an integer). The sandbox's ids
   * are the prefix plus digits; any other id source is folded into 9 digits by hashing.
   */
  nextTrId(): number {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const raw = this.options.ids.next(TR_ID_PREFIX);
      const rest = raw.startsWith(TR_ID_PREFIX) ? raw.slice(TR_ID_PREFIX.length) : raw;
      let id = /^[1-9][0-9]{0,14}$/.test(rest) ? Number(rest) : 0;
      if (id === 0) id = 100_000_000 + (createHash('sha256').update(raw).digest().readUIntBE(0, 6) % 900_000_000);
      if (!this.byTrId.has(id)) return id;
    }
    throw new Error('iak sandbox: id source keeps repeating tr_ids');
  }

  /** Biller reference of a payment: 32 upper-case hex characters, like the PLN sample's `noref`. */
  nextNoref(): string {
    return createHash('md5').update(this.options.ids.next(NOREF_PREFIX)).digest('hex').toUpperCase();
  }

  add(record: IakRecord): void {
    this.byTrId.set(record.trId, record);
    this.byRefId.set(record.refId, record);
    if (record.payment) this.notePayment(record);
    else {
      this.open.set(record.trId, record);
      for (const old of evictOldest(this.open, this.retention.inquiries)) this.remove(old);
    }
  }

  /** Records the payment of an inquiry (once); a successful or pending one marks its bill as paid. */
  recordPayment(record: IakRecord, payment: IakPayment): void {
    record.payment = payment;
    this.open.delete(record.trId);
    this.notePayment(record);
  }

  private notePayment(record: IakRecord): void {
    this.paid.set(record.trId, record);
    if (record.payment?.status !== 'failed' && !this.options.statelessTestNumbers) this.paidBills.set(billKey(record), record);
    for (const old of evictOldest(this.paid, this.retention.payments)) this.remove(old);
  }

  /** The record whose payment paid (or is paying) this bill, if any. */
  paidBill(record: Pick<IakRecord, 'product' | 'hp' | 'bill'>): IakRecord | undefined {
    const found = this.paidBills.get(billKey(record));
    if (found) this.settleByTime(found);
    return found?.payment?.status === 'failed' ? undefined : found;
  }

  remove(record: IakRecord): void {
    if (this.byTrId.get(record.trId) === record) this.byTrId.delete(record.trId);
    if (this.byRefId.get(record.refId) === record) this.byRefId.delete(record.refId);
    this.open.delete(record.trId);
    this.paid.delete(record.trId);
    const key = billKey(record);
    if (this.paidBills.get(key) === record) this.paidBills.delete(key);
  }

  /** How many inquiries and payments are held (for the retention tests and the health route). */
  size(): { inquiries: number; payments: number } {
    return { inquiries: this.open.size, payments: this.paid.size };
  }

  byTr(trId: number): IakRecord | undefined {
    const record = this.byTrId.get(trId);
    if (record) this.settleByTime(record);
    return record;
  }

  byRef(refId: string): IakRecord | undefined {
    const record = this.byRefId.get(refId);
    if (record) this.settleByTime(record);
    return record;
  }

  hasRef(refId: string): boolean {
    return this.byRefId.has(refId);
  }

  /** Takes `amount` from the deposit; false (and nothing taken) when it is not there. */
  take(amount: bigint): boolean {
    if (amount > this.balance) return false;
    this.balance -= amount;
    return true;
  }

  /** A status check of a pending payment: counts it, and settles once enough checks or time have passed. */
  countCheck(record: IakRecord): void {
    const payment = record.payment;
    if (payment?.status !== 'pending') return;
    payment.checks += 1;
    if (payment.checks >= this.options.settleAfterChecks) this.settle(record);
    else this.settleByTime(record);
  }

  private settleByTime(record: IakRecord): void {
    const payment = record.payment;
    if (payment?.status !== 'pending') return;
    if (this.now().getTime() - payment.paidAt.getTime() >= this.options.settleAfterMs) this.settle(record);
  }

  settle(record: IakRecord, to?: 'success' | 'failed'): void {
    const payment = record.payment;
    if (payment?.status !== 'pending') return;
    const target = to ?? payment.settleTo;
    payment.status = target;
    payment.responseCode = target === 'success' ? '00' : '37';
    payment.updatedAt = this.now();
    if (target === 'failed') {
      this.balance += payment.held;
      payment.held = 0n;
      // A payment that failed leaves its bill unpaid.
      const key = billKey(record);
      if (this.paidBills.get(key) === record) this.paidBills.delete(key);
    }
  }

  /**
   * What `--state-file` keeps: the deposit and every record (inquiries and payments), products by code.
   * Bigints inside bills are tagged by {@link snapshotJson}.
   */
  snapshot(): IakStoreSnapshot {
    return {
      balance: this.balance.toString(),
      records: [...this.byTrId.values()].map((record) => ({ ...record, product: record.product.code })),
    };
  }

  restore(snapshot: IakStoreSnapshot, productByCode: (code: string) => IakProduct | undefined): void {
    this.reset();
    this.balance = BigInt(snapshot.balance);
    for (const stored of snapshot.records) {
      const product = productByCode(stored.product);
      if (!product) continue; // a product the catalogue no longer has
      const payment = stored.payment && {
        ...stored.payment,
        paidAt: new Date(stored.payment.paidAt),
        updatedAt: new Date(stored.payment.updatedAt),
      };
      this.add({ ...stored, product, inquiredAt: new Date(stored.inquiredAt), ...(payment ? { payment } : {}) });
    }
  }

  /** Payments (not bare inquiries) as the server's inspection endpoint lists them, oldest first. */
  transactions(): SandboxTransaction[] {
    const out: SandboxTransaction[] = [];
    for (const record of this.paid.values()) {
      this.settleByTime(record);
      const payment = record.payment;
      if (!payment) continue;
      out.push({
        provider: 'iak',
        ref: String(record.trId),
        merchantRef: record.refId,
        customer: record.hp,
        productCode: record.product.code,
        amountMinor: (record.bill.nominal + record.bill.admin).toString(),
        status: payment.status,
        createdAt: payment.paidAt.toISOString(),
        updatedAt: payment.updatedAt.toISOString(),
      });
    }
    return out;
  }
}
