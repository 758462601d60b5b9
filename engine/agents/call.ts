// One structured model call on behalf of an agent: budget check, escalation ladder, metering, typed reply.
import type { MemoryRanker } from "../memory/ranker.ts";
import { completeStructured, type ChatMessage, type CompletionResult, type JSONSchema } from "../llm/index.ts";
import type { Tier } from "../agency/types.gen.ts";
import type { Project } from "../agency/types.gen.ts";
import type { Budget } from "../llm/budget.ts";
import type { ModelRegistry } from "../llm/providers.ts";
import { replySchema, type Replies, type ReplyName } from "./reply-schemas.ts";
import type { AgentTool } from "../tools/types.ts";
import { addCall, emptyUsage, type UsageTotals } from "../agency/usage.ts";

export interface AgentDeps {
  models: ModelRegistry;
  budget: Budget;
  /** The retry this action is on (status/retry.ts attemptLabel): its calls miss the cache of earlier tries. */
  attempt?: string;
  /** Ranks agency/memory/ for a prompt (agency.yaml memory.ranker); lexical when not given. */
  memory?: MemoryRanker;
  /** Every model call, for progress lines and metrics. */
  onCall?: (info: { project: string; agent: string; tier: Tier; result: CompletionResult }) => void;
}

export interface AgentReply<T> {
  value: T;
  usage: UsageTotals;
  /** Model id and tier of the accepted reply. */
  model: string;
  tier: string;
  escalations: number;
  /** Repair turns the reply needed. */
  repairs: number;
}

export interface AgentRequest {
  project: Project;
  agent: string;
  tier: string;
  system: string;
  messages: ChatMessage[];
  reply: ReplyName;
  /** The reply's schema specialised for this request (reply-schemas.ts); the generic one when absent. */
  schema?: JSONSchema;
  /** Validate with the generic schema: `check` enforces everything `schema` narrows (see StructuredRequest). */
  validateWithGeneric?: boolean;
  /** What the schema cannot say (reply-checks.ts): every problem goes back in one repair turn. */
  check?: (value: never) => string[];
  /** Usage is added here even when the call fails, so budgets see every token paid for. */
  usage?: UsageTotals;
  /** Tools the agent may call before it answers, and how many tool rounds it may take. */
  tools?: { list: AgentTool[]; maxSteps: number };
}

/** One agent call; the reply name decides the type of the value it returns (reply-schemas.ts Replies). */
export async function callAgent<R extends ReplyName>(deps: AgentDeps, req: AgentRequest & { reply: R; check?: (value: Replies[R]) => string[] }): Promise<AgentReply<Replies[R]>> {
  deps.budget.check(req.project);
  const usage = req.usage ?? emptyUsage();
  let acceptedTier: Tier | undefined;
  const ladder = deps.models.ladder(req.tier, (tier, result) => {
    // A reply served from the cache is not a call: nothing was asked or paid for.
    if (!result.cached) deps.budget.record(req.project.id, { ...result.usage, costUsd: addCall(usage, result.usage, tier.price) });
    else deps.budget.record(req.project.id, { inputTokens: 0, outputTokens: 0, costUsd: 0 });
    acceptedTier = tier;
    deps.onCall?.({ project: req.project.id, agent: req.agent, tier, result });
  }, () => deps.budget.check(req.project)); // every call, repairs and tool rounds too: one agent call may make many
  const out = await completeStructured<Replies[R]>(ladder, {
    messages: [{ role: "system", content: req.system }, ...req.messages],
    name: req.reply,
    schema: req.schema ?? replySchema(req.reply),
    ...(deps.attempt !== undefined ? { attempt: deps.attempt } : {}),
    ...(req.validateWithGeneric ? { validateWith: replySchema(req.reply) } : {}),
    ...(req.check ? { check: req.check as (value: unknown) => string[] } : {}),
    ...(req.tools?.list.length && req.tools.maxSteps > 0
      ? { tools: { specs: req.tools.list.map((t) => t.spec), handlers: Object.fromEntries(req.tools.list.map((t) => [t.spec.name, t.handler])), maxSteps: req.tools.maxSteps } }
      : {}),
  });
  return { value: out.value, usage, model: out.model.modelId, tier: acceptedTier?.id ?? req.tier, escalations: out.escalations, repairs: out.repairs };
}
