// Errors → outcomes, in one place: which condition reason a failure records, whether the run goes on, and whether
// the same inputs may be retried by a later run without a person asking. Switches on class, never on message text.
import { EndpointUnavailableError, LlmApiError, LlmConfigError, LlmRefusalError, LlmReplyTooLargeError, LlmTimeoutError, StructuredOutputError } from "../llm/index.ts";
import { GitStoreError, UnsafePathError } from "../forge/index.ts";
import { BudgetExceededError } from "../llm/budget.ts";
import { PlanRejectedError, UnloadableSpecError } from "./spec-guard.ts";
import type { UsageTotals } from "../agency/usage.ts";

export interface Outcome {
  reason: string;
  message: string;
  /** Stop the whole run (bad key, no provider): every other call would fail the same way. */
  fatal: boolean;
  /** A later run may retry the same inputs on its own (the provider was down, not the work wrong). */
  transient: boolean;
  budget?: "run" | "project";
  /** The model endpoint is down: one run-level condition naming it, nothing recorded against the action. */
  outage?: string;
}

export function outcomeOf(e: unknown): Outcome {
  if (e instanceof BudgetExceededError) return { reason: "BudgetExceeded", message: e.message, fatal: e.scope === "run", transient: true, budget: e.scope };
  // Every rule the last reply still broke, so a person reading the condition knows what the model could not do.
  if (e instanceof StructuredOutputError) return { reason: "InvalidReply", message: `no valid reply after ${e.attempts} attempt(s): ${e.errors.join("; ")}`, fatal: false, transient: false };
  // A reply that would have written a spec the loader rejects: nothing was written; the same inputs would fail again.
  if (e instanceof UnloadableSpecError) return { reason: "SpecRejected", message: e.message, fatal: false, transient: false };
  if (e instanceof PlanRejectedError) return { reason: "InvalidReply", message: e.message, fatal: false, transient: false };
  // The model's own answer, the same on every try: the work or the prompt must change, not the timing.
  if (e instanceof LlmRefusalError) return { reason: "ModelRefused", message: e.message, fatal: false, transient: false };
  if (e instanceof LlmReplyTooLargeError) return { reason: "ReplyTooLarge", message: e.message, fatal: false, transient: false };
  if (e instanceof EndpointUnavailableError) return { reason: "EndpointUnavailable", message: e.message, fatal: true, transient: true, outage: e.url };
  if (e instanceof LlmTimeoutError) return { reason: "ProviderTimeout", message: e.message, fatal: false, transient: true };
  if (e instanceof LlmConfigError) return { reason: "ProviderNotConfigured", message: e.message, fatal: true, transient: true };
  // git failing (a lock left by a killed process, a full disk) is the machine's problem, not the work's: stop the
  // run, pin nothing, and let the next run adopt whatever was committed.
  // A path refused by the gate (safe-path.ts) is the action's fault, not git's: nothing was written, the run goes on.
  if (e instanceof UnsafePathError) return { reason: "UnsafePath", message: e.message, fatal: false, transient: false };
  if (e instanceof GitStoreError) return { reason: "GitError", message: e.message.split("\n")[0]!, fatal: true, transient: true };
  if (e instanceof LlmApiError) {
    const auth = e.status === 401 || e.status === 403;
    return { reason: auth ? "ProviderAuth" : e.isRetryable ? "ProviderUnavailable" : "ProviderError", message: e.message, fatal: auth, transient: e.isRetryable || auth };
  }
  throw e;
}

/** A failed action, with what its model calls cost before it failed, so status.yaml's usage sees every token. */
export class ActionError extends Error {
  override name = "ActionError";
  readonly usage: UsageTotals;
  constructor(cause: unknown, usage: ActionError["usage"]) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.usage = usage;
  }
}

/** Runs an action's body so that a failure carries what its calls cost (see ActionError). */
export async function accounted<T>(usage: ActionError["usage"], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    throw usage.calls && !(e instanceof ActionError) ? new ActionError(e, usage) : e;
  }
}
