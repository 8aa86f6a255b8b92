/**
 * Provider verification of one pact file, run in its own process. The Pact core prints its verification
 * report straight to file descriptor 1 from native code, which no in-process redirection can catch; the
 * parent keeps the suite's output tidy and reads the structured result this process writes to a file.
 * The verification itself (states, re-signing, verdicts) is `@billerkit/pact`'s `verifyPact`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type EspayCredentials, type IakCredentials, sandboxControl, verifyPact } from '@billerkit/pact';
import type { Provider } from '../model.js';

export interface VerifyJob {
  provider: Provider;
  pactFile: string;
  providerBaseUrl: string;
  credentials: { espay?: EspayCredentials; iak?: IakCredentials };
  /** Origin of the sandbox control API, when the target has one. */
  controlOrigin?: string;
  /** Replace generated ids (targets without provider states). */
  freshIds: boolean;
  resultFile: string;
  /** The verifier's per-answer timeout. */
  timeoutMs?: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(0, 'utf8')) as VerifyJob;
  const result = await verifyPact({
    pactFile: job.pactFile,
    provider: job.provider,
    providerBaseUrl: job.providerBaseUrl,
    credentials: job.credentials,
    ...(job.controlOrigin ? { control: sandboxControl(job.controlOrigin) } : {}),
    freshIds: job.freshIds,
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
  });
  writeFileSync(job.resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`verify-child: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
