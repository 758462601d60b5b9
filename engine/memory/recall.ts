// What a prompt recalls from memory: the query a task or a project is ranked by, the scope it draws on, the budget
// agency.yaml sets. The Specialist's system message and `ateams plan --show-prompts` both come through here.
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Agency, Stream, Task } from "../agency/types.gen.ts";
import type { MemoryRanker } from "./ranker.ts";
import { entriesIn } from "./scope.ts";
import { DEFAULT_TOKEN_BUDGET, selectMemory, type MemorySelection } from "./select.ts";

export function memoryBudget(agency: Agency): number {
  return agency.memory?.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
}

/** A task as a query: what it is for and what it must meet, in the words the PM wrote. */
export function taskQuery(stream: Stream, task: Task): string {
  return [task.title, task.description, ...task.criteria, stream.goal].filter(Boolean).join("\n");
}

export function projectQuery(project: LoadedProject): string {
  const p = project.spec;
  return [p.name, ...p.objectives, ...(p.constraints ?? []), p.deliverable?.description ?? ""].filter(Boolean).join("\n");
}

/** `question`: asked of the role about this task (`/ask`), ranked by it first. */
export function recallForTask(ranker: MemoryRanker, model: AgencyModel, stream: Stream, task: Task, question?: string): Promise<MemorySelection> {
  const query = question ? `${question}\n${taskQuery(stream, task)}` : taskQuery(stream, task);
  return selectMemory(ranker, entriesIn(model.memory, { kind: "role", role: task.role }), query, memoryBudget(model.spec));
}

/** The PM's recall when it plans a project: its own observations and earlier projects' analyses. */
export function recallForProject(ranker: MemoryRanker, model: AgencyModel, project: LoadedProject): Promise<MemorySelection> {
  return selectMemory(ranker, entriesIn(model.memory, { kind: "project-manager" }), projectQuery(project), memoryBudget(model.spec));
}
