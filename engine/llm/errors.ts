// Typed errors for the model layer. Provider SDK errors are wrapped into these at the boundary (openai-errors.ts),
// so the run loop maps outcomes by class and `isRetryable`, never by message text.
import type { CompletionResult } from "./types.ts";

export class LlmError extends Error {
  /** Whether the same call may succeed if simply made again later. */
  readonly isRetryable: boolean;

  constructor(message: string, options: { cause?: unknown; isRetryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** 408 timeout, 409 conflict/lock, 429 rate limit and every 5xx are worth another try; other 4xx are our mistake. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface LlmApiErrorInit {
  /** HTTP status; absent when no response arrived (connection refused, reset, DNS). */
  status?: number;
  isRetryable?: boolean;
  /** How long the server asked us to wait (Retry-After / retry-after-ms), when it said. */
  retryAfterMs?: number;
  responseBody?: unknown;
  requestId?: string;
  cause?: unknown;
}

export class LlmApiError extends LlmError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly responseBody: unknown;
  readonly requestId: string | undefined;

  constructor(message: string, init: LlmApiErrorInit = {}) {
    const isRetryable = init.isRetryable ?? (init.status === undefined ? true : isRetryableStatus(init.status));
    super(message, { cause: init.cause, isRetryable });
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.responseBody = init.responseBody;
    this.requestId = init.requestId;
  }
}

/** The server did not finish answering within the per-call timeout. A hung server often recovers, so: retryable. */
export class LlmTimeoutError extends LlmError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options: { cause?: unknown } = {}) {
    super(`model call timed out after ${timeoutMs} ms`, { cause: options.cause, isRetryable: true });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller cancelled through its AbortSignal; retrying would defeat the point. */
export class LlmAbortedError extends LlmError {
  constructor(options: { cause?: unknown } = {}) {
    super("model call aborted by the caller", { cause: options.cause, isRetryable: false });
  }
}

/** Missing or contradictory configuration (no key, no base URL). Fix the setup; retrying cannot help. */
export class LlmConfigError extends LlmError {}

/** No model on the ladder produced JSON that parses and satisfies the schema, even after repairs. */
export class StructuredOutputError extends LlmError {
  /** Validation errors of the last reply, human-worded (`/title: must be string`). */
  readonly errors: string[];
  readonly lastContent: string;
  readonly attempts: number;
  /** Every call made, so budgets can still account for what the failure cost. */
  readonly calls: CompletionResult[];

  constructor(init: { schemaName: string; errors: string[]; lastContent: string; attempts: number; calls: CompletionResult[] }) {
    super(
      `no valid '${init.schemaName}' reply after ${init.attempts} attempt(s): ${init.errors.slice(0, 5).join("; ")}`,
    );
    this.errors = init.errors;
    this.lastContent = init.lastContent;
    this.attempts = init.attempts;
    this.calls = init.calls;
  }
}

/**
 * The endpoint itself is down: no connection, or 5xx / 429 still after the model's own retries. Not the action's
 * fault, and every other call to the same URL would fail alike: the run stops with one condition naming the URL
 * and records nothing against the actions that were cut short.
 */
export class EndpointUnavailableError extends LlmError {
  readonly url: string;

  constructor(url: string, cause: LlmError) {
    super(`model server ${url} is unavailable: ${cause.message}`, { cause, isRetryable: true });
    this.url = url;
  }
}
