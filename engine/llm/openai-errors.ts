// The boundary where the openai SDK's errors become ours. Nothing outside this file imports SDK error classes.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { LlmAbortedError, LlmApiError, LlmError, LlmTimeoutError } from "./errors.ts";
import { parseRetryAfterMs } from "./retry.ts";
import { redact } from "../secrets/redact.ts";

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
    return new LlmApiError(`cannot reach the model server: ${redact(clipped(err.message))}`, { cause: err });
  }
  if (err instanceof APIError) {
    const headers = err.headers;
    const summary = summariseErrorBody(err.status, err.error);
    return new LlmApiError(describeSummary(summary), {
      // An error event inside an SSE stream has no status; the server failed mid-answer, which is worth a retry.
      ...(err.status === undefined ? {} : { status: err.status }),
      retryAfterMs: headers ? parseRetryAfterMs((n) => headers.get(n)) : undefined,
      responseBody: summary,
      requestId: err.requestID ?? undefined,
      // The SDK's error carries the whole body (a server may quote our request, key included): only its class and
      // the summary go on.
      cause: new Error(`${err.name}: ${describeSummary(summary)}`),
    });
  }
  // Anything else came from reading the body (a reset mid-stream, a garbled SSE line): the transport, not our
  // request, so one more try is reasonable.
  const message = err instanceof Error ? err.message : String(err);
  return new LlmApiError(`model response could not be read: ${redact(clipped(message))}`);
}

/** How much of a provider's error message is kept: enough to act on, too little to carry a whole echoed request. */
export const ERROR_MESSAGE_CHARS = 200;

/**
 * What is kept of a provider's error body: status, type, code and the start of its message, redacted. A provider
 * that echoes the request (headers and all) in its error would otherwise put the key into status.yaml and the logs.
 */
export interface ErrorSummary {
  status?: number;
  type?: string;
  code?: string;
  message: string;
}

export function summariseErrorBody(status: number | undefined, body: unknown): ErrorSummary {
  const envelope = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const inner = envelope.error && typeof envelope.error === "object" ? (envelope.error as Record<string, unknown>) : envelope;
  const word = (v: unknown) => (typeof v === "string" || typeof v === "number" ? redact(clipped(String(v), 60)) : undefined);
  const text = typeof inner.message === "string" ? inner.message : typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  const type = word(inner.type);
  const code = word(inner.code);
  return { ...(status === undefined ? {} : { status }), ...(type ? { type } : {}), ...(code ? { code } : {}), message: redact(clipped(text ?? "")) };
}

function describeSummary(s: ErrorSummary): string {
  const kind = [s.type, s.code].filter(Boolean).join("/");
  return `${s.status === undefined ? "error" : String(s.status)}${kind ? ` ${kind}` : ""}: ${s.message || "(no message)"}`;
}

function clipped(text: string, n = ERROR_MESSAGE_CHARS): string {
  // Redacted before clipping too: a key cut in half by the clip would no longer match its own value.
  const safe = redact(text.replace(/\s+/g, " "));
  return safe.length <= n ? safe : `${safe.slice(0, n)}… (${safe.length - n} more characters)`;
}
