export {
  ESPAY_SIGNATURE_FIELDS,
  type EspayService,
  type EspaySignatureFields,
  espayJoinHash,
  espaySignature,
  verifyEspaySignature,
} from './espay.js';
export { IAK_SIGN_EXTRA, type IakSignExtraLiteral, iakSign, verifyIakSign } from './iak.js';
export {
  type EspayOperationId,
  type EspayOperationRow,
  espayOperationOfPath,
  espayOperationTable,
  IAK_RECEIPT_PATH,
  type IakCommand,
  type IakCommandRow,
  type IakSignInput,
  iakCommandTable,
  iakSignInputOf,
} from './operations.js';
