import type { StageRegistry } from '../runner.js';

/**
 * The suite's stages, loaded on first use so that running one stage (`--stage samples`) does not pay for
 * loading Pact's native library or the clients.
 */
export const STAGES: StageRegistry = {
  lint: async (context) => (await import('./lint.js')).lintStage(context),
  samples: async (context) => (await import('./samples.js')).samplesStage(context),
  consumer: async (context) => (await import('./consumer.js')).consumerStage(context),
  verify: async (context) => (await import('./verify.js')).verifyStage(context),
  scenarios: async (context) => (await import('./scenarios.js')).scenariosStage(context),
  corpus: async (context) => (await import('./corpus.js')).corpusStage(context),
  // The mutation stage runs verification and scenarios again behind a drifting proxy, once per drift.
  mutation: async (context) => (await import('../mutation/run.js')).mutationStage(context, STAGES),
};
