/** Form bodies as the providers read them: URLSearchParams decoding, every value a string, the last of a repeated name wins. */
export function parseFormBody(raw: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (name === '') continue;
    // Defined, not assigned: `fields.__proto__ = …` would set the prototype and drop the field, hiding it
    // from the unknown-field check.
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return fields;
}
