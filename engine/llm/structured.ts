// Structured replies that can be trusted: every reply is parsed and validated against the same schema that was sent,
// then against the caller's own rules (what a schema cannot say: unique ids, known references). A reply that breaks
// either gets one repair turn quoting every broken rule, on the same model, then the next (stronger) model on the
// ladder is tried from the start; then StructuredOutputError names each rule still broken. A rejected reply is
// forgotten by the response cache, so no later run is served it again.
// API errors are not escalated: the model already retried them, and a stronger model would not fix a bad key.
import { LlmConfigError, StructuredOutputError } from "./errors.ts";
import { parseAndValidate, validatorFor } from "./json-validator.ts";
import { runTool, type ToolHandler } from "./run-tool.ts";
import type { ChatMessage, CompletionRequest, CompletionResult, JSONSchema, LanguageModel, ToolSpec } from "./types.ts";

export interface StructuredRequest {
  messages: ChatMessage[];
  /** Schema name the model sees; letters, digits, `_` and `-`. */
  name: string;
  /** Strict-mode compatible (see toStrictSchema); used both for the request and for validation. */
  schema: JSONSchema;
  /**
   * Validate with this (compiled once) instead of `schema`, when `schema` only narrows it per request and `check`
   * enforces every narrowing: compiling a validator per request costs tens of milliseconds of the main thread.
   */
  validateWith?: JSONSchema;
  temperature?: number;
  maxOutputTokens?: number;
  /** See CompletionRequest.attempt. */
  attempt?: string;
  signal?: AbortSignal;
  /**
   * Tools the model may call before it answers in the format: their calls and results join the conversation, and
   * at most `maxSteps` tool rounds are run in all (then the tools are withdrawn, so the model must answer).
   */
  tools?: { specs: ToolSpec[]; handlers: Record<string, ToolHandler>; maxSteps: number };
  /**
   * The rules the schema cannot carry, checked on a schema-valid value: each problem found is one sentence quoting
   * the offending value, and all of them go back to the model in one repair turn. Empty: accepted.
   */
  check?: (value: unknown) => string[];
}

export interface StructuredOptions {
  /** Repair turns per model after its first reply. Default 1. */
  repairAttempts?: number;
}

export interface StructuredResult<T> {
  value: T;
  result: CompletionResult;
  /** The model that produced the accepted reply. */
  model: LanguageModel;
  /** Model calls made in total, across the ladder. */
  attempts: number;
  /** How many rungs up the ladder the accepted reply came from (0 = the first model). */
  escalations: number;
  /** Repair turns sent, across the ladder. */
  repairs: number;
  calls: CompletionResult[];
}

/**
 * `models` is an escalation ladder, cheapest first. The caller types T; the schema is what guarantees it, so keep
 * the two in step (schemas/ generates types for exactly this reason).
 */
/** Long enough for the request (and those of tasks starting alongside) to be on the wire before the compile takes the thread. */
const PREPARE_AFTER_MS = 100;

export async function completeStructured<T>(
  models: LanguageModel[],
  req: StructuredRequest,
  opts: StructuredOptions = {},
): Promise<StructuredResult<T>> {
  if (models.length === 0) throw new LlmConfigError(`no model to ask for '${req.name}'`);
  const repairAttempts = opts.repairAttempts ?? 1;
  // Compiled while the first call is out (a cold compile takes tens of ms; the model takes longer), or at the
  // reply if that comes first.
  const validate = () => validatorFor(req.validateWith ?? req.schema, req.name);
  const prepare = setTimeout(() => {
    try {
      validate();
    } catch {
      // reported where the reply is checked
    }
  }, PREPARE_AFTER_MS);
  prepare.unref();
  try {
    const calls: CompletionResult[] = [];
    let toolRounds = 0;
    let repairs = 0;
    let lastErrors: string[] = [];
    let lastContent = "";

    for (const [rung, model] of models.entries()) {
      // Each rung starts from the original conversation: a stronger model should not be anchored on a weaker one's mess.
      const messages = [...req.messages];
      for (let turn = 0; turn <= repairAttempts; turn++) {
        let result: CompletionResult;
        let sent: CompletionRequest;
        for (;;) {
          const offer = req.tools && toolRounds < req.tools.maxSteps ? req.tools : undefined;
          sent = {
            messages: [...messages],
            responseFormat: { name: req.name, schema: req.schema },
            ...(offer ? { tools: offer.specs } : {}),
            ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
            ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
            ...(req.signal ? { signal: req.signal } : {}),
            ...(req.attempt !== undefined ? { attempt: req.attempt } : {}),
          };
          result = await model.complete(sent);
          calls.push(result);
          if (!offer || result.toolCalls.length === 0) break;
          // A tool round: run what was asked, in order, and let the model continue with the results.
          toolRounds++;
          messages.push({
            role: "assistant",
            content: result.content || null,
            tool_calls: result.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
          });
          for (const call of result.toolCalls) {
            messages.push({ role: "tool", tool_call_id: call.id, content: await runTool(call, { tools: offer.specs, handlers: offer.handlers, ...(req.signal ? { signal: req.signal } : {}) }) });
          }
        }
        const check = checkReply(result, validate(), req.check);
        if (check.ok) {
          return { value: check.value as T, result, model, attempts: calls.length, escalations: rung, repairs, calls };
        }
        // Never again from the cache: the next run asks afresh instead of replaying a reply known to be bad.
        await model.forget?.(sent);
        lastErrors = check.errors;
        lastContent = result.content;
        if (turn < repairAttempts) {
          repairs++;
          messages.push({ role: "assistant", content: result.content }, { role: "user", content: repairPrompt(req.name, check) });
        }
      }
    }
    throw new StructuredOutputError({ schemaName: req.name, errors: lastErrors, lastContent, attempts: calls.length, calls });
  } finally {
    clearTimeout(prepare);
  }
}

type Check = { ok: true; value: unknown } | { ok: false; errors: string[]; truncated: boolean };

function checkReply(result: CompletionResult, validate: Parameters<typeof parseAndValidate>[1], rules: StructuredRequest["check"]): Check {
  // A cut-off reply can still parse by luck (e.g. a truncated number); never accept it.
  if (result.finishReason === "length") {
    return { ok: false, truncated: true, errors: ["the reply was cut off at the output token limit"] };
  }
  if (result.finishReason === "content_filter") {
    return { ok: false, truncated: false, errors: ["the reply was stopped by the content filter"] };
  }
  const parsed = parseAndValidate(result.content, validate);
  if (!parsed.ok) return { ok: false, truncated: false, errors: parsed.errors };
  const broken = rules?.(parsed.value) ?? [];
  return broken.length ? { ok: false, truncated: false, errors: broken } : parsed;
}

function repairPrompt(name: string, check: { errors: string[]; truncated: boolean }): string {
  const problems = check.errors.map((e) => `- ${e}`).join("\n");
  const advice = check.truncated
    ? "Reply again with the complete JSON, written more concisely so it fits."
    : `Reply again with only the corrected JSON value that satisfies the '${name}' schema, with no other text.`;
  return `Your previous reply could not be used:\n${problems}\n${advice}`;
}
