import type { PactV3, V3Request, V3Response } from '@pact-foundation/pact';
import type { BillerProvider } from './credentials.js';
import type { ProviderState } from './states.js';

/** One interaction as the builders make it: add it to a PactV3 with {@link addInteraction}. */
export interface BillerInteraction {
  provider: BillerProvider;
  /** The spec's operationId, or the IAK command. */
  operation: string;
  description: string;
  state: ProviderState;
  request: V3Request;
  response: V3Response;
  /** A binary answer (the PDF receipt), matched by content type. */
  binaryResponse?: { contentType: string; file: string };
}

/** `given` → `uponReceiving` → `withRequest` → `willRespondWith` (or the binary file) on a PactV3. */
export function addInteraction(pact: PactV3, interaction: BillerInteraction): PactV3 {
  const builder = pact
    .given(interaction.state.name, interaction.state.params)
    .uponReceiving(interaction.description)
    .withRequest(interaction.request);
  if (interaction.binaryResponse) {
    return builder.withResponseBinaryFile(interaction.response, interaction.binaryResponse.contentType, interaction.binaryResponse.file);
  }
  return builder.willRespondWith(interaction.response);
}
