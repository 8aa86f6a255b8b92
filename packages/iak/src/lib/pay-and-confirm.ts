/**
 * payAndConfirm: core's safe-payment engine with IAK's rules. An ambiguous or pending payment is
 * settled with checkstatus, never by posting again blind; one re-post happens only after checkstatus
 * positively says IAK never received the payment.
 */
import { type ConfirmedPayment, confirmPayment, type PollOptions } from '@billerkit/core';
import { statusOf } from './check-status.js';
import { connectionInternals, type IakConnection } from './connection.js';
import { type IakPayAnswer, payOnce } from './pay.js';
import { buildCheckStatusBody, normaliseTrId } from './requests.js';
import type { IakCheckStatusResult } from './results.js';

/** What identifies the payment for reconciliation by hand. */
export interface IakPaymentReferences {
  trId: string;
  refId: string;
}

export type IakConfirmedPayment = ConfirmedPayment<IakPayAnswer, IakCheckStatusResult, IakPaymentReferences>;

export interface IakPayAndConfirmInput {
  /** `tr_id` from the inquiry. */
  trId: string | number | bigint;
  /** `ref_id` of the inquiry: checkstatus finds the payment by it. */
  refId: string;
}

export interface IakPayAndConfirmOptions {
  signal?: AbortSignal;
  /** Deadline for the payment and all status checks. Default 120 s. */
  deadlineMs?: number;
  /** Status polling; defaults start at 1 s and cap at 15 s. */
  poll?: PollOptions;
  /**
   * A "not received" status (code 42) seen sooner than this after the ambiguous payment is not
   * trusted: the payment may still be in flight inside IAK. Default {@link IAK_DEFAULT_REPOST_GRACE_MS}.
   */
  rePostGraceMs?: number;
  /** Allow the single re-post after a trusted "not received". Default true. */
  allowRePost?: boolean;
}

/**
 * IAK suggests allowing 30 s for a postpaid answer, so a payment that timed out on our side may
 * still be processed for that long; "not received" is trusted only after this much time.
 */
export const IAK_DEFAULT_REPOST_GRACE_MS = 30_000;

/**
 * Pays and settles the outcome safely: an ambiguous or pending payment is resolved with checkstatus,
 * never by posting again blind; one re-post happens only when checkstatus positively says IAK never
 * received the payment (response code 42 / status 0). `unknown` results carry the references to
 * reconcile by hand; they are never reported as failed.
 */
export async function payAndConfirm(
  connection: IakConnection,
  input: IakPayAndConfirmInput,
  options: IakPayAndConfirmOptions = {},
): Promise<IakConfirmedPayment> {
  const c = connectionInternals(connection, 'iak.payAndConfirm');
  if (typeof input !== 'object' || input === null) throw new TypeError('iak.payAndConfirm: input must be an object');
  const trId = normaliseTrId(input.trId, 'iak.payAndConfirm');
  // Validates the ref_id before anything is sent.
  buildCheckStatusBody(c.credentials, { refId: input.refId });
  const refId = input.refId;
  return confirmPayment<IakPayAnswer, IakCheckStatusResult, IakPaymentReferences>({
    references: { trId, refId },
    async pay({ rePost, signal }) {
      const answer = await payOnce(c, trId, { signal });
      // On the re-post, "already paid" means the first attempt was recorded after all: settle it by status.
      if (answer.outcome === 'failed' && rePost && answer.error.kind === 'already_paid') return { outcome: 'pending', value: answer };
      return answer.outcome === 'failed'
        ? { outcome: 'failed', value: answer, error: answer.error }
        : { outcome: answer.outcome, value: answer };
    },
    async checkStatus({ signal }) {
      const status = await statusOf(c, { refId }, { signal });
      if (status.trId !== undefined && status.trId !== trId) {
        return { outcome: 'unavailable', reason: `checkstatus for ref_id ${refId} describes tr_id ${status.trId}, not ${trId}` };
      }
      if (status.outcome === 'not_found') return { outcome: 'not_found', value: status };
      return status.error ? { outcome: status.outcome, value: status, error: status.error } : { outcome: status.outcome, value: status };
    },
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.poll ? { poll: options.poll } : {}),
    rePostGraceMs: options.rePostGraceMs ?? IAK_DEFAULT_REPOST_GRACE_MS,
    ...(options.allowRePost === undefined ? {} : { allowRePost: options.allowRePost }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(c.logger ? { logger: c.logger, redactor: c.redactor } : {}),
  });
}
