/**
 * Valid provider answers for the fixed-answer server of the client-overhead benchmark, recorded once from
 * the embedded sandbox (deterministic mode), so the clients parse, validate and classify exactly what
 * the sandbox, and the spec, say a success looks like.
 */
import { createEspayClient } from '@billerkit/espay';
import { createIakClient } from '@billerkit/iak';
import { startSandbox } from '@billerkit/sandbox';

export interface RecordedAnswers {
  espayInquiry: string;
  iakInquiry: string;
}

export async function recordAnswers(): Promise<RecordedAnswers> {
  const sandbox = await startSandbox({ deterministic: true });
  const seen = new Map<string, string>();
  const recording = (name: string) => async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    seen.set(name, await response.clone().text());
    return response;
  };
  try {
    await createEspayClient({ baseUrl: sandbox.url, ...sandbox.credentials.espay, fetch: recording('espay') }).inquiry({
      productCode: 'SPBFRE',
      orderId: '880000000000',
    });
    await createIakClient({ baseUrl: sandbox.url, ...sandbox.credentials.iak, fetch: recording('iak') }).inquiry({
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      refId: 'BENCH1',
    });
  } finally {
    await sandbox.close();
  }
  return { espayInquiry: seen.get('espay')!, iakInquiry: seen.get('iak')! };
}
