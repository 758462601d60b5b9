import { describe, expect, it } from "vitest";
import { ZERO } from "../plan/estimate.ts";
import type { Action, ActionKind, ReconcilePlan } from "../plan/types.ts";
import { startableActions, type StartState } from "./startable.ts";

const act = (kind: ActionKind, name: string, after: string[] = [], project = "p"): Action => ({
  id: `${kind}:${project}/${name}`,
  kind,
  project,
  stream: kind === "merge-stream" || kind === "verify-stream" ? name : null,
  task: kind === "run-task" ? name : null,
  role: null,
  agent: "engine",
  tier: null,
  model: null,
  reason: "",
  routing: null,
  fingerprint: `fp-${name}`,
  after,
  estimate: ZERO,
}) as Action;

const planOf = (...actions: Action[]): ReconcilePlan => {
  const projects = [...new Set(actions.map((a) => a.project))].map((id) => ({
    id,
    stage: "in-review" as const,
    summary: "",
    oversight: "autonomous",
    actions: actions.filter((a) => a.project === id),
    blocked: [],
    estimate: ZERO,
  }));
  return { projects, totals: { ...ZERO, actions: actions.length, llmCalls: 0 } };
};

const state = (plan: ReconcilePlan, over: Partial<StartState> = {}): StartState => ({
  plan,
  stopped: new Set(),
  inScope: () => true,
  tried: () => false,
  inflight: new Set(),
  checking: new Map(),
  concurrency: 10,
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

  it("starts an assembly with the merges it waits for, after them", () => {
    expect(ids(startableActions(state(planOf(mergeA, mergeB, assemble))))).toEqual([mergeA.id, mergeB.id, assemble.id]);
  });

  it("starts an assembly whose merges are running", () => {
    const s = state(planOf(mergeA, mergeB, assemble), { inflight: new Set([mergeA.id, mergeB.id]), tried: (a) => a.kind === "merge-stream" });
    expect(ids(startableActions(s))).toEqual([assemble.id]);
  });

  it("does not start an assembly early when a slot for one of its merges would be missing", () => {
    // Two slots: both merges start, the assembly waits for the next round.
    expect(ids(startableActions(state(planOf(mergeA, mergeB, assemble), { concurrency: 2 })))).toEqual([mergeA.id, mergeB.id]);
    // One free slot: one merge starts now; an assembly started later in the list would wait on the other for good.
    const other = act("run-task", "elsewhere", [], "q");
    const s = state(planOf(mergeA, mergeB, assemble, other), { concurrency: 2, inflight: new Set([other.id]), tried: (a) => a.id === other.id });
    expect(ids(startableActions(s))).toEqual([mergeA.id, mergeB.id]);
  });

  it("does not start an assembly early when a merge it waits for still waits itself", () => {
    const check = act("verify-stream", "b");
    const mergeAfterCheck = act("merge-stream", "b", [check.id]);
    const asm = act("assemble", "deliverable", [mergeA.id, mergeAfterCheck.id]);
    expect(ids(startableActions(state(planOf(mergeA, check, mergeAfterCheck, asm))))).toEqual([check.id]);
  });

  it("holds merges, and an assembly with them, while a stream check of the project runs", () => {
    const s = state(planOf(mergeA, mergeB, assemble), { checking: new Map([["p", 1]]) });
    expect(ids(startableActions(s))).toEqual([]);
    // Another project's check holds nothing here.
    expect(ids(startableActions(state(planOf(mergeA, mergeB, assemble), { checking: new Map([["q", 1]]) })))).toEqual([mergeA.id, mergeB.id, assemble.id]);
  });

  it("does not start an assembly early on a merge still running with other inputs", () => {
    // merge-stream:p/a runs for the stream as it was; the plan now wants it again with a new fingerprint, and its
    // answer would not be the one the assembly waits for (nor can the new one start before the old one ends).
    const newer = { ...mergeA, fingerprint: "fp-a-newer" } as Action;
    const asm = act("assemble", "deliverable", [newer.id, mergeB.id]);
    const ranOld = (a: Action) => a.id === mergeA.id && a.fingerprint === mergeA.fingerprint;
    const s = state(planOf(newer, mergeB, asm), { inflight: new Set([mergeA.id]), tried: ranOld });
    expect(ids(startableActions(s))).toEqual([newer.id, mergeB.id]);
    // The same while the new merge itself still waits on work.
    const task = act("run-task", "a9");
    const waitingMerge = { ...newer, after: [task.id] } as Action;
    const asm2 = act("assemble", "deliverable", [waitingMerge.id]);
    expect(ids(startableActions(state(planOf(task, waitingMerge, asm2), { inflight: new Set([mergeA.id]), tried: ranOld })))).toEqual([task.id]);
  });

  it("does not start an assembly early after one of its merges was tried and is no longer running", () => {
    // The merge failed (or finished since the plan was made): the next plan decides.
    const s = state(planOf(mergeA, mergeB, assemble), { tried: (a) => a.id === mergeA.id });
    expect(ids(startableActions(s))).toEqual([mergeB.id]);
  });

  it("never starts an assembly early after anything but merges", () => {
    const check = act("verify-stream", "c");
    const asm = act("assemble", "deliverable", [mergeA.id, check.id]);
    expect(ids(startableActions(state(planOf(mergeA, check, asm))))).toEqual([check.id]);
  });

  it("starts nothing of a stopped project and nothing tried already", () => {
    const t1 = act("run-task", "t1");
    const t2 = act("run-task", "t2", [], "q");
    expect(ids(startableActions(state(planOf(t1, t2), { stopped: new Set(["q"]) })))).toEqual([t1.id]);
    expect(ids(startableActions(state(planOf(t1, t2), { tried: (a) => a.id === t1.id })))).toEqual([t2.id]);
  });
});
