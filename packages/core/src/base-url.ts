/**
 * A provider base URL, checked once when a client is created: a bad one must be a TypeError then, not a
 * ConnectionError on the first call (which, for a payment, would read as "maybe received"). The value is
 * never echoed: a mistyped URL can carry credentials.
 */
export function parseBaseUrl(client: string, value: unknown): URL {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${client}: baseUrl must be a non-empty string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${client}: baseUrl is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`${client}: baseUrl must be an http or https URL, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '')
    throw new TypeError(`${client}: baseUrl must not carry credentials; pass them as options`);
  return url;
}
