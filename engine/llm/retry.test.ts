import { describe, expect, it } from "vitest";
import { LlmAbortedError, LlmApiError, LlmConfigError, LlmTimeoutError } from "./errors.ts";
import { parseRetryAfterMs, retryDelayMs, withRetries } from "./retry.ts";

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after-ms": "1200", "retry-after": "3" }, 1200],
    [{ "retry-after": "Wed, 01 Jan 2025 00:00:20 GMT" }, 20_000],
    [{ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0], // already past: go now
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after-ms": "-5" }, undefined],
    [{}, undefined],
  ])("%j → %s", (h, expected) => {
    expect(parseRetryAfterMs(headers(h), now)).toBe(expected);
  });
});

describe("retryDelayMs", () => {
  const error503 = new LlmApiError("down", { status: 503 });
  it("grows exponentially under a cap, scaled by the jitter draw", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(error503, n, opts))).toEqual([99, 199, 399, 799, 999]);
    expect(retryDelayMs(error503, 3, { ...opts, random: () => 0 })).toBe(0);
  });
  it("uses the server's Retry-After instead of backoff, unless it is longer than we will wait", () => {
    const limited = new LlmApiError("slow", { status: 429, retryAfterMs: 4000 });
    expect(retryDelayMs(limited, 1, { random: () => 0 })).toBe(4000);
    expect(retryDelayMs(limited, 1, { maxRetryAfterMs: 3000 })).toBeUndefined();
  });
  it("never retries errors that are not retryable", () => {
    expect(retryDelayMs(new LlmApiError("bad", { status: 400 }), 1)).toBeUndefined();
    expect(retryDelayMs(new LlmConfigError("no key"), 1)).toBeUndefined();
    expect(retryDelayMs(new TypeError("bug"), 1)).toBeUndefined();
    expect(retryDelayMs(new LlmTimeoutError(10), 1, { random: () => 0.5 })).toBe(250);
  });
  it.each([408, 409, 429, 500, 502, 599])("status %i is retryable", (status) => {
    expect(new LlmApiError("x", { status }).isRetryable).toBe(true);
  });
  it.each([400, 401, 403, 404, 422])("status %i is not", (status) => {
    expect(new LlmApiError("x", { status }).isRetryable).toBe(false);
  });
});

describe("withRetries", () => {
  it("stops after maxRetries and rethrows the last error", async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const err = await withRetries(
      async () => {
        calls++;
        throw new LlmApiError(`fail ${calls}`, { status: 500 });
      },
      { maxRetries: 2, sleep: async (ms) => void sleeps.push(ms), random: () => 1 - Number.EPSILON },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((err as Error).message).toBe("fail 3");
    expect(sleeps).toEqual([499, 999]);
  });

  it("turns an abort during backoff into LlmAbortedError", async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await withRetries(
      async () => {
        throw new LlmTimeoutError(5);
      },
      { maxRetries: 3, signal: controller.signal, baseDelayMs: 10_000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmAbortedError);
  });
});
