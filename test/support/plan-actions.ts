// Plan actions for tests of the run loop's pure parts (what starts, what is left stuck): the shape the planner gives,
// with only what those parts read filled in.
import { ZERO } from "../../engine/plan/estimate.ts";
import type { Action, ActionKind } from "../../engine/plan/types.ts";

const TASK_KINDS: ReadonlySet<ActionKind> = new Set(["run-task", "verify-task"]);
const STREAM_KINDS: ReadonlySet<ActionKind> = new Set(["verify-stream", "merge-stream", "await-review", "review-stream"]);

/** Action `kind` named `name` (a task's id, or a stream's for a stream's action); a task's stream defaults to its name. */
export function planAction(kind: ActionKind, name: string, { after = [], stream = name, project = "p" }: { after?: string[]; stream?: string; project?: string } = {}): Action {
  return {
    id: `${kind}:${project}/${name}`,
    kind,
    project,
    stream: TASK_KINDS.has(kind) || STREAM_KINDS.has(kind) ? stream : null,
    task: TASK_KINDS.has(kind) ? name : null,
    role: null,
    agent: "engine",
    tier: null,
    model: null,
    reason: "",
    routing: null,
    fingerprint: `fp-${name}`,
    after,
    estimate: ZERO,
  } as Action;
}
