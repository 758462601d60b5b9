// `ateams plan --show-prompts`: for each action, the messages its model call would send, rendered by the same
// functions the run renders them with. A Specialist's task message needs the repository (upstream outputs on their
// stream branches, resources); outside a git repository only the system messages are shown.
import { systemPromptFor } from "./system-prompt.ts";
import type { Action } from "../plan/types.ts";
import { specialistTaskMessage } from "../prompts/specialist-prompt.ts";
import type { Templates } from "../prompts/templates.ts";
import { taskInputs } from "../run/task-inputs.ts";
import type { Workspace } from "../run/workspace.ts";
import type { AgencyModel } from "../agency/model.ts";
import { canRun } from "../tools/registry.ts";
import type { MemoryRanker } from "../memory/ranker.ts";

export interface ActionPrompts {
  systemPrompt: string | null;
  /** The first message of a run-task action's call (the task, its inputs and feedback); null for other actions. */
  userPrompt: string | null;
}

export async function promptsFor(model: AgencyModel, templates: Templates, ws: Workspace | undefined, action: Action, memory: MemoryRanker): Promise<ActionPrompts> {
  const systemPrompt = (await systemPromptFor(model, templates, action, canRun, memory)) ?? null;
  if (action.kind !== "run-task" || !ws) return { systemPrompt, userPrompt: null };
  const project = model.projects.get(action.project)!;
  const task = project.plan?.streams?.find((s) => s.id === action.stream)?.tasks.find((t) => t.id === action.task);
  if (!task) return { systemPrompt, userPrompt: null };
  return { systemPrompt, userPrompt: specialistTaskMessage(templates, task, await taskInputs(ws, model, project, task, project.status)) };
}
