import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs } from './transport-retry.js';

describe('backoffDelay', () => {
  it('grows exponentially, is capped and jittered into [50%, 100%]', () => {
    expect(backoffDelay(1, { baseDelayMs: 100 }, () => 1)).toBe(100);
    expect(backoffDelay(3, { baseDelayMs: 100 }, () => 1)).toBe(400);
    expect(backoffDelay(3, { baseDelayMs: 100 }, () => 0)).toBe(200);
    expect(backoffDelay(20, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 1)).toBe(1000);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates; anything else is undefined', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(' 0 ')).toBe(0);
    expect(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
