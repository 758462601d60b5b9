// What a Specialist is sent for a task, rendered in one place: `ateams run` sends it and `ateams plan
// --show-prompts` prints it, so what the prompt says is what the plan shows — the role's lessons in the system
// message, and the upstream outputs, resources and feedback in the task message.
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Stream, Task, Tool } from "../agency/types.gen.ts";
import type { MemorySelection } from "../memory/select.ts";
import type { Templates } from "./templates.ts";
import { specialistView } from "./views.ts";

export interface PromptFile {
  path: string;
  content: string;
}

/** Everything the task message carries besides the task itself. */
export interface SpecialistInputs {
  upstream: { task: string; title: string; files: PromptFile[] }[];
  resources: { id: string; kind: string; description: string | null; location: string | null; content: string | null }[];
  /** Human feedback recorded on the task, then the Collaborator's from earlier rounds. */
  feedback: { by: string; text: string }[];
  /** The previous round's files, when revising. */
  previous: PromptFile[];
}

/**
 * The system message: the role, project and stream, the tools that can run (`canRun`, engine/tools/registry.ts), and
 * what memory recalled for the task (engine/memory/recall.ts).
 */
export function specialistSystem(templates: Templates, model: AgencyModel, project: LoadedProject, stream: Stream, task: Task, canRun: (t: Tool) => boolean, memory: MemorySelection): string {
  return templates.render("specialist.system", specialistView(model, project, stream, task, canRun, memory));
}

export function specialistTaskMessage(templates: Templates, task: Task, inputs: SpecialistInputs): string {
  return templates.render("specialist.task", {
    task: { ...task, outputs: task.outputs.map((o) => ({ path: o.path, description: o.description ?? null })) },
    upstream: inputs.upstream,
    resources: inputs.resources,
    feedback: inputs.feedback,
    previous: inputs.previous,
  });
}
