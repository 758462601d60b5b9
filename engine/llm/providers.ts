// One LanguageModel per tier, from agency.yaml and the environment; the same engine talks to OpenAI, Ollama,
// vLLM, llama.cpp or LiteLLM by base URL and model name alone.
import { readFileSync, writeFileSync } from "node:fs";
import { createFileCache, createOpenAIModel, EndpointUnavailableError, LlmApiError, LlmRefusalError, LlmReplyTooLargeError, withCache, type CompletionResult, type LanguageModel } from "./index.ts";
import { processFormatMemory, withJsonObjectFallback, type FormatMemory } from "./json-object-fallback.ts";
import type { Agency, Tier } from "../agency/types.gen.ts";
import { addSecretsFromEnv } from "../secrets/redact.ts";

/** Told about every completed model call, with the tier that made it: the single place usage is metered. */
export type CallListener = (tier: Tier, result: CompletionResult) => void;

export interface ModelRegistry {
  tier(id: string): Tier;
  /**
   * The escalation ladder starting at `tierId`: that tier, then every stronger one; each call reported. `beforeCall`
   * runs before every call (repairs and tool rounds too) and may throw to stop it: a budget check.
   */
  ladder(tierId: string, onCall?: CallListener, beforeCall?: () => void): LanguageModel[];
  model(tierId: string): LanguageModel;
}

export interface ProviderSettings {
  env: NodeJS.ProcessEnv;
  /** Response cache directory (content-addressed); undefined disables the cache. */
  cacheDir?: string;
  timeoutMs?: number;
  /**
   * Where what was learned about endpoints (which reject `json_schema`) is kept across runs, e.g.
   * .ateams/response-formats.json; the process remembers it either way.
   */
  formatsFile?: string;
  /** Override for tests: how a tier becomes a model. */
  create?: (tier: Tier, baseURL: string | undefined, apiKey: string | undefined) => LanguageModel;
}

/** Why no model can be reached, or undefined when every tier has an endpoint (a key or a base URL). */
export function missingProvider(agency: Agency, env: NodeJS.ProcessEnv): string | undefined {
  const unreachable = agency.models.tiers.filter((t) => !t.baseUrl && !env.OPENAI_BASE_URL && !env[t.apiKeyEnv ?? "OPENAI_API_KEY"]);
  if (!unreachable.length) return undefined;
  return [
    `no model provider is configured for tier${unreachable.length > 1 ? "s" : ""} ${unreachable.map((t) => t.id).join(", ")}.`,
    "Configure one of:",
    "  OpenAI:         export OPENAI_API_KEY=sk-…",
    "  Ollama (local): export OPENAI_BASE_URL=http://localhost:11434/v1   and set each tier's model in agency/agency.yaml (e.g. llama3.1:8b)",
    "  vLLM, LiteLLM, llama.cpp: export OPENAI_BASE_URL=<their /v1 URL> (and OPENAI_API_KEY if they need one)",
    "  or per tier in agency.yaml: models.tiers[].baseUrl and apiKeyEnv",
  ].join("\n");
}

const DEFAULT_TIMEOUT_SECONDS = 120;
const DEFAULT_RETRIES = 3;

/** What this process has learned about endpoints, shared by every run in it (a long-lived `watch`). */
const learnedInProcess = processFormatMemory();

function formatMemory(file: string | undefined): FormatMemory {
  if (!file) return learnedInProcess;
  let known: string[] = [];
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { rejectsJsonSchema?: unknown };
    if (Array.isArray(parsed.rejectsJsonSchema)) known = parsed.rejectsJsonSchema.filter((k): k is string => typeof k === "string");
  } catch {
    // none yet, or not ours: learned again at the first 400
  }
  for (const k of known) learnedInProcess.remember(k);
  return {
    rejectsJsonSchema: (key) => learnedInProcess.rejectsJsonSchema(key),
    remember(key) {
      learnedInProcess.remember(key);
      known = [...new Set([...known, key])].sort();
      try {
        writeFileSync(file, `${JSON.stringify({ rejectsJsonSchema: known }, null, 2)}\n`);
      } catch {
        // the process still knows; the next run learns it again
      }
    },
  };
}

export function createModelRegistry(agency: Agency, settings: ProviderSettings): ModelRegistry {
  const tiers = agency.models.tiers;
  // Every key a tier may send is a secret from now on, whether or not a call is made with it.
  addSecretsFromEnv(settings.env, tiers.flatMap((t) => (t.apiKeyEnv ? [t.apiKeyEnv] : [])));
  const formats = formatMemory(settings.formatsFile);
  const cache = settings.cacheDir ? createFileCache(settings.cacheDir) : undefined;
  const models = new Map<string, LanguageModel>();
  const tier = (id: string): Tier => {
    const t = tiers.find((x) => x.id === id);
    if (!t) throw new Error(`unknown tier '${id}'`);
    return t;
  };
  const model = (id: string): LanguageModel => {
    let m = models.get(id);
    if (!m) {
      const t = tier(id);
      const baseURL = t.baseUrl ?? settings.env.OPENAI_BASE_URL ?? undefined;
      const apiKey = settings.env[t.apiKeyEnv ?? "OPENAI_API_KEY"] ?? undefined;
      const raw = settings.create
        ? settings.create(t, baseURL, apiKey)
        : createOpenAIModel({
            model: t.model,
            ...(baseURL ? { baseURL } : {}),
            ...(apiKey ? { apiKey } : {}),
            ...timing(agency, t, settings.timeoutMs),
            ...(t.maxOutputTokens !== undefined ? { maxOutputTokens: t.maxOutputTokens } : {}),
            provider: baseURL ? new URL(baseURL).host : "openai",
          });
      const reached = outagesNamed(withJsonObjectFallback(raw, formats), baseURL ?? "https://api.openai.com/v1");
      m = cache ? withCache(reached, cache) : reached;
      models.set(id, m);
    }
    return m;
  };
  return {
    tier,
    model,
    ladder(id, onCall, beforeCall) {
      const i = tiers.findIndex((t) => t.id === id);
      return tiers.slice(Math.max(0, i)).map((t) => (onCall || beforeCall ? reporting(model(t.id), t, onCall ?? (() => {}), beforeCall) : model(t.id)));
    },
  };
}

/** A tier's per-attempt timeout and retries: the caller's override (tests), the tier's, the agency's, the default. */
export function timing(agency: Agency, tier: Tier, overrideMs?: number): { timeoutMs: number; maxRetries: number } {
  const seconds = tier.timeoutSeconds ?? agency.models.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  return { timeoutMs: overrideMs ?? Math.round(seconds * 1000), maxRetries: agency.models.maxRetries ?? DEFAULT_RETRIES };
}

function reporting(inner: LanguageModel, tier: Tier, onCall: CallListener, beforeCall?: () => void): LanguageModel {
  return {
    provider: inner.provider,
    modelId: inner.modelId,
    ...(inner.baseURL ? { baseURL: inner.baseURL } : {}),
    async complete(req) {
      beforeCall?.();
      let result: CompletionResult;
      try {
        result = await inner.complete(req);
      } catch (e) {
        // A refused or oversized reply was still paid for.
        if (e instanceof LlmRefusalError || e instanceof LlmReplyTooLargeError) onCall(tier, e.result);
        throw e;
      }
      onCall(tier, result);
      return result;
    },
    ...(inner.forget ? { forget: (req) => inner.forget!(req) } : {}),
  };
}

/** A retryable API error that survived the model's own retries is the endpoint being down: say which endpoint. */
function outagesNamed(inner: LanguageModel, url: string): LanguageModel {
  return {
    provider: inner.provider,
    modelId: inner.modelId,
    ...(inner.baseURL ? { baseURL: inner.baseURL } : {}),
    async complete(req) {
      try {
        return await inner.complete(req);
      } catch (e) {
        throw e instanceof LlmApiError && e.isRetryable ? new EndpointUnavailableError(url, e) : e;
      }
    },
    ...(inner.forget ? { forget: (req) => inner.forget!(req) } : {}),
  };
}
