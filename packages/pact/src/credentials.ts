/** Which API a pact is about. */
export type BillerProvider = 'espay' | 'iak';

export interface EspayCredentials {
  senderId: string;
  password: string;
  signatureKey: string;
  basicAuth: { username: string; password: string };
}

export interface IakCredentials {
  username: string;
  apiKey: string;
}

/**
 * What pact files hold instead of credential-derived values. Consumer tests match the real values by
 * pattern, so the pact stores only these; verification replaces exactly these with the target's
 * credentials and a fresh signature. Interactions about wrong credentials carry the `wrong…` values,
 * which pass through verification untouched.
 */
export const PLACEHOLDERS = {
  espaySenderId: 'SANDBOX',
  espayPassword: 'espay-password-placeholder',
  espaySignature: '0'.repeat(64),
  espayBasic: `Basic ${Buffer.from('espay-test:basic-password-placeholder').toString('base64')}`,
  iakUsername: '081234567890',
  iakSign: '0'.repeat(32),
  wrongEspaySignature: 'f'.repeat(64),
  wrongEspayBasic: `Basic ${Buffer.from('espay-test:wrong-basic-password').toString('base64')}`,
  wrongIakSign: 'f'.repeat(32),
} as const;

/** Every credential value of these settings and the Basic header they make: none may appear in a pact file. */
export function credentialSecrets(espay?: EspayCredentials, iak?: IakCredentials): string[] {
  const out: string[] = [];
  if (espay) {
    out.push(espay.password, espay.signatureKey, espay.basicAuth.password);
    out.push(Buffer.from(`${espay.basicAuth.username}:${espay.basicAuth.password}`).toString('base64'));
  }
  if (iak) out.push(iak.apiKey);
  return out.filter((s) => s.length > 0);
}
