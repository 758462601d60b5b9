// Which task a piece of feedback is about: the one whose output file was commented on, or the one named first.
import type { Plan, Stream, Task } from "../agency/types.gen.ts";

export interface TaskRef {
  stream: Stream;
  task: Task;
}

/** Where the agency directory sits in the repository when the context does not say: the default `--agency`. */
export const DEFAULT_AGENCY_PATH = "agency";

/**
 * The task that declares the output at `file`, the repository path `<agencyPath>/projects/<project>/outputs/
 * <stream>/<path>` exactly: a look-alike such as `x/agency/projects/…` outside the agency directory is no task's
 * output, and neither is a path with `.` or `..` segments (GitHub never sends one for a file in the diff).
 */
export function taskForFile(plan: Plan | undefined, project: string, file: string, agencyPath = DEFAULT_AGENCY_PATH): (TaskRef & { path: string }) | undefined {
  const root = agencyPath.replace(/^\.?\/+|\/+$/g, "");
  const prefix = `${root ? `${root}/` : ""}projects/${project}/outputs/`;
  if (!file.startsWith(prefix) || file.includes("\\") || file.split("/").some((seg) => seg === "." || seg === ".." || seg === "")) return undefined;
  const rest = file.slice(prefix.length);
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  const stream = plan?.streams?.find((s) => s.id === rest.slice(0, slash));
  const path = rest.slice(slash + 1);
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
