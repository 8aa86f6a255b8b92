/** Field names whose documented format is a pattern; a mangled value must be rejected. */
export const PATTERNED_FIELDS = ['rq_datetime', 'signature', 'sign', 'error_code', 'response_code', 'amount', 'commands'] as const;

export interface Mutation {
  name: string;
  field: string;
  kind: 'drop' | 'retype' | 'pattern';
  value: Record<string, unknown>;
}

function retyped(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return { not: 'a number' };
  if (typeof value === 'boolean') return 'not a boolean';
  if (Array.isArray(value)) return 'not an array';
  if (value !== null && typeof value === 'object') return 'not an object';
  return 12345;
}

/**
 * Schema-agnostic mutations of a decoded message: drop each top-level field, give it a wrong JSON type,
 * and mangle the fields with a documented pattern. Nested envelopes (`{ data: {...} }`) are mutated one level down.
 */
export function mutationsOf(data: unknown): Mutation[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const top = data as Record<string, unknown>;
  const mutations: Mutation[] = [];
  const visit = (target: Record<string, unknown>, rebuild: (next: Record<string, unknown>) => Record<string, unknown>, prefix: string) => {
    for (const field of Object.keys(target)) {
      const path = `${prefix}${field}`;
      const without = { ...target };
      delete without[field];
      mutations.push({ name: `drop ${path}`, field: path, kind: 'drop', value: rebuild(without) });
      mutations.push({
        name: `retype ${path}`,
        field: path,
        kind: 'retype',
        value: rebuild({ ...target, [field]: retyped(target[field]) }),
      });
      if ((PATTERNED_FIELDS as readonly string[]).includes(field) && typeof target[field] === 'string') {
        mutations.push({ name: `mangle ${path}`, field: path, kind: 'pattern', value: rebuild({ ...target, [field]: 'not valid !' }) });
      }
    }
  };
  visit(top, (next) => next, '');
  const inner = top['data'];
  if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
    visit(inner as Record<string, unknown>, (next) => ({ ...top, data: next }), 'data.');
  }
  return mutations;
}
