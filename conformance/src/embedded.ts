import { type SandboxOptions, startSandbox } from '@billerkit/sandbox';
import { httpControl, secretsOf, type Target } from './target.js';

/**
 * The default target: the embedded sandbox on a loopback port, deterministic (seeded ids, frozen clock)
 * so that two runs exchange the same messages. IAK's test numbers are stateless, as on IAK's own test host
 * the scenarios are written for (they pay the same numbers more than once). `options` lets a test start it
 * with faults.
 */
export async function embeddedTarget(options: SandboxOptions = {}): Promise<Target> {
  const sandbox = await startSandbox({ deterministic: true, iakStatelessTestNumbers: true, ...options });
  const control = httpControl(sandbox.url);
  const { espay, iak } = sandbox.credentials;
  return {
    description: { kind: 'embedded', espay: sandbox.url, iak: sandbox.url, stateApi: true },
    espay: { baseUrl: sandbox.url, credentials: espay, control },
    iak: { baseUrl: sandbox.url, credentials: iak, control },
    missing: {},
    secrets: secretsOf(espay, iak),
    close: () => sandbox.close(),
  };
}
