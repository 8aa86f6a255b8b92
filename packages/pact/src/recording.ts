/** What went over the wire during verification, kept for reports: the request as forwarded and the answer as relayed. */
export interface RecordedExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response?: { status: number; headers: Record<string, string>; body: string };
}

export interface RecordedResponse {
  statusCode: number;
  getHeaders(): Record<string, unknown>;
  write: (...args: unknown[]) => boolean;
  end: (...args: unknown[]) => unknown;
  on(event: 'finish', listener: () => void): unknown;
}

export interface RecordedRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function headerRecord(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

/** Records one proxied request and, once it is sent, the provider's answer into `slot`. */
export function recordExchange(req: RecordedRequest, res: RecordedResponse, slot: RecordedExchange[]): void {
  const exchange: RecordedExchange = {
    request: {
      method: req.method,
      url: req.originalUrl,
      headers: headerRecord(req.headers),
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
    },
  };
  slot.push(exchange);
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write;
  const end = res.end;
  res.write = (...args: unknown[]) => {
    keep(args[0]);
    return write.apply(res, args);
  };
  res.end = (...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    return end.apply(res, args);
  };
  res.on('finish', () => {
    const body = Buffer.concat(chunks);
    const type = String(res.getHeaders()['content-type'] ?? '');
    exchange.response = {
      status: res.statusCode,
      headers: headerRecord(res.getHeaders()),
      body: /pdf|octet-stream/.test(type) ? `(${body.length} bytes of ${type})` : body.toString('utf8'),
    };
  });
}
