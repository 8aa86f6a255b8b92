import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { branchComponents, closestBranchIssues, dedupe, toIssues, VALID } from './issues.js';
import { AJV_OPTIONS, annotationKeywords, buildSchemaSet } from './schema-set.js';
import type { Profile, Provider, ValidationResult, Validator } from './types.js';

export { formatIssues } from './issues.js';
export { parseFormBody } from './form-body.js';
export type { Profile, Provider, ValidationIssue, ValidationResult, Validator } from './types.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

const documents: Record<Provider, OpenApiDocument> = { espay: espayOpenApi, iak: iakOpenApi };

const instances = new Map<string, { ajv: Ajv2020; id: string }>();
const compiled = new Map<string, Validator>();

function instanceFor(provider: Provider, profile: Profile): { ajv: Ajv2020; id: string } {
  const key = `${provider}:${profile}`;
  let instance = instances.get(key);
  if (!instance) {
    const doc = documents[provider];
    const ajv = new Ajv2020(AJV_OPTIONS);
    addFormats(ajv);
    for (const keyword of annotationKeywords(doc)) ajv.addKeyword({ keyword, schemaType: undefined });
    const id = `https://billerkit.dev/schemas/${provider}/${profile}.json`;
    ajv.addSchema(buildSchemaSet(doc, id, profile));
    instance = { ajv, id };
    instances.set(key, instance);
  }
  return instance;
}

export function componentNames(provider: Provider): string[] {
  return Object.keys(documents[provider].components.schemas);
}

/** The validator of one component schema in one profile, compiled on first use and cached for the process. */
export function getValidator(provider: Provider, component: string, profile: Profile = 'tolerant'): Validator {
  const key = `${provider}:${profile}:${component}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  if (!Object.hasOwn(documents[provider].components.schemas, component)) {
    throw new Error(`@billerkit/validators: ${provider} spec has no component schema "${component}"`);
  }
  const { ajv, id } = instanceFor(provider, profile);
  const validateFn = ajv.getSchema(`${id}#/$defs/${component}`) as ValidateFunction | undefined;
  if (!validateFn) throw new Error(`@billerkit/validators: could not compile ${provider} ${component}`);
  const branches = branchComponents(documents[provider].components.schemas[component]);
  const validator: Validator = (data) => {
    if (validateFn(data)) return VALID;
    const issues = dedupe(toIssues(validateFn.errors ?? []));
    const closest = closestBranchIssues(branches, (branch) => getValidator(provider, branch, profile)(data));
    if (closest) return { valid: false, issues: closest };
    return { valid: false, issues };
  };
  compiled.set(key, validator);
  return validator;
}

export function validate(provider: Provider, component: string, profile: Profile, data: unknown): ValidationResult {
  return getValidator(provider, component, profile)(data);
}
