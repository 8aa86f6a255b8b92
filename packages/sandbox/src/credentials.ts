/**
 * Sandbox test credentials. They are shaped like the clients' options so that
 * `createEspayClient({ baseUrl: sandbox.url, ...sandbox.credentials.espay })` works unchanged.
 * They guard nothing but the simulator, which is why the CLI may print them.
 */
export interface EspaySandboxCredentials {
  senderId: string;
  password: string;
  signatureKey: string;
  basicAuth: { username: string; password: string };
}

export interface IakSandboxCredentials {
  username: string;
  apiKey: string;
}

export interface SandboxCredentials {
  espay: EspaySandboxCredentials;
  iak: IakSandboxCredentials;
}

export interface SandboxCredentialsOverride {
  espay?: Partial<Omit<EspaySandboxCredentials, 'basicAuth'>> & { basicAuth?: Partial<EspaySandboxCredentials['basicAuth']> };
  iak?: Partial<IakSandboxCredentials>;
}

/** Sender id and Basic user follow the names Espay's own sandbox samples use (`SANDBOX`, `espay-test`). */
export const DEFAULT_CREDENTIALS: Readonly<SandboxCredentials> = Object.freeze({
  espay: Object.freeze({
    senderId: 'SANDBOX',
    password: 'sandbox-password',
    signatureKey: 'sandbox-signature-key',
    basicAuth: Object.freeze({ username: 'espay-test', password: 'sandbox-basic-password' }),
  }),
  iak: Object.freeze({ username: '081234567890', apiKey: 'sandbox-iak-api-key' }),
});

function text(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw new TypeError(`startSandbox: credentials.${name} must be a non-empty string`);
  return value;
}

export function resolveCredentials(override: SandboxCredentialsOverride | undefined): SandboxCredentials {
  const espay = override?.espay ?? {};
  const iak = override?.iak ?? {};
  const basic = espay.basicAuth ?? {};
  const base = DEFAULT_CREDENTIALS;
  const username = text(basic.username, 'espay.basicAuth.username', base.espay.basicAuth.username);
  // RFC 7617: the user-id cannot contain a colon, or the header would split in the wrong place.
  if (username.includes(':')) throw new TypeError('startSandbox: credentials.espay.basicAuth.username cannot contain ":"');
  return {
    espay: {
      senderId: text(espay.senderId, 'espay.senderId', base.espay.senderId),
      password: text(espay.password, 'espay.password', base.espay.password),
      signatureKey: text(espay.signatureKey, 'espay.signatureKey', base.espay.signatureKey),
      basicAuth: { username, password: text(basic.password, 'espay.basicAuth.password', base.espay.basicAuth.password) },
    },
    iak: {
      username: text(iak.username, 'iak.username', base.iak.username),
      apiKey: text(iak.apiKey, 'iak.apiKey', base.iak.apiKey),
    },
  };
}
