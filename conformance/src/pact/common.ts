import type { BillerInteraction } from '@billerkit/pact';
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

/** Every value a pact file must never contain: the consumer's credentials and the Basic header they make. */
export function consumerSecrets(): string[] {
  const { espay, iak } = CONSUMER_CREDENTIALS;
  const basic = Buffer.from(`${espay.basicAuth.username}:${espay.basicAuth.password}`).toString('base64');
  return [espay.password, espay.signatureKey, espay.basicAuth.password, basic, iak.apiKey];
}

/** One interaction of the suite's own pacts (built with `@billerkit/pact`) and the real client driven against it. */
export interface PactCase<Client> {
  interaction: BillerInteraction;
  /** success, pending, or the failure class. */
  outcome: string;
  /** Client options that differ from {@link CONSUMER_CREDENTIALS} (the wrong-credential interactions). */
  clientOptions?: Record<string, unknown>;
  /** Drives the real client against the mock server and asserts what it made of the answer. */
  exercise(client: Client): Promise<void>;
}
