export { createEspayClient, type EspayClient } from './client.js';
export { createEspayConnection, ESPAY_BASE_URLS, type EspayClientOptions, type EspayConnection } from './connection.js';
export {
  balance,
  type EspayBalanceResult,
  type EspayConfirmedPayment,
  type EspayInquiryResult,
  type EspayPaymentResult,
  type EspayProductsResult,
  type EspayReferences,
  type EspayTransactionInfoResult,
  type InquiryParams,
  inquiry,
  type PayAndConfirmParams,
  type PayParams,
  pay,
  payAndConfirm,
  registeredProducts,
  type ToolParams,
  type TransactionInfoParams,
  transactionInfo,
  type Wire,
} from './operations.js';
export { ESPAY_FORM_ORDER, type EspayOperation, encodeEspayForm, espayBodySerializer } from './form.js';
export type * from './generated/types.gen.js';
// Errors, money and outcome helpers come from core; re-exported so applications need one import.
export {
  AuthenticationError,
  BillerkitError,
  ConnectionError,
  DuplicateRequestError,
  formatIdr,
  InsufficientBalanceError,
  isBillerkitError,
  MalformedResponseError,
  ProviderError,
  RequestAbortedError,
  rupiah,
  SignatureError,
  TimeoutError,
  ValidationError,
} from '@billerkit/core';
