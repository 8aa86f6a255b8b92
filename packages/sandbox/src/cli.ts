#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { banner } from './banner.js';
import type { SandboxOptions } from './options.js';
import { startSandbox } from './sandbox.js';

const USAGE = `Usage: billerkit-sandbox [options]

Runs the Espay Biller and IAK postpaid simulator on one local HTTP server.

Options:
  --port <n>                 port to listen on (default: a free one)
  --host <address>           interface to bind (default: 127.0.0.1)
  --deterministic            seeded ids and a frozen clock starting 2025-01-01 10:00 WIB
  --seed <text>              seed for --deterministic (default: billerkit)
  --iak-generation <g>       IAK test numbers: seed (default) or newer
  --iak-stateless            IAK test numbers answer the same every time (no "already paid" after a payment)
  --state-file <path>        keep deposits, payments and used ids in this JSON file across restarts
  --allowed-host <name>      a host name (besides localhost and IP addresses) /__sandbox/ answers under; repeatable
  -h, --help                 show this help
`;

function fail(message: string): never {
  process.stderr.write(`billerkit-sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  // Piped into `head` or a closed terminal: losing the banner must not crash the server.
  process.stdout.on('error', () => {});
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        deterministic: { type: 'boolean' },
        seed: { type: 'string' },
        'iak-generation': { type: 'string' },
        'iak-stateless': { type: 'boolean' },
        'state-file': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values['help']) {
    process.stdout.write(USAGE);
    return;
  }

  const options: SandboxOptions = {};
  if (values['port'] !== undefined) {
    const port = Number(values['port']);
    if (!/^[0-9]{1,5}$/.test(String(values['port'])) || port > 65_535) fail(`--port must be 0-65535, got ${String(values['port'])}`);
    options.port = port;
  }
  if (typeof values['host'] === 'string') options.host = values['host'];
  if (values['seed'] !== undefined && !values['deterministic']) fail('--seed needs --deterministic');
  if (values['deterministic']) options.deterministic = typeof values['seed'] === 'string' ? { seed: values['seed'] } : true;
  const generation = values['iak-generation'] ?? 'seed';
  if (generation !== 'seed' && generation !== 'newer') fail(`--iak-generation must be seed or newer, got ${String(generation)}`);
  options.iakTestNumberGeneration = generation;
  if (values['iak-stateless']) options.iakStatelessTestNumbers = true;
  if (values['state-file'] !== undefined) {
    if (typeof values['state-file'] !== 'string' || values['state-file'] === '') fail('--state-file needs a path');
    options.stateFile = values['state-file'];
  }
  if (Array.isArray(values['allowed-host'])) options.allowedHosts = values['allowed-host'];

  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    process.stderr.write(`billerkit-sandbox: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${banner(sandbox, generation)}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C means "now".
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\nbillerkit-sandbox: ${signal}, stopping\n`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`billerkit-sandbox: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`billerkit-sandbox: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
