import type { IncomingHttpHeaders } from 'node:http';

/** A request as the provider modules see it: the body is fully read and size-checked by the server. */
export interface SandboxRequest {
  method: string;
  /** Path without the query string, e.g. `/rest/biller/inquirytransaction`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** One payment (or other state-changing call) as the sandbox recorded it; amounts are exact decimal strings in minor units (sen). */
export interface SandboxTransaction {
  provider: 'espay' | 'iak';
  /** The provider's own reference: Espay `ref_id`, IAK `tr_id`. */
  ref: string;
  /** The merchant's reference: Espay `rq_uuid`, IAK `ref_id`. */
  merchantRef: string;
  /** Customer number: Espay `order_id`, IAK `hp`. */
  customer: string;
  productCode: string;
  amountMinor: string;
  status: 'success' | 'pending' | 'failed';
  createdAt: string;
  updatedAt: string;
}

export interface SandboxClock {
  now(): Date;
}

/** Seeded id source so that deterministic runs produce the same references. */
export interface IdSource {
  next(prefix: string): string;
}

export interface ProviderContext {
  clock: SandboxClock;
  ids: IdSource;
  /** Which generation of the IAK test numbers is active; the seeds' generation is the default. */
  iakTestNumberGeneration: 'seed' | 'newer';
  /** Pending payments settle after this many status checks or this many milliseconds, whichever comes first. */
  settleAfterChecks: number;
  settleAfterMs: number;
  /** Starting deposit balance for each provider, in minor units. */
  initialBalanceMinor: bigint;
  /** How much state each provider keeps before it forgets the oldest; {@link DEFAULT_RETENTION} unless set. */
  retention?: SandboxRetention;
}

/**
 * Bounds on what the sandbox remembers, per provider; past a bound the oldest entries are forgotten
 * first. Defaults: {@link DEFAULT_RETENTION}.
 */
export interface SandboxRetention {
  /** Open (unpaid) inquiries. */
  inquiries: number;
  /** Recorded payments (and with them the "already paid" knowledge of their bills). */
  payments: number;
  /** Used request ids (Espay `rq_uuid`). */
  requestIds: number;
}

export const DEFAULT_RETENTION: Readonly<SandboxRetention> = Object.freeze({ inquiries: 5_000, payments: 20_000, requestIds: 100_000 });

/** Deletes the oldest entries (insertion order) of a map until it holds at most `max`; returns what it removed. */
export function evictOldest<K, V>(map: Map<K, V>, max: number): V[] {
  const removed: V[] = [];
  for (const [key, value] of map) {
    if (map.size <= max) break;
    map.delete(key);
    removed.push(value);
  }
  return removed;
}

export interface ProviderHandler {
  readonly provider: 'espay' | 'iak';
  /** Resolves to a response when the request is for this provider, undefined otherwise. */
  handle(request: SandboxRequest): Promise<SandboxResponse | undefined>;
  transactions(): SandboxTransaction[];
  balanceMinor(): bigint;
  /** Forget all state (transactions, balance, seen rq_uuids) and start again from the context's defaults. */
  reset(): void;
}
