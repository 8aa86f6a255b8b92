/**
 * The classifiers bound to the catalogues in `@billerkit/specs`, the single source of result codes.
 */
import { espayErrorCodes, iakResponseCodes, iakStatusValues } from '@billerkit/specs';
import {
  type Classification,
  createEspayClassifier,
  createIakClassifier,
  createIakStatusClassifier,
  type EspayClassifier,
  type IakClassifier,
  type IakStatusClassifier,
} from './outcome.js';

let espay: EspayClassifier | undefined;
let iak: IakClassifier | undefined;
let iakStatus: IakStatusClassifier | undefined;

/**
 * Classifies an Espay `error_code` (string or number; `210` and `"210"` are the same) together with
 * its `error_desc`/`error_message`, whose `descPattern` entries win (e.g. `0000` + `Inproses` is pending).
 */
export function classifyEspay(errorCode: unknown, desc?: string | null): Classification {
  espay ??= createEspayClassifier(espayErrorCodes);
  return espay(errorCode, desc);
}

/** Classifies an IAK `response_code`. */
export function classifyIak(responseCode: unknown): Classification {
  iak ??= createIakClassifier(iakResponseCodes);
  return iak(responseCode);
}

/** Classifies the IAK checkstatus `status` value. */
export function classifyIakStatus(status: unknown): Classification {
  iakStatus ??= createIakStatusClassifier(iakStatusValues);
  return iakStatus(status);
}
