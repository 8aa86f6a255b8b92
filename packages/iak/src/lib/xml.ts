/**
 * IAK's `<mp>` XML codec, as an object a connection is given rather than a module every operation
 * imports: the codec (`@billerkit/validators`' `buildIakXml` / `parseIakXml`) is about 4 kB gzip, and an
 * application that only speaks JSON to IAK does not have to ship it. `createIakClient` always includes it.
 */
import { buildIakXml, IakXmlError, parseIakXml } from '@billerkit/validators';

/** Writes request bodies as `<mp>` documents and reads `<mp>` answers. */
export interface IakXmlCodec {
  /** A request body (IAK's JSON form) as an `<mp>` document. */
  build(body: Record<string, unknown>): string;
  /** An `<mp>` answer in IAK's JSON shape (`{ data, meta? }`, every leaf a string). Throws for a malformed document. */
  parse(text: string): unknown;
  /** True for the errors `parse` throws for a malformed or refused document (they become MalformedResponseError). */
  isMalformed(error: unknown): error is Error;
}

/**
 * The `<mp>` codec of `@billerkit/validators` (no DTDs, no entity expansion, size and depth limits):
 * `createIakConnection({ ...options, xml: iakXml })` sends and reads XML.
 */
export const iakXml: IakXmlCodec = Object.freeze({
  build: (body: Record<string, unknown>) => buildIakXml(body),
  parse: (text: string) => parseIakXml(text, { form: 'response' }),
  isMalformed: (error: unknown): error is Error => error instanceof IakXmlError,
});
