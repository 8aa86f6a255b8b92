import { credentialSecrets, type EspayCredentials, type IakCredentials, type SandboxControl, sandboxControl } from '@billerkit/pact';
import type { Provider, TargetDescription } from './model.js';

export type { EspayCredentials, IakCredentials, SandboxControl };

export interface ProviderTarget<C> {
  baseUrl: string;
  credentials: C;
  /** Present when this provider's server answers the sandbox control API. */
  control?: SandboxControl;
}

/**
 * What the stages run against: the embedded sandbox or a remote one. Control of provider states goes
 * over HTTP (`/__sandbox/state`) in both cases, so the embedded run exercises the same path as a remote one.
 */
export interface Target {
  description: TargetDescription;
  espay?: ProviderTarget<EspayCredentials>;
  iak?: ProviderTarget<IakCredentials>;
  /** Why a provider has no target (only `--target` for the other one was given). */
  missing: Partial<Record<Provider, string>>;
  /** Every secret value of this target: removed from reports, and pact files are scanned for them. */
  secrets: string[];
  close(): Promise<void>;
}

/** Environment variables the CLI reads credentials of a remote target from. */
export const CREDENTIAL_ENV = {
  espay: {
    senderId: 'BILLERKIT_ESPAY_SENDER_ID',
    password: 'BILLERKIT_ESPAY_PASSWORD',
    signatureKey: 'BILLERKIT_ESPAY_SIGNATURE_KEY',
    basicUser: 'BILLERKIT_ESPAY_BASIC_USER',
    basicPassword: 'BILLERKIT_ESPAY_BASIC_PASSWORD',
  },
  iak: {
    username: 'BILLERKIT_IAK_USERNAME',
    apiKey: 'BILLERKIT_IAK_API_KEY',
  },
} as const;

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Parses the `--target` values (`espay=https://…`), rejecting unknown providers, bad URLs and repeats. */
export function parseTargets(values: readonly string[]): Partial<Record<Provider, string>> {
  const urls: Partial<Record<Provider, string>> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq < 0 ? value : value.slice(0, eq);
    const url = eq < 0 ? '' : value.slice(eq + 1);
    if (name !== 'espay' && name !== 'iak') {
      throw new TargetError(`--target ${JSON.stringify(name)}: unknown target; use --target espay=URL and/or --target iak=URL`);
    }
    if (urls[name] !== undefined) throw new TargetError(`--target ${name} was given twice`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TargetError(
        `--target ${name}=${JSON.stringify(url)}: not a URL; expected e.g. --target ${name}=https://sandbox.example.com`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new TargetError(`--target ${name}: only http and https URLs are supported`);
    if (parsed.username || parsed.password) throw new TargetError(`--target ${name}: put credentials in the environment, not in the URL`);
    urls[name] = url.replace(/\/+$/, '');
  }
  return urls;
}

/**
 * Reads one provider's credentials from the environment. Every missing variable is named at once, so
 * a user fixes them in one go; values are never echoed.
 */
export function credentialsFromEnv(provider: 'espay', env: NodeJS.ProcessEnv): EspayCredentials;
export function credentialsFromEnv(provider: 'iak', env: NodeJS.ProcessEnv): IakCredentials;
export function credentialsFromEnv(provider: Provider, env: NodeJS.ProcessEnv): EspayCredentials | IakCredentials {
  const names = CREDENTIAL_ENV[provider] as Record<string, string>;
  const missing = Object.values(names).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new TargetError(`--target ${provider}: missing credentials; set ${missing.join(', ')} (see conformance/README.md)`);
  }
  const read = (key: string) => env[names[key] as string] as string;
  if (provider === 'iak') return { username: read('username'), apiKey: read('apiKey') };
  const basicUser = read('basicUser');
  if (basicUser.includes(':')) throw new TargetError(`${CREDENTIAL_ENV.espay.basicUser} cannot contain ":"`);
  return {
    senderId: read('senderId'),
    password: read('password'),
    signatureKey: read('signatureKey'),
    basicAuth: { username: basicUser, password: read('basicPassword') },
  };
}

/** Every secret value of these credentials (the Basic header they make included). */
export const secretsOf = credentialSecrets;

/** Sandbox control over HTTP at `origin` (the control client lives with the pact machinery). */
export const httpControl = sandboxControl;

/** True when `origin` answers the sandbox health route, i.e. provider states can be set up there. */
export async function probeControl(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/__sandbox/health`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: unknown };
    return body.status === 'ok';
  } catch {
    return false;
  }
}

/** The origin (scheme, host, port) of a base URL; the control routes live at the server root. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

export interface RemoteTargetOptions {
  urls: Partial<Record<Provider, string>>;
  env: NodeJS.ProcessEnv;
}

/**
 * A remote target from `--target` values and the environment. Everything is checked before anything is
 * sent: unknown targets and missing credentials throw a {@link TargetError}. Only then is the
 * control API probed (a GET of the health route, never a provider call).
 */
export async function remoteTarget({ urls, env }: RemoteTargetOptions): Promise<Target> {
  if (!urls.espay && !urls.iak) throw new TargetError('no --target given');
  const espayCredentials = urls.espay ? credentialsFromEnv('espay', env) : undefined;
  const iakCredentials = urls.iak ? credentialsFromEnv('iak', env) : undefined;
  const withControl = async <C>(url: string | undefined, credentials: C | undefined): Promise<ProviderTarget<C> | undefined> => {
    if (!url || !credentials) return undefined;
    const origin = originOf(url);
    return (await probeControl(origin)) ? { baseUrl: url, credentials, control: httpControl(origin) } : { baseUrl: url, credentials };
  };
  const espay = await withControl(urls.espay, espayCredentials);
  const iak = await withControl(urls.iak, iakCredentials);
  const missing: Partial<Record<Provider, string>> = {};
  if (!espay) missing.espay = 'no --target espay=URL given';
  if (!iak) missing.iak = 'no --target iak=URL given';
  return {
    description: {
      kind: 'remote',
      espay: espay?.baseUrl ?? '(not tested)',
      iak: iak?.baseUrl ?? '(not tested)',
      stateApi: Boolean(espay?.control ?? iak?.control),
    },
    ...(espay ? { espay } : {}),
    ...(iak ? { iak } : {}),
    missing,
    secrets: secretsOf(espay?.credentials, iak?.credentials),
    close: async () => {},
  };
}
