/**
 * The iak validators for clients: precompiled ajv code, no ajv compiler and no OpenAPI document at run time.
 * Same verdicts and result shape as `getValidator('iak', …)` of the package root.
 */
import { iakPrecompiled } from './generated/iak.js';
import { createValidators, type ProviderValidators } from './precompiled.js';

export type { Profile, ProviderValidators, ValidationIssue, ValidationResult, Validator } from './precompiled.js';

export const iakValidators: ProviderValidators = /* @__PURE__ */ createValidators('iak', iakPrecompiled);
