import { readFileSync } from 'node:fs';
import { espayOperationOfPath } from '@billerkit/signing';
import { type SandboxOptions, startSandbox } from '@billerkit/sandbox';
import type { BillerProvider } from './credentials.js';
import { sandboxControl } from './sandbox-control.js';
import { type PactInteractionJson, type PactVerification, PactVerificationError, verifyPact } from './verify.js';

export interface VerifyWithSandboxOptions {
  /** Pact files written by the consumer tests (one per provider, or several). */
  pactFiles: readonly string[];
  /** Options of the embedded sandbox; it starts deterministic (seeded ids, frozen clock) unless told otherwise. */
  sandbox?: SandboxOptions;
}

/** Espay when the pact's requests go to Espay paths, IAK otherwise (the two APIs share no path). */
export function providerOfPact(pactFile: string): BillerProvider {
  const pact = JSON.parse(readFileSync(pactFile, 'utf8')) as { interactions?: PactInteractionJson[] };
  const paths = (pact.interactions ?? []).map((i) => i.request?.path ?? '');
  return paths.some((path) => espayOperationOfPath(path) !== undefined) ? 'espay' : 'iak';
}

/**
 * One call: starts the embedded sandbox, verifies every pact file against it (states set up, requests
 * re-signed with the sandbox's credentials), stops the sandbox. Throws {@link PactVerificationError},
 * naming each failing interaction and field, unless every interaction was honoured.
 */
export async function verifyWithSandbox(options: VerifyWithSandboxOptions): Promise<PactVerification[]> {
  const sandbox = await startSandbox({ deterministic: true, ...options.sandbox });
  try {
    const control = sandboxControl(sandbox.url);
    const results: PactVerification[] = [];
    for (const pactFile of options.pactFiles) {
      const verification = await verifyPact({
        pactFile,
        provider: providerOfPact(pactFile),
        providerBaseUrl: sandbox.url,
        credentials: sandbox.credentials,
        control,
      });
      if (!verification.passed) throw new PactVerificationError(pactFile, verification);
      results.push(verification);
    }
    return results;
  } finally {
    await sandbox.close();
  }
}
