/**
 * Issue handling shared by the ajv validators compiled at run time (`validators.ts`) and the precompiled
 * ones (`precompiled.ts`), so both word issues and name the closest oneOf/anyOf branch the same way.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ValidationIssue, ValidationResult } from './types.js';

/** Shared by every passing validation (frozen, so no caller can change another's result). */
export const VALID: ValidationResult = Object.freeze({ valid: true, issues: Object.freeze([]) as unknown as ValidationResult['issues'] });

/** ajv errors as issues: the path names the field, also for a missing or an undocumented one. */
export function toIssues(errors: readonly ErrorObject[]): ValidationIssue[] {
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

const COMPONENT_REF = '#/components/schemas/';
const DEFS_REF = '#/$defs/';

/** The component names of a schema that is a oneOf/anyOf of component refs only (OpenAPI or `$defs` form), else []. */
export function branchComponents(schema: unknown): string[] {
  const node = schema as { oneOf?: unknown; anyOf?: unknown } | undefined;
  const list = node?.oneOf ?? node?.anyOf;
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const item of list) {
    const ref = item && typeof item === 'object' ? (item as { $ref?: unknown }).$ref : undefined;
    if (typeof ref !== 'string') return [];
    if (ref.startsWith(COMPONENT_REF)) names.push(ref.slice(COMPONENT_REF.length));
    else if (ref.startsWith(DEFS_REF)) names.push(ref.slice(DEFS_REF.length));
    else return [];
  }
  return names;
}

// A branch that fails a const/enum/not (e.g. error_code "0000" on the error branch) is the wrong branch,
// however few other issues it has; one that only fails deeper fields is the one the data meant to be.
const DISCRIMINATING = new Set(['const', 'enum', 'not', 'discriminator']);
function discriminatorMisses(issues: readonly ValidationIssue[]): number {
  return issues.filter((issue) => DISCRIMINATING.has(issue.keyword)).length;
}

/**
 * ajv reports every branch of a oneOf at once; the branch that came closest is what a person needs to read.
 * Returns that branch's issues tagged with its name, or undefined when no branch explains the failure.
 */
export function closestBranchIssues(branches: readonly string[], run: (branch: string) => ValidationResult): ValidationIssue[] | undefined {
  if (branches.length < 2) return undefined;
  const closest = branches
    .map((branch) => ({ branch, result: run(branch) }))
    .sort(
      (a, b) =>
        discriminatorMisses(a.result.issues) - discriminatorMisses(b.result.issues) || a.result.issues.length - b.result.issues.length,
    )[0];
  if (!closest || closest.result.issues.length === 0) return undefined;
  return closest.result.issues.map((issue) => ({ ...issue, branch: issue.branch ?? closest.branch }));
}

export function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
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
