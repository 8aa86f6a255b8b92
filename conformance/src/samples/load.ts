import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile, Provider } from '@billerkit/validators';

export type Verdict = 'pass' | 'fail';

export interface SampleMessage {
  direction: 'request' | 'response';
  status?: number;
  contentType: string;
  component: string;
  /** The text as the source prints it. */
  raw: string;
  /** The bytes that go over the wire when `raw` is a display form (one field per line, a curl command). */
  wire?: string;
  rawFormat?: 'wire' | 'display' | 'curl' | 'defective';
  httpHead?: string;
  expect: Record<Profile, Verdict>;
  note?: string;
}

export interface Sample {
  id: string;
  provider: Provider;
  operation: string;
  source: string;
  messages: SampleMessage[];
  /** File name relative to the samples folder, e.g. `espay/smartfren-legacy.sample.json`. */
  file: string;
}

export const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));

export function loadSamples(dir: string = SAMPLES_DIR): Sample[] {
  const samples: Sample[] = [];
  for (const provider of ['espay', 'iak'] as const) {
    const providerDir = join(dir, provider);
    let names: string[];
    try {
      names = readdirSync(providerDir).filter((name) => name.endsWith('.sample.json'));
    } catch {
      names = [];
    }
    for (const name of names.sort()) {
      const file = `${provider}/${name}`;
      const parsed = JSON.parse(readFileSync(join(providerDir, name), 'utf8')) as Omit<Sample, 'file'>;
      if (parsed.provider !== provider) throw new Error(`${file}: provider is "${parsed.provider}", expected "${provider}"`);
      samples.push({ ...parsed, file });
    }
  }
  return samples;
}
