import { describe, expect, it } from "vitest";
import type { BlockerRecord } from "../agency/types.gen.ts";
import type { Status } from "../agency/types.gen.ts";
import { blockerKey, decideBlocker, directorInputMoot, MAX_PM_RESOLUTIONS } from "./blockers.ts";

const rec = (key: string, resolution: BlockerRecord["resolution"], answered = false): BlockerRecord => ({
  key,
  blocker: key,
  at: "2026-11-25T12:00:00Z",
  resolution,
  ...(answered ? { answer: { by: "octocat", at: "2026-11-25T12:00:00Z", text: "yes" } } : {}),
});

describe("which blockers go to the PM", () => {
  it("keys a blocker by its text and the task's inputs", () => {
    expect(blockerKey("no data", "f1")).toBe(blockerKey(" no data ", "f1"));
    expect(blockerKey("no data", "f1")).not.toBe(blockerKey("no data", "f2"));
    expect(blockerKey("no data", "f1")).toMatch(/^[0-9a-f]{16}$/);
  });

  it("every new blocker goes to the PM, however often the task ran; the same one again goes to the Director", () => {
    expect(decideBlocker([], "k1")).toEqual({ kind: "consult-pm" });
    expect(decideBlocker([rec("k1", "replan-task")], "k2")).toEqual({ kind: "consult-pm" });
    expect(decideBlocker([rec("k1", "replan-task")], "k1")).toEqual({ kind: "ask-director", why: "the same blocker on the same inputs, after the PM's replan-task" });
  });

  it("bounds the PM's re-plans in a row; the Director's answer starts the count again", () => {
    const replans = Array.from({ length: MAX_PM_RESOLUTIONS }, (_, i) => rec(`r${i}`, i % 2 ? "reassign-role" : "replan-task"));
    expect(decideBlocker(replans, "new")).toEqual({ kind: "ask-director", why: `still blocked after ${MAX_PM_RESOLUTIONS} re-plans by the PM` });
    expect(decideBlocker([...replans, rec("q", "ask-director", true)], "new")).toEqual({ kind: "consult-pm" });
    expect(decideBlocker([...replans.slice(1), rec("q", "ask-director")], "new")).toEqual({ kind: "consult-pm" });
  });
});

describe("a question to the Director", () => {
  const asked = (failedFingerprint?: string): Status => ({
    project: "p",
    conditions: [{ type: "Blocked", status: "True", reason: "DirectorInput", message: "t: which?" }],
    tasks: { t: { ...(failedFingerprint ? { failedFingerprint } : {}), blockers: [{ ...rec("k", "ask-director"), question: "which?" }] } },
  });
  it("holds while the task that asked is unchanged; an edit or a retry makes it moot; a block with no question on record holds", () => {
    expect(directorInputMoot(asked("f1"), () => "f1")).toBe(false);
    expect(directorInputMoot(asked("f1"), () => "f2")).toBe(true);
    expect(directorInputMoot(asked(), () => "f1")).toBe(true);
    expect(directorInputMoot({ project: "p", conditions: asked().conditions! }, () => "f1")).toBe(false);
  });
});
