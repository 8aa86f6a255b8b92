import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';
import { CREDENTIAL_ENV, credentialsFromEnv, parseTargets, remoteTarget, TargetError } from './target.js';

describe('parseArgs', () => {
  it('reads repeated targets, stages as list or repeated, and both flag spellings', () => {
    const args = parseArgs([
      '--target',
      'espay=http://a',
      '--target=iak=http://b',
      '--stage',
      'lint,samples',
      '--stage=verify',
      '--reports',
      'out',
    ]);
    expect(args).toEqual({
      targets: ['espay=http://a', 'iak=http://b'],
      stages: ['lint', 'samples', 'verify'],
      reportsDir: 'out',
      help: false,
    });
  });

  it('reads --mutation, --mutation=quick and --drift lists (which imply mutation testing)', () => {
    expect(parseArgs(['--mutation']).mutation).toEqual({});
    expect(parseArgs(['--mutation=quick']).mutation).toEqual({ quick: true });
    expect(parseArgs(['--drift', 'a,b', '--drift=c']).mutation).toEqual({ drifts: ['a', 'b', 'c'] });
    expect(parseArgs(['--stage', 'mutation']).stages).toEqual(['mutation']);
    expect(() => parseArgs(['--mutation=all'])).toThrow(/--mutation takes no value but "quick"/);
  });

  it('rejects unknown stages and options, and flags without values', () => {
    expect(() => parseArgs(['--stage', 'fuzz'])).toThrow(/unknown stage "fuzz"/);
    expect(() => parseArgs(['--verbose'])).toThrow(UsageError);
    expect(() => parseArgs(['--target'])).toThrow(/--target needs a value/);
  });
});

describe('parseTargets', () => {
  it('accepts espay and iak URLs and drops trailing slashes', () => {
    expect(parseTargets(['espay=https://sandbox-api.espay.id/', 'iak=http://127.0.0.1:9/x'])).toEqual({
      espay: 'https://sandbox-api.espay.id',
      iak: 'http://127.0.0.1:9/x',
    });
  });

  it('names the problem for unknown targets, bad URLs, repeats and credentials in the URL', () => {
    expect(() => parseTargets(['xendit=https://x'])).toThrow(/"xendit": unknown target/);
    expect(() => parseTargets(['espay'])).toThrow(/not a URL/);
    expect(() => parseTargets(['espay=ftp://x'])).toThrow(/only http and https/);
    expect(() => parseTargets(['iak=http://a', 'iak=http://b'])).toThrow(/given twice/);
    expect(() => parseTargets(['iak=http://user:pw@host'])).toThrow(/not in the URL/);
  });
});

describe('credentials from the environment', () => {
  const espayEnv = {
    [CREDENTIAL_ENV.espay.senderId]: 'SENDER',
    [CREDENTIAL_ENV.espay.password]: 'pw-1',
    [CREDENTIAL_ENV.espay.signatureKey]: 'key-1',
    [CREDENTIAL_ENV.espay.basicUser]: 'basic-user',
    [CREDENTIAL_ENV.espay.basicPassword]: 'basic-pw',
  };

  it('reads every Espay variable into the client-shaped credentials', () => {
    expect(credentialsFromEnv('espay', espayEnv)).toEqual({
      senderId: 'SENDER',
      password: 'pw-1',
      signatureKey: 'key-1',
      basicAuth: { username: 'basic-user', password: 'basic-pw' },
    });
  });

  it('lists every missing variable at once and never echoes values', () => {
    const env = { ...espayEnv, [CREDENTIAL_ENV.espay.signatureKey]: '', [CREDENTIAL_ENV.espay.basicPassword]: undefined };
    const error = (() => {
      try {
        credentialsFromEnv('espay', env);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a TargetError');
    })();
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toContain('BILLERKIT_ESPAY_SIGNATURE_KEY');
    expect(error.message).toContain('BILLERKIT_ESPAY_BASIC_PASSWORD');
    expect(error.message).not.toContain('pw-1');
    expect(() => credentialsFromEnv('iak', { BILLERKIT_IAK_USERNAME: 'u' })).toThrow(/BILLERKIT_IAK_API_KEY/);
  });

  it('a remote target with missing credentials fails before any request is sent', async () => {
    let requests = 0;
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(remoteTarget({ urls: { iak: `http://127.0.0.1:${port}` }, env: {} })).rejects.toThrow(
        /BILLERKIT_IAK_USERNAME, BILLERKIT_IAK_API_KEY/,
      );
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
