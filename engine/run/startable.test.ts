import { describe, expect, it } from "vitest";
import { ZERO } from "../plan/estimate.ts";
import type { Action, ActionKind, ReconcilePlan } from "../plan/types.ts";
import { startableActions, type StartState } from "./startable.ts";
import { planAction } from "../../test/support/plan-actions.ts";

const act = (kind: ActionKind, name: string, after: string[] = [], project = "p"): Action => planAction(kind, name, { after, project });

const planOf = (...actions: Action[]): ReconcilePlan => {
  const projects = [...new Set(actions.map((a) => a.project))].map((id) => ({
    id,
    stage: "in-review" as const,
    summary: "",
    oversight: "autonomous",
    actions: actions.filter((a) => a.project === id),
    blocked: [],
    taughtSince: [],
    estimate: ZERO,
  }));
  return { projects, totals: { ...ZERO, actions: actions.length, llmCalls: 0 } };
};

const state = (plan: ReconcilePlan, over: Partial<StartState> = {}): StartState => ({
  plan,
  stopped: new Set(),
  inScope: () => true,
  tried: () => false,
  ...over,
});

const ids = (as: Action[]) => as.map((a) => a.id);

describe("startableActions", () => {
  const mergeA = act("merge-stream", "a");
  const mergeB = act("merge-stream", "b");
  const assemble = act("assemble", "deliverable", [mergeA.id, mergeB.id]);

  it("starts actions whose prerequisites are done, in plan order", () => {
    const t1 = act("run-task", "t1");
    const t2 = act("run-task", "t2", [t1.id]);
    const t3 = act("run-task", "t3");
    expect(ids(startableActions(state(planOf(t1, t2, t3))))).toEqual([t1.id, t3.id]);
  });

  it("starts an assembly only once every merge it waits for is done", () => {
    expect(ids(startableActions(state(planOf(mergeA, mergeB, assemble))))).toEqual([mergeA.id, mergeB.id]);
    expect(ids(startableActions(state(planOf(mergeB, assemble))))).toEqual([mergeB.id]);
    expect(ids(startableActions(state(planOf(assemble))))).toEqual([assemble.id]);
  });

  it("starts nothing of a stopped project and nothing tried already", () => {
    const t1 = act("run-task", "t1");
    const t2 = act("run-task", "t2", [], "q");
    expect(ids(startableActions(state(planOf(t1, t2), { stopped: new Set(["q"]) })))).toEqual([t1.id]);
    expect(ids(startableActions(state(planOf(t1, t2), { tried: (a) => a.id === t1.id })))).toEqual([t2.id]);
  });
});
