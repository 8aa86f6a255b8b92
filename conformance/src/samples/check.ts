import { formatIssues, parseFormBody, parseIakXml, type Profile, type ValidationIssue, validate } from '@billerkit/validators';
import { requestLine, routeOf } from '../routes.js';
import type { Sample, SampleMessage, Verdict } from './load.js';

export const PROFILES: readonly Profile[] = ['strict', 'tolerant'];

export interface MessageResult {
  sample: Sample;
  message: SampleMessage;
  index: number;
  data: unknown;
  verdicts: Record<Profile, Verdict>;
  issues: Record<Profile, ValidationIssue[]>;
  /** Where the verdict differs from what the sample file expects. */
  mismatches: Profile[];
}

/**
 * The text a profile judges. Display forms (one field per line, curl) are judged by their wire body in both
 * profiles; a defective publication (a missing comma, a mismatched tag) is judged as published by strict and
 * by its smallest repair by tolerant, so the ledger shows the defect and the shape is still checked.
 */
export function textFor(message: SampleMessage, profile: Profile): string {
  if (message.rawFormat === 'defective' && profile === 'strict') return message.raw;
  return message.wire ?? message.raw;
}

/** Turns message text into what the validators see, the way a provider or client reads it. */
export function decodeMessage(message: SampleMessage, profile: Profile = 'tolerant'): unknown {
  const type = message.contentType.toLowerCase();
  const text = textFor(message, profile);
  if (type.includes('x-www-form-urlencoded')) return parseFormBody(text);
  if (type.includes('xml')) return parseIakXml(text);
  if (type.includes('json')) return JSON.parse(text);
  throw new Error(`unsupported content type ${message.contentType}`);
}

/** A request whose recorded request line names a path and method the spec does not declare fails in every profile. */
function routeIssue(sample: Sample, message: SampleMessage): ValidationIssue | undefined {
  const line = message.direction === 'request' && message.httpHead ? requestLine(message.httpHead) : undefined;
  if (!line || routeOf(sample.provider, line.method, line.path)) return undefined;
  return { path: '/', keyword: 'path', message: `${line.method} ${line.path} is not a declared path of the ${sample.provider} spec` };
}

export function checkMessage(sample: Sample, message: SampleMessage, index: number): MessageResult {
  const verdicts = {} as Record<Profile, Verdict>;
  const issues = {} as Record<Profile, ValidationIssue[]>;
  const mismatches: Profile[] = [];
  const undeclared = routeIssue(sample, message);
  let data: unknown;
  for (const profile of PROFILES) {
    let result: { valid: boolean; issues: ValidationIssue[] };
    try {
      const decoded = decodeMessage(message, profile);
      if (profile === 'tolerant') data = decoded;
      result = validate(sample.provider, message.component, profile, decoded);
    } catch (error) {
      result = {
        valid: false,
        issues: [{ path: '/', keyword: 'decode', message: `cannot be decoded as ${message.contentType}: ${(error as Error).message}` }],
      };
    }
    if (undeclared) result = { valid: false, issues: [undeclared, ...result.issues] };
    verdicts[profile] = result.valid ? 'pass' : 'fail';
    issues[profile] = result.issues;
    if (message.expect[profile] !== verdicts[profile]) mismatches.push(profile);
  }
  return { sample, message, index, data, verdicts, issues, mismatches };
}

export function checkSamples(samples: readonly Sample[]): MessageResult[] {
  return samples.flatMap((sample) => sample.messages.map((message, index) => checkMessage(sample, message, index)));
}

export function describeMismatch(result: MessageResult): string {
  return result.mismatches
    .map((profile) => {
      const why = result.issues[profile].length > 0 ? `: ${formatIssues(result.issues[profile])}` : '';
      return `${result.sample.file} message ${result.index} (${result.message.direction}, ${result.message.component}) ${profile}: expected ${result.message.expect[profile]}, got ${result.verdicts[profile]}${why}`;
    })
    .join('\n');
}
