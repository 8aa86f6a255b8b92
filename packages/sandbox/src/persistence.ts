/**
 * `--state-file PATH` / `stateFile`: the providers' state (deposits, payments, used request ids, IAK
 * inquiries) kept in one JSON file across restarts. The file is written whole after every request that
 * reached a provider, before the answer is sent, to a temporary file that is then renamed over the old
 * one, so it is never seen half-written. Without the option everything stays in memory.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EspayStoreSnapshot } from './espay/store.js';
import type { IakStoreSnapshot } from './iak/store.js';

export interface SandboxSnapshot {
  version: 1;
  espay: EspayStoreSnapshot;
  iak: IakStoreSnapshot;
}

/** Bigints are written as `{"$bigint": "<digits>"}`; dates as ISO strings (the stores revive their own). */
const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? { $bigint: value.toString() } : value);
const reviver = (_key: string, value: unknown) =>
  value !== null &&
  typeof value === 'object' &&
  Object.keys(value).length === 1 &&
  typeof (value as { $bigint?: unknown }).$bigint === 'string'
    ? BigInt((value as { $bigint: string }).$bigint)
    : value;

export class StateFile {
  private lastWritten: string | undefined;

  constructor(readonly path: string) {}

  /** The saved state, or undefined when the file does not exist yet; a broken file is an error, never ignored. */
  load(): SandboxSnapshot | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`sandbox state file ${this.path}: ${(error as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text, reviver);
    } catch (error) {
      throw new Error(`sandbox state file ${this.path} is not valid JSON: ${(error as Error).message}`);
    }
    const snapshot = value as Partial<SandboxSnapshot> | null;
    if (snapshot?.version !== 1 || typeof snapshot.espay !== 'object' || typeof snapshot.iak !== 'object') {
      throw new Error(`sandbox state file ${this.path} is not a billerkit sandbox state (version 1)`);
    }
    this.lastWritten = text;
    return snapshot as SandboxSnapshot;
  }

  /** Writes the state unless it is what the file already holds: temporary file, then an atomic rename. */
  save(snapshot: SandboxSnapshot): void {
    const text = JSON.stringify(snapshot, replacer);
    if (text === this.lastWritten) return;
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { encoding: 'utf8', mode: 0o600 });
    renameSync(temporary, this.path);
    this.lastWritten = text;
  }
}
