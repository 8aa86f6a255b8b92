/** The IAK provider's named states (`setState`, Pact provider states): checked first, then applied. */
import { SandboxStateError, type StateResult } from '../provider.js';
import { buildBill, type IakInquiryExtras } from './bills.js';
import { IAK_RC } from './codes.js';
import { rupiah } from './money.js';
import { findProduct, type IakProduct } from './products.js';
import type { IakRecord, IakStore } from './store.js';
import type { IakGeneration, IakTestNumbers } from './test-numbers.js';

/** Names accepted by the IAK provider's `setState` (Pact provider states), with what each expects. */
export const IAK_PROVIDER_STATES: ReadonlyArray<{ name: string; params: string; effect: string }> = [
  { name: 'reset', params: '{}', effect: 'forget every inquiry and payment, balance back to the initial deposit' },
  { name: 'balance', params: '{ balanceMinor: "<sen, digit string>" }', effect: 'set the deposit balance' },
  { name: 'insufficient balance', params: '{}', effect: 'deposit balance 0, so every pay-pasca answers rc 17' },
  { name: 'generation', params: '{ generation: "seed" | "newer" }', effect: 'switch the active test-number generation' },
  {
    name: 'inquiry exists',
    params: '{ ref_id, hp?, code?, tr_id? }',
    effect: 'record a successful, unpaid inquiry (default: the 1-bill PLN test number of the active generation); returns tr_id',
  },
  {
    name: 'payment exists',
    params: '{ ref_id, hp?, code?, tr_id?, status?: "success" | "pending" | "failed" }',
    effect: 'record an inquiry and its payment in that status (no balance taken); returns tr_id',
  },
  {
    name: 'no transaction',
    params: '{ ref_id }',
    effect: 'forget whatever the sandbox holds for that ref_id (checkstatus answers "not found")',
  },
];

/** IAK's tr_id: a positive integer (as a digit string on the wire). */
export const TR_ID = /^[1-9][0-9]{0,14}$/;

export interface IakStateDeps {
  store: IakStore;
  table: IakTestNumbers;
  generation(): IakGeneration;
  setGeneration(generation: IakGeneration): void;
  /** The provider's own reset (state and generation). */
  reset(): void;
}

/** `setState(name, params)` over one provider's store. */
export function createIakStates(deps: IakStateDeps): (state: string, params?: Record<string, unknown>) => StateResult {
  const { store, table } = deps;
  return (state: string, params: Record<string, unknown> = {}): StateResult => {
    const text = (name: string): string | undefined => {
      const value = params[name];
      if (value === undefined) return undefined;
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      throw new SandboxStateError(`iak state "${state}": ${name} must be a string`);
    };
    switch (state) {
      case 'reset':
        deps.reset();
        return {};
      case 'balance': {
        const value = params['balanceMinor'];
        const balance =
          typeof value === 'bigint' ? value : typeof value === 'string' && /^[0-9]{1,30}$/.test(value) ? BigInt(value) : undefined;
        if (balance === undefined || balance < 0n)
          throw new SandboxStateError('iak state "balance": balanceMinor must be a non-negative digit string (sen)');
        store.balance = balance;
        return { balanceMinor: balance.toString() };
      }
      case 'insufficient balance':
        store.balance = 0n;
        return { balanceMinor: '0' };
      case 'generation': {
        const value = params['generation'];
        if (value !== 'seed' && value !== 'newer')
          throw new SandboxStateError('iak state "generation": generation must be "seed" or "newer"');
        deps.setGeneration(value);
        return { generation: value };
      }
      case 'no transaction': {
        const refId = text('ref_id');
        if (refId === undefined) throw new SandboxStateError('iak state "no transaction": ref_id is required');
        const record = store.byRef(refId);
        if (record) store.remove(record);
        return { ref_id: refId };
      }
      case 'inquiry exists':
      case 'payment exists': {
        const refId = text('ref_id');
        if (refId === undefined || refId === '') throw new SandboxStateError(`iak state "${state}": ref_id is required`);
        const defaultScenario = table.all.find(
          (s) => s.generation === deps.generation() && s.product === 'PLNPOSTPAID' && s.failsAt === null && s.bills === 1,
        );
        const code = text('code') ?? defaultScenario?.product ?? 'PLNPOSTPAID';
        const hp = text('hp') ?? defaultScenario?.hp ?? '';
        const product = findProduct(code);
        if (!product) throw new SandboxStateError(`iak state "${state}": unknown product code ${JSON.stringify(code)}`);
        const scenario = table.lookup(deps.generation(), code, hp);
        if (!scenario || scenario.failsAt === 'inquiry') {
          throw new SandboxStateError(
            `iak state "${state}": ${code} ${hp} is no test number whose inquiry succeeds in the ${deps.generation()} generation`,
          );
        }
        const trIdText = text('tr_id');
        if (trIdText !== undefined && !TR_ID.test(trIdText))
          throw new SandboxStateError(`iak state "${state}": tr_id must be a positive integer`);
        const wantedTrId = trIdText === undefined ? undefined : Number(trIdText);
        const status = params['status'] ?? 'success';
        if (state === 'payment exists' && status !== 'success' && status !== 'pending' && status !== 'failed') {
          throw new SandboxStateError('iak state "payment exists": status must be "success", "pending" or "failed"');
        }
        // Everything is checked above: from here on the state changes.
        for (const existing of [store.byRef(refId), wantedTrId === undefined ? undefined : store.byTr(wantedTrId)]) {
          if (existing) store.remove(existing);
        }
        const now = store.now();
        const record: IakRecord = {
          trId: wantedTrId ?? store.nextTrId(),
          refId,
          hp,
          product,
          bill: buildBill(product, hp, scenario.bills, defaultExtras(product)),
          scenario,
          inquiredAt: now,
        };
        if (state === 'payment exists' && (status === 'success' || status === 'pending' || status === 'failed')) {
          record.payment = {
            status,
            responseCode: status === 'success' ? IAK_RC.success : status === 'pending' ? IAK_RC.pending : IAK_RC.paymentFailed,
            settleTo: 'success',
            paidAt: now,
            updatedAt: now,
            noref: status === 'failed' ? '' : store.nextNoref(),
            checks: 0,
            held: 0n,
          };
        }
        store.add(record);
        return { tr_id: record.trId, ref_id: refId, code, hp };
      }
      default:
        throw new SandboxStateError(
          `iak: unknown provider state ${JSON.stringify(state)}; known: ${IAK_PROVIDER_STATES.map((s) => s.name).join(', ')}`,
        );
    }
  };
}

function defaultExtras(product: IakProduct): IakInquiryExtras {
  const extras: IakInquiryExtras = {};
  if (product.extras.includes('year')) extras.year = '2019';
  if (product.extras.includes('nomor_identitas')) extras.nomorIdentitas = '0212502110170100';
  if (product.extras.includes('desc.amount')) extras.amount = rupiah(100000);
  return extras;
}
