// The metrics of one action (schemas/metrics.schema.json): a record per model call it makes, repairs and tool rounds
// included, and how a task attempt ended. A finished task takes its records into its own commit; what is left (a
// failed attempt, planning, stream checks, assembly) goes to the project's file with its status, or in a `--stream` job to its stream's file on the stream
// branch (run-action.ts).
import type { AgentDeps } from "../agents/call.ts";
import type { LoadedProject } from "../agency/model.ts";
import type { Action } from "../plan/types.ts";
import { costOf } from "../agency/usage.ts";
import type { CallRecord, MetricsRecord, TaskRecord } from "../metrics/records.ts";

/**
 * Who the calls are for: a task's attempt (its stream, id and role, which its task record needs), or another action
 * of the project (its kind, and its stream when it has one).
 */
export type MeterScope = TaskScope | OtherScope;

interface TaskScope {
  kind: "task";
  project: string;
  action: string;
  stream: string;
  task: string;
  role: string;
}

interface OtherScope {
  kind: "other";
  project: string;
  action: string;
  stream?: string;
}

/** What an action's calls are recorded under: its kind, and for a task its stream, id and role. */
export function meterScope(action: Action, project: LoadedProject): MeterScope {
  if (action.task !== null) {
    const role = project.plan?.streams?.find((s) => s.id === action.stream)?.tasks.find((t) => t.id === action.task)?.role;
    // A task missing from the project's plan fails before its first call (execute-task.ts): nothing is recorded.
    if (role !== undefined) return { kind: "task", project: project.id, action: action.kind, stream: action.stream, task: action.task, role };
  }
  return { kind: "other", project: project.id, action: action.kind, ...(action.stream !== null ? { stream: action.stream } : {}) };
}

export class ActionMeter {
  #records: MetricsRecord[] = [];
  readonly #scope: MeterScope;
  readonly #now: () => string;

  constructor(scope: MeterScope, now: () => string) {
    this.#scope = scope;
    this.#now = now;
  }

  /** The agents' dependencies with every call also recorded here. */
  deps(deps: AgentDeps): AgentDeps {
    return {
      ...deps,
      onCall: (info) => {
        deps.onCall?.(info);
        const { result, tier } = info;
        const s = this.#scope;
        const call: CallRecord = {
          kind: "call",
          at: this.#now(),
          project: s.project,
          ...(s.stream !== undefined ? { stream: s.stream } : {}),
          ...(s.kind === "task" ? { task: s.task } : {}),
          action: s.action,
          agent: info.agent,
          ...(s.kind === "task" ? { role: s.role } : {}),
          tier: tier.id,
          model: tier.model,
          inputTokens: result.usage.inputTokens,
          outputTokens: result.usage.outputTokens,
          // A reply from the response cache was not paid for.
          costUsd: result.cached ? 0 : Math.round(costOf(result.usage, tier.price) * 1e8) / 1e8,
          cached: result.cached,
          latencyMs: Math.round(result.latencyMs),
          ...(result.retries ? { retries: result.retries } : {}),
        };
        this.#records.push(call);
      },
    };
  }

  /** How a task attempt ended; scope fields (project, stream, task, role) come from the meter. */
  task(outcome: Omit<TaskRecord, "kind" | "at" | "project" | "stream" | "task" | "role">): TaskRecord {
    const s = this.#scope;
    if (s.kind !== "task") throw new Error(`internal error: ${s.project} ${s.action} is not a task; it has no task record`);
    const record: TaskRecord = { kind: "task", at: this.#now(), project: s.project, stream: s.stream, task: s.task, role: s.role, ...outcome };
    this.#records.push(record);
    return record;
  }

  /** Every record not yet taken, oldest first; the meter is empty afterwards. */
  take(): MetricsRecord[] {
    const out = this.#records;
    this.#records = [];
    return out;
  }
}
