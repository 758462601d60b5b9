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

/** Kinds the engine does not carry out: a person approves the plan or reviews a stream; a task's check is done by the task's own run. */
type NotExecuted = "await-approval" | "await-review" | "verify-task";

/** The kinds the engine carries out itself. */
export type ExecutableKind = Exclude<ActionKind, NotExecuted>;

type Executor<K extends ActionKind> = (action: ActionOf<K>, env: ExecuteEnv) => Promise<Executed>;

const planning: Executor<"propose-plan" | "decompose-plan" | "approve-plan"> = async (action, { ctx, model, project }) => {
  await executePlanning(ctx, model, project, action);
  return {};
};

const learning: Executor<"review-stream" | "review-learning"> = async (action, { ctx, model, project }) => {
  await executeLearning(ctx, model, project, action);
  return {};
};

/** Total over the executable kinds: a new kind of action does not typecheck until it has an executor here or is NotExecuted. */
const EXECUTORS: { [K in ExecutableKind]: Executor<K> } = {
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
  "review-stream": learning,
  "review-learning": learning,
};

/** Whether the engine carries out actions of this kind itself (the rest wait on people, or on their task). */
export function isExecutable(kind: ActionKind): kind is ExecutableKind {
  return Object.hasOwn(EXECUTORS, kind);
}

export function executeAction(action: Action, env: ExecuteEnv): Promise<Executed> {
  const kind = action.kind;
  if (!isExecutable(kind)) throw new Error(`internal error: ${action.id} is not carried out by the engine`);
  return dispatch(kind, action, env);
}

/**
 * The table is keyed by kind, so the executor found takes exactly this action's shape. Typed through one kind `K`
 * (TypeScript's correlated-union pattern), so the look-up needs no cast; `kind` must be `action.kind`.
 */
function dispatch<K extends ExecutableKind>(kind: K, action: ActionOf<K>, env: ExecuteEnv): Promise<Executed> {
  const execute: Executor<K> = EXECUTORS[kind];
  return execute(action, env);
}
