// Errors → outcomes, in one place: which condition reason a failure records, whether the run goes on, and whether
// the same inputs may be retried by a later run without a person asking. Switches on class, never on message text.
import { LlmApiError, LlmConfigError, LlmTimeoutError, StructuredOutputError, ToolStepLimitError } from "../llm/index.ts";
import { BudgetExceededError } from "./budget.ts";

export interface Outcome {
  reason: string;
  message: string;
  /** Stop the whole run (bad key, no provider): every other call would fail the same way. */
  fatal: boolean;
  /** A later run may retry the same inputs on its own (the provider was down, not the work wrong). */
  transient: boolean;
  budget?: "run" | "project";
}

export function outcomeOf(e: unknown): Outcome {
  if (e instanceof BudgetExceededError) return { reason: "BudgetExceeded", message: e.message, fatal: e.scope === "run", transient: true, budget: e.scope };
  if (e instanceof StructuredOutputError) return { reason: "InvalidReply", message: `no valid reply after ${e.attempts} attempt(s): ${e.errors.slice(0, 3).join("; ")}`, fatal: false, transient: false };
  if (e instanceof ToolStepLimitError) return { reason: "ToolStepLimit", message: e.message, fatal: false, transient: false };
  if (e instanceof LlmTimeoutError) return { reason: "ProviderTimeout", message: e.message, fatal: false, transient: true };
  if (e instanceof LlmConfigError) return { reason: "ProviderNotConfigured", message: e.message, fatal: true, transient: true };
  if (e instanceof LlmApiError) {
    const auth = e.status === 401 || e.status === 403;
    return { reason: auth ? "ProviderAuth" : e.isRetryable ? "ProviderUnavailable" : "ProviderError", message: e.message, fatal: auth, transient: e.isRetryable || auth };
  }
  throw e;
}
