/**
 * Provider verification of one pact file against a billerkit sandbox (or a provider's own sandbox):
 * provider states set up through the sandbox control API, every request rebuilt and re-signed for the
 * target (see `resign.ts` for the pact-js form-body problem), and a verdict per interaction that names
 * the interaction and the field that differed.
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import type { BillerProvider } from './credentials.js';
import { type RecordedExchange, type RecordedRequest, type RecordedResponse, recordExchange } from './recording.js';
import { type ProxyRequest, type ResignOptions, resigningRequestFilter } from './resign.js';
import type { SandboxControl } from './sandbox-control.js';
import { isProviderStateName, stateSetup } from './states.js';

export interface PactInteractionJson {
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
  request?: { method?: string; path?: string };
}

export interface VerifyPactOptions {
  pactFile: string;
  /** Which provider the pact is about: its states are reset before each interaction. */
  provider: BillerProvider;
  providerBaseUrl: string;
  /** The target's credentials, put into every replayed request. */
  credentials: Omit<ResignOptions, 'freshId'>;
  /** The sandbox control API; without it provider states are not set up (a provider's own sandbox). */
  control?: SandboxControl;
  /** Replace generated ids (`rq_uuid`, IAK inquiry `ref_id`) with fresh ones: for hosts that remember earlier runs. */
  freshIds?: boolean;
  /** How long each answer may take before the interaction fails (the verifier's request timeout); 30 s by default. */
  timeoutMs?: number;
  /** Pact core log level; `error` by default. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

export interface InteractionVerdict {
  description: string;
  passed: boolean;
  /** Why it failed, one line per mismatch, each naming the field. */
  mismatches: string[];
  exchanges: RecordedExchange[];
}

export interface PactVerification {
  passed: boolean;
  interactions: InteractionVerdict[];
  /** Why the verifier could not run at all (as opposed to interactions failing). */
  error?: string;
}

interface CoreMismatch {
  type?: string;
  path?: string;
  key?: string;
  mismatch?: string;
}

interface CoreReport {
  interactionResults?: { description: string; result: string }[];
  errors?: { interaction: string; mismatch?: { type?: string; message?: string; mismatches?: CoreMismatch[] } }[];
}

function describeMismatch(m: CoreMismatch): string {
  const where = m.path ?? (m.key ? `header ${m.key}` : m.type === 'StatusMismatch' ? 'status' : '');
  return `${where ? `${where}: ` : ''}${m.mismatch ?? JSON.stringify(m)}`;
}

/** Unknown state names fail their interaction up front, with the names the sandbox does know in the docs. */
function unknownStates(interaction: PactInteractionJson): string[] {
  return (interaction.providerStates ?? []).map((s) => s.name).filter((name) => !isProviderStateName(name));
}

async function runVerifier(
  options: VerifyPactOptions,
  pactFile: string,
  slots: RecordedExchange[][],
): Promise<{ report?: CoreReport; error?: string }> {
  let counter = 0;
  const runId = Date.now().toString(36).toUpperCase();
  const filter = resigningRequestFilter({
    ...options.credentials,
    ...(options.freshIds ? { freshId: () => `BKV${runId}${String(++counter).padStart(4, '0')}` } : {}),
  });
  const stateHandlers: Record<string, (params?: unknown) => Promise<undefined>> = {};
  const names = new Set(
    (JSON.parse(readFileSync(pactFile, 'utf8')) as { interactions: PactInteractionJson[] }).interactions.flatMap((i) =>
      (i.providerStates ?? []).map((s) => s.name),
    ),
  );
  for (const name of names) {
    stateHandlers[name] = async (params) => {
      slots.push([]);
      const setup = stateSetup(name, (params ?? {}) as Record<string, unknown>);
      if (!options.control || !setup) return undefined;
      // Every interaction starts from a clean provider; only this provider is reset, so the other
      // provider's pact can be verified against the same sandbox at the same time.
      await options.control.setState(options.provider, 'reset');
      for (const step of setup.steps) await options.control.setState(step.provider, step.state, step.params);
      return undefined;
    };
  }
  const recordingFilter = (req: ProxyRequest & RecordedRequest, res: RecordedResponse, next: () => void) => {
    filter(req, res, () => {
      const slot = slots[slots.length - 1];
      if (slot && req.path !== '/_pactSetup' && req.path !== '/_messages') recordExchange(req, res, slot);
      next();
    });
  };
  try {
    const output = await new Verifier({
      providerBaseUrl: options.providerBaseUrl,
      pactUrls: [pactFile],
      logLevel: options.logLevel ?? 'error',
      stateHandlers,
      requestFilter: recordingFilter as never,
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    }).verifyProvider();
    return { report: JSON.parse(String(output)) as CoreReport };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      return { report: JSON.parse(message) as CoreReport };
    } catch {
      return { error: message };
    }
  }
}

/** Verifies one pact file; never throws for failing interactions (see {@link PactVerification}). */
export async function verifyPact(options: VerifyPactOptions): Promise<PactVerification> {
  process.env['PACT_DO_NOT_TRACK'] ??= 'true';
  const pact = JSON.parse(readFileSync(options.pactFile, 'utf8')) as { interactions: PactInteractionJson[] } & Record<string, unknown>;
  const verdicts = new Map<PactInteractionJson, InteractionVerdict>();
  const runnable: PactInteractionJson[] = [];
  for (const interaction of pact.interactions) {
    const unknown = unknownStates(interaction);
    if (unknown.length === 0) runnable.push(interaction);
    else {
      const why = `provider state "${unknown.join('", "')}" is not one the billerkit sandbox knows (see ESPAY_STATES and IAK_STATES)`;
      verdicts.set(interaction, { description: interaction.description, passed: false, mismatches: [why], exchanges: [] });
    }
  }
  let error: string | undefined;
  if (runnable.length > 0) {
    // The verifier reads a file: write one holding only the interactions it can set up.
    const work = mkdtempSync(join(tmpdir(), 'billerkit-pact-verify-'));
    try {
      const file = join(work, 'pact.json');
      writeFileSync(file, JSON.stringify({ ...pact, interactions: runnable }));
      const slots: RecordedExchange[][] = [];
      const run = await runVerifier(options, file, slots);
      error = run.error;
      const results = new Map((run.report?.interactionResults ?? []).map((r) => [r.description, r]));
      runnable.forEach((interaction, index) => {
        const result = results.get(interaction.description);
        const errors = (run.report?.errors ?? []).filter((e) => e.interaction.endsWith(` - ${interaction.description}`));
        const mismatches = errors.flatMap((e) =>
          (e.mismatch?.mismatches ?? []).map(describeMismatch).concat(e.mismatch?.message ? [e.mismatch.message] : []),
        );
        const passed = result?.result === 'OK' && errors.length === 0;
        if (!passed && mismatches.length === 0)
          mismatches.push(result ? `verifier result ${result.result}` : (run.error ?? 'no result reported'));
        verdicts.set(interaction, { description: interaction.description, passed, mismatches, exchanges: slots[index] ?? [] });
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const interactions = pact.interactions.map((interaction) => verdicts.get(interaction) as InteractionVerdict);
  return { passed: error === undefined && interactions.every((v) => v.passed), interactions, ...(error !== undefined ? { error } : {}) };
}

/** A pact did not verify; the message names every failing interaction and what differed. */
export class PactVerificationError extends Error {
  override readonly name = 'PactVerificationError';
  constructor(
    readonly pactFile: string,
    readonly verification: PactVerification,
  ) {
    const failed = verification.interactions.filter((v) => !v.passed);
    const lines = failed.map((v) => `- "${v.description}"\n${v.mismatches.map((m) => `    ${m}`).join('\n')}`);
    super(
      `${pactFile}: ${failed.length} interaction(s) not honoured by the provider${verification.error ? ` (${verification.error})` : ''}\n${lines.join('\n')}`,
    );
  }
}
