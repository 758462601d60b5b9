import { beforeAll, describe, expect, it } from "vitest";
import { fingerprintTasks } from "../plan/fingerprint.ts";
import { loadTemplates, type Templates } from "../prompts/templates.ts";
import type { AgencyModel } from "../agency/model.ts";
import type { Status } from "../agency/types.gen.ts";
import { dispatch } from "./dispatch.ts";
import type { CommandEffect, FeedbackEffect } from "./effect.ts";
import { applyFeedback, mergeFeedback } from "./feedback.ts";
import { reviewCommentFeedback } from "./revise.ts";
import { miniModel } from "../../test/support/commands/mini-model.ts";

const at = "2026-11-22T09:00:00Z";
const fb = (task: string, text: string, source: string, by = "octocat"): FeedbackEffect => ({ type: "feedback", project: "alpha", task, text, by, at, source });
const C1 = "https://github.com/acme/agency/pull/7#issuecomment-1";
const C2 = "https://github.com/acme/agency/pull/7#issuecomment-2";

describe("applyFeedback", () => {
  it("adds an entry to the task's feedback, keeping what the task already recorded", () => {
    const status: Status = { project: "alpha", tasks: { draft: { attempts: 2, feedback: [{ by: "a", at, text: "earlier" }] } } };
    const next = applyFeedback(status, fb("draft", "Shorter.", C1));
    expect(next.tasks!.draft).toEqual({ attempts: 2, feedback: [{ by: "a", at, text: "earlier" }, { by: "octocat", at, source: C1, text: "Shorter." }] });
    expect(status.tasks!.draft!.feedback).toHaveLength(1);
  });

  it("creates the task's entry when it has none", () => {
    expect(applyFeedback({ project: "alpha" }, fb("polish", "x", C1))).toEqual({ project: "alpha", tasks: { polish: { feedback: [{ by: "octocat", at, source: C1, text: "x" }] } } });
  });

  it("is idempotent by source: the same comment seen again returns the same status object", () => {
    const once = applyFeedback({ project: "alpha" }, fb("draft", "Shorter.", C1));
    expect(applyFeedback(once, fb("draft", "Shorter.", C1))).toBe(once);
    const twice = applyFeedback(once, fb("draft", "Shorter.", C2));
    expect(twice.tasks!.draft!.feedback!.map((f) => f.source)).toEqual([C1, C2]);
  });

  it("updates an edited comment's entry in place rather than adding another", () => {
    let status = applyFeedback({ project: "alpha" }, fb("draft", "Shorter.", C1));
    status = applyFeedback(status, fb("draft", "Other point.", C2));
    const edited = applyFeedback(status, { ...fb("draft", "Much shorter.", C1), at: "2026-11-22T10:00:00Z" });
    expect(edited.tasks!.draft!.feedback!.map((f) => [f.source, f.text, f.at])).toEqual([
      [C1, "Much shorter.", "2026-11-22T10:00:00Z"],
      [C2, "Other point.", at],
    ]);
  });

  it("keeps the same source apart per task", () => {
    const status = applyFeedback(applyFeedback({ project: "alpha" }, fb("draft", "a", C1)), fb("polish", "b", C1));
    expect(status.tasks!.draft!.feedback).toHaveLength(1);
    expect(status.tasks!.polish!.feedback).toHaveLength(1);
  });
});

describe("mergeFeedback", () => {
  it("joins one comment's feedback for the same task, in order, and passes other effects through", () => {
    const other: CommandEffect = { type: "status", project: "alpha" };
    const merged = mergeFeedback([fb("draft", "One.", C1), other, fb("polish", "Two.", C1), fb("draft", "Three.", C1), fb("draft", "Four.", C2)]);
    expect(merged).toEqual([fb("draft", "One.\n\nThree.", C1), other, fb("polish", "Two.", C1), fb("draft", "Four.", C2)]);
  });
});

describe("recorded feedback and the fingerprint", () => {
  let mini: AgencyModel;
  let templates: Templates;
  beforeAll(async () => {
    mini = await miniModel();
    templates = await loadTemplates();
  });

  const prints = (status: Status) => {
    const project = { ...mini.projects.get("alpha")!, status };
    return new Map([...fingerprintTasks(mini, project, templates)].map(([id, f]) => [id, f.fingerprint]));
  };

  it("changes the fingerprint of the commented task and its downstream only, once per comment", () => {
    const base: Status = { project: "alpha" };
    const ctx = { kind: "stream-pr" as const, project: "alpha", stream: "docs", file: "agency/projects/alpha/outputs/docs/draft.md", line: 4, author: "octocat", at, url: C1 };
    const effect = reviewCommentFeedback("Lead with the customer problem.", ctx, mini.projects.get("alpha")!.plan);
    expect(effect).toMatchObject({ type: "feedback", task: "draft" });
    const after = applyFeedback(base, effect!);
    const [before, changed] = [prints(base), prints(after)];
    const moved = [...before.keys()].filter((id) => before.get(id) !== changed.get(id)).sort();
    expect(moved).toEqual(["draft", "polish"]);
    expect(prints(applyFeedback(after, effect!))).toEqual(changed);
  });

  it("a /revise on the stream PR changes its integrating task's fingerprint", () => {
    const effect = dispatch({ name: "/revise", args: "Warmer tone.", line: 1 }, { kind: "stream-pr", project: "alpha", stream: "docs", author: "octocat", at, url: C2 }, mini);
    expect(effect).toMatchObject({ type: "feedback", task: "polish" });
    const before = prints({ project: "alpha" });
    const after = prints(applyFeedback({ project: "alpha" }, effect as FeedbackEffect));
    expect([...before.keys()].filter((id) => before.get(id) !== after.get(id))).toEqual(["polish"]);
  });
});
