// Which task a piece of feedback is about: the one whose output file was commented on, or the one named first.
import type { Plan, Stream, Task } from "../spec/types.gen.ts";

export interface TaskRef {
  stream: Stream;
  task: Task;
}

/**
 * The task that declares the output at `file`, a repository path ending in `projects/<project>/outputs/<stream>/
 * <path>` (the agency directory may sit anywhere in the repository, so only that tail is matched).
 */
export function taskForFile(plan: Plan | undefined, project: string, file: string): (TaskRef & { path: string }) | undefined {
  const m = new RegExp(`(?:^|/)projects/${escape(project)}/outputs/([^/]+)/(.+)$`).exec(file);
  if (!m) return undefined;
  const stream = plan?.streams?.find((s) => s.id === m[1]);
  const path = m[2]!;
  const task = stream?.tasks.find((t) => t.outputs.some((o) => o.path.replace(/^\.\//, "") === path));
  return stream && task ? { stream, task, path } : undefined;
}

/** The task with this id, in `stream` when given, otherwise anywhere in the plan. */
export function taskById(plan: Plan | undefined, id: string, stream?: string): TaskRef | undefined {
  for (const s of plan?.streams ?? []) {
    if (stream !== undefined && s.id !== stream) continue;
    const task = s.tasks.find((t) => t.id === id);
    if (task) return { stream: s, task };
  }
  return undefined;
}

/** The first word of `text` as a possible task id: `draft`, `[draft]` or `draft:` all give `draft`. */
export function leadingWord(text: string): string | undefined {
  const m = /^\[?([A-Za-z0-9][A-Za-z0-9-]*)\]?:?(?=\s|$)/.exec(text.trim());
  return m?.[1]!.toLowerCase();
}

/** Says where a line comment points, so the Specialist finds the spot: "On `final.md` line 12: …". */
export function located(text: string, path: string, line: number | undefined): string {
  return `On \`${path}\`${line ? ` line ${line}` : ""}: ${text}`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
