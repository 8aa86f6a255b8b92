import type { ProviderHandler, SandboxRequest, SandboxResponse } from './types.js';

/** Result of setting up a named provider state; the values can be injected into Pact interactions. */
export type StateResult = Record<string, unknown>;

/** Thrown by a provider's `setState` for an unknown state or bad params; the server answers 400 with the message. */
export class SandboxStateError extends Error {
  override readonly name = 'SandboxStateError';
}

/** What the server may additionally ask of a provider; the IAK module may implement `setState` or not. */
export interface StatefulProvider extends ProviderHandler {
  setState?(state: string, params: Record<string, unknown>): StateResult | Promise<StateResult>;
}

/** Provider-shaped answers the server builds for requests the provider module never sees or that broke it. */
export interface ProviderShapes {
  bodyTooLarge(request: Pick<SandboxRequest, 'headers' | 'path'>, maxBytes: number): SandboxResponse;
  internalError(request: Pick<SandboxRequest, 'headers' | 'path' | 'body'>): SandboxResponse;
}

/** Which provider a path belongs to, by the providers' own URL layouts. */
export function providerOfPath(path: string): 'espay' | 'iak' | undefined {
  if (path.startsWith('/rest/')) return 'espay';
  if (path.startsWith('/api/')) return 'iak';
  return undefined;
}
