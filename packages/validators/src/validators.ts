import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildSchemaSet, extensionKeywords, type Profile, type Provider } from './schema-set.js';

export type { Profile, Provider } from './schema-set.js';

export interface ValidationIssue {
  /** JSON Pointer of the offending value; for a missing property, the pointer the property would have. */
  path: string;
  message: string;
  keyword: string;
  /** Where in the (referenced) schema the failing keyword sits. */
  schemaPath?: string;
  /** For a component that is a oneOf/anyOf of other components: the one this data came closest to. */
  branch?: string;
}

export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
}

export type Validator = (data: unknown) => ValidationResult;

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

const documents: Record<Provider, OpenApiDocument> = { espay: espayOpenApi, iak: iakOpenApi };
const OPENAPI_ANNOTATIONS = ['xml', 'externalDocs', 'example'];

const instances = new Map<string, { ajv: Ajv2020; id: string }>();
const compiled = new Map<string, Validator>();

function instanceFor(provider: Provider, profile: Profile): { ajv: Ajv2020; id: string } {
  const key = `${provider}:${profile}`;
  let instance = instances.get(key);
  if (!instance) {
    const doc = documents[provider];
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, discriminator: true, strictRequired: false });
    addFormats(ajv);
    for (const keyword of [...OPENAPI_ANNOTATIONS, ...extensionKeywords(doc)]) ajv.addKeyword({ keyword, schemaType: undefined });
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
    if (validateFn(data)) return { valid: true, issues: [] };
    const issues = dedupe(toIssues(validateFn.errors ?? []));
    // ajv reports every branch of a oneOf at once; the branch that came closest is what a person needs to read.
    if (branches.length > 1) {
      const closest = branches
        .map((branch) => ({ branch, result: getValidator(provider, branch, profile)(data) }))
        .sort((a, b) => discriminatorMisses(a.result.issues) - discriminatorMisses(b.result.issues) || a.result.issues.length - b.result.issues.length)[0];
      if (closest && closest.result.issues.length > 0) {
        return { valid: false, issues: closest.result.issues.map((issue) => ({ ...issue, branch: issue.branch ?? closest.branch })) };
      }
    }
    return { valid: false, issues };
  };
  compiled.set(key, validator);
  return validator;
}

export function validate(provider: Provider, component: string, profile: Profile, data: unknown): ValidationResult {
  return getValidator(provider, component, profile)(data);
}

const COMPONENT_REF = '#/components/schemas/';

function branchComponents(schema: Record<string, unknown> | undefined): string[] {
  const list = schema?.['oneOf'] ?? schema?.['anyOf'];
  if (!Array.isArray(list)) return [];
  const names = list.map((item) => (item && typeof item === 'object' ? (item as { $ref?: unknown }).$ref : undefined));
  if (!names.every((ref): ref is string => typeof ref === 'string' && ref.startsWith(COMPONENT_REF))) return [];
  return names.map((ref) => ref.slice(COMPONENT_REF.length));
}

// A branch that fails a const/enum/not (e.g. error_code "0000" on the error branch) is the wrong branch,
// however few other issues it has; one that only fails deeper fields is the one the data meant to be.
const DISCRIMINATING = new Set(['const', 'enum', 'not', 'discriminator']);
function discriminatorMisses(issues: readonly ValidationIssue[]): number {
  return issues.filter((issue) => DISCRIMINATING.has(issue.keyword)).length;
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toIssues(errors: ErrorObject[]): ValidationIssue[] {
  return errors.map((error) => {
    const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
    const base = { keyword: error.keyword, schemaPath: error.schemaPath };
    if (error.keyword === 'required' && params.missingProperty !== undefined) {
      return { ...base, path: `${error.instancePath}/${params.missingProperty}`, message: 'is required' };
    }
    const extra = params.additionalProperty ?? params.unevaluatedProperty;
    if (extra !== undefined) return { ...base, path: `${error.instancePath}/${extra}`, message: 'is not a documented field' };
    return { ...base, path: error.instancePath || '/', message: error.message ?? error.keyword };
  });
}

/** One line per issue, naming the field: `/amount must match pattern "^[0-9]+$"`. */
export function formatIssues(issues: readonly ValidationIssue[], max = 6): string {
  const branch = issues.find((issue) => issue.branch)?.branch;
  const shown = issues.slice(0, max).map((issue) => `${issue.path} ${issue.message}`);
  if (issues.length > max) shown.push(`(+${issues.length - max} more)`);
  const text = shown.join('; ');
  return branch ? `${text} (closest match: ${branch})` : text;
}

/** Form bodies as the providers read them: URLSearchParams decoding, every value a string, the last of a repeated name wins. */
export function parseFormBody(raw: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (name === '') continue;
    fields[name] = value;
  }
  return fields;
}
