/**
 * Outcome classification from the specs' catalogues. The functions here take the catalogue as an
 * argument so they can be tested with small tables; `catalogues.ts` binds them to `@billerkit/specs`.
 */
import {
  AuthenticationError,
  type BillerkitError,
  type BillerkitErrorOptions,
  DuplicateRequestError,
  type ErrorKind,
  InsufficientBalanceError,
  type Provider,
  ProviderError,
  SignatureError,
  TimeoutError,
  ValidationError,
} from './errors.js';

export type Outcome = 'success' | 'pending' | 'failed';

/** Catalogue kinds as ARCHITECTURE.md fixes them. */
export type CatalogueKind = Exclude<ErrorKind, 'connection' | 'malformed_response' | 'aborted'>;

export interface EspayErrorCodeEntry {
  code: string;
  meaning: string;
  outcome: Outcome | 'retry-after';
  kind: CatalogueKind | null;
  descPattern?: string;
}

export interface IakResponseCodeEntry {
  code: string;
  message: string;
  outcome: Outcome;
  kind: CatalogueKind | null;
}

export interface IakStatusValueEntry {
  status: string | number;
  meaning: string;
  outcome: Outcome;
}

export interface Classification {
  outcome: Outcome;
  /** null for success and pending answers that carry no error kind. */
  kind: CatalogueKind | null;
  /** Seconds until the same transaction may be sent again (catalogue outcome `retry-after`). */
  retryAfter?: number;
  /** The code as normalised for lookup (`210` → `"210"`), null when the answer had none. */
  code: string | null;
  /** Catalogue meaning, or undefined for unknown codes. */
  meaning?: string;
  /** False when the code is not in the catalogue (classified failed/provider). */
  known: boolean;
}

/**
 * Normalises a provider result code: numbers become decimal strings, strings are trimmed,
 * null/undefined/empty become null. Rejects non-integer numbers and other types as null.
 */
export function normaliseCode(code: unknown): string | null {
  if (typeof code === 'number') return Number.isSafeInteger(code) && code >= 0 ? String(code) : null;
  if (typeof code === 'bigint') return code >= 0n ? code.toString() : null;
  if (typeof code === 'string') {
    const trimmed = code.trim();
    return trimmed.length > 0 ? trimmed : null;
  }
  return null;
}

/** Default wait for a `retry-after` code whose text names no duration (Espay 610 says 5 minutes). */
export const DEFAULT_RETRY_AFTER_SECONDS = 300;

/** Reads "5 menit", "5 minutes", "30 detik", "30 seconds" from a provider message. */
export function parseRetryAfter(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const match = /(\d{1,4})\s*(menit|minutes?|mins?|detik|seconds?|secs?|jam|hours?)\b/i.exec(text);
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  if (unit.startsWith('menit') || unit.startsWith('min')) return n * 60;
  if (unit.startsWith('jam') || unit.startsWith('hour')) return n * 3600;
  return n;
}

export type EspayClassifier = (errorCode: unknown, desc?: string | null) => Classification;

/**
 * Builds an Espay classifier over a catalogue. Codes are looked up as the provider sent them (trimmed,
 * numbers as their digits): `0`, `"0"` and `"00"` are not `0000`, and an unknown code is a failure. An entry with `descPattern` that matches the
 * description wins over the plain entry of the same code. Unknown codes are failed/provider.
 */
export function createEspayClassifier(catalogue: readonly EspayErrorCodeEntry[]): EspayClassifier {
  const byCode = new Map<string, { plain?: EspayErrorCodeEntry; patterned: { re: RegExp; entry: EspayErrorCodeEntry }[] }>();
  for (const entry of catalogue) {
    const slot = byCode.get(entry.code) ?? { patterned: [] };
    if (entry.descPattern) slot.patterned.push({ re: new RegExp(entry.descPattern, 'i'), entry });
    else slot.plain ??= entry;
    byCode.set(entry.code, slot);
  }
  return (errorCode, desc) => {
    const code = normaliseCode(errorCode);
    if (code === null) return { outcome: 'failed', kind: 'provider', code: null, known: false };
    const slot = byCode.get(code);
    const entry = slot ? (slot.patterned.find((p) => p.re.test(desc ?? ''))?.entry ?? slot.plain) : undefined;
    if (entry) return fromEntry(entry.outcome, entry.kind, entry.meaning, code, desc);
    return { outcome: 'failed', kind: 'provider', code, known: false };
  };
}

function fromEntry(
  outcome: Outcome | 'retry-after',
  kind: CatalogueKind | null,
  meaning: string,
  code: string,
  desc: string | null | undefined,
): Classification {
  if (outcome === 'retry-after') {
    return {
      outcome: 'failed',
      kind: kind ?? 'throttled',
      retryAfter: parseRetryAfter(desc) ?? parseRetryAfter(meaning) ?? DEFAULT_RETRY_AFTER_SECONDS,
      code,
      meaning,
      known: true,
    };
  }
  return { outcome, kind: outcome === 'failed' ? (kind ?? 'provider') : kind, code, meaning, known: true };
}

export type IakClassifier = (responseCode: unknown) => Classification;

/** Builds an IAK classifier; codes are looked up as sent (`1` is not `"01"`: an unknown code is a failure). */
export function createIakClassifier(catalogue: readonly IakResponseCodeEntry[]): IakClassifier {
  const byCode = new Map<string, IakResponseCodeEntry>();
  for (const entry of catalogue) if (!byCode.has(entry.code)) byCode.set(entry.code, entry);
  return (responseCode) => {
    const code = normaliseCode(responseCode);
    if (code === null) return { outcome: 'failed', kind: 'provider', code: null, known: false };
    const entry = byCode.get(code);
    if (entry) return fromEntry(entry.outcome, entry.kind, entry.message, code, undefined);
    return { outcome: 'failed', kind: 'provider', code, known: false };
  };
}

export type IakStatusClassifier = (status: unknown) => Classification;

/** Classifies the IAK checkstatus `status` field (a number or string in the wild). */
export function createIakStatusClassifier(catalogue: readonly IakStatusValueEntry[]): IakStatusClassifier {
  const byStatus = new Map<string, IakStatusValueEntry>();
  for (const entry of catalogue) {
    const key = normaliseCode(entry.status);
    if (key !== null && !byStatus.has(key)) byStatus.set(key, entry);
  }
  return (status) => {
    const code = normaliseCode(status);
    const entry = code === null ? undefined : byStatus.get(code);
    if (!entry) return { outcome: 'failed', kind: 'provider', code, known: false };
    return { outcome: entry.outcome, kind: entry.outcome === 'failed' ? 'provider' : null, code, meaning: entry.meaning, known: true };
  };
}

export interface OutcomeErrorContext extends Omit<BillerkitErrorOptions, 'message' | 'code' | 'kind'> {
  provider: Provider;
  /** Message; defaults to `<provider> <code>: <providerMessage or meaning>`. */
  message?: string;
}

/**
 * The error a failed classification maps to. Also accepts pending/success classifications
 * (a caller asking for an error anyway) and then returns a ProviderError.
 */
export function errorFromClassification(c: Classification, context: OutcomeErrorContext): BillerkitError {
  const text = context.providerMessage ?? c.meaning ?? (c.known ? '' : 'unknown result code');
  const message = context.message ?? `${context.provider} ${c.code ?? '(no code)'}${text ? `: ${text}` : ''}`;
  const base = { ...context, message, code: c.code };
  switch (c.kind) {
    case 'auth':
      return new AuthenticationError(base);
    case 'signature':
      return new SignatureError(base);
    case 'validation':
      return new ValidationError({
        ...base,
        direction: 'request',
        issues: [{ path: '', keyword: 'provider', message: text || 'rejected by the provider' }],
      });
    case 'duplicate':
      return new DuplicateRequestError(base);
    case 'insufficient_balance':
      return new InsufficientBalanceError(base);
    case 'timeout':
      return new TimeoutError({ ...base, phase: 'provider', limit: 'provider' });
    default:
      return new ProviderError({
        ...base,
        kind: c.kind ?? 'provider',
        ...(c.retryAfter === undefined ? {} : { retryAfter: c.retryAfter }),
      });
  }
}
