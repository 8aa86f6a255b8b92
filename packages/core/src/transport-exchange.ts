/**
 * What the retry loop asks of an HTTP stack: one request out, one capped, decoded body back. Two stacks
 * implement it: node:http with keep-alive agents (the default, `transport-http.ts`) and an injected fetch
 * (`transport-fetch.ts`). Both end the attempt when its AttemptAbort ends, and report the phase they reached.
 */
import type { AttemptAbort } from './transport-abort.js';
import type { Phase } from './transport-errors.js';

export interface ExchangeRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Readonly<Record<string, string>> | undefined;
  body: string | undefined;
  /** Keep the body's bytes beside its text (binary answers such as a PDF receipt). */
  keepBytes: boolean;
}

export interface Exchanged {
  status: number;
  contentType: string;
  /** A response header by its lower-case name, null when absent. */
  header(name: string): string | null;
  /** All response headers, built only when asked for. */
  headers(): Headers;
  text: string;
  /** Body bytes after content decoding. */
  bytes: number;
  raw: Uint8Array | undefined;
}

/** The attempt's state an exchange updates: the phase it reached, for the error mapping. */
export interface AttemptProgress {
  phase: Phase;
}

export type Exchange = (request: ExchangeRequest, abort: AttemptAbort, cap: number, progress: AttemptProgress) => Promise<Exchanged>;
