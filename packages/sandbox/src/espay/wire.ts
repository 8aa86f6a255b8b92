import type { SandboxResponse } from '../types.js';
import type { EspayAnswerCode } from './codes.js';

const WIB_OFFSET_MS = 7 * 3_600_000;

/** `YYYY-MM-DD HH:MM:SS` in WIB (UTC+7), the form of every `rs_datetime` Espay sends. */
export function espayDatetime(at: Date): string {
  const wib = new Date(at.getTime() + WIB_OFFSET_MS).toISOString();
  return `${wib.slice(0, 10)} ${wib.slice(11, 19)}`;
}

/**
 * The rq_uuid to echo. Every answer carries one (it is required and non-empty in the contract); when the
 * request had no usable rq_uuid the sandbox echoes `-`, which no real request id looks like.
 */
export function echoUuid(value: unknown): string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 255 ? value : '-';
}

export function echoOrderId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64 ? value : undefined;
}

/** error_desc is String(128). */
export function desc(text: string): string {
  return text.length <= 128 ? text : `${text.slice(0, 125)}...`;
}

export function espayJson(status: number, value: Record<string, unknown>, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export interface EnvelopeInput {
  rqUuid: unknown;
  orderId?: unknown;
  at: Date;
  code: EspayAnswerCode;
  /** Overrides the code's standard message (still cut to 128 characters). */
  message?: string;
}

/** The failure answer shared by every operation: envelope plus the order_id when the request had a usable one. */
export function errorAnswer(input: EnvelopeInput, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  const body: Record<string, unknown> = {
    rq_uuid: echoUuid(input.rqUuid),
    rs_datetime: espayDatetime(input.at),
    error_code: input.code.code,
    error_desc: desc(input.message ?? input.code.desc),
  };
  const orderId = echoOrderId(input.orderId);
  if (orderId !== undefined) body['order_id'] = orderId;
  return espayJson(status, body, headers);
}

/** A success answer: envelope first (the field order of the samples), then the operation's fields. */
export function successAnswer(rqUuid: string, at: Date, code: EspayAnswerCode, fields: Record<string, unknown>): SandboxResponse {
  return espayJson(200, { rq_uuid: rqUuid, rs_datetime: espayDatetime(at), error_code: code.code, error_desc: code.desc, ...fields });
}
