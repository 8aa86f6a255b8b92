import { IAK_SIGN_EXTRA, verifyIakSign } from '@billerkit/signing';
import { iakResponseCodes, iakTestNumbers } from '@billerkit/specs';
import { iakCommands } from '@billerkit/validators';
import type { IakSandboxCredentials } from '../credentials.js';
import { capIssues, fieldsWithUnsafeCharacters, jsonRequestShape, xmlShape } from '../limits.js';
import type { StateResult, StatefulProvider } from '../provider.js';
import { checkRequest, type RequestProfile } from '../request-check.js';
import type { ProviderContext, SandboxRequest, SandboxResponse, SandboxTransaction } from '../types.js';
import { buildBill, type IakInquiryExtras, receiptLines } from './bills.js';
import { IAK_RC, messageOf } from './codes.js';
import { amount, rupiah } from './money.js';
import { findProduct, IAK_PRICELIST_TYPES, IAK_PRODUCTS, type IakProduct } from './products.js';
import { receiptData, receiptPdf } from './receipt.js';
import { createIakStates, TR_ID } from './states.js';
import { type IakPayment, type IakRecord, IakStore, type IakStoreSnapshot, wibDateTime, ymdHis } from './store.js';
import { type IakGeneration, type IakScenario, type IakTestNumberRow, IakTestNumbers } from './test-numbers.js';
import { envelope, fallbackFormat, formatOfMediaType, type IakFormat, mediaTypeOf, parseBody } from './wire.js';

/** Credentials the IAK side accepts unless told otherwise (the same values as the server's defaults). */
export const IAK_SANDBOX_DEFAULT_CREDENTIALS: Readonly<IakSandboxCredentials> = Object.freeze({
  username: '081234567890',
  apiKey: 'sandbox-iak-api-key',
});

export interface IakProviderOptions {
  credentials?: IakSandboxCredentials;
  /** How request bodies are checked; `provider` (the documented contract plus what IAK is evidenced to accept) unless set. */
  requestProfile?: RequestProfile;
}

export type IakContext = ProviderContext & {
  credentials?: IakSandboxCredentials;
  iakRequestProfile?: RequestProfile;
  /** Every test number answers the same every time, as on IAK's own test host (no "already paid" memory). */
  iakStatelessTestNumbers?: boolean;
};

export interface IakProvider extends StatefulProvider {
  readonly provider: 'iak';
  setState(state: string, params?: Record<string, unknown>): StateResult;
  /** Same as {@link setState}. */
  applyState(state: string, params?: Record<string, unknown>): StateResult;
  /** The documented test numbers (both generations unless one is named), as the CLI prints them. */
  testNumbers(generation?: IakGeneration): IakTestNumberRow[];
  /** The generation in use (the context's, unless a provider state switched it). */
  generation(): IakGeneration;
  /** The state a state file keeps (deposit, inquiries and payments). */
  snapshot(): IakStoreSnapshot;
  restore(snapshot: IakStoreSnapshot): void;
}

const BILL_CHECK = /^\/api\/v1\/bill\/check\/?$/;
const BILL_CHECK_TYPED = /^\/api\/v1\/bill\/check\/([^/]+)\/?$/;
const DOWNLOAD = /^\/api\/v1\/download\/([^/]+)(\/1)?\/?$/;
/** Paths IAK's postpaid host owns; anything else under them is IAK's "page not found". */
const IAK_NAMESPACE = /^\/api\/v1\/(bill|download)(\/|$)/;

const MAX_FIELD_LENGTH = 512;

let sharedTestNumbers: IakTestNumbers | undefined;
function testNumberTable(): IakTestNumbers {
  sharedTestNumbers ??= new IakTestNumbers(iakTestNumbers, iakResponseCodes);
  return sharedTestNumbers;
}

/** The documented test numbers of one or both generations (for the CLI and docs). */
export function iakTestNumberTable(generation?: IakGeneration): IakTestNumberRow[] {
  return testNumberTable().rows(generation);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A request field as text: strings as sent, integers as their digits (JSON clients sometimes send tr_id as a number). */
function field(body: Record<string, unknown>, name: string): string | undefined {
  if (!Object.hasOwn(body, name)) return undefined;
  const value = body[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

class Reply {
  constructor(
    readonly format: IakFormat,
    readonly xmlType: string | undefined,
  ) {}

  send(data: Record<string, unknown>, status = 200): SandboxResponse {
    return envelope(this.format, data, { status, ...(this.xmlType ? { xmlType: this.xmlType } : {}) });
  }

  /**
   * A request refused before processing: HTTP 400 with rc 107 and `error_details` (field → messages), the
   * newer reference's "Bad Request … check the data error_details". Messages never echo field values.
   */
  refused(details: Record<string, string[]>): SandboxResponse {
    return this.send({ response_code: IAK_RC.formatError, message: messageOf(IAK_RC.formatError), error_details: details }, 400);
  }

  /** An answer that carries only a response code (and the request's identifiers, when it had them). */
  code(code: string, command?: string, ids: Record<string, unknown> = {}, status = 200): SandboxResponse {
    return this.send({ ...ids, response_code: code, message: messageOf(code, command) }, status);
  }
}

export function createIakProvider(ctx: IakContext, options: IakProviderOptions = {}): IakProvider {
  const credentials = options.credentials ?? ctx.credentials ?? IAK_SANDBOX_DEFAULT_CREDENTIALS;
  const requestProfile = options.requestProfile ?? ctx.iakRequestProfile ?? 'provider';
  const table = testNumberTable();
  const store = new IakStore({ ...ctx, statelessTestNumbers: ctx.iakStatelessTestNumbers === true });
  let generation: IakGeneration = ctx.iakTestNumberGeneration;

  // ---------------------------------------------------------------- responses built from a record

  const money = (record: IakRecord) => {
    const price = record.bill.nominal + record.bill.admin;
    return { price, selling: price - record.bill.komisi };
  };

  const inquiryData = (record: IakRecord): Record<string, unknown> => {
    const { price, selling } = money(record);
    return {
      tr_id: record.trId,
      code: record.product.code,
      hp: record.hp,
      tr_name: record.bill.trName,
      period: record.bill.period,
      nominal: amount(record.bill.nominal),
      admin: amount(record.bill.admin),
      ref_id: record.refId,
      response_code: IAK_RC.success,
      message: messageOf(IAK_RC.success, 'inq-pasca'),
      price: amount(price),
      selling_price: amount(selling),
      desc: record.bill.inquiryDesc,
    };
  };

  /** pay-pasca answer for a record, with the given code (the payment's own, or "already paid" …). */
  const paymentData = (record: IakRecord, code: string): Record<string, unknown> => {
    const { price, selling } = money(record);
    const payment = record.payment;
    const paid = payment?.status === 'success';
    return {
      tr_id: record.trId,
      code: record.product.code,
      datetime: ymdHis(payment?.paidAt ?? store.now()),
      hp: record.hp,
      tr_name: record.bill.trName,
      period: record.bill.period,
      nominal: amount(record.bill.nominal),
      admin: amount(record.bill.admin),
      response_code: code,
      message: messageOf(code, 'pay-pasca'),
      price: amount(price),
      selling_price: amount(selling),
      balance: amount(store.balance),
      noref: paid ? payment.noref : undefined,
      ref_id: record.refId,
      desc: paid ? record.bill.paymentDesc : record.bill.inquiryDesc,
    };
  };

  /** checkstatus answer: IAK's `status` 0 not received (42), 1 success (00), 2 failed (37), 3 in process (39). */
  const statusData = (record: IakRecord): Record<string, unknown> => {
    const { price, selling } = money(record);
    const payment = record.payment;
    let status: number;
    let code: string;
    if (!payment) [status, code] = [0, IAK_RC.paymentNotReceived];
    else if (payment.status === 'success') [status, code] = [1, IAK_RC.success];
    else if (payment.status === 'failed') [status, code] = [2, IAK_RC.paymentFailed];
    else [status, code] = [3, IAK_RC.pending];
    return {
      tr_id: record.trId,
      code: record.product.code,
      // The documented "in process" sample has neither datetime nor noref.
      datetime: status === 3 ? undefined : ymdHis(payment?.updatedAt ?? record.inquiredAt),
      hp: record.hp,
      tr_name: record.bill.trName,
      period: record.bill.period,
      nominal: amount(record.bill.nominal),
      admin: amount(record.bill.admin),
      ref_id: record.refId,
      status,
      response_code: code,
      message: messageOf(code, 'checkstatus'),
      price: amount(price),
      selling_price: amount(selling),
      balance: amount(store.balance),
      noref: status === 1 ? payment?.noref : status === 2 ? '' : undefined,
      desc: payment?.status === 'success' ? record.bill.paymentDesc : record.bill.inquiryDesc,
    };
  };

  // ---------------------------------------------------------------- commands

  const extrasOf = (
    product: IakProduct,
    body: Record<string, unknown>,
    reply: Reply,
  ): { extras: IakInquiryExtras } | { error: SandboxResponse } => {
    const extras: IakInquiryExtras = {};
    const refuse = (name: string, why: string) => ({ error: reply.refused({ [name]: [why] }) });
    for (const extra of product.extras) {
      if (extra === 'month') {
        const month = field(body, 'month');
        if (month === undefined) continue; // BPJS PU samples omit it; one month is the natural default
        if (!/^(0?[1-9]|1[0-2])$/.test(month)) return refuse('month', 'must be a month count from 1 to 12');
        extras.month = Number(month);
      } else if (extra === 'year') {
        const year = field(body, 'year');
        if (year === undefined || !/^[0-9]{4}$/.test(year)) return refuse('year', 'is required for this product (4 digits)');
        extras.year = year;
      } else if (extra === 'nomor_identitas') {
        const id = field(body, 'nomor_identitas');
        if (id === undefined || id === '') return refuse('nomor_identitas', 'is required for this product');
        extras.nomorIdentitas = id;
      } else {
        const desc = body['desc'];
        const raw = isRecord(desc) ? desc['amount'] : undefined;
        const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw : undefined;
        if (text === undefined || !/^[1-9][0-9]{0,11}$/.test(text))
          return { error: reply.code(IAK_RC.invalidAmount, 'inq-pasca', { ref_id: field(body, 'ref_id') }) };
        extras.amount = rupiah(BigInt(text));
      }
    }
    return { extras };
  };

  const lookup = (code: string, hp: string): IakScenario | undefined => table.lookup(generation, code, hp);

  const inquire = (body: Record<string, unknown>, reply: Reply): SandboxResponse => {
    const code = field(body, 'code') ?? '';
    const hp = field(body, 'hp') ?? '';
    const refId = field(body, 'ref_id') ?? '';
    const ids = { code, hp, ref_id: refId };
    const product = findProduct(code);
    if (!product) return reply.code(IAK_RC.productUnregistered, 'inq-pasca', ids);
    const checked = extrasOf(product, body, reply);
    if ('error' in checked) return checked.error;
    if (store.hasRef(refId)) return reply.code(IAK_RC.duplicateRefId, 'inq-pasca', ids);
    const scenario = lookup(code, hp);
    if (!scenario) return reply.code(IAK_RC.incorrectNumber, 'inq-pasca', ids);
    if (scenario.failsAt === 'inquiry') return reply.code(scenario.responseCode, 'inq-pasca', ids);
    const bill = buildBill(product, hp, scenario.bills, checked.extras);
    // A bill paid (or being paid) on this server is paid: what IAK answers for a paid bill, until reset.
    if (store.paidBill({ product, hp, bill })) return reply.code(alreadyPaidCode, 'inq-pasca', ids);
    const record: IakRecord = { trId: store.nextTrId(), refId, hp, product, bill, scenario, inquiredAt: store.now() };
    store.add(record);
    return reply.send(inquiryData(record));
  };

  const alreadyPaidCode = pickCode(['01', '34'], IAK_RC.alreadyPaid);

  const pay = (body: Record<string, unknown>, reply: Reply): SandboxResponse => {
    const trIdText = field(body, 'tr_id') ?? '';
    const record = TR_ID.test(trIdText) ? store.byTr(Number(trIdText)) : undefined;
    if (!record) return reply.code(IAK_RC.notFound, 'pay-pasca', { tr_id: TR_ID.test(trIdText) ? Number(trIdText) : undefined });
    const existing = record.payment;
    if (existing) {
      // A payment is recorded once: a repeat never takes money again, it reports what happened.
      if (existing.status === 'success') return reply.send(paymentData(record, alreadyPaidCode));
      return reply.send(paymentData(record, existing.status === 'pending' ? IAK_RC.pending : existing.responseCode));
    }
    const now = store.now();
    // "Please inquiry and payment on the same day" (rc 04, BILLING ID EXPIRED).
    if (ymdHis(now).slice(0, 8) !== ymdHis(record.inquiredAt).slice(0, 8)) return reply.send(paymentData(record, '04'));
    // Another inquiry of the same bill was paid first: this one takes nothing and records nothing.
    if (store.paidBill(record)) return reply.send(paymentData(record, alreadyPaidCode));
    const { selling } = money(record);
    const scenario = record.scenario;
    const failure = scenario?.failsAt === 'payment' ? scenario.responseCode : undefined;
    const pending = failure !== undefined && (failure === IAK_RC.pending || scenario?.outcome === 'pending');
    if (failure !== undefined && !pending) {
      store.recordPayment(record, {
        status: 'failed',
        responseCode: failure,
        settleTo: 'failed',
        paidAt: now,
        updatedAt: now,
        noref: '',
        checks: 0,
        held: 0n,
      });
      return reply.send(paymentData(record, failure));
    }
    if (!store.take(selling)) return reply.send(paymentData(record, IAK_RC.balanceNotEnough));
    const payment: IakPayment = {
      status: pending ? 'pending' : 'success',
      responseCode: pending ? (failure ?? IAK_RC.pending) : IAK_RC.success,
      settleTo: 'success',
      paidAt: now,
      updatedAt: now,
      noref: store.nextNoref(),
      checks: 0,
      held: selling,
    };
    store.recordPayment(record, payment);
    return reply.send(paymentData(record, payment.responseCode));
  };

  const checkStatus = (body: Record<string, unknown>, reply: Reply): SandboxResponse => {
    const refId = field(body, 'ref_id') ?? '';
    const record = store.byRef(refId);
    if (!record) return reply.code(IAK_RC.notFound, 'checkstatus', { ref_id: refId });
    store.countCheck(record);
    return reply.send(statusData(record));
  };

  const pricelist = (body: Record<string, unknown>, type: string | undefined, reply: Reply): SandboxResponse => {
    const status = (field(body, 'status') ?? 'all').toLowerCase();
    const province = field(body, 'province')?.toLowerCase();
    const wanted = status === 'active' ? 1 : status === 'non active' || status === 'non-active' ? 0 : undefined;
    if (wanted === undefined && status !== 'all') return reply.refused({ status: ['must be all, active or non active'] });
    const pasca = IAK_PRODUCTS.filter(
      (p) =>
        p.type !== '' &&
        (type === undefined || p.type === type) &&
        (wanted === undefined || p.status === wanted) &&
        (province === undefined || p.province?.toLowerCase() === province),
    ).map((p) => ({
      code: p.code,
      name: p.name,
      status: p.status,
      fee: amount(p.adminPerBill),
      komisi: amount(p.komisiPerBill),
      type: p.type,
      ...(p.province === undefined ? {} : { province: p.province }),
      category: 'postpaid',
    }));
    return reply.send({ pasca });
  };

  // ---------------------------------------------------------------- request checks

  /** Authentication first (the sign covers username and API key), then bounded field checks, then the schema. */
  const verify = (command: string, body: Record<string, unknown>, reply: Reply, component: string): SandboxResponse | undefined => {
    const username = field(body, 'username');
    const sign = field(body, 'sign');
    if (username === undefined || sign === undefined) {
      return reply.refused({
        ...(username === undefined ? { username: ['is required'] } : {}),
        ...(sign === undefined ? { sign: ['is required'] } : {}),
      });
    }
    const extra =
      command === 'inq-pasca'
        ? (field(body, 'ref_id') ?? '')
        : command === 'pay-pasca'
          ? (field(body, 'tr_id') ?? '')
          : command === 'checkstatus'
            ? IAK_SIGN_EXTRA.checkStatus
            : IAK_SIGN_EXTRA.pricelist;
    // A wrong username cannot carry a valid sign (the sign covers it), so both answer INVALID SIGNATURE.
    if (username !== credentials.username || !verifyIakSign(credentials.username, credentials.apiKey, extra, sign)) {
      return reply.code(IAK_RC.invalidSignature, command);
    }
    for (const value of Object.values(body)) {
      if (typeof value === 'string' && value.length > MAX_FIELD_LENGTH)
        return reply.refused({ body: [`fields are limited to ${MAX_FIELD_LENGTH} characters`] });
    }
    const unsafe = fieldsWithUnsafeCharacters(body);
    if (unsafe.length > 0)
      return reply.refused(
        errorDetails(
          unsafe.map((name) => ({ path: `/${name.replace(/\./g, '/')}`, message: 'must not contain control or bidirectional characters' })),
        ),
      );
    const result = checkRequest('iak', component, requestProfile, body);
    if (!result.valid) {
      // rc 03 is IAK's own answer to a ref_id that is not "alpha_num only without space".
      if (result.issues.every((issue) => issue.path === '/ref_id' && issue.keyword !== 'required')) {
        return reply.code(IAK_RC.invalidRefId, command);
      }
      return reply.refused(errorDetails(result.issues));
    }
    return undefined;
  };

  const billCheck = (request: SandboxRequest, type: string | undefined): SandboxResponse => {
    const media = mediaTypeOf(request.headers);
    const format = formatOfMediaType(media);
    const reply = new Reply(format ?? fallbackFormat(request.body), format === 'xml' ? media : undefined);
    if (request.method !== 'POST') return withHeader(reply.code(IAK_RC.pageNotFound, undefined, {}, 405), 'allow', 'POST');
    if (format === undefined) return reply.refused({ 'content-type': ['must be application/json, application/xml or text/xml'] });
    // Bounded before any parser runs: a body of a hundred thousand keys is refused after its first few hundred bytes.
    const shape = (format === 'json' ? jsonRequestShape : xmlShape)(request.body);
    if (!shape.ok) return reply.refused({ body: [shape.reason] });
    const parsed = parseBody(format, request.body);
    if (!parsed.ok) return reply.refused({ body: [parsed.reason] });
    const body = format === 'xml' ? typeXmlRequest(parsed.value) : parsed.value;
    const command = body['commands'];
    if (typeof command !== 'string') return reply.refused({ commands: [command === undefined ? 'is required' : 'must be a string'] });
    if (type !== undefined) {
      if (command !== 'pricelist-pasca') return reply.code(IAK_RC.invalidCommand);
      if (!IAK_PRICELIST_TYPES.includes(type)) return reply.code(IAK_RC.pageNotFound, undefined, {}, 404);
      return verify(command, body, reply, 'PricelistTypeRequest') ?? pricelist(body, type, reply);
    }
    const schemas = Object.hasOwn(iakCommands, command) ? iakCommands[command] : undefined;
    if (!schemas) return reply.code(IAK_RC.invalidCommand);
    const rejected = verify(command, body, reply, schemas.requestComponent);
    if (rejected) return rejected;
    switch (command) {
      case 'inq-pasca':
        return inquire(body, reply);
      case 'pay-pasca':
        return pay(body, reply);
      case 'checkstatus':
        return checkStatus(body, reply);
      case 'pricelist-pasca':
        return pricelist(body, undefined, reply);
      default:
        return reply.code(IAK_RC.invalidCommand);
    }
  };

  /** Receipt failures come as `<mp>` XML, which is what the official Node SDK looks for in a failed download. */
  const receiptError = (code: string, status = 200): SandboxResponse => new Reply('xml', undefined).code(code, undefined, {}, status);

  const download = (request: SandboxRequest, trIdText: string, raw: boolean): SandboxResponse => {
    if (request.method !== 'GET') return withHeader(receiptError(IAK_RC.pageNotFound, 405), 'allow', 'GET');
    const record = TR_ID.test(trIdText) ? store.byTr(Number(trIdText)) : undefined;
    if (!record) return receiptError(IAK_RC.notFound);
    const payment = record.payment;
    if (!payment) return receiptError(IAK_RC.billUnpaid);
    if (payment.status === 'pending') return receiptError(IAK_RC.pending);
    if (payment.status === 'failed') return receiptError(IAK_RC.paymentFailed);
    const lines = receiptLines({
      productName: record.product.name,
      noref: payment.noref,
      paidAt: wibDateTime(payment.paidAt),
      hp: record.hp,
      bill: record.bill,
    });
    if (raw) {
      return new Reply('json', undefined).send(receiptData(lines));
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="receipt-${record.trId}.pdf"` },
      body: receiptPdf(lines),
    };
  };

  const setState = createIakStates({
    store,
    table,
    generation: () => generation,
    setGeneration: (value: IakGeneration) => {
      generation = value;
    },
    reset: () => provider.reset(),
  });

  const provider: IakProvider = {
    provider: 'iak',
    async handle(request: SandboxRequest): Promise<SandboxResponse | undefined> {
      const path = request.path;
      if (BILL_CHECK.test(path)) return billCheck(request, undefined);
      const typed = BILL_CHECK_TYPED.exec(path);
      if (typed) return billCheck(request, decodeURIComponentSafe(typed[1] ?? ''));
      const receipt = DOWNLOAD.exec(path);
      if (receipt) return download(request, receipt[1] ?? '', receipt[2] !== undefined);
      if (IAK_NAMESPACE.test(path)) {
        const media = mediaTypeOf(request.headers);
        return new Reply(formatOfMediaType(media) ?? 'json', undefined).code(IAK_RC.pageNotFound, undefined, {}, 404);
      }
      return undefined;
    },
    transactions(): SandboxTransaction[] {
      return store.transactions();
    },
    balanceMinor(): bigint {
      return store.balance;
    },
    reset(): void {
      store.reset();
      generation = ctx.iakTestNumberGeneration;
    },
    snapshot: () => store.snapshot(),
    restore: (snapshot) => store.restore(snapshot, findProduct),
    setState,
    applyState: setState,
    testNumbers: (g) => table.rows(g),
    generation: () => generation,
  };
  return provider;
}

/**
 * XML text has no types: the two request fields the contract types as integers (`month`, `desc.amount`)
 * become numbers when they are plain digit strings, so an XML request meets the same schema as its JSON twin.
 */
function typeXmlRequest(body: Record<string, unknown>): Record<string, unknown> {
  const digits = (value: unknown) => (typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value);
  const out: Record<string, unknown> = { ...body };
  if (Object.hasOwn(out, 'month')) out['month'] = digits(out['month']);
  const desc = out['desc'];
  if (isRecord(desc) && Object.hasOwn(desc, 'amount')) out['desc'] = { ...desc, amount: digits(desc['amount']) };
  return out;
}

/** Validation issues as `error_details`: field name → messages (the schema's words, never the sent value). */
function errorDetails(issues: ReadonlyArray<{ path: string; message: string }>): Record<string, string[]> {
  // A Map, then fromEntries: a field literally named `__proto__` stays an ordinary key.
  const details = new Map<string, string[]>();
  const { shown, omitted } = capIssues(issues);
  for (const issue of shown) {
    const raw = issue.path === '/' || issue.path === '' ? 'body' : issue.path.replace(/^\//, '').replace(/\//g, '.');
    // The names become XML element names in <mp> answers; a sent name like `#text` or `a:b` must not break the answer.
    const safe = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
    const name = /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
    const list = details.get(name) ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    details.set(name, list);
  }
  if (omitted > 0) details.set('_omitted', [`${omitted} more problems not listed`]);
  return Object.fromEntries(details);
}

function withHeader(response: SandboxResponse, name: string, value: string): SandboxResponse {
  return { ...response, headers: { ...response.headers, [name]: value } };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The first of `preferred` that the response-code catalogue lists with kind `already_paid`, else `fallback`. */
function pickCode(preferred: readonly string[], fallback: string): string {
  for (const code of preferred) {
    if (iakResponseCodes.some((entry) => entry.code === code && entry.kind === 'already_paid')) return code;
  }
  return fallback;
}
