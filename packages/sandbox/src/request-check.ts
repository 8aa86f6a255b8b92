import { type Provider, type ValidationResult, validate, validateAsProvider } from '@billerkit/validators';

/**
 * How request bodies are checked. `provider` (the default) is the documented contract plus what the provider
 * itself is evidenced to accept (the spec's `x-provider-accepts`, listed in the README); `strict` is the
 * documented contract alone, so a client that drifts from it is told at once; `tolerant` takes everything
 * the providers' own samples show.
 */
export type RequestProfile = 'provider' | 'strict' | 'tolerant';

export function checkRequest(provider: Provider, component: string, profile: RequestProfile, body: unknown): ValidationResult {
  return profile === 'provider' ? validateAsProvider(provider, component, body) : validate(provider, component, profile, body);
}
