/**
 * Request bodies for the four postpaid commands, in IAK's JSON form. The XML form is the same
 * object written by `buildIakXml`. Every body is signed here with `iakSign`, the only signing
 * implementation: md5(username + apiKey + extra), where extra is the ref_id (inq-pasca), the tr_id
 * (pay-pasca) or a literal from `IAK_SIGN_EXTRA` (checkstatus `cs`, pricelist `pl`).
 */
import { formatIakAmount, type Minor } from '@billerkit/core';
import { IAK_SIGN_EXTRA, iakSign } from '@billerkit/signing';

export interface IakCredentials {
  username: string;
  apiKey: string;
}

/** Product-specific inquiry fields IAK documents (see the product pages). */
export interface IakInquiryExtras {
  /** Months to pay: BPJS Kesehatan, BPJS Ketenagakerjaan BPU. */
  month?: number | string;
  /** Vehicle owner's identity number: E-Samsat. */
  nomorIdentitas?: string;
  /** Tax year: PBB. */
  year?: number | string;
  /** Amount for custom-denomination products (SHOPEEPAY …, church offerings), in minor units (sen), whole rupiah only. */
  amount?: Minor;
  /** Further fields sent verbatim (snake_case, as IAK names them), for products documented later. */
  extra?: Readonly<Record<string, string | number | Readonly<Record<string, string | number>>>>;
}

export interface IakInquiryInput extends IakInquiryExtras {
  /** Product code, e.g. `PLNPOSTPAID`, `BPJS`, `PDAMKOTA.SURABAYA`. */
  code: string;
  /** Customer number. */
  hp: string;
  /** Your unique reference for this inquiry; it also identifies the payment in checkstatus. */
  refId: string;
}

export interface IakPayInput {
  /** The `tr_id` of a successful inquiry. */
  trId: string | number | bigint;
}

export interface IakCheckStatusInput {
  /** The `ref_id` used for the inquiry. */
  refId: string;
}

export type IakPricelistStatus = 'all' | 'active' | 'non active';

export interface IakPricelistInput {
  /** Product type (`pln`, `pdam`, `bpjs` …); omitted = all types. */
  type?: string;
  /** `all`, `active` or `non active`. */
  status?: IakPricelistStatus;
  /** PDAM only: filter by province. */
  province?: string;
}

/** A request body in IAK's JSON form, as the `build…Body` functions return it (signed, ready to send). */
export type IakJsonBody = Record<string, unknown>;

/** Non-empty, no whitespace or control characters: IAK signs and echoes these values verbatim. */
function token(value: unknown, name: string, caller: string): string {
  if (typeof value !== 'string') throw new TypeError(`${caller}: ${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  if (value.length === 0) throw new TypeError(`${caller}: ${name} must not be empty`);
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x20 || c === 0x7f) throw new TypeError(`${caller}: ${name} must not contain spaces or control characters`);
  }
  return value;
}

/** tr_id arrives as a JSON number and goes back as a string (IAK's request samples); digits only. */
export function normaliseTrId(value: unknown, caller: string): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new TypeError(`${caller}: trId ${value} is not a safe non-negative integer; pass it as a string`);
    text = String(value);
  } else throw new TypeError(`${caller}: trId must be a string, number or bigint, got ${value === null ? 'null' : typeof value}`);
  if (text.length === 0) throw new TypeError(`${caller}: trId must not be empty`);
  for (const ch of text) if (ch < '0' || ch > '9') throw new TypeError(`${caller}: trId must be digits only, got ${JSON.stringify(text)}`);
  return text;
}

function optionalScalar(value: unknown, name: string, caller: string): string | number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${caller}: ${name} must be a non-negative integer, got ${value}`);
    return value;
  }
  return token(value, name, caller);
}

/** `inq-pasca`, signed with the ref_id. */
export function buildInquiryBody(credentials: IakCredentials, input: IakInquiryInput): IakJsonBody {
  const caller = 'iak.inquiry';
  if (typeof input !== 'object' || input === null) throw new TypeError(`${caller}: input must be an object`);
  const code = token(input.code, 'code', caller);
  const hp = token(input.hp, 'hp', caller);
  const refId = token(input.refId, 'refId', caller);
  const body: IakJsonBody = {
    commands: 'inq-pasca',
    username: credentials.username,
    code,
    hp,
    ref_id: refId,
  };
  const month = optionalScalar(input.month, 'month', caller);
  if (month !== undefined) body['month'] = month;
  if (input.nomorIdentitas !== undefined) body['nomor_identitas'] = token(input.nomorIdentitas, 'nomorIdentitas', caller);
  const year = optionalScalar(input.year, 'year', caller);
  if (year !== undefined) body['year'] = typeof year === 'number' ? String(year) : year;
  if (input.amount !== undefined) {
    // IAK's sample sends `"desc": {"amount": 100000}`: whole rupiah as a JSON number.
    const whole = formatIakAmount(input.amount);
    const asNumber = Number(whole);
    if (!Number.isSafeInteger(asNumber)) throw new RangeError(`${caller}: amount ${whole} rupiah is too large`);
    body['desc'] = { amount: asNumber };
  }
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    if (key in body || key === 'sign') throw new TypeError(`${caller}: extra.${key} would overwrite a field billerkit sets`);
    body[key] = value;
  }
  body['sign'] = iakSign(credentials.username, credentials.apiKey, refId);
  return body;
}

/** `pay-pasca`, signed with the tr_id. */
export function buildPayBody(credentials: IakCredentials, input: IakPayInput): IakJsonBody {
  if (typeof input !== 'object' || input === null) throw new TypeError('iak.pay: input must be an object');
  const trId = normaliseTrId(input.trId, 'iak.pay');
  return {
    commands: 'pay-pasca',
    username: credentials.username,
    tr_id: trId,
    sign: iakSign(credentials.username, credentials.apiKey, trId),
  };
}

/** `checkstatus`, signed with the literal `cs`. */
export function buildCheckStatusBody(credentials: IakCredentials, input: IakCheckStatusInput): IakJsonBody {
  if (typeof input !== 'object' || input === null) throw new TypeError('iak.checkStatus: input must be an object');
  return {
    commands: 'checkstatus',
    username: credentials.username,
    ref_id: token(input.refId, 'refId', 'iak.checkStatus'),
    sign: iakSign(credentials.username, credentials.apiKey, IAK_SIGN_EXTRA.checkStatus),
  };
}

const PRICELIST_STATUSES: readonly string[] = ['all', 'active', 'non active'];

/** `pricelist-pasca`, signed with the literal `pl`. */
export function buildPricelistBody(credentials: IakCredentials, input: IakPricelistInput = {}): IakJsonBody {
  const caller = 'iak.pricelist';
  if (typeof input !== 'object' || input === null) throw new TypeError(`${caller}: input must be an object`);
  if (input.type !== undefined) token(input.type, 'type', caller);
  const body: IakJsonBody = { commands: 'pricelist-pasca', username: credentials.username };
  if (input.status !== undefined) {
    if (!PRICELIST_STATUSES.includes(input.status))
      throw new TypeError(`${caller}: status must be one of ${PRICELIST_STATUSES.join(', ')}`);
    body['status'] = input.status;
  }
  if (input.province !== undefined) {
    if (typeof input.province !== 'string' || input.province.length === 0)
      throw new TypeError(`${caller}: province must be a non-empty string`);
    body['province'] = input.province;
  }
  body['sign'] = iakSign(credentials.username, credentials.apiKey, IAK_SIGN_EXTRA.pricelist);
  return body;
}
