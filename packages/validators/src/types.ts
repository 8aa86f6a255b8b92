export type Provider = 'espay' | 'iak';
export type Profile = 'strict' | 'tolerant';

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
