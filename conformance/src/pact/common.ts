import type { V3Request, V3Response } from '@pact-foundation/pact';
import type { Provider } from '../model.js';

/** Pacticipant names: one consumer per client, one provider per API. */
export const PACTICIPANTS = {
  espay: { consumer: 'billerkit-espay-client', provider: 'espay-biller' },
  iak: { consumer: 'billerkit-iak-client', provider: 'iak-postpaid' },
} as const satisfies Record<Provider, { consumer: string; provider: string }>;

export function pactFileName(provider: Provider): string {
  return `${PACTICIPANTS[provider].consumer}-${PACTICIPANTS[provider].provider}.json`;
}

/**
 * The consumer tests run at one frozen instant, so every `rq_datetime` the client writes (and therefore
 * every pact file) is the same on every run: 2025-01-01 10:00:00 WIB, the sandbox's deterministic epoch.
 */
export const FROZEN_NOW = new Date('2025-01-01T03:00:00.000Z');
export const FROZEN_RQ_DATETIME = '2025-01-01 10:00:00';

/**
 * Credentials the clients use against the Pact mock server. They are nobody's real credentials, and
 * still the suite treats them as secrets: the pact files are scanned for every one of them.
 */
export const CONSUMER_CREDENTIALS = {
  espay: {
    senderId: 'SANDBOX',
    password: 'pact-consumer-password',
    signatureKey: 'pact-consumer-signature-key',
    basicAuth: { username: 'espay-test', password: 'pact-consumer-basic-password' },
  },
  iak: { username: '081234567890', apiKey: 'pact-consumer-iak-api-key' },
} as const;

/**
 * What the pact files hold instead of credential-derived values. A request filter in the verification
 * stage replaces exactly these placeholders with the target's credentials and a fresh signature;
 * interactions about wrong credentials carry other values, which pass through untouched.
 */
export const PLACEHOLDERS = {
  espayPassword: 'espay-password-placeholder',
  espaySignature: '0'.repeat(64),
  espayBasic: `Basic ${Buffer.from('espay-test:basic-password-placeholder').toString('base64')}`,
  iakSign: '0'.repeat(32),
  /** Example values of the "wrong credentials" interactions: well-formed, and wrong for every key. */
  wrongEspaySignature: 'f'.repeat(64),
  wrongEspayBasic: `Basic ${Buffer.from('espay-test:wrong-basic-password').toString('base64')}`,
  wrongIakSign: 'f'.repeat(32),
} as const;

/** Every value a pact file must never contain: the consumer's credentials and the Basic header they make. */
export function consumerSecrets(): string[] {
  const { espay, iak } = CONSUMER_CREDENTIALS;
  const basic = Buffer.from(`${espay.basicAuth.username}:${espay.basicAuth.password}`).toString('base64');
  return [espay.password, espay.signatureKey, espay.basicAuth.password, basic, iak.apiKey];
}

/** One step of setting a provider state up on a sandbox (`POST /__sandbox/state`). */
export interface SandboxStep {
  provider: Provider;
  state: string;
  params: Record<string, unknown>;
}

/**
 * A provider state as the pact names it (after the sandbox's test orders and test numbers) plus how a
 * sandbox is brought into it. Every state first resets the sandbox so interactions never see each other.
 */
export interface PactState {
  name: string;
  params: Record<string, string>;
  /** Sandbox steps after the reset. */
  setup: SandboxStep[];
  /**
   * True when the state cannot be reached without the sandbox control API (a pre-existing transaction,
   * a used rq_uuid). False for states a real provider sandbox is in anyway (its published test numbers).
   */
  requiresControl: boolean;
}

export interface PactCase<Client> {
  provider: Provider;
  /** The spec's operationId, or the IAK command for `/api/v1/bill/check`. */
  operation: string;
  /** success, pending, or the failure class. */
  outcome: string;
  description: string;
  state: PactState;
  request: V3Request;
  response: V3Response;
  /** Response body given as a binary example file (the PDF receipt); matched by content type. */
  responseBinaryFile?: { contentType: string; file: string };
  /** Client options that differ from {@link CONSUMER_CREDENTIALS} (the wrong-credential interactions). */
  clientOptions?: Record<string, unknown>;
  /** Drives the real client against the mock server and asserts what it made of the answer. */
  exercise(client: Client): Promise<void>;
}

export const RQ_DATETIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$';
export const DIGITS_PATTERN = '^[0-9]+$';
