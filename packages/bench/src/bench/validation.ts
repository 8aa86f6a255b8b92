/**
 * 3. Validation: the compiled validators of @billerkit/validators (compiled once, cached) over every recorded
 * sample message (conformance/samples/**\/*.sample.json, decoded as the validators read them: form bodies with
 * parseFormBody, `<mp>` with parseIakXml, JSON with JSON.parse), next to compiling at run time: a new Ajv
 * instance, the same schema set and options, per validation. Both use the tolerant profile, and both must
 * reach the same verdicts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import { getValidator, parseFormBody, parseIakXml, type Provider } from '@billerkit/validators';
import { espayValidators } from '@billerkit/validators/espay';
import { iakValidators } from '@billerkit/validators/iak';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { median, REPO_DIR } from './util.js';

export interface ValidationResultFigures {
  messages: number;
  samples: number;
  compiledPerSecond: number;
  runtimePerSecond: number;
  /** Median of per-round ratios. */
  ratio: number;
  verdictsAgree: boolean;
  /** The clients' precompiled validators (ajv standalone code), over the messages of components they carry. */
  precompiled: { messages: number; perSecond: number; rootPerSecond: number; verdictsAgree: boolean };
  rounds: number;
}

interface Message {
  provider: Provider;
  component: string;
  data: unknown;
}

type SchemaSetModule = {
  AJV_OPTIONS: ConstructorParameters<typeof Ajv2020>[0];
  buildSchemaSet(doc: OpenApiDocument, id: string, profile: 'strict' | 'tolerant'): Record<string, unknown>;
  annotationKeywords(doc: OpenApiDocument): string[];
};

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

export function loadSampleMessages(): { messages: Message[]; samples: number } {
  const messages: Message[] = [];
  let samples = 0;
  for (const provider of ['espay', 'iak'] as const) {
    const dir = join(REPO_DIR, 'conformance', 'samples', provider);
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.sample.json'))
      .sort()) {
      samples += 1;
      const sample = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
        messages: Array<{ contentType: string; component: string; raw: string; wire?: string }>;
      };
      for (const m of sample.messages) {
        const text = m.wire ?? m.raw;
        const type = m.contentType.toLowerCase();
        try {
          const data = type.includes('x-www-form-urlencoded')
            ? parseFormBody(text)
            : type.includes('xml')
              ? parseIakXml(text)
              : JSON.parse(text);
          messages.push({ provider, component: m.component, data });
        } catch {
          // A sample whose published text cannot be decoded is judged by the conformance check, not timed here.
        }
      }
    }
  }
  return { messages, samples };
}

export async function measureValidation(options: {
  compiledMs: number;
  runtimeMs: number;
  rounds: number;
}): Promise<ValidationResultFigures> {
  const { messages, samples } = loadSampleMessages();
  if (messages.length === 0) throw new Error('no recorded samples found under conformance/samples');
  // The validators package builds its schema set in an internal module; the benchmark reuses it so that
  // both sides validate against exactly the same schemas.
  const internal = new URL('./schema-set.js', import.meta.resolve('@billerkit/validators')).href;
  const { AJV_OPTIONS, annotationKeywords, buildSchemaSet } = (await import(internal)) as SchemaSetModule;
  const documents: Record<Provider, OpenApiDocument> = { espay: espayOpenApi, iak: iakOpenApi };

  const compiledVerdicts = messages.map((m) => getValidator(m.provider, m.component, 'tolerant')(m.data).valid);
  const runtimeValidate = (m: Message): boolean => {
    const doc = documents[m.provider];
    const ajv = new Ajv2020(AJV_OPTIONS);
    addFormats(ajv);
    for (const keyword of annotationKeywords(doc)) ajv.addKeyword({ keyword, schemaType: undefined });
    const id = `https://billerkit.dev/bench/${m.provider}.json`;
    ajv.addSchema(buildSchemaSet(doc, id, 'tolerant'));
    const validate = ajv.getSchema(`${id}#/$defs/${m.component}`);
    if (!validate) throw new Error(`no schema ${m.component}`);
    return validate(m.data) as boolean;
  };
  const runtimeVerdicts = messages.map(runtimeValidate);
  const verdictsAgree = compiledVerdicts.every((v, i) => v === runtimeVerdicts[i]);

  const timeOver = (list: Message[], budgetMs: number, each: (m: Message) => unknown): number => {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < budgetMs) {
      for (const m of list) {
        each(m);
        count += 1;
        if (count % 16 === 0 && performance.now() - started >= budgetMs) break;
      }
    }
    return count / ((performance.now() - started) / 1000);
  };
  const compiled = (m: Message) => getValidator(m.provider, m.component, 'tolerant')(m.data);
  timeOver(messages, 300, compiled); // warm-up: let the JIT settle
  // Alternating rounds, so load from anything else on the machine hits both sides alike.
  const compiledRounds: number[] = [];
  const runtimeRounds: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    compiledRounds.push(timeOver(messages, options.compiledMs, compiled));
    runtimeRounds.push(timeOver(messages, options.runtimeMs, runtimeValidate));
  }
  const providerValidators = { espay: espayValidators, iak: iakValidators };
  const isCarried = (m: Message) => providerValidators[m.provider].components.includes(m.component);
  const carried = messages.filter(isCarried);
  const precompiled = (m: Message) => providerValidators[m.provider].validate(m.component, 'tolerant', m.data);
  const precompiledAgree = messages.every((m, i) => !isCarried(m) || precompiled(m).valid === runtimeVerdicts[i]);
  timeOver(carried, 300, precompiled);
  const precompiledRounds: number[] = [];
  const rootOnCarriedRounds: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    precompiledRounds.push(timeOver(carried, options.compiledMs, precompiled));
    rootOnCarriedRounds.push(timeOver(carried, options.compiledMs, compiled));
  }
  const compiledPerSecond = median(compiledRounds);
  const runtimePerSecond = median(runtimeRounds);
  const ratio = median(compiledRounds.map((c, i) => c / runtimeRounds[i]!));
  return {
    messages: messages.length,
    samples,
    compiledPerSecond,
    runtimePerSecond,
    ratio,
    verdictsAgree,
    precompiled: {
      messages: carried.length,
      perSecond: median(precompiledRounds),
      rootPerSecond: median(rootOnCarriedRounds),
      verdictsAgree: precompiledAgree,
    },
    rounds: options.rounds,
  };
}
