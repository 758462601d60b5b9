// Retries for model calls, kept out of the SDK (its maxRetries is 0) so the policy is ours, visible and testable:
// exponential backoff with full jitter, the server's Retry-After honoured, only for errors that say they are retryable.
import { setTimeout as delay } from "node:timers/promises";
import { LlmAbortedError, LlmApiError, LlmError } from "./errors.ts";

/** Waits `ms`; rejects when `signal` aborts. Injected in tests so backoff costs no wall time. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined);

export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: LlmError;
}

export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A Retry-After longer than this is not waited out: the error is thrown (it still carries `retryAfterMs`) so the
   * run loop can reschedule the task instead of a worker sleeping for an hour.
   */
  maxRetryAfterMs?: number;
  sleep?: Sleep;
  /** Returns [0, 1); injected for deterministic jitter in tests. */
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

export const RETRY_DEFAULTS = { baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 } as const;

/** How long to wait before retry number `retry` (1-based), or undefined when the error must not be retried. */
export function retryDelayMs(error: unknown, retry: number, opts: Omit<RetryOptions, "maxRetries"> = {}): number | undefined {
  if (!(error instanceof LlmError) || !error.isRetryable) return undefined;
  const retryAfter = error instanceof LlmApiError ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) {
    return retryAfter <= (opts.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs) ? retryAfter : undefined;
  }
  // Full jitter (AWS architecture blog): spreads a burst of clients evenly instead of synchronising their retries.
  const base = opts.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const ceiling = Math.min(opts.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs, base * 2 ** (retry - 1));
  return Math.floor((opts.random ?? Math.random)() * ceiling);
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= opts.maxRetries) throw error;
      const delayMs = retryDelayMs(error, attempt + 1, opts);
      if (delayMs === undefined) throw error;
      opts.onRetry?.({ retry: attempt + 1, delayMs, error: error as LlmError });
      try {
        await sleep(delayMs, opts.signal);
      } catch (cause) {
        throw new LlmAbortedError({ cause });
      }
      if (opts.signal?.aborted) throw new LlmAbortedError({ cause: opts.signal.reason });
    }
  }
}

/**
 * Reads `retry-after-ms` (OpenAI's, precise) or `Retry-After` (RFC 9110: delta-seconds or an HTTP date).
 * Returns undefined when absent or unparseable; a date in the past means "now" (0).
 */
export function parseRetryAfterMs(header: (name: string) => string | null | undefined, now = Date.now()): number | undefined {
  const ms = header("retry-after-ms");
  if (ms != null && ms.trim() !== "") {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = header("retry-after")?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
