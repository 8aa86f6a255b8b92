import { DEFAULT_RETENTION, evictOldest, type ProviderContext, type SandboxRetention, type SandboxTransaction } from '../types.js';
import type { Bill } from './bills.js';
import type { EspayInquiryOutcome, EspayPaymentOutcome } from './test-orders.js';

export interface EspayInquiry {
  orderId: string;
  productCode: string;
  bill: Bill;
  createdAt: Date;
}

export interface EspayTransaction {
  refId: string;
  rqUuid: string;
  orderId: string;
  productCode: string;
  amountMinor: bigint;
  status: 'success' | 'pending' | 'failed';
  /** Where a pending payment ends up. */
  settleTo: 'success' | 'failed';
  /** Whether the amount is currently taken from the deposit (pending and success are; failed is not). */
  debited: boolean;
  /** gettransactioninfo calls that found it pending. */
  checks: number;
  data: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ForcedOutcome {
  inquiry?: EspayInquiryOutcome;
  payment?: EspayPaymentOutcome;
}

type Stored<T> = { [K in keyof T]: T[K] extends bigint | Date ? string : T[K] };

/** The Espay state as JSON (bigints and dates as strings). */
export interface EspayStoreSnapshot {
  balanceMinor: string;
  usedUuids: Array<[string, string]>;
  transactions: Array<Stored<EspayTransaction>>;
}

/** Same order_id + product within this window answers 610 (the message says 5 minutes). */
export const SAME_TRANSACTION_WINDOW_MS = 5 * 60_000;

const key = (orderId: string, productCode: string) => `${productCode}\u0000${orderId}`;

/** Everything the Espay simulator remembers; `reset()` returns it to the context's defaults. */
export class EspayStore {
  balanceMinor: bigint;
  /** Used rq_uuids (in their signed, upper-cased form) → when they were first used. */
  private readonly usedUuids = new Map<string, Date>();
  private readonly inquiries = new Map<string, EspayInquiry>();
  private readonly byRef = new Map<string, EspayTransaction>();
  private readonly forced = new Map<string, ForcedOutcome>();

  private readonly retention: SandboxRetention;

  constructor(private readonly ctx: ProviderContext) {
    this.balanceMinor = ctx.initialBalanceMinor;
    this.retention = ctx.retention ?? DEFAULT_RETENTION;
  }

  reset(): void {
    this.balanceMinor = this.ctx.initialBalanceMinor;
    this.usedUuids.clear();
    this.inquiries.clear();
    this.byRef.clear();
    this.forced.clear();
  }

  /** Records the rq_uuid (already in its canonical form); false if it was already used (answer 210). */
  claimUuid(rqUuid: string, at: Date): boolean {
    if (this.usedUuids.has(rqUuid)) return false;
    this.usedUuids.set(rqUuid, at);
    evictOldest(this.usedUuids, this.retention.requestIds);
    return true;
  }

  saveInquiry(inquiry: EspayInquiry): void {
    const k = key(inquiry.orderId, inquiry.productCode);
    // Re-inserted, so that the map's order stays oldest-first for eviction.
    this.inquiries.delete(k);
    this.inquiries.set(k, inquiry);
    evictOldest(this.inquiries, this.retention.inquiries);
  }

  inquiry(orderId: string, productCode: string): EspayInquiry | undefined {
    return this.inquiries.get(key(orderId, productCode));
  }

  consumeInquiry(orderId: string, productCode: string): void {
    this.inquiries.delete(key(orderId, productCode));
  }

  force(orderId: string, outcome: ForcedOutcome): void {
    this.forced.set(orderId, { ...this.forced.get(orderId), ...outcome });
    evictOldest(this.forced, this.retention.inquiries);
  }

  forcedFor(orderId: string): ForcedOutcome | undefined {
    return this.forced.get(orderId);
  }

  /** A payment used up the forced answers for its order id. */
  releaseForced(orderId: string): void {
    this.forced.delete(orderId);
  }

  addTransaction(transaction: EspayTransaction): void {
    if (this.byRef.has(transaction.refId)) throw new Error(`espay store: duplicate ref_id ${transaction.refId}`);
    this.byRef.set(transaction.refId, transaction);
    // A pending payment that is forgotten can no longer settle: its money stays as it is.
    evictOldest(this.byRef, this.retention.payments);
  }

  /** A ref_id from `next` that no kept transaction has (ids restart after a restore in deterministic mode). */
  freshRefId(next: () => string): string {
    for (;;) {
      const refId = next();
      if (!this.byRef.has(refId)) return refId;
    }
  }

  transaction(refId: string): EspayTransaction | undefined {
    return this.byRef.get(refId);
  }

  /** A success or pending payment of the same order and product within the 610 window. */
  recentPayment(orderId: string, productCode: string, now: Date): EspayTransaction | undefined {
    for (const t of this.byRef.values()) {
      if (t.orderId !== orderId || t.productCode !== productCode || t.status === 'failed') continue;
      const age = now.getTime() - t.createdAt.getTime();
      if (age >= 0 && age < SAME_TRANSACTION_WINDOW_MS) return t;
    }
    return undefined;
  }

  /** A bill-type product counts as paid once a payment for it succeeded or is still in progress. */
  paidOrPaying(orderId: string, productCode: string): boolean {
    for (const t of this.byRef.values()) {
      if (t.orderId === orderId && t.productCode === productCode && t.status !== 'failed') return true;
    }
    return false;
  }

  /** Settles one pending payment if its checks or its age say so. */
  settle(t: EspayTransaction, now: Date): void {
    if (t.status !== 'pending') return;
    const age = now.getTime() - t.createdAt.getTime();
    if (t.checks < this.ctx.settleAfterChecks && age < this.ctx.settleAfterMs) return;
    t.status = t.settleTo;
    t.updatedAt = now;
    if (t.status === 'failed' && t.debited) {
      this.balanceMinor += t.amountMinor;
      t.debited = false;
    }
  }

  /** Settles every pending payment whose time has come; called before each request and each inspection. */
  settleDue(now: Date): void {
    for (const t of this.byRef.values()) this.settle(t, now);
  }

  /** What `--state-file` keeps: deposit, payments and used rq_uuids (open inquiries and forced answers are not kept). */
  snapshot(): EspayStoreSnapshot {
    return {
      balanceMinor: this.balanceMinor.toString(),
      usedUuids: [...this.usedUuids].map(([id, at]) => [id, at.toISOString()]),
      transactions: [...this.byRef.values()].map((t) => ({
        ...t,
        amountMinor: t.amountMinor.toString(),
        createdAt: t.createdAt.toISOString(),
        updatedAt: t.updatedAt.toISOString(),
      })),
    };
  }

  restore(snapshot: EspayStoreSnapshot): void {
    this.reset();
    this.balanceMinor = BigInt(snapshot.balanceMinor);
    for (const [id, at] of snapshot.usedUuids) this.usedUuids.set(id, new Date(at));
    for (const t of snapshot.transactions) {
      this.byRef.set(t.refId, {
        ...t,
        amountMinor: BigInt(t.amountMinor),
        createdAt: new Date(t.createdAt),
        updatedAt: new Date(t.updatedAt),
      });
    }
  }

  list(): SandboxTransaction[] {
    return [...this.byRef.values()].map((t) => ({
      provider: 'espay',
      ref: t.refId,
      merchantRef: t.rqUuid,
      customer: t.orderId,
      productCode: t.productCode,
      amountMinor: t.amountMinor.toString(),
      status: t.status,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    }));
  }
}
