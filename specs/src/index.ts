import { readFileSync } from 'node:fs';

/** Outcome of a provider answer as the catalogues classify it. */
export type Outcome = 'success' | 'pending' | 'failed';

export type ErrorKind =
  | 'auth'
  | 'signature'
  | 'validation'
  | 'duplicate'
  | 'insufficient_balance'
  | 'not_found'
  | 'product'
  | 'provider'
  | 'timeout'
  | 'already_paid'
  | 'throttled';

export interface EspayErrorCode {
  code: string;
  meaning: string;
  outcome: Outcome | 'retry-after';
  kind: ErrorKind | null;
  /** Case-insensitive regex tested against error_desc / error_message; such an entry wins over the plain one. */
  descPattern?: string;
  source: string;
}

export interface EspayProduct {
  code: string;
  name: string;
  category: string;
  transactionType: 'PAYMENT' | 'PURCHASE' | 'TOPUP';
  inquiry: boolean;
  dataSchema: string | null;
  source: string;
}

export interface IakResponseCode {
  code: string;
  message: string;
  outcome: Outcome;
  kind: ErrorKind | null;
  source: string;
}

export interface IakStatusValue {
  status: string | number;
  meaning: string;
  outcome: Outcome;
}

export interface IakTestNumber {
  generation: 'seed' | 'newer';
  product: string;
  hp: string;
  outcome: Outcome | string;
  responseCode: string;
  bills?: number;
  description: string;
  source: string;
}

/** An OpenAPI 3.1 document as parsed JSON. */
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Record<string, unknown>> } & Record<string, unknown>;
} & Record<string, unknown>;

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')) as T;
}

export const espayOpenApi: OpenApiDocument = load('espay.openapi.json');
export const iakOpenApi: OpenApiDocument = load('iak.openapi.json');
export const espayErrorCodes: readonly EspayErrorCode[] = load('espay.error-codes.json');
export const espayProducts: readonly EspayProduct[] = load('espay.products.json');
export const iakResponseCodes: readonly IakResponseCode[] = load('iak.response-codes.json');
export const iakStatusValues: readonly IakStatusValue[] = load('iak.status-values.json');
export const iakTestNumbers: readonly IakTestNumber[] = load('iak.test-numbers.json');
