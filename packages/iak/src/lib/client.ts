/**
 * The IAK postpaid client: inquiry → pay → checkstatus, the price list and receipts, in JSON or
 * `<mp>` XML, over core's transport (timeouts, size cap, redacted logs) with core's typed errors,
 * outcome catalogue, money helpers and safe-payment engine.
 *
 * A client is the modular operations bound to one connection that carries the `<mp>` codec; an
 * application that wants a smaller bundle calls the operations with a connection itself.
 */
import { checkStatus } from './check-status.js';
import type { IakEnvironment, IakClientOptions, IakFormat } from './config.js';
import { openConnection } from './connection.js';
import type { IakCallOptions } from './exchange.js';
import { inquiry } from './inquiry.js';
import { pay } from './pay.js';
import { type IakConfirmedPayment, type IakPayAndConfirmInput, type IakPayAndConfirmOptions, payAndConfirm } from './pay-and-confirm.js';
import { pricelist } from './pricelist.js';
import { type IakReceipt, type IakReceiptInput, receipt } from './receipt.js';
import type { IakCheckStatusInput, IakInquiryInput, IakPayInput, IakPricelistInput } from './requests.js';
import type { IakCheckStatusResult, IakInquiryResult, IakPayResult, IakPricelistResult } from './results.js';
import { iakXml } from './xml.js';

export interface IakClient {
  readonly baseUrl: string;
  readonly environment: IakEnvironment | 'custom';
  readonly format: IakFormat;
  /** `inq-pasca`: looks up the open bill. Throws a typed error unless IAK answers `00`. */
  inquiry(input: IakInquiryInput, options?: IakCallOptions): Promise<IakInquiryResult>;
  /**
   * `pay-pasca`: pays an inquiry's tr_id, exactly one POST, never retried. `pending` results must be
   * settled with {@link IakClient.checkStatus}; prefer {@link IakClient.payAndConfirm}.
   */
  pay(input: IakPayInput, options?: IakCallOptions): Promise<IakPayResult>;
  /**
   * `checkstatus`: the state of the payment of the inquiry with this ref_id. A failed or missing
   * payment is an answer (`outcome` `failed` / `not_found`), not an exception; a refused request throws.
   */
  checkStatus(input: IakCheckStatusInput, options?: IakCallOptions): Promise<IakCheckStatusResult>;
  /** `pricelist-pasca`: products with admin fee and commission, optionally of one type. */
  pricelist(input?: IakPricelistInput, options?: IakCallOptions): Promise<IakPricelistResult>;
  /**
   * The receipt of a paid transaction: the PDF (`GET /api/v1/download/{tr_id}`, default) or its
   * printed lines as data (`format: 'data'`, `GET /api/v1/download/{tr_id}/1`, as IAK's SDKs use).
   */
  receipt(input: IakReceiptInput, options?: IakCallOptions): Promise<IakReceipt>;
  /**
   * Pays and settles the outcome safely: an ambiguous or pending payment is resolved with checkstatus,
   * never by posting again blind; one re-post happens only when checkstatus positively says IAK never
   * received the payment (response code 42 / status 0). `unknown` results carry the references to
   * reconcile by hand; they are never reported as failed.
   */
  payAndConfirm(input: IakPayAndConfirmInput, options?: IakPayAndConfirmOptions): Promise<IakConfirmedPayment>;
}

/** Every operation, bound to one connection with the `<mp>` codec (it reads XML error bodies in JSON mode too). */
export function createIakClient(options: IakClientOptions): IakClient {
  const connection = openConnection(options, iakXml, 'createIakClient');
  return Object.freeze({
    baseUrl: connection.baseUrl,
    environment: connection.environment,
    format: connection.format,
    inquiry: (input: IakInquiryInput, call?: IakCallOptions) => inquiry(connection, input, call),
    pay: (input: IakPayInput, call?: IakCallOptions) => pay(connection, input, call),
    checkStatus: (input: IakCheckStatusInput, call?: IakCallOptions) => checkStatus(connection, input, call),
    pricelist: (input?: IakPricelistInput, call?: IakCallOptions) => pricelist(connection, input, call),
    receipt: (input: IakReceiptInput, call?: IakCallOptions) => receipt(connection, input, call),
    payAndConfirm: (input: IakPayAndConfirmInput, opts?: IakPayAndConfirmOptions) => payAndConfirm(connection, input, opts),
  });
}
