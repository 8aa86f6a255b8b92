export { type BillerProvider, credentialSecrets, type EspayCredentials, type IakCredentials, PLACEHOLDERS } from './credentials.js';
export {
  EXAMPLE_ESPAY_DATETIME,
  type EspayAnswerOptions,
  type EspayBillData,
  type EspayInteractionInput,
  type EspayRequestOptions,
  espayAnswer,
  espayAnswers,
  espayInteraction,
  espayRequest,
  espayUnauthorized,
} from './espay.js';
export {
  type IakAnswerOptions,
  type IakFormat,
  type IakInteractionInput,
  type IakRequestOptions,
  iakAnswer,
  iakAnswers,
  iakInteraction,
  iakReceiptData,
  iakReceiptInteraction,
  iakRequest,
} from './iak.js';
export { addInteraction, type BillerInteraction } from './interaction.js';
export type { RecordedExchange } from './recording.js';
export {
  type HeaderRecord,
  mediaTypeOf,
  type ProxyRequest,
  type ResignOptions,
  resignEspayForm,
  resignIakJson,
  resignIakXml,
  resigningRequestFilter,
} from './resign.js';
export { type SandboxControl, sandboxControl } from './sandbox-control.js';
export { PactSpecError, type SpecMatcherOptions, specMatchers } from './spec-matchers.js';
export {
  ESPAY_STATES,
  type EspayStateName,
  espayStates,
  IAK_STATES,
  type IakGeneration,
  type IakStateName,
  iakStates,
  isProviderStateName,
  type ProviderState,
  type ProviderStateName,
  type SandboxStep,
  type StateSetup,
  stateRequiresControl,
  stateSetup,
} from './states.js';
export {
  type InteractionVerdict,
  type PactInteractionJson,
  type PactVerification,
  PactVerificationError,
  type VerifyPactOptions,
  verifyPact,
} from './verify.js';
export { providerOfPact, type VerifyWithSandboxOptions, verifyWithSandbox } from './with-sandbox.js';
