export * from './iak-xml.js';
export { applyMergePatch } from './merge-patch.js';
export { type IakCommandSchemas, iakCommands, espayOperations, iakOperations, type OperationSchemas } from './operations.js';
export {
  componentNames,
  formatIssues,
  getValidator,
  parseFormBody,
  type Profile,
  type Provider,
  type ValidationIssue,
  type ValidationResult,
  type Validator,
  validate,
} from './validators.js';
