// Errors about what a server answered (as opposed to whether it answered: errors.ts). Each carries the call's
// result when there is one, so the tokens it cost are still counted by whoever meters calls.
import { LlmError } from "./errors.ts";
import type { CompletionResult } from "./types.ts";

/**
 * The model declined (`message.refusal`, or finish_reason `content_filter`). Not retryable: the same request gets
 * the same answer, and a repair turn asking for valid JSON would only hide the refusal behind "not valid JSON".
 */
export class LlmRefusalError extends LlmError {
  readonly refusal: string;
  readonly result: CompletionResult;
  constructor(refusal: string, result: CompletionResult) {
    super(`the model refused: ${refusal}`, { isRetryable: false });
    this.refusal = refusal;
    this.result = result;
  }
}

/**
 * The server sent more than the call allowed (it ignored max_tokens), and reading stopped there. Not retryable: a
 * server that ignores the cap will ignore it again, and every byte read is memory and, billed, money.
 */
export class LlmReplyTooLargeError extends LlmError {
  readonly limitBytes: number;
  /** What was read, as a result with no content: its usage counts the bytes read. */
  readonly result: CompletionResult;
  constructor(limitBytes: number, maxOutputTokens: number, result: CompletionResult) {
    super(`the server's reply passed ${limitBytes} bytes, more than ${maxOutputTokens} output tokens can hold: it ignored max_tokens, and reading stopped there`, { isRetryable: false });
    this.limitBytes = limitBytes;
    this.result = result;
  }
}
