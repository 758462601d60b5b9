// planAgency(model, templates) → ReconcilePlan: the heart of `ateams plan` and `ateams run`. Pure.
import type { AgencyModel } from "../agency/model.ts";
import type { Templates } from "../prompts/templates.ts";
import { addEstimates, ZERO } from "./estimate.ts";
import { planProject } from "./plan-project.ts";
import { LLM_ACTIONS, type ReconcilePlan } from "./types.ts";

/**
 * `now` (ISO time) decides whether a failed action's backoff is over (status/retry.ts); without it (`ateams plan`)
 * every wait counts as over and the action's reason says when it is due.
 */
export function planAgency(model: AgencyModel, templates: Templates, only?: readonly string[], now?: string): ReconcilePlan {
  const projects = [...model.projects.values()]
    .filter((p) => !only?.length || only.includes(p.id))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((p) => planProject(model, p, templates, now));
  const actions = projects.flatMap((p) => p.actions);
  const sum = projects.reduce((s, p) => addEstimates(s, p.estimate), ZERO);
  return { projects, totals: { ...sum, actions: actions.length, llmCalls: actions.filter((a) => LLM_ACTIONS.has(a.kind)).length } };
}
