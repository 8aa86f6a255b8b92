import type { BillerProvider } from './credentials.js';

/** The billerkit sandbox's control routes (`/__sandbox/*`), spoken over HTTP. */
export interface SandboxControl {
  setState(provider: BillerProvider, state: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  reset(): Promise<void>;
  /** Moves the sandbox clock forward (settling pending payments without waiting). */
  advanceClock(ms: number): Promise<void>;
}

/** Sandbox control at `origin`; every failure names the route and the sandbox's own message. */
export function sandboxControl(origin: string): SandboxControl {
  const post = async (route: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${origin}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!response.ok) {
      const why = value && typeof value === 'object' && 'error' in value ? String((value as { error: unknown }).error) : text.slice(0, 200);
      throw new Error(`sandbox ${route} answered ${response.status}: ${why}`);
    }
    return (value ?? {}) as Record<string, unknown>;
  };
  return {
    setState: (provider, state, params = {}) => post('/__sandbox/state', { provider, state, params }),
    reset: async () => {
      await post('/__sandbox/reset', {});
    },
    advanceClock: async (ms) => {
      await post('/__sandbox/clock', { advanceMs: ms });
    },
  };
}
