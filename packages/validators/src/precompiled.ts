/**
 * The validators clients use: ajv standalone code that `scripts/generate.ts` writes into `src/generated/`,
 * compiled at build time from the same schema set as the ajv validators of the package root. A client bundle
 * so carries validation functions and ajv's few run-time helpers, not the ajv compiler or the OpenAPI documents.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { closestBranchIssues, dedupe, toIssues, VALID } from './issues.js';
import type { Profile, Provider, ValidationResult, Validator } from './types.js';

export type { Profile, Provider, ValidationIssue, ValidationResult, Validator } from './types.js';

/** A function of ajv's standalone code: the verdict, and on failure its first error in `errors`. */
export interface PrecompiledFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** A top-level field of a branch that takes only (`in`) or never (`notIn`) these values, e.g. `error_code`. */
export interface BranchKey {
  readonly in?: readonly unknown[];
  readonly notIn?: readonly unknown[];
}

/** One provider's generated code: the functions by profile and component, and each union component's branches. */
export interface PrecompiledSet {
  readonly branches: Readonly<Record<string, readonly string[]>>;
  /** Per branch (strict profile), the fields that tell the branches apart. */
  readonly keys: Readonly<Record<string, Readonly<Record<string, BranchKey>>>>;
  readonly strict: Readonly<Record<string, PrecompiledFunction>>;
  readonly tolerant: Readonly<Record<string, PrecompiledFunction>>;
}

export interface ProviderValidators {
  readonly provider: Provider;
  /** The components precompiled for the clients: each operation's request and answers, and their branches. */
  readonly components: readonly string[];
  /** The validator of one component in one profile; same result shape as the package root's `getValidator`. */
  getValidator(component: string, profile?: Profile): Validator;
  validate(component: string, profile: Profile, data: unknown): ValidationResult;
}

/** How many of a branch's key fields the data contradicts: more means a branch the data did not mean. */
function keyMisses(keys: Readonly<Record<string, BranchKey>> | undefined, data: unknown): number {
  if (!keys || !data || typeof data !== 'object') return 0;
  let misses = 0;
  for (const [field, key] of Object.entries(keys)) {
    if (!Object.hasOwn(data, field)) continue;
    const value = (data as Record<string, unknown>)[field];
    if ((key.in && !key.in.includes(value)) || key.notIn?.includes(value)) misses++;
  }
  return misses;
}

export function createValidators(provider: Provider, set: PrecompiledSet): ProviderValidators {
  const cache = new Map<string, Validator>();
  const components = Object.keys(set.strict);

  function getValidator(component: string, profile: Profile = 'tolerant'): Validator {
    const key = `${profile}:${component}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const table = profile === 'strict' || profile === 'tolerant' ? set[profile] : undefined;
    if (!table)
      throw new TypeError(`@billerkit/validators/${provider}: profile must be 'strict' or 'tolerant', got ${JSON.stringify(profile)}`);
    const fn = Object.hasOwn(table, component) ? table[component] : undefined;
    if (!fn) throw new Error(`@billerkit/validators/${provider}: no precompiled validator for component schema "${component}"`);
    const branches = set.branches[component] ?? [];
    const validator: Validator = (data) => {
      if (fn(data)) return VALID;
      const issues = dedupe(toIssues(fn.errors ?? []));
      // Each branch reports its first error only, which often comes before the field that tells the branches
      // apart (`required` is checked before `properties`); the branch whose key fields the data matches goes
      // first, so it wins the ties that the root, seeing every error, would break with those fields.
      const ordered =
        branches.length < 2 ? branches : [...branches].sort((a, b) => keyMisses(set.keys[a], data) - keyMisses(set.keys[b], data));
      const closest = closestBranchIssues(ordered, (branch) => getValidator(branch, profile)(data));
      return { valid: false, issues: closest ?? issues };
    };
    cache.set(key, validator);
    return validator;
  }

  return {
    provider,
    components,
    getValidator,
    validate: (component, profile, data) => getValidator(component, profile)(data),
  };
}
