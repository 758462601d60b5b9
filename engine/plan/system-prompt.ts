// The system message an action would send, for `ateams plan --show-prompts`.
import type { AgencyModel } from "../spec/model.ts";
import type { Templates } from "../prompts/templates.ts";
import { collaboratorView, pmView, specialistView } from "../prompts/views.ts";
import type { Action } from "./types.ts";

export function systemPromptFor(model: AgencyModel, templates: Templates, action: Action): string | undefined {
  const project = model.projects.get(action.project)!;
  const stream = project.plan?.streams?.find((s) => s.id === action.stream);
  switch (action.kind) {
    case "propose-plan":
    case "decompose-plan":
    case "assemble":
      return templates.render("pm.system", pmView(model, project));
    case "run-task": {
      const task = stream?.tasks.find((t) => t.id === action.task);
      return stream && task ? templates.render("specialist.system", specialistView(model, project, stream, task)) : undefined;
    }
    case "verify-task":
    case "verify-stream":
      return stream ? templates.render("collaborator.system", collaboratorView(model, project, stream)) : undefined;
    default:
      return undefined;
  }
}
