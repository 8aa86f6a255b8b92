export { type ClockOption, DETERMINISTIC_EPOCH } from './clock.js';
export {
  DEFAULT_CREDENTIALS,
  type EspaySandboxCredentials,
  type IakSandboxCredentials,
  type SandboxCredentials,
  type SandboxCredentialsOverride,
} from './credentials.js';
export {
  createEspayProvider,
  ESPAY_ANSWER_CODES,
  ESPAY_OPERATIONS,
  ESPAY_STATES,
  ESPAY_TEST_ORDERS,
  type EspayAnswerCode,
  type EspayProvider,
  type EspayProviderOptions,
  type EspayTestOrder,
  espayTestOrder,
} from './espay/index.js';
export {
  FAULT_HEADER,
  type Fault,
  type FaultChance,
  type FaultInput,
  type FaultKind,
  type FaultPlan,
  type FaultRequestInfo,
  type FaultRule,
} from './faults.js';
export { INSPECTION_ROUTES } from './inspection.js';
export type { RequestProfile } from './request-check.js';
export { SandboxStateError, type StatefulProvider, type StateResult } from './provider.js';
export type { SandboxLogger, SandboxOptions } from './options.js';
export { type Sandbox, type SandboxStats, startSandbox } from './sandbox.js';
export type {
  IdSource,
  ProviderContext,
  ProviderHandler,
  SandboxClock,
  SandboxRequest,
  SandboxResponse,
  SandboxTransaction,
} from './types.js';
