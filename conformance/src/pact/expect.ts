import { isBillerkitError } from '@billerkit/core';

/** A client outcome assertion failed; the message says what the client made of the answer. */
export class ClientExpectationError extends Error {
  override readonly name = 'ClientExpectationError';
}

export function expectEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) {
    throw new ClientExpectationError(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

/**
 * The call must fail with a billerkit error carrying this provider code (and kind, when given). Anything
 * else (success, a plain Error, another code) is a client defect worth naming.
 */
export async function expectRejection(
  call: Promise<unknown>,
  expected: { code?: string; kind?: string; httpStatus?: number },
  what: string,
): Promise<void> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    if (!isBillerkitError(error)) {
      throw new ClientExpectationError(
        `${what}: expected a billerkit error, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
    if (expected.code !== undefined && error.code !== expected.code) {
      throw new ClientExpectationError(`${what}: expected error code ${expected.code}, got ${error.code} (${error.name})`);
    }
    if (expected.kind !== undefined && error.kind !== expected.kind) {
      throw new ClientExpectationError(`${what}: expected error kind ${expected.kind}, got ${error.kind} (${error.name})`);
    }
    if (expected.httpStatus !== undefined && error.httpStatus !== expected.httpStatus) {
      throw new ClientExpectationError(`${what}: expected HTTP ${expected.httpStatus}, got ${error.httpStatus}`);
    }
    return;
  }
  const outcome =
    result !== null && typeof result === 'object' && 'outcome' in result ? String((result as { outcome: unknown }).outcome) : typeof result;
  throw new ClientExpectationError(
    `${what}: expected the call to fail${expected.code ? ` with code ${expected.code}` : ''}, but it returned (outcome ${outcome})`,
  );
}

/**
 * An answer the client may report either way: as a thrown error, or as a result with outcome `failed`
 * (a status lookup whose code the catalogue does not know). Either must carry the provider's code.
 */
export async function expectFailedOrRejected(
  call: Promise<{ outcome: string; errorCode: string }>,
  code: string,
  what: string,
): Promise<void> {
  let result: { outcome: string; errorCode: string };
  try {
    result = await call;
  } catch (error) {
    if (isBillerkitError(error) && error.code === code) return;
    throw new ClientExpectationError(
      `${what}: expected code ${code}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  if (result.outcome !== 'failed' || result.errorCode !== code) {
    throw new ClientExpectationError(
      `${what}: expected a failed result with code ${code}, got outcome ${result.outcome} and code ${result.errorCode}`,
    );
  }
}
