/**
 * The exchange over an injected `fetch` (proxies, test doubles, runtimes without node:http): one
 * AbortController per attempt, redirects refused by fetch itself, the body read within the cap.
 */
import { readWebBody } from './transport-body.js';
import type { Exchange } from './transport-exchange.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function fetchExchange(fetchImpl: FetchLike): Exchange {
  return async (request, abort, cap, progress) => {
    const controller = new AbortController();
    abort.onEnd((reason) => controller.abort(reason));
    const response = await fetchImpl(request.url, {
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: controller.signal,
      // Neither API redirects, so a redirect is an anomaly to report, never to follow. 'error' rather than
      // 'manual' also spares undici a copy of every request (it tees the body of any request it might
      // have to re-send to a redirect target).
      redirect: 'error',
    });
    progress.phase = 'during-body';
    // An injected fetch promises nothing about its streams, so every chunk is also raced against the signal.
    const body = await readWebBody(response, controller.signal, cap, true, request.keepBytes);
    const headers = response.headers;
    return {
      status: response.status,
      contentType: headers.get('content-type') ?? '',
      header: (name) => headers.get(name),
      headers: () => headers,
      ...body,
    };
  };
}
