import type { Provider, StageId, SuiteResult } from '../model.js';

export interface OperationRow {
  provider: Provider;
  operation: string;
  /** Passed / failed / skipped counts per stage that touched this operation. */
  stages: Partial<Record<StageId, { passed: number; failed: number; skipped: number }>>;
}

/** Per-operation view across stages: which operations a stage exercised and how they fared. */
export function operationRows(result: SuiteResult): OperationRow[] {
  const rows = new Map<string, OperationRow>();
  for (const stage of result.stages) {
    for (const check of stage.checks) {
      if (!check.provider || !check.operation) continue;
      const key = `${check.provider} ${check.operation}`;
      let row = rows.get(key);
      if (!row) {
        row = { provider: check.provider, operation: check.operation, stages: {} };
        rows.set(key, row);
      }
      const cell = row.stages[stage.id] ?? { passed: 0, failed: 0, skipped: 0 };
      row.stages[stage.id] = cell;
      cell[check.status]++;
    }
  }
  return [...rows.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.operation.localeCompare(b.operation));
}
