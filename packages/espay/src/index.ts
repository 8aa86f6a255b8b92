export { createEspayClient, type EspayClient } from './client.js';
export { createEspayConnection, ESPAY_BASE_URLS, type EspayClientOptions, type EspayConnection } from './connection.js';
export { balance, inquiry, pay, payAndConfirm, registeredProducts, transactionInfo } from './operations.js';
export type {
  EspayBalanceResult,
  EspayConfirmedPayment,
  EspayInquiryResult,
  EspayPaymentResult,
  EspayProductsResult,
  EspayReferences,
  EspayTransactionInfoResult,
  InquiryParams,
  PayAndConfirmParams,
  PayParams,
  ToolParams,
  TransactionInfoParams,
  Wire,
} from './results.js';
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
