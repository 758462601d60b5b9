// View models for the system-message templates. Every key a template reads is present (null or [] when
// absent), because templates render in strict mode.
import { BUILTIN_COMMANDS } from "../agency/builtin-commands.ts";
import { offerable } from "../agency/offerable.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Role, Stream, Task, Tool } from "../agency/types.gen.ts";
import { entryLine, type MemorySelection } from "../memory/select.ts";
import { maxRevisionRounds, oversightOf, projectDirector } from "../agency/settings.ts";

// Settings and their defaults are agency/settings.ts's; re-exported for the views' callers.
export { oversightOf };

/** The project as prompts see it: what the PM and Specialists are told (not budgets or tool config). */
export function projectView(project: LoadedProject) {
  const p = project.spec;
  return {
    id: p.id,
    name: p.name,
    objectives: p.objectives,
    successCriteria: p.successCriteria,
    constraints: p.constraints ?? [],
    deliverable: p.deliverable ?? null,
  };
}

function roleView(role: Role) {
  return { ...role, commands: role.commands ?? [], tools: role.tools ?? [] };
}

export function specialistIdOf(task: Task): string {
  return task.specialist ?? task.role;
}

/**
 * Without `canRun`, renders the prompt a task's fingerprint is taken from: no memory (it shapes future work, and
 * teaching a role something new must not redo everything it already finished; `ateams plan` lists the finished tasks
 * whose selection changed) and the tools the specs make complete. The prompt sent passes `canRun`
 * (engine/tools/registry.ts, handed in so this pure room loads no sandbox probe), the memory selected for the task
 * (engine/memory/select.ts) and only the tools that can run on this machine: whether this machine can close the code
 * sandbox must not make a task stale, nor may a model be told of a tool it cannot call.
 */
export function specialistView(model: AgencyModel, project: LoadedProject, stream: Stream, task: Task, canRun?: (t: Tool) => boolean, memory?: MemorySelection) {
  const role = model.roles.get(task.role)!.spec;
  const allowed = new Set(role.tools ?? []);
  const tools = [...(model.spec.tools ?? []), ...(project.spec.tools ?? [])]
    .filter((t) => allowed.has(t.id) && (canRun ? canRun(t) : offerable(t)))
    .map((t) => ({ id: t.id, kind: t.kind, description: t.description ?? null }));
  const handles = new Set((stream.humanSpecialists ?? []).map((h) => h.toLowerCase()));
  return {
    agency: { name: model.spec.name },
    project: projectView(project),
    stream: { id: stream.id, title: stream.title, goal: stream.goal, successCriteria: stream.successCriteria },
    role: roleView(role),
    specialist: specialistIdOf(task),
    humanSpecialists: (project.spec.humanSpecialists ?? []).filter((h) => handles.has(h.github.toLowerCase())),
    tools,
    builtinCommands: BUILTIN_COMMANDS,
    memory: memory?.entries.length ? memory.entries.map(entryLine) : null,
  };
}

export function collaboratorView(model: AgencyModel, project: LoadedProject, stream: Stream) {
  const seen = new Map<string, { id: string; role: Role }>();
  for (const t of stream.tasks) {
    const id = specialistIdOf(t);
    if (!seen.has(id)) seen.set(id, { id, role: model.roles.get(t.role)!.spec });
  }
  const handles = new Set((stream.humanSpecialists ?? []).map((h) => h.toLowerCase()));
  return {
    agency: { name: model.spec.name },
    project: projectView(project),
    stream: { id: stream.id, title: stream.title, goal: stream.goal, successCriteria: stream.successCriteria },
    specialists: [...seen.values()],
    humanSpecialists: (project.spec.humanSpecialists ?? []).filter((h) => handles.has(h.github.toLowerCase())),
    maxRevisionRounds: maxRevisionRounds(model.spec),
    maxFeedbackItems: 5,
    instructions: stream.collaborator?.instructions ?? model.spec.collaborator?.instructions ?? null,
  };
}

/** `memory`: what the PM recalls when it plans (engine/memory/recall.ts recallForProject); none for other PM calls. */
export function pmView(model: AgencyModel, project: LoadedProject, memory?: MemorySelection) {
  const a = model.spec;
  const oversight = oversightOf(model, project);
  return {
    agency: { name: a.name },
    director: projectDirector(a, project.spec),
    project: projectView(project),
    oversight,
    autonomous: oversight === "autonomous",
    roles: [...model.roles.values()].map((r) => r.spec),
    criteria: a.models.routing.criteria,
    tiers: a.models.tiers,
    tools: [...(a.tools ?? []), ...(project.spec.tools ?? [])],
    resources: [...(a.resources ?? []), ...(project.spec.resources ?? [])],
    instructions: a.projectManager?.instructions ?? null,
    memory: memory?.entries.length ? memory.entries.map(entryLine) : null,
  };
}

export function learningView(model: AgencyModel, project: LoadedProject) {
  const a = model.spec;
  const roleIds = new Set((project.plan?.streams ?? []).flatMap((s) => s.tasks.map((t) => t.role)));
  return {
    agency: { name: a.name },
    project: projectView(project),
    roles: [...model.roles.values()].filter((r) => roleIds.has(r.id)).map((r) => r.spec),
    criteria: a.models.routing.criteria,
    thresholds: a.models.routing.thresholds,
    instructions: a.learningManager?.instructions ?? null,
  };
}
