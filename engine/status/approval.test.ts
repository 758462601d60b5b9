import { describe, expect, it } from "vitest";
import { ZERO } from "../plan/estimate.ts";
import type { Action, ProjectPlan } from "../plan/types.ts";
import type { Agency, Project } from "../agency/types.gen.ts";
import { streamReview } from "./approval.ts";
import { directorHandle } from "../agency/settings.ts";
import { primary } from "./status-view.ts";

const project = (over: Partial<ProjectPlan> = {}): ProjectPlan => ({ id: "p", stage: "in-review", summary: "streams awaiting verification or review", oversight: "review-streams", actions: [], blocked: [], taughtSince: [], estimate: ZERO, ...over }) as ProjectPlan;
const action = (kind: Action["kind"], stream: string, after: string[] = []): Action => ({
  id: `${kind}:p/${stream}`,
  kind,
  project: "p",
  stream,
  task: null,
  role: null,
  agent: "director",
  tier: null,
  model: null,
  reason: "",
  routing: null,
  fingerprint: "f".repeat(16),
  after,
  estimate: ZERO,
}) as Action;

describe("streamReview", () => {
  it("accepts only a stream whose await-review waits on nothing", () => {
    expect(streamReview(project({ actions: [action("await-review", "s")] }), undefined, "s", "a".repeat(16))).toEqual({ kind: "accept", fingerprint: "a".repeat(16) });
    expect(streamReview(project({ actions: [action("verify-stream", "s"), action("await-review", "s", ["verify-stream:p/s"])] }), undefined, "s", "x").kind).toBe("refuse");
  });

  it("with engineMerge (/approve on a stream PR), also accepts a verified stream the engine would merge", () => {
    const merging = project({ oversight: "approve-plan", actions: [action("merge-stream", "s")] });
    expect(streamReview(merging, undefined, "s", "x").kind).toBe("refuse");
    expect(streamReview(merging, undefined, "s", "x", { engineMerge: true })).toEqual({ kind: "accept", fingerprint: "x" });
    const unverified = project({ oversight: "approve-plan", actions: [action("verify-stream", "s"), action("merge-stream", "s", ["verify-stream:p/s"])] });
    expect(streamReview(unverified, undefined, "s", "x", { engineMerge: true })).toEqual({ kind: "refuse", message: "stream s is not ready for review yet: it waits on verify-stream:p/s" });
  });

  it("says why not: plan not approved, project blocked, task blocked, already accepted", () => {
    const held = streamReview(project({ stage: "awaiting-approval", summary: "plan awaits the Director's choice (recommended: o1)" }), undefined, "s", "x");
    expect(held).toEqual({ kind: "refuse", message: "stream s has not started: plan awaits the Director's choice (recommended: o1)" });
    expect(streamReview(project({ stage: "blocked", summary: "blocked: which market?" }), undefined, "s", "x")).toEqual({ kind: "refuse", message: "project p: blocked: which market?" });
    const task = streamReview(project({ stage: "blocked", summary: "1 task(s) blocked", blocked: [{ task: "t", stream: "s", reason: "failed with these inputs" }] }), undefined, "s", "x");
    expect(task).toEqual({ kind: "refuse", message: "stream s is blocked: t: failed with these inputs" });
    const accepted = streamReview(project({ stage: "done" }), { project: "p", streams: { s: { accepted: { fingerprint: "x", at: "2026-01-01T00:00:00Z", by: "mona" } } } }, "s", "x");
    expect(accepted).toEqual({ kind: "already", message: "stream s is already accepted (by mona at 2026-01-01T00:00:00Z)" });
  });
});

describe("directorHandle", () => {
  it("finds the project's director, else the agency's first", () => {
    const agency = { directors: [{ id: "boss", github: "octocat" }, { id: "cto", github: "hubot" }] } as unknown as Agency;
    expect(directorHandle(agency, { director: "cto" } as Project)).toBe("hubot");
    expect(directorHandle(agency, {} as Project)).toBe("octocat");
  });
});

describe("primary condition", () => {
  it("a failure outranks readiness; inactive conditions other than Ready say nothing", () => {
    const c = (type: "Ready" | "Failed" | "Progressing", status: "True" | "False") => ({ type, status, reason: "R", message: null, since: null });
    expect(primary([c("Ready", "False"), c("Failed", "True")])?.type).toBe("Failed");
    expect(primary([c("Progressing", "False"), c("Ready", "True")])?.type).toBe("Ready");
    expect(primary([c("Progressing", "False")])).toBeUndefined();
  });
});
