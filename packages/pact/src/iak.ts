/**
 * IAK interaction builders: every command of `iakCommandTable`, as JSON or `<mp>` XML, and the receipt,
 * with matchers derived from the spec components. The pact keeps placeholders for `username` and `sign`.
 */
import { IAK_RECEIPT_PATH, type IakCommand, iakCommandTable } from '@billerkit/signing';
import { MatchersV3, type V3Request, type V3Response } from '@pact-foundation/pact';
import { PLACEHOLDERS } from './credentials.js';
import type { BillerInteraction } from './interaction.js';
import { specMatchers } from './spec-matchers.js';
import type { ProviderState } from './states.js';
import { mpXml } from './xml.js';

const JSON_TYPE = 'application/json';
const XML_TYPE = 'application/xml';

export type IakFormat = 'json' | 'xml';

export interface IakRequestOptions {
  format?: IakFormat;
  /** `pricelist-pasca` of one product type goes to `/api/v1/bill/check/{type}`. */
  type?: string;
  /** The interaction is about a wrong sign: the pact holds the `wrong…` placeholder, which verification leaves alone. */
  wrongSign?: boolean;
}

const data = (body: unknown): Record<string, unknown> => (body as { data: Record<string, unknown> }).data;

/** The request of an IAK command: `commands` and the app's fields by value, `username` by type, `sign` by pattern. */
export function iakRequest(command: IakCommand, fields: Readonly<Record<string, string>>, options: IakRequestOptions = {}): V3Request {
  const row = iakCommandTable[command];
  const example = {
    commands: command,
    username: PLACEHOLDERS.iakUsername,
    ...fields,
    sign: options.wrongSign ? PLACEHOLDERS.wrongIakSign : PLACEHOLDERS.iakSign,
  };
  const body = specMatchers('iak', row.requestComponent, example, { exact: ['commands', ...Object.keys(fields)] }) as Record<
    string,
    unknown
  >;
  const path = options.type !== undefined && 'typedPath' in row ? row.typedPath.replace('{type}', options.type) : row.path;
  const type = options.format === 'xml' ? XML_TYPE : JSON_TYPE;
  return {
    method: row.method,
    path,
    headers: { 'Content-Type': type },
    contentType: type,
    body: (options.format === 'xml' ? mpXml(body) : body) as V3Request['body'],
  };
}

export interface IakAnswerOptions {
  format?: IakFormat;
  /** Fields of `data` matched by value; `response_code` (and `status`) always are. */
  exact?: readonly string[];
  status?: number;
}

/**
 * An IAK answer: `data` as the app expects it, wrapped as `{ data, meta: [] }` in JSON or as `<mp>` in XML
 * (checked against the same component, tolerant of the missing `meta`).
 */
export function iakAnswer(command: IakCommand, result: Readonly<Record<string, unknown>>, options: IakAnswerOptions = {}): V3Response {
  const component = iakCommandTable[command].responseComponent;
  const exact = ['response_code', 'status', ...(options.exact ?? [])].map((key) => `data.${key}`);
  if (options.format === 'xml') {
    const derived = specMatchers('iak', component, { data: result }, { exact, profile: 'tolerant' });
    return { status: options.status ?? 200, headers: { 'Content-Type': XML_TYPE }, contentType: XML_TYPE, body: mpXml(data(derived)) };
  }
  const body = specMatchers('iak', component, { data: result, meta: [] }, { exact: [...exact, 'meta'] });
  return {
    status: options.status ?? 200,
    headers: { 'Content-Type': JSON_TYPE },
    contentType: JSON_TYPE,
    body: body as V3Response['body'],
  };
}

type Bill = Readonly<Record<string, unknown>>;
const withFormat = (format: IakFormat | undefined, exact: readonly string[]): IakAnswerOptions => ({
  exact,
  ...(format ? { format } : {}),
});

/**
 * The documented answers, with the app's values. `bill` is the bill as IAK describes it (`code`, `hp`,
 * `tr_name`, `period`, `nominal`, `admin`, `price`, `selling_price`, `desc` …); money is plain numbers of rupiah, as IAK sends it.
 */
export const iakAnswers = {
  inquirySuccess: (p: { trId: number; refId: string; bill: Bill; format?: IakFormat }) =>
    iakAnswer(
      'inq-pasca',
      { tr_id: p.trId, ...p.bill, ref_id: p.refId, response_code: '00', message: 'INQUIRY SUCCESS' },
      withFormat(p.format, ['code', 'hp']),
    ),
  /** A payment answer: `responseCode` `00` paid, `39` pending, or a documented failure such as `37`. */
  payment: (p: {
    trId: number;
    refId: string;
    bill: Bill;
    responseCode: string;
    message: string;
    balance: number;
    noref?: string;
    format?: IakFormat;
  }) =>
    iakAnswer(
      'pay-pasca',
      {
        tr_id: p.trId,
        ...p.bill,
        ref_id: p.refId,
        response_code: p.responseCode,
        message: p.message,
        balance: p.balance,
        ...(p.noref ? { noref: p.noref } : {}),
      },
      withFormat(p.format, ['tr_id', 'ref_id']),
    ),
  /** A checkstatus answer: `status` 1 paid, 2 failed, 3 pending, 0 payment not received. */
  status: (p: { trId: number; refId: string; status: number; responseCode: string; message: string; bill?: Bill; format?: IakFormat }) =>
    iakAnswer(
      'checkstatus',
      { tr_id: p.trId, ...(p.bill ?? {}), ref_id: p.refId, status: p.status, response_code: p.responseCode, message: p.message },
      withFormat(p.format, ['ref_id']),
    ),
  /** A failure answer of any command: the response code and message, plus the fields IAK echoes (`ref_id`, `hp` …). */
  failure: (
    command: IakCommand,
    p: { responseCode: string; message: string; fields?: Readonly<Record<string, unknown>>; format?: IakFormat },
  ) =>
    iakAnswer(
      command,
      { ...(p.fields ?? {}), response_code: p.responseCode, message: p.message },
      withFormat(p.format, Object.keys(p.fields ?? {})),
    ),
  pricelist: (p: { products: readonly Readonly<Record<string, unknown>>[] }) => iakAnswer('pricelist-pasca', { pasca: [...p.products] }),
};

/** The JSON lines of a receipt (`/api/v1/download/{tr_id}/1`), matched by type. */
export function iakReceiptData(lines: Readonly<Record<string, string>>): V3Response {
  const body = specMatchers('iak', 'ReceiptResponse', { data: lines, meta: [] }, { exact: ['meta'] });
  return {
    status: 200,
    headers: { 'Content-Type': JSON_TYPE },
    contentType: JSON_TYPE,
    body: { data: MatchersV3.like(data(body)), meta: [] } as V3Response['body'],
  };
}

export interface IakInteractionInput {
  command: IakCommand;
  description: string;
  state: ProviderState;
  fields?: Readonly<Record<string, string>>;
  request?: IakRequestOptions;
  response: V3Response;
  /** Reported operation name; the command by default (`pricelistByType` for the typed path, say). */
  operation?: string;
}

/** One IAK interaction: {@link iakRequest} plus an answer from {@link iakAnswer}. */
export function iakInteraction(input: IakInteractionInput): BillerInteraction {
  return {
    provider: 'iak',
    operation: input.operation ?? input.command,
    description: input.description,
    state: input.state,
    request: iakRequest(input.command, input.fields ?? {}, input.request),
    response: input.response,
  };
}

/** A receipt download: JSON lines (`format: 'data'`) or the PDF, whose example bytes are `pdfFile`. */
export function iakReceiptInteraction(
  input: { description: string; state: ProviderState; trId: string } & (
    | { format: 'data'; lines: Readonly<Record<string, string>> }
    | { format: 'pdf'; pdfFile: string }
  ),
): BillerInteraction {
  const path = IAK_RECEIPT_PATH.replace('{tr_id}', input.trId);
  const base = { provider: 'iak' as const, description: input.description, state: input.state };
  if (input.format === 'data') {
    return {
      ...base,
      operation: 'downloadReceiptJson',
      request: { method: 'GET', path: `${path}/1` },
      response: iakReceiptData(input.lines),
    };
  }
  return {
    ...base,
    operation: 'downloadReceipt',
    request: { method: 'GET', path },
    response: { status: 200, headers: { 'Content-Type': 'application/pdf' } },
    binaryResponse: { contentType: 'application/pdf', file: input.pdfFile },
  };
}
