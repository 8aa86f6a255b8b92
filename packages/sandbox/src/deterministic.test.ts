import { iakSign } from '@billerkit/signing';
import { describe, expect, it } from 'vitest';
import { DETERMINISTIC_EPOCH } from './clock.js';
import { EspayTestClient } from './espay/espay.test.helpers.js';
import type { SandboxOptions } from './options.js';
import { startSandbox } from './sandbox.js';

/** One fixed script over both providers; returns every answer text and the recorded transactions. */
async function script(options: SandboxOptions): Promise<{ answers: string[]; transactions: unknown }> {
  const sandbox = await startSandbox(options);
  const client = new EspayTestClient(sandbox);
  const answers: string[] = [];
  try {
    for (const [order, product] of [
      ['880000000000', 'SPBFRE'],
      ['880000000010', 'SLYLPO'],
      ['520520795556', 'SLYLPR100'],
    ] as const) {
      const { inquiry, payment } = await client.inquireAndPay(order, product);
      answers.push(inquiry.text, payment.text);
      if (payment.body.ref_id) answers.push((await client.status(payment.body.ref_id)).text);
      sandbox.advanceClock(1_000);
    }
    answers.push((await client.payment('4333333333', 'SINCBN', '100000000')).text);
    answers.push((await client.balance()).text);

    const { username, apiKey } = sandbox.credentials.iak;
    const iak = await fetch(`${sandbox.url}/api/v1/bill/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        commands: 'inq-pasca',
        username,
        code: 'PLNPOSTPAID',
        hp: '530000000001',
        ref_id: 'det1',
        sign: iakSign(username, apiKey, 'det1'),
      }),
    });
    answers.push(await iak.text());
    expect(client.violations()).toEqual([]);
    return { answers, transactions: sandbox.transactions() };
  } finally {
    await sandbox.close();
  }
}

describe('deterministic mode', () => {
  it('gives identical answers (ids, times, amounts) across two runs', async () => {
    const first = await script({ deterministic: true });
    const second = await script({ deterministic: true });
    expect(second).toEqual(first);
    const refs = first.answers.map((a) => JSON.parse(a).ref_id).filter(Boolean);
    expect(refs.length).toBeGreaterThan(3);
    expect(new Set(refs).size).toBeLessThan(refs.length); // status answers repeat their payment's ref_id
    expect(first.answers[0]).toContain('"rs_datetime":"2025-01-01 10:00:00"');
  });

  it('the seed changes the ids, and a reset restarts them on the same server', async () => {
    const a = await script({ deterministic: { seed: 'one' } });
    const b = await script({ deterministic: { seed: 'two' } });
    expect(JSON.parse(a.answers[1] as string).ref_id).not.toBe(JSON.parse(b.answers[1] as string).ref_id);

    const sandbox = await startSandbox({ deterministic: true });
    const client = new EspayTestClient(sandbox, 'R');
    try {
      const before = (await client.inquireAndPay('880000000000', 'SPBFRE')).payment.body.ref_id;
      sandbox.advanceClock(3_600_000);
      sandbox.reset();
      expect(sandbox.now().toISOString()).toBe(DETERMINISTIC_EPOCH);
      const after = (await client.inquireAndPay('880000000000', 'SPBFRE')).payment.body.ref_id;
      expect(after).toBe(before);
    } finally {
      await sandbox.close();
    }
  });

  it('a clock start or clock function replaces the fixed epoch', async () => {
    const fixed = await startSandbox({ clock: { start: '2030-06-15T00:00:00Z' } });
    const client = new EspayTestClient(fixed);
    try {
      expect((await client.balance()).body.rs_datetime).toBe('2030-06-15 07:00:00');
      fixed.advanceClock(90_000);
      expect((await client.balance()).body.rs_datetime).toBe('2030-06-15 07:01:30');
      fixed.setClock('2031-01-01T00:00:00+07:00');
      expect((await client.balance()).body.rs_datetime).toBe('2031-01-01 00:00:00');
    } finally {
      await fixed.close();
    }
  });

  it('without it, ids are random and differ between runs', async () => {
    const a = await script({});
    const b = await script({});
    const ref = (run: typeof a) => JSON.parse(run.answers[1] as string).ref_id as string;
    expect(ref(a)).toMatch(/^TX[1-9][0-9]{11}$/);
    expect(ref(a)).not.toBe(ref(b));
  });
});
