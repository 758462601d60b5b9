// The system message an action would send, for `ateams plan --show-prompts`: rendered by the functions the run
// renders with (a Specialist's and the planning PM's come with what memory recalls for them, as the run sends it).
import type { AgencyModel } from "../agency/model.ts";
import type { Tool } from "../agency/types.gen.ts";
import type { Templates } from "../prompts/templates.ts";
import { specialistSystem } from "../prompts/specialist-prompt.ts";
import { collaboratorView, learningView, pmView } from "../prompts/views.ts";
import { assertNever } from "../agency/assert-never.ts";
import type { Action } from "../plan/types.ts";
import { recallForProject, recallForTask } from "../memory/recall.ts";
import type { MemoryRanker } from "../memory/ranker.ts";

/**
 * `canRun` says which tools this machine can run (engine/tools/registry.ts) and `memory` ranks agency/memory/ (the
 * run's ranker): the planner is handed both, loading neither.
 */
export async function systemPromptFor(model: AgencyModel, templates: Templates, action: Action, canRun: (t: Tool) => boolean, memory: MemoryRanker): Promise<string | undefined> {
  const project = model.projects.get(action.project)!;
  const stream = project.plan?.streams?.find((s) => s.id === action.stream);
  switch (action.kind) {
    case "propose-plan":
    case "decompose-plan":
      return templates.render("pm.system", pmView(model, project, await recallForProject(memory, model, project)));
    case "assemble":
      return templates.render("pm.system", pmView(model, project));
    case "run-task": {
      const task = stream?.tasks.find((t) => t.id === action.task);
      return stream && task ? specialistSystem(templates, model, project, stream, task, canRun, await recallForTask(memory, model, stream, task)) : undefined;
    }
    case "verify-task":
    case "verify-stream":
      return stream ? templates.render("collaborator.system", collaboratorView(model, project, stream)) : undefined;
    case "review-learning":
    case "review-stream":
      return templates.render("learning.system", learningView(model, project));
    case "approve-plan":
    case "await-approval":
    case "merge-stream":
    case "await-review":
      return undefined;
    default:
      return assertNever(action);
  }
}
