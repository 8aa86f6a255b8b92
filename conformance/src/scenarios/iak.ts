import { isBillerkitError } from '@billerkit/core';
import { createIakClient, type IakClient, type IakClientOptions, type IakInquiryResult } from '@billerkit/iak';
import { iakValidators } from '@billerkit/validators/iak';
import { type IakTestNumber, iakTestNumbers } from '@billerkit/specs';
import type { FetchLike } from '../capture.js';
import type { ProviderTarget, IakCredentials, SandboxControl } from '../target.js';
import { expectRefusal, ScenarioError, ScenarioSkip, type ScenarioSpec } from './harness.js';

export type IakGeneration = 'seed' | 'newer';

/** Fields some products need on the inquiry (IAK's product pages): months, identity number, tax year, amount. */
export function inquiryExtras(code: string): Record<string, unknown> {
  if (code === 'BPJS' || code === 'BPJSTK') return { month: 1 };
  if (code.startsWith('ESAMSAT.')) return { nomorIdentitas: '0212502110170100' };
  if (code.startsWith('PBB')) return { year: '2019' };
  if (code === 'SHOPEEPAY' || code.startsWith('MEMBER.') || code.startsWith('NONMEMBER.')) return { amount: 10_000_000n };
  return {};
}

/**
 * A host without the sandbox control API cannot be given deposit; when its development deposit runs
 * out (rc 17), the payments after it say nothing about the contract. With control, the stage tops the
 * deposit up first, so there rc 17 is a real failure.
 */
function deposit(error: unknown, deps: IakScenarioDeps): void {
  if (!deps.control && isBillerkitError(error) && error.kind === 'insufficient_balance') {
    throw new ScenarioSkip(`the development deposit of ${deps.target.baseUrl} ran out (rc ${error.code}); top it up and run again`);
  }
}

/** Pays, turning an exhausted deposit on a host without control into a skip. */
async function payOrSkip(client: IakClient, trId: string, deps: IakScenarioDeps) {
  try {
    return await client.pay({ trId });
  } catch (error) {
    deposit(error, deps);
    throw error;
  }
}

function describe(error: unknown): string {
  if (isBillerkitError(error)) return `${error.name} code ${error.code ?? '(none)'}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Unique per run, letters and digits only (IAK's ref_id rule), so a real development host never sees a repeat. */
export function refIdFactory(): () => string {
  const run = Date.now().toString(36).toUpperCase();
  let n = 0;
  return () => `BK${run}${String(++n).padStart(4, '0')}`;
}

export interface IakScenarioDeps {
  target: ProviderTarget<IakCredentials>;
  control?: SandboxControl;
  generation: IakGeneration;
  nextRefId: () => string;
  client?: (options: IakClientOptions) => IakClient;
  /** Per-answer timeout of the clients (their default unless set). */
  timeoutMs?: number;
}

function clientFor(deps: IakScenarioDeps, fetch: FetchLike, extra: Partial<IakClientOptions> = {}): IakClient {
  const make = deps.client ?? createIakClient;
  // Retries off: every request the scenario sends is one it means to send, and is validated.
  const timeout = deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {};
  return make({
    baseUrl: deps.target.baseUrl,
    validators: iakValidators,
    ...deps.target.credentials,
    fetch,
    retry: { maxRetries: 0 },
    ...timeout,
    ...extra,
  });
}

/**
 * One row of IAK's published test numbers: inquire; a number that fails at the inquiry must answer its
 * response code there; otherwise pay, and the payment must answer the number's outcome and code.
 */
export function testNumberScenario(row: IakTestNumber, deps: IakScenarioDeps): ScenarioSpec {
  const expectCode = row.responseCode;
  return {
    provider: 'iak',
    name: `test number ${row.product} ${row.hp}: ${row.description.split(';')[0]} (expect ${row.outcome} ${expectCode})`,
    operation: 'inq-pasca',
    async run(fetch) {
      const client = clientFor(deps, fetch);
      const refId = deps.nextRefId();
      let inquiry: IakInquiryResult;
      try {
        inquiry = await client.inquiry({ code: row.product, hp: row.hp, refId, ...inquiryExtras(row.product) });
      } catch (error) {
        if (row.outcome !== 'success' && isBillerkitError(error) && error.code === expectCode) return { operation: 'inq-pasca' };
        throw new ScenarioError(
          `inq-pasca: expected ${row.outcome === 'success' ? 'success' : `response code ${expectCode} or a bill`}, got ${describe(error)}`,
        );
      }
      if (row.bills !== undefined && inquiry.bills.length !== row.bills) {
        throw new ScenarioError(`inq-pasca: expected ${row.bills} bill(s) in desc, got ${inquiry.bills.length}`);
      }
      try {
        const paid = await payOrSkip(client, inquiry.trId, deps);
        if (row.outcome === 'success' && paid.outcome === 'success') return { operation: 'pay-pasca' };
        if (row.outcome === 'pending' && paid.outcome === 'pending' && paid.responseCode === expectCode) return { operation: 'pay-pasca' };
        throw new ScenarioError(`pay-pasca: expected ${row.outcome} ${expectCode}, got ${paid.outcome} ${paid.responseCode}`);
      } catch (error) {
        if (error instanceof ScenarioError || error instanceof ScenarioSkip) throw error;
        deposit(error, deps);
        if (row.outcome === 'failed' && isBillerkitError(error) && error.code === expectCode) return { operation: 'pay-pasca' };
        throw new ScenarioError(`pay-pasca: expected ${row.outcome} ${expectCode}, got ${describe(error)}`);
      }
    },
  };
}

export function testNumberRows(generation: IakGeneration): IakTestNumber[] {
  return iakTestNumbers.filter((row) => row.generation === generation);
}

function firstRow(generation: IakGeneration, predicate: (row: IakTestNumber) => boolean): IakTestNumber {
  const row = testNumberRows(generation).find(predicate);
  if (!row) throw new Error(`no ${generation} IAK test number matches`);
  return row;
}

function rowOr(generation: IakGeneration, predicate: (row: IakTestNumber) => boolean, fallback: IakTestNumber): IakTestNumber {
  return testNumberRows(generation).find(predicate) ?? fallback;
}

/** End-to-end IAK flows through the real client. They run after the test-number matrix (see the stage). */
export function iakFlows(deps: IakScenarioDeps): { spec: ScenarioSpec; needsControl?: string }[] {
  const success = firstRow(deps.generation, (r) => r.product === 'PLNPOSTPAID' && r.outcome === 'success' && (r.bills ?? 1) === 1);
  const pending = firstRow(deps.generation, (r) => r.product === 'PLNPOSTPAID' && r.outcome === 'pending');
  // The flows run at once, so none pays a number another flow inquires or pays: a provider may remember a
  // paid test number (already paid, rc 01) until it is reset. The stage resets the sandbox before them.
  const unpaidBill = rowOr(deps.generation, (r) => r.outcome === 'success' && r.hp !== success.hp && (r.bills ?? 1) > 1, success);
  const xmlBill = rowOr(
    deps.generation,
    (r) => r.outcome === 'success' && r.hp !== success.hp && r.hp !== unpaidBill.hp && r.bills === 1,
    success,
  );
  return [
    {
      spec: {
        provider: 'iak',
        name: `inquiry → pay → checkstatus → receipt (${success.product} ${success.hp})`,
        operation: 'pay-pasca',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          const refId = deps.nextRefId();
          const inquiry = await client.inquiry({ code: success.product, hp: success.hp, refId });
          const paid = await payOrSkip(client, inquiry.trId, deps);
          if (paid.outcome !== 'success') throw new ScenarioError(`pay-pasca: expected success, got ${paid.outcome}`);
          if (paid.price !== inquiry.price)
            throw new ScenarioError(`pay-pasca: price ${paid.price} differs from the inquiry's ${inquiry.price}`);
          const status = await client.checkStatus({ refId });
          if (status.outcome !== 'success' || status.trId !== inquiry.trId)
            throw new ScenarioError(`checkstatus: expected success for tr_id ${inquiry.trId}, got ${status.outcome} for ${status.trId}`);
          const pdf = await client.receipt({ trId: inquiry.trId });
          if (pdf.kind !== 'pdf') throw new ScenarioError(`download receipt: expected a PDF, got ${pdf.kind}`);
          const data = await client.receipt({ trId: inquiry.trId, format: 'data' });
          if (data.kind !== 'data' || Object.keys(data.lines).length === 0)
            throw new ScenarioError('download receipt as data: no receipt lines');
          return {};
        },
      },
    },
    {
      // Settling needs time or status checks; a real development host settles pending payments by hand.
      needsControl: 'settling a pending payment needs the sandbox clock',
      spec: {
        provider: 'iak',
        name: `pending → settled (${pending.product} ${pending.hp})`,
        operation: 'checkstatus',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          const refId = deps.nextRefId();
          const inquiry = await client.inquiry({ code: pending.product, hp: pending.hp, refId });
          const paid = await payOrSkip(client, inquiry.trId, deps);
          if (paid.outcome !== 'pending') throw new ScenarioError(`pay-pasca: expected pending, got ${paid.outcome}`);
          for (let attempt = 0; attempt < 6; attempt++) {
            const status = await client.checkStatus({ refId });
            if (status.outcome !== 'pending') {
              if (status.outcome !== 'success')
                throw new ScenarioError(`checkstatus: expected the pending payment to settle as success, got ${status.outcome}`);
              return {};
            }
            if (attempt === 2) await deps.control?.advanceClock(10 * 60_000);
          }
          throw new ScenarioError('checkstatus: the pending payment never settled');
        },
      },
    },
    {
      spec: {
        provider: 'iak',
        name: `duplicate ref_id is refused (${unpaidBill.product} ${unpaidBill.hp})`,
        operation: 'inq-pasca',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          const refId = deps.nextRefId();
          await client.inquiry({ code: unpaidBill.product, hp: unpaidBill.hp, refId, ...inquiryExtras(unpaidBill.product) });
          await expectRefusal(
            client.inquiry({ code: unpaidBill.product, hp: unpaidBill.hp, refId, ...inquiryExtras(unpaidBill.product) }),
            'duplicate',
            'second inq-pasca with the same ref_id',
          );
          return {};
        },
      },
    },
    {
      spec: {
        provider: 'iak',
        name: 'wrong sign is refused',
        operation: 'inq-pasca',
        async run(fetch) {
          const client = clientFor(deps, fetch, { apiKey: 'not-the-api-key' });
          await expectRefusal(
            client.inquiry({ code: success.product, hp: success.hp, refId: deps.nextRefId() }),
            'signature',
            'inq-pasca with a wrong sign',
          );
          return {};
        },
      },
    },
    {
      spec: {
        provider: 'iak',
        name: `XML: inquiry → pay (${xmlBill.product} ${xmlBill.hp})`,
        operation: 'pay-pasca',
        async run(fetch) {
          const client = clientFor(deps, fetch, { format: 'xml' });
          const inquiry = await client.inquiry({
            code: xmlBill.product,
            hp: xmlBill.hp,
            refId: deps.nextRefId(),
            ...inquiryExtras(xmlBill.product),
          });
          const paid = await payOrSkip(client, inquiry.trId, deps);
          if (paid.outcome !== 'success') throw new ScenarioError(`pay-pasca (XML): expected success, got ${paid.outcome}`);
          return {};
        },
      },
    },
    {
      spec: {
        provider: 'iak',
        name: 'price list of every type and of type pln',
        operation: 'pricelist-pasca',
        async run(fetch) {
          const client = clientFor(deps, fetch);
          const all = await client.pricelist();
          const pln = await client.pricelist({ type: 'pln' });
          if (all.products.length === 0 || pln.products.length === 0) throw new ScenarioError('pricelist-pasca: an empty price list');
          if (pln.products.some((p) => p.type !== undefined && p.type !== 'pln'))
            throw new ScenarioError('pricelist-pasca pln: a product of another type');
          return {};
        },
      },
    },
  ];
}
