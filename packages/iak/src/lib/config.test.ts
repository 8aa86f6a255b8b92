import { describe, expect, it } from 'vitest';
import { espayValidators } from '@billerkit/validators/espay';
import { createIakClient } from './client.js';
import { IAK_BASE_URLS, resolveConfig } from './config.js';

const creds = { username: '081234567890', apiKey: 'k' };

describe('client options', () => {
  it('uses the development host unless told otherwise (no real money by default)', () => {
    expect(createIakClient(creds)).toMatchObject({
      baseUrl: 'https://testpostpaid.mobilepulsa.net',
      environment: 'development',
      format: 'json',
    });
    expect(createIakClient({ ...creds, environment: 'production' }).baseUrl).toBe(IAK_BASE_URLS.production);
    expect(IAK_BASE_URLS.production).toBe('https://mobilepulsa.net');
  });

  it('takes a base URL (the sandbox) over the environment and trims its trailing slash', () => {
    expect(createIakClient({ ...creds, environment: 'production', baseUrl: 'http://127.0.0.1:4010/' })).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010',
      environment: 'custom',
    });
    expect(resolveConfig({ ...creds, baseUrl: 'http://127.0.0.1:4010/iak/' }).baseUrl).toBe('http://127.0.0.1:4010/iak');
  });

  it.each([
    ['a missing username', { apiKey: 'k' }],
    ['an empty API key', { username: '1', apiKey: '' }],
    ['a numeric username', { username: 81234567890, apiKey: 'k' }],
    ['an unknown format', { ...creds, format: 'yaml' }],
    ['an unknown environment', { ...creds, environment: 'staging' }],
    ['an unknown validate mode', { ...creds, validate: 'loose' }],
    ['a spec check without the validators to run it', { ...creds, validate: 'strict' }],
    ['validators of the other provider', { ...creds, validators: espayValidators }],
    ['a non-http base URL', { ...creds, baseUrl: 'ftp://example.com' }],
    ['credentials in the base URL', { ...creds, baseUrl: 'https://user:pw@example.com' }],
    ['a zero timeout', { ...creds, timeoutMs: 0 }],
    ['a NaN deadline', { ...creds, totalTimeoutMs: Number.NaN }],
  ])('refuses %s with a TypeError', (_label, options) => {
    expect(() => createIakClient(options as never)).toThrow(TypeError);
  });

  it('never echoes the API key in an option error', () => {
    const secret = 'very-secret-key-123';
    try {
      createIakClient({ username: '1', apiKey: secret, format: 'yaml' as never });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
      return;
    }
    throw new Error('expected a TypeError');
  });
});
