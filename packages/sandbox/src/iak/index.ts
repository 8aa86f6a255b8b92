/**
 * IAK postpaid provider of the embedded sandbox: `/api/v1/bill/check` (inq-pasca, pay-pasca, checkstatus,
 * pricelist-pasca; JSON or `<mp>` XML), typed price lists and receipts, with IAK's documented test numbers.
 * See README.md in this folder for the test-number table and the response codes chosen where IAK is silent.
 */
export {
  createIakProvider,
  IAK_SANDBOX_DEFAULT_CREDENTIALS,
  type IakContext,
  type IakProvider,
  type IakProviderOptions,
  iakTestNumberTable,
} from './handler.js';
export { IAK_PROVIDER_STATES } from './states.js';
export { IAK_PRICELIST_TYPES, IAK_PRODUCTS, type IakFamily, type IakProduct } from './products.js';
export type { IakGeneration, IakScenario, IakTestNumberRow } from './test-numbers.js';
