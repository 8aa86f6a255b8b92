export * from './iak-xml.js';
export { applyMergePatch } from './merge-patch.js';
export { type IakCommandSchemas, iakCommands, espayOperations, iakOperations, type OperationSchemas } from './operations.js';
// Straight from their own modules, so that a bundle importing only these does not reach the ajv validators.
export { parseFormBody } from './form-body.js';
export { formatIssues } from './issues.js';
export {
  allProviderAcceptances,
  type ProviderAcceptance,
  type ProviderVerdict,
  providerAcceptances,
  validateAsProvider,
} from './provider-accepts.js';
export type { PrecompiledFunction, PrecompiledSet, ProviderValidators } from './precompiled.js';
export {
  componentNames,
  getValidator,
  type Profile,
  type Provider,
  type ValidationIssue,
  type ValidationResult,
  type Validator,
  validate,
} from './validators.js';
