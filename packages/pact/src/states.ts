/**
 * The provider states the billerkit sandbox understands, as typed names with parameters, and how a
 * sandbox is brought into each (steps of `POST /__sandbox/state`). A pact names the state and carries
 * its parameters; verification reads both, so an app's own order ids and test numbers flow through.
 */
import type { BillerProvider } from './credentials.js';

export const ESPAY_STATES = {
  testOrder: 'an Espay sandbox test order',
  openInquiry: 'an Espay sandbox test order with an open inquiry',
  usedRqUuid: 'an Espay sandbox test order with an open inquiry and an rq_uuid already used',
  recentlyPaid: 'an Espay sandbox test order paid a moment ago',
  transaction: 'an Espay transaction',
  noTransaction: 'no Espay transaction',
  deposit: 'an Espay merchant deposit',
  registeredProduct: 'an Espay registered product',
} as const;

export const IAK_STATES = {
  testNumber: 'an IAK published test number',
  unpaidInquiry: 'an IAK test number with an unpaid inquiry',
  unpaidInquiryLowBalance: 'an IAK test number with an unpaid inquiry and too little deposit',
  existingInquiry: 'an IAK test number with an inquiry already made',
  payment: 'an IAK test number with a payment',
  noInquiry: 'no IAK inquiry',
  pricelistProduct: 'an IAK product on the price list',
} as const;

export type EspayStateName = (typeof ESPAY_STATES)[keyof typeof ESPAY_STATES];
export type IakStateName = (typeof IAK_STATES)[keyof typeof IAK_STATES];
export type ProviderStateName = EspayStateName | IakStateName;

export interface ProviderState {
  name: ProviderStateName;
  params: Record<string, string>;
}

/** One step of setting a provider state up on a billerkit sandbox. */
export interface SandboxStep {
  provider: BillerProvider;
  state: string;
  params: Record<string, unknown>;
}

export interface StateSetup {
  provider: BillerProvider;
  /** Steps after the provider's reset. */
  steps: SandboxStep[];
  /**
   * True when only a billerkit sandbox can be put in this state (a pre-existing transaction, a used id);
   * false for states a provider's own sandbox is in anyway (its published test data).
   */
  requiresControl: boolean;
}

/** IAK's published test numbers come in generations; the pact names one, and the sandbox is switched to it. */
export type IakGeneration = 'seed' | 'newer';
type TransactionStatus = 'success' | 'pending' | 'failed';

const state = (name: ProviderStateName, params: Record<string, string | undefined>): ProviderState => ({
  name,
  params: Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined)),
});

/** Typed constructors of the Espay states; values are the app's own. */
export const espayStates = {
  testOrder: (p: { orderId: string }) => state(ESPAY_STATES.testOrder, { order_id: p.orderId }),
  openInquiry: (p: { orderId: string; productCode: string }) =>
    state(ESPAY_STATES.openInquiry, { order_id: p.orderId, product_code: p.productCode }),
  usedRqUuid: (p: { orderId: string; productCode: string; rqUuid: string }) =>
    state(ESPAY_STATES.usedRqUuid, { order_id: p.orderId, product_code: p.productCode, rq_uuid: p.rqUuid }),
  recentlyPaid: (p: { orderId: string; productCode: string; amount: string }) =>
    state(ESPAY_STATES.recentlyPaid, { order_id: p.orderId, product_code: p.productCode, amount: p.amount }),
  transaction: (p: { refId: string; orderId: string; productCode: string; amount: string; status: TransactionStatus }) =>
    state(ESPAY_STATES.transaction, {
      ref_id: p.refId,
      order_id: p.orderId,
      product_code: p.productCode,
      amount: p.amount,
      status: p.status,
    }),
  noTransaction: (p: { refId: string }) => state(ESPAY_STATES.noTransaction, { ref_id: p.refId }),
  /** `balanceMinor`: the deposit in sen (two implied decimals), as a string of digits. */
  deposit: (p: { balanceMinor: string }) => state(ESPAY_STATES.deposit, { balance_minor: p.balanceMinor }),
  registeredProduct: (p: { productCode: string }) => state(ESPAY_STATES.registeredProduct, { product_code: p.productCode }),
};

/** Typed constructors of the IAK states; `generation` defaults to `seed`, the sandbox's default. */
export const iakStates = {
  testNumber: (p: { code: string; hp: string; generation?: IakGeneration }) =>
    state(IAK_STATES.testNumber, { code: p.code, hp: p.hp, generation: p.generation ?? 'seed' }),
  unpaidInquiry: (p: { code: string; hp: string; refId: string; trId: string; generation?: IakGeneration }) =>
    state(IAK_STATES.unpaidInquiry, { code: p.code, hp: p.hp, ref_id: p.refId, tr_id: p.trId, generation: p.generation ?? 'seed' }),
  unpaidInquiryLowBalance: (p: { code: string; hp: string; refId: string; trId: string; generation?: IakGeneration }) =>
    state(IAK_STATES.unpaidInquiryLowBalance, {
      code: p.code,
      hp: p.hp,
      ref_id: p.refId,
      tr_id: p.trId,
      generation: p.generation ?? 'seed',
    }),
  existingInquiry: (p: { code: string; hp: string; refId: string; generation?: IakGeneration }) =>
    state(IAK_STATES.existingInquiry, { code: p.code, hp: p.hp, ref_id: p.refId, generation: p.generation ?? 'seed' }),
  payment: (p: { code: string; hp: string; refId: string; trId: string; status: TransactionStatus; generation?: IakGeneration }) =>
    state(IAK_STATES.payment, {
      code: p.code,
      hp: p.hp,
      ref_id: p.refId,
      tr_id: p.trId,
      status: p.status,
      generation: p.generation ?? 'seed',
    }),
  noInquiry: (p: { refId: string }) => state(IAK_STATES.noInquiry, { ref_id: p.refId }),
  pricelistProduct: (p: { code: string }) => state(IAK_STATES.pricelistProduct, { code: p.code }),
};

type Params = Readonly<Record<string, unknown>>;
const text = (params: Params, key: string): string => {
  const value = params[key];
  if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`provider state parameter ${key} is missing`);
  return String(value);
};

const espay = (steps: (p: Params) => SandboxStep[], requiresControl: boolean) => ({ provider: 'espay' as const, steps, requiresControl });
const iak = (steps: (p: Params) => SandboxStep[], requiresControl: boolean) => ({ provider: 'iak' as const, steps, requiresControl });
const espayInquiryStep = (p: Params): SandboxStep => ({
  provider: 'espay',
  state: 'inquiry',
  params: { order_id: text(p, 'order_id'), product_code: text(p, 'product_code') },
});
const generationStep = (p: Params): SandboxStep => ({
  provider: 'iak',
  state: 'generation',
  params: { generation: p['generation'] ?? 'seed' },
});
const iakInquiryStep = (p: Params, withTrId: boolean): SandboxStep => ({
  provider: 'iak',
  state: 'inquiry exists',
  params: { ref_id: text(p, 'ref_id'), hp: text(p, 'hp'), code: text(p, 'code'), ...(withTrId ? { tr_id: text(p, 'tr_id') } : {}) },
});

const SETUPS: Record<ProviderStateName, { provider: BillerProvider; steps: (p: Params) => SandboxStep[]; requiresControl: boolean }> = {
  [ESPAY_STATES.testOrder]: espay(() => [], false),
  [ESPAY_STATES.openInquiry]: espay((p) => [espayInquiryStep(p)], true),
  [ESPAY_STATES.usedRqUuid]: espay(
    (p) => [espayInquiryStep(p), { provider: 'espay', state: 'rq-uuid-used', params: { rq_uuid: text(p, 'rq_uuid') } }],
    true,
  ),
  [ESPAY_STATES.recentlyPaid]: espay(
    (p) => [
      espayInquiryStep(p),
      {
        provider: 'espay',
        state: 'transaction',
        params: {
          ref_id: 'TXPACTRECENT',
          order_id: text(p, 'order_id'),
          product_code: text(p, 'product_code'),
          amount: text(p, 'amount'),
          status: 'success',
        },
      },
    ],
    true,
  ),
  [ESPAY_STATES.transaction]: espay((p) => {
    const status = text(p, 'status');
    const params = {
      ref_id: text(p, 'ref_id'),
      order_id: text(p, 'order_id'),
      product_code: text(p, 'product_code'),
      amount: text(p, 'amount'),
      status,
    };
    return [{ provider: 'espay', state: 'transaction', params: { ...params, settleTo: status === 'failed' ? 'failed' : 'success' } }];
  }, true),
  [ESPAY_STATES.noTransaction]: espay(() => [], false),
  [ESPAY_STATES.deposit]: espay(
    (p) => [{ provider: 'espay', state: 'balance', params: { balanceMinor: text(p, 'balance_minor') } }],
    false,
  ),
  [ESPAY_STATES.registeredProduct]: espay(() => [], false),
  [IAK_STATES.testNumber]: iak((p) => [generationStep(p)], false),
  [IAK_STATES.unpaidInquiry]: iak((p) => [generationStep(p), iakInquiryStep(p, true)], true),
  [IAK_STATES.unpaidInquiryLowBalance]: iak(
    (p) => [generationStep(p), iakInquiryStep(p, true), { provider: 'iak', state: 'insufficient balance', params: {} }],
    true,
  ),
  [IAK_STATES.existingInquiry]: iak((p) => [generationStep(p), iakInquiryStep(p, false)], true),
  [IAK_STATES.payment]: iak(
    (p) => [
      generationStep(p),
      {
        provider: 'iak',
        state: 'payment exists',
        params: { ref_id: text(p, 'ref_id'), hp: text(p, 'hp'), code: text(p, 'code'), tr_id: text(p, 'tr_id'), status: text(p, 'status') },
      },
    ],
    true,
  ),
  [IAK_STATES.noInquiry]: iak((p) => [{ provider: 'iak', state: 'no transaction', params: { ref_id: text(p, 'ref_id') } }], false),
  [IAK_STATES.pricelistProduct]: iak(() => [], false),
};

export function isProviderStateName(name: string): name is ProviderStateName {
  return Object.hasOwn(SETUPS, name);
}

/** How a billerkit sandbox reaches a state named in a pact, or undefined for a name it does not know. */
export function stateSetup(name: string, params: Params = {}): StateSetup | undefined {
  if (!isProviderStateName(name)) return undefined;
  const setup = SETUPS[name];
  return { provider: setup.provider, steps: setup.steps(params), requiresControl: setup.requiresControl };
}

/** Whether a state can only be reached on a billerkit sandbox (no parameters needed to say). */
export function stateRequiresControl(name: ProviderStateName): boolean {
  return SETUPS[name].requiresControl;
}
