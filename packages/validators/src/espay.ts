/**
 * The espay validators for clients: precompiled ajv code, no ajv compiler and no OpenAPI document at run time.
 * Same verdicts and result shape as `getValidator('espay', …)` of the package root.
 */
import { espayPrecompiled } from './generated/espay.js';
import { createValidators, type ProviderValidators } from './precompiled.js';

export type { Profile, ProviderValidators, ValidationIssue, ValidationResult, Validator } from './precompiled.js';

export const espayValidators: ProviderValidators = /* @__PURE__ */ createValidators('espay', espayPrecompiled);
