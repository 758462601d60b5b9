// What a Specialist is handed for one task: its direct upstream outputs and named resources — never whole
// histories, so a prompt stays the same size however long the project grows.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { isInside, resolveInside } from "../forge/safe-path.ts";
import type { FileText } from "../agents/specialist.ts";
import type { SpecialistInputs } from "../prompts/specialist-prompt.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Status, Task } from "../agency/types.gen.ts";
import type { Workspace } from "./workspace.ts";

/** Per file handed to a model; longer files are cut with a note, so one huge upstream output cannot blow the context. */
export const MAX_INPUT_CHARS = 24_000;

export function clip(text: string): string {
  return text.length <= MAX_INPUT_CHARS ? text : `${text.slice(0, MAX_INPUT_CHARS)}\n\n[… ${text.length - MAX_INPUT_CHARS} more characters not shown]`;
}

/**
 * What a task's first round is given: its direct upstream outputs, its resources and the feedback people recorded
 * on it. `ateams run` sends it and `ateams plan --show-prompts` prints it, read the same way.
 */
export async function taskInputs(ws: Workspace, model: AgencyModel, project: LoadedProject, task: Task, status: Status | undefined): Promise<SpecialistInputs> {
  const feedback = (status?.tasks?.[task.id]?.feedback ?? []).map((f) => ({ by: f.by, text: f.text }));
  return { upstream: await upstreamFiles(ws, project, task), resources: taskResources(ws, model, project, task), feedback, previous: [] };
}

export async function upstreamFiles(ws: Workspace, project: LoadedProject, task: Task) {
  const streams = project.plan?.streams ?? [];
  // Every file at once: each read is a round trip to git, and they do not depend on each other.
  const deps = await Promise.all(
    (task.dependsOn ?? []).map(async (dep) => {
      const stream = streams.find((s) => s.tasks.some((t) => t.id === dep));
      const upTask = stream?.tasks.find((t) => t.id === dep);
      if (!stream || !upTask) return undefined;
      const contents = await Promise.all(upTask.outputs.map((o) => ws.readOutput(project, stream.id, o.path)));
      const files: FileText[] = [];
      upTask.outputs.forEach((o, i) => {
        const content = contents[i];
        if (content !== undefined) files.push({ path: `${stream.id}/${o.path}`, content: clip(content) });
      });
      return { task: dep, title: upTask.title, files };
    }),
  );
  return deps.filter((d): d is NonNullable<typeof d> => d !== undefined);
}

/**
 * A resource's text, or null when it is missing or not inside `root`: the path is checked as given (safe-path.ts,
 * by path components, never by string prefix: `../repo-secret` is not inside `repo`), and again after symbolic links
 * are followed, so a link committed inside the repository cannot hand a prompt a file from outside it.
 */
export function readRepoText(root: string, path: string): string | null {
  try {
    const file = resolveInside(root, path);
    const real = realpathSync(file);
    if (!isInside(realpathSync(root), real)) return null;
    return statSync(real).isFile() ? clip(readFileSync(real, "utf8")) : null;
  } catch {
    return null; // unsafe, missing or unreadable: the prompt says there is no content
  }
}

export function taskResources(ws: Workspace, model: AgencyModel, project: LoadedProject, task: Task) {
  const all = [...(model.spec.resources ?? []), ...(project.spec.resources ?? [])];
  const out = [];
  for (const input of task.inputs ?? []) {
    if (input.resource) {
      const r = all.find((x) => x.id === input.resource);
      if (!r) continue;
      out.push({
        id: r.id,
        kind: r.kind,
        description: r.description ?? null,
        location: r.url ?? r.path ?? null,
        content: r.path ? readRepoText(ws.repoRoot, r.path) : null,
      });
    } else if (input.file) {
      out.push({ id: input.file, kind: "file", description: null, location: input.file, content: readRepoText(project.dir, input.file) });
    }
  }
  return out;
}

export function logPath(project: LoadedProject, stream: string, specialist: string): string {
  return join(project.dir, "log", stream, `${specialist}.md`);
}
