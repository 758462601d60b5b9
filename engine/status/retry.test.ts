import { describe, expect, it } from "vitest";
import type { Status } from "../agency/types.gen.ts";
import { recordTaskDone, recordTaskFailed } from "./record.ts";
import { actionAttempt, actionRetryGate, attemptLabel, taskAttempt, clearActionFailure, projectFailed, recordActionFailed, requestRetry, retryAfter, RETRY_POLICY, taskRetryGate } from "./retry.ts";

const AT = "2026-12-01T10:00:00Z";
const later = (min: number) => new Date(Date.parse(AT) + min * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const fail = (s: Status, fp = "a".repeat(16), at = AT) => recordTaskFailed(s, "t", { fingerprint: fp, reason: "InvalidReply", message: "bad", at });

describe("task retries", () => {
  it("backs off after each failure with the same inputs and stalls at the bound", () => {
    let s: Status = { project: "p" };
    s = fail(s);
    expect(s.tasks!.t).toMatchObject({ failures: 1, retryAfter: later(5) });
    expect(taskRetryGate(s.tasks!.t, "a".repeat(16), later(1))).toMatchObject({ state: "waiting", until: later(5) });
    expect(taskRetryGate(s.tasks!.t, "a".repeat(16), later(5))).toMatchObject({ state: "due", attempt: 2, of: 3 });
    s = fail(s, "a".repeat(16), later(5));
    expect(s.tasks!.t).toMatchObject({ failures: 2, retryAfter: later(25) });
    s = fail(s, "a".repeat(16), later(30));
    expect(s.tasks!.t!.failures).toBe(RETRY_POLICY.maxAttempts);
    expect(s.tasks!.t!.retryAfter).toBeUndefined();
    expect(s.tasks!.t!.conditions?.find((c) => c.type === "Stalled")).toMatchObject({ status: "True", reason: "RetriesExhausted" });
    expect(taskRetryGate(s.tasks!.t, "a".repeat(16), later(10_000))).toMatchObject({ state: "stalled", failures: 3 });
    // Other inputs start afresh.
    expect(taskRetryGate(s.tasks!.t, "b".repeat(16), later(1))).toEqual({ state: "clear" });
    expect(fail(s, "b".repeat(16)).tasks!.t!.failures).toBe(1);
  });

  it("clears on success and on a person's retry", () => {
    const stalled = fail(fail(fail({ project: "p" })));
    const done = recordTaskDone(stalled, "t", { fingerprint: "a".repeat(16), parts: {}, tier: "fast", model: "m", outputs: [], at: AT });
    expect(done.tasks!.t).not.toHaveProperty("failures");
    expect(done.tasks!.t!.conditions?.map((c) => c.type)).toEqual(["Ready"]);
    const retried = requestRetry(stalled, { tasks: ["t"], project: false }, AT);
    expect(retried.tasks!.t).not.toHaveProperty("failedFingerprint");
    expect((retried.tasks!.t!.conditions ?? []).filter((c) => c.type === "Failed" || c.type === "Stalled")).toEqual([]);
    expect(taskRetryGate(retried.tasks!.t, "a".repeat(16), AT)).toEqual({ state: "clear" });
  });
});

describe("project-level action retries", () => {
  it("count per inputs, stall the project at the bound, and clear on success or retry", () => {
    const f = { inputs: "c".repeat(16), reason: "InvalidReply", message: "dup ids" };
    let s: Status = { project: "p" };
    s = recordActionFailed(s, "propose-plan", { ...f, at: AT });
    expect(actionRetryGate(s, "propose-plan", f.inputs, later(1))).toMatchObject({ state: "waiting" });
    expect(actionRetryGate(s, "propose-plan", "d".repeat(16), later(1))).toEqual({ state: "clear" });
    s = recordActionFailed(s, "propose-plan", { ...f, at: later(5) });
    s = recordActionFailed(s, "propose-plan", { ...f, at: later(30) });
    expect(actionRetryGate(s, "propose-plan", f.inputs, later(9999))).toMatchObject({ state: "stalled", failures: 3 });
    expect(s.conditions?.find((c) => c.type === "Stalled")?.message).toMatch(/propose-plan failed 3 times .*ateams retry p/);
    expect(projectFailed(s)).toBe(true);
    for (const cleared of [clearActionFailure(s, "propose-plan"), requestRetry(s, { tasks: [], project: true }, AT)]) {
      expect(cleared.actions).toBeUndefined();
      expect(cleared.conditions?.find((c) => c.type === "Stalled")).toBeUndefined();
    }
  });

  it("spaces retries 5 minutes, then 20", () => {
    expect(retryAfter(AT, 1)).toBe(later(5));
    expect(retryAfter(AT, 2)).toBe(later(20));
  });
});

describe("attempt labels (what keeps a retry's calls out of the cache of earlier tries)", () => {
  it("none on a first try; each failure, its inputs and a person's retry make a new one", () => {
    expect(attemptLabel({})).toBeUndefined();
    expect(taskAttempt(undefined)).toBeUndefined();
    expect(taskAttempt({ fingerprint: "f".repeat(64) })).toBeUndefined();
    const once = taskAttempt({ failedFingerprint: "a".repeat(64), failures: 1, retryAfter: "2026-12-01T10:05:00Z" });
    const escalated = taskAttempt({ failedFingerprint: "b".repeat(64), failures: 1, retryAfter: "2026-12-01T10:05:00Z" });
    const twice = taskAttempt({ failedFingerprint: "a".repeat(64), failures: 2, retryAfter: "2026-12-01T10:26:00Z" });
    const retried = taskAttempt({ retryRequestedAt: "2026-12-01T12:00:00Z" });
    // A finished task redone with the same prompt must not get its earlier replies from the cache.
    const redone = taskAttempt({ fingerprint: "f".repeat(64), redoRequestedAt: "2026-12-02T09:00:00Z" });
    expect(redone).toBe("redone 2026-12-02T09:00:00Z");
    expect(new Set([once, escalated, twice, retried, redone]).size).toBe(5);
    expect(once).toBe("failed 1 with aaaaaaaaaaaa, due 2026-12-01T10:05:00Z");
    const status: Status = { project: "p", actions: { "propose-plan": { inputs: "i".repeat(64), failures: 1, reason: "InvalidReply", at: "2026-12-01T10:00:00Z", retryAfter: "2026-12-01T10:05:00Z" } } } as Status;
    expect(actionAttempt(status, "propose-plan")).toBe("failed 1 with iiiiiiiiiiii, due 2026-12-01T10:05:00Z");
    expect(actionAttempt(status, "assemble")).toBeUndefined();
    expect(actionAttempt({ ...status, retryRequestedAt: "2026-12-01T12:00:00Z" }, "assemble")).toBe("retried 2026-12-01T12:00:00Z");
  });
});
