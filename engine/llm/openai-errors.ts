// The boundary where the openai SDK's errors become ours. Nothing outside this file imports SDK error classes.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { LlmAbortedError, LlmApiError, LlmError, LlmTimeoutError } from "./errors.ts";
import { parseRetryAfterMs } from "./retry.ts";

export interface AbortContext {
  /** Our own per-call deadline fired (checked first: the SDK reports it as a user abort). */
  timedOut: boolean;
  timeoutMs: number;
  /** The caller's signal, to tell a cancellation from a failure. */
  callerSignal?: AbortSignal;
}

export function toLlmError(err: unknown, ctx: AbortContext): LlmError {
  if (ctx.timedOut) return new LlmTimeoutError(ctx.timeoutMs, { cause: err });
  if (ctx.callerSignal?.aborted) return new LlmAbortedError({ cause: err });
  if (err instanceof LlmError) return err;
  if (err instanceof APIConnectionTimeoutError) return new LlmTimeoutError(ctx.timeoutMs, { cause: err });
  if (err instanceof APIUserAbortError) return new LlmAbortedError({ cause: err });
  if (err instanceof APIConnectionError) {
    return new LlmApiError(`cannot reach the model server: ${err.message}`, { cause: err });
  }
  if (err instanceof APIError) {
    const headers = err.headers;
    return new LlmApiError(err.message, {
      // An error event inside an SSE stream has no status; the server failed mid-answer, which is worth a retry.
      ...(err.status === undefined ? {} : { status: err.status }),
      retryAfterMs: headers ? parseRetryAfterMs((n) => headers.get(n)) : undefined,
      responseBody: err.error,
      requestId: err.requestID ?? undefined,
      cause: err,
    });
  }
  // Anything else came from reading the body (a reset mid-stream, a garbled SSE line): the transport, not our
  // request, so one more try is reasonable.
  const message = err instanceof Error ? err.message : String(err);
  return new LlmApiError(`model response could not be read: ${message}`, { cause: err });
}
