import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEspayClient, type EspayClient, type EspayClientOptions } from '@billerkit/espay';
import { createIakClient, type IakClient, type IakClientOptions } from '@billerkit/iak';
import { espayValidators } from '@billerkit/validators/espay';
import { iakValidators } from '@billerkit/validators/iak';
import { addInteraction } from '@billerkit/pact';
import { PactV3, SpecificationVersion } from '@pact-foundation/pact';
import type { Check, Provider } from '../model.js';
import { CONSUMER_CREDENTIALS, consumerSecrets, FROZEN_NOW, PACTICIPANTS, type PactCase, pactFileName } from '../pact/common.js';
import { espayCases } from '../pact/espay-cases.js';
import { iakCases } from '../pact/iak-cases.js';
import type { StageContext, StageOutcome } from '../runner.js';

export interface ConsumerOptions {
  /** Where this run writes its pact files; a fresh temporary folder by default (Pact merges into existing files). */
  pactDir?: string;
  /** After a fully passing run the pact files are copied here; the CLI passes conformance/pacts. */
  publishDir?: string;
  /** Builds the Espay client under test; tests pass a wrongly configured one to see the stage fail. */
  espayClient?: (options: EspayClientOptions) => EspayClient;
  iakClient?: (options: IakClientOptions) => IakClient;
  providers?: readonly Provider[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes from the Pact core
const ANSI = /\u001b\[[0-9;]*m/g;

/** Pact's mismatch report, trimmed of colour codes and blank lines, so a report shows the field that differed. */
function mismatchText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line.trim() !== '')
    .join('\n');
}

interface MockServerState {
  mockServerMatchedSuccessfully(port: number): boolean;
  mockServerMismatches(port: number): { type?: string }[];
}

/**
 * Waits (at most a second) until the mock server's own bookkeeping has caught up with a request it
 * already answered. The Pact core records a match after sending the response, and under CPU load
 * executeTest can read its state first and report "expected but not received" for a request the
 * client demonstrably got an answer to (pact-js#1835, pact-reference#535, open). Real mismatches
 * (a wrong path or body) show up as other mismatch types and are reported at once.
 */
async function settleMockServer(pact: PactV3, port: number): Promise<void> {
  const state = (pact as unknown as { pact?: MockServerState }).pact;
  if (!state || typeof state.mockServerMatchedSuccessfully !== 'function') return;
  for (let waited = 0; waited < 1000; waited += 10) {
    if (state.mockServerMatchedSuccessfully(port)) return;
    const mismatches = state.mockServerMismatches(port);
    if (mismatches.some((m) => m.type !== 'missing-request')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function merged<T extends object>(base: T, extra: Record<string, unknown> | undefined): T {
  return { ...base, ...(extra ?? {}) } as T;
}

/**
 * Runs one case: the real client against Pact's mock server. A client exception is kept aside rather than
 * thrown inside the test, so that when the request did not match the contract the report shows Pact's
 * mismatch (which names the field) instead of the client's reaction to the mock server's 500.
 */
async function runCase<C>(
  pact: PactV3,
  testCase: PactCase<C>,
  makeClient: (baseUrl: string, extra?: Record<string, unknown>) => C,
): Promise<Check> {
  const started = performance.now();
  const { interaction } = testCase;
  const name = `${interaction.operation}: ${interaction.description}`;
  const base = { name, provider: interaction.provider, operation: interaction.operation };
  let clientError: unknown;
  try {
    addInteraction(pact, interaction);
    await pact.executeTest(async (mockServer) => {
      try {
        await testCase.exercise(makeClient(mockServer.url, testCase.clientOptions));
      } catch (error) {
        clientError = error;
      }
      await settleMockServer(pact, mockServer.port);
    });
  } catch (error) {
    const client =
      clientError === undefined
        ? ''
        : `\nthe client reported: ${clientError instanceof Error ? `${clientError.name}: ${clientError.message}` : String(clientError)}`;
    return {
      ...base,
      status: 'failed',
      durationMs: performance.now() - started,
      message: `${interaction.provider} ${interaction.operation} (${testCase.outcome}): the request did not match the contract\n${mismatchText(error)}${client}`,
    };
  }
  if (clientError !== undefined) {
    const why = clientError instanceof Error ? `${clientError.name}: ${clientError.message}` : String(clientError);
    return {
      ...base,
      status: 'failed',
      durationMs: performance.now() - started,
      message: `${interaction.provider} ${interaction.operation} (${testCase.outcome}): ${why}`,
    };
  }
  return { ...base, status: 'passed', durationMs: performance.now() - started };
}

/** A pact file must hold no credential: not the consumer's, not the target's, not the Basic header they make. */
export function scanForSecrets(file: string, secrets: readonly string[]): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    const spellings = new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
    ]);
    if ([...spellings].some((spelling) => text.includes(spelling))) found.push(`${secret.slice(0, 2)}…(${secret.length} chars)`);
  }
  return found;
}

/**
 * Stage 3: Pact consumer tests of both clients. Each case is one interaction; the pact files are written
 * to a fresh folder, scanned for secrets, and copied to the publish folder only when everything passed.
 */
export async function consumerStage(context: StageContext<ConsumerOptions | undefined>): Promise<StageOutcome> {
  // Pact's core reports anonymous usage unless told not to; a test run must not phone home.
  process.env['PACT_DO_NOT_TRACK'] = 'true';
  const options = context.options ?? {};
  const dir = options.pactDir ?? mkdtempSync(join(tmpdir(), 'billerkit-pacts-'));
  mkdirSync(dir, { recursive: true });
  const providers = options.providers ?? (['espay', 'iak'] as const);
  const checks: Check[] = [];
  const report = (check: Check) => {
    checks.push(check);
    context.report(check);
  };

  const espayFactory = options.espayClient ?? createEspayClient;
  const iakFactory = options.iakClient ?? createIakClient;
  const makeEspay = (baseUrl: string, extra?: Record<string, unknown>) =>
    espayFactory(
      merged(
        {
          baseUrl,
          validators: espayValidators,
          ...CONSUMER_CREDENTIALS.espay,
          basicAuth: { ...CONSUMER_CREDENTIALS.espay.basicAuth },
          now: () => FROZEN_NOW,
          retry: { maxRetries: 0 },
        },
        extra,
      ),
    );
  const makeIak = (baseUrl: string, extra?: Record<string, unknown>) =>
    iakFactory(merged({ baseUrl, validators: iakValidators, ...CONSUMER_CREDENTIALS.iak, retry: { maxRetries: 0 } }, extra));

  const files: string[] = [];
  for (const provider of providers) {
    const pact = new PactV3({
      consumer: PACTICIPANTS[provider].consumer,
      provider: PACTICIPANTS[provider].provider,
      dir,
      spec: SpecificationVersion.SPECIFICATION_VERSION_V3,
      logLevel: 'error',
    });
    if (provider === 'espay') {
      for (const testCase of espayCases()) report(await runCase(pact, testCase, makeEspay));
    } else {
      for (const testCase of iakCases()) report(await runCase(pact, testCase, makeIak));
    }
    const file = join(dir, pactFileName(provider));
    if (existsSync(file)) files.push(file);
    const leaks = existsSync(file) ? scanForSecrets(file, [...consumerSecrets(), ...context.target.secrets]) : [];
    report({
      name: `${pactFileName(provider)} holds no credential`,
      provider,
      status: existsSync(file) && leaks.length === 0 ? 'passed' : 'failed',
      ...(existsSync(file)
        ? leaks.length
          ? { message: `secret values found in the pact file: ${leaks.join(', ')}` }
          : {}
        : { message: 'no pact file was written' }),
    });
  }

  context.shared.pactDir = dir;
  context.shared.pactFiles = files;
  const notes = [`pact files written to ${dir}`];
  const passed = checks.every((check) => check.status === 'passed');
  if (options.publishDir && passed && files.length > 0) {
    mkdirSync(options.publishDir, { recursive: true });
    for (const file of files) copyFileSync(file, join(options.publishDir, file.slice(dir.length + 1)));
    notes.push(`published to ${options.publishDir}`);
  } else if (options.publishDir && !passed) {
    notes.push(`not published to ${options.publishDir}: a consumer check failed`);
  }
  return { checks: [], notes };
}
