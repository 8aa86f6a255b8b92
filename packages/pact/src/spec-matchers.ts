/**
 * Pact matchers derived from the spec's components. Every example is first validated against its
 * component (ajv, strict profile unless told otherwise), so a spec change that an example or a matcher
 * no longer satisfies fails while the consumer test is being written, naming the field; then each leaf
 * becomes a matcher from its schema: a `pattern` becomes a regex matcher, numbers become integer or
 * decimal matchers, other strings match by type. Keys named in `exact` are matched by value.
 */
import { espayOpenApi, iakOpenApi } from '@billerkit/specs';
import { type Profile, validate } from '@billerkit/validators';
import { MatchersV3 } from '@pact-foundation/pact';
import type { BillerProvider } from './credentials.js';

type Schema = Record<string, unknown>;

const DOCUMENTS = { espay: espayOpenApi, iak: iakOpenApi } as const;
const COMPONENT_REF = '#/components/schemas/';

/** An example value breaks the spec, or names a component the spec does not have. */
export class PactSpecError extends Error {
  override readonly name = 'PactSpecError';
}

export interface SpecMatcherOptions {
  /** Dotted paths (`order_id`, `data.phone_no`) matched by exact value instead of by their schema. */
  exact?: readonly string[];
  /** Profile the example must satisfy; strict (the documented contract) by default. */
  profile?: Profile;
}

const isObject = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

function componentSchema(provider: BillerProvider, component: string): Schema {
  const schema = DOCUMENTS[provider].components.schemas[component];
  if (!schema) throw new PactSpecError(`${provider}: the spec has no component ${component}`);
  return schema;
}

function refName(schema: Schema): string | undefined {
  const ref = schema['$ref'];
  return typeof ref === 'string' && ref.startsWith(COMPONENT_REF) ? ref.slice(COMPONENT_REF.length) : undefined;
}

/** Follows `$ref`s to the schema they name. */
function resolved(provider: BillerProvider, schema: unknown): Schema {
  let current: Schema = isObject(schema) ? schema : {};
  for (let name = refName(current); name !== undefined; name = refName(current)) current = componentSchema(provider, name);
  return current;
}

/** The branch of a `oneOf`/`anyOf` this value takes: a referenced component it validates against, else the first whose required keys it has. */
function branchOf(provider: BillerProvider, branches: unknown[], value: unknown, profile: Profile): Schema | undefined {
  for (const branch of branches) {
    const name = isObject(branch) ? refName(branch) : undefined;
    if (name !== undefined && validate(provider, name, profile, value).valid) return resolved(provider, branch);
  }
  return branches
    .map((branch) => resolved(provider, branch))
    .find(
      (branch) =>
        !Array.isArray(branch['required']) ||
        (isObject(value) && branch['required'].every((key) => typeof key === 'string' && key in value)),
    );
}

/** Property schemas of an object schema, through `allOf` and the `oneOf`/`anyOf` branch the value takes. */
function propertiesOf(provider: BillerProvider, schema: Schema, value: unknown, profile: Profile): Record<string, unknown> {
  const own = isObject(schema['properties']) ? schema['properties'] : {};
  const parts: Schema[] = [];
  if (Array.isArray(schema['allOf'])) parts.push(...schema['allOf'].map((part) => resolved(provider, part)));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      const branch = branchOf(provider, branches, value, profile);
      if (branch) parts.push(branch);
    }
  }
  return Object.assign({}, ...parts.map((part) => propertiesOf(provider, part, value, profile)), own);
}

function typesOf(schema: Schema): string[] {
  const type = schema['type'];
  return Array.isArray(type) ? type.map(String) : typeof type === 'string' ? [type] : [];
}

function leafMatcher(schema: Schema, value: string | number | boolean, path: string): unknown {
  if (schema['const'] !== undefined || (Array.isArray(schema['enum']) && schema['enum'].length === 1)) return value;
  if (typeof value === 'number')
    return Number.isInteger(value) && !typesOf(schema).includes('number') ? MatchersV3.integer(value) : MatchersV3.number(value);
  if (typeof value === 'boolean') return MatchersV3.boolean(value);
  const pattern = schema['pattern'];
  if (typeof pattern === 'string') {
    if (!new RegExp(pattern, 'u').test(value))
      throw new PactSpecError(`${path}: example ${JSON.stringify(value)} does not match the spec's pattern ${pattern}`);
    return MatchersV3.regex(pattern, value);
  }
  return MatchersV3.like(value);
}

interface Walk {
  provider: BillerProvider;
  exact: ReadonlySet<string>;
  profile: Profile;
}

function derive(walk: Walk, schemaIn: unknown, value: unknown, path: string): unknown {
  if (walk.exact.has(path)) return value;
  const schema = resolved(walk.provider, schemaIn);
  if (Array.isArray(value)) {
    if (value.length === 0) return value;
    return MatchersV3.eachLike(derive(walk, schema['items'], value[0], `${path}[]`));
  }
  if (isObject(value)) {
    const properties = propertiesOf(walk.provider, schema, value, walk.profile);
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, derive(walk, properties[key], item, path === '' ? key : `${path}.${key}`)]),
    );
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return leafMatcher(schema, value, path || '(root)');
  return value;
}

/**
 * Matchers for `example` as an instance of `component`. Throws {@link PactSpecError} when the example
 * breaks the component, with every issue ajv found.
 */
export function specMatchers(provider: BillerProvider, component: string, example: unknown, options: SpecMatcherOptions = {}): unknown {
  const profile = options.profile ?? 'strict';
  componentSchema(provider, component);
  const result = validate(provider, component, profile, example);
  if (!result.valid) {
    const issues = result.issues.map((issue) => `${issue.path || '/'} ${issue.message}`).join('; ');
    throw new PactSpecError(`${provider} ${component} (${profile}): the example breaks the spec: ${issues}`);
  }
  return derive({ provider, exact: new Set(options.exact ?? []), profile }, componentSchema(provider, component), example, '');
}

/** The schema of a dotted path inside a component (for XML leaves, whose values are all text). */
export function schemaAt(provider: BillerProvider, component: string, path: readonly string[], example: unknown): Schema {
  let schema = resolved(provider, componentSchema(provider, component));
  let value = example;
  for (const key of path) {
    schema = resolved(provider, propertiesOf(provider, schema, value, 'tolerant')[key]);
    value = isObject(value) ? value[key] : undefined;
  }
  return schema;
}
