import { iakSign } from '@billerkit/signing';
import { parseIakXml, validate } from '@billerkit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './sandbox.js';

/** The IAK module behind the shared server: one URL serves both providers. */
describe('IAK through the shared server (smoke)', () => {
  let sandbox: Sandbox;
  const logged: unknown[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ deterministic: true, maxBodyBytes: 4096, logger: { error: (m) => logged.push(m) } });
  });
  afterAll(async () => {
    await sandbox.close();
    expect(logged).toEqual([]);
    expect(sandbox.stats().internalErrors).toBe(0);
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${sandbox.url}/api/v1/bill/check`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers an inq-pasca for a documented test number, valid in the strict profile', async () => {
    const { username, apiKey } = sandbox.credentials.iak;
    const response = await post(
      JSON.stringify({
        commands: 'inq-pasca',
        username,
        code: 'PLNPOSTPAID',
        hp: '530000000001',
        ref_id: 'smoke1',
        sign: iakSign(username, apiKey, 'smoke1'),
      }),
    );
    const body = (await response.json()) as { data: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(body.data).toMatchObject({ response_code: '00', hp: '530000000001', ref_id: 'smoke1' });
    expect(validate('iak', 'InqPascaResponse', 'strict', body).issues).toEqual([]);
    // An inquiry records no payment; the Espay side is untouched.
    expect(sandbox.transactions()).toEqual([]);
  });

  it("refuses an oversize IAK body with IAK's 400 shape, in the request's format", async () => {
    const json = await post(JSON.stringify({ commands: 'inq-pasca', pad: 'x'.repeat(10_000) }));
    expect(json.status).toBe(400);
    const body = await json.json();
    expect(body).toMatchObject({ data: { response_code: '107', error_details: { body: ['must be at most 4096 bytes'] } }, meta: [] });
    expect(validate('iak', 'BillCheckBadRequest', 'strict', body).issues).toEqual([]);

    const xml = await post(
      `<?xml version="1.0" ?><mp><commands>inq-pasca</commands><pad>${'x'.repeat(10_000)}</pad></mp>`,
      'application/xml',
    );
    expect(xml.status).toBe(400);
    expect(xml.headers.get('content-type')).toBe('application/xml');
    const decoded = parseIakXml(await xml.text()) as Record<string, unknown>;
    expect(JSON.stringify(decoded)).toContain('107');
  });
});
