export { parseArgs, USAGE, UsageError } from './args.js';
export type { Check, Exchange, Provider, StageId, SuiteResult } from './model.js';
export { STAGE_IDS, STAGE_TITLES } from './model.js';
export { type ConformanceOptions, type ConformanceRun, REPORTS_DIR_NAME, runConformance } from './suite.js';
export { CREDENTIAL_ENV, TargetError } from './target.js';
