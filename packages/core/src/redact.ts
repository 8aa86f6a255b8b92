/**
 * Secret removal for everything billerkit writes out: log lines, error messages, raw bodies.
 *
 * Two layers, because neither is enough alone:
 * - by field name: form fields, query parameters, JSON members, XML elements and HTTP headers
 *   whose name says "secret" (password, api_key, signature_key, signature, sign, Authorization);
 * - by value: every configured secret VALUE is removed wherever it appears, in its plain,
 *   URL-encoded, form-encoded and JSON-escaped spellings, so a password that leaks into an
 *   unexpected field or a provider's error message is still caught.
 */

export const REDACTED = '[REDACTED]';

/** Field names (compared without case, `_` and `-`) whose values are always removed. */
const SENSITIVE_KEYS = new Set([
  'password',
  'passwd',
  'apikey',
  'signaturekey',
  'signature',
  'sign',
  'authorization',
  'proxyauthorization',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'pin',
]);

/** True when a field/header/member name is one whose value must never be written out. */
export function isSensitiveKey(name: string): boolean {
  return SENSITIVE_KEYS.has(name.toLowerCase().replace(/[_-]/g, ''));
}

// Name alternatives for the patterns below: every spelling of the sensitive keys we expect on the wire.
const KEY_ALT =
  'password|passwd|api[_-]?key|apikey|signature[_-]?key|signaturekey|signature|sign|client[_-]?secret|secret|access[_-]?token|token|pin';

/** form bodies and query strings: `password=…` up to the next `&`, whitespace or quote. */
const FORM_FIELD = new RegExp(`(^|[?&;\\s"'])(${KEY_ALT})=([^&\\s"'#]*)`, 'gi');
/** JSON members: `"password": "…"` (escaped quotes handled) or a bare number/literal. */
const JSON_MEMBER = new RegExp(`("(?:${KEY_ALT})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^,}\\]\\s]+)`, 'gi');
/** JSON members whose value was itself JSON-escaped (a JSON string inside a JSON string). */
const ESCAPED_JSON_MEMBER = new RegExp(`(\\\\"(?:${KEY_ALT})\\\\"\\s*:\\s*)(\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"|[^,}\\]\\s\\\\]+)`, 'gi');
/** XML elements: `<sign>…</sign>`. */
const XML_ELEMENT = new RegExp(`<(${KEY_ALT})(\\s[^>]*)?>([^<]*)</\\1\\s*>`, 'gi');
/** Authorization header values and stray credentials: `Basic dXNlcjpwYXNz`, `Bearer …`. */
const AUTH_SCHEME = /\b(Basic|Bearer|Digest)\s+[A-Za-z0-9+/=._~-]{4,}/g;
/** `Authorization: anything` header lines (any scheme). */
const AUTH_HEADER = /\b((?:proxy-)?authorization\s*[:=]\s*)([^\r\n,;}"']+)/gi;
/** Credentials in URLs: `https://user:pass@host`. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]*@/gi;

export interface RedactorOptions {
  /** Secret values to remove wherever they appear (passwords, keys). Empty strings are ignored. */
  secrets?: readonly (string | undefined | null)[];
}

export type Redactor = (text: string) => string;

/** Secret spellings shorter than this are matched as whole words only (see {@link createRedactor}). */
export const SHORT_SECRET_CHARS = 8;

function spellings(secret: string): string[] {
  const out = new Set<string>([secret]);
  out.add(encodeURIComponent(secret));
  out.add(new URLSearchParams({ s: secret }).toString().slice(2));
  out.add(JSON.stringify(secret).slice(1, -1));
  out.add(secret.toUpperCase());
  out.add(Buffer.from(secret, 'utf8').toString('base64'));
  return [...out].filter((s) => s.length > 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Builds a redactor for a fixed set of secret values. The returned function is cheap to call;
 * build it once per client.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const values = new Set<string>();
  for (const secret of options.secrets ?? []) {
    if (typeof secret === 'string' && secret.length > 0) for (const s of spellings(secret)) values.add(s);
  }
  // Longest first, so that a secret containing another secret is removed whole. A short value (a password
  // like `test`) is removed only as a whole word: inside a longer word ("latest") it is not that secret, and
  // cutting it out would garble the text for nothing.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const alternatives = sorted.map((value) =>
    value.length >= SHORT_SECRET_CHARS ? escapeRegExp(value) : `(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`,
  );
  const valuePattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;

  return (text: string): string => {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = text;
    if (valuePattern) out = out.replace(valuePattern, REDACTED);
    out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
    out = out.replace(AUTH_HEADER, `$1${REDACTED}`);
    out = out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
    out = out.replace(FORM_FIELD, `$1$2=${REDACTED}`);
    out = out.replace(JSON_MEMBER, `$1"${REDACTED}"`);
    out = out.replace(ESCAPED_JSON_MEMBER, `$1\\"${REDACTED}\\"`);
    out = out.replace(XML_ELEMENT, `<$1$2>${REDACTED}</$1>`);
    return out;
  };
}

/** One-off redaction; prefer {@link createRedactor} when the same secrets are used repeatedly. */
export function redact(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  return createRedactor({ secrets })(text);
}

/**
 * Deep copy of a log/meta value with sensitive members replaced and every string redacted.
 * Handles plain objects, arrays, Headers, URLSearchParams, Maps, Errors and cycles.
 */
export function redactValue(value: unknown, redactor: Redactor = createRedactor(), seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactor(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redactor, seen));
  if (value instanceof URL) return redactor(value.toString());
  if (value instanceof URLSearchParams) return redactor(value.toString());
  if (value instanceof Headers || value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value as Map<string, unknown>) out[k] = isSensitiveKey(String(k)) ? REDACTED : redactValue(v, redactor, seen);
    return out;
  }
  if (value instanceof Error) {
    return { name: value.name, message: redactor(value.message) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) ? REDACTED : redactValue(v, redactor, seen);
  }
  return out;
}

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
}

/**
 * Wraps a caller's logger so that every message and meta value goes through the redactor.
 * A throwing logger never breaks a request: its errors are swallowed.
 */
export function createSafeLogger(logger: Logger | undefined, redactor: Redactor): Logger {
  return {
    debug(message, meta) {
      if (!logger) return;
      try {
        logger.debug(redactor(message), meta === undefined ? undefined : (redactValue(meta, redactor) as Record<string, unknown>));
      } catch {
        // Logging must never change the outcome of a payment.
      }
    },
  };
}
