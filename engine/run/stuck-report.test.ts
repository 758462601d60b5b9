import { describe, expect, it } from "vitest";
import { ZERO } from "../plan/estimate.ts";
import type { Action, ActionKind, ReconcilePlan } from "../plan/types.ts";
import { scopeOf } from "./startable.ts";
import { stuckReport, type EndState } from "./stuck-report.ts";
import { planAction } from "../../test/support/plan-actions.ts";

const act = (kind: ActionKind, name: string, opts: { after?: string[]; stream?: string } = {}): Action => planAction(kind, name, opts);

/** A task and its check, as the planner adds them. */
const task = (name: string, stream: string, after: string[] = []): [Action, Action] => {
  const run = act("run-task", name, { stream, after });
  return [run, act("verify-task", name, { stream, after: [run.id] })];
};

const planOf = (...actions: Action[]): ReconcilePlan => ({
  projects: [{ id: "p", stage: "running", summary: "", oversight: "autonomous", actions, blocked: [], taughtSince: [], estimate: ZERO }],
  totals: { ...ZERO, actions: actions.length, llmCalls: 0 },
});

/** As the run scopes its actions: kinds the engine carries out, and in a --stream job only its streams' tasks. */
const state = (plan: ReconcilePlan, over: Partial<EndState> = {}): EndState => {
  const streams = over.streams;
  return {
    plan,
    stopped: new Set(),
    inScope: scopeOf(streams),
    tried: () => false,
    left: () => false,
    ...over,
  };
};

const ids = (as: Action[]) => as.map((a) => a.id);

describe("stuckReport", () => {
  it("reports an action tried in this run as stuck", () => {
    const [run1, verify1] = task("t1", "s1");
    const [run2, verify2] = task("t2", "s1", [verify1.id]);
    const r = stuckReport(state(planOf(run1, verify1, run2, verify2), { tried: (a) => a.id === run1.id }));
    // t1 was tried and is still wanted; t2 waits on it, in this run's scope, so it is stuck with it.
    expect(ids(r.stuck)).toEqual([run1.id, run2.id]);
    expect(r.waiting).toEqual([]);
  });

  it("reports nothing stuck of a stopped project", () => {
    const [run1, verify1] = task("t1", "s1");
    expect(stuckReport(state(planOf(run1, verify1), { tried: () => true, stopped: new Set(["p"]) })).stuck).toEqual([]);
  });

  it("does not report an action waiting on another job's stream, and says what it waits on", () => {
    const [other, otherCheck] = task("t1", "s2");
    const [run2, verify2] = task("t2", "s1", [otherCheck.id]);
    const [run3, verify3] = task("t3", "s1", [verify2.id]);
    const r = stuckReport(state(planOf(other, otherCheck, run2, verify2, run3, verify3), { streams: ["s1"] }));
    expect(r.stuck).toEqual([]);
    expect(r.waiting).toEqual([
      { project: "p", stream: "s1", task: "t2", on: ["s2/t1"] },
      { project: "p", stream: "s1", task: "t3", on: ["s2/t1"] },
    ]);
  });

  it("still reports a stream job's action it tried, whatever it waits on", () => {
    const [other, otherCheck] = task("t1", "s2");
    const [run2, verify2] = task("t2", "s1", [otherCheck.id]);
    const r = stuckReport(state(planOf(other, otherCheck, run2, verify2), { streams: ["s1"], tried: (a) => a.id === run2.id }));
    expect(ids(r.stuck)).toEqual([run2.id]);
  });

  it("does not report an action waiting on a task a fan-out reconcile left for its stream job", () => {
    const [run1, verify1] = task("t1", "s1");
    const [run2, verify2] = task("t2", "s1", [verify1.id]);
    const merge = act("merge-stream", "s1", { after: [verify2.id] });
    const plan = planOf(run1, verify1, run2, verify2, merge);
    const left = (a: Action) => a.id === run1.id;
    expect(stuckReport(state(plan, { tried: left, left })).stuck).toEqual([]);
    // Tried and not left (it failed): the same work is stuck.
    expect(ids(stuckReport(state(plan, { tried: left })).stuck)).toEqual([run1.id, run2.id, merge.id]);
  });
});
