// One executor per kind of action the run carries out, in a table: what each kind does, and the line it adds to the
// run's failures when it ends badly. The waiting kinds (a person approves, reviews) and a task's check (done inside
// its task) have none.
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Action, ActionKind, ActionOf } from "../plan/types.ts";
import { executeAssembly } from "./execute-assembly.ts";
import { executeLearning } from "./execute-learning.ts";
import { executePlanning } from "./execute-planning.ts";
import { executeMergeStream, executeVerifyStream } from "./execute-stream.ts";
import { executeTask } from "./execute-task.ts";
import type { RunContext } from "./run-context.ts";
import type { ActionMeter } from "./action-meter.ts";

export interface ExecuteEnv {
  ctx: RunContext;
  /** The agency as loaded when the action was planned. */
  model: AgencyModel;
  project: LoadedProject;
  /** A fan-out reconcile adopts task work a stream job pushed, and leaves the rest to the next wave's job. */
  fanOut: boolean;
  /** Records the action's model calls (ctx.deps reports to it); a finished task commits them with its work. */
  meter: ActionMeter;
}

export interface Executed {
  /** One line for the run's report when the action ended without doing its work. */
  failure?: string;
  /** A task a fan-out reconcile left for its stream job. */
  left?: boolean;
}

type Executor<K extends ActionKind> = (action: ActionOf<K>, env: ExecuteEnv) => Promise<Executed>;

const planning: Executor<"propose-plan" | "decompose-plan" | "approve-plan"> = async (action, { ctx, model, project }) => {
  await executePlanning(ctx, model, project, action);
  return {};
};

const EXECUTORS: { [K in ActionKind]?: Executor<K> } = {
  "propose-plan": planning,
  "decompose-plan": planning,
  "approve-plan": planning,
  async "run-task"(action, { ctx, model, project, fanOut, meter }) {
    const r = await executeTask(ctx, model, project, action, { adoptOnly: fanOut, meter });
    if (r === "left") return { left: true };
    return r === "failed" || r === "blocked" ? { failure: `${project.id}/${action.task}: ${r}` } : {};
  },
  async "verify-stream"(action, { ctx, model, project }) {
    return (await executeVerifyStream(ctx, model, project, action)) === "blocked" ? { failure: `${project.id}/${action.stream}: stream blocked` } : {};
  },
  async "merge-stream"(action, { ctx, project }) {
    return (await executeMergeStream(ctx, project, action)) === "conflict" ? { failure: `${project.id}/${action.stream}: merge conflict` } : {};
  },
  async assemble(action, { ctx, model, project }) {
    await executeAssembly(ctx, model, project, action);
    return {};
  },
  async "review-stream"(action, { ctx, model, project }) {
    await executeLearning(ctx, model, project, action);
    return {};
  },
  async "review-learning"(action, { ctx, model, project }) {
    await executeLearning(ctx, model, project, action);
    return {};
  },
};

/** The kinds the engine carries out itself. */
export const EXECUTABLE: ReadonlySet<ActionKind> = new Set(Object.keys(EXECUTORS) as ActionKind[]);

export function executeAction(action: Action, env: ExecuteEnv): Promise<Executed> {
  // The table is keyed by kind, so the executor found takes exactly this action's shape.
  const execute = EXECUTORS[action.kind] as Executor<ActionKind> | undefined;
  if (!execute) throw new Error(`internal error: ${action.id} is not carried out by the engine`);
  return execute(action as ActionOf<ActionKind>, env);
}
