/**
 * The classifiers bound to the catalogues in `@billerkit/specs`, the single source of result codes.
 * The per-provider catalogue modules are plain data a bundler inlines, and an Espay-only bundle keeps only
 * the Espay one (the package root would read every JSON file from disk at import).
 */
import { espayErrorCodes } from '@billerkit/specs/catalogues/espay';
import { iakResponseCodes, iakStatusValues } from '@billerkit/specs/catalogues/iak';
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
