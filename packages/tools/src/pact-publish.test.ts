import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, main, pactConsumers, pactFiles, planPactPublish, resolveGitInfo } from './pact-publish.js';
import { TOOLS_BIN, TOOLS_DIR } from './repo.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const TOKEN = 'pb-token-7f3a9c1e5d';
const CONSUMERS = ['billerkit-iak-client', 'billerkit-espay-client'];

describe('planPactPublish', () => {
  const git = { sha: SHA, branch: 'main' };

  it('plans nothing without a broker, so forks and local runs keep the pacts as artifacts', () => {
    for (const env of [{}, { PACT_BROKER_BASE_URL: '', PACT_BROKER_TOKEN: '' }, { PACT_BROKER_BASE_URL: '  ', PACT_BROKER_TOKEN: ' ' }]) {
      const plan = planPactPublish({ env, git, pactsDir: 'conformance/pacts', consumers: CONSUMERS });
      expect(plan.mode).toBe('artifacts');
      expect(plan.commands).toEqual([]);
    }
  });

  it('publishes once, then asks can-i-deploy for every consumer, with the token nowhere in argv', () => {
    const plan = planPactPublish({
      env: { PACT_BROKER_BASE_URL: 'https://billerkit.pactflow.io/', PACT_BROKER_TOKEN: TOKEN },
      git: { sha: SHA, branch: 'refs/heads/feature/x' },
      pactsDir: 'conformance/pacts',
      consumers: [...CONSUMERS, 'billerkit-espay-client'],
    });
    expect(plan).toEqual({
      mode: 'broker',
      broker: 'https://billerkit.pactflow.io',
      secrets: [TOKEN],
      commands: [
        ['pact-broker', 'publish', 'conformance/pacts', '--consumer-app-version', SHA, '--branch', 'feature/x'],
        ['pact-broker', 'can-i-deploy', '--pacticipant', 'billerkit-espay-client', '--version', SHA, '--to-environment', 'production'],
        ['pact-broker', 'can-i-deploy', '--pacticipant', 'billerkit-iak-client', '--version', SHA, '--to-environment', 'production'],
      ],
    });
    expect(JSON.stringify(plan.commands)).not.toContain(TOKEN);
    expect(JSON.stringify(plan.commands)).not.toContain('pactflow.io');
  });

  it('strips credentials in the broker URL from what it prints and masks them in output', () => {
    const plan = planPactPublish({
      env: {
        PACT_BROKER_BASE_URL: 'https://ci:pa%24%24word@broker.example.com',
        PACT_BROKER_TOKEN: TOKEN,
        PACT_BROKER_PASSWORD: 'basic-pass-123',
      },
      git,
      pactsDir: 'p',
      consumers: CONSUMERS,
      environment: 'staging',
    });
    if (plan.mode !== 'broker') throw new Error('expected a broker plan');
    expect(plan.broker).toBe('https://broker.example.com');
    expect(plan.secrets).toEqual([TOKEN, 'basic-pass-123', 'pa%24%24word', 'pa$$word']);
    expect(plan.commands[1]?.at(-1)).toBe('staging');
  });

  it('refuses half a configuration instead of silently skipping, without echoing the token', () => {
    const onlyToken = () => planPactPublish({ env: { PACT_BROKER_TOKEN: TOKEN }, git, pactsDir: 'p', consumers: CONSUMERS });
    expect(onlyToken).toThrow(/PACT_BROKER_BASE_URL is not/);
    try {
      onlyToken();
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN);
    }
    expect(() => planPactPublish({ env: { PACT_BROKER_BASE_URL: 'https://b.example' }, git, pactsDir: 'p', consumers: CONSUMERS })).toThrow(
      /PACT_BROKER_TOKEN is not/,
    );
  });

  it('rejects a broker URL that is not http(s), a version that is not a sha, a detached HEAD and no consumers', () => {
    const env = { PACT_BROKER_BASE_URL: 'https://b.example', PACT_BROKER_TOKEN: TOKEN };
    const plan = (overrides: Partial<Parameters<typeof planPactPublish>[0]>) => () =>
      planPactPublish({ env, git, pactsDir: 'p', consumers: CONSUMERS, ...overrides });
    expect(plan({ env: { ...env, PACT_BROKER_BASE_URL: 'ftp://b.example' } })).toThrow(/http\(s\)/);
    expect(plan({ env: { ...env, PACT_BROKER_BASE_URL: 'not a url' } })).toThrow(/not a URL/);
    expect(plan({ git: { sha: 'v1.2.3', branch: 'main' } })).toThrow(/git commit sha/);
    expect(plan({ git: { sha: SHA, branch: 'HEAD' } })).toThrow(/detached HEAD/);
    expect(plan({ consumers: [] })).toThrow(/no pact files/);
    expect(plan({ consumers: ['has space'] })).toThrow(/pacticipant name/);
  });
});

describe('resolveGitInfo', () => {
  const noGit = {
    head: () => {
      throw new Error('git must not be asked');
    },
    branch: () => {
      throw new Error('git must not be asked');
    },
  };

  it('uses the pull request head commit and branch, not the merge commit', () => {
    const env = { PACT_CONSUMER_VERSION: SHA, GITHUB_SHA: 'f'.repeat(40), GITHUB_HEAD_REF: 'feature/x', GITHUB_REF_NAME: '12/merge' };
    expect(resolveGitInfo(env, noGit)).toEqual({ sha: SHA, branch: 'feature/x' });
  });

  it('uses GITHUB_SHA and GITHUB_REF_NAME on a push (GITHUB_HEAD_REF is empty there)', () => {
    expect(resolveGitInfo({ GITHUB_SHA: SHA, GITHUB_HEAD_REF: '', GITHUB_REF_NAME: 'main' }, noGit)).toEqual({ sha: SHA, branch: 'main' });
  });

  it('falls back to git outside CI', () => {
    expect(resolveGitInfo({}, { head: () => SHA, branch: () => 'dev' })).toEqual({ sha: SHA, branch: 'dev' });
  });
});

/** A stand-in Pact Broker on loopback, speaking just enough HAL for publish and can-i-deploy. */
interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

describe('the CLI', () => {
  let server: Server;
  let baseUrl: string;
  let requests: Recorded[] = [];
  let behaviour: { publishEchoesToken: boolean; undeployable: Set<string> } = { publishEchoesToken: false, undeployable: new Set() };
  let work: string;
  let pactsDir: string;

  const body = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        text += chunk;
      });
      req.on('end', () => resolve(text));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const text = await body(req);
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '', url, authorization: req.headers.authorization, body: text });
      const origin = `http://${req.headers.host}`;
      res.setHeader('content-type', 'application/hal+json');
      if (url === '/') {
        res.end(JSON.stringify({ _links: { 'pb:publish-contracts': { href: `${origin}/contracts/publish` } } }));
      } else if (url === '/contracts/publish' && behaviour.publishEchoesToken) {
        // A careless broker quoting the credential back: the wrapper must still never print it.
        res.statusCode = 400;
        res.end(JSON.stringify({ errors: { authorization: [`rejected ${req.headers.authorization}`] } }));
      } else if (url === '/contracts/publish') {
        res.end(JSON.stringify({ logs: [{ level: 'info', message: 'published' }], _links: {} }));
      } else if (url.startsWith('/matrix')) {
        const pacticipant = new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('q[][pacticipant]') ?? '';
        const deployable = !behaviour.undeployable.has(pacticipant);
        res.end(
          JSON.stringify({
            summary: { deployable, reason: deployable ? 'ok' : 'no', success: deployable ? 1 : 0, failed: deployable ? 0 : 1, unknown: 0 },
            matrix: [],
            notices: [],
          }),
        );
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    work = mkdtempSync(join(tmpdir(), 'billerkit-pact-'));
    pactsDir = join(work, 'conformance', 'pacts');
    mkdirSync(pactsDir, { recursive: true });
    for (const [consumer, provider] of [
      ['billerkit-espay-client', 'espay-biller'],
      ['billerkit-iak-client', 'iak-postpaid'],
    ] as const) {
      const pact = {
        consumer: { name: consumer },
        provider: { name: provider },
        interactions: [],
        metadata: { pactSpecification: { version: '3.0.0' } },
      };
      writeFileSync(join(pactsDir, `${consumer}-${provider}.json`), JSON.stringify(pact));
    }
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    requests = [];
    behaviour = { publishEchoesToken: false, undeployable: new Set() };
  });

  /** A clean environment: nothing of the real one leaks in, in particular no real broker secrets. */
  const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', HOME: work, ...extra });
  const capture = () => {
    const lines: string[] = [];
    const io: CliIo = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
    return { io, text: () => lines.join('\n') };
  };
  const git = { head: () => SHA, branch: () => 'main' };

  it('reads the consumer names from the pact files', () => {
    expect(pactConsumers(pactFiles(pactsDir))).toEqual(['billerkit-espay-client', 'billerkit-iak-client']);
    expect(pactFiles(join(work, 'missing'))).toEqual([]);
  });

  it('without a broker: says so, exits 0, asks git nothing, writes the step summary', async () => {
    const summaryFile = join(work, 'summary-none.md');
    const out = capture();
    const noGit = { head: () => '', branch: () => '' };
    const code = await main([], cleanEnv({ GITHUB_STEP_SUMMARY: summaryFile }), out.io, { cwd: work, git: noGit });
    expect(code).toBe(0);
    expect(out.text()).toContain('no Pact Broker configured');
    expect(out.text()).toContain('conformance/pacts/billerkit-espay-client-espay-biller.json');
    expect(readFileSync(summaryFile, 'utf8')).toContain('2 pact file(s) kept as workflow artifacts');
    expect(requests).toEqual([]);
  });

  it('--dry-run prints the exact commands and contacts no broker', async () => {
    const out = capture();
    const env = cleanEnv({
      PACT_BROKER_BASE_URL: baseUrl,
      PACT_BROKER_TOKEN: TOKEN,
      PACT_CONSUMER_VERSION: SHA,
      GITHUB_HEAD_REF: 'feature/x',
    });
    expect(await main(['--dry-run'], env, out.io, { cwd: work, git })).toBe(0);
    expect(
      out
        .text()
        .split('\n')
        .filter((line) => line.startsWith('$ ')),
    ).toEqual([
      `$ pact-broker publish conformance/pacts --consumer-app-version ${SHA} --branch feature/x`,
      `$ pact-broker can-i-deploy --pacticipant billerkit-espay-client --version ${SHA} --to-environment production`,
      `$ pact-broker can-i-deploy --pacticipant billerkit-iak-client --version ${SHA} --to-environment production`,
    ]);
    expect(out.text()).not.toContain(TOKEN);
    expect(requests).toEqual([]);
  });

  it('publishes to the broker with the token from the environment and checks both consumers', async () => {
    const out = capture();
    const summaryFile = join(work, 'summary-ok.md');
    const env = cleanEnv({ PACT_BROKER_BASE_URL: baseUrl, PACT_BROKER_TOKEN: TOKEN, GITHUB_STEP_SUMMARY: summaryFile });
    expect(await main([], env, out.io, { cwd: work, git })).toBe(0);

    expect(requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    // One publish request per consumer (the broker API takes one pacticipant per call).
    type Sent = { pacticipantName: string; pacticipantVersionNumber: string; branch: string; contracts: { consumerName: string }[] };
    const sent = requests.filter((r) => r.url === '/contracts/publish').map((r) => JSON.parse(r.body) as Sent);
    expect(sent.map((s) => s.pacticipantName).sort()).toEqual(['billerkit-espay-client', 'billerkit-iak-client']);
    for (const s of sent) {
      expect(s.pacticipantVersionNumber).toBe(SHA);
      expect(s.branch).toBe('main');
      expect(s.contracts.map((c) => c.consumerName)).toEqual([s.pacticipantName]);
    }

    const matrix = requests.filter((r) => r.url.startsWith('/matrix')).map((r) => new URLSearchParams(r.url.slice(r.url.indexOf('?') + 1)));
    expect(matrix.map((q) => [q.get('q[][pacticipant]'), q.get('q[][version]'), q.get('environment')])).toEqual([
      ['billerkit-espay-client', SHA, 'production'],
      ['billerkit-iak-client', SHA, 'production'],
    ]);
    expect(out.text()).not.toContain(TOKEN);
    expect(readFileSync(summaryFile, 'utf8')).toContain('`billerkit-iak-client` → production: can deploy');
  });

  it('fails when can-i-deploy says no for one consumer, after checking all of them', async () => {
    behaviour.undeployable.add('billerkit-espay-client');
    const out = capture();
    const summaryFile = join(work, 'summary-no.md');
    const env = cleanEnv({ PACT_BROKER_BASE_URL: baseUrl, PACT_BROKER_TOKEN: TOKEN, GITHUB_STEP_SUMMARY: summaryFile });
    expect(await main([], env, out.io, { cwd: work, git })).not.toBe(0);
    expect(requests.filter((r) => r.url.startsWith('/matrix'))).toHaveLength(2);
    expect(readFileSync(summaryFile, 'utf8')).toContain('`billerkit-espay-client` → production: **cannot deploy**');
  });

  it('masks the token even when the broker quotes it back in an error', async () => {
    behaviour.publishEchoesToken = true;
    const out = capture();
    const env = cleanEnv({ PACT_BROKER_BASE_URL: baseUrl, PACT_BROKER_TOKEN: TOKEN });
    const code = await main([], env, out.io, { cwd: work, git });
    expect(code).not.toBe(0);
    expect(out.text()).toContain('rejected Bearer ***');
    expect(out.text()).not.toContain(TOKEN);
    expect(requests.some((r) => r.url.startsWith('/matrix'))).toBe(false);
  });

  it('exits 2 on half a configuration', async () => {
    const out = capture();
    expect(await main([], cleanEnv({ PACT_BROKER_TOKEN: TOKEN }), out.io, { cwd: work, git })).toBe(2);
    expect(out.text()).toContain('PACT_BROKER_BASE_URL is not');
    expect(out.text()).not.toContain(TOKEN);
  });

  it('runs as a script (the entry the workflow calls)', async () => {
    const env = cleanEnv({
      PACT_BROKER_BASE_URL: baseUrl,
      PACT_BROKER_TOKEN: TOKEN,
      PACT_CONSUMER_VERSION: SHA,
      PACT_CONSUMER_BRANCH: 'main',
    });
    const { stdout } = await promisify(execFile)(join(TOOLS_BIN, 'tsx'), ['src/pact-publish.ts', '--dry-run', '--pacts', pactsDir], {
      cwd: TOOLS_DIR,
      env,
    });
    expect(stdout).toContain(`--consumer-app-version ${SHA} --branch main`);
    expect(stdout).toContain('can-i-deploy --pacticipant billerkit-iak-client');
    expect(stdout).not.toContain(TOKEN);
    expect(requests).toEqual([]);
  });
});
