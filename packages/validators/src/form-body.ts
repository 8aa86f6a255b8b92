/** Form bodies as the providers read them: URLSearchParams decoding, every value a string, the last of a repeated name wins. */
export function parseFormBody(raw: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (name === '') continue;
    fields[name] = value;
  }
  return fields;
}
