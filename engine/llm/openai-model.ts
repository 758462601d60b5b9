// A LanguageModel over any OpenAI-compatible Chat Completions server (OpenAI itself, Ollama, vLLM, the test fake).
// The SDK only moves bytes: retries, timeouts and error classes are ours (retry.ts, openai-errors.ts).
import OpenAI from "openai";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { LlmAbortedError, LlmConfigError, LlmTimeoutError } from "./errors.ts";
import { toLlmError } from "./openai-errors.ts";
import { redact, redactDeep } from "../secrets/redact.ts";
import { assembleChunks } from "./openai-stream.ts";
import { fromChatCompletion, toChatBody, type ParsedCompletion } from "./openai-wire.ts";
import { readLimits, readCapped, replyText } from "./reply-limits.ts";
import { LlmRefusalError, LlmReplyTooLargeError } from "./reply-errors.ts";
import { withRetries, type RetryEvent, type Sleep } from "./retry.ts";
import type { CompletionRequest, CompletionResult, LanguageModel } from "./types.ts";
import { BYTES_PER_TOKEN, plausibleUsage } from "./usage-estimate.ts";

export interface OpenAIModelSettings {
  model: string;
  /** Defaults to env OPENAI_BASE_URL, then the official API. */
  baseURL?: string;
  /** Defaults to env OPENAI_API_KEY, read at the first call so commands that make no call need no key. */
  apiKey?: string;
  /** Label for logs and metrics; "openai" unless told. */
  provider?: string;
  /** Per attempt, covering the whole answer including a streamed body. Default 120 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, for retryable errors only. Default 3. */
  maxRetries?: number;
  /** Ask for SSE and assemble the chunks; same result either way. */
  stream?: boolean;
  /** Default: max_completion_tokens for the official API, max_tokens for any other base URL. */
  maxTokensParam?: "max_completion_tokens" | "max_tokens";
  fetch?: typeof globalThis.fetch;
  sleep?: Sleep;
  random?: () => number;
  /** Base delay of the exponential backoff. Default 500 ms. */
  retryBaseDelayMs?: number;
  /**
   * Output tokens a reply may hold when the request sets no maxOutputTokens: what is read past it (as bytes, see
   * reply-limits.ts) is refused. Default 65,536.
   */
  readLimitTokens?: number;
  /** Sent as the output cap of a request that sets none (the tier's maxOutputTokens); also its read cap. */
  maxOutputTokens?: number;
}

/**
 * Node's fetch keeps a performance entry for every request in a global buffer of 250; once it is full, every further
 * request costs a "resourcetimingbufferfull" event on the main thread. Nothing here reads them, and a long run
 * (watch, a big project) makes thousands of calls: drop them as they come.
 */
function forgetResourceTimings(): void {
  performance.clearResourceTimings();
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "host.docker.internal"]);

function isLocal(baseURL: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(baseURL).hostname);
  } catch {
    return false;
  }
}

function resolveApiKey(explicit: string | undefined, baseURL: string | undefined): string {
  const key = explicit || process.env.OPENAI_API_KEY;
  if (key) return key;
  // Ollama and friends ignore the key, but the SDK refuses to run without one.
  if (baseURL && isLocal(baseURL)) return "ollama";
  throw new LlmConfigError(
    baseURL
      ? `no API key for ${baseURL}: set OPENAI_API_KEY (or pass apiKey)`
      : "no model configured: set OPENAI_API_KEY to use OpenAI, or set OPENAI_BASE_URL=http://localhost:11434/v1 " +
          "to use a local Ollama (no key needed)",
  );
}

export function createOpenAIModel(settings: OpenAIModelSettings): LanguageModel {
  const baseURL = settings.baseURL || process.env.OPENAI_BASE_URL || undefined;
  const timeoutMs = settings.timeoutMs ?? 120_000;
  const stream = settings.stream ?? false;
  const maxTokensParam = settings.maxTokensParam ?? (baseURL ? "max_tokens" : "max_completion_tokens");
  let client: OpenAI | undefined;

  const getClient = (): OpenAI =>
    (client ??= new OpenAI({
      apiKey: resolveApiKey(settings.apiKey, baseURL),
      ...(baseURL ? { baseURL } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      maxRetries: 0,
      timeout: timeoutMs,
    }));

  type Answer = { completion: ChatCompletion; parsed: ParsedCompletion } | { tooLarge: { readBytes: number; limitBytes: number } };

  async function attempt(body: ChatCompletionCreateParams, callerSignal: AbortSignal | undefined, maxOutputTokens: number): Promise<Answer> {
    const limits = readLimits(maxOutputTokens);
    if (callerSignal?.aborted) throw new LlmAbortedError({ cause: callerSignal.reason });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new LlmTimeoutError(timeoutMs));
    }, timeoutMs);
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener("abort", forwardAbort, { once: true });
    try {
      const options = { signal: controller.signal, maxRetries: 0, timeout: timeoutMs };
      let completion: ChatCompletion;
      if (body.stream) {
        const chunks = (await getClient().chat.completions.create(body, options)) as AsyncIterable<ChatCompletionChunk>;
        const assembled = await assembleChunks(chunks, { maxBytes: limits.textBytes });
        // The SDK ends an aborted stream quietly instead of throwing, so a cut-off answer must be caught here.
        if (controller.signal.aborted) throw controller.signal.reason;
        if (assembled.cut_at_bytes !== undefined) return { tooLarge: { readBytes: assembled.cut_at_bytes, limitBytes: limits.textBytes } };
        completion = assembled;
      } else {
        // The body is read here, not by the SDK, so that reading stops at the cap instead of holding all of it.
        const response = await getClient().chat.completions.create(body, options).asResponse();
        const text = await readCapped(response, limits.bodyBytes);
        if (text === undefined) return { tooLarge: { readBytes: limits.bodyBytes, limitBytes: limits.bodyBytes } };
        completion = JSON.parse(text) as ChatCompletion;
      }
      return { completion, parsed: fromChatCompletion(completion) };
    } catch (err) {
      throw toLlmError(err, { timedOut, timeoutMs, ...(callerSignal ? { callerSignal } : {}) });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", forwardAbort);
      forgetResourceTimings();
    }
  }

  return {
    provider: settings.provider ?? "openai",
    modelId: settings.model,
    ...(baseURL ? { baseURL } : {}),
    async complete(req: CompletionRequest): Promise<CompletionResult> {
      const started = performance.now();
      const capped = req.maxOutputTokens === undefined && settings.maxOutputTokens !== undefined ? { ...req, maxOutputTokens: settings.maxOutputTokens } : req;
      const { body, warnings } = toChatBody(capped, { model: settings.model, stream, maxTokensParam });
      const retries: RetryEvent[] = [];
      const maxOutputTokens = capped.maxOutputTokens ?? settings.readLimitTokens ?? 65_536;
      const answer = await withRetries(() => attempt(body, req.signal, maxOutputTokens), {
        maxRetries: settings.maxRetries ?? 3,
        ...(settings.retryBaseDelayMs !== undefined ? { baseDelayMs: settings.retryBaseDelayMs } : {}),
        ...(settings.sleep ? { sleep: settings.sleep } : {}),
        ...(settings.random ? { random: settings.random } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
        onRetry: (e) => retries.push(e),
      });
      const sent = { request: JSON.stringify(body), messagesText: req.messages.map((m) => m.content ?? "").join("\n"), messages: req.messages.length, maxOutputTokens };
      const latencyMs = () => performance.now() - started;
      if ("tooLarge" in answer) {
        // What was read is all that can be counted; the error carries it so budgets still see it.
        const estimate = plausibleUsage(undefined, { ...sent, reply: "" });
        const usage = { inputTokens: estimate.usage.inputTokens, outputTokens: Math.ceil(answer.tooLarge.readBytes / BYTES_PER_TOKEN) };
        const result: CompletionResult = {
          content: "",
          toolCalls: [],
          usage,
          finishReason: "length",
          warnings: [...warnings, ...retries.map(describeRetry)],
          raw: { request: body, response: null },
          cached: false,
          latencyMs: latencyMs(),
          retries: retries.length,
        };
        throw new LlmReplyTooLargeError(answer.tooLarge.limitBytes, maxOutputTokens, result);
      }
      const { completion, parsed } = answer;
      const refusal = completion.choices[0]?.message.refusal;
      const counted = plausibleUsage(completion.usage, { ...sent, reply: replyText(completion) });
      const result = toResult(
        { ...parsed, usage: counted.usage },
        { warnings: [...warnings, ...parsed.warnings, ...counted.warnings, ...retries.map(describeRetry)], raw: { request: body, response: completion }, latencyMs: latencyMs(), retries: retries.length },
      );
      if (refusal || parsed.finishReason === "content_filter") throw new LlmRefusalError(refusal || "the reply was stopped by the provider's content filter", result);
      return result;
    },
  };
}

/** More than any model reads or writes in one call: a count above it is the server's error, not usage. */
export const MAX_TOKENS_PER_CALL = 10_000_000;

/** A token count as reported, or clamped into [0, MAX_TOKENS_PER_CALL] as a whole number with a warning. */
export function saneTokens(n: number, kind: "input" | "output", warnings: string[]): number {
  if (Number.isInteger(n) && n >= 0 && n <= MAX_TOKENS_PER_CALL) return n;
  const clamped = Number.isFinite(n) ? Math.min(MAX_TOKENS_PER_CALL, Math.max(0, Math.round(n))) : 0;
  warnings.push(`server reported ${String(n)} ${kind} tokens, which cannot be true; counted as ${clamped}`);
  return clamped;
}

function describeRetry(e: RetryEvent): string {
  return `retry ${e.retry} after ${Math.round(e.delayMs)} ms: ${e.error.name}: ${e.error.message}`;
}

/**
 * Where a provider's reply enters the engine, so it is made safe once for everything downstream (cache, plans,
 * commits, status): secrets a server echoes are redacted from the text, and token counts a server reports are held
 * to what can be true (whole, not negative, not absurd) with a warning when they were not.
 */
function toResult(
  parsed: ParsedCompletion,
  extra: { warnings: string[]; raw: CompletionResult["raw"]; latencyMs: number; retries: number },
): CompletionResult {
  const warnings = [...extra.warnings];
  return {
    content: redact(parsed.content),
    toolCalls: parsed.toolCalls.map((c) => ({ ...c, arguments: redact(c.arguments) })),
    usage: { inputTokens: saneTokens(parsed.usage.inputTokens, "input", warnings), outputTokens: saneTokens(parsed.usage.outputTokens, "output", warnings) },
    finishReason: parsed.finishReason,
    warnings,
    // Kept for the audit log and stored in the response cache: redacted like the content.
    raw: { request: extra.raw.request, response: redactDeep(extra.raw.response) },
    cached: false,
    latencyMs: extra.latencyMs,
    retries: extra.retries,
  };
}
