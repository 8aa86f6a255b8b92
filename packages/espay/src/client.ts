/**
 * The Espay client: every operation of `operations.ts` bound to one connection. An application that wants
 * a smaller bundle imports `createEspayConnection` and only the operations it calls instead.
 */
import { connectEspay, type EspayClientOptions } from './connection.js';
import { balance, inquiry, pay, payAndConfirm, registeredProducts, transactionInfo } from './operations.js';
import type {
  EspayBalanceResult,
  EspayConfirmedPayment,
  EspayInquiryResult,
  EspayPaymentResult,
  EspayProductsResult,
  EspayTransactionInfoResult,
  InquiryParams,
  PayAndConfirmParams,
  PayParams,
  ToolParams,
  TransactionInfoParams,
} from './results.js';

export interface EspayClient {
  readonly baseUrl: string;
  inquiry(params: InquiryParams): Promise<EspayInquiryResult>;
  /** One payment POST, never retried. Throws typed errors for failures; `pending` must be confirmed. */
  pay(params: PayParams): Promise<EspayPaymentResult>;
  /** Pays and confirms: never re-posts; checks status by ref_id; `unknown` when it cannot tell. */
  payAndConfirm(params: PayAndConfirmParams): Promise<EspayConfirmedPayment>;
  transactionInfo(params: TransactionInfoParams): Promise<EspayTransactionInfoResult>;
  balance(params?: ToolParams): Promise<EspayBalanceResult>;
  registeredProducts(params?: ToolParams): Promise<EspayProductsResult>;
}

export function createEspayClient(options: EspayClientOptions): EspayClient {
  const connection = connectEspay(options, 'createEspayClient');
  return {
    baseUrl: connection.baseUrl,
    inquiry: (params) => inquiry(connection, params),
    pay: (params) => pay(connection, params),
    payAndConfirm: (params) => payAndConfirm(connection, params),
    transactionInfo: (params) => transactionInfo(connection, params),
    balance: (params) => balance(connection, params),
    registeredProducts: (params) => registeredProducts(connection, params),
  };
}
