import type { Exchange } from './model.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

export interface Recorder {
  /** Pass as the clients' `fetch` option: real HTTP underneath, every exchange kept. */
  fetch: FetchLike;
  exchanges: Exchange[];
  /** The exchanges recorded since the last call, so a check keeps only its own. */
  take(): Exchange[];
}

/**
 * A fetch that records what went over the wire. The request is rebuilt as a `Request` so its body can be
 * read once for the record and once for sending; the response is cloned before the client reads it.
 */
export function recordingFetch(base: FetchLike = fetch): Recorder {
  const exchanges: Exchange[] = [];
  let mark = 0;
  const recorder: Recorder = {
    exchanges,
    take() {
      const out = exchanges.slice(mark);
      mark = exchanges.length;
      return out;
    },
    async fetch(input, init) {
      const request = new Request(input, init);
      const body = request.body ? await request.clone().text() : '';
      const exchange: Exchange = {
        request: { method: request.method, url: request.url, headers: headerRecord(request.headers), body },
      };
      exchanges.push(exchange);
      try {
        const response = await base(request);
        const text = await response.clone().text();
        exchange.response = { status: response.status, headers: headerRecord(response.headers), body: text };
        return response;
      } catch (error) {
        exchange.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw error;
      }
    },
  };
  return recorder;
}
